"""The one-click flow in the viewer, without a display (issue 17 item 1): a click with the
one-click tool proposes the lesion's axes as an editable caliper flagged proposed; a drag of
an end adjusts it; Enter accepts it (reported with each axis' kind); Esc discards it; a click
on no lesion says so and proposes nothing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reviewer_gui.viewer import Button, Measurement, PixelSpacing, Tool, Viewport
from reviewer_gui.viewer.proposal import ACCEPTED, ADJUSTED, HELP, NO_LESION

from .test_propose import rotated_ellipse

PIXEL_MM = 0.8


def viewport() -> tuple[Viewport, list[Measurement]]:
    """A 3-slice stack whose middle slice holds a 36 x 20 mm ellipse at 30 degrees."""
    lesion = rotated_ellipse(36, 20, 30, PIXEL_MM)
    stack = np.stack([np.full_like(lesion, 100.0), lesion, np.full_like(lesion, 100.0)])
    vp = Viewport(stack.astype(np.float32), [0.0, 5.0, 10.0], PixelSpacing(PIXEL_MM, PIXEL_MM),
                  512, 512)  # fmt: skip
    vp.nav.go_to(1)
    done: list[Measurement] = []
    vp.layer.subscribe(done.append)
    vp.layer.tool = Tool.PROPOSE
    return vp, done


def click(vp: Viewport, row: float, col: float) -> None:
    x, y = vp.transform.to_screen(row, col)
    vp.press(Button.LEFT, x, y)
    vp.release(Button.LEFT, x, y)


def drag(vp: Viewport, start: tuple[float, float], end: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = (vp.transform.to_screen(*p) for p in (start, end))
    vp.press(Button.LEFT, x0, y0)
    vp.move(x1, y1)
    vp.release(Button.LEFT, x1, y1)


def test_a_click_proposes_then_enter_accepts_as_proposed() -> None:
    vp, done = viewport()
    click(vp, 63.5, 63.5)
    proposal = vp.layer.proposal
    assert proposal is not None and done == []  # nothing recorded before the decision
    m = proposal.measurement
    assert m.proposed and m.slice_index == 1 and vp.layer.message == ""  # its label says
    assert m.long_mm == pytest.approx(36, abs=1.5 * PIXEL_MM)
    assert m.short_mm == pytest.approx(20, abs=1.5 * PIXEL_MM)
    assert vp.key("Enter")
    assert done == [m] and not m.proposed and m.kinds == (ACCEPTED, ACCEPTED)
    assert vp.layer.proposal is None and not vp.key("Enter")  # nothing left to accept


def test_a_drag_of_a_short_axis_end_adjusts_only_the_short_axis() -> None:
    vp, done = viewport()
    click(vp, 63.5, 63.5)
    proposal = vp.layer.proposal
    assert proposal is not None
    m = proposal.measurement
    short = m.short_axis
    assert short is not None
    before = m.short_mm
    end = short[1]
    outward = (end[0] + (end[0] - short[0][0]) * 0.1, end[1] + (end[1] - short[0][1]) * 0.1)
    drag(vp, end, outward)
    assert done == [] and m.proposed  # adjusted, still awaiting Enter
    assert m.short_mm is not None and before is not None and m.short_mm > before
    assert proposal.kinds == (ACCEPTED, ADJUSTED)
    vp.key("Enter")
    assert done == [m] and m.kinds == (ACCEPTED, ADJUSTED)


def test_a_drag_of_a_long_axis_end_adjusts_both_axes() -> None:
    vp, _ = viewport()
    click(vp, 63.5, 63.5)
    proposal = vp.layer.proposal
    assert proposal is not None and proposal.measurement.long_axis is not None
    _, end = proposal.measurement.long_axis
    drag(vp, end, (end[0] + 2, end[1] + 2))
    assert proposal.kinds == (ADJUSTED, ADJUSTED)  # the short axis moved along


def test_esc_discards_and_a_click_on_no_lesion_says_so() -> None:
    vp, done = viewport()
    click(vp, 63.5, 63.5)
    assert vp.layer.proposal is not None
    vp.key("Esc")
    assert vp.layer.proposal is None and vp.layer.on_slice(1) == [] and done == []
    vp.nav.go_to(0)  # uniform liver: no lesion
    click(vp, 63.5, 63.5)
    assert vp.layer.proposal is None and vp.layer.message == NO_LESION
    assert vp.layer.on_slice(0) == []


def test_a_pending_proposal_is_decided_before_another_caliper_is_drawn() -> None:
    vp, done = viewport()
    click(vp, 63.5, 63.5)
    vp.layer.tool = Tool.CALIPER
    drag(vp, (10.0, 10.0), (10.0, 40.0))
    assert vp.layer.message == HELP and len(vp.layer.on_slice(1)) == 1 and done == []
    assert vp.layer.drop_drafts() and vp.layer.proposal is None  # moving on drops it


def test_the_point_tool_reports_the_click_and_draws_nothing() -> None:
    vp, done = viewport()
    marked: list[tuple[int, tuple[float, float]]] = []
    vp.layer.subscribe_point(lambda k, p: marked.append((k, p)))
    vp.layer.tool = Tool.POINT
    click(vp, 40.25, 70.5)
    assert len(marked) == 1 and marked[0][0] == 1
    assert math.dist(marked[0][1], (40.25, 70.5)) < 1e-6
    assert vp.layer.items == [] and done == []
