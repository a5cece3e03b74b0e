"""One-click measurement: segment the lesion under a seed on one slice, propose its RECIST axes.

:func:`propose_measurement` grows the lesion from the seed with SimpleITK region growing on a
window around it, then measures the mask (:mod:`.axes`): the longest in-plane diameter and
the longest diameter perpendicular to it (RECIST 1.1). Five methods are kept, compared
in ``benchmarks/assist.py`` (``benchmarks/assist_RESULTS.md``):

- ``"interpolated"`` (the default): ``"smoothed"``'s mask, then the half-contrast outline at a
  fraction of a pixel (:mod:`.outline`: the pixels, smoothed by only
  :data:`OUTLINE_SMOOTH_MM`, interpolated onto a grid of 0.15 mm or finer and cut at the
  half-contrast level, within one pixel of the mask and never into a split-off lesion or
  rim), and the axes of that outline; a node's of its convex hull (a fatty hilum notches
  the outline: a reader measures across it). The lesion's HU is the median of the inner
  half of its core, then of the region grown at that first half-contrast level (a small
  blurred lesion's core takes in the partial volume of its edge, which moved the level
  outwards, or past the seed). A click whose own neighbourhood finds no lesion (on a small
  lesion's edge, on a node's fatty hilum) tries the flattest pixels within :data:`SEED_MM`
  of it, for a lesion whose outline's hull contains the click. On a blurred slice a small
  lesion's outline follows the noise of its wide blurred edge: there a uniform ellipse
  blurred by the slice's own point-spread is fitted to all its pixels (:mod:`.blurred`,
  :data:`FIT_MAX_MM`) and, where it fits, gives the axes. A pixel mask is off by up
  to a pixel (17 % of a 12 mm lesion on 2 mm pixels); this outline, by a tenth to two
  fifths of one at the median (``benchmarks/assist_RESULTS.md``).
- ``"smoothed"``: ``"half_contrast"`` on the window smoothed by a Gaussian of
  :data:`SMOOTH_MM` (noise of 15-25 HU no longer lets the lesion's core leak into its host,
  and a blurred edge keeps its half-contrast level), the mask opened by one pixel (the
  partial-volume rim between an organ and fat has a lesion's HU and would carry the growth
  along the organ's edge), then split at a narrow neck from a touching lesion of the same HU
  (the seed's basin of the watershed of the mask's distance map, :mod:`.contact`). A region
  that runs to the window's edge is cut to the seed's part only when that part is a bulge
  from a thinner structure of its HU (a lesion against the body wall, where no fat parts
  the liver's capsule from it; never a piece of the wall itself). On the harder classes
  (low contrast, heavy noise, touching lesions) it fails none, and 5 % of the blurred
  small ones, where ``"half_contrast"`` fails 40-85 %; its axes are the pixel mask's.
- ``"subpixel"``: ``"smoothed"`` with each axis' ends moved to where the partial volume of
  the pixels along it puts the edge (:mod:`.edges`). On the generated classes (the outline's
  own axes, one 0.7 mm slice) it halves the median error; elsewhere its sum along one line
  of pixels is as noisy as they are, it follows a touching lesion's HU past the split, and
  its axes keep the pixel mask's orientation (swapped on a round 5-pixel lesion).
- ``"half_contrast"``: a ConfidenceConnected core gives the lesion's HU, a ring around it the
  host's; the lesion is then every pixel connected to the seed on the lesion's side of the
  half-contrast level (the edge a reader sees, where partial volume is half lesion), within
  the lesion's HU +- half the contrast so that it never runs into a third tissue on the far
  side.
- ``"confidence"``: SimpleITK's ConfidenceConnected alone (mean +- 2.5 standard deviations of
  the region, re-estimated twice), which stops before the partial-volume pixels.

No lesion at the seed (``None``): a contrast with the surroundings under
:data:`MIN_CONTRAST_HU`, fewer than :data:`MIN_PIXELS` pixels, or a region that reaches the
edge of the window of +- ``max_diameter_mm`` around the seed or is longer than
``max_diameter_mm`` (normal liver, fat, lung, air: organs, not lesions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import SimpleITK
from scipy import ndimage  # type: ignore[import-untyped]
from scipy.spatial import ConvexHull, QhullError  # type: ignore[import-untyped]

from .axes import Axis, measure_mask
from .blurred import fit_blurred_ellipse, image_blur_mm
from .contact import bulge, confined, dilate, seed_part, touches_edge
from .edges import refine_axis
from .masks import filled
from .outline import interpolated_axes
from .smoothing import discrete_gaussian

sitk: Any = SimpleITK  # its wrapped filters carry no annotations

Method = Literal["interpolated", "smoothed", "subpixel", "half_contrast", "confidence"]
METHODS: tuple[Method, ...] = ("interpolated", "smoothed", "subpixel", "half_contrast",
                               "confidence")  # fmt: skip
REFINED: tuple[Method, ...] = ("interpolated", "smoothed", "subpixel")  # smoothed, then split
MAX_DIAMETER_MM = 100.0  # larger regions are organs (or lesions to measure by hand)
MIN_CONTRAST_HU = 10.0  # lesion against its surroundings
MIN_PIXELS = 5
CONFIDENCE_MULTIPLIER = 2.5
CONFIDENCE_ITERATIONS = 2
#: The seed's neighbourhood that starts ConfidenceConnected: about 2 mm either side, so that
#: its first HU spread is the image's noise, not the few pixels of one fine-matrix grain.
SEED_MM = 2.0
#: "smoothed": the Gaussian's sigma (mm) before growing; it divides the noise of 0.7 mm pixels
#: by about 3.5 and leaves a straight edge's half-contrast level where it was.
SMOOTH_MM = 0.7
#: "interpolated": the Gaussian's sigma (mm) of the pixels its outline is cut from; less than
#: :data:`SMOOTH_MM`, which rounds a lobe's tip and a neck (benchmarks/assist_RESULTS.md).
OUTLINE_SMOOTH_MM = 0.6
#: "interpolated": when neither neighbourhood of the seed finds a lesion, this many of the
#: flattest pixels within SEED_MM of it are tried (a lesion found must contain the click).
RESEEDS = 3
RING_MM = (2.0, 6.0)  # the host's ring: between these dilations of the core (mm)
#: "interpolated": a lesion whose outline's short axis is at most FIT_MAX_MM, on a slice
#: blurred by at least BLUR_PX pixels (:func:`.blurred.image_blur_mm`, from its strong edges),
#: is fitted with a blurred ellipse (:mod:`.blurred`), whose axes replace the outline's when
#: it explains the lesion's edge as well as the noise allows (residuals there at most MISFIT
#: times the host's) and agrees with the outline within AGREE (a share of each axis).
FIT_MAX_MM = 16.0
BLUR_PX = 1.0
MISFIT = 1.2
AGREE = 0.2


@dataclass(frozen=True)
class ProposedMeasurement:
    """The proposed long and (perpendicular) short axis of the lesion under the seed."""

    long: Axis
    short: Axis
    nodal: bool
    lesion_hu: float
    host_hu: float
    method: Method

    @property
    def diameter_mm(self) -> float:
        """The RECIST diameter: the short axis of a lymph node, the long axis otherwise."""
        return self.short.length_mm if self.nodal else self.long.length_mm


def propose_measurement(
    pixels: npt.ArrayLike,
    pixel_spacing_mm: Sequence[float],
    seed: Sequence[float],
    nodal: bool = False,
    *,
    method: Method = "interpolated",
    max_diameter_mm: float = MAX_DIAMETER_MM,
) -> ProposedMeasurement | None:
    """Segment the lesion containing `seed` (row, column) on `pixels` (2-D, HU) and propose
    its axes, end points in (row, column) image coordinates; ``None`` if there is no lesion.

    `nodal` says which axis is the RECIST diameter (:attr:`ProposedMeasurement.diameter_mm`:
    a node's short axis) and, with ``"interpolated"``, measures the outline's convex hull
    (across a fatty hilum); it changes no pixel of the region grown. `max_diameter_mm` bounds
    what counts as a lesion (and the window searched, hence the time per click)."""
    hu = np.asarray(pixels)
    if hu.ndim != 2:
        raise ValueError(f"pixels must be one 2-D slice, got shape {hu.shape}")
    row_mm, col_mm = (float(s) for s in pixel_spacing_mm)
    if not (row_mm > 0 and col_mm > 0):
        raise ValueError(f"pixel spacing must be positive, got {pixel_spacing_mm}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    r, c = round(float(seed[0])), round(float(seed[1]))
    if not (0 <= r < hu.shape[0] and 0 <= c < hu.shape[1]):
        return None
    # The window: any lesion up to max_diameter_mm that contains the seed fits inside it.
    hr, hc = int(np.ceil(max_diameter_mm / row_mm)) + 1, int(np.ceil(max_diameter_mm / col_mm)) + 1
    r0, c0 = max(r - hr, 0), max(c - hc, 0)
    window = raw = np.ascontiguousarray(hu[r0:r + hr + 1, c0:c + hc + 1], dtype=np.float32)
    if method in REFINED:
        window = discrete_gaussian(raw, SMOOTH_MM**2, (row_mm, col_mm))
    image = sitk.GetImageFromArray(window)
    seed_xy = [(c - c0, r - r0)]  # SimpleITK indexes (x, y) = (column, row)
    radius = max(1, round(SEED_MM / max(row_mm, col_mm)))
    # "smoothed": a small lesion, its seed near the edge: the 2 mm neighbourhood straddles the
    # edge and its HU spread lets the core leak (to the window's edge, or into the host, which
    # leaves no contrast); the seed's own 3 x 3 pixels do not.
    radii = (radius, 1) if method in REFINED and radius > 1 else (radius,)
    tries = [(seed_xy, r_seed) for r_seed in radii]
    if method == "interpolated":  # then from the flattest pixels near a click on an edge
        tries += [([xy], 1) for xy in _flattest_near(window, seed_xy[0], radius)]
    for start, r_seed in tries:
        region = _region(image, window, start, r_seed, (row_mm, col_mm), method)
        if (region is not None and _spans(region[0], (row_mm, col_mm)) <= max_diameter_mm
                and (start == seed_xy or _within_hull(region[0], seed_xy[0]))):  # fmt: skip
            break  # (a longer region: a core that leaked into a whole organ; the next try)
    else:
        return None
    mask, excluded, lesion_hu, host_hu = region
    axes = measure_mask(mask, (row_mm, col_mm), offset=(r0, c0))
    if axes is None or axes[0].length_mm > max_diameter_mm:
        return None
    long, short = axes
    if method == "interpolated":
        outline_pixels = _smoothed_near(raw, mask, OUTLINE_SMOOTH_MM, (row_mm, col_mm))
        fine = interpolated_axes(outline_pixels, mask, excluded, lesion_hu, host_hu,
                                 (row_mm, col_mm), (r0, c0), convex=nodal)  # fmt: skip
        if fine is None:
            return None
        long, short = fine
        if not nodal and short.length_mm <= FIT_MAX_MM:
            long, short = _blur_fitted(raw, mask, long, short, lesion_hu, host_hu,
                                       (row_mm, col_mm), (r0, c0))  # fmt: skip
    if method == "subpixel":  # ends where the partial volume puts them (sub-pixel)
        long = refine_axis(long, window, lesion_hu, host_hu, (row_mm, col_mm), (r0, c0))
        short = refine_axis(short, window, lesion_hu, host_hu, (row_mm, col_mm), (r0, c0))
    return ProposedMeasurement(long, short, nodal, lesion_hu, host_hu, method)


def _blur_fitted(raw: npt.NDArray[np.float32], mask: npt.NDArray[np.bool_], long: Axis,
                 short: Axis, lesion_hu: float, host_hu: float, spacing: tuple[float, float],
                 offset: tuple[int, int]) -> tuple[Axis, Axis]:  # fmt: skip
    """The blurred ellipse's axes when the slice is blurred by at least :data:`BLUR_PX`
    pixels and the ellipse fits (:data:`MISFIT`, :data:`AGREE`); else `long` and `short`."""
    sigma = image_blur_mm(raw, spacing)
    if sigma is None or sigma < BLUR_PX * max(spacing):
        return long, short
    fit = fit_blurred_ellipse(raw, mask, long, short, lesion_hu, host_hu, spacing, offset,
                              sigma)  # fmt: skip
    if (fit is None or fit.misfit > MISFIT
            or abs(fit.long_mm / long.length_mm - 1) > AGREE
            or abs(fit.short_mm / short.length_mm - 1) > AGREE):  # fmt: skip
        return long, short
    return fit.axes(spacing)


def _region(image: SimpleITK.Image, window: npt.NDArray[np.float32],
            seed_xy: list[tuple[int, int]], radius: int, spacing: tuple[float, float],
            method: Method) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], float,
                                     float] | None:  # fmt: skip
    """(mask, excluded, lesion HU, host HU) of the lesion grown from the seed whose core
    starts from a neighbourhood of `radius` pixels; ``None`` if that core gives no lesion
    (no core, too little contrast, a region too small or reaching the window's edge: a core
    that leaked into the whole organ around a small lesion, whose smaller neighbourhood may
    still find it)."""
    split = method in REFINED
    core = _confidence(image, seed_xy, radius, spacing if split else None)
    if core is None:
        return None
    lesion_hu, host_hu = _contrast(window, core, spacing, inner=method == "interpolated")
    if abs(host_hu - lesion_hu) < MIN_CONTRAST_HU:
        return None
    excluded = np.zeros(window.shape, dtype=bool)
    unconfined = None  # a region that leaked and that confined() leaves as it is
    if method == "confidence":
        mask = core
    else:
        mask = _grown(image, seed_xy, lesion_hu, host_hu)
        if split and touches_edge(mask):  # the HU from the seed's part
            leaked = mask
            mask = confined(leaked, core, seed_xy[0], spacing)
            unconfined = mask if mask is leaked else None
        if method == "interpolated" and mask.sum() >= MIN_PIXELS and not touches_edge(mask):
            # the HU again from the grown region, not from the core: a core that leaked
            # into the blurred edge of a small lesion put the lesion's HU part way to the
            # host's (a 6 mm wide one: 15 HU, its short axis 15 % long)
            lesion_hu, host_hu = _contrast(window, mask, spacing, inner=True)
            if abs(host_hu - lesion_hu) < MIN_CONTRAST_HU:
                return None
            mask = _grown(image, seed_xy, lesion_hu, host_hu)
        if split:
            grown_mask = mask
            mask = seed_part(mask, seed_xy[0], spacing)
            if touches_edge(mask):  # (confined() again, unless it left this region as it is)
                mask = (grown_mask if grown_mask is unconfined
                        else confined(grown_mask, core, seed_xy[0], spacing))  # fmt: skip
                if touches_edge(mask):
                    mask = grown_mask
            excluded = grown_mask & ~mask
    if mask.sum() < MIN_PIXELS or touches_edge(mask):
        return None
    return mask, excluded, lesion_hu, host_hu


def _grown(image: SimpleITK.Image, seed_xy: list[tuple[int, int]], lesion_hu: float,
           host_hu: float) -> npt.NDArray[np.bool_]:  # fmt: skip
    """Every pixel connected to the seed on the lesion's side of the half-contrast level
    (within the lesion's HU +- half the contrast), holes filled."""
    half = abs(host_hu - lesion_hu) / 2
    grown = sitk.ConnectedThreshold(image, seedList=seed_xy, lower=lesion_hu - half,
                                    upper=lesion_hu + half)  # fmt: skip
    return filled(sitk.GetArrayViewFromImage(grown) > 0)


def _confidence(
    image: SimpleITK.Image, seed_xy: list[tuple[int, int]], radius: int,
    split: tuple[float, float] | None = None,
) -> npt.NDArray[np.bool_] | None:
    """The lesion's core: ConfidenceConnected from the seed, holes filled (a necrotic centre,
    a node's fatty hilum); ``None`` if it leaks to the window's edge. `split` (the spacing):
    a core that leaks there is first cut to the seed's part (:func:`.contact.bulge`: a lesion
    touching the body wall or another structure of its HU along a neck)."""
    grown = sitk.ConfidenceConnected(image, seedList=seed_xy,
                                     numberOfIterations=CONFIDENCE_ITERATIONS,
                                     multiplier=CONFIDENCE_MULTIPLIER,
                                     initialNeighborhoodRadius=radius, replaceValue=1)  # fmt: skip
    mask = filled(sitk.GetArrayViewFromImage(grown) > 0)
    if split is not None and touches_edge(mask):
        mask = bulge(mask, seed_xy[0], split)
    if mask.sum() < MIN_PIXELS or touches_edge(mask):
        return None
    return mask


def _contrast(window: npt.NDArray[np.float32], core: npt.NDArray[np.bool_],
              spacing: tuple[float, float],
              inner: bool = False) -> tuple[float, float]:  # fmt: skip
    """(lesion, host) HU: medians of the core and of a ring around it, beyond the partial
    volume of its edge (:data:`RING_MM`). `inner`: the lesion's median over the core's inner
    half only (its pixels at least half the deepest one's distance from its edge): a small
    blurred lesion's core reaches into its edge's partial volume, whose HU would move the
    half-contrast level outwards (or past the lesion's own centre)."""
    rows, cols = np.nonzero(core)  # the ring lies within RING_MM[1] of the core's box
    margin = [int(np.ceil(RING_MM[1] / s)) + 1 for s in spacing]
    r0, c0 = max(int(rows.min()) - margin[0], 0), max(int(cols.min()) - margin[1], 0)
    r1, c1 = int(rows.max()) + margin[0] + 1, int(cols.max()) + margin[1] + 1
    core, window = core[r0:r1, c0:c1], window[r0:r1, c0:c1]
    near = sitk.GetArrayFromImage(dilate(core, RING_MM[0], spacing)).astype(bool)
    outer = sitk.GetArrayFromImage(dilate(core, RING_MM[1], spacing)).astype(bool)
    ring = outer & ~near
    lesion = core
    if inner:
        depth = ndimage.distance_transform_edt(core, sampling=spacing)
        lesion = depth >= depth.max() / 2
    return float(np.median(window[lesion])), float(np.median(window[ring]))


def _flattest_near(window: npt.NDArray[np.float32], seed_xy: tuple[int, int],
                   radius: int) -> list[tuple[int, int]]:  # fmt: skip
    """Up to :data:`RESEEDS` pixels (x, y) within `radius` of the seed where the (smoothed)
    window is flattest, flattest first, at least `radius` apart: where a click on a lesion's
    edge or in a node's fatty hilum (whose HU spread lets the core leak into the fat around)
    finds the lesion's inside."""
    x, y = seed_xy
    y0, x0 = max(y - radius, 1), max(x - radius, 1)
    patch = window[y0 - 1:y + radius + 2, x0 - 1:x + radius + 2].astype(np.float64)
    if min(patch.shape) < 3:  # a window a few pixels across: no neighbourhood to search
        return []
    d_row, d_col = np.gradient(patch)
    steep = np.hypot(d_row, d_col)[1:-1, 1:-1]
    rows, cols = np.mgrid[y0:y0 + steep.shape[0], x0:x0 + steep.shape[1]]
    near = (rows - y) ** 2 + (cols - x) ** 2 <= radius**2
    picked: list[tuple[int, int]] = []
    for k in np.argsort(np.where(near, steep, np.inf), axis=None):
        if len(picked) == RESEEDS or not near.flat[k]:
            break
        xy = int(cols.flat[k]), int(rows.flat[k])
        if all(max(abs(xy[0] - p[0]), abs(xy[1] - p[1])) >= radius for p in picked):
            picked.append(xy)
    return picked


def _within_hull(mask: npt.NDArray[np.bool_], xy: tuple[int, int]) -> bool:
    """Whether pixel `xy` (x, y) lies in the convex hull of `mask`'s pixels."""
    if mask[xy[1], xy[0]]:
        return True
    points = np.argwhere(mask)[:, ::-1].astype(float)
    try:
        equations = ConvexHull(points).equations
    except QhullError:
        return False
    return bool(np.all(equations[:, :2] @ np.asarray(xy, float) + equations[:, 2] <= 1e-9))


def _smoothed_near(pixels: npt.NDArray[np.float32], mask: npt.NDArray[np.bool_], sigma_mm: float,
                   spacing: tuple[float, float]) -> npt.NDArray[np.float32]:  # fmt: skip
    """`pixels` smoothed by a Gaussian of `sigma_mm` around `mask` (its box, with a margin
    beyond the outline's search and the kernel's reach); elsewhere as they were."""
    rows, cols = np.nonzero(mask)
    margin = [3 + int(np.ceil(4 * sigma_mm / s)) for s in spacing]
    r0, c0 = max(int(rows.min()) - margin[0], 0), max(int(cols.min()) - margin[1], 0)
    r1, c1 = int(rows.max()) + margin[0] + 1, int(cols.max()) + margin[1] + 1
    out = pixels.copy()
    out[r0:r1, c0:c1] = discrete_gaussian(pixels[r0:r1, c0:c1], sigma_mm**2, spacing)
    return out


def _spans(mask: npt.NDArray[np.bool_], spacing: tuple[float, float]) -> float:
    """The longer side (mm) of `mask`'s bounding box: at most the longest diameter."""
    rows, cols = np.nonzero(mask)
    return max((int(rows.max()) - int(rows.min()) + 1) * spacing[0],
               (int(cols.max()) - int(cols.min()) + 1) * spacing[1])  # fmt: skip
