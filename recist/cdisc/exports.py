"""``recist export``: SDTM RS and ADaM ADRS / ADTTE from the engine's results.

- RS (SDTMIG v3.4 section 6.3.14; RECIST 1.1 disease response supplement): per read and
  follow-up visit, ``TRGRESP``, ``NTRGRESP``, ``NEWLIND`` and ``OVRLRESP``, RSCAT "RECIST 1.1".
- ADRS (ADaM BDS, as admiralonco's ADRS template writes it): ``OVR`` per visit, ``BOR``
  (confirmation not required), ``CBOR`` (confirmed, RECIST 1.1 section 4.5), ``DCR6M`` (disease
  control at the landmark). AVAL codes are admiralonco's ``aval_resp()`` (CR 1, PR 2, SD 3,
  NON-CR/NON-PD 4, PD 5, NE 6) and 1/0 for Y/N; ANL01FL "Y" on records on or after STARTDT.
- ADTTE (ADaM ADTTE): ``RPFS`` (progression or death) and ``PFS`` (progression alone), with
  CNSR 0 = event, 1 = censored, and AVAL = ADT - STARTDT + 1 days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from recist.cdisc.datasets import Column, OutputDataset, Value, write_dataset
from recist.cdisc.reads import Read, load_reads
from recist.model import Response
from recist.results import TimepointResult, TimeToEvent
from recist.rules.endpoints import EndpointOptions, assessed

AVAL_RESPONSE = {"CR": 1, "PR": 2, "SD": 3, "NON-CR/NON-PD": 4, "PD": 5, "NE": 6}
RS_TESTS = (
    ("TRGRESP", "Target Response"),
    ("NTRGRESP", "Non-target Response"),
    ("NEWLIND", "New Lesion Indicator"),
    ("OVRLRESP", "Overall Response"),
)
RS_COLUMNS = (
    Column("STUDYID", "Study Identifier"),
    Column("DOMAIN", "Domain Abbreviation"),
    Column("USUBJID", "Unique Subject Identifier"),
    Column("RSSEQ", "Sequence Number", "num"),
    Column("RSTESTCD", "Assessment Short Name"),
    Column("RSTEST", "Assessment Name"),
    Column("RSCAT", "Category for Assessment"),
    Column("RSORRES", "Result or Finding in Original Units"),
    Column("RSSTRESC", "Character Result/Finding in Std Format"),
    Column("RSEVAL", "Evaluator"),
    Column("RSEVALID", "Evaluator Identifier"),
    Column("VISITNUM", "Visit Number", "num"),
    Column("VISIT", "Visit Name"),
    Column("RSDTC", "Date/Time of Assessment"),
)
ADRS_COLUMNS = (
    Column("STUDYID", "Study Identifier"),
    Column("USUBJID", "Unique Subject Identifier"),
    Column("RSEVAL", "Evaluator"),
    Column("RSEVALID", "Evaluator Identifier"),
    Column("PARAMCD", "Parameter Code"),
    Column("PARAM", "Parameter"),
    Column("PARCAT1", "Parameter Category 1"),
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
ADTTE_COLUMNS = (
    Column("STUDYID", "Study Identifier"),
    Column("USUBJID", "Unique Subject Identifier"),
    Column("RSEVAL", "Evaluator"),
    Column("RSEVALID", "Evaluator Identifier"),
    Column("PARAMCD", "Parameter Code"),
    Column("PARAM", "Parameter"),
    Column("STARTDT", "Time-to-Event Origin Date for Subject", "date"),
    Column("ADT", "Analysis Date", "date"),
    Column("AVAL", "Analysis Value", "num"),
    Column("AVALU", "Analysis Value Unit"),
    Column("CNSR", "Censor", "num"),
    Column("EVNTDESC", "Event or Censoring Description"),
    Column("CNSDTDSC", "Censor Date Description"),
    Column("SRCDOM", "Source Data"),
    Column("SRCVAR", "Source Variable"),
    Column("SRCSEQ", "Source Sequence Number", "num"),
    Column("ASEQ", "Analysis Sequence Number", "num"),
)


def export(
    kind: str,
    path: Path,
    *,
    subjects: Path | None,
    output: Path | None,
    study_id: str | None,
    reader: str | None,
    options: EndpointOptions,
) -> None:
    """Write the ``kind`` dataset (``sdtm-rs``, ``adrs`` or ``adtte``) of ``path``."""
    reads = load_reads(path, subjects, options, study_id=study_id, reader=reader)
    build = {"sdtm-rs": sdtm_rs, "adrs": adrs, "adtte": adtte}[kind]
    write_dataset(build(reads, options), output)


def _who(read: Read) -> str:
    """The read in a PARAM: ``by Investigator``, ``by Radiologist 1``."""
    return f" by {read.key.reader.title()}" if read.key.reader else ""


def _visitnum(read: Read, label: str) -> Value:
    text = read.visitnum.get(label, "")
    return text if text else None


def sdtm_rs(reads: list[Read], options: EndpointOptions) -> OutputDataset:
    """SDTM RS: four records per read and follow-up (fewer from a responses file)."""
    rows: list[tuple[Value, ...]] = []
    sequence: dict[str, int] = {}
    for read in sorted(reads, key=lambda r: (r.key.subject_id, r.key.reader or "")):
        rseval, rsevalid = read.rseval
        for tp in read.assessment.follow_ups:
            dtc = read.dtc.get(tp.timepoint, (tp.date.isoformat(), False))[0]
            for code, name in RS_TESTS:
                original, standard = _rs_result(tp, code)
                if not original:
                    continue
                seq = sequence[read.key.subject_id] = sequence.get(read.key.subject_id, 0) + 1
                rows.append(
                    (read.study_id, "RS", read.key.subject_id, seq, code, name, "RECIST 1.1",
                     original, standard, rseval, rsevalid, _visitnum(read, tp.timepoint),
                     tp.timepoint, dtc)
                )  # fmt: skip
    return OutputDataset("RS", "Disease Response and Clin Classification", RS_COLUMNS, tuple(rows))


def _rs_result(tp: TimepointResult, code: str) -> tuple[str, str]:
    """RSORRES and RSSTRESC; empty when not applicable (no non-target disease: no NTRGRESP)."""
    if code == "NEWLIND":
        if tp.new_lesions is None:
            return "", ""
        value = tp.new_lesions.value
        return value, "U" if value == "EQUIVOCAL" else value  # NY codelist: equivocal = unknown
    response = {
        "TRGRESP": tp.target_response,
        "NTRGRESP": tp.non_target_response,
        "OVRLRESP": tp.overall_response,
    }[code]
    if response is None or response is Response.NA:
        return "", ""
    return response.value, response.value


def adrs(reads: list[Read], options: EndpointOptions) -> OutputDataset:
    """ADaM ADRS: OVR per visit, BOR, CBOR and DCR6M per read."""
    records: list[tuple[Value, ...]] = []
    bor = "Best Overall Response (confirmation not required)"
    dcr = f"Disease Control at Day {options.dcr_day} +- {options.dcr_window}"
    for read in reads:
        for tp in assessed(read.assessment):
            assert tp.overall_response is not None
            records.append(_adrs_record(read, "OVR", "Overall Response", tp, tp.overall_response))
        for code, param, result in (
            ("BOR", bor, read.endpoints),
            ("CBOR", "Best Confirmed Overall Response", read.confirmed),
        ):
            best = result.best_response_at
            records.append(_adrs_record(read, code, param, best, result.best_overall_response))
        control = read.endpoints.dcr_6m
        landmark = read.endpoints.landmark_assessment if control else None
        records.append(_adrs_record(read, "DCR6M", dcr, landmark, "Y" if control else "N"))
    return OutputDataset("ADRS", "Response Analysis Dataset", ADRS_COLUMNS, _sequenced(records))


def _adrs_record(
    read: Read, code: str, param: str, tp: TimepointResult | None, value: str
) -> tuple[Value, ...]:
    """One ADRS record, without ASEQ; ``value`` is a response or Y/N."""
    start = read.reference
    date = tp.date if tp is not None else None
    dtc, imputed = read.dtc.get(tp.timepoint, ("", False)) if tp is not None else ("", False)
    adtf = ("D" if len(dtc) >= 7 else "M") if imputed else ""
    aval = AVAL_RESPONSE.get(value, {"Y": 1, "N": 0}.get(value))
    on_study = code != "OVR" or (date is not None and start is not None and date >= start)
    rseval, rsevalid = read.rseval
    return (
        read.study_id, read.key.subject_id, rseval, rsevalid, code, param + _who(read),
        "Tumor Response", "RECIST 1.1", tp.timepoint if tp else "", date, adtf, value, aval,
        "Y" if on_study else "", start,
    )  # fmt: skip


def _sequenced(records: list[tuple[Value, ...]]) -> tuple[tuple[Value, ...], ...]:
    """Sort by subject, read, PARAMCD, ADT and number ASEQ within the subject."""

    def order(row: tuple[Value, ...]) -> tuple[str, str, str, str, dt.date]:
        date = row[9] if isinstance(row[9], dt.date) else dt.date.max
        return str(row[1]), str(row[2]), str(row[3]), str(row[4]), date

    sequence: dict[str, int] = {}
    numbered = []
    for row in sorted(records, key=order):
        seq = sequence[str(row[1])] = sequence.get(str(row[1]), 0) + 1
        numbered.append((*row, seq))
    return tuple(numbered)


def adtte(reads: list[Read], options: EndpointOptions) -> OutputDataset:
    """ADaM ADTTE: RPFS and PFS per read; SRCSEQ is the ASEQ of the ADRS OVR record dated ADT."""
    ovr_seq = {
        (row[1], row[2], row[3], row[9]): row[-1]
        for row in adrs(reads, options).rows
        if row[4] == "OVR"
    }
    rows: list[tuple[Value, ...]] = []
    sequence: dict[str, int] = {}
    for read in sorted(reads, key=lambda r: (r.key.subject_id, r.key.reader or "")):
        rseval, rsevalid = read.rseval
        start = read.reference
        for code, param, outcome in (
            ("PFS", "Progression-Free Survival (progression only)", read.endpoints.pfs),
            ("RPFS", "Radiological Progression-Free Survival (progression or death)",
             read.endpoints.rpfs),
        ):  # fmt: skip
            event, censor, domain, variable = _descriptions(read, outcome)
            source = ovr_seq.get((read.key.subject_id, rseval, rsevalid, outcome.date))
            seq = sequence[read.key.subject_id] = sequence.get(read.key.subject_id, 0) + 1
            rows.append(
                (read.study_id, read.key.subject_id, rseval, rsevalid, code, param + _who(read),
                 start, outcome.date, outcome.days, "DAYS", 0 if outcome.event else 1, event,
                 censor, domain, variable, source if domain == "ADRS" else None, seq)
            )  # fmt: skip
    return OutputDataset("ADTTE", "Time-to-Event Analysis Dataset", ADTTE_COLUMNS, tuple(rows))


def _descriptions(read: Read, outcome: TimeToEvent) -> tuple[str, str, str, str]:
    """EVNTDESC, CNSDTDSC, SRCDOM and SRCVAR of an outcome (admiralonco's wording)."""
    if outcome.event:
        if outcome.reason == "DEATH":
            return "Death", "", "ADSL", "DTHDT"
        return "Disease Progression", "", "ADRS", "ADT"
    at_start = outcome.date == read.reference and not any(
        t.date == outcome.date for t in assessed(read.assessment)
    )
    if at_start:
        if read.info.randomization_date is not None:
            return "Randomization", "Randomization", "ADSL", "RANDDT"
        return "Baseline Tumor Assessment", "Baseline Tumor Assessment", "TR", "TRDTC"
    last = "Last Tumor Assessment"
    if outcome.reason == "NEW_THERAPY":
        return "New Anticancer Therapy", f"{last} Before New Anticancer Therapy", "ADRS", "ADT"
    if outcome.reason == "MISSED_VISITS":
        return "Event After Missed Assessments", f"{last} Before Missed Assessments", "ADRS", "ADT"
    return last, last, "ADRS", "ADT"
