"""Small builders for engine tests: measurement rows from compact specs, and CSV files."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from recist import (
    Category,
    LesionState,
    Measurement,
    SubjectAssessment,
    TimepointResult,
    assess,
)

COLUMNS = (
    "subject_id", "timepoint", "date", "lesion_id", "category", "location", "is_node",
    "long_axis_mm", "short_axis_mm", "state", "fragment", "slice_thickness_mm",
)
BASE = dt.date(2024, 1, 1)


def day(n: int) -> dt.date:
    return BASE + dt.timedelta(days=n)


def mm(value: str | int | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def row(
    timepoint: str,
    days: int,
    lesion: str,
    category: str = "TARGET",
    long: str | int | float | None = None,
    short: str | int | float | None = None,
    *,
    state: str = "PRESENT",
    node: bool = False,
    location: str = "liver",
    subject: str = "S1",
    fragment: str = "",
    reader: str | None = None,
    thickness: str | None = None,
    line: int = 0,
) -> Measurement:
    return Measurement(
        subject_id=subject,
        reader=reader,
        timepoint=timepoint,
        date=day(days),
        lesion_id=lesion,
        category=Category(category),
        location=location,
        is_node=node,
        long_axis_mm=mm(long),
        short_axis_mm=mm(short),
        state=LesionState(state),
        fragment=fragment,
        slice_thickness_mm=mm(thickness),
        line=line,
    )


_STATES = {"ABSENT", "TOO_SMALL", "MERGED", "NOT_EVALUATED"}


def target_series(
    *sums: Sequence[str | int | float | None], node_of: Sequence[bool] = ()
) -> list[Measurement]:
    """Rows of one subject whose targets take the given values at successive timepoints 56
    days apart. A value is a diameter, a state name (ABSENT, TOO_SMALL, MERGED), or ``None``
    for not evaluated. Nodal targets (``node_of``) carry the value as their short axis."""
    rows: list[Measurement] = []
    for index, diameters in enumerate(sums):
        label = "BASELINE" if index == 0 else f"M{2 * index}"
        for number, value in enumerate(diameters):
            is_node = number < len(node_of) and node_of[number]
            lesion = f"T{number + 1}"
            where = "lymph node" if is_node else f"organ {number}"
            if value is None or value in _STATES:
                state = "NOT_EVALUATED" if value is None else str(value)
                rows.append(row(label, 56 * index, lesion, state=state, node=is_node,
                                location=where))
            elif is_node:
                rows.append(row(label, 56 * index, lesion, long=40, short=value, node=True,
                                location=where))
            else:
                rows.append(row(label, 56 * index, lesion, long=value, location=where))
    return rows


def assess_one(rows: Iterable[Measurement]) -> SubjectAssessment:
    (result,) = assess(rows)
    return result


def at(assessment: SubjectAssessment, label: str) -> TimepointResult:
    return next(t for t in assessment.timepoints if t.timepoint == label)


def write_measurements(path: Path, rows: Iterable[Measurement], *, reader: bool = False) -> Path:
    columns = list(COLUMNS)
    if reader:
        columns.insert(1, "reader")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for r in rows:
            values = {
                "subject_id": r.subject_id,
                "reader": r.reader or "",
                "timepoint": r.timepoint,
                "date": r.date.isoformat(),
                "lesion_id": r.lesion_id,
                "category": r.category.value,
                "location": r.location,
                "is_node": "Y" if r.is_node else "N",
                "long_axis_mm": "" if r.long_axis_mm is None else str(r.long_axis_mm),
                "short_axis_mm": "" if r.short_axis_mm is None else str(r.short_axis_mm),
                "state": r.state.value,
                "fragment": r.fragment,
                "slice_thickness_mm": "" if r.slice_thickness_mm is None
                else str(r.slice_thickness_mm),
            }
            writer.writerow([values[c] for c in columns])
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
