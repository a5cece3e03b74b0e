"""One viewport's response to keys, wheel and mouse; the readout and the mm scale bar."""

from __future__ import annotations

import numpy as np
import pytest

from reviewer_gui.viewer import (
    PRESETS,
    Button,
    PixelSpacing,
    Tool,
    Viewport,
    WindowLevel,
    apply_window,
    choose_scale_bar,
    format_mm,
)
from reviewer_gui.viewer.geometry import orientation_label


@pytest.mark.parametrize(
    ("mm_per_px", "max_px", "mm"),
    [(1.0, 120, 100), (1.0, 99, 50), (0.7, 100, 50), (2.0, 100, 200), (0.05, 100, 5),
     (0.3, 60, 10), (3.3, 150, 200), (0.0007, 100, 0.05)],
)
def test_scale_bar_is_the_longest_1_2_5_length_that_fits(mm_per_px: float, max_px: float,
                                                        mm: float) -> None:
    bar = choose_scale_bar(mm_per_px, max_px)
    assert bar is not None
    assert bar[0] == pytest.approx(mm)
    assert bar[1] == pytest.approx(mm / mm_per_px) and bar[1] <= max_px


def test_scale_bar_none_when_too_short_or_unknown() -> None:
    assert choose_scale_bar(1.0, 100, min_px=150) is None
    assert choose_scale_bar(float("nan"), 100) is None
    assert format_mm(50.0) == "50 mm" and format_mm(0.5) == "0.5 mm"


TWO_MM = PixelSpacing(2.0, 2.0)


def make(spacing: PixelSpacing | None = TWO_MM, n: int = 20) -> Viewport:
    rng = np.random.default_rng(0)
    voxels = rng.integers(-1000, 1000, size=(n, 160, 160)).astype(np.int16)
    return Viewport(voxels, [-100.0 + 5 * k for k in range(n)], spacing, 480, 480)


def test_image_is_the_shown_slice_window_levelled() -> None:
    vp = make()
    np.testing.assert_array_equal(vp.image(), apply_window(vp.voxels[10], PRESETS["1"]))
    assert vp.key("3")
    assert vp.window == PRESETS["3"]
    np.testing.assert_array_equal(vp.image(), apply_window(vp.voxels[10], PRESETS["3"]))
    vp.key("Down")
    np.testing.assert_array_equal(vp.image(), apply_window(vp.voxels[9], PRESETS["3"]))


def test_keys_and_wheel_scroll_within_the_stack() -> None:
    vp = make()
    assert vp.nav.index == 10
    vp.wheel(2, 0, 0)
    assert vp.nav.index == 12  # away from the reader: towards the head
    vp.key("Home")
    assert vp.nav.index == 19 and vp.readout()[0].startswith("Slice 1/20")
    assert not vp.wheel(1, 0, 0)  # clamped
    vp.key("PgDown")
    vp.key("Down")
    assert vp.nav.index == 8 and vp.readout()[0] == "Slice 12/20   z -60.0 mm"
    vp.key("End")
    assert vp.nav.index == 0
    assert not vp.key("Q")


def test_right_drag_adjusts_window_level_and_shows_it() -> None:
    vp = make()
    vp.press(Button.RIGHT, 100, 100)
    vp.move(164, 100)
    vp.release(Button.RIGHT, 164, 132)
    assert vp.window == WindowLevel(500, 90)
    assert vp.readout()[1] == "W 500 L 90"


def test_ctrl_wheel_zooms_about_the_pointer_and_f_fits_again() -> None:
    vp = make()
    fitted = vp.transform
    under = vp.transform.to_image(100, 300)
    vp.wheel(2, 100, 300, ctrl=True)
    assert vp.transform.zoom == pytest.approx(fitted.zoom * 1.25**2)
    assert vp.transform.to_image(100, 300) == pytest.approx(under)
    assert "Zoom 4.69x" in vp.readout()[2]
    vp.key("F")
    assert vp.transform == fitted


def test_middle_drag_pans_and_resize_keeps_a_fitted_image_fitted() -> None:
    vp = make()
    vp.resize(800, 480)
    assert vp.transform.image_rect(160, 160) == pytest.approx((160, 0, 480, 480))
    vp.press(Button.MIDDLE, 10, 10)
    vp.move(40, 30)
    vp.release(Button.MIDDLE, 50, 30)
    assert vp.transform.image_rect(160, 160)[:2] == pytest.approx((200, 20))
    vp.resize(900, 480)  # no longer fitted: keeps zoom, stays centred on the same point
    assert vp.transform.zoom == pytest.approx(3.0)


def test_left_drag_measures_with_the_active_tool() -> None:
    vp = make()
    vp.key("B")
    assert vp.layer.tool == Tool.BIDIRECTIONAL
    t = vp.transform
    vp.press(Button.LEFT, *t.to_screen(80, 60))
    vp.move(*t.to_screen(80, 80))
    vp.release(Button.LEFT, *t.to_screen(80, 80))
    vp.press(Button.LEFT, *t.to_screen(75, 70))
    vp.release(Button.LEFT, *t.to_screen(85, 70))
    (m,) = vp.layer.on_slice(10)
    assert (m.long_mm, m.short_mm) == pytest.approx((40.0, 20.0))
    vp.key("C")
    vp.press(Button.LEFT, *t.to_screen(10, 10))
    vp.move(*t.to_screen(10, 15))
    assert vp.key("Esc") and len(vp.layer.items) == 1


def test_without_spacing_no_scale_bar_and_measuring_says_why() -> None:
    vp = make(spacing=None)
    assert vp.scale_bar(200) is None
    assert vp.readout()[-1] == "No pixel spacing: measuring disabled"
    assert vp.press(Button.LEFT, 100, 100)  # repaint: to show the refusal
    assert "no pixel spacing" in vp.layer.message and vp.layer.items == []


def test_scale_bar_follows_the_zoom() -> None:
    vp = make()  # 160 px of 2 mm in 480 screen px: 0.667 mm per screen px
    assert vp.scale_bar(100) == pytest.approx((50.0, 75.0))
    vp.zoom(4.0)
    assert vp.scale_bar(100) == pytest.approx((10.0, 60.0))


@pytest.mark.parametrize(
    ("direction", "label"),
    [((1, 0, 0), "L"), ((-1, 0, 0), "R"), ((0, 1, 0), "P"), ((0, -1, 0), "A"),
     ((0, 0, 1), "H"), ((0, 0, -1), "F"), ((0.8, -0.6, 0), "LA"), ((0.1, 0, -0.99), "F")],
)
def test_orientation_letters_in_lps(direction: tuple[float, float, float], label: str) -> None:
    assert orientation_label(direction) == label
