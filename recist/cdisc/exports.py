"""``recist export``: SDTM RS and ADaM ADRS / ADTTE from the engine's results.

- RS (SDTMIG v3.4 section 6.3.14; RECIST 1.1 disease response supplement): per read and
  follow-up visit, ``TRGRESP``, ``NTRGRESP``, ``NEWLIND`` and ``OVRLRESP``, RSCAT "RECIST 1.1".
- ADRS (ADaM BDS, as admiralonco's ADRS template writes it; see ``recist.cdisc.adrs``): ``OVR``
  per visit, ``BOR``, ``CBOR``, ``PD``, ``RSP``, ``CB``, ``BCP``, ``CRSP``, ``CBCP``, ``LSTA``,
  ``DEATH`` (when the subjects file records deaths) and ``DCR6M`` (disease control at the
  landmark).
- ADTTE (ADaM ADTTE): ``RPFS`` (progression or death) and ``TTP`` (progression alone: time to
  progression, the protocol's PFS), with CNSR 0 = event, 1 = censored, and AVAL = ADT - STARTDT
  + 1 days; PARAMCD and PARAM are a setting (``recist.cdisc.parameters``).
"""

from __future__ import annotations

from pathlib import Path

from recist.cdisc.adrs import ADRS_INDEX, adrs, one_evaluator, reader_words
from recist.cdisc.datasets import Column, OutputDataset, Value, write_dataset
from recist.cdisc.parameters import DEFAULT_PARAMETERS, Parameter
from recist.cdisc.reads import Read, load_reads
from recist.model import Response
from recist.results import TimepointResult, TimeToEvent
from recist.rules.endpoints import EndpointOptions, assessed

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
    parameters: dict[str, Parameter] | None = None,
    arm_column: str = "arm",
) -> None:
    """Write the ``kind`` dataset (``sdtm-rs``, ``adrs`` or ``adtte``) of ``path``;
    ``parameters`` names the ADTTE parameters (default ``DEFAULT_PARAMETERS``). ADRS and ADTTE
    carry ADSL's TRT01P (the ``arm_column`` of the subjects file) when the file has it."""
    reads = load_reads(path, subjects, options, study_id=study_id, reader=reader)
    if kind == "adtte":
        dataset = adtte(reads, options, parameters)
    else:
        dataset = {"sdtm-rs": sdtm_rs, "adrs": adrs}[kind](reads, options)
    arms = {r.key.subject_id: dict(r.info.extra).get(arm_column.strip().lower(), "") for r in reads}
    if kind != "sdtm-rs" and any(arms.values()):
        dataset = with_treatment(dataset, arms)
    write_dataset(dataset, output)


def with_treatment(dataset: OutputDataset, arms: dict[str, str]) -> OutputDataset:
    """``dataset`` with ADSL's TRT01P (the randomized arm) after USUBJID (ADaMIG: ADSL
    variables copied to a BDS dataset keep their names)."""
    at = [c.name for c in dataset.columns].index("USUBJID") + 1
    column = Column("TRT01P", "Planned Treatment for Period 01")
    rows = tuple((*row[:at], arms.get(str(row[at - 1]), ""), *row[at:]) for row in dataset.rows)
    columns = (*dataset.columns[:at], column, *dataset.columns[at:])
    return OutputDataset(dataset.name, dataset.label, columns, rows)


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


def adtte(
    reads: list[Read],
    options: EndpointOptions,
    parameters: dict[str, Parameter] | None = None,
) -> OutputDataset:
    """ADaM ADTTE: rPFS and PFS (progression alone) per read, under the PARAMCD and PARAM of
    ``parameters`` (default RPFS and TTP), in PARAMCD order; SRCSEQ is the ASEQ of the ADRS OVR
    record dated ADT."""
    chosen = DEFAULT_PARAMETERS if parameters is None else parameters
    key = [ADRS_INDEX[name] for name in ("USUBJID", "RSEVAL", "RSEVALID", "ADT")]
    ovr_seq = {
        tuple(row[i] for i in key): row[ADRS_INDEX["ASEQ"]]
        for row in adrs(reads, options).rows
        if row[ADRS_INDEX["PARAMCD"]] == "OVR"
    }
    named = one_evaluator(reads)
    rows: list[tuple[Value, ...]] = []
    sequence: dict[str, int] = {}
    for read in sorted(reads, key=lambda r: (r.key.subject_id, r.key.reader or "")):
        rseval, rsevalid = read.rseval
        read.evaluator_in_param = named
        start = read.reference
        outcomes = {"pfs": read.endpoints.pfs, "rpfs": read.endpoints.rpfs}
        for code, param, outcome in sorted(
            (
                (chosen[endpoint].code, chosen[endpoint].name, outcomes[endpoint])
                for endpoint in outcomes
            ),
            key=lambda parameter: parameter[0],
        ):
            event, censor, domain, variable = _descriptions(read, outcome)
            source = ovr_seq.get((read.key.subject_id, rseval, rsevalid, outcome.date))
            seq = sequence[read.key.subject_id] = sequence.get(read.key.subject_id, 0) + 1
            rows.append(
                (read.study_id, read.key.subject_id, rseval, rsevalid, code,
                 param + reader_words(read), start, outcome.date, outcome.days, "DAYS",
                 0 if outcome.event else 1, event, censor, domain, variable,
                 source if domain == "ADRS" else None, seq)
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
