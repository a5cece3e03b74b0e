"""Window/level values (DICOM PS3.3 C.11.2.1.2.1), presets and right-drag."""

from __future__ import annotations

import numpy as np
import pytest

from reviewer_gui.viewer import PRESETS, WindowDrag, WindowLevel, apply_window
from reviewer_gui.viewer.windowing import apply_window_rgb32


@pytest.mark.parametrize(
    ("hu", "grey"),
    [(-1000, 0), (-160, 0), (-159, 1), (40, 128), (238, 254), (239, 255), (240, 255),
     (3000, 255)],
)
def test_soft_tissue_window_maps_hu_to_grey_per_the_dicom_linear_function(
        hu: int, grey: int) -> None:
    # W 400 L 40: black at or below -160 HU, white above 239 HU, 40 HU mid-grey.
    out = apply_window(np.array([[hu]], dtype=np.int16), PRESETS["1"])
    assert out.dtype == np.uint8
    assert int(out[0, 0]) == grey


@pytest.mark.parametrize(
    ("key", "width", "level", "name"),
    [("1", 400, 40, "soft tissue"), ("2", 150, 90, "liver"), ("3", 1500, -600, "lung"),
     ("4", 2500, 480, "bone"), ("5", 350, 50, "mediastinum"), ("6", 80, 40, "brain")],
)
def test_presets_on_keys_1_to_6(key: str, width: int, level: int, name: str) -> None:
    wl = PRESETS[key]
    assert (wl.width, wl.level, wl.name) == (width, level, name)
    assert wl.label() == f"W {width} L {level} ({name})"


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_int16_lookup_table_agrees_with_the_float_formula(key: str) -> None:
    rng = np.random.default_rng(int(key))
    hu = rng.integers(-1024, 3072, size=(64, 64)).astype(np.int16)
    hu[0, :5] = [-32768, 32767, -1024, 0, 3071]
    fast = apply_window(hu, PRESETS[key])
    slow = apply_window(hu.astype(np.float32), PRESETS[key])
    np.testing.assert_array_equal(fast, slow)


def test_grey_is_monotonic_in_hu_and_spans_black_to_white() -> None:
    hu = np.arange(-1100, 1100, dtype=np.int16).reshape(1, -1)
    grey = apply_window(hu, PRESETS["1"])[0].astype(int)
    assert np.all(np.diff(grey) >= 0)
    assert grey[0] == 0 and grey[-1] == 255


def test_output_buffer_is_reused_and_checked() -> None:
    hu = np.zeros((4, 4), dtype=np.int16)
    out = np.full((4, 4), 7, dtype=np.uint8)
    assert apply_window(hu, WindowLevel(400, 40), out=out) is out
    assert int(out[0, 0]) == 102  # ((0 - 39.5) / 399 + 0.5) * 255 = 102.25
    with pytest.raises(ValueError, match="uint8"):
        apply_window(hu, WindowLevel(400, 40), out=np.zeros((4, 5), dtype=np.uint8))


def test_width_one_is_a_threshold_and_width_below_one_is_refused() -> None:
    hu = np.array([[39, 40]], dtype=np.int16)
    assert apply_window(hu, WindowLevel(1, 40)).tolist() == [[0, 255]]
    with pytest.raises(ValueError, match="width"):
        WindowLevel(0.5, 40)


def test_right_drag_right_widens_and_down_raises_the_level() -> None:
    drag = WindowDrag(100, 100, PRESETS["1"])  # 400 / 256 HU per pixel
    assert drag.at(100, 100) == WindowLevel(400, 40)
    assert drag.at(356, 100) == WindowLevel(800, 40)
    assert drag.at(100, 164) == WindowLevel(400, 140)
    assert drag.at(-10_000, 0).width == 1  # never below the DICOM minimum
    narrow = WindowDrag(0, 0, PRESETS["6"])  # brain W 80: finer steps (100 / 256 HU per px)
    assert narrow.at(256, 0) == WindowLevel(180, 40)


@pytest.mark.parametrize("dtype", [np.int16, np.float32])
def test_rgb32_pixels_are_opaque_grey_of_the_same_value(dtype: type[np.generic]) -> None:
    hu = np.random.default_rng(3).integers(-1024, 3072, size=(32, 48)).astype(dtype)
    grey = apply_window(hu, PRESETS["2"]).astype(np.uint32)
    rgb = apply_window_rgb32(hu, PRESETS["2"])
    np.testing.assert_array_equal(rgb, 0xFF000000 | grey << 16 | grey << 8 | grey)
