"""ADaM ADRS (BDS) from the engine's results, with the parameters of admiralonco's ADRS
template (``ad_adrs.R``) and their wording; one set per read (subject and reader).

Parameters (RECIST 1.1 section 4.3 for the timepoints, section 4.4 for the best response,
section 4.5 for confirmation); every value comes from the engine's responses, progression date
and best overall responses, never from rules re-applied here:

- ``OVR`` per assessed visit. ANL01FL "Y" on or after STARTDT and before the subject's
  ``new_therapy_date`` (the template's ANL01FL, with admiralonco's new-anticancer-therapy
  variant ``ADT < NACTDT``); ANL02FL "Y" up to and including the read's first PD (the
  template's ``derive_var_relative_flag(condition = AVALC == "PD", selection = "before",
  inclusive = TRUE)``), empty after it. The engine's BOR, CBOR and the parameters below
  count every assessment before progression (the contract), new therapy or not: a record
  after new therapy can be left out by ANL01FL and still be what BOR was judged on.
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
- ``CCB`` (confirmed clinical benefit, the template's ``derive_param_clinbenefit`` with the
  confirmed response as ``source_resp``): Y when the engine counts an assessment before
  progression, with confirmation of response on (``recist.rules.endpoints.counted_as``), as
  CR, PR, SD or NON-CR/NON-PD: a confirmed CR/PR at any day, an unconfirmed one or an SD from
  ``--sd-min-days`` on; ADT is the first such assessment.
- ``MDIS`` (measurable disease at baseline): Y when the read's baseline has a target lesion
  (the template's ``TUSTRESC == "TARGET"`` at baseline), N otherwise; written only from a
  measurements file (a responses file carries no lesions to judge it from). No ADT.
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
RSEVAL and RSEVALID. ``recist.cdisc.adtte`` and ``recist.cdisc.adtr`` apply the same rule to
their PARAM.

Y/N parameters have AVAL 1/0 (``yn_to_numeric()``) and ANL01FL "Y". A record that comes from
one visit's overall response (OVR, and a derived parameter dated by it) carries AVISIT,
AVISITN (RS's VISITNUM), RSSEQ (of that OVRLRESP record in ``recist export sdtm-rs``, as the
template carries RS's RSSEQ) and that OVR record's ANL02FL. ADY is the ADaM study day of ADT
from STARTDT (ADT - STARTDT + 1 on or after it, ADT - STARTDT before: no day 0).
ASEQ numbers each subject's records by read, PARAMCD and ADT
(``derive_var_obs_number(order = PARAMCD, ADT, ...)``), over every read of the input: with
``--reader`` the records kept keep their numbers (and ADTTE's SRCSEQ its meaning).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from recist.cdisc.datasets import Column, OutputDataset, Value
from recist.cdisc.reads import Read, visit_numbers
from recist.cdisc.rs import RS_INDEX, sdtm_rs
from recist.model import Response
from recist.results import SubjectEndpoints, TimepointResult
from recist.rules.endpoints import DISEASE_CONTROL, EndpointOptions, assessed, counted_as

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
    Column("AVISITN", "Analysis Visit (N)", "num"),
    Column("ADT", "Analysis Date", "date"),
    Column("ADY", "Analysis Relative Day", "num"),
    Column("ADTF", "Analysis Date Imputation Flag"),
    Column("AVALC", "Analysis Value (C)"),
    Column("AVAL", "Analysis Value", "num"),
    Column("ANL01FL", "Analysis Flag 01"),
    Column("ANL02FL", "Analysis Flag 02"),
    Column("STARTDT", "Reference Start Date", "date"),
    Column("RSSEQ", "Sequence Number", "num"),
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
    "CCB": "Confirmed Clinical Benefit{who}",
    "BCP": "Best Overall Response of CR/PR{who} (confirmation not required)",
    "CRSP": "Confirmed Response{who}",
    "CBCP": "Best Confirmed Overall Response of CR/PR{who}",
    "LSTA": "Last Disease Assessment{who}",
    "MDIS": "Measurable Disease at Baseline{who}",
}
#: The position of each variable in a record.
ADRS_INDEX = {column.name: index for index, column in enumerate(ADRS_COLUMNS)}
Record = tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class _Context:
    """What every record of a read needs: VISITNUM per label and RSSEQ per OVRLRESP."""

    visits: dict[str, str]
    rsseq: dict[tuple[str, str, str, str], Value]


def adrs(
    reads: list[Read], options: EndpointOptions, kept: list[Read] | None = None
) -> OutputDataset:
    """ADaM ADRS of the ``kept`` reads (default all): the parameters above, per read (DEATH
    per subject), ASEQ numbered over every read of ``reads``."""
    chosen = reads if kept is None else kept
    named = one_evaluator(chosen)
    rs = sdtm_rs(reads)
    code, visit = RS_INDEX["RSTESTCD"], RS_INDEX["VISIT"]
    ids = [RS_INDEX[name] for name in ("USUBJID", "RSEVAL", "RSEVALID")]
    rsseq = {
        (str(row[ids[0]]), str(row[ids[1]]), str(row[ids[2]]), str(row[visit])): row[
            RS_INDEX["RSSEQ"]
        ]
        for row in rs.rows
        if row[code] == "OVRLRESP"
    }
    context = _Context(visit_numbers(reads), rsseq)
    records: list[Record] = []
    dcr = f"Disease Control at Day {options.dcr_day} +- {options.dcr_window}"
    for read in reads:
        read.evaluator_in_param = named
        start = read.reference
        visits = assessed(read.assessment)
        for tp in visits:
            assert tp.overall_response is not None
            records.append(_record(read, context, "OVR", tp, tp.overall_response))
        for code_, result in (("BOR", read.unconfirmed), ("CBOR", read.confirmed)):
            best = result.best_response_at
            records.append(_record(read, context, code_, best, result.best_overall_response))
        control = read.endpoints.dcr_6m
        landmark = read.endpoints.landmark_assessment if control else None
        records.append(
            _record(read, context, "DCR6M", landmark, "Y" if control else "N", param=dcr)
        )
        records += _derived(read, context, options)
        on_study = [t for t in visits if start is not None and t.date >= start]
        last = on_study[-1] if on_study else None
        value = last.overall_response.value if last and last.overall_response else ""
        records.append(_record(read, context, "LSTA", last, value))
        if read.derived:
            baseline = read.assessment.baseline
            measurable = baseline is not None and baseline.baseline_sum_mm is not None
            records.append(_record(read, context, "MDIS", None, "Y" if measurable else "N"))
    records += _deaths(reads)
    rows = _sequenced(records)
    return OutputDataset("ADRS", "Response Analysis Dataset", ADRS_COLUMNS, kept_rows(rows, chosen))


def kept_rows(rows: tuple[Record, ...], kept: list[Read]) -> tuple[Record, ...]:
    """The rows of the ``kept`` reads (by USUBJID, RSEVAL, RSEVALID; a row without an
    evaluator, DEATH, by USUBJID)."""
    reads = {(read.key.subject_id, *read.rseval) for read in kept}
    subjects = {read.key.subject_id for read in kept}
    subject, rseval, rsevalid = (ADRS_INDEX[n] for n in ("USUBJID", "RSEVAL", "RSEVALID"))
    return tuple(
        row
        for row in rows
        if (row[subject], row[rseval], row[rsevalid]) in reads
        or (not row[rseval] and row[subject] in subjects)
    )


def _derived(read: Read, context: _Context, options: EndpointOptions) -> list[Record]:
    """PD, RSP, CB, CCB, BCP, CRSP and CBCP of one read."""
    progressed = read.endpoints.progression_date
    at_progression = next((t for t in assessed(read.assessment) if t.date == progressed), None)
    first_response = first_counted(read, options, RESPONSE, confirm=False)
    first_control = first_counted(read, options, DISEASE_CONTROL, confirm=False)
    confirmed_control = first_counted(read, options, DISEASE_CONTROL, confirm=True)
    bor, cbor = read.unconfirmed, read.confirmed
    return [
        _record(read, context, "PD", at_progression, _yn(progressed), date=progressed),
        _record(read, context, "RSP", first_response, _yn(first_response)),
        _record(read, context, "CB", first_control, _yn(first_control)),
        _record(read, context, "CCB", confirmed_control, _yn(confirmed_control)),
        _flag(read, context, "BCP", bor, lambda r: r in RESPONSE),
        _flag(read, context, "CRSP", cbor, lambda r: r in RESPONSE),
        _flag(read, context, "CBCP", cbor, lambda r: r in RESPONSE),
    ]


def first_counted(
    read: Read, options: EndpointOptions, wanted: frozenset[Response], *, confirm: bool
) -> TimepointResult | None:
    """The first assessment before progression that the engine counts, toward the best
    overall response (RECIST 1.1 sections 4.4 and 4.5, ``confirm`` as given), as one of
    ``wanted``."""
    reference = read.reference
    progressed = read.endpoints.progression_date
    if reference is None:
        return None
    chosen = dataclasses.replace(options, confirm=confirm)
    before = [t for t in assessed(read.assessment) if progressed is None or t.date < progressed]
    return next(
        (t for i, t in enumerate(before) if counted_as(before, i, reference, chosen) in wanted),
        None,
    )


def _flag(
    read: Read,
    context: _Context,
    code: str,
    result: SubjectEndpoints,
    test: Callable[[Response], bool],
) -> Record:
    """A Y/N parameter of a best response, dated as it when Y."""
    yes = test(result.best_overall_response)
    return _record(read, context, code, result.best_response_at if yes else None, _yn(yes or None))


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
        death, start = read.info.death_date, read.reference
        records.append(_row(
            STUDYID=read.study_id, USUBJID=subject, PARAMCD="DEATH", PARAM="Death",
            PARCAT1="Reference Event", ADT=death, ADY=study_day(death, start),
            AVALC=_yn(death), AVAL=1 if death else 0, ANL01FL="Y", STARTDT=start,
        ))  # fmt: skip
    return records


def study_day(date: dt.date | None, start: dt.date | None) -> int | None:
    """ADaM's relative day of ``date`` from ``start``: day 1 is ``start``, the day before is
    day -1 (there is no day 0)."""
    if date is None or start is None:
        return None
    days = (date - start).days
    return days + 1 if days >= 0 else days


def _row(**values: Value) -> Record:
    """A record (without ASEQ) from values by variable name; the others empty."""
    return tuple(values.get(column.name) for column in ADRS_COLUMNS[:-1])


def _record(
    read: Read,
    context: _Context,
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
    therapy = read.info.new_therapy_date
    analysed = date is not None and start is not None and date >= start
    analysed = analysed and (therapy is None or date is None or date < therapy)
    rseval, rsevalid = read.rseval
    text = (
        PARAMS[code].format(who=reader_words(read)) if param is None else param + reader_words(read)
    )
    return _row(
        STUDYID=read.study_id, USUBJID=read.key.subject_id, RSEVAL=rseval, RSEVALID=rsevalid,
        PARAMCD=code, PARAM=text, PARCAT1=TUMOR_RESPONSE, PARCAT2=rseval.title(),
        PARCAT3="RECIST 1.1", AVISIT=tp.timepoint if tp else None,
        AVISITN=context.visits.get(tp.timepoint) if tp else None, ADT=date,
        ADY=study_day(date, start), ADTF=("D" if len(dtc) >= 7 else "M") if imputed else None,
        AVALC=value, AVAL=AVAL_RESPONSE.get(value, {"Y": 1, "N": 0}.get(value)),
        ANL01FL="Y" if code != "OVR" or analysed else None,
        ANL02FL=_before_progression(read, tp), STARTDT=start,
        RSSEQ=context.rsseq.get((read.key.subject_id, rseval, rsevalid, tp.timepoint))
        if tp else None,
    )  # fmt: skip


def _before_progression(read: Read, tp: TimepointResult | None) -> str | None:
    """ANL02FL of the OVR record of ``tp``: "Y" up to and including the read's first PD."""
    if tp is None:
        return None
    first_pd = next(
        (t.date for t in assessed(read.assessment) if t.overall_response is Response.PD), None
    )
    return "Y" if first_pd is None or tp.date <= first_pd else None


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
        return (
            str(row[subject]),
            str(row[rseval] or ""),
            str(row[rsevalid] or ""),
            str(row[code]),
            date,
        )

    sequence: dict[str, int] = {}
    numbered = []
    for row in sorted(records, key=order):
        seq = sequence[str(row[subject])] = sequence.get(str(row[subject]), 0) + 1
        numbered.append((*row, seq))
    return tuple(numbered)
