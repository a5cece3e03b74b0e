"""The frame a slice step draws ahead of the paint (benchmarks/viewer_RESULTS.md) shows the
same pixels as painting directly, and never a stale slice, window, zoom or size."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtGui import QImage
from pytestqt.qtbot import QtBot

from reviewer_gui.dicom import load_series
from reviewer_gui.qt import ImageView
from reviewer_gui.qt.image_view import SMOOTH_BELOW_ZOOM

from .conftest import SAMPLE_SCANS
from .test_image_view_qt import MIDDLE, drag, show


def painted(view: ImageView, through_frame: bool) -> QImage:
    """The view as a scroll paints it (nearest neighbour), with or without the frame."""
    if not through_frame:
        view._frame_key = None
    view._refine.start()  # still scrolling: no smooth repaint yet
    return view.grab().toImage()


@pytest.mark.parametrize("zoom_keys", [0, 10], ids=["fitted", "zoomed in and panned"])
def test_a_step_paints_the_same_pixels_through_its_frame(qtbot: QtBot, zoom_keys: int) -> None:
    view = show(qtbot, ImageView(load_series(SAMPLE_SCANS / "SUBJ-001" / "M2")))
    for _ in range(zoom_keys):
        qtbot.keyClick(view, Qt.Key.Key_Plus)
    if zoom_keys:
        drag(qtbot, view, QPoint(300, 300), QPoint(420, 350), MIDDLE)  # image off the edges
        assert view.viewport.transform.zoom >= SMOOTH_BELOW_ZOOM
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view._frame_key == view._key()  # drawn on the step, before any paint
    through = painted(view, through_frame=True)
    assert through == painted(view, through_frame=False)
    centre = through.pixelColor(through.width() // 2, through.height() // 2)
    assert centre.red() == centre.green() == centre.blue()  # grey image, not the black band


@pytest.mark.parametrize("change", ["window", "zoom", "size", "slice without a step"])
def test_a_frame_is_not_reused_once_what_it_shows_changed(qtbot: QtBot, change: str) -> None:
    view = show(qtbot, ImageView(load_series(SAMPLE_SCANS / "SUBJ-001" / "M2")))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view._frame_key == view._key()
    if change == "window":
        qtbot.keyClick(view, Qt.Key.Key_3)  # lung window: every grey changes
    elif change == "zoom":
        qtbot.keyClick(view, Qt.Key.Key_Plus)
    elif change == "size":
        view.resize(500, 640)
    else:
        view._pixels_ahead = True  # a second step before the paint: not drawn ahead
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view._frame_key != view._key()
    assert painted(view, through_frame=True) == painted(view, through_frame=False)
