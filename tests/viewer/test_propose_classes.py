"""One-click measurement on the harder lesion classes (issue 17, item 3), from the generator
``reviewer_gui.sample_scans.lesion_classes`` (512 x 512 slices at 0.7 mm, truth from the
outline, not from the image).

Tolerance: 2 pixels on each axis. The sample lesions' 1.5 (tests/viewer/test_propose.py: one
pixel for the half-contrast mask's edge, half for the noise moving single edge pixels across
it) are axis-aligned; these lesions lie at any angle, and a diameter across the pixel grid
ends on the outer corner of its last pixel, up to half a pixel's diagonal (0.7 pixel) beyond
the edge at each end (1.5-1.7 pixels seen on 3 of these 36 lesions). The benchmark
(benchmarks/assist.py) reports the medians, 95th percentiles and failure rates of 20 lesions
per class; these tests hold every one of four per class.
"""

from __future__ import annotations

import numpy as np
import pytest

from reviewer_gui.sample_scans import lesion_classes as lc
from reviewer_gui.viewer.propose import propose_measurement

INSTANCES = range(4)
TOLERANCE_PX = 2.0


@pytest.mark.parametrize("lesion_class", lc.CLASSES)
@pytest.mark.parametrize("instance", INSTANCES)
def test_each_class_is_measured_within_one_and_a_half_pixels(lesion_class: str,
                                                            instance: int) -> None:  # fmt: skip
    c = lc.make(lesion_class, instance)
    p = propose_measurement(c.pixels, c.spacing_mm, c.seed, c.nodal)
    assert p is not None
    tolerance = TOLERANCE_PX * c.spacing_mm[0]
    assert p.long.length_mm == pytest.approx(c.long_mm, abs=tolerance)
    assert p.short.length_mm == pytest.approx(c.short_mm, abs=tolerance)
    assert p.diameter_mm == (p.short.length_mm if c.nodal else p.long.length_mm)


def test_a_touching_lesion_is_not_measured_with_the_clicked_one() -> None:
    """Two lesions of the same HU, tangent: region growing alone takes both (the older
    method, kept for comparison, measures them as one)."""
    c = lc.make("touching_lesion", 0)
    merged = propose_measurement(c.pixels, c.spacing_mm, c.seed, method="half_contrast")
    assert merged is not None and merged.long.length_mm > c.long_mm * 1.1
    p = propose_measurement(c.pixels, c.spacing_mm, c.seed)
    assert p is not None
    assert p.long.length_mm == pytest.approx(c.long_mm, abs=TOLERANCE_PX * c.spacing_mm[0])
    # both ends on the clicked lesion's outline, not on the other lesion
    for end in (p.long.start, p.long.end):
        x = (end[1] - (lc.SIZE - 1) / 2) * lc.PIXEL_MM
        y = (end[0] - (lc.SIZE - 1) / 2) * lc.PIXEL_MM
        assert c.outline.inside(np.array([x]), np.array([y]), scale=1.1)[0]


def test_heavy_noise_no_longer_leaks_into_the_host() -> None:
    c = lc.make("noisy", 0)  # noise SD 15-25 HU against a 45-60 HU contrast
    assert propose_measurement(c.pixels, c.spacing_mm, c.seed, method="half_contrast") is None
    assert propose_measurement(c.pixels, c.spacing_mm, c.seed) is not None


@pytest.mark.parametrize("lesion_class", ["ellipse", "irregular", "low_contrast", "noisy"])
def test_any_seed_in_the_inner_half_gives_the_same_long_axis(lesion_class: str) -> None:
    c = lc.make(lesion_class, 1)
    seeds = c.inner_half_seeds(8, np.random.default_rng(1))
    assert len(seeds) == 8
    lengths = []
    for seed in seeds:
        p = propose_measurement(c.pixels, c.spacing_mm, seed, c.nodal)
        assert p is not None
        lengths.append(p.long.length_mm)
    assert max(lengths) - min(lengths) <= c.spacing_mm[0]  # issue 17: one pixel


def test_empty_liver_gives_none() -> None:
    c = lc.make("ellipse", 0)
    # 30 mm beyond the lesion's farthest point, in normal liver or the tissue past it
    row, col = c.seed
    far = round(row), round(col + (c.outline.max_radius + 30) / lc.PIXEL_MM)
    assert propose_measurement(c.pixels, c.spacing_mm, far) is None
