"""Millimetres from image coordinates, and the refusal to measure without a pixel spacing.

Lengths come from DICOM Pixel Spacing (0028,0030): the physical distance between the centres
of adjacent rows, then of adjacent columns, in mm (PS3.3 10.7.1.3). A length is never shown in
pixels dressed as millimetres: without a spacing, measuring is refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .transform import Point, ViewTransform

Vec3 = tuple[float, float, float]

HIT_TOLERANCE_PX = 8.0  # how near (screen pixels) a press must be to grab an end point
#: While a drawing awaits its next axis, a press edits an end point only from on it (the
#: drawn handle's radius), and never when another end point is nearly as near.
ON_HANDLE_PX = 4.0
CLEAR_MARGIN_PX = 3.0


class MeasurementRefused(ValueError):
    """Measuring is not possible on this image; the message says why and what to do."""


NO_SPACING_MESSAGE = (
    "Cannot measure: this series has no pixel spacing (DICOM PixelSpacing (0028,0030)), so "
    "lengths in mm are unknown. Measure on a series that has it (e.g. the original axial "
    "series from the scanner)."
)


@dataclass(frozen=True)
class PixelSpacing:
    """mm between row centres (``row_mm``, along the columns) and column centres (``col_mm``)."""

    row_mm: float
    col_mm: float

    def __post_init__(self) -> None:
        ok = all(math.isfinite(v) and v > 0 for v in (self.row_mm, self.col_mm))
        if not ok:
            raise MeasurementRefused(f"pixel spacing {self.row_mm} x {self.col_mm} mm is not "
                                     "positive: " + NO_SPACING_MESSAGE)

    @property
    def aspect(self) -> float:
        """Row spacing over column spacing (the displayed pixel's height over its width)."""
        return self.row_mm / self.col_mm

    def to_mm(self, p: Point) -> Point:
        """Image (row, col) as (y, x) millimetres from the first pixel's centre."""
        return (p[0] * self.row_mm, p[1] * self.col_mm)

    def to_image(self, p_mm: Point) -> Point:
        """(y, x) millimetres back to image (row, col)."""
        return (p_mm[0] / self.row_mm, p_mm[1] / self.col_mm)

    def distance_mm(self, a: Point, b: Point) -> float:
        """Length in mm of the segment between image points `a` and `b`."""
        return math.hypot((b[0] - a[0]) * self.row_mm, (b[1] - a[1]) * self.col_mm)


def require_spacing(spacing: PixelSpacing | None) -> PixelSpacing:
    """`spacing`, or :class:`MeasurementRefused` with the reason if there is none."""
    if spacing is None:
        raise MeasurementRefused(NO_SPACING_MESSAGE)
    return spacing


def screen_distance(t: ViewTransform, p: Point, x: float, y: float) -> float:
    """Distance in screen pixels between image point `p` and screen point (x, y)."""
    sx, sy = t.to_screen(*p)
    return math.hypot(sx - x, sy - y)


def nearest_handle(t: ViewTransform, handles: tuple[Point, ...], x: float, y: float,
                   tolerance_px: float = HIT_TOLERANCE_PX) -> tuple[int, float] | None:
    """(index, screen distance) of the handle nearest to (x, y) within the tolerance."""
    best: tuple[int, float] | None = None
    for i, h in enumerate(handles):
        d = screen_distance(t, h, x, y)
        if d <= tolerance_px and (best is None or d < best[1]):
            best = (i, d)
    return best


def handle_to_grab(t: ViewTransform, handle_sets: Sequence[tuple[Point, ...]], x: float,
                   y: float, *, drafting: bool) -> tuple[int, int] | None:
    """(set, handle) of the end point a press at screen (x, y) drags, or ``None``: the press
    starts a new axis. Within :data:`HIT_TOLERANCE_PX` of an end point, or only
    :data:`ON_HANDLE_PX` when ``drafting`` (a drawing awaits its short axis: on a small
    lesion its start lies near the long axis' ends); never when a second end point is within
    :data:`CLEAR_MARGIN_PX` of the nearest's distance (which one was meant is unclear)."""
    tolerance = ON_HANDLE_PX if drafting else HIT_TOLERANCE_PX
    hits = sorted((screen_distance(t, h, x, y), s, i) for s, handles in enumerate(handle_sets)
                  for i, h in enumerate(handles))  # fmt: skip
    if not hits or hits[0][0] > tolerance:
        return None
    if len(hits) > 1 and hits[1][0] - hits[0][0] < CLEAR_MARGIN_PX:
        return None
    return hits[0][1], hits[0][2]


_LETTERS = (("R", "L"), ("A", "P"), ("F", "H"))  # LPS: -x right, +x left, -y anterior ...


def orientation_label(direction: Vec3) -> str:
    """The patient side a direction points to: ``L`` for (1, 0, 0), ``A`` for (0, -1, 0).

    DICOM patient coordinates are LPS (PS3.3 C.7.6.2.1.1): +x to the patient's left, +y
    posterior, +z head. Oblique directions get two or three letters, largest part first.
    """
    parts = sorted(((abs(c), _LETTERS[i][c > 0]) for i, c in enumerate(direction)
                    if abs(c) >= 0.25), reverse=True)
    return "".join(letter for _, letter in parts)
