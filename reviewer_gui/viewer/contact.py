"""A lesion cut from what it touches: a rim along an organ's edge, a touching lesion of the
same HU at a narrow neck (the watershed of the mask's distance map), the body wall it bulges
from (used by :func:`.propose.propose_measurement`; ``benchmarks/assist_RESULTS.md``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import SimpleITK
from scipy import ndimage  # type: ignore[import-untyped]

sitk: Any = SimpleITK  # its wrapped filters carry no annotations

#: "smoothed": a neck this much (mm) narrower than the smaller of two touching lesions'
#: inscribed radius splits them (watershed of the mask's distance map).
SPLIT_MM = 1.5
#: A region that leaks to the window's edge is cut to the seed's part (its core, the region
#: grown within CONFINE_MM of that core) only when that part is THICKER times as thick as
#: what it leaked into: a lesion bulging from the body wall, not a piece of the wall.
CONFINE_MM = 2.0
THICKER = 1.5
#: The inscribed radius of the largest lesion (half of propose.MAX_DIAMETER_MM): a region
#: that leaked into something thicker (the liver) is an organ, not a lesion against one.
MAX_DEPTH_MM = 50.0


def dilate(
    mask: npt.NDArray[np.bool_], mm: float, spacing: tuple[float, float]
) -> SimpleITK.Image:
    """`mask` dilated by a ball of `mm` (a uint8 image)."""
    radius = [max(1, round(mm / spacing[1])), max(1, round(mm / spacing[0]))]  # (x, y)
    dilated: SimpleITK.Image = sitk.BinaryDilate(sitk.GetImageFromArray(mask.astype(np.uint8)),
                                                 radius, sitk.sitkBall)  # fmt: skip
    return dilated


def seed_part(mask: npt.NDArray[np.bool_], seed_xy: tuple[int, int],
              spacing: tuple[float, float]) -> npt.NDArray[np.bool_]:  # fmt: skip
    """The seed's part of `mask`: without a rim along an organ's edge, split at a narrow
    neck from whatever of the same HU it touches."""
    return split_at_neck(without_rims(mask, seed_xy), seed_xy, spacing)


def bulge(mask: npt.NDArray[np.bool_], seed_xy: tuple[int, int],
          spacing: tuple[float, float],
          near: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.bool_]:  # fmt: skip
    """The seed's part of `mask` (of `mask & near`), a region that leaked to the window's
    edge, when that part is a lesion bulging from a thinner structure of its HU (the body
    wall where the liver's capsule touches it): its inscribed radius at least
    :data:`THICKER` times that of the rest of `mask`. Otherwise `mask` itself (the seed is
    in that structure, or in an organ thicker than :data:`MAX_DEPTH_MM`: no lesion)."""
    if ndimage.distance_transform_edt(mask, sampling=spacing).max() > MAX_DEPTH_MM:
        return mask  # an organ (thicker than any lesion): no watershed of it
    part = seed_part(mask if near is None else mask & near, seed_xy, spacing)
    if touches_edge(part) or not part.any():
        return mask
    rest = ndimage.distance_transform_edt(mask & ~part, sampling=spacing)
    own = ndimage.distance_transform_edt(part, sampling=spacing)
    return part if own.max() >= THICKER * rest.max() else mask


def confined(grown: npt.NDArray[np.bool_], core: npt.NDArray[np.bool_],
             seed_xy: tuple[int, int], spacing: tuple[float, float]) -> npt.NDArray[np.bool_]:
    """The lesion in a region grown past it along a broad contact with a structure of its
    own HU, whose core (of the lesion's HU alone) stops at the contact: the region's part
    within CONFINE_MM of the core, if a bulge (:func:`bulge`); else `grown`."""
    near = sitk.GetArrayFromImage(dilate(core, CONFINE_MM, spacing)).astype(bool)
    return bulge(grown, seed_xy, spacing, near)


def without_rims(mask: npt.NDArray[np.bool_], seed_xy: tuple[int, int]) -> npt.NDArray[np.bool_]:
    """`mask` opened by one pixel, the seed's part kept: a rim one or two pixels wide (the
    partial volume between an organ and fat, which has a lesion's HU) no longer carries the
    growth along an organ's edge. A seed the opening removes keeps the mask as it was."""
    opened = ndimage.binary_opening(mask, structure=ndimage.generate_binary_structure(2, 1))
    labels, _ = ndimage.label(opened)
    seed_label = labels[seed_xy[1], seed_xy[0]]
    if seed_label == 0:
        return mask
    part: npt.NDArray[np.bool_] = ndimage.binary_dilation(labels == seed_label) & mask
    return part


def split_at_neck(mask: npt.NDArray[np.bool_], seed_xy: tuple[int, int],
                  spacing: tuple[float, float]) -> npt.NDArray[np.bool_]:  # fmt: skip
    """The part of `mask` around the seed when a narrow neck joins it to another (a touching
    lesion): the seed's basin of the watershed of the distance to the mask's edge, basins
    shallower than :data:`SPLIT_MM` merged."""
    rows, cols = np.nonzero(mask)
    if len(rows) == 0:
        return mask
    r0, c0 = max(int(rows.min()) - 2, 0), max(int(cols.min()) - 2, 0)  # the mask's box only
    r1, c1 = int(rows.max()) + 3, int(cols.max()) + 3
    image = sitk.GetImageFromArray(mask[r0:r1, c0:c1].astype(np.uint8))
    image.SetSpacing((spacing[1], spacing[0]))
    distance = sitk.SignedMaurerDistanceMap(image, insideIsPositive=False, squaredDistance=False,
                                            useImageSpacing=True)  # fmt: skip
    basins = sitk.GetArrayFromImage(sitk.MorphologicalWatershed(
        distance, level=SPLIT_MM, markWatershedLine=False, fullyConnected=True))
    part = np.zeros_like(mask)
    box = mask[r0:r1, c0:c1]
    part[r0:r1, c0:c1] = box & (basins == basins[seed_xy[1] - r0, seed_xy[0] - c0])
    return part


def touches_edge(mask: npt.NDArray[np.bool_]) -> bool:
    return bool(mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())
