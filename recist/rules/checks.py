"""Checks that make a set of measurement rows valid input (the contract's "Errors" section).

These are the checks that need more than one field or more than one row; the CSV reader does
the per-field parsing. Every problem names the line and column it is about and how to fix it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from recist.model import ALLOWED_STATES, Category, LesionState, Measurement, SubjectInfo
from recist.rules.lesions import lesions_of


class Problem(NamedTuple):
    """One reason the input is invalid: ``line`` is 1-based (0 when unknown)."""

    line: int
    column: str
    message: str


def check_rows(rows: Iterable[Measurement]) -> list[Problem]:
    """All problems in the rows of one file, in line order (empty when the input is valid)."""
    by_subject: dict[tuple[str, str | None], list[Measurement]] = {}
    for row in rows:
        by_subject.setdefault((row.subject_id, row.reader), []).append(row)
    problems: list[Problem] = []
    for subject_rows in by_subject.values():
        problems.extend(check_subject(subject_rows))
    problems.sort()
    return problems


def check_subject(rows: list[Measurement]) -> list[Problem]:
    """Problems within one subject's (and reader's) rows."""
    problems: list[Problem] = []
    lesions = lesions_of(rows)
    baseline_date = min(r.date for r in rows)
    first_date_of: dict[str, dt.date] = {}
    for row in rows:
        first_date_of[row.timepoint] = min(row.date, first_date_of.get(row.timepoint, row.date))
    baseline_label = min(
        (date, label) for label, date in first_date_of.items() if date == baseline_date
    )[1]
    problems.extend(_check_timeline(rows, first_date_of, baseline_label))
    seen: dict[tuple[str, str, str], int] = {}
    category_of: dict[str, tuple[Category, int]] = {}
    for row in sorted(rows, key=lambda r: r.line):
        problems.extend(_check_state(row, lesions[row.lesion_id].is_node))
        key = (row.timepoint, row.lesion_id, row.fragment)
        if key in seen:
            fragment = f" fragment '{row.fragment}'" if row.fragment else ""
            problems.append(
                Problem(
                    row.line,
                    "lesion_id",
                    f"lesion '{row.lesion_id}'{fragment} is already recorded at timepoint "
                    f"'{row.timepoint}' on line {seen[key]}; give each fragment of a split "
                    "lesion its own 'fragment' value, or remove the duplicate",
                )
            )
        else:
            seen[key] = row.line
        first = category_of.setdefault(row.lesion_id, (row.category, row.line))
        if first[0] is not row.category:
            problems.append(
                Problem(
                    row.line,
                    "category",
                    f"lesion '{row.lesion_id}' is {row.category.value} here but "
                    f"{first[0].value} on line {first[1]}; a lesion keeps its category "
                    "across timepoints (record a new lesion under a new lesion_id)",
                )
            )
        if row.timepoint == baseline_label:
            problems.extend(_check_baseline_row(row))
    return problems


def _check_timeline(
    rows: list[Measurement], first_date_of: dict[str, dt.date], baseline_label: str
) -> list[Problem]:
    first_row: dict[str, Measurement] = {}
    for row in sorted(rows, key=lambda r: (r.date, r.line)):
        first_row.setdefault(row.timepoint, row)
    dated = {label: (date, first_row[label].line) for label, date in first_date_of.items()}
    return timeline_problems(rows[0].subject_id, dated)


def timeline_problems(subject: str, timepoints: dict[str, tuple[dt.date, int]]) -> list[Problem]:
    """The baseline is the one earliest timepoint: two timepoints on the earliest date make it
    ambiguous, and a timepoint labelled BASELINE must be it. ``timepoints`` maps each label to
    its date and the line of its first row."""
    baseline_date, baseline_label = min((date, label) for label, (date, _) in timepoints.items())
    problems = []
    for label, (date, line) in timepoints.items():
        if date == baseline_date and label != baseline_label:
            problems.append(
                Problem(
                    line,
                    "date",
                    f"timepoints '{baseline_label}' and '{label}' of subject '{subject}' are both "
                    f"dated {date.isoformat()}, the subject's earliest date, so the baseline is "
                    "ambiguous; correct the date, or record both as one timepoint",
                )
            )
        elif label.strip().upper() == "BASELINE" and label != baseline_label:
            problems.append(
                Problem(
                    line,
                    "timepoint",
                    f"timepoint '{label}' of subject '{subject}' is dated {date.isoformat()}, "
                    f"after '{baseline_label}' ({baseline_date.isoformat()}, line "
                    f"{timepoints[baseline_label][1]}); the baseline is the earliest timepoint: "
                    "correct the dates or the labels",
                )
            )
    return problems


def subject_date_problems(info: SubjectInfo, baseline: dt.date | None) -> list[Problem]:
    """A death or new therapy dated before the subject's reference date: the randomization
    date, else the ``baseline`` date (none when unknown). ``line`` is ``info.line``."""
    randomized = info.randomization_date is not None
    reference = info.randomization_date if randomized else baseline
    if reference is None:
        return []
    what = (
        f"the randomization_date {reference.isoformat()}"
        if randomized
        else f"the baseline scan of {reference.isoformat()} (there is no randomization_date)"
    )
    return [
        Problem(
            info.line,
            column,
            f"{column} {date.isoformat()} of subject '{info.subject_id}' is before {what}; "
            "days from the reference date would be negative: correct the date",
        )
        for column, date in (
            ("death_date", info.death_date),
            ("new_therapy_date", info.new_therapy_date),
        )
        if date is not None and date < reference
    ]


def _check_baseline_row(row: Measurement) -> list[Problem]:
    problems = []
    if row.category is Category.NEW:
        problems.append(
            Problem(
                row.line,
                "category",
                f"lesion '{row.lesion_id}' is NEW at the baseline '{row.timepoint}'; lesions "
                "seen at baseline are TARGET or NON-TARGET",
            )
        )
    if not row.location:
        problems.append(
            Problem(
                row.line,
                "location",
                f"baseline row of lesion '{row.lesion_id}' has no location; give the organ "
                "or site (e.g. liver, lung, lymph node)",
            )
        )
    return problems


def _check_state(row: Measurement, is_node: bool) -> list[Problem]:
    if row.state not in ALLOWED_STATES[row.category]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED_STATES[row.category]))
        return [
            Problem(
                row.line,
                "state",
                f"state {row.state.value} is not allowed for a {row.category.value} lesion; "
                f"use one of {allowed}",
            )
        ]
    if row.category is Category.TARGET and row.state is LesionState.PRESENT:
        column = "short_axis_mm" if is_node else "long_axis_mm"
        value = row.short_axis_mm if is_node else row.long_axis_mm
        if value is None:
            kind = "nodal target (followed by its short axis)" if is_node else "target"
            return [
                Problem(
                    row.line,
                    column,
                    f"{kind} '{row.lesion_id}' is PRESENT but has no {column}; give the "
                    "diameter, or set state to TOO_SMALL, ABSENT or NOT_EVALUATED",
                )
            ]
    return []
