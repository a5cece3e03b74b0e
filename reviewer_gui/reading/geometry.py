"""Calipers in image coordinates and their length in millimetres.

A point is ``(row, col)`` in pixel coordinates of one slice (floats: the centre of the first
pixel is ``(0, 0)``). Millimetres come from the slice's Pixel Spacing (DICOM PS3.3
C.7.6.2.1.1: "adjacent row spacing \\ adjacent column spacing", the distance between pixel
centres): a segment from ``(r0, c0)`` to ``(r1, c1)`` is
``hypot((r1 - r0) * row_spacing, (c1 - c0) * column_spacing)`` mm long. Without a pixel
spacing there are no millimetres, and the caliper refuses to measure (never pixels shown as mm).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from reviewer_gui.reading.errors import MeasurementRefused
from reviewer_gui.reading.vocabulary import Provenance

if TYPE_CHECKING:
    from reviewer_gui.dicom import Volume

#: Recorded lengths are rounded to 0.1 mm, as a reader writes them on a case report form. The
#: rounded value is what the grid, the database and the export all use, so the engine sees
#: the same number everywhere.
LENGTH_QUANTUM = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Point:
    """A position on a slice in pixel coordinates (row, column), not necessarily integral."""

    row: float
    col: float


@dataclass(frozen=True, slots=True)
class Segment:
    """A caliper's two end points on one slice."""

    start: Point
    end: Point


@dataclass(frozen=True, slots=True)
class ImagePlane:
    """The slice a caliper is drawn on: its index in the loaded series, its SOP Instance UID,
    its Pixel Spacing ``(row spacing, column spacing)`` in mm (``None`` when the file has
    none) and its series' Series Instance UID (PS3.3 C.7.3.1; ``""`` when unknown)."""

    slice_index: int
    sop_instance_uid: str
    pixel_spacing_mm: tuple[float, float] | None
    series_uid: str = ""


@dataclass(frozen=True, slots=True)
class AxisMeasurement:
    """One measured diameter: where it was drawn, its length, who drew it and when, and the
    series it lies on with that series' Slice Thickness (0018,0050), which the engine's
    measurability rule uses (RECIST 1.1 section 3.1.1: at least 10 mm and twice the slice
    thickness). ``series_uid`` is ``""`` for a measurement recorded before series were
    recorded with it (it lies on the series the timepoint was imported with).
    ``provenance``: drawn by hand, or proposed by the one-click measurement and accepted or
    adjusted (a measurement recorded before schema 5 was drawn by hand)."""

    segment: Segment
    slice_index: int
    sop_instance_uid: str
    pixel_spacing_mm: tuple[float, float]
    length_mm: Decimal
    measured_by: str
    measured_at: dt.datetime
    series_uid: str = ""
    slice_thickness_mm: Decimal | None = None
    provenance: Provenance = Provenance.DRAWN


def length_mm(segment: Segment, pixel_spacing_mm: tuple[float, float]) -> Decimal:
    """The segment's length in mm, rounded to :data:`LENGTH_QUANTUM`."""
    row_mm, col_mm = pixel_spacing_mm
    exact = math.hypot(
        (segment.end.row - segment.start.row) * row_mm,
        (segment.end.col - segment.start.col) * col_mm,
    )
    return Decimal(repr(exact)).quantize(LENGTH_QUANTUM, rounding=ROUND_HALF_UP)


def measure_axis(
    segment: Segment,
    plane: ImagePlane,
    reader: str,
    at: dt.datetime,
    *,
    slice_thickness_mm: Decimal | None = None,
    provenance: Provenance = Provenance.DRAWN,
) -> AxisMeasurement:
    """Measure ``segment`` on ``plane`` (a slice of a series ``slice_thickness_mm`` thick,
    if known); raises :class:`MeasurementRefused` without a usable
    pixel spacing, with end points that are not finite, or with a segment shorter than
    0.05 mm (two clicks on one spot)."""
    spacing = plane.pixel_spacing_mm
    if spacing is None:
        raise MeasurementRefused(
            f"slice {plane.slice_index} ({plane.sop_instance_uid}) has no Pixel Spacing "
            "(0028,0030): millimetres are unknown, so this image cannot be measured; "
            "ask the site for a series with pixel spacing"
        )
    if not all(math.isfinite(v) and v > 0 for v in spacing):
        raise MeasurementRefused(
            f"slice {plane.slice_index} ({plane.sop_instance_uid}) has an unusable Pixel "
            f"Spacing {spacing!r}: both values must be positive millimetres"
        )
    coordinates = (segment.start.row, segment.start.col, segment.end.row, segment.end.col)
    if not all(math.isfinite(v) for v in coordinates):
        raise MeasurementRefused(f"caliper end points must be finite, got {segment!r}")
    length = length_mm(segment, (float(spacing[0]), float(spacing[1])))
    if length <= 0:
        raise MeasurementRefused(
            "the caliper's two end points are on the same spot: drag from one edge of the "
            "lesion to the other"
        )
    return AxisMeasurement(
        segment=segment,
        slice_index=plane.slice_index,
        sop_instance_uid=plane.sop_instance_uid,
        pixel_spacing_mm=(float(spacing[0]), float(spacing[1])),
        length_mm=length,
        measured_by=reader,
        measured_at=at,
        series_uid=plane.series_uid,
        slice_thickness_mm=slice_thickness_mm,
        provenance=Provenance(provenance),
    )


def plane_of(volume: Volume, slice_index: int) -> ImagePlane:
    """The :class:`ImagePlane` of slice ``slice_index`` of a loaded series."""
    if not 0 <= slice_index < volume.shape[0]:
        raise MeasurementRefused(
            f"slice {slice_index} is outside the series (0 to {volume.shape[0] - 1})"
        )
    return ImagePlane(
        slice_index=slice_index,
        sop_instance_uid=volume.sop_instance_uids[slice_index],
        pixel_spacing_mm=volume.pixel_spacing_mm,
        series_uid=volume.series_uid,
    )
