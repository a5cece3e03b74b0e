"""Caliper and bidirectional tools driven by simulated press/move/release in screen pixels."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer_gui.viewer import (
    Bidirectional,
    Caliper,
    MeasurementLayer,
    MeasurementRefused,
    Phase,
    PixelSpacing,
    Tool,
    ViewTransform,
)
from reviewer_gui.viewer.transform import Point

ZOOMS = [0.5, 1.0, 2.5, 6.0]


def view(zoom: float) -> ViewTransform:
    """A 160 x 160 image fitted to 480 px, then zoomed about an off-centre point and panned."""
    return ViewTransform.fit(160, 160, 480, 480).zoomed(zoom / 3, 200, 150).panned(13, -7)


def drag(tool: Caliper | MeasurementLayer, t: ViewTransform, a: Point, b: Point,
         slice_index: int = 0, steps: int = 4) -> None:
    """Press at image point a, move in steps, release at image point b (screen coords sent)."""
    pts = [t.to_screen(a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps)
           for k in range(steps + 1)]
    if isinstance(tool, MeasurementLayer):
        tool.press(t, *pts[0], slice_index)
    else:
        tool.press(t, *pts[0])
    for p in pts[1:]:
        tool.move(t, *p)
    tool.release(t, *pts[-1])


@pytest.mark.parametrize("zoom", ZOOMS)
def test_caliper_length_in_mm_from_the_pixel_spacing(zoom: float) -> None:
    t = view(zoom)
    caliper = Caliper(PixelSpacing(0.7, 0.7), slice_index=3)
    drag(caliper, t, (10, 20), (10, 60))
    assert caliper.phase == Phase.DONE and caliper.complete
    assert caliper.long_axis is not None
    assert [*caliper.long_axis[0], *caliper.long_axis[1]] == pytest.approx([10, 20, 10, 60])
    assert caliper.long_mm == pytest.approx(40 * 0.7)


@pytest.mark.parametrize(
    ("spacing", "a", "b", "mm"),
    [((2.0, 2.0), (0, 0), (3, 4), 10.0), ((0.5, 1.0), (0, 0), (40, 0), 20.0),
     ((0.5, 1.0), (0, 0), (0, 40), 40.0), ((0.5, 1.0), (0, 0), (60, 40), 50.0)],
)
def test_lengths_follow_row_and_column_spacing(spacing: tuple[float, float], a: Point,
                                               b: Point, mm: float) -> None:
    caliper = Caliper(PixelSpacing(*spacing), 0)
    drag(caliper, view(2.0), a, b)
    assert caliper.long_mm == pytest.approx(mm)


def test_without_pixel_spacing_measuring_is_refused_with_the_reason() -> None:
    with pytest.raises(MeasurementRefused, match=r"PixelSpacing \(0028,0030\)"):
        Caliper(None, 0)
    with pytest.raises(MeasurementRefused, match="not positive"):
        PixelSpacing(0.0, 0.7)
    layer = MeasurementLayer(spacing=None)
    t = view(1.0)
    drag(layer, t, (10, 10), (10, 50))
    assert layer.items == []
    assert "no pixel spacing" in layer.message and "mm" in layer.message


@pytest.mark.parametrize("zoom", ZOOMS)
def test_end_point_is_redraggable_within_the_screen_tolerance(zoom: float) -> None:
    t = view(zoom)
    layer = MeasurementLayer(PixelSpacing(1.0, 1.0))
    drag(layer, t, (50, 50), (50, 90))
    (caliper,) = layer.items
    # Grab the end 6 screen pixels off (inside the 8 px tolerance) and drop it elsewhere.
    ex, ey = t.to_screen(50, 90)
    layer.press(t, ex + 6, ey, 0)
    assert caliper.phase == Phase.EDITING
    target = t.to_screen(80, 90)
    layer.move(t, *target)
    layer.release(t, *target)
    assert caliper.phase == Phase.DONE and len(layer.items) == 1
    assert caliper.long_mm == pytest.approx(math.hypot(30, 40))
    # 12 screen pixels off (outside): a new measurement starts instead.
    sx, sy = t.to_screen(50, 50)
    layer.press(t, sx + 12, sy, 0)
    assert caliper.phase == Phase.DONE and len(layer.items) == 2


def test_a_click_is_not_a_measurement_and_locked_ones_do_not_move() -> None:
    t = view(1.0)
    layer = MeasurementLayer(PixelSpacing(1.0, 1.0))
    x, y = t.to_screen(40, 40)
    layer.press(t, x, y, 0)
    layer.release(t, x + 1, y + 1)  # < 3 screen pixels
    assert layer.items == []
    drag(layer, t, (40, 40), (40, 80))
    (prior,) = layer.items
    prior.locked = True
    before = prior.long_axis
    drag(layer, t, (40, 80), (70, 80))  # starts a new caliper instead of moving the locked end
    assert prior.long_axis == before and len(layer.items) == 2


def test_measurements_belong_to_their_slice_and_listeners_hear_of_them() -> None:
    t = view(1.0)
    layer = MeasurementLayer(PixelSpacing(1.0, 1.0))
    done: list[float | None] = []
    layer.subscribe(lambda m: done.append(m.long_mm))
    drag(layer, t, (40, 40), (40, 80), slice_index=7)
    assert layer.on_slice(7) == layer.items and layer.on_slice(6) == []
    x, y = t.to_screen(40, 80)
    layer.press(t, x, y, 6)  # the end point is on slice 7, not here: a new caliper starts
    assert len(layer.items) == 2
    layer.cancel()
    assert len(layer.items) == 1 and done == [40.0]


@pytest.mark.parametrize("zoom", ZOOMS)
def test_bidirectional_short_axis_is_held_perpendicular(zoom: float) -> None:
    t = view(zoom)
    layer = MeasurementLayer(PixelSpacing(0.8, 0.8))
    layer.tool = Tool.BIDIRECTIONAL
    drag(layer, t, (80, 40), (80, 90))  # horizontal long axis, 50 px = 40 mm
    (bidi,) = layer.items
    assert isinstance(bidi, Bidirectional) and bidi.phase == Phase.AWAIT_SHORT
    assert not bidi.complete
    drag(layer, t, (70, 60), (95, 75))  # a slanted drag: only its vertical part counts
    assert bidi.phase == Phase.DONE and bidi.complete and len(layer.items) == 1
    assert bidi.long_mm == pytest.approx(40.0)
    assert bidi.short_mm == pytest.approx(25 * 0.8)
    short = bidi.short_axis
    assert short is not None
    assert short[0] == pytest.approx((70, 60)) and short[1] == pytest.approx((95, 60))
    assert bidi.notes() == []


def test_dragging_a_long_axis_end_carries_the_short_axis_along() -> None:
    spacing = PixelSpacing(0.5, 1.0)  # non-square pixels: perpendicular in mm, not in pixels
    t = view(2.0)
    bidi = Bidirectional(spacing, 0)
    drag(bidi, t, (100, 20), (100, 60))
    drag(bidi, t, (90, 40), (110, 40))
    assert bidi.short_mm == pytest.approx(10.0)
    drag(bidi, t, (100, 60), (180, 60))  # grab the long axis' end, move it down 80 rows
    long_axis, short_axis = bidi.long_axis, bidi.short_axis
    assert long_axis is not None and short_axis is not None
    (a, b), (c, d) = (spacing.to_mm(p) for p in long_axis), (spacing.to_mm(p) for p in
                                                             short_axis)
    dot = (b[0] - a[0]) * (d[0] - c[0]) + (b[1] - a[1]) * (d[1] - c[1])
    assert dot == pytest.approx(0.0, abs=1e-9)
    assert bidi.short_mm == pytest.approx(10.0)
    assert bidi.long_mm == pytest.approx(math.hypot(40, 40))


def test_dragging_a_short_axis_end_changes_only_its_extent() -> None:
    t = view(1.0)
    bidi = Bidirectional(PixelSpacing(1.0, 1.0), 0)
    drag(bidi, t, (50, 20), (50, 80))
    drag(bidi, t, (40, 50), (60, 50))
    drag(bidi, t, (60, 50), (70, 55))  # pull the lower end further down (and sideways)
    assert bidi.short_mm == pytest.approx(30.0)
    assert bidi.short_axis is not None
    assert [*bidi.short_axis[0], *bidi.short_axis[1]] == pytest.approx([40, 50, 70, 50])
    assert bidi.long_mm == pytest.approx(60.0)


def test_bidirectional_notes_a_short_axis_longer_than_the_long_one() -> None:
    t = view(1.0)
    bidi = Bidirectional(PixelSpacing(1.0, 1.0), 0)
    drag(bidi, t, (50, 40), (50, 60))
    drag(bidi, t, (20, 50), (80, 50))
    assert bidi.notes() == ["short axis longer than long axis: redraw the longest diameter"]
    off = Bidirectional(PixelSpacing(1.0, 1.0), 0)
    drag(off, t, (50, 40), (50, 60))
    drag(off, t, (55, 50), (70, 50))  # entirely below the long axis
    assert off.notes() == ["short axis does not cross the long axis"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["draw", "click", "add", "remove", "cancel"]),
                          st.integers(0, 4), st.integers(0, 9)), max_size=30))
def test_on_slice_answers_as_a_scan_of_every_measurement_would(
        ops: list[tuple[str, int, int]]) -> None:
    """The per-slice index stays true through every way the layer's list changes."""
    t = view(1.0)
    layer = MeasurementLayer(PixelSpacing(1.0, 1.0))
    for op, slice_index, k in ops:
        if op == "draw":
            drag(layer, t, (10 + k, 10), (10 + k, 60), slice_index=slice_index)
        elif op == "click":  # a press without release: a measurement being drawn
            layer.press(t, *t.to_screen(90 + k, 90), slice_index)
        elif op == "add":
            layer.add(Caliper.restored(PixelSpacing(1.0, 1.0), slice_index,
                                       ((5.0, 5.0), (5.0, 25.0 + k)), locked=True))
        elif op == "remove" and layer.items:
            layer.remove(layer.items[k % len(layer.items)])
        elif op == "cancel":
            layer.cancel()
        for s in range(5):
            assert layer.on_slice(s) == [m for m in layer.items if m.slice_index == s]
