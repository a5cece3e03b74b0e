"""An SR's entries recorded into a read, as a draft: the way back from an SR to the reading
model (ours round-trip to the same read; another tool's, once a person has assigned each
measurement its lesion id, category and organ, become a reader's draft).

Nothing is signed here: the reader (or whoever migrates a read done elsewhere) checks the
draft and signs it, which the reading model's rules require anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from reviewer_gui.reading import (
    ImagePlane,
    ReadingError,
    ReadingProject,
    ReadKey,
    length_mm,
)
from reviewer_gui.sr.reader import SrAxis, SrEntry

#: An SR's length and the length of its end points may differ by their rounding (0.1 mm).
TOLERANCE_MM = Decimal("0.1")


def record_entries(
    project: ReadingProject,
    key: ReadKey,
    timepoint: str,
    entries: Iterable[SrEntry],
    planes: Mapping[str, ImagePlane],
) -> None:
    """Record ``entries`` as ``key``'s read at ``timepoint`` (not signed). ``planes``: SOP
    Instance UID -> the image's plane in the timepoint's loaded series
    (``reviewer_gui.reading.plane_of``). Lesions are added as they first appear. Refused
    (``ReadingError``, before anything is recorded) for an entry without lesion id, category,
    organ or state (another tool's: assign them first), an image not in ``planes``, or end
    points whose length is not the SR's. An entry with measured values but no end points
    and no state (3D Slicer's) adds its lesion only: the reader measures it."""
    entries = tuple(entries)
    for entry in entries:
        _check(entry, planes)
    for entry in entries:
        assert entry.category is not None and entry.organ is not None
        if entry.lesion_id not in project.read(key).lesions:
            project.add_lesion(key, entry.category, entry.organ, detail=entry.detail,
                               is_node=entry.is_node, lesion_id=entry.lesion_id)  # fmt: skip
        if entry.state is None:  # values without end points: the lesion, to be measured
            continue
        if not entry.fragments:
            project.set_state(key, timepoint, entry.lesion_id, entry.state, reason=entry.reason)
        for fragment in entry.fragments:
            long, short = fragment.long_axis, fragment.short_axis
            project.measure(key, timepoint, entry.lesion_id, long.segment,
                            planes[long.sop_instance_uid],
                            short_axis=short.segment if short else None,
                            fragment=fragment.name)  # fmt: skip


def _check(entry: SrEntry, planes: Mapping[str, ImagePlane]) -> None:
    state = entry.state or (entry.values and "to be measured")
    missing = [name for name, value in (("lesion id", entry.lesion_id), ("category",
               entry.category), ("organ", entry.organ), ("state", state)) if not value]
    if missing:
        raise ReadingError(f"measurement {entry.tracking_identifier or '?'} "
                           f"({entry.tracking_uid}) has no {', '.join(missing)}: assign "
                           "them before recording it")  # fmt: skip
    for fragment in entry.fragments:
        for axis in (fragment.long_axis, fragment.short_axis):
            if axis is not None:
                _check_axis(entry, axis, planes)


def _check_axis(entry: SrEntry, axis: SrAxis, planes: Mapping[str, ImagePlane]) -> None:
    plane = planes.get(axis.sop_instance_uid)
    if plane is None or plane.pixel_spacing_mm is None:
        raise ReadingError(f"{entry.lesion_id}: image {axis.sop_instance_uid} is not in the "
                           "timepoint's series: load the series the SR refers to")  # fmt: skip
    measured = length_mm(axis.segment, plane.pixel_spacing_mm)
    if abs(measured - axis.length_mm) > TOLERANCE_MM:
        raise ReadingError(f"{entry.lesion_id}: the SR says {axis.length_mm} mm, its end "
                           f"points measure {measured} mm on image {axis.sop_instance_uid}")
