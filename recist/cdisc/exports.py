"""``recist export``: SDTM RS and ADaM ADRS / ADTTE / ADTR from the engine's results.

- RS: ``recist.cdisc.rs``; ADRS: ``recist.cdisc.adrs`` (admiralonco's parameters);
  ADTTE: ``recist.cdisc.adtte`` (RPFS, TTP, OS, DOR, TTR); ADTR: ``recist.cdisc.adtr``.
- Every dataset is built over every read of the input and ``--reader`` keeps the records of
  one read afterwards: sequence numbers (RSSEQ, ASEQ), VISITNUM and the SRCSEQ / RSSEQ that
  point from one dataset into another are the same with and without it.
"""

from __future__ import annotations

from pathlib import Path

from recist.cdisc.datasets import Column, OutputDataset
from recist.cdisc.parameters import Parameter
from recist.cdisc.reads import DEFAULT_EVALUATOR, load_reads
from recist.rules.endpoints import EndpointOptions


def build(
    kind: str,
    path: Path,
    *,
    subjects: Path | None,
    study_id: str | None,
    reader: str | None,
    options: EndpointOptions,
    parameters: dict[str, Parameter] | None = None,
    arm_column: str = "arm",
    evaluator: str = DEFAULT_EVALUATOR,
) -> OutputDataset:
    """The ``kind`` dataset (``sdtm-rs``, ``adrs``, ``adtte`` or ``adtr``) of ``path``;
    ``parameters`` names the ADTTE parameters (default ``DEFAULT_PARAMETERS``). ADRS, ADTTE
    and ADTR carry ADSL's TRT01P (the ``arm_column`` of the subjects file) when it has one."""
    from recist.cdisc.adrs import adrs
    from recist.cdisc.adtr import adtr
    from recist.cdisc.adtte import adtte
    from recist.cdisc.rs import sdtm_rs

    reads = load_reads(path, subjects, options, study_id=study_id, reader=None, evaluator=evaluator)
    kept = [read for read in reads if read.is_read(reader)]
    if kind == "adtte":
        dataset = adtte(reads, options, parameters, kept)
    elif kind == "adrs":
        dataset = adrs(reads, options, kept)
    elif kind == "adtr":
        dataset = adtr(reads, kept)
    else:
        dataset = sdtm_rs(reads, kept)
    arms = {r.key.subject_id: dict(r.info.extra).get(arm_column.strip().lower(), "") for r in reads}
    if kind != "sdtm-rs" and any(arms.values()):
        dataset = with_treatment(dataset, arms)
    return dataset


def with_treatment(dataset: OutputDataset, arms: dict[str, str]) -> OutputDataset:
    """``dataset`` with ADSL's TRT01P (the randomized arm) after USUBJID (ADaMIG: ADSL
    variables copied to a BDS dataset keep their names)."""
    at = [c.name for c in dataset.columns].index("USUBJID") + 1
    column = Column("TRT01P", "Planned Treatment for Period 01")
    rows = tuple((*row[:at], arms.get(str(row[at - 1]), ""), *row[at:]) for row in dataset.rows)
    columns = (*dataset.columns[:at], column, *dataset.columns[at:])
    return OutputDataset(dataset.name, dataset.label, columns, rows)


__all__ = ["build", "with_treatment"]
