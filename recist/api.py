"""The Python API: read the contract's CSVs, assess subjects, derive endpoints.

Everything returned is immutable and typed; each timepoint result carries the reason for its
responses. The rules live in ``recist.rules`` and need nothing beyond the standard library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from recist.model import Measurement, SubjectInfo, SubjectKey
from recist.results import SubjectAssessment, SubjectEndpoints
from recist.rules.assess import assess_subject
from recist.rules.checks import Problem, check_rows
from recist.rules.conformance import Finding, baseline_findings
from recist.rules.endpoints import DEFAULT_OPTIONS, EndpointOptions, subject_endpoints


class InvalidMeasurements(ValueError):
    """Rows that break the contract (see ``problems``)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(f"line {p.line}: {p.column}: {p.message}" for p in problems))


def group_by_subject(rows: Iterable[Measurement]) -> dict[SubjectKey, list[Measurement]]:
    """Rows per (subject, reader), in subject then reader order."""
    grouped: dict[SubjectKey, list[Measurement]] = {}
    for row in rows:
        grouped.setdefault(SubjectKey(row.subject_id, row.reader), []).append(row)
    return {key: grouped[key] for key in sorted(grouped, key=_order)}


def _order(key: SubjectKey) -> tuple[str, str]:
    return key.subject_id, key.reader or ""


def assess(rows: Iterable[Measurement], *, checked: bool = False) -> list[SubjectAssessment]:
    """Assess every subject (and reader) in ``rows``; raises ``InvalidMeasurements``."""
    rows = list(rows)
    if not checked:
        problems = check_rows(rows)
        if problems:
            raise InvalidMeasurements(problems)
    return [
        assess_subject(key, subject_rows) for key, subject_rows in group_by_subject(rows).items()
    ]


def validate(rows: Iterable[Measurement]) -> list[Finding]:
    """Baseline conformance findings for every subject (RECIST 1.1 sections 3.1-3.3)."""
    return [
        finding
        for subject_rows in group_by_subject(rows).values()
        for finding in baseline_findings(subject_rows)
    ]


def reference_date(assessment: SubjectAssessment, info: SubjectInfo | None) -> dt.date | None:
    """Randomization date when known, else the baseline date."""
    if info is not None and info.randomization_date is not None:
        return info.randomization_date
    baseline = assessment.baseline
    return baseline.date if baseline is not None else None


def endpoints(
    assessments: Iterable[SubjectAssessment],
    subjects: Mapping[str, SubjectInfo] | None = None,
    options: EndpointOptions = DEFAULT_OPTIONS,
    *,
    include_unassessed: bool = True,
) -> list[SubjectEndpoints]:
    """Endpoints per subject (and reader). With ``include_unassessed``, a subject listed in
    ``subjects`` with a randomization date but no assessment is kept (intention to treat):
    best response NE, no disease control, censored at randomization unless death."""
    subjects = subjects or {}
    results: list[SubjectEndpoints] = []
    seen: set[str] = set()
    for assessment in assessments:
        info = subjects.get(assessment.key.subject_id, SubjectInfo(assessment.key.subject_id))
        seen.add(info.subject_id)
        reference = reference_date(assessment, info)
        if reference is None:
            raise ValueError(
                f"subject '{info.subject_id}' has no baseline and no randomization date"
            )
        results.append(subject_endpoints(assessment, info, reference, options))
    if include_unassessed:
        for subject_id, info in subjects.items():
            if subject_id not in seen and info.randomization_date is not None:
                empty = SubjectAssessment(SubjectKey(subject_id, None), ())
                results.append(subject_endpoints(empty, info, info.randomization_date, options))
    results.sort(key=lambda r: _order(r.key))
    return results
