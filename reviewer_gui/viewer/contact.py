"""A lesion cut from what it touches: a rim along an organ's edge, a touching lesion of the
same HU at a narrow neck (the watershed of the mask's distance map), the body wall it bulges
from (used by :func:`.propose.propose_measurement`; ``benchmarks/assist_RESULTS.md``); and
the contact with a touching lesion placed at a fraction of a pixel on the outline's fine grid
(:func:`seed_side`, used by :mod:`.outline`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import SimpleITK
from scipy import ndimage  # type: ignore[import-untyped]
from scipy.spatial import ConvexHull, QhullError  # type: ignore[import-untyped]

from .masks import box

sitk: Any = SimpleITK  # its wrapped filters carry no annotations

#: "smoothed": a neck this much (mm) narrower than the smaller of two touching lesions'
#: inscribed radius splits them (watershed of the mask's distance map).
SPLIT_MM = 1.5
#: A waist from both sides: the seed's basin is cut to its part at the shallower WAIST_MM
#: when that part and another are convex (the area at least SOLID of the convex hull's) and
#: inside the window, and every other part is too or reaches the window's edge: two convex
#: blobs at a neck (a lesion and a disc along its flank, a lesion and a wedge of the wall),
#: not a lesion in a concave band of wall (organ_edge 46; ``benchmarks/assist_RESULTS.md``).
WAIST_MM = 1.2
SOLID = 0.85
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
    if depth(mask, spacing) > MAX_DEPTH_MM:
        return mask  # an organ (thicker than any lesion): no watershed of it
    part = seed_part(mask if near is None else mask & near, seed_xy, spacing)
    if touches_edge(part) or not part.any():
        return mask
    return part if depth(part, spacing) >= THICKER * depth(mask & ~part, spacing) else mask


def depth(mask: npt.NDArray[np.bool_], spacing: tuple[float, float]) -> float:
    """The inscribed radius of `mask` (mm): the largest distance from a pixel of it to the
    nearest pixel outside it, the same number as the distance map of the whole window gives,
    computed on the mask's box and a pixel around it (a pixel outside the box is never nearer
    than that pixel's projection on the box's border, which lies outside the mask)."""
    return float(ndimage.distance_transform_edt(mask[box(mask, (1, 1))], sampling=spacing)
                 .max(initial=0.0))  # fmt: skip


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
    key = (mask.shape, mask.tobytes(), tuple(seed_xy), tuple(spacing))
    made = _SPLITS.get(key)  # a click asks again for a split it made (a leaked core's bulge)
    if made is not None:
        return made.copy()
    part = _split_at_neck(mask, seed_xy, spacing)
    if len(_SPLITS) >= RECENT_SPLITS:
        _SPLITS.clear()
    _SPLITS[key] = part.copy()
    return part


#: The splits made lately (by their inputs): one click asks for one of them again.
RECENT_SPLITS = 4
_SPLITS: dict[tuple[object, ...], npt.NDArray[np.bool_]] = {}


def _split_at_neck(mask: npt.NDArray[np.bool_], seed_xy: tuple[int, int],
                   spacing: tuple[float, float]) -> npt.NDArray[np.bool_]:  # fmt: skip
    rows, cols = np.nonzero(mask)
    if len(rows) == 0:
        return mask
    r0, c0 = max(int(rows.min()) - 2, 0), max(int(cols.min()) - 2, 0)  # the mask's box only
    r1, c1 = int(rows.max()) + 3, int(cols.max()) + 3
    image = sitk.GetImageFromArray(mask[r0:r1, c0:c1].astype(np.uint8))
    image.SetSpacing((spacing[1], spacing[0]))
    distance = sitk.SignedMaurerDistanceMap(image, insideIsPositive=False, squaredDistance=False,
                                            useImageSpacing=True)  # fmt: skip
    boxed = mask[r0:r1, c0:c1]
    seed = (seed_xy[1] - r0, seed_xy[0] - c0)
    basins = _basins(distance, SPLIT_MM)
    kept = boxed & (basins == basins[seed])
    finer = _basins(distance, WAIST_MM)
    own = kept & (finer == finer[seed])
    others = [kept & (finer == k) for k in np.unique(finer[kept & ~own])]
    if others and _convex_inside(own) and any(_convex_inside(o) for o in others) \
            and all(touches_edge(o) or _convex_inside(o) for o in others):
        kept = own
    part = np.zeros_like(mask)
    part[r0:r1, c0:c1] = kept
    return part


def _basins(distance: SimpleITK.Image, level: float) -> npt.NDArray[np.uint32]:
    basins: npt.NDArray[np.uint32] = sitk.GetArrayFromImage(sitk.MorphologicalWatershed(
        distance, level=level, markWatershedLine=False, fullyConnected=True))
    return basins


def _convex_inside(part: npt.NDArray[np.bool_]) -> bool:
    """`part` (of the mask's box) is convex, its pixels at least :data:`SOLID` of the area of
    the convex hull of their corners, and does not reach the box's border (which is on the
    mask only where the mask reaches the window's edge: a part cut off there runs on)."""
    if touches_edge(part):
        return False
    edge = part & ~ndimage.binary_erosion(part)  # the hull's corners are on the edge pixels
    pixels = np.argwhere(edge)
    if len(pixels) < 3:
        return False
    corners = (pixels[:, None, :] + np.array([[0, 0], [0, 1], [1, 0], [1, 1]])).reshape(-1, 2)
    try:
        hull = ConvexHull(corners)
    except QhullError:
        return False
    return bool(part.sum() >= SOLID * hull.volume)


def touches_edge(mask: npt.NDArray[np.bool_]) -> bool:
    return bool(mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())


#: The contact with a touching lesion split off at a neck, placed at a fraction of a pixel
#: (:func:`contact_zone`, :func:`seed_side`): a split-off part that reaches farther than
#: CONTACT_PX pixels from the lesion's mask is a lesion (a thinner one is a rim along an
#: organ's edge, left out whole as before); the fine watershed is flooded from the pixels
#: of either farther than CONTACT_PX from the other.
CONTACT_PX = 1.5
#: The fine watershed's landscape: a point's HU as a share of the way from the lesion's to
#: the host's (the partial volume of a gap between the two) minus its depth in their union
#: in pixels (the neck): a gap of the host's full HU weighs as one pixel of depth.
GAP_PER_PX = 1.0
ZONE_MARGIN_PX = 3  # around the pixels near both: the watershed's markers lie within it


def contact_zone(mask: npt.NDArray[np.bool_], excluded: npt.NDArray[np.bool_],
                 spacing: tuple[float, float]
                 ) -> tuple[tuple[int, int, int, int], npt.NDArray[np.bool_]] | None:  # fmt: skip
    """The box (r0, r1, c0, c1) around where `mask` touches a lesion split off from it (the
    parts of `excluded` that reach farther than :data:`CONTACT_PX` from it), and those
    parts; ``None`` if it touches none."""
    if not excluded.any():
        return None
    px = min(spacing)
    to_mask = ndimage.distance_transform_edt(~mask, sampling=spacing)
    far = excluded & (to_mask > CONTACT_PX * px)
    if not far.any():
        return None
    labels, _ = ndimage.label(excluded, structure=np.ones((3, 3), bool))
    lesions = np.isin(labels, np.unique(labels[far]))
    to_lesions = ndimage.distance_transform_edt(~lesions, sampling=spacing)
    reach = (CONTACT_PX + 2) * px
    near_both = (to_mask <= reach) & (to_lesions <= reach)
    if not near_both.any():
        return None
    rows, cols = np.nonzero(near_both)
    m = ZONE_MARGIN_PX
    zone = (max(int(rows.min()) - m, 0), min(int(rows.max()) + m + 1, mask.shape[0]),
            max(int(cols.min()) - m, 0), min(int(cols.max()) + m + 1, mask.shape[1]))  # fmt: skip
    return zone, lesions


def seed_side(values: npt.NDArray[np.float64], pixel: tuple[npt.NDArray[np.intp], ...],
              mask: npt.NDArray[np.bool_], lesions: npt.NDArray[np.bool_],
              excluded: npt.NDArray[np.bool_], lesion_hu: float, host_hu: float,
              spacing: tuple[float, float], fine_mm: tuple[float, float]
              ) -> npt.NDArray[np.bool_]:  # fmt: skip
    """The fine points on the lesion's side of its contact with the touching `lesions`, in
    the zone of :func:`contact_zone` (`values`: the fine grid's HU, `pixel`: each fine
    point's pixel in the zone's `mask`, `lesions` and `excluded`; `fine_mm`: the fine step).

    Where two lesions touch, partial volume fills the gap under a pixel between them, and the
    split of the pixel mask puts the contact on a pixel's edge, up to a pixel into the other
    lesion. Here the union of the two at the half-contrast level is split by a watershed on
    the fine grid, flooded from the pixels of each lesion away from the other, along the
    neck (the union's depth) and the gap's partial volume; then the contact, where two convex
    lesions touch along their common tangent, is the chord between its two ends (the union's
    concave corners) wherever it runs within :data:`CONTACT_PX` of that chord."""
    px = min(spacing)
    half = abs(host_hu - lesion_hu) / 2
    lesionlike = np.abs(values - lesion_hu) <= half
    near = np.asarray(ndimage.binary_dilation(mask, structure=np.ones((3, 3), bool)))
    union = lesionlike & (near | lesions)[pixel]
    to_mask = ndimage.distance_transform_edt(~mask, sampling=spacing)
    to_lesions = ndimage.distance_transform_edt(~lesions, sampling=spacing)
    markers = np.zeros(values.shape, np.uint8)
    markers[union & (mask & (to_lesions > CONTACT_PX * px))[pixel]] = 1
    markers[union & (lesions & (to_mask > CONTACT_PX * px))[pixel]] = 2
    rim = (excluded & ~lesions)[pixel]  # left out whole, as before
    if not (markers == 1).any() or not (markers == 2).any():
        kept: npt.NDArray[np.bool_] = union & near[pixel] & ~lesions[pixel] & ~rim
        return kept
    depth = ndimage.distance_transform_edt(union, sampling=fine_mm) / px
    gap = (values - lesion_hu) / (host_hu - lesion_hu)  # 0 at the lesion's HU, 1 the host's
    landscape = GAP_PER_PX * gap - depth
    landscape[~union] = landscape[union].max() + 1
    basins = sitk.GetArrayFromImage(sitk.MorphologicalWatershedFromMarkers(
        sitk.GetImageFromArray(landscape.astype(np.float32)), sitk.GetImageFromArray(markers),
        markWatershedLine=False, fullyConnected=False))  # fmt: skip
    side = _along_chords(union & (basins == 1), union & (basins != 1), fine_mm, px)
    return side & ~rim


def _along_chords(side: npt.NDArray[np.bool_], rest: npt.NDArray[np.bool_],
                  fine_mm: tuple[float, float], px: float) -> npt.NDArray[np.bool_]:  # fmt: skip
    """`side` with each stretch of its contact with `rest` replaced by the chord between the
    stretch's two ends, near the chord (within :data:`CONTACT_PX` pixels of it, between its
    ends), where the stretch runs that near it: two convex lesions touch along their common
    tangent; a curved contact keeps the watershed's line."""
    four = ndimage.generate_binary_structure(2, 1)
    line = side & ndimage.binary_dilation(rest, structure=four)
    stretches, n = ndimage.label(line, structure=np.ones((3, 3), bool))
    out = side.copy()
    scale = np.asarray(fine_mm)
    width = CONTACT_PX * px
    for k in range(1, n + 1):
        pts = np.argwhere(stretches == k) * scale  # mm
        if len(pts) < 2:
            continue
        step = len(pts) // 300 + 1  # the ends of a long stretch, to within a few fine steps
        ends = pts[::step]
        d2 = ((ends[:, None, :] - ends[None, :, :]) ** 2).sum(axis=-1)
        i, j = np.unravel_index(int(np.argmax(d2)), d2.shape)
        a, length = ends[i], float(np.sqrt(d2[i, j]))
        if length < px:  # a point's contact: no direction to follow
            continue
        u = (ends[j] - a) / length
        normal = np.array([-u[1], u[0]])
        if np.abs((pts - a) @ normal).max() > width:
            continue  # a curved contact
        own = np.argwhere(side & ~line) * scale
        if not len(own):
            continue
        sign = 1.0 if np.median((own - a) @ normal) >= 0 else -1.0
        rows, cols = np.indices(side.shape)
        rel = np.stack([rows * scale[0] - a[0], cols * scale[1] - a[1]], axis=-1)
        along, across = rel @ u, (rel @ normal) * sign
        zone = (along >= 0) & (along <= length) & (np.abs(across) <= width) & (side | rest)
        out[zone] = across[zone] >= 0
    return out
