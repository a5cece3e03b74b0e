"""A CONSORT-style flow of the subjects (CONSORT 2010, item 13a): per arm, how many were
randomized, scanned (a baseline tumour assessment), evaluable (at least one adequate
post-baseline evaluation, or progression documented) and per-protocol."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from recist.report.populations import AnalysisSubject, Population
from recist.report.tables import ReportTable


def scanned(subject: AnalysisSubject) -> bool:
    return subject.assessment.baseline is not None


def evaluable(subject: AnalysisSubject) -> bool:
    return scanned(subject) and (
        subject.evaluations > 0 or subject.endpoints.progression_date is not None
    )


#: Each stage of the flow, in order; each is a subset of the one before.
STAGES: dict[str, Callable[[AnalysisSubject], bool]] = {
    "randomized (ITT)": lambda s: True,
    "scanned: baseline tumour assessment": scanned,
    "evaluable: >= 1 adequate post-baseline evaluation or progression": evaluable,
    "per-protocol": lambda s: s.per_protocol,
}


def flow_table(itt: Population, arms: Sequence[str]) -> ReportTable:
    """Subjects at each stage of ``STAGES`` per arm and in all arms."""
    rows = []
    for stage, keeps in STAGES.items():
        counts = [sum(keeps(s) for s in itt.arm(arm)) for arm in arms]
        rows.append((stage, *(str(c) for c in counts), str(sum(counts))))
    return ReportTable(
        "flow.csv",
        "Flow of subjects (CONSORT): randomized, scanned, evaluable, per-protocol",
        ("stage", *arms, "all arms"),
        tuple(rows),
        "Each stage counts the subjects of the stage above who meet it; the per-protocol "
        "reasons are listed under Analysis populations.",
    )
