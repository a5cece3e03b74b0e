"""RECIST axes of a lesion's mask on one slice: the longest diameter, then the longest
diameter perpendicular to it (RECIST 1.1), in millimetres from the pixel spacing.

A pixel of the mask is a rectangle of row_mm x col_mm, so a diameter runs from the outer edge
of its first pixel to the outer edge of its last (as a reader puts the caliper on the edge of
the half-contrast mask): the distance between the two pixel centres plus one pixel's extent
along the diameter's direction (``|u_row| * row_mm + |u_col| * col_mm``).

The short axis is measured in strips one pixel wide across the long axis. Near the widest,
the strips' widths differ by the noise at the edge (the chords of a 36 x 20 mm ellipse within
3.5 mm of its centre are within half a 0.8 mm pixel of its minor axis) and, across an
axis-aligned mask, by whole pixels, so of the strips within one pixel of the widest the one
nearest the long axis' middle is proposed: where a reader crosses it, and less biased upward
than the maximum of noisy widths (the sample lesions' median error of the short axis went from
1.0 to 0.7 mm on 2 mm pixels with half a pixel; one pixel: ``benchmarks/assist_RESULTS.md``).

The long axis is the farthest pair of the mask's pixels, except that of the pairs within half
a pixel of the farthest the one nearest the mask's principal axis is taken: the blunt end of
a smooth mask offers pairs degrees apart in direction for a fraction of a pixel in length.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage  # type: ignore[import-untyped]
from scipy.spatial import ConvexHull, QhullError  # type: ignore[import-untyped]

RowCol = tuple[float, float]
#: Pairs of edge pixels this many pixels shorter than the farthest may give the long axis
#: (the one nearest the mask's principal axis), chords this much narrower than the widest
#: the short axis (the one nearest the long axis' middle): benchmarks/assist.py compared
#: 0.5 and 1 for each.
LONG_TOLERANCE_PX = 0.5
SHORT_TOLERANCE_PX = 1.0


@dataclass(frozen=True)
class Axis:
    """One diameter: end points in (row, column) image coordinates and its length in mm."""

    start: RowCol
    end: RowCol
    length_mm: float


def measure_mask(
    mask: npt.NDArray[np.bool_], spacing_mm: Sequence[float], offset: RowCol = (0, 0)
) -> tuple[Axis, Axis] | None:
    """(long, short) axes of `mask` (end points shifted by `offset`); ``None`` if empty."""
    rows, cols = np.nonzero(mask)
    if len(rows) == 0:
        return None
    scale = np.array([float(spacing_mm[0]), float(spacing_mm[1])])
    pts = np.column_stack([rows, cols]).astype(float) * scale  # mm, (y, x)
    # the convex hull's vertices are edge pixels: only they are searched for the farthest pair
    edge = np.flatnonzero((mask & ~ndimage.binary_erosion(mask))[rows, cols])
    i, j = _farthest_pair(pts, tolerance=LONG_TOLERANCE_PX * float(scale.min()), edge=edge)
    d = pts[j] - pts[i]
    if not d.any():  # one pixel (or a pixel row of one): along the rows by convention
        d = np.array([1.0, 0.0])
    u = d / np.hypot(*d)
    v = np.array([-u[1], u[0]])
    ext_u, ext_v = float(np.abs(u) @ scale), float(np.abs(v) @ scale)
    a, b = pts[i] - u * ext_u / 2, pts[j] + u * ext_u / 2
    long_mm = float(np.hypot(*(b - a)))
    # The short axis: the widest chord across the long one, in strips one pixel wide along it.
    s, t = pts @ u, pts @ v
    strip = np.floor((s - s.min()) / ext_u + 0.5).astype(int)
    order = np.argsort(strip, kind="stable")
    strips, starts = np.unique(strip[order], return_index=True)
    t_sorted = t[order]
    t_min = np.minimum.reduceat(t_sorted, starts)
    t_max = np.maximum.reduceat(t_sorted, starts)
    # Chords near the widest differ by noise at the edge: of those within half a pixel of
    # it, the one nearest the long axis' middle (where a reader crosses it).
    widths = t_max - t_min
    centres = s.min() + strips * ext_u
    near = np.flatnonzero(widths >= widths.max() - SHORT_TOLERANCE_PX * ext_v)
    k = int(near[np.argmin(np.abs(centres[near] - (pts[i] @ u + pts[j] @ u) / 2))])
    s_mid = centres[k]
    lo, hi = float(t_min[k]) - ext_v / 2, float(t_max[k]) + ext_v / 2
    c, d_ = s_mid * u + lo * v, s_mid * u + hi * v

    def to_px(p: npt.NDArray[np.float64]) -> RowCol:
        return (float(p[0] / scale[0] + offset[0]), float(p[1] / scale[1] + offset[1]))

    long = Axis(to_px(a), to_px(b), long_mm)
    short = Axis(to_px(c), to_px(d_), hi - lo)
    return long, short


def _farthest_pair(pts: npt.NDArray[np.float64], tolerance: float = 0.0,
                   edge: npt.NDArray[np.intp] | None = None) -> tuple[int, int]:  # fmt: skip
    """Indices of the two points farthest apart (over the convex hull's vertices); of the pairs
    within `tolerance` (mm) of the farthest, the one nearest the mask's principal axis.

    A blunt end of a few pixels in one column offers pairs a fraction of a pixel apart in
    length and degrees apart in direction; the principal axis (second moments of every pixel)
    does not depend on which edge pixel the noise kept, so the proposal's long axis does not
    swing with it (nor, after it, the short axis' position). `edge`: indices of the points
    that may be hull vertices (a mask's edge pixels), all if ``None``."""
    candidates = np.arange(len(pts)) if edge is None or len(edge) == 0 else edge
    if len(candidates) >= 3:
        with contextlib.suppress(QhullError):  # collinear: every point stays a candidate
            candidates = candidates[ConvexHull(pts[candidates]).vertices]
    hull = pts[candidates]
    dist = np.sqrt(((hull[:, None, :] - hull[None, :, :]) ** 2).sum(axis=-1))
    a, b = np.unravel_index(int(np.argmax(dist)), dist.shape)
    if tolerance > 0 and len(pts) >= 3:
        near_a, near_b = np.nonzero(np.triu(dist >= dist[a, b] - tolerance, 1))
        if len(near_a) > 1:
            w, v = np.linalg.eigh(np.cov(pts.T))
            principal = v[:, int(np.argmax(w))]
            d = hull[near_b] - hull[near_a]
            cos = np.abs(d @ principal) / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-12)
            k = int(np.argmax(cos + 1e-6 * dist[near_a, near_b]))
            a, b = near_a[k], near_b[k]
    return int(candidates[a]), int(candidates[b])
