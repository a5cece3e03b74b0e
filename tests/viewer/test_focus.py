"""Bringing a view to a lesion (issue 15, friction 2): centred, magnified so that it fills a
useful part of the view (within limits), in its organ's window."""

from __future__ import annotations

import numpy as np
import pytest

from reviewer_gui.viewer import DEFAULT_WINDOW, PRESETS, PixelSpacing, Viewport
from reviewer_gui.viewer.focus import FILL, MAX_OVER_FIT, focus_on, window_for


def viewport() -> Viewport:
    voxels = np.zeros((2, 512, 512), dtype=np.int16)
    return Viewport(voxels, [0.0, 5.0], PixelSpacing(0.7, 0.7), 600, 500)


def test_a_small_lesion_is_centred_and_magnified_to_a_quarter_of_the_view() -> None:
    vp = viewport()
    ends = [(100.0, 380.0), (100.0, 410.0)]  # 21 mm, 30 pixels, far off-centre
    focus_on(vp, ends)
    (x0, y0), (x1, y1) = (vp.transform.to_screen(*p) for p in ends)
    assert ((x0 + x1) / 2, (y0 + y1) / 2) == pytest.approx((300.0, 250.0))
    assert x1 - x0 == pytest.approx(FILL * 500)
    assert not vp.fitted


def test_the_magnification_stays_between_the_whole_image_and_its_limit() -> None:
    vp = viewport()
    fit = vp.fitted_transform().zoom
    focus_on(vp, [(250.0, 250.0), (250.0, 251.0)])  # a tiny one
    assert vp.transform.zoom == pytest.approx(MAX_OVER_FIT * fit)
    focus_on(vp, [(10.0, 10.0), (500.0, 500.0)])  # a huge one
    assert vp.transform.zoom == pytest.approx(fit)


def test_each_organ_in_its_window() -> None:
    assert window_for("lung") == PRESETS["3"] and window_for("liver") == PRESETS["2"]
    assert window_for("bone") == PRESETS["4"] and window_for("kidney") == DEFAULT_WINDOW
