"""Accuracy of the one-click measurement's default method, ``"interpolated"`` (issue 17, item 3:
median axis error <= 1 pixel, 95th percentile <= 5 % of the diameter), against the truth a
reader measures: the half-contrast outline the image shows.

The sample scans' truth is :func:`lesion_classes.visible_axes` (a 5 mm slice through an
ellipsoid shows less than its central cross-section); the harder classes' is their drawn
outline (one 0.7 mm slice). ``benchmarks/assist_RESULTS.md`` reports 20 lesions per class;
here the 95th-percentile target is held on 8 as "at most one above 5 %, none above 10 %",
on the classes where the benchmark meets it.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt
import pytest

from reviewer_gui.dicom import Volume, load_series
from reviewer_gui.sample_scans import generator as gen
from reviewer_gui.sample_scans import lesion_classes as lc
from reviewer_gui.viewer.propose import propose_measurement

from .conftest import SAMPLE_SCANS

INSTANCES = range(8)
#: the classes where benchmarks/assist.py meets the 95th-percentile target on 20 lesions: all
TARGET_MET = lc.CLASSES


@cache
def volume(subject: str, label: str) -> Volume:
    return load_series(SAMPLE_SCANS / subject / label, workers=1)


def sample_lesions() -> list[tuple[gen.Lesion, npt.NDArray[np.float32], tuple[float, float],
                                   tuple[float, float]]]:  # fmt: skip
    """Every sample lesion: (lesion, its centre slice, pixel spacing, centre (row, col))."""
    out = []
    for subj in gen.subjects():
        for t, label in enumerate(gen.TIMEPOINTS):
            vol = volume(subj.subject_id, label)
            for les in subj.lesions[t]:
                x, y, z = les.center
                pixels = vol.voxels[vol.slice_positions_mm.index(z)].astype(np.float32)
                spacing = (vol.spacing_mm[1], vol.spacing_mm[2])
                centre = ((y - vol.origin_mm[1]) / spacing[0], (x - vol.origin_mm[0]) / spacing[1])
                out.append((les, pixels, spacing, centre))
    return out


def test_the_visible_outline_is_the_ellipsoid_where_half_the_slice_is_lesion() -> None:
    """An ellipsoid of semi-axes (a, b, b) cut by a slice whose sub-samples lie at 0 and
    +-SLICE_MM / 3: at least two of three are inside within the ellipse scaled by
    sqrt(1 - (SLICE_MM / 3 / b)^2), the central cross-section's outer rim only one in three."""
    for subj in gen.subjects():
        for les in subj.lesions[0]:
            long_mm, short_mm = lc.visible_axes(les, les.center[2])
            k = np.sqrt(1 - (gen.SLICE_MM / 3 / (les.short_mm / 2)) ** 2)
            assert long_mm == pytest.approx(les.long_mm * k, abs=0.1)
            assert short_mm == pytest.approx(les.short_mm * k, abs=0.1)
            assert long_mm < les.long_mm and short_mm < les.short_mm


def test_the_rendered_outline_is_the_visible_one_where_the_generator_samples_it() -> None:
    """The generator samples the plane every third of a pixel, on the lesion's centre: along
    each axis, the sub-samples j * SUB_MM with |j| SUB_MM <= k * semi-axis are at least half
    lesion (the central through-plane sub-sample and both outer ones), 2 floor(k a / SUB_MM) + 1
    of them; the rendered axis spans them, each end half a sub-sample past the last, so within
    half a sub-sample of the visible outline's."""
    for subj in gen.subjects():
        for lesions in subj.lesions:
            for les in lesions:
                k = np.sqrt(1 - (gen.SLICE_MM / 3 / (les.short_mm / 2)) ** 2)
                long_mm, short_mm = lc.rendered_axes(les, les.center[2])
                for rendered, axis_mm in ((long_mm, les.long_mm), (short_mm, les.short_mm)):
                    n = 2 * np.floor(k * axis_mm / 2 / lc.SUB_MM + 1e-9) + 1
                    assert rendered == pytest.approx(n * lc.SUB_MM, abs=1e-9)
                    assert abs(rendered - k * axis_mm) <= lc.SUB_MM + 1e-9


def test_every_sample_lesion_within_a_few_tenths_of_a_2_mm_pixel() -> None:
    """On the sample scans' 2 mm pixels, where a pixel mask is off by up to a pixel (17 % of a
    12 mm lesion): each axis within 0.6 pixel of the visible outline's, the median within a
    quarter pixel, and half the pixel mask's (method "smoothed") median error at most."""
    errors, mask_errors = [], []
    for les, pixels, spacing, centre in sample_lesions():
        long_mm, short_mm = lc.visible_axes(les, les.center[2])
        p = propose_measurement(pixels, spacing, centre, les.is_node)
        q = propose_measurement(pixels, spacing, centre, les.is_node, method="smoothed")
        assert p is not None and q is not None
        errors += [abs(p.long.length_mm - long_mm), abs(p.short.length_mm - short_mm)]
        mask_errors += [abs(q.long.length_mm - long_mm), abs(q.short.length_mm - short_mm)]
    assert len(errors) == 68
    assert max(errors) <= 0.6 * 2.0
    assert float(np.median(errors)) <= 0.25 * 2.0
    assert float(np.median(errors)) <= float(np.median(mask_errors)) / 2


@pytest.mark.parametrize("lesion_class", TARGET_MET)
def test_the_95th_percentile_target_on_the_classes_that_meet_it(lesion_class: str) -> None:
    long_err, short_err = [], []
    for instance in INSTANCES:
        c = lc.make(lesion_class, instance)
        p = propose_measurement(c.pixels, c.spacing_mm, c.seed, c.nodal)
        assert p is not None
        long_err.append(abs(p.long.length_mm - c.long_mm) / c.long_mm * 100)
        short_err.append(abs(p.short.length_mm - c.short_mm) / c.short_mm * 100)
    for err in (long_err, short_err):
        assert sorted(err)[-2] <= 5.0  # at most one of 8 above 5 %
        assert max(err) <= 10.0
        # median <= 1 pixel: a 12 mm lesion's pixel of 0.7 mm is 5.8 %; here a tenth of that
        assert float(np.median(err)) <= 2.5


def test_a_nodes_short_axis_is_measured_across_its_fatty_hilum() -> None:
    """The hilum notches the node's outline from its side, along the short axis: as a node
    (its outline's convex hull) the short axis spans it; as any lesion, it stops beside it."""
    errors: dict[bool, list[float]] = {True: [], False: []}
    for instance in INSTANCES:
        c = lc.make("node_hilum", instance)
        node = propose_measurement(c.pixels, c.spacing_mm, c.seed, nodal=True)
        other = propose_measurement(c.pixels, c.spacing_mm, c.seed, nodal=False)
        assert node is not None and other is not None
        assert node.diameter_mm == node.short.length_mm
        assert node.short.length_mm == pytest.approx(c.short_mm, rel=0.05)
        assert node.short.length_mm > other.short.length_mm  # the hull bridges the notch
        errors[True].append(abs(node.short.length_mm - c.short_mm))
        errors[False].append(abs(other.short.length_mm - c.short_mm))
    assert float(np.median(errors[True])) < 0.6 * float(np.median(errors[False]))


def test_a_small_blurred_lesion_is_measured_not_refused() -> None:
    """partial_volume-12, a 9 x 7 mm lesion blurred by a point spread of about 1 mm: its core
    reaches into the blurred edge, whose median HU put the half-contrast level past the seed
    (``None`` from the pixel-mask methods until their smaller neighbourhood of the seed was
    tried whenever the first gave no lesion); the core's inner half gives the lesion's HU."""
    c = lc.make("partial_volume", 12)
    assert propose_measurement(c.pixels, c.spacing_mm, c.seed, method="smoothed") is not None
    p = propose_measurement(c.pixels, c.spacing_mm, c.seed)
    assert p is not None
    assert p.long.length_mm == pytest.approx(c.long_mm, rel=0.05)
    assert p.short.length_mm == pytest.approx(c.short_mm, rel=0.05)
