"""A small lesion on a blurred slice (issue 17): its axes from a blurred ellipse fitted to its
pixels (``reviewer_gui.viewer.blurred``), only where the slice is blurred and the ellipse
fits; the model, the slice's point-spread and the fit's derivatives checked on their own."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from scipy import ndimage  # type: ignore[import-untyped]

from reviewer_gui.sample_scans import lesion_classes as lc
from reviewer_gui.viewer import blurred, propose
from reviewer_gui.viewer.propose import propose_measurement

PIXEL_MM = 0.7
SIZE = 200
SUB = 5  # sub-samples per pixel side


def slice_with_lesion(long_mm: float, short_mm: float, angle: float, blur_mm: float,
                      noise_hu: float, seed: int) -> npt.NDArray[np.float32]:  # fmt: skip
    """A liver (100 HU, 120 x 100 mm) in fat (-100 HU) with a lesion of 50 HU at the image's
    centre, its pixels the mean of 5 x 5 sub-samples, blurred by a Gaussian of `blur_mm`,
    then noise."""
    sub = (np.arange(SUB) - (SUB - 1) / 2) / SUB
    g = ((np.arange(SIZE) - (SIZE - 1) / 2)[:, None] + sub[None, :]).ravel() * PIXEL_MM
    y, x = g[:, None], g[None, :]
    fine = np.where((x / 60) ** 2 + (y / 50) ** 2 <= 1, 100.0, -100.0)
    u = x * np.cos(angle) + y * np.sin(angle)
    v = -x * np.sin(angle) + y * np.cos(angle)
    fine[(u / (long_mm / 2)) ** 2 + (v / (short_mm / 2)) ** 2 <= 1] = 50.0
    pixels = fine.reshape(SIZE, SUB, SIZE, SUB).mean(axis=(1, 3))
    if blur_mm > 0:
        pixels = ndimage.gaussian_filter(pixels, blur_mm / PIXEL_MM)
    noise = np.random.default_rng(seed).normal(0, noise_hu, pixels.shape)
    noisy: npt.NDArray[np.float32] = (pixels + noise).astype(np.float32)
    return noisy


def test_the_blurred_ellipse_is_the_ellipse_convolved_with_the_gaussian() -> None:
    """The model against a brute-force one: the ellipse on a 0.02 mm grid, filtered by the
    Gaussian (within 0.3 % of the contrast everywhere)."""
    a, b, sigma, step = 4.0, 2.5, 0.9, 0.02
    g = np.arange(-9, 9 + step / 2, step)
    inside = ((g[None, :] / a) ** 2 + (g[:, None] / b) ** 2 <= 1).astype(float)
    brute = ndimage.gaussian_filter(inside, sigma / step, mode="constant", truncate=6)
    k = np.arange(0, len(g), 25)
    vv, uu = np.meshgrid(g[k], g[k], indexing="ij")
    model = blurred.blurred_ellipse(uu.ravel(), vv.ravel(), a, b, sigma).reshape(uu.shape)
    assert np.abs(model - brute[np.ix_(k, k)]).max() < 0.003


def test_the_fits_derivatives_are_the_models() -> None:
    u, v = np.linspace(-7, 7, 40), np.linspace(-5, 6, 40)[::-1]
    a, b, sigma, h = 4.3, 2.7, 0.9, 1e-5
    f = blurred._blurred(u, v, a, b, sigma, derivatives=True)
    numeric = [
        (blurred.blurred_ellipse(u + h, v, a, b, sigma)
         - blurred.blurred_ellipse(u - h, v, a, b, sigma)) / (2 * h),
        (blurred.blurred_ellipse(u, v + h, a, b, sigma)
         - blurred.blurred_ellipse(u, v - h, a, b, sigma)) / (2 * h),
        (blurred.blurred_ellipse(u, v, a + h, b, sigma)
         - blurred.blurred_ellipse(u, v, a - h, b, sigma)) / (2 * h),
        (blurred.blurred_ellipse(u, v, a, b + h, sigma)
         - blurred.blurred_ellipse(u, v, a, b - h, sigma)) / (2 * h),
    ]  # fmt: skip
    for exact, approx in zip(f[1:], numeric, strict=True):
        assert np.abs(exact - approx).max() < 1e-6


@pytest.mark.parametrize("blur_mm", [0.0, 0.7, 1.1])
def test_the_slices_point_spread_from_its_edges(blur_mm: float) -> None:
    """The liver's capsule against fat: the Gaussian's sigma with the pixel's own (a box of
    0.7 mm: sigma 0.2 mm), within 0.1 mm through noise of 10 HU."""
    pixels = slice_with_lesion(8, 5, 0.5, blur_mm, 10.0, seed=3)
    expected = np.hypot(blur_mm, PIXEL_MM / np.sqrt(12))
    estimate = blurred.image_blur_mm(pixels, (PIXEL_MM, PIXEL_MM))
    assert estimate is not None
    assert abs(estimate - expected) < 0.1 + (0.1 if blur_mm == 0 else 0.0)  # 0: pixelated


def test_a_slice_without_strong_edges_has_no_point_spread() -> None:
    flat = np.random.default_rng(0).normal(40, 10, (120, 120)).astype(np.float32)
    assert blurred.image_blur_mm(flat, (PIXEL_MM, PIXEL_MM)) is None


@pytest.mark.parametrize("instance", [13, 20, 36, 37])
def test_a_small_blurred_lesion_within_5_percent(instance: int) -> None:
    """partial_volume lesions of 8.5-12 mm blurred by 0.8-1.2 mm, whose half-contrast outline
    followed the noise of their wide blurred edge: short axis +5.1 % (13, 10.9 x 6.4 mm),
    +5.6 % (20, 12.2 x 11.2), +5.4 % (37, 8.5 x 5.6), long -5.6 % (36, 9.8 x 6.1). The
    blurred ellipse fitted to all their pixels: within 5 % on both axes."""
    c = lc.make("partial_volume", instance)
    p = propose_measurement(c.pixels, c.spacing_mm, c.seed)
    assert p is not None
    assert abs(p.long.length_mm - c.long_mm) / c.long_mm <= 0.05
    assert abs(p.short.length_mm - c.short_mm) / c.short_mm <= 0.05


def test_a_blurred_10_by_6_mm_lesion_of_known_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 10 x 6 mm lesion at 30 degrees, blurred by 1.1 mm, noise 10 HU, over 12 noise
    draws: the half-contrast outline alone puts the short axis +4.4 % long at the median
    (its wide blurred edge, cut where the noise moves it); the fitted ellipse within 2 % on
    both axes at the median, and its axes perpendicular."""
    centre = ((SIZE - 1) / 2, (SIZE - 1) / 2)

    def median_errors() -> tuple[float, float]:
        errors = []
        for seed in range(12):
            pixels = slice_with_lesion(10, 6, np.pi / 6, 1.1, 10.0, seed)
            p = propose_measurement(pixels, (PIXEL_MM, PIXEL_MM), centre)
            assert p is not None
            d_long = np.subtract(p.long.end, p.long.start)
            d_short = np.subtract(p.short.end, p.short.start)
            assert abs(d_long @ d_short) / (np.hypot(*d_long) * np.hypot(*d_short)) < 1e-6
            errors.append((p.long.length_mm / 10 - 1, p.short.length_mm / 6 - 1))
        long, short = np.median(errors, axis=0)
        return float(long), float(short)

    long, short = median_errors()
    assert abs(long) <= 0.02 and abs(short) <= 0.02
    monkeypatch.setattr(propose, "FIT_MAX_MM", 0.0)  # the outline alone: the failure mode
    assert median_errors()[1] > 0.03


def test_a_noise_free_blurred_lesion_is_measured_to_its_drawn_size(
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Without noise the fit finds the drawn 10 x 6 mm within 0.1 mm; the half-contrast
    outline of the same pixels is 9.6 x 6.3 mm (a curved edge blurred by 1.1 mm)."""
    pixels = slice_with_lesion(10, 6, 0.5, 1.1, 0.0, seed=0)
    centre = ((SIZE - 1) / 2, (SIZE - 1) / 2)
    p = propose_measurement(pixels, (PIXEL_MM, PIXEL_MM), centre)
    assert p is not None
    assert abs(p.long.length_mm - 10) < 0.1 and abs(p.short.length_mm - 6) < 0.1
    monkeypatch.setattr(propose, "FIT_MAX_MM", 0.0)
    outline = propose_measurement(pixels, (PIXEL_MM, PIXEL_MM), centre)
    assert outline is not None
    assert abs(outline.long.length_mm - 10) > 0.25 and abs(outline.short.length_mm - 6) > 0.2


def test_a_sharp_slice_keeps_its_outline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blur beyond the pixel: the outline's axes, as without the fit."""
    pixels = slice_with_lesion(8, 5, np.pi / 6, 0.0, 10.0, seed=1)
    centre = ((SIZE - 1) / 2, (SIZE - 1) / 2)
    with_fit = propose_measurement(pixels, (PIXEL_MM, PIXEL_MM), centre)
    monkeypatch.setattr(propose, "FIT_MAX_MM", 0.0)
    without = propose_measurement(pixels, (PIXEL_MM, PIXEL_MM), centre)
    assert with_fit == without


def test_a_blurred_lesion_that_is_no_ellipse_keeps_its_outline(
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Two overlapping discs (a figure of eight, 12 x 7 mm) on a blurred slice: the ellipse
    does not explain their edge, so the outline's axes stand."""
    pixels = slice_with_lesion(1, 1, 0, 0.0, 0.0, seed=0).astype(np.float64)
    sub = (np.arange(SUB) - (SUB - 1) / 2) / SUB
    g = ((np.arange(SIZE) - (SIZE - 1) / 2)[:, None] + sub[None, :]).ravel() * PIXEL_MM
    y, x = g[:, None], g[None, :]
    fine = np.where((x / 60) ** 2 + (y / 50) ** 2 <= 1, 100.0, -100.0)
    fine[((x - 2.5) ** 2 + y**2 <= 3.5**2) | ((x + 2.5) ** 2 + y**2 <= 3.5**2)] = 50.0
    pixels = ndimage.gaussian_filter(fine.reshape(SIZE, SUB, SIZE, SUB).mean(axis=(1, 3)),
                                     1.1 / PIXEL_MM)  # fmt: skip
    pixels = (pixels + np.random.default_rng(5).normal(0, 5, pixels.shape)).astype(np.float32)
    centre = ((SIZE - 1) / 2, (SIZE - 1) / 2)
    with_fit = propose_measurement(pixels, (PIXEL_MM, PIXEL_MM), centre)
    monkeypatch.setattr(propose, "FIT_MAX_MM", 0.0)
    assert with_fit == propose_measurement(pixels, (PIXEL_MM, PIXEL_MM), centre)
