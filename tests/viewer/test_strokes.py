"""A stroke that starts a new axis never edits an existing one unless it starts on an end
point by a clear margin (issue 15, bug 4: an 11 mm node at fit zoom, the short axis started
near a long-axis end moved that end instead, and the half-drawn overlay stayed)."""

from __future__ import annotations

import pytest

from reviewer_gui.viewer import Bidirectional, MeasurementLayer, Phase, PixelSpacing, Tool
from reviewer_gui.viewer.geometry import ON_HANDLE_PX, handle_to_grab
from reviewer_gui.viewer.transform import Point, ViewTransform

from .test_measure import drag

FIT = ViewTransform.fit(512, 512, 480, 480)  # a CT slice fitted to a 480 px view
SPACING = PixelSpacing(0.7, 0.7)
START, END = (100.0, 100.0), (100.0, 100.0 + 11 / 0.7)  # an 11 mm long axis, ~15 screen px


def small_node() -> tuple[MeasurementLayer, Bidirectional]:
    layer = MeasurementLayer(SPACING)
    layer.tool = Tool.BIDIRECTIONAL
    drag(layer, FIT, START, END)
    (node,) = layer.items
    assert isinstance(node, Bidirectional) and node.phase == Phase.AWAIT_SHORT
    return layer, node


def test_the_short_axis_started_near_a_long_axis_end_is_drawn_not_an_edit() -> None:
    layer, node = small_node()
    begin: Point = (96.0, 104.0)  # ~5.3 screen px from the long axis' start: near, not on it
    assert ON_HANDLE_PX < FIT.zoom * 32**0.5 < 8
    drag(layer, FIT, begin, (104.0, 104.0))
    assert node.long_axis == (START, END) and node.long_mm == pytest.approx(11.0)
    assert node.phase == Phase.DONE and node.short_mm == pytest.approx(8 * 0.7)
    assert len(layer.items) == 1


def test_a_press_on_the_end_point_still_moves_it() -> None:
    layer, node = small_node()
    x, y = FIT.to_screen(*END)
    layer.press(FIT, x + 2, y, 0)  # on the drawn handle
    assert node.phase == Phase.EDITING
    target = FIT.to_screen(100.0, 120.0)
    layer.move(FIT, *target)
    layer.release(FIT, *target)
    assert node.long_mm == pytest.approx(14.0) and node.phase == Phase.AWAIT_SHORT


def test_a_press_between_two_end_points_edits_neither() -> None:
    t = FIT.zoomed(0.5, 0, 0)  # zoomed out: two end points 6 screen px apart
    assert handle_to_grab(t, [((10.0, 10.0), (10.0, 23.0))], *t.to_screen(10.0, 16.5),
                          drafting=False) is None  # fmt: skip
    assert handle_to_grab(t, [((10.0, 10.0),), ((10.0, 23.0),)], *t.to_screen(10.0, 22.0),
                          drafting=False) == (1, 0)  # fmt: skip


def test_a_draft_is_dropped_when_the_reader_moves_on() -> None:
    layer, node = small_node()
    drag(layer, FIT, (96.0, 108.0), (104.0, 108.0))  # its short axis
    assert node.complete
    drag(layer, FIT, (300.0, 300.0), (300.0, 330.0))  # a new node's long axis: a draft
    assert [m.complete for m in layer.items] == [True, False]
    assert layer.drop_drafts() and [m.complete for m in layer.items] == [True]
    assert not layer.drop_drafts()
