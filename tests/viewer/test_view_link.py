"""Zoom toward the pointer (Ctrl+wheel and +/-) and zoom/pan shared by prior and current
(issue 15, friction 1: small lesions needed zoom then pan every time, in each view)."""

from __future__ import annotations

import numpy as np
import pytest

from reviewer_gui.viewer import Button, PixelSpacing, Viewport
from reviewer_gui.viewer.view_link import ViewLink, shared_view


def viewport(rows: int, cols: int, spacing: float, width: float = 600,
             height: float = 500) -> Viewport:  # fmt: skip
    voxels = np.zeros((3, rows, cols), dtype=np.int16)
    return Viewport(voxels, [0.0, 5.0, 10.0], PixelSpacing(spacing, spacing), width, height)


@pytest.mark.parametrize("key", ["+", "-"])
def test_plus_and_minus_zoom_toward_the_pointer(key: str) -> None:
    vp = viewport(512, 512, 0.7)
    under = vp.transform.to_image(420.0, 130.0)
    assert vp.key(key, (420.0, 130.0))
    assert vp.transform.to_image(420.0, 130.0) == pytest.approx(under)
    zoomed = vp.transform.zoom
    centre = vp.transform.to_image(300.0, 250.0)
    vp.key(key)  # the pointer elsewhere: about the centre, as before
    assert vp.transform.to_image(300.0, 250.0) == pytest.approx(centre)
    assert vp.transform.zoom != zoomed


def test_ctrl_wheel_zooms_toward_the_pointer() -> None:
    vp = viewport(512, 512, 0.7)
    under = vp.transform.to_image(100.0, 400.0)
    vp.wheel(2, 100.0, 400.0, ctrl=True)
    assert vp.transform.to_image(100.0, 400.0) == pytest.approx(under)


def test_zoom_and_pan_follow_from_either_view_to_the_same_region() -> None:
    prior, current = viewport(512, 512, 0.7, 560, 500), viewport(256, 256, 1.4, 600, 480)
    repainted: list[Viewport] = []
    link = ViewLink(prior, current, repainted.append)
    current.wheel(3, 150.0, 200.0, ctrl=True)  # on a lesion in the current image
    assert repainted == [prior]
    a, b = shared_view(prior), shared_view(current)
    assert a.zoom_over_fit == pytest.approx(b.zoom_over_fit) and b.zoom_over_fit > 1.9
    assert (a.row_fraction, a.col_fraction) == pytest.approx((b.row_fraction, b.col_fraction))
    prior.press(Button.MIDDLE, 300.0, 300.0)  # pan the prior
    prior.move(260.0, 280.0)
    prior.release(Button.MIDDLE, 260.0, 280.0)
    a, b = shared_view(prior), shared_view(current)
    assert (a.row_fraction, a.col_fraction) == pytest.approx((b.row_fraction, b.col_fraction))
    current.key("F")  # fit: both
    assert prior.fitted and current.fitted
    link.close()
    current.key("+")
    assert prior.fitted and not current.fitted
