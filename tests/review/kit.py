"""Helpers for the review tests: a small project read by two readers, built without scans."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from reviewer_gui.reading import (
    Category,
    ImagePlane,
    Point,
    ReadingProject,
    ReadKey,
    Segment,
    State,
)

CASE = "CASE-7"
ALICE, BOB = ReadKey(CASE, "alice"), ReadKey(CASE, "bob")
PLANE = ImagePlane(11, "1.2.826.0.1.11", (0.5, 0.5))  # two pixels per millimetre
DATES = {"BASELINE": dt.date(2024, 1, 8), "M2": dt.date(2024, 3, 4), "M4": dt.date(2024, 5, 6)}


def mm(length: float, row: float = 50.0) -> Segment:
    """A horizontal caliper ``length`` millimetres long on :data:`PLANE`."""
    return Segment(Point(row, 40.0), Point(row, 40.0 + 2 * length))


def add_case(project: ReadingProject, by: str = "admin") -> None:
    project.add_subject(CASE, by=by)
    for label, date in DATES.items():
        project.add_timepoint(CASE, label, date, by=by)


def read_baseline(project: ReadingProject, key: ReadKey, target_mm: float) -> None:
    """One target (liver) and one non-target (bone) at baseline, not signed."""
    project.add_lesion(key, Category.TARGET, "liver")
    project.add_lesion(key, Category.NON_TARGET, "bone")
    project.measure(key, "BASELINE", "T1", mm(target_mm), PLANE)
    project.set_state(key, "BASELINE", "NT1", State.PRESENT)


def read_follow_up(project: ReadingProject, key: ReadKey, label: str, target_mm: float) -> None:
    project.measure(key, label, "T1", mm(target_mm), PLANE)
    project.set_state(key, label, "NT1", State.PRESENT)


def seq_of(path: Path, action: str, *, reader: str | None = None, nth: int = 0) -> int:
    """The sequence number of the ``nth`` audit record of ``action`` (by ``reader``)."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT seq FROM audit_record WHERE action = ? AND "
                          "(? IS NULL OR reader = ?) ORDER BY seq", (action, reader, reader))
        return int(rows.fetchall()[nth][0])
    finally:
        db.close()
