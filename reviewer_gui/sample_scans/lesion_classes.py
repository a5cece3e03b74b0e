"""Synthetic lesions of known diameters in classes harder than the sample scans' ellipses
(issue 17, item 3), for ``benchmarks/assist.py`` and the tests of the one-click measurement.

Each case is one axial CT slice of 512 x 512 at 0.7 mm (the sample scans' phantom at the
liver's widest, :func:`.generator.anatomy`) with a lesion whose outline is a star-shaped curve
``r(phi)`` about its centre: an ellipse rotated by any angle, times lobes or irregular
harmonics for those classes. Pixels are the area fractions of 3 x 3 sub-samples (partial
volume), then a point-spread blur for the partial-volume class, then Gaussian noise.

The truth is the outline's own RECIST axes, not the image's: the ellipse's axes for ellipses
and nodes (a node's short axis across its fatty hilum, as a reader measures the node), else
the axes of the outline rasterised at 0.05 mm (:func:`reviewer_gui.viewer.axes.measure_mask`,
within 0.05 mm of the continuous outline's).

:func:`visible_axes` gives the sample scans' lesions (:mod:`.generator`) the same kind of
truth: the axes of the outline their slice shows, not of the ellipsoid's central
cross-section that ``truth.csv`` lists. A slice of 5 mm through an ellipsoid averages it over
its thickness (the generator: three through-plane sub-samples), so the half-contrast edge, the
one a reader calipers, lies where half of the slice's thickness is lesion: inside the central
cross-section, by 5-7 % on a 12 x 10 mm lesion (11.35 x 9.45 mm) and 0.5 % on a 40 x 30 mm
one (39.78 x 29.87 mm). The generator's in-plane sub-samples (3 x 3 per 2 mm pixel) render
that outline to within a third of a millimetre at each end: its image is the same wherever
the outline lies between two sub-samples. :func:`rendered_axes` is therefore the truth the
benchmark holds the sample scans to: the visible outline's axes where the generator samples
them (each end half way between the last sub-sample inside and the first outside).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage  # type: ignore[import-untyped]

from reviewer_gui.viewer.axes import measure_mask

from . import generator as gen

SIZE = 512
PIXEL_MM = 0.7
SUB = 3  # sub-samples per pixel side (partial volume)
TRUTH_MM = 0.05
#: The sample scans' generator samples each slice at these offsets through its thickness.
THROUGH_PLANE_MM = (-gen.SLICE_MM / 3, 0.0, gen.SLICE_MM / 3)
#: ... and in-plane every third of a pixel (3 x 3 sub-samples per pixel, centred on it).
SUB_MM = gen.PIXEL_MM / 3
LIVER = ((-55.0, -5.0), (68.0, 70.0))  # centre (x, y) and semi-axes in mm at z = -100
LIVER_HU, VFAT_HU = float(gen.HU["liver"]), float(gen.HU["vfat"])
CLASSES = ("ellipse", "lobulated", "irregular", "low_contrast", "organ_edge",
           "touching_lesion", "noisy", "partial_volume", "node_hilum")  # fmt: skip

Radius = Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]]  # phi -> r (mm)


@dataclass(frozen=True)
class Outline:
    """A star-shaped outline: centre (x, y) mm, radius function of the angle, rotation."""

    cx: float
    cy: float
    radius: Radius
    max_radius: float
    within: tuple[float, float, float, float] | None = None  # an organ's ellipse that cuts it

    def inside(self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64],
               scale: float = 1.0) -> npt.NDArray[np.bool_]:  # fmt: skip
        dx, dy = x - self.cx, y - self.cy
        rho = np.hypot(dx, dy)
        inside: npt.NDArray[np.bool_] = rho <= scale * self.radius(np.arctan2(dy, dx))
        if self.within is not None:
            ox, oy, ax, ay = self.within
            inside &= ((x - ox) / ax) ** 2 + ((y - oy) / ay) ** 2 <= 1
        return inside


@dataclass(frozen=True)
class LesionCase:
    """One slice, the click and the truth; (row, column) image coordinates."""

    name: str
    lesion_class: str
    pixels: npt.NDArray[np.float32]
    spacing_mm: tuple[float, float]
    seed: tuple[int, int]  # the lesion's centre pixel
    long_mm: float
    short_mm: float
    nodal: bool
    outline: Outline

    def inner_half_seeds(self, n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
        """Up to `n` distinct pixels in the lesion's inner half (the outline scaled by 1/2)."""
        seeds: set[tuple[int, int]] = set()
        for _ in range(50 * n):
            if len(seeds) >= n:
                break
            x, y = (rng.uniform(-1, 1, 2) * self.outline.max_radius / 2
                    + (self.outline.cx, self.outline.cy))  # fmt: skip
            if self.outline.inside(np.array([x]), np.array([y]), 0.5)[0]:
                seeds.add(_to_pixel(x, y))
        return sorted(seeds)


def ellipse(a: float, b: float, angle: float) -> Radius:
    """Semi-axes a >= b (mm), the long axis at `angle` (radians) from +x."""
    def r(phi: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        p = phi - angle
        return np.asarray(a * b / np.hypot(b * np.cos(p), a * np.sin(p)))
    return r


def harmonics(base: Radius, terms: list[tuple[int, float, float]]) -> Radius:
    """`base` times ``1 + sum(amplitude * cos(k phi + phase))`` (lobes, irregularity)."""
    def r(phi: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        f = 1 + sum(amp * np.cos(k * phi + ph) for k, amp, ph in terms)
        return np.asarray(base(phi) * f)
    return r


def make(lesion_class: str, seed: int) -> LesionCase:
    """Instance `seed` of `lesion_class` (sizes, angles, contrast, noise drawn from it)."""
    if lesion_class not in CLASSES:
        raise ValueError(f"unknown lesion class {lesion_class!r}; expected one of {CLASSES}")
    rng = np.random.default_rng([CLASSES.index(lesion_class), seed])
    long_mm = float(rng.uniform(12, 45) if lesion_class != "partial_volume"
                    else rng.uniform(8, 16))  # fmt: skip
    a, b = long_mm / 2, long_mm / 2 * float(rng.uniform(0.55, 0.95))
    angle = float(rng.uniform(0, np.pi))
    contrast = float(rng.uniform(-60, -45))  # hypodense metastasis in the liver
    noise, blur_mm, nodal, exact = 10.0, 0.0, False, True
    radius = ellipse(a, b, angle)
    extent = a
    if lesion_class == "lobulated":
        terms = [(int(rng.integers(3, 6)), float(rng.uniform(0.08, 0.15)),
                  float(rng.uniform(0, 2 * np.pi)))]  # fmt: skip
        radius, extent, exact = harmonics(radius, terms), a * 1.15, False
    elif lesion_class == "irregular":
        terms = [(k, float(rng.uniform(0.0, 0.1)) / np.sqrt(k - 1),
                  float(rng.uniform(0, 2 * np.pi))) for k in range(2, 9)]  # fmt: skip
        radius, extent, exact = harmonics(radius, terms), a * 1.4, False
    elif lesion_class == "low_contrast":
        contrast = float(rng.uniform(-40, -20))
    elif lesion_class == "noisy":
        noise = float(rng.uniform(15, 25))
    elif lesion_class == "partial_volume":
        blur_mm = float(rng.uniform(0.8, 1.2))  # a soft kernel's point-spread (sigma)
    centre = _place(lesion_class, rng, extent)
    les = Outline(centre[0], centre[1], radius, extent)
    if lesion_class == "organ_edge":  # the capsule cuts whatever pokes out of the liver
        (lx, ly), (ax, ay) = LIVER
        les, exact = Outline(centre[0], centre[1], radius, extent, (lx, ly, ax, ay)), False
    others: list[tuple[Outline, float]] = []
    host = LIVER_HU
    if lesion_class == "touching_lesion":  # another lesion of the same HU, tangent to it
        direction = angle + np.pi / 2 * float(rng.choice([-1, 1])) * float(rng.uniform(0.6, 1))
        r_other = float(rng.uniform(5, 10))
        d = float(radius(np.array([direction]))[0]) + r_other
        other = Outline(centre[0] + d * np.cos(direction), centre[1] + d * np.sin(direction),
                        ellipse(r_other, r_other, 0.0), r_other)  # fmt: skip
        others.append((other, LIVER_HU + contrast))
    if lesion_class == "node_hilum":
        nodal, host, contrast = True, VFAT_HU, float(rng.uniform(110, 140))  # node ~30 HU
        a, b = long_mm / 2 * 0.7, long_mm / 2 * 0.7 * float(rng.uniform(0.55, 0.85))
        radius, les = ellipse(a, b, angle), Outline(centre[0], centre[1], ellipse(a, b, angle), a)
        depth, half = float(rng.uniform(0.4, 0.6)) * b, float(rng.uniform(0.3, 0.5))
        side = angle + np.pi / 2
        tip = (centre[0] + (b - depth) * np.cos(side), centre[1] + (b - depth) * np.sin(side))
        hilum = _wedge(tip, side, half, 2 * b)
        others.append((hilum, VFAT_HU))  # fat drawn over the node, from its edge inwards
    pixels = _render(les, host + contrast, others, blur_mm, noise, rng)
    if exact:
        long_t, short_t = 2 * a, 2 * b
    else:
        long_t, short_t = _outline_axes(les)
    return LesionCase(f"{lesion_class}-{seed}", lesion_class, pixels, (PIXEL_MM, PIXEL_MM),
                      _to_pixel(*centre), long_t, short_t, nodal, les)  # fmt: skip


def _place(lesion_class: str, rng: np.random.Generator, extent: float) -> tuple[float, float]:
    """The lesion's centre: in the liver (on its edge for "organ_edge", the lesion inside
    and tangent to the capsule); a node in the visceral fat between liver and spine."""
    (lx, ly), (ax, ay) = LIVER
    if lesion_class == "node_hilum":
        return float(rng.uniform(20, 45)), float(rng.uniform(-60, -45))
    theta = float(rng.uniform(-np.pi, np.pi))
    if lesion_class == "organ_edge":
        # a point on the capsule, moved inwards by the lesion's extent along the normal
        ex, ey = lx + ax * np.cos(theta), ly + ay * np.sin(theta)
        n = np.array([np.cos(theta) / ax, np.sin(theta) / ay])
        n /= np.hypot(*n)
        return float(ex - n[0] * extent), float(ey - n[1] * extent)
    r = float(rng.uniform(0, 1)) * (min(ax, ay) - extent - 25)
    return float(lx + r * np.cos(theta)), float(ly + r * np.sin(theta))


def _wedge(tip: tuple[float, float], direction: float, half_angle: float,
           length: float) -> Outline:  # fmt: skip
    """A wedge from `tip` opening along `direction` (the fat of a node's hilum)."""
    def r(phi: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        off = np.angle(np.exp(1j * (phi - direction)))
        return np.where(np.abs(off) <= half_angle, length, 0.0)
    return Outline(tip[0], tip[1], r, length)


def _grid() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """x (columns) and y (rows) of the sub-samples, mm, image centred on (0, 0)."""
    sub = (np.arange(SUB) - (SUB - 1) / 2) * PIXEL_MM / SUB
    c = (np.arange(SIZE) - (SIZE - 1) / 2) * PIXEL_MM
    fine = (c[:, None] + sub[None, :]).ravel()
    return fine, fine


def _to_pixel(x: float, y: float) -> tuple[int, int]:
    return (round(y / PIXEL_MM + (SIZE - 1) / 2), round(x / PIXEL_MM + (SIZE - 1) / 2))


def _render(les: Outline, hu: float, others: list[tuple[Outline, float]], blur_mm: float,
            noise: float, rng: np.random.Generator) -> npt.NDArray[np.float32]:  # fmt: skip
    xs, ys = _grid()
    fine = gen.anatomy(xs, ys, -100.0)
    for outline, value in [(les, hu), *others]:
        m = outline.max_radius + PIXEL_MM
        j0, j1 = np.searchsorted(xs, [outline.cx - m, outline.cx + m])
        i0, i1 = np.searchsorted(ys, [outline.cy - m, outline.cy + m])
        inside = outline.inside(xs[None, j0:j1], ys[i0:i1, None])
        fine[i0:i1, j0:j1][inside] = value
    pixels = fine.reshape(SIZE, SUB, SIZE, SUB).mean(axis=(1, 3))
    if blur_mm > 0:
        pixels = ndimage.gaussian_filter(pixels, blur_mm / PIXEL_MM)
    noisy: npt.NDArray[np.float32] = (pixels + rng.normal(0, noise, pixels.shape)).astype(
        np.float32)
    return noisy


def visible_axes(les: gen.Lesion, z: float) -> tuple[float, float]:
    """(long, short) RECIST axes (mm) of sample-scan lesion `les` as the slice at `z` shows it:
    a point is lesion when at least half of the generator's through-plane sub-samples there
    are (the half-contrast level, between the lesion's HU and its host's), on a grid of
    :data:`TRUTH_MM`, measured like a mask (:func:`reviewer_gui.viewer.axes.measure_mask`)."""
    (cx, cy, _), m = les.center, max(les.long_mm, les.short_mm) / 2 + TRUTH_MM
    g = np.arange(-m, m + TRUTH_MM / 2, TRUTH_MM)
    inside = sum(gen.anatomy(cx + g, cy + g, z + dz, [les]) == les.hu for dz in THROUGH_PLANE_MM)
    mask = np.asarray(inside) * 2 >= len(THROUGH_PLANE_MM)
    labels, _ = ndimage.label(mask)
    mask = labels == labels[len(g) // 2, len(g) // 2]
    axes = measure_mask(mask, (TRUTH_MM, TRUTH_MM))
    assert axes is not None
    return axes[0].length_mm, axes[1].length_mm


def rendered_axes(les: gen.Lesion, z: float) -> tuple[float, float]:
    """(long, short) axes (mm) of sample-scan lesion `les` as the generator renders the slice
    at `z`: :func:`visible_axes` known only where the generator samples the plane. Its pixel
    is the mean of 3 x 3 in-plane sub-samples, every :data:`SUB_MM`, so its image is the same
    wherever the visible outline lies between two of them: each end of an axis is known to
    within half a sub-sample, and its best estimate is the midpoint between the last
    sub-sample inside the visible outline (at least half of its through-plane sub-samples
    lesion) and the first outside. Along each of the ellipse's axes through its centre (a
    sub-sample: the lesions are centred on pixels), n sub-samples inside span ``n * SUB_MM``:
    a 12 x 10 mm lesion's visible 11.35 x 9.45 mm outline is rendered 17 x 15 sub-samples
    across, 11.33 x 10.0 mm. An ellipse's RECIST axes are its own axes."""
    cx, cy, _ = les.center
    x0 = -(gen.COLS - 1) * gen.PIXEL_MM / 2  # the generator's first column (and row), mm
    for c in (cx, cy):
        if abs((c - x0) / SUB_MM - round((c - x0) / SUB_MM)) > 1e-6:
            raise ValueError(f"lesion {les.lesion_id} is not centred on a sub-sample")
    m = int(max(les.long_mm, les.short_mm) / 2 / SUB_MM) + 2
    steps = np.arange(-m, m + 1, dtype=np.float64) * SUB_MM
    centre_x, centre_y = np.array([cx], dtype=np.float64), np.array([cy], dtype=np.float64)
    counts = []
    for xs, ys in ((cx + steps, centre_y), (centre_x, cy + steps)):
        inside = sum(gen.anatomy(xs, ys, z + dz, [les]) == les.hu for dz in THROUGH_PLANE_MM)
        counts.append(int((np.asarray(inside) * 2 >= len(THROUGH_PLANE_MM)).sum()))
    along_x, along_y = (n * SUB_MM for n in counts)
    return (along_x, along_y) if les.long_along == "x" else (along_y, along_x)


def _outline_axes(les: Outline) -> tuple[float, float]:
    """(long, short) RECIST axes of the outline rasterised at :data:`TRUTH_MM`."""
    m = les.max_radius + TRUTH_MM
    g = np.arange(-m, m, TRUTH_MM)
    mask = les.inside(les.cx + g[None, :], les.cy + g[:, None])
    axes = measure_mask(mask, (TRUTH_MM, TRUTH_MM))
    assert axes is not None
    return axes[0].length_mm, axes[1].length_mm
