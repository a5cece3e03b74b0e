"""ADaM ADRS (BDS) from the engine's results, with the parameters of admiralonco's ADRS
template (``ad_adrs.R``) and their wording; one set per read (subject and reader).

Parameters (RECIST 1.1 section 4.3 for the timepoints, section 4.4 for the best response,
section 4.5 for confirmation); every value comes from the engine's responses, progression date
and best overall responses, never from rules re-applied here:

- ``OVR`` per assessed visit; ANL01FL "Y" on or after STARTDT (the template's ANL01FL).
- ``BOR`` (confirmation not required) and ``CBOR`` (confirmed): AVAL is admiralonco's
  ``aval_resp()`` (CR 1, PR 2, SD 3, NON-CR/NON-PD 4, PD 5, NE 6).
- ``PD``: Y at the engine's progression date (the first PD, or the first sighting of an
  equivocal new lesion later confirmed), N without progression.
- ``RSP`` / ``CB``: Y when the unconfirmed best response is CR/PR, resp. CR, PR, SD or
  NON-CR/NON-PD (SD counting from ``--sd-min-days``, the template's ``RANDDT + 42``); ADT is
  the first assessment before progression that the engine's best overall response counts so.
- ``BCP`` / ``CBCP``: Y when BOR / CBOR is CR or PR, dated as BOR / CBOR.
- ``CRSP``: Y when the confirmed best response is CR or PR, dated as CBOR (the assessment
  that gave it; admiralonco dates the first confirmed response, which differs only when a
  confirmed PR precedes a confirmed CR).
- ``LSTA``: the last OVR record flagged ANL01FL, whatever its response (NE included, and after
  progression too, as the template's ``derive_extreme_records(mode = "last")``); empty AVALC
  when the read has no assessment.
- ``DEATH`` (PARCAT1 "Reference Event"; one per subject, not per read): Y at ``death_date``,
  only when the subjects file has a ``death_date`` column (without it deaths are unknown).
- ``DCR6M``: disease control at the landmark (no admiralonco counterpart).

Several evaluators (PARAMCD and PARAM one to one, ADaMIG v1.3 section 3.3.4): we follow
admiralonco's multi-assessor convention, which keeps admiralonco's PARAMCDs for every assessor
and puts the assessor in a variable of its own, ``PARCAT2`` (the template's ``PARCAT2 =
"Investigator"``), beside RSEVAL / RSEVALID (who read, carried from SDTM). Distinct PARAMCDs
per evaluator were the other choice; they were not taken because an 8-character PARAMCD has no
room for both admiralonco's codes and a reader (``CBCP`` + ``RAD2``...), and programs written
for admiralonco's codes would miss every non-investigator record. PARAM names the evaluator
(`` by Investigator``, admiralonco's words) only when the dataset holds one evaluator, as the
template's single-assessor ADRS does; with several, PARAM is evaluator-free ("Overall
Response"), so that each PARAMCD has one PARAM, and the evaluator is read from PARCAT2,
RSEVAL and RSEVALID. ``recist.cdisc.exports.adtte`` applies the same rule to its PARAM.

Y/N parameters have AVAL 1/0 (``yn_to_numeric()``) and ANL01FL "Y". ASEQ numbers each subject's
records by read, PARAMCD and ADT (``derive_var_obs_number(order = PARAMCD, ADT, ...)``).
Not written: ``CCB`` (dated by the first confirmed response, and the engine names only the
assessment that gave the confirmed best response) and ``MDIS`` (a responses file carries no
lesions to judge measurable disease at baseline from).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from recist.cdisc.datasets import Column, OutputDataset, Value
from recist.cdisc.reads import Read
from recist.model import Response
from recist.results import SubjectEndpoints, TimepointResult
from recist.rules.endpoints import (
    DISEASE_CONTROL,
    EndpointOptions,
    assessed,
    best_overall_response,
)

AVAL_RESPONSE = {"CR": 1, "PR": 2, "SD": 3, "NON-CR/NON-PD": 4, "PD": 5, "NE": 6}
RESPONSE = frozenset({Response.CR, Response.PR})
TUMOR_RESPONSE = "Tumor Response"
ADRS_COLUMNS = (
    Column("STUDYID", "Study Identifier"),
    Column("USUBJID", "Unique Subject Identifier"),
    Column("RSEVAL", "Evaluator"),
    Column("RSEVALID", "Evaluator Identifier"),
    Column("PARAMCD", "Parameter Code"),
    Column("PARAM", "Parameter"),
    Column("PARCAT1", "Parameter Category 1"),
    Column("PARCAT2", "Parameter Category 2"),
    Column("PARCAT3", "Parameter Category 3"),
    Column("AVISIT", "Analysis Visit"),
    Column("ADT", "Analysis Date", "date"),
    Column("ADTF", "Analysis Date Imputation Flag"),
    Column("AVALC", "Analysis Value (C)"),
    Column("AVAL", "Analysis Value", "num"),
    Column("ANL01FL", "Analysis Flag 01"),
    Column("STARTDT", "Reference Start Date", "date"),
    Column("ASEQ", "Analysis Sequence Number", "num"),
)
#: PARAM of each parameter (admiralonco's words); ``{who}`` is `` by Investigator``...
PARAMS = {
    "OVR": "Overall Response{who}",
    "BOR": "Best Overall Response{who} (confirmation not required)",
    "CBOR": "Best Confirmed Overall Response{who}",
    "PD": "Disease Progression{who}",
    "RSP": "Response{who} (confirmation not required)",
    "CB": "Clinical Benefit{who} (confirmation for response not required)",
    "BCP": "Best Overall Response of CR/PR{who} (confirmation not required)",
    "CRSP": "Confirmed Response{who}",
    "CBCP": "Best Confirmed Overall Response of CR/PR{who}",
    "LSTA": "Last Disease Assessment{who}",
}
#: The position of each variable in a record.
ADRS_INDEX = {column.name: index for index, column in enumerate(ADRS_COLUMNS)}
Record = tuple[Value, ...]


def adrs(reads: list[Read], options: EndpointOptions) -> OutputDataset:
    """ADaM ADRS: the parameters above, per read (DEATH per subject)."""
    records: list[Record] = []
    dcr = f"Disease Control at Day {options.dcr_day} +- {options.dcr_window}"
    named = one_evaluator(reads)
    for read in reads:
        read.evaluator_in_param = named
        start = read.reference
        visits = assessed(read.assessment)
        for tp in visits:
            assert tp.overall_response is not None
            records.append(_record(read, "OVR", tp, tp.overall_response))
        for code, result in (("BOR", read.unconfirmed), ("CBOR", read.confirmed)):
            best = result.best_response_at
            records.append(_record(read, code, best, result.best_overall_response))
        control = read.endpoints.dcr_6m
        landmark = read.endpoints.landmark_assessment if control else None
        records.append(_record(read, "DCR6M", landmark, "Y" if control else "N", param=dcr))
        records += _derived(read, options)
        on_study = [t for t in visits if start is not None and t.date >= start]
        last = on_study[-1] if on_study else None
        value = last.overall_response.value if last and last.overall_response else ""
        records.append(_record(read, "LSTA", last, value))
    records += _deaths(reads)
    return OutputDataset("ADRS", "Response Analysis Dataset", ADRS_COLUMNS, _sequenced(records))


def _derived(read: Read, options: EndpointOptions) -> list[Record]:
    """PD, RSP, CB, BCP, CRSP and CBCP of one read."""
    progressed = read.endpoints.progression_date
    at_progression = next((t for t in assessed(read.assessment) if t.date == progressed), None)
    first_response = _first_counted(read, options, RESPONSE)
    first_control = _first_counted(read, options, DISEASE_CONTROL)
    bor, cbor = read.unconfirmed, read.confirmed
    return [
        _record(read, "PD", at_progression, _yn(progressed), date=progressed),
        _record(read, "RSP", first_response, _yn(first_response)),
        _record(read, "CB", first_control, _yn(first_control)),
        _flag(read, "BCP", bor, lambda r: r in RESPONSE),
        _flag(read, "CRSP", cbor, lambda r: r in RESPONSE),
        _flag(read, "CBCP", cbor, lambda r: r in RESPONSE),
    ]


def _first_counted(
    read: Read, options: EndpointOptions, wanted: frozenset[Response]
) -> TimepointResult | None:
    """The first assessment before progression that the engine's best overall response
    (RECIST 1.1 section 4.4, confirmation not required) counts as one of ``wanted``: the
    engine's ``best_overall_response`` of ever longer runs of assessments (unconfirmed, what
    one assessment counts as depends on it alone)."""
    reference = read.reference
    progressed = read.endpoints.progression_date
    if reference is None:
        return None
    unconfirmed = dataclasses.replace(options, confirm=False)
    before = [t for t in assessed(read.assessment) if progressed is None or t.date < progressed]
    for count in range(1, len(before) + 1):
        best, _, where = best_overall_response(before[:count], reference, None, unconfirmed)
        if best in wanted:
            return where
    return None


def _flag(
    read: Read, code: str, result: SubjectEndpoints, test: Callable[[Response], bool]
) -> Record:
    """A Y/N parameter of a best response, dated as it when Y."""
    yes = test(result.best_overall_response)
    return _record(read, code, result.best_response_at if yes else None, "Y" if yes else "N")


def _yn(value: object) -> str:
    return "N" if value is None else "Y"


def _deaths(reads: list[Read]) -> list[Record]:
    """DEATH, one per subject (no evaluator: ``PARCAT1`` "Reference Event")."""
    records: list[Record] = []
    first: dict[str, Read] = {}
    for read in sorted(reads, key=lambda r: (r.key.subject_id, r.key.reader or "")):
        first.setdefault(read.key.subject_id, read)
    for subject, read in first.items():
        if not read.deaths_recorded:
            continue
        death = read.info.death_date
        records.append(
            (read.study_id, subject, "", "", "DEATH", "Death", "Reference Event", "", "", "",
             death, "", _yn(death), 1 if death else 0, "Y", read.reference)
        )  # fmt: skip
    return records


def _record(
    read: Read,
    code: str,
    tp: TimepointResult | None,
    value: str,
    *,
    param: str | None = None,
    date: dt.date | None = None,
) -> Record:
    """One ADRS record of a read, without ASEQ; ``value`` is a response or Y/N; ``date``
    (the progression date) overrides the assessment's."""
    start = read.reference
    if date is None and tp is not None:
        date = tp.date
    dtc, imputed = read.dtc.get(tp.timepoint, ("", False)) if tp is not None else ("", False)
    adtf = ("D" if len(dtc) >= 7 else "M") if imputed else ""
    aval = AVAL_RESPONSE.get(value, {"Y": 1, "N": 0}.get(value))
    on_study = code != "OVR" or (date is not None and start is not None and date >= start)
    rseval, rsevalid = read.rseval
    who = reader_words(read)
    text = PARAMS[code].format(who=who) if param is None else param + who
    return (
        read.study_id, read.key.subject_id, rseval, rsevalid, code, text, TUMOR_RESPONSE,
        rseval.title(), "RECIST 1.1", tp.timepoint if tp else "", date, adtf, value, aval,
        "Y" if on_study else "", start,
    )  # fmt: skip


def one_evaluator(reads: list[Read]) -> bool:
    """Whether the dataset holds a single evaluator (then PARAM may name it)."""
    return len({(read.key.reader or "", read.rseval) for read in reads}) <= 1


def reader_words(read: Read) -> str:
    """The read in a PARAM: `` by Investigator``, `` by Radiologist 1``; empty when the
    dataset holds several evaluators (PARAM evaluator-free, one PARAM per PARAMCD)."""
    if not read.evaluator_in_param or not read.key.reader:
        return ""
    return f" by {read.key.reader.title()}"


def _sequenced(records: list[Record]) -> tuple[Record, ...]:
    """Sort by subject, read, PARAMCD, ADT and number ASEQ within the subject."""

    subject, rseval, rsevalid, code, adt = (
        ADRS_INDEX[name] for name in ("USUBJID", "RSEVAL", "RSEVALID", "PARAMCD", "ADT")
    )

    def order(row: Record) -> tuple[str, str, str, str, dt.date]:
        value = row[adt]
        date = value if isinstance(value, dt.date) else dt.date.max
        return str(row[subject]), str(row[rseval]), str(row[rsevalid]), str(row[code]), date

    sequence: dict[str, int] = {}
    numbered = []
    for row in sorted(records, key=order):
        seq = sequence[str(row[subject])] = sequence.get(str(row[subject]), 0) + 1
        numbered.append((*row, seq))
    return tuple(numbered)
