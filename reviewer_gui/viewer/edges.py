"""Sub-pixel ends of a proposed axis, from the partial volume of the pixels at each end.

The axes of a pixel mask (:mod:`.axes`) end on the outer edge of the mask's last pixel, so a
diameter is off by up to a pixel, and on average too long when it runs obliquely across the
pixel grid (more pixels lie near an oblique end, so the farthest one is nearer the true edge
than half a pixel, and half a pixel is still added).

Each end is moved along its own axis (so the short axis stays perpendicular to the long one)
to where the lesion's share of the pixels along it says the edge is: from :data:`REACH_PX`
inside the end to as far beyond it, every pixel the axis crosses counts with the length it
crosses times its lesion fraction ``(HU - host) / (lesion - host)``, clipped to 0..1 (0 past
the lesion's HU by more than half the contrast: a third tissue, as the mask has it). A pixel
half lesion, half host counts half: the partial volume a reader's eye reads as an edge, where
interpolating grey levels would put the edge a fraction of a pixel inside it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .axes import Axis

REACH_PX = 2.5  # either side of the mask's end: the edge's blur lies within it
STEP_PX = 0.05


def refine_axis(axis: Axis, image: npt.NDArray[np.float32], lesion_hu: float, host_hu: float,
                spacing_mm: Sequence[float], offset: Sequence[float]) -> Axis:  # fmt: skip
    """`axis` (image coordinates, `image` starting at `offset`) with both ends where the
    partial volume along it puts the lesion's edge."""
    start = np.subtract(axis.start, offset)
    end = np.subtract(axis.end, offset)
    d = end - start
    if not d.any() or lesion_hu == host_hu:
        return axis
    u = d / np.hypot(*d)
    a = _edge(image, start, -u, lesion_hu, host_hu)
    b = _edge(image, end, u, lesion_hu, host_hu)
    length = float(np.hypot(*((b - a) * np.asarray(spacing_mm, dtype=float))))
    return Axis((float(a[0] + offset[0]), float(a[1] + offset[1])),
                (float(b[0] + offset[0]), float(b[1] + offset[1])), length)  # fmt: skip


def _edge(image: npt.NDArray[np.float32], end: npt.NDArray[np.float64],
          outward: npt.NDArray[np.float64], lesion_hu: float,
          host_hu: float) -> npt.NDArray[np.float64]:  # fmt: skip
    t = np.arange(-REACH_PX, REACH_PX, STEP_PX) + STEP_PX / 2
    points = end[:, None] + outward[:, None] * t[None, :]
    rows = np.clip(np.rint(points[0]).astype(int), 0, image.shape[0] - 1)
    cols = np.clip(np.rint(points[1]).astype(int), 0, image.shape[1] - 1)
    values = image[rows, cols].astype(np.float64)
    fraction = np.clip((values - host_hu) / (lesion_hu - host_hu), 0.0, 1.0)
    fraction[(values - lesion_hu) / (lesion_hu - host_hu) > 0.5] = 0.0  # a third tissue
    # the edge: the start of the reach plus the lesion's share of the way along it
    moved: npt.NDArray[np.float64] = end + (-REACH_PX + fraction.sum() * STEP_PX) * outward
    return moved
