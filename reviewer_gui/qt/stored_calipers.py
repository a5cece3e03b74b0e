"""The calipers a read holds at one timepoint, rebuilt as the viewer's measurements on a
loaded series (matched by SOP Instance UID; none without a pixel spacing), and its lesions'
location points as the viewer's markers."""

from __future__ import annotations

from collections.abc import Iterator

from reviewer_gui.dicom import Volume
from reviewer_gui.reading import Fragment, ReadView, Segment
from reviewer_gui.viewer import Marker, Measurement

from .image_view import pixel_spacing_of


def points(segment: Segment) -> tuple[tuple[float, float], tuple[float, float]]:
    """A segment's end points as (row, col) pairs, as the viewer takes them."""
    return ((segment.start.row, segment.start.col), (segment.end.row, segment.end.col))


def stored_calipers(
    volume: Volume, read: ReadView, label: str, *, locked: bool
) -> Iterator[tuple[str, Fragment, Measurement]]:
    """(lesion id, fragment, measurement) for every caliper of ``read`` at timepoint ``label``
    measured on a slice of ``volume``, captioned with the lesion id (and fragment name)."""
    index_of = {uid: k for k, uid in enumerate(volume.sop_instance_uids)}
    spacing = pixel_spacing_of(volume)
    if spacing is None:
        return
    for lesion in read.ordered_lesions:
        observation = read.observation(label, lesion.lesion_id)
        for fragment in observation.fragments if observation else ():
            k = index_of.get(fragment.long_axis.sop_instance_uid)
            if k is None:
                continue
            short = fragment.short_axis
            caption = lesion.lesion_id + (f"/{fragment.name}" if fragment.name else "")
            measurement = Measurement.restored(
                spacing, k, points(fragment.long_axis.segment),
                None if short is None else points(short.segment),
                locked=locked, caption=caption)  # fmt: skip
            yield lesion.lesion_id, fragment, measurement


def stored_markers(volume: Volume, read: ReadView, *, locked: bool) -> list[Marker]:
    """A marker for every lesion of ``read`` whose location point lies on a slice of
    ``volume`` (whatever the timepoint: a baseline's point shows on the baseline's series),
    captioned with the lesion id."""
    index_of = {uid: k for k, uid in enumerate(volume.sop_instance_uids)}
    return [Marker(index_of[point.sop_instance_uid], (point.row, point.col), lesion.lesion_id,
                   locked)
            for lesion in read.ordered_lesions
            if (point := lesion.point) is not None and point.sop_instance_uid in index_of]
