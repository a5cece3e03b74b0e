"""The failure modes of the one-click measurement found by ``benchmarks/assist.py`` (issue 17),
each on a generated lesion of known size (``reviewer_gui.sample_scans.lesion_classes``) that
showed it: the figure the code before the fix gave is in each test's docstring."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage  # type: ignore[import-untyped]

from reviewer_gui.sample_scans import lesion_classes as lc
from reviewer_gui.viewer.propose import propose_measurement

SEEDS = 12  # as benchmarks/assist.py: seeds anywhere in the lesion's inner half


def short_axis_error(c: lc.LesionCase) -> float:
    p = propose_measurement(c.pixels, c.spacing_mm, c.seed, c.nodal)
    assert p is not None
    return abs(p.short.length_mm - c.short_mm) / c.short_mm


@pytest.mark.parametrize("instance", [7, 16])
def test_a_touching_lesions_short_axis_stops_at_their_contact(instance: int) -> None:
    """Another lesion of the same HU touches the clicked one across its short axis. The
    outline cut from pixels smoothed as much as the mask's (0.7 mm) rounded the neck between
    them and the short axis ran past the contact into the other lesion: +5.5 % (instance 7)
    and +6.3 % (16)."""
    assert short_axis_error(lc.make("touching_lesion", instance)) <= 0.05


@pytest.mark.parametrize("instance", [40, 58])
def test_the_contact_with_a_touching_lesion_is_not_a_pixel_past_it(instance: int) -> None:
    """touching_lesion 58 (15.5 x 9.3 mm, the other lesion against the end of its short axis)
    and 40 (14.7 x 10.4 mm): the split at the neck put the contact on a pixel's edge, and
    the outline ran to it, a pixel into the other lesion where partial volume fills the gap
    between the two (+8.0 % and +5.6 % on the short axis, from the centre and from every seed
    in the inner half). The contact is now placed on the fine grid (``contact.seed_side``)."""
    c = lc.make("touching_lesion", instance)
    for seed in [c.seed, *c.inner_half_seeds(SEEDS, np.random.default_rng(instance))]:
        p = propose_measurement(c.pixels, c.spacing_mm, seed)
        assert p is not None, f"no measurement from seed {seed}"
        assert abs(p.short.length_mm - c.short_mm) / c.short_mm <= 0.05, seed
        assert abs(p.long.length_mm - c.long_mm) / c.long_mm <= 0.05, seed


@pytest.mark.parametrize("degrees", range(0, 180, 15))
def test_a_lesion_tangent_to_another_at_its_short_axis(degrees: int) -> None:
    """A 16 x 10 mm ellipse at any angle and a disc of 14 mm of the same HU tangent to it at
    the end of its short axis, without noise: the short axis ends at the contact. The split
    on the pixel grid gave up to +8.5 % (at 150 degrees; +6.9 % at 45)."""
    angle, a, b, r = np.radians(degrees), 8.0, 5.0, 7.0
    cx, cy = -50.0, -5.0  # in the liver
    lesion = lc.Outline(cx, cy, lc.ellipse(a, b, angle), a)
    normal = angle + np.pi / 2
    other = lc.Outline(cx + (b + r) * np.cos(normal), cy + (b + r) * np.sin(normal),
                       lc.ellipse(r, r, 0.0), r)  # fmt: skip
    hu = lc.LIVER_HU - 50
    pixels = lc._render(lesion, hu, [(other, hu)], 0.0, 0.0, np.random.default_rng(0))
    p = propose_measurement(pixels, (lc.PIXEL_MM, lc.PIXEL_MM), lc._to_pixel(cx, cy))
    assert p is not None
    assert p.short.length_mm == pytest.approx(2 * b, rel=0.05)
    assert p.long.length_mm == pytest.approx(2 * a, rel=0.05)


def test_a_small_blurred_lesion_whose_core_leaked_into_its_edge() -> None:
    """partial_volume-7, 9.3 x 5.6 mm blurred by about 1 mm: the core grown from the click's
    2 mm neighbourhood took in the blurred edge, so the lesion's HU came out 15 HU towards the
    liver's and the half-contrast outline 0.8 mm too wide (+15 % on the short axis). The HU is
    now taken again from the region grown at that first level (its inner half)."""
    c = lc.make("partial_volume", 7)
    p = propose_measurement(c.pixels, c.spacing_mm, c.seed)
    assert p is not None
    assert abs(p.long.length_mm - c.long_mm) / c.long_mm <= 0.05
    assert abs(p.short.length_mm - c.short_mm) / c.short_mm <= 0.05


@pytest.mark.parametrize(("lesion_class", "instance"),
                         [("partial_volume", 7), ("partial_volume", 12), ("node_hilum", 16),
                          ("organ_edge", 46)])
def test_every_seed_in_the_inner_half_measures_the_lesion(lesion_class: str,
                                                          instance: int) -> None:  # fmt: skip
    """Seeds that gave ``None``: near the edge of a small blurred lesion (partial_volume 7 and
    12: the 2 mm neighbourhood's core leaked into the whole liver, which then passed the
    contrast test and grew to the window's edge) and on the edge of a node's fatty hilum
    (node_hilum 16: both neighbourhoods' cores leaked through the hilum into the fat) and
    anywhere in a lesion whose region ran into the body wall (organ_edge 46, below). Every
    seed now measures the lesion, the long axis the same within one pixel (issue 17)."""
    c = lc.make(lesion_class, instance)
    seeds = c.inner_half_seeds(SEEDS, np.random.default_rng(instance))
    assert len(seeds) == SEEDS
    lengths = []
    for seed in seeds:
        p = propose_measurement(c.pixels, c.spacing_mm, seed, c.nodal)
        assert p is not None, f"no measurement from seed {seed}"
        lengths.append(p.long.length_mm)
    assert max(lengths) - min(lengths) <= c.spacing_mm[0]
    assert float(np.median(lengths)) == pytest.approx(c.long_mm, rel=0.05)


def test_a_click_beside_a_lesion_still_measures_nothing() -> None:
    """The flattest pixels near a click (within 2 mm) are tried only for a lesion that
    contains the click: one in normal liver 1.5 mm beyond a lesion's edge, whose flattest
    neighbours may lie inside the lesion, finds none."""
    c = lc.make("ellipse", 2)
    for angle in np.linspace(0, 2 * np.pi, 8, endpoint=False):
        r = float(c.outline.radius(np.array([angle]))[0]) + 1.5
        x, y = c.outline.cx + r * np.cos(angle), c.outline.cy + r * np.sin(angle)
        seed = (round(y / lc.PIXEL_MM + (lc.SIZE - 1) / 2),
                round(x / lc.PIXEL_MM + (lc.SIZE - 1) / 2))  # fmt: skip
        assert propose_measurement(c.pixels, c.spacing_mm, seed) is None, seed


def test_a_lesion_against_the_body_wall_is_cut_from_it() -> None:
    """organ_edge-46 (26.7 x 21.5 mm, 55 HU) lies where the liver's capsule touches the body
    wall (muscle, 50 HU) with no fat between them: its core and its region ran along the
    wall to the window's edge and every click gave ``None``. The region is now cut to the
    seed's part when that part is a bulge from a thinner structure of its HU."""
    c = lc.make("organ_edge", 46)
    p = propose_measurement(c.pixels, c.spacing_mm, c.seed)
    assert p is not None
    assert abs(p.long.length_mm - c.long_mm) / c.long_mm <= 0.05
    assert abs(p.short.length_mm - c.short_mm) / c.short_mm <= 0.05


@pytest.mark.parametrize("instance", [3, 10, 46])
def test_a_click_on_the_body_wall_still_measures_nothing(instance: int) -> None:
    """The cut that frees a lesion from the body wall never makes a piece of the wall a
    lesion: clicks on the wall beside the liver (muscle of about 50 HU, away from the
    lesion) still give ``None``."""
    c = lc.make("organ_edge", instance)
    rows, cols = np.mgrid[0:lc.SIZE, 0:lc.SIZE]
    x, y = ((a - (lc.SIZE - 1) / 2) * lc.PIXEL_MM for a in (cols, rows))
    (lx, ly), (ax, ay) = lc.LIVER
    outside = ((x - lx) / ax) ** 2 + ((y - ly) / ay) ** 2 > 1.15
    far = np.hypot(x - c.outline.cx, y - c.outline.cy) > c.outline.max_radius + 5
    smooth = ndimage.gaussian_filter(c.pixels.astype(float), 2)
    wall = np.argwhere((abs(smooth - 50) < 8) & outside & far & (abs(x - lx) < ax)
                       & (abs(y - ly) < ay + 15))  # fmt: skip
    assert len(wall) > 100
    for row, col in wall[np.random.default_rng(instance).choice(len(wall), 8, replace=False)]:
        assert propose_measurement(c.pixels, c.spacing_mm, (row, col)) is None, (row, col)


@pytest.mark.parametrize(("lesion_class", "instance"),
                         [("touching_lesion", 67), ("organ_edge", 75)])
def test_a_waist_from_both_sides_splits_at_a_shallower_neck(lesion_class: str,
                                                            instance: int) -> None:  # fmt: skip
    """touching_lesion-67 (13.8 x 8.7 mm, a 13.2 mm disc along its flank: the neck 1.39 mm
    shallower than the small lesion's basin) was measured with its neighbour, +71.3 % long,
    from every click; organ_edge-75 (30.8 x 22.1 mm, against body-wall muscle of its HU)
    kept a wedge of the wall 1.24 mm shallower than their neck, +26.5 % long from the centre
    (seed spread 9.7 px). Under ``contact.SPLIT_MM`` both; the seed's basin is now split at
    ``contact.WAIST_MM`` when every part of it there is convex and inside the window (a
    waist from both sides), which the wall cut off at the window's edge never is (organ_edge
    46 above). From the centre and every seed in the inner half, within 5 %."""
    c = lc.make(lesion_class, instance)
    for seed in [c.seed, *c.inner_half_seeds(SEEDS, np.random.default_rng(instance))]:
        p = propose_measurement(c.pixels, c.spacing_mm, seed, c.nodal)
        assert p is not None, f"no measurement from seed {seed}"
        assert abs(p.long.length_mm - c.long_mm) / c.long_mm <= 0.05, seed
        assert abs(p.short.length_mm - c.short_mm) / c.short_mm <= 0.05, seed
