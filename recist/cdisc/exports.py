"""``recist export``: SDTM RS and ADaM ADRS / ADTTE / ADTR from the engine's results.

- RS: ``recist.cdisc.rs``; ADRS: ``recist.cdisc.adrs`` (admiralonco's parameters);
  ADTTE: ``recist.cdisc.adtte`` (RPFS, TTP, OS, DOR, TTR); ADTR: ``recist.cdisc.adtr``.
- Every dataset is built over every read of the input and ``--reader`` keeps the records of
  one read afterwards: sequence numbers (RSSEQ, ASEQ), VISITNUM and the SRCSEQ / RSSEQ that
  point from one dataset into another are the same with and without it.
- ADRS, ADTTE and ADTR carry ADSL's treatment variables when the subjects file has the arm
  column (ADaMIG v1.3 section 3.3.2: a BDS dataset needs at least one treatment variable, and
  any ADSL one may be copied; admiralonco's templates merge them from ADSL): TRT01P, and
  TRT01A when the file has ``actual_arm``, read and checked as ``recist export adsl`` reads
  them (``recist.cdisc.subject_level``). Every subject of these datasets is then one of ADSL's:
  a measured subject missing from the subjects file, or without an arm, is refused as ADSL
  refuses it, so their SRCDOM = ADSL records point at records of the ADSL written.
"""

from __future__ import annotations

from pathlib import Path

from recist.cdisc import subject_level as sl
from recist.cdisc.datasets import Column, OutputDataset, Value
from recist.cdisc.parameters import Parameter
from recist.cdisc.reads import DEFAULT_EVALUATOR, Read, load_reads
from recist.io.readers import read_subjects
from recist.io.table import InputProblem, InvalidInput, Table
from recist.rules.endpoints import EndpointOptions

TRT01P = Column("TRT01P", "Planned Treatment for Period 01")
TRT01A = Column("TRT01A", "Actual Treatment for Period 01")


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
    and ADTR carry ADSL's TRT01P (the ``arm_column`` of the subjects file) when it has one,
    and TRT01A when it has ``actual_arm``."""
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
    if kind != "sdtm-rs" and subjects is not None:
        arm = arm_column.strip().lower()
        header = Table(subjects, ())
        header.close()
        if header.has(arm):
            dataset = with_treatment(dataset, *_treatments(path, subjects, arm, reads))
    return dataset


def _treatments(
    path: Path, subjects: Path, arm: str, reads: list[Read]
) -> tuple[dict[str, str], dict[str, str] | None]:
    """ADSL's TRT01P of each subject, and TRT01A when the subjects file has ``actual_arm``;
    ``InvalidInput`` for a subject of ``path`` ADSL would not have."""
    infos = read_subjects(subjects)
    planned = {s: dict(info.extra).get(arm, "") for s, info in infos.items()}
    problems = [
        InputProblem(str(subjects), infos[s].line, arm, f"subject '{s}' has no arm; fill it in")
        for s, name in planned.items()
        if not name
    ]
    measured = {r.key.subject_id for r in reads}
    missing = sorted(measured - set(infos))
    if missing:
        table = Table(path, ("subject_id",))
        column = table.columns["subject_id"]
        first: dict[str, int] = {}
        for line, values in table.rows():
            first.setdefault(values[column], line)
        problems += [
            InputProblem(str(path), first.get(s, 1), "subject_id", f"subject '{s}' is not in "
                         f"{subjects}; add it with its arm and randomization date")
            for s in missing
        ]  # fmt: skip
    if problems:
        raise InvalidInput(problems)
    present, levels = sl.read_subject_level(subjects, ((infos[s], planned[s]) for s in infos))
    if sl.ACTUAL_ARM not in present:
        return planned, None
    return planned, {s: level.actual_arm for s, level in levels.items()}


def with_treatment(
    dataset: OutputDataset, planned: dict[str, str], actual: dict[str, str] | None = None
) -> OutputDataset:
    """``dataset`` with ADSL's TRT01P (the randomized arm), and TRT01A (the arm received) when
    ``actual`` is given, after USUBJID (ADaMIG: ADSL variables copied to a BDS dataset keep
    their names)."""
    at = [c.name for c in dataset.columns].index("USUBJID") + 1
    added = (TRT01P,) if actual is None else (TRT01P, TRT01A)
    sources = [planned] if actual is None else [planned, actual]

    def values(row: tuple[Value, ...]) -> tuple[Value, ...]:
        subject = str(row[at - 1])
        return (*row[:at], *(source.get(subject, "") for source in sources), *row[at:])

    rows = tuple(values(row) for row in dataset.rows)
    columns = (*dataset.columns[:at], *added, *dataset.columns[at:])
    return OutputDataset(dataset.name, dataset.label, columns, rows)


__all__ = ["build", "with_treatment"]
