"""Calipers: millimetres from the pixel spacing (DICOM PS3.3 C.7.6.2.1.1), refusals, and a
sample-scan lesion measured edge to edge on the real image within one pixel of the truth."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest

from reviewer_gui.reading import (
    Category,
    ImagePlane,
    MeasurementRefused,
    Point,
    ReadingProject,
    ReadKey,
    Segment,
    length_mm,
    measure_axis,
    plane_of,
)

from .kit import add_sample_subject, gen, sample_lesions, truth_axes, volume

AT = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("start", "end", "spacing", "expected"),
    [
        ((0, 0), (3, 4), (1.0, 1.0), "5.0"),
        ((0, 0), (4, 3), (0.5, 2.0), "6.3"),  # hypot(2, 6) = 6.32: rows scale by the row spacing
        ((0, 0), (3, 4), (2.0, 0.5), "6.3"),  # hypot(6, 2)
        ((10.5, 20.25), (10.5, 40.75), (0.5, 0.5), "10.3"),  # 10.25 rounds half up
        ((1, 1), (1.1, 1), (0.7, 0.7), "0.1"),
    ],
)
def test_length_uses_row_and_column_spacing(
    start: tuple[float, float], end: tuple[float, float], spacing: tuple[float, float],
    expected: str,
) -> None:  # fmt: skip
    segment = Segment(Point(*start), Point(*end))
    assert length_mm(segment, spacing) == Decimal(expected)


@pytest.mark.parametrize(
    ("spacing", "end", "message"),
    [
        (None, (10.0, 10.0), "no Pixel Spacing"),
        ((0.0, 0.7), (10.0, 10.0), "unusable Pixel Spacing"),
        ((math.nan, 0.7), (10.0, 10.0), "unusable Pixel Spacing"),
        ((0.7, 0.7), (math.inf, 10.0), "finite"),
        ((0.7, 0.7), (1.0, 1.0), "same spot"),
    ],
)
def test_a_caliper_refuses_without_millimetres(
    spacing: tuple[float, float] | None, end: tuple[float, float], message: str
) -> None:
    plane = ImagePlane(0, "1.2.3", spacing)
    with pytest.raises(MeasurementRefused, match=message):
        measure_axis(Segment(Point(1.0, 1.0), Point(*end)), plane, "alice", AT)


def test_the_plane_of_a_loaded_slice_names_its_sop_instance_and_spacing() -> None:
    vol = volume("SUBJ-003", "M2")
    plane = plane_of(vol, 7)
    assert plane.sop_instance_uid == vol.sop_instance_uids[7]
    assert plane.pixel_spacing_mm == (gen.PIXEL_MM, gen.PIXEL_MM)
    with pytest.raises(MeasurementRefused, match="outside the series"):
        plane_of(vol, 20)


def test_a_slice_loaded_without_pixel_spacing_cannot_be_measured() -> None:
    # The loader shows such an image with 1.0 "spacing" for display only: never as mm.
    vol = dataclasses.replace(volume("SUBJ-003", "M2"), pixel_spacing_mm=None)
    plane = plane_of(vol, 7)
    assert plane.pixel_spacing_mm is None
    with pytest.raises(MeasurementRefused, match="no Pixel Spacing"):
        measure_axis(Segment(Point(1.0, 1.0), Point(9.0, 1.0)), plane, "alice", AT)


HOST_HU = {"liver": gen.HU["liver"], "lung": gen.HU["lung"], "lymph node": gen.HU["vfat"]}


def edge_to_edge(case_id: str, label: str, lesion_id: str) -> tuple[Segment, ImagePlane]:
    """Where a reader clicks: the half-contrast edges of the lesion on the real image, along
    the line of its long axis (linear interpolation between the pixels around each edge)."""
    truth_long, _, plane = truth_axes(case_id, label, lesion_id)
    les = next(x for x in sample_lesions(case_id, label) if x.lesion_id == lesion_id)  # type: ignore[attr-defined]
    image = volume(case_id, label).voxels[plane.slice_index].astype(float)
    threshold = (HOST_HU[les.location] + les.hu) / 2
    along_rows = truth_long.start.col == truth_long.end.col
    row0 = round((truth_long.start.row + truth_long.end.row) / 2)
    col0 = round((truth_long.start.col + truth_long.end.col) / 2)
    profile = image[:, col0] if along_rows else image[row0, :]
    centre = row0 if along_rows else col0
    inside = (profile - threshold) * np.sign(les.hu - HOST_HU[les.location]) > 0

    def crossing(step: int) -> float:
        k = centre
        while inside[k + step]:
            k += step
        a, b = profile[k], profile[k + step]
        return k + step * (threshold - a) / (b - a)

    first, last = crossing(-1), crossing(+1)
    if along_rows:
        return Segment(Point(first, col0), Point(last, col0)), plane
    return Segment(Point(row0, first), Point(row0, last)), plane


@pytest.mark.parametrize(("case_id", "lesion_id"),
                         [("SUBJ-001", "T1"), ("SUBJ-001", "T2"), ("SUBJ-002", "T1"),
                          ("SUBJ-003", "T2")])  # fmt: skip
def test_measuring_a_sample_lesion_edge_to_edge_gives_the_truth_within_one_pixel(
    project: ReadingProject, case_id: str, lesion_id: str
) -> None:
    key = ReadKey(case_id, "alice")
    add_sample_subject(project, case_id)
    subject = next(s for s in gen.subjects() if s.subject_id == case_id)
    les = next(x for x in subject.lesions[0] if x.lesion_id == lesion_id)
    project.add_lesion(key, Category(les.category), les.location, lesion_id=lesion_id)
    segment, plane = edge_to_edge(case_id, "BASELINE", lesion_id)
    observation = project.measure(key, "BASELINE", lesion_id, segment, plane)
    measured = observation.fragments[0].long_axis
    assert abs(measured.length_mm - Decimal(repr(les.long_mm))) <= Decimal(repr(gen.PIXEL_MM))
    assert measured.sop_instance_uid == volume(case_id, "BASELINE").sop_instance_uids[
        plane.slice_index]  # fmt: skip
