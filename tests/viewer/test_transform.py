"""The view transform: screen <-> image round trips, zoom about a point, pan, fit."""

from __future__ import annotations

import math

import pytest

from reviewer_gui.viewer import ViewTransform
from reviewer_gui.viewer.transform import MAX_ZOOM, MIN_ZOOM


@pytest.mark.parametrize("zoom", [0.3, 1.0, 2.5, 7.0])
@pytest.mark.parametrize("aspect", [1.0, 0.5, 2.0])
def test_screen_image_round_trip(zoom: float, aspect: float) -> None:
    t = ViewTransform.fit(512, 512, 800, 600, aspect).zoomed(zoom, 123, 456).panned(-31, 17)
    for row, col in [(0.0, 0.0), (511.0, 0.0), (255.5, 300.25), (-3.0, 600.0)]:
        x, y = t.to_screen(row, col)
        back = t.to_image(x, y)
        assert back == pytest.approx((row, col), abs=1e-9)


def test_pixel_centres_are_on_integers_and_the_corner_at_minus_a_half() -> None:
    t = ViewTransform(scale_x=4, scale_y=4, offset_x=10, offset_y=20)
    assert t.to_screen(-0.5, -0.5) == (10, 20)  # the image's top-left corner
    assert t.to_screen(0, 0) == (12, 22)  # the first pixel's centre
    assert t.to_image(12, 22) == (0, 0)


def test_fit_centres_the_whole_image_in_true_proportions() -> None:
    t = ViewTransform.fit(100, 200, 800, 800)  # wide image: width limits
    assert t.image_rect(100, 200) == pytest.approx((0, 200, 800, 400))
    tall = ViewTransform.fit(100, 100, 800, 800, aspect=2.0)  # rows twice as far apart
    x, y, w, h = tall.image_rect(100, 100)
    assert (w, h) == pytest.approx((400, 800)) and x == pytest.approx(200) and y == 0


def test_zoom_keeps_the_image_point_under_the_pointer() -> None:
    t = ViewTransform.fit(512, 512, 700, 700)
    under = t.to_image(250, 400)
    for factor in (2.0, 0.5, 1.25**3):
        z = t.zoomed(factor, 250, 400)
        assert z.to_image(250, 400) == pytest.approx(under)
        assert z.zoom == pytest.approx(t.zoom * factor)


def test_zoom_is_clamped() -> None:
    t = ViewTransform()
    assert t.zoomed(1e6, 0, 0).zoom == pytest.approx(MAX_ZOOM)
    assert t.zoomed(1e-6, 0, 0).zoom == pytest.approx(MIN_ZOOM)
    with pytest.raises(ValueError, match="positive"):
        t.zoomed(0, 0, 0)


def test_pan_moves_every_point_by_the_drag() -> None:
    t = ViewTransform.fit(64, 64, 256, 256)
    p = t.panned(30, -12).to_screen(10, 20)
    q = t.to_screen(10, 20)
    assert (p[0] - q[0], p[1] - q[1]) == pytest.approx((30, -12))
    assert math.isclose(t.panned(30, -12).zoom, t.zoom)
