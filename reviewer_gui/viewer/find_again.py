"""Where to show a lesion at a follow-up where it has no entry yet (issue 17, item 2): from
where it was last seen, mapped through the registration of the two series. Plain arithmetic
on the reading model's stored points and the series' geometry, no Qt.

:func:`last_sighting` picks what the read holds of the lesion at the earlier timepoints, in
the order given (the prior, then the baseline): the end points of its measurement there, else
its location point (a non-target marked at baseline, a new lesion where it was added).
:func:`predicted_view` maps them onto the follow-up: the slice nearest the mapped centre, and
the mapped end points (or a frame around the mapped location point) to centre and magnify the
view on, as :func:`.focus.focus_on` does for a measured lesion. Below the registration's
quality threshold, or without one, it says why and predicts nothing of its own: the view then
stays at the prior's slice position (the linked views' patient position), as without
registration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from reviewer_gui.reading import ReadView

from .registration import Registration, Scan, point_to_index, predict_position

Vec3 = tuple[float, float, float]
Spot = tuple[str, int, float, float]  # SOP Instance UID, slice index, image row, column

#: How much around a location point a view shows (mm either side): a lesion found by its
#: point, not measured, is framed like a lesion of twice this size.
FRAME_MM = 10.0


class SeriesGeometry(Protocol):
    """Where a series' pixels lie in the patient (:class:`reviewer_gui.dicom.Volume` has it)."""

    @property
    def sop_instance_uids(self) -> tuple[str, ...]: ...

    @property
    def image_positions_mm(self) -> tuple[Vec3, ...]: ...

    @property
    def spacing_mm(self) -> Vec3: ...  # (slice, row, column)

    @property
    def row_direction(self) -> Vec3: ...

    @property
    def column_direction(self) -> Vec3: ...


class FollowUp(Scan, Protocol):
    """The follow-up series: its voxels' geometry and each slice's position."""

    @property
    def slice_positions_mm(self) -> tuple[float, ...]: ...


@dataclass(frozen=True)
class Geometry:
    """A series' geometry without its voxels: kept for a series no view shows (the baseline
    beside a prior), so that its stored points can still be placed in the patient."""

    sop_instance_uids: tuple[str, ...]
    image_positions_mm: tuple[Vec3, ...]
    spacing_mm: Vec3
    row_direction: Vec3
    column_direction: Vec3

    @classmethod
    def of(cls, series: SeriesGeometry) -> Geometry:
        return cls(tuple(series.sop_instance_uids), tuple(series.image_positions_mm),
                   series.spacing_mm, series.row_direction, series.column_direction)  # fmt: skip


@dataclass(frozen=True)
class Sighting:
    """Where the read last saw a lesion: at `timepoint`, on series `series_uid`, the end
    points of its measurement (``measured``) or its location point."""

    timepoint: str
    series_uid: str
    spots: tuple[Spot, ...]
    measured: bool

    @property
    def what(self) -> str:
        return (f"its measurement at {self.timepoint}" if self.measured
                else f"its location point at {self.timepoint}")  # fmt: skip


@dataclass(frozen=True)
class PredictedView:
    """Where the follow-up view goes: a slice, and the image points to centre and magnify
    on (``frame``); ``registered`` False: nothing of its own (see ``reason``)."""

    slice_index: int
    frame: tuple[tuple[float, float], ...]  # (row, column) on the follow-up
    centre_mm: Vec3  # the predicted centre, the follow-up's patient coordinates
    registered: bool
    reason: str


def last_sighting(read: ReadView, lesion_id: str, earlier: Sequence[str]) -> Sighting | None:
    """The lesion's measurement at the first timepoint of `earlier` that has one (its end
    points, every fragment's), else its location point if it was set at one of them."""
    lesion = read.lesions.get(lesion_id)
    point = None if lesion is None else lesion.point
    for label in earlier:
        observation = read.observation(label, lesion_id)
        axes = [axis for f in (observation.fragments if observation else ())
                for axis in (f.long_axis, f.short_axis) if axis is not None]  # fmt: skip
        if axes:
            ref = read.series_of(label)
            uid = axes[0].series_uid or (ref.series_uid if ref is not None else "")
            spots = tuple((a.sop_instance_uid, a.slice_index, p.row, p.col) for a in axes
                          for p in (a.segment.start, a.segment.end))  # fmt: skip
            return Sighting(label, uid, spots, measured=True)
        if point is not None and point.timepoint == label:
            spot = (point.sop_instance_uid, point.slice_index, point.row, point.col)
            return Sighting(label, point.series_uid, (spot,), measured=False)
    return None


def patient_point(series: SeriesGeometry, spot: Spot) -> Vec3 | None:
    """The patient coordinates (LPS, mm) of an image point of `series` (``None``: its slice
    is not in the series)."""
    uid, index, row, col = spot
    uids = series.sop_instance_uids
    if not (0 <= index < len(uids) and uids[index] == uid):
        if uid not in uids:
            return None
        index = uids.index(uid)
    _, sy, sx = series.spacing_mm
    p = (np.asarray(series.image_positions_mm[index], dtype=float)
         + row * sy * np.asarray(series.column_direction, dtype=float)
         + col * sx * np.asarray(series.row_direction, dtype=float))  # fmt: skip
    return float(p[0]), float(p[1]), float(p[2])


def predicted_view(sighting: Sighting, earlier: SeriesGeometry, follow_up: FollowUp,
                   registration: Registration | None, *,
                   frame_mm: float = FRAME_MM) -> PredictedView | None:  # fmt: skip
    """Where `sighting` (on `earlier`) lies on `follow_up` through `registration`; ``None``
    when its points are not on `earlier`'s slices."""
    points = [patient_point(earlier, spot) for spot in sighting.spots]
    found = [p for p in points if p is not None]
    if not found:
        return None
    centre = tuple(float(v) for v in np.mean(np.asarray(found), axis=0))
    position = predict_position(centre, follow_up, registration)
    normal = np.asarray(follow_up.slice_normal, dtype=float)
    along = float(np.asarray(position.point_mm) @ normal)
    k = int(np.argmin(np.abs(np.asarray(follow_up.slice_positions_mm) - along)))
    if not position.registered:
        return PredictedView(k, (), position.point_mm, False, position.reason)
    assert registration is not None  # registered
    if sighting.measured:
        mapped = [point_to_index(follow_up, registration.map_point(p)) for p in found]
        frame = tuple((row, col) for _, row, col in mapped)
    else:
        _, sy, sx = follow_up.spacing_mm
        dr, dc = frame_mm / sy, frame_mm / sx
        r, c = position.row, position.column
        frame = ((r - dr, c - dc), (r + dr, c + dc))
    return PredictedView(k, frame, position.point_mm, True, position.reason)
