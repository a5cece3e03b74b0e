"""The lesion's half-contrast outline at sub-pixel resolution, and its RECIST axes.

A pixel mask ends on the outer edge of its last pixel, so its diameters are off by up to a
pixel: 17 % of a 12 mm lesion on 2 mm pixels. The image holds the edge more finely than that:
a pixel on the edge has the grey level of its lesion share (partial volume). Here the pixels
are interpolated (bilinear) onto a grid of :data:`FINE_MM` or finer (a quarter pixel at the
most) and the fine grid is cut at the half-contrast level between the lesion's HU and its
host's: the edge a reader calipers, at a fraction of a pixel. Only the pixel mask dilated by
one pixel is searched (the partial volume of its edge), less the pixels region growing
reached but the mask left out (a touching lesion split off, an organ's rim), so the outline
never runs into them; where it touches a lesion split off, the contact is placed on the fine
grid too (:func:`.contact.seed_side`), not on the split's pixel edge; threads thinner than
two pixels (:data:`OPEN_PX`: what is left of a rim along an organ's capsule, a noise spike)
are opened away. The axes are then those of the fine mask (:func:`.axes.measure_mask`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import ndimage  # type: ignore[import-untyped]
from scipy.spatial import ConvexHull, QhullError  # type: ignore[import-untyped]

from .axes import Axis, measure_mask
from .contact import contact_zone, seed_side

#: Fine-grid steps per pixel side, so that the fine step is at most :data:`FINE_MM` (and a
#: quarter pixel at the least).
FINE_MM = 0.15
MIN_FINE_PER_PX = 4
OPEN_PX = 1.0  # the fine mask is opened by a disc of this radius (pixels)
#: A touching lesion split off from the mask is looked for this far (pixels) around its box.
ZONE_REACH_PX = 8


def _hull(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The convex hull of `mask`, filled (its cells whose centres lie inside it)."""
    pts = np.argwhere(mask).astype(float)
    if len(pts) < 3:
        return mask
    try:
        equations = ConvexHull(pts).equations
    except QhullError:  # collinear
        return mask
    # each row's inside is one interval of columns, from every face a r + b c + d <= 0
    r = np.arange(mask.shape[0], dtype=float)[:, None]
    a, b, d = equations[:, 0][None, :], equations[:, 1][None, :], equations[:, 2][None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = (-d - a * r) / b
    lo = np.where(b < 0, bound, -np.inf).max(axis=1)
    hi = np.where(b > 0, bound, np.inf).min(axis=1)
    ok: npt.NDArray[np.bool_] = np.all(np.where(b == 0, a * r + d <= 1e-9, True), axis=1)
    c = np.arange(mask.shape[1], dtype=float)[None, :]
    inside = ok[:, None] & (c >= lo[:, None] - 1e-9) & (c <= hi[:, None] + 1e-9)
    hull: npt.NDArray[np.bool_] = inside | mask
    return hull


def _opened(mask: npt.NDArray[np.bool_], radius: float,
            spacing: tuple[float, float]) -> npt.NDArray[np.bool_]:  # fmt: skip
    """`mask` opened by a disc of `radius` (in the units of `spacing`), by distance maps: the
    points deeper than `radius`, grown back by `radius`; a mask thinner than that is kept."""
    core = np.asarray(ndimage.distance_transform_edt(mask, sampling=spacing) > radius)
    if not core.any():
        return mask
    grown = np.asarray(ndimage.distance_transform_edt(~core, sampling=spacing) <= radius)
    return grown & mask


def _bilinear(box: npt.NDArray[np.float64], fr: npt.NDArray[np.float64],
              fc: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:  # fmt: skip
    """`box` interpolated (bilinear, its edge extended) at the grid of rows `fr` x columns `fc`:
    ``scipy.ndimage.map_coordinates(box, grid, order=1, mode="nearest")``, the same bits (its
    four terms in its order), at a third of its time on a grid."""
    i, j = np.floor(fr).astype(int), np.floor(fc).astype(int)
    t_r, t_c = (fr - i)[:, None], (fc - j)[None, :]
    top, bottom = np.clip(i, 0, box.shape[0] - 1), np.clip(i + 1, 0, box.shape[0] - 1)
    left, right = np.clip(j, 0, box.shape[1] - 1), np.clip(j + 1, 0, box.shape[1] - 1)
    upper, lower = box[top], box[bottom]
    out: npt.NDArray[np.float64] = (upper[:, left] * (1 - t_r) * (1 - t_c)
                                    + upper[:, right] * (1 - t_r) * t_c
                                    + lower[:, left] * t_r * (1 - t_c)
                                    + lower[:, right] * t_r * t_c)  # fmt: skip
    return out


def interpolated_axes(window: npt.NDArray[np.float32], mask: npt.NDArray[np.bool_],
                      excluded: npt.NDArray[np.bool_], lesion_hu: float, host_hu: float,
                      spacing_mm: Sequence[float],
                      offset: Sequence[float],
                      convex: bool = False) -> tuple[Axis, Axis] | None:  # fmt: skip
    """(long, short) axes of the half-contrast outline of the lesion whose pixel mask is
    `mask` on `window` (which starts at `offset` in the image); `excluded` pixels (another
    lesion, a rim) are never part of it. `convex`: the outline's convex hull is measured (a
    lymph node, whose fatty hilum notches its outline: a reader measures across it).
    ``None`` if the fine mask is empty."""
    rows, cols = np.nonzero(mask)
    if len(rows) == 0:
        return None
    r0, c0 = max(int(rows.min()) - 2, 0), max(int(cols.min()) - 2, 0)  # the mask's box
    r1 = min(int(rows.max()) + 3, mask.shape[0])
    c1 = min(int(cols.max()) + 3, mask.shape[1])
    near = ndimage.binary_dilation(mask[r0:r1, c0:c1], structure=np.ones((3, 3), bool))
    allowed = near & ~excluded[r0:r1, c0:c1]
    row_mm, col_mm = float(spacing_mm[0]), float(spacing_mm[1])
    f_r = max(MIN_FINE_PER_PX, int(np.ceil(row_mm / FINE_MM)))
    f_c = max(MIN_FINE_PER_PX, int(np.ceil(col_mm / FINE_MM)))
    # fine points at the centres of the fine cells, in the box's pixel coordinates
    fr = (np.arange((r1 - r0) * f_r) + 0.5) / f_r - 0.5
    fc = (np.arange((c1 - c0) * f_c) + 0.5) / f_c - 0.5
    box = window[r0:r1, c0:c1].astype(np.float64)
    values = _bilinear(box, fr, fc)
    half = abs(host_hu - lesion_hu) / 2

    def pixel(pixels: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """Each fine point's pixel's value: the f_r x f_c fine points of a pixel lie in it."""
        return np.repeat(np.repeat(pixels, f_r, axis=0), f_c, axis=1)

    fine = (np.abs(values - lesion_hu) <= half) & pixel(allowed)
    if OPEN_PX > 0:  # threads thinner than 2 * OPEN_PX pixels: an organ's rim, noise
        fine = _opened(fine, OPEN_PX, (1 / f_r, 1 / f_c))  # in pixels

    fine = _at_contact(fine, window, mask, excluded, near, (r0, r1, c0, c1), lesion_hu, host_hu,
                       (row_mm, col_mm), (f_r, f_c))  # fmt: skip
    # the part that overlaps the pixel mask most (noise may leave specks beside it)
    labels, n = ndimage.label(fine)
    if n == 0:
        return None
    if n > 1:
        counts = np.bincount(labels[pixel(mask[r0:r1, c0:c1])], minlength=n + 1)
        counts[0] = 0
        fine = labels == int(np.argmax(counts))
    if convex:
        fine = _hull(fine)
    axes = measure_mask(fine, (row_mm / f_r, col_mm / f_c))
    if axes is None:
        return None

    def to_image(p: tuple[float, float]) -> tuple[float, float]:
        # fine index i is at box pixel (i + 0.5) / f - 0.5
        return ((p[0] + 0.5) / f_r - 0.5 + r0 + offset[0],
                (p[1] + 0.5) / f_c - 0.5 + c0 + offset[1])  # fmt: skip

    long, short = axes
    return (Axis(to_image(long.start), to_image(long.end), long.length_mm),
            Axis(to_image(short.start), to_image(short.end), short.length_mm))  # fmt: skip


def _fine_grid(window: npt.NDArray[np.float32], box: tuple[int, int, int, int],
               per_px: tuple[int, int]
               ) -> tuple[npt.NDArray[np.float64], tuple[npt.NDArray[np.intp], ...]]:  # fmt: skip
    """`window`'s pixels in `box` (r0, r1, c0, c1) interpolated (bilinear) at the centres of
    cells `per_px` (rows, columns) to a pixel side, and each fine point's pixel in the box."""
    r0, r1, c0, c1 = box
    f_r, f_c = per_px
    fr = (np.arange((r1 - r0) * f_r) + 0.5) / f_r - 0.5  # the box's pixel coordinates
    fc = (np.arange((c1 - c0) * f_c) + 0.5) / f_c - 0.5
    grid_r, grid_c = np.meshgrid(fr, fc, indexing="ij")
    pixels = window[r0:r1, c0:c1].astype(np.float64)
    values = ndimage.map_coordinates(pixels, [grid_r, grid_c], order=1, mode="nearest")
    pixel = (np.clip(np.rint(grid_r).astype(np.intp), 0, r1 - r0 - 1),
             np.clip(np.rint(grid_c).astype(np.intp), 0, c1 - c0 - 1))
    return values, pixel


def _at_contact(fine: npt.NDArray[np.bool_], window: npt.NDArray[np.float32],
                mask: npt.NDArray[np.bool_], excluded: npt.NDArray[np.bool_],
                near: npt.NDArray[np.bool_], box: tuple[int, int, int, int],
                lesion_hu: float, host_hu: float, spacing: tuple[float, float],
                per_px: tuple[int, int]) -> npt.NDArray[np.bool_]:  # fmt: skip
    """`fine` (the fine grid of `box`) with its contact with a touching lesion split off from
    `mask` placed at a fraction of a pixel (:func:`.contact.seed_side`), not on the split's
    pixel edge, then opened again (:data:`OPEN_PX`); `near`: the box's pixels within one pixel
    of the mask. `fine`'s grid has per_px[0] x per_px[1] points in each pixel of the box."""
    r0, r1, c0, c1 = box
    q0, q1 = max(r0 - ZONE_REACH_PX, 0), min(r1 + ZONE_REACH_PX, mask.shape[0])
    p0, p1 = max(c0 - ZONE_REACH_PX, 0), min(c1 + ZONE_REACH_PX, mask.shape[1])
    zone = contact_zone(mask[q0:q1, p0:p1], excluded[q0:q1, p0:p1], spacing)
    if zone is None:
        return fine
    (z0, z1, y0, y1), lesions = zone
    z0, z1, y0, y1 = z0 + q0, z1 + q0, y0 + p0, y1 + p0  # in the window
    values, pixel = _fine_grid(window, (z0, z1, y0, y1), per_px)
    side = seed_side(values, pixel, mask[z0:z1, y0:y1], lesions[z0 - q0:z1 - q0, y0 - p0:y1 - p0],
                     excluded[z0:z1, y0:y1], lesion_hu, host_hu, spacing,
                     (spacing[0] / per_px[0], spacing[1] / per_px[1]))  # fmt: skip
    # the zone's fine points on `fine`'s grid (both step 1 / f from a pixel's edge)
    i0, j0 = (z0 - r0) * per_px[0], (y0 - c0) * per_px[1]
    a0, a1 = max(i0, 0), min(i0 + side.shape[0], fine.shape[0])
    b0, b1 = max(j0, 0), min(j0 + side.shape[1], fine.shape[1])
    if a0 >= a1 or b0 >= b1:
        return fine
    # (a0..b1 are whole pixels: the zone and the box both start on a pixel's edge)
    near_fine = np.repeat(np.repeat(near[a0 // per_px[0]:a1 // per_px[0],
                                         b0 // per_px[1]:b1 // per_px[1]], per_px[0], axis=0),
                          per_px[1], axis=1)  # fmt: skip
    half = abs(host_hu - lesion_hu) / 2
    lesionlike = np.abs(values[a0 - i0:a1 - i0, b0 - j0:b1 - j0] - lesion_hu) <= half
    out = fine.copy()
    out[a0:a1, b0:b1] = lesionlike & near_fine & side[a0 - i0:a1 - i0, b0 - j0:b1 - j0]
    if OPEN_PX > 0:  # again where it changed (the opening reaches 2 OPEN_PX either way)
        reach = [int(np.ceil(2 * OPEN_PX * f)) + 1 for f in per_px]
        w0, w1 = max(a0 - reach[0], 0), min(a1 + reach[0], out.shape[0])  # written
        v0, v1 = max(b0 - reach[1], 0), min(b1 + reach[1], out.shape[1])
        s0, s1 = max(w0 - reach[0], 0), min(w1 + reach[0], out.shape[0])  # seen
        t0, t1 = max(v0 - reach[1], 0), min(v1 + reach[1], out.shape[1])
        opened = _opened(out[s0:s1, t0:t1], OPEN_PX, (1 / per_px[0], 1 / per_px[1]))
        out[w0:w1, v0:v1] = opened[w0 - s0:w1 - s0, v0 - t0:v1 - t0]
    return out
