"""ADaM ADTTE (time-to-event) from the engine's results, one record per read and parameter
(OS per subject), CNSR 0 = event, 1 = censored, AVAL = ADT - STARTDT + 1 days; PARAMCD and
PARAM are a setting (``recist.cdisc.parameters``):

- ``RPFS`` (progression or death) and ``TTP`` (progression alone: time to progression, the
  protocol's PFS), with the engine's censoring (``recist endpoints``).
- ``OS`` (only when the subjects file has a ``death_date`` column; one per subject, no
  evaluator): death from STARTDT, censored at the last date the inputs show the subject alive,
  the latest of STARTDT and the subject's last tumour assessment of any read (the subjects
  file records no last-contact date; admiralonco censors at ADSL's LSTALVDT).
- ``DOR`` (responders only: reads whose best overall response, with ``--confirm`` as given,
  is CR or PR): from the first assessment counted as CR/PR to the read's rPFS event or
  censoring (admiralonco's duration of response, whose PARAMCD is ``RSD``: progression or
  death). A read whose rPFS is censored before its first response (new therapy before it) has
  no DOR record.
- ``TTR`` (responders only): from STARTDT to the first assessment counted as CR/PR, CNSR 0.

ADTF is the imputation flag of ADT when ADT is the date of an assessment whose ``--DTC`` was
imputed (``sdtm-import --impute-dates``). SRCDOM / SRCVAR / SRCSEQ point at the record that
carries ADT: a progression at ADRS's PD record (AVALC Y, dated at the progression, the first
sighting of an equivocal new lesion later confirmed included), a censoring or a response at
the ADRS OVR record of that date, a death at ADSL's DTHDT, a censoring at the start at ADSL's
RANDDT (or TR's TRDTC of the baseline). ASEQ and the ADRS ASEQs are numbered over every read
of the input, so ``--reader`` changes neither.
"""

from __future__ import annotations

import datetime as dt

from recist.cdisc.adrs import ADRS_INDEX, RESPONSE, adrs, first_counted, one_evaluator, reader_words
from recist.cdisc.datasets import Column, OutputDataset, Value
from recist.cdisc.parameters import DEFAULT_PARAMETERS, Parameter
from recist.cdisc.reads import Read
from recist.results import TimeToEvent
from recist.rules.endpoints import EndpointOptions, assessed

ADTTE_COLUMNS = (
    Column("STUDYID", "Study Identifier"),
    Column("USUBJID", "Unique Subject Identifier"),
    Column("RSEVAL", "Evaluator"),
    Column("RSEVALID", "Evaluator Identifier"),
    Column("PARAMCD", "Parameter Code"),
    Column("PARAM", "Parameter"),
    Column("STARTDT", "Time-to-Event Origin Date for Subject", "date"),
    Column("ADT", "Analysis Date", "date"),
    Column("ADTF", "Analysis Date Imputation Flag"),
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
ADTTE_INDEX = {column.name: index for index, column in enumerate(ADTTE_COLUMNS)}
#: An outcome as ADTTE writes it: STARTDT, ADT, CNSR, EVNTDESC, CNSDTDSC, SRCDOM, SRCVAR.
Outcome = tuple[dt.date, dt.date, int, str, str, str, str]
Record = tuple[Value, ...]


class _Sources:
    """ADRS's ASEQ of the record that carries a date: PD (Y) records and OVR records."""

    def __init__(self, reads: list[Read], options: EndpointOptions) -> None:
        names = ("USUBJID", "RSEVAL", "RSEVALID", "PARAMCD", "AVALC", "ADT", "ASEQ")
        index = [ADRS_INDEX[name] for name in names]
        self.seq: dict[tuple[Value, ...], Value] = {}
        for row in adrs(reads, options).rows:
            subject, rseval, rsevalid, code, value, date, seq = (row[i] for i in index)
            if code == "OVR" or (code == "PD" and value == "Y"):
                self.seq[(subject, rseval, rsevalid, code, date)] = seq

    def of(self, read: Read, code: str, date: dt.date) -> Value:
        return self.seq.get((read.key.subject_id, *read.rseval, code, date))


def adtte(
    reads: list[Read],
    options: EndpointOptions,
    parameters: dict[str, Parameter] | None = None,
    kept: list[Read] | None = None,
) -> OutputDataset:
    """ADaM ADTTE of the ``kept`` reads (default all): the parameters above under the PARAMCD
    and PARAM of ``parameters`` (default ``DEFAULT_PARAMETERS``), in PARAMCD order; ASEQ
    numbered over every read of ``reads``."""
    chosen = {**DEFAULT_PARAMETERS, **(parameters or {})}
    kept_reads = reads if kept is None else kept
    named = one_evaluator(kept_reads)
    sources = _Sources(reads, options)
    keep = {id(read) for read in kept_reads}
    subjects = {read.key.subject_id for read in kept_reads}
    rows: list[Record] = []
    sequence: dict[str, int] = {}
    last_seen = _last_assessments(reads)
    first: set[str] = set()
    for read in sorted(reads, key=lambda r: (r.key.subject_id, r.key.reader or "")):
        read.evaluator_in_param = named
        subject = read.key.subject_id
        outcomes = _outcomes(read, options, sources, last_seen)
        if subject in first:
            outcomes.pop("os", None)  # one OS record per subject, on its first read
        first.add(subject)
        for code, endpoint, (outcome, seq_of) in sorted(
            (chosen[e].code, e, value) for e, value in outcomes.items()
        ):
            start, date, censor, event, censoring, domain, variable = outcome
            seq = sequence[subject] = sequence.get(subject, 0) + 1
            if id(read) not in keep and (endpoint != "os" or subject not in subjects):
                continue  # OS is the subject's: kept with any of its reads
            rseval, rsevalid = ("", "") if endpoint == "os" else read.rseval
            words = "" if endpoint == "os" else reader_words(read)
            rows.append(
                (read.study_id, subject, rseval, rsevalid, code, chosen[endpoint].name + words,
                 start, date, _adtf(read, date) if domain == "ADRS" else "",
                 (date - start).days + 1, "DAYS", censor, event, censoring, domain, variable,
                 seq_of, seq)
            )  # fmt: skip
    return OutputDataset("ADTTE", "Time-to-Event Analysis Dataset", ADTTE_COLUMNS, tuple(rows))


def _last_assessments(reads: list[Read]) -> dict[str, dt.date]:
    """Each subject's last follow-up tumour assessment date over every read."""
    last: dict[str, dt.date] = {}
    for read in reads:
        for tp in assessed(read.assessment):
            subject = read.key.subject_id
            last[subject] = max(last.get(subject, tp.date), tp.date)
    return last


def _outcomes(
    read: Read, options: EndpointOptions, sources: _Sources, last_seen: dict[str, dt.date]
) -> dict[str, tuple[Outcome, Value]]:
    """The outcome and SRCSEQ of each endpoint of one read."""
    start = read.reference
    if start is None:
        return {}
    found: dict[str, tuple[Outcome, Value]] = {}
    for endpoint, outcome in (("rpfs", read.endpoints.rpfs), ("pfs", read.endpoints.pfs)):
        described = (start, outcome.date, 0 if outcome.event else 1, *_descriptions(read, outcome))
        found[endpoint] = (described, _source(read, sources, outcome))
    death = read.info.death_date
    if read.deaths_recorded:
        alive = max(start, last_seen.get(read.key.subject_id, start))
        found["os"] = (
            (start, death, 0, "Death", "", "ADSL", "DTHDT")
            if death is not None
            else (start, alive, 1, "Alive", "Last Tumor Assessment (last known alive)",
                  *(("ADRS", "ADT") if alive != start else ("ADSL", "RANDDT")))
        , None)  # fmt: skip
    responded = first_counted(read, options, RESPONSE, confirm=options.confirm)
    if responded is not None:
        response_seq = sources.of(read, "OVR", responded.date)
        found["ttr"] = ((start, responded.date, 0, "Response", "", "ADRS", "ADT"), response_seq)
        rpfs = read.endpoints.rpfs
        if rpfs.date >= responded.date:
            _, _, censor, event, censoring, domain, variable = found["rpfs"][0]
            found["dor"] = (
                (responded.date, rpfs.date, censor, event, censoring, domain, variable),
                found["rpfs"][1],
            )
    return found


def _source(read: Read, sources: _Sources, outcome: TimeToEvent) -> Value:
    """SRCSEQ of an rPFS / TTP outcome: the PD record of a progression, the OVR record of an
    assessment, none for a death or the start."""
    if outcome.event:
        return sources.of(read, "PD", outcome.date) if outcome.reason != "DEATH" else None
    return sources.of(read, "OVR", outcome.date)


def _adtf(read: Read, date: dt.date) -> str:
    """``D`` / ``M`` when ``date`` is that of an assessment whose ``--DTC`` was imputed."""
    for tp in assessed(read.assessment):
        if tp.date == date:
            dtc, imputed = read.dtc.get(tp.timepoint, ("", False))
            if imputed:
                return "D" if len(dtc) >= 7 else "M"
    return ""


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
