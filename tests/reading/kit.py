"""Helpers for the reading tests: the sample scans' generator, series, and reads built from
the generator's known lesion geometry (the same lesions as ``sample_scans/truth.csv``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

from sample_generator import load_generator

from reviewer_gui.dicom import Volume, load_series
from reviewer_gui.reading import (
    Category,
    ImagePlane,
    Point,
    ReadingProject,
    ReadKey,
    Segment,
    SeriesRef,
    plane_of,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SCANS = REPO / "sample_scans"
ADMIN = "admin"


gen = load_generator()


@cache
def volume(case_id: str, label: str) -> Volume:
    return load_series(SAMPLE_SCANS / case_id / label, workers=1)


def series_ref(case_id: str, label: str) -> SeriesRef:
    vol = volume(case_id, label)
    thickness = None if vol.slice_thickness_mm is None else Decimal(repr(vol.slice_thickness_mm))
    return SeriesRef(vol.study_uid, vol.series_uid, str(SAMPLE_SCANS / case_id / label),
                     thickness)  # fmt: skip


def subject(case_id: str) -> object:
    return next(s for s in gen.subjects() if s.subject_id == case_id)


def add_sample_subject(project: ReadingProject, case_id: str) -> None:
    """The subject and its four timepoints, each with its real sample-scan series."""
    project.add_subject(case_id, by=ADMIN)
    subj = subject(case_id)
    for label, date in zip(gen.TIMEPOINTS, subj.dates, strict=True):  # type: ignore[attr-defined]
        project.add_timepoint(case_id, label, dt.date.fromisoformat(date),
                              series_ref(case_id, label), by=ADMIN)  # fmt: skip


def truth_axes(case_id: str, label: str, lesion_id: str) -> tuple[Segment, Segment, ImagePlane]:
    """Long and short axes from the generator's geometry: through the lesion's centre along
    its long direction, end points half a diameter away, on the slice through its centre."""
    t = gen.TIMEPOINTS.index(label)
    les = next(x for x in subject(case_id).lesions[t] if x.lesion_id == lesion_id)  # type: ignore[attr-defined]
    vol = volume(case_id, label)
    x, y, z = les.center
    k = vol.slice_positions_mm.index(z)
    row = (y - vol.origin_mm[1]) / vol.spacing_mm[1]
    col = (x - vol.origin_mm[0]) / vol.spacing_mm[2]
    half_long_rows = les.long_mm / 2 / vol.spacing_mm[1]
    half_long_cols = les.long_mm / 2 / vol.spacing_mm[2]
    half_short_rows = les.short_mm / 2 / vol.spacing_mm[1]
    half_short_cols = les.short_mm / 2 / vol.spacing_mm[2]
    if les.long_along == "x":
        long = Segment(Point(row, col - half_long_cols), Point(row, col + half_long_cols))
        short = Segment(Point(row - half_short_rows, col), Point(row + half_short_rows, col))
    else:
        long = Segment(Point(row - half_long_rows, col), Point(row + half_long_rows, col))
        short = Segment(Point(row, col - half_short_cols), Point(row, col + half_short_cols))
    return long, short, plane_of(vol, k)


def sample_lesions(case_id: str, label: str) -> Iterator[object]:
    yield from subject(case_id).lesions[gen.TIMEPOINTS.index(label)]  # type: ignore[attr-defined]


def read_timepoint(project: ReadingProject, key: ReadKey, label: str) -> None:
    """Record the truth's lesions at one timepoint (adding lesions as they first appear)."""
    read = project.read(key)
    for les in sample_lesions(key.case_id, label):
        lesion_id: str = les.lesion_id  # type: ignore[attr-defined]
        if lesion_id not in read.lesions:
            project.add_lesion(key, Category(les.category), les.location,  # type: ignore[attr-defined]
                               lesion_id=lesion_id)  # fmt: skip
        long, short, plane = truth_axes(key.case_id, label, lesion_id)
        project.measure(key, label, lesion_id, long, plane, short_axis=short)


def read_sample_subject(project: ReadingProject, key: ReadKey, *, sign: bool = True) -> None:
    """Read every timepoint of a sample subject as the truth says, signing each in turn."""
    for label in gen.TIMEPOINTS:
        read_timepoint(project, key, label)
        if sign:
            project.sign(key, label)


class Clock:
    """A deterministic clock: one second per call, from a fixed UTC instant."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1, microseconds=1234)
        return self.now
