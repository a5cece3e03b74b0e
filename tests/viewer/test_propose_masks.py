"""The one-click measurement's own versions of SimpleITK filters give SimpleITK's results:
hole filling on a mask's bounding box (:mod:`reviewer_gui.viewer.masks`) on random masks of
every texture (speckle, blobs, rings with holes, masks touching the array's edge), and the
discrete Gaussian in numpy (:mod:`reviewer_gui.viewer.smoothing`) bit for bit on random
slices of every size and spacing, and the outline's bilinear grid (:mod:`.outline`) as scipy's
``map_coordinates``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import SimpleITK
from scipy import ndimage  # type: ignore[import-untyped]

from reviewer_gui.viewer.masks import box, filled
from reviewer_gui.viewer.outline import _bilinear
from reviewer_gui.viewer.smoothing import discrete_gaussian

sitk: Any = SimpleITK


def random_masks(n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(17)
    out = []
    for k in range(n):
        shape = (int(rng.integers(5, 80)), int(rng.integers(5, 80)))
        if k % 3 == 0:  # speckle: many holes, diagonal contacts
            mask = rng.uniform(size=shape) < rng.uniform(0.3, 0.8)
        else:  # blobs and rings of smoothed noise, some far from the array's edge
            field = ndimage.gaussian_filter(rng.normal(size=shape), rng.uniform(0.5, 3))
            mask = np.abs(field - rng.uniform(-0.2, 0.2)) < rng.uniform(0.05, 0.4)
            if k % 3 == 2:
                mask = np.pad(mask, int(rng.integers(1, 10)))
        out.append(mask)
    return out


@pytest.mark.parametrize("mask", random_masks(240))
def test_filled_is_simpleitks_binary_fillhole(mask: np.ndarray) -> None:
    expected = sitk.GetArrayFromImage(sitk.BinaryFillhole(
        sitk.GetImageFromArray(mask.astype(np.uint8)))) > 0
    got = filled(mask)
    assert got.dtype == bool and got.shape == mask.shape
    assert np.array_equal(got, expected)


def test_a_hole_closed_at_a_corner_only_is_filled_and_an_empty_mask_stays_empty() -> None:
    ring = np.zeros((7, 7), bool)
    ring[[1, 1, 2, 2, 3, 3, 4, 4], [2, 3, 1, 4, 1, 4, 2, 3]] = True  # a diamond: corners
    assert filled(ring)[2:4, 2:4].all()
    assert not filled(np.zeros((4, 5), bool)).any()


def test_box_is_the_masks_bounding_box_widened_within_the_array() -> None:
    mask = np.zeros((10, 12), bool)
    mask[2, 3] = mask[5, 9] = True
    assert box(mask) == (slice(2, 6), slice(3, 10))
    assert box(mask, (3, 4)) == (slice(0, 9), slice(0, 14))
    assert box(np.zeros((3, 3), bool)) == (slice(0, 0), slice(0, 0))


def random_slices(n: int) -> list[tuple[np.ndarray, tuple[float, float], float]]:
    rng = np.random.default_rng(18)
    out = []
    for k in range(n):
        shape = (int(rng.integers(1, 120)), int(rng.integers(1, 120)))
        hu = rng.normal(rng.uniform(-900, 200), rng.uniform(1, 400), shape).astype(np.float32)
        row = float(rng.choice([0.5, 0.62, 0.625, 0.7, 0.8, 2.0]))
        col = row if k % 2 else float(rng.choice([0.7, 0.9, 2.0]))
        out.append((hu, (row, col), float(rng.choice([0.36, 0.49, 1.0, 2.25]))))
    return out


@pytest.mark.parametrize(("hu", "spacing", "variance"), random_slices(60))
def test_discrete_gaussian_is_simpleitks_bit_for_bit(hu: np.ndarray, spacing: tuple[float, float],
                                                     variance: float) -> None:  # fmt: skip
    image = sitk.GetImageFromArray(hu)
    image.SetSpacing((spacing[1], spacing[0]))
    expected = sitk.GetArrayFromImage(sitk.DiscreteGaussian(image, variance, 32, 0.01, True))
    got = discrete_gaussian(hu, variance, spacing)
    assert got.dtype == np.float32
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("k", range(40))
def test_the_outlines_bilinear_grid_is_scipys_map_coordinates_bit_for_bit(k: int) -> None:
    rng = np.random.default_rng([19, k])
    rows, cols = int(rng.integers(1, 50)), int(rng.integers(1, 50))
    box = rng.normal(rng.uniform(-500, 500), rng.uniform(1, 300), (rows, cols))
    f_r, f_c = int(rng.integers(4, 15)), int(rng.integers(4, 15))  # fine points per pixel
    fr = (np.arange(rows * f_r) + 0.5) / f_r - 0.5
    fc = (np.arange(cols * f_c) + 0.5) / f_c - 0.5
    grid = np.meshgrid(fr, fc, indexing="ij")
    expected = ndimage.map_coordinates(box, grid, order=1, mode="nearest")
    assert np.array_equal(_bilinear(box, fr, fc), expected)


@pytest.mark.parametrize("mask", random_masks(60), ids=lambda m: f"{m.shape[0]}x{m.shape[1]}")
def test_depth_on_the_masks_box_is_the_whole_arrays_distance_map_bit_for_bit(
        mask: np.ndarray) -> None:  # fmt: skip
    from reviewer_gui.viewer.contact import depth

    for spacing in [(0.7, 0.7), (0.62, 0.9)]:
        whole = ndimage.distance_transform_edt(mask, sampling=spacing).max(initial=0.0)
        assert depth(mask, spacing) == float(whole)


def test_a_split_asked_for_again_is_the_same_and_the_callers_own() -> None:
    from reviewer_gui.viewer.contact import split_at_neck

    rows, cols = np.mgrid[0:40, 0:60]
    two = (rows - 20) ** 2 + (cols - 15) ** 2 <= 100  # two discs
    two |= (rows - 20) ** 2 + (cols - 40) ** 2 <= 144
    two |= (abs(rows - 20) <= 1) & (cols >= 20) & (cols <= 35)  # a neck 3 pixels wide
    first = split_at_neck(two, (15, 20), (0.7, 0.7))
    assert first[20, 15] and not first[20, 40]  # the seed's disc, split at the neck
    first[:] = False  # the caller's own array: what is kept for the next ask is not touched
    again = split_at_neck(two, (15, 20), (0.7, 0.7))
    assert again[20, 15] and not again[20, 40] and again.sum() > 250
