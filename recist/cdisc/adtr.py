"""ADaM ADTR (BDS tumour results, admiralonco's ADTR vignette): the sum of the target lesions'
diameters per read and timepoint, with its change from baseline and from the nadir; every
value is the engine's (RECIST 1.1 section 4.3.1), never recomputed here.

- PARAMCD ``SDIAM`` (admiralonco's code; SDTM TR's test is SUMDIAM), PARAM "Target Lesions Sum
  of Diameters" (`` by <reader>`` when the dataset holds one evaluator, as ADRS), PARCAT1
  "Target Lesion(s)", PARCAT2 the evaluator, PARCAT3 "RECIST 1.1"; TREVAL / TREVALID the read
  (TR's evaluator variables: ADTR comes from TR).
- One record per timepoint whose sum exists: the baseline (ABLFL "Y") and each follow-up
  where every target was evaluated (a partial sum is not a sum of diameters: no record). A read
  without target lesions at baseline has none.
- AVAL the sum (mm, exact), BASE the baseline sum, CHG = AVAL - BASE; NADIR the smallest sum
  before this timepoint (the baseline's included: what RECIST 1.1 compares a PD with), CHGNAD
  = AVAL - NADIR; PCHG and PCHGNAD the engine's exact percentages shown to 0.01, truncated
  toward zero as everywhere in the toolkit (``recist.display``), empty when the reference is
  0. Baseline records have no change variables.
- ANL01FL "Y" on baseline and on follow-ups on or after STARTDT; ADY, AVISITN and ADTF as in
  ADRS; ASEQ numbered over every read of the input.
"""

from __future__ import annotations

from decimal import Decimal

from recist.cdisc.adrs import one_evaluator, reader_words, study_day
from recist.cdisc.datasets import Column, OutputDataset, Value
from recist.cdisc.reads import Read, visit_numbers
from recist.display import fmt_pct
from recist.results import TimepointResult

ADTR_COLUMNS = (
    Column("STUDYID", "Study Identifier"),
    Column("USUBJID", "Unique Subject Identifier"),
    Column("TREVAL", "Evaluator"),
    Column("TREVALID", "Evaluator Identifier"),
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
    Column("AVAL", "Analysis Value", "num"),
    Column("AVALU", "Analysis Value Unit"),
    Column("ABLFL", "Baseline Record Flag"),
    Column("BASE", "Baseline Value", "num"),
    Column("CHG", "Change from Baseline", "num"),
    Column("PCHG", "Percent Change from Baseline", "num"),
    Column("NADIR", "Nadir Value", "num"),
    Column("CHGNAD", "Change from Nadir", "num"),
    Column("PCHGNAD", "Percent Change from Nadir", "num"),
    Column("ANL01FL", "Analysis Flag 01"),
    Column("STARTDT", "Reference Start Date", "date"),
    Column("ASEQ", "Analysis Sequence Number", "num"),
)
PARAM = "Target Lesions Sum of Diameters"


def adtr(reads: list[Read], kept: list[Read] | None = None) -> OutputDataset:
    """ADaM ADTR of the ``kept`` reads (default all), ASEQ numbered over every read."""
    kept_reads = reads if kept is None else kept
    named = one_evaluator(kept_reads)
    keep = {id(read) for read in kept_reads}
    visits = visit_numbers(reads)
    rows: list[tuple[Value, ...]] = []
    sequence: dict[str, int] = {}
    for read in sorted(reads, key=lambda r: (r.key.subject_id, r.key.reader or "")):
        read.evaluator_in_param = named
        for tp in read.assessment.timepoints:
            if tp.target_sum_mm is None or tp.baseline_sum_mm is None:
                continue
            subject = read.key.subject_id
            seq = sequence[subject] = sequence.get(subject, 0) + 1
            if id(read) in keep:
                rows.append((*_record(read, tp, visits), seq))
    return OutputDataset("ADTR", "Tumor Results Analysis Dataset", ADTR_COLUMNS, tuple(rows))


def _record(read: Read, tp: TimepointResult, visits: dict[str, str]) -> tuple[Value, ...]:
    """One SDIAM record, without ASEQ."""
    start = read.reference
    total, base = tp.target_sum_mm, tp.baseline_sum_mm
    assert total is not None and base is not None
    evaluator, evaluator_id = read.rseval
    dtc, imputed = read.dtc.get(tp.timepoint, ("", False))
    follow_up = not tp.is_baseline
    nadir = tp.nadir_mm if follow_up else None
    on_study = tp.is_baseline or (start is not None and tp.date >= start)
    return (
        read.study_id, read.key.subject_id, evaluator, evaluator_id, "SDIAM",
        PARAM + reader_words(read), "Target Lesion(s)", evaluator.title(), "RECIST 1.1",
        tp.timepoint, visits.get(tp.timepoint), tp.date, study_day(tp.date, start),
        ("D" if len(dtc) >= 7 else "M") if imputed else "", total, "mm",
        "" if follow_up else "Y", base, total - base if follow_up else None,
        _pct(tp.change_from_baseline_pct) if follow_up else None, nadir,
        total - nadir if nadir is not None else None,
        _pct(tp.change_from_nadir_pct) if follow_up else None,
        "Y" if on_study else "", start,
    )  # fmt: skip


def _pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(fmt_pct(value))
