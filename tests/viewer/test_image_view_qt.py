"""The real image view, driven with simulated mouse and key events (pytest-qt, offscreen)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QWheelEvent
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_gui.dicom import load_series
from reviewer_gui.qt import ImageView, LinkedViews, open_series
from reviewer_gui.viewer import PRESETS, Bidirectional, Measurement, Tool, WindowLevel

from .conftest import SAMPLE_SCANS
from .sample_lesions import edges, place

LEFT, RIGHT, MIDDLE = (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton,
                       Qt.MouseButton.MiddleButton)


def show(qtbot: QtBot, view: ImageView, width: int = 640, height: int = 600) -> ImageView:
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    loader = view.loader
    if loader is not None:  # wait for the whole series (its signal may already have come)
        qtbot.waitUntil(lambda: loader.isFinished() and view.status is None, timeout=20_000)
    return view


def at(view: ImageView, row: float, col: float) -> QPoint:
    x, y = view.viewport.transform.to_screen(row, col)
    return QPoint(round(x), round(y))


def across(view: ImageView, a: tuple[float, float], b: tuple[float, float]
           ) -> tuple[QPoint, QPoint]:
    """Screen ends of image segment a-b, each rounded to the whole screen pixel outside it.

    Mouse positions are whole screen pixels; a reader puts caliper ends on the outer edge
    of the boundary, so each end is rounded away from the other rather than to the nearest.
    """
    (ax, ay), (bx, by) = (view.viewport.transform.to_screen(*p) for p in (a, b))

    def away(v: float, other: float) -> int:
        return math.floor(v) if v < other else math.ceil(v) if v > other else round(v)

    return (QPoint(away(ax, bx), away(ay, by)), QPoint(away(bx, ax), away(by, ay)))


def drag(qtbot: QtBot, view: ImageView, a: QPoint, b: QPoint,
         button: Qt.MouseButton = LEFT) -> None:
    qtbot.mousePress(view, button, pos=a)
    for k in range(1, 6):
        qtbot.mouseMove(view, a + (b - a) * (k / 5))
    qtbot.mouseRelease(view, button, pos=b)


def go_to_slice(qtbot: QtBot, view: ImageView, index: int) -> None:
    """Scroll with the arrow keys, as a reader would."""
    while view.viewport.nav.index != index:
        key = Qt.Key.Key_Up if view.viewport.nav.index < index else Qt.Key.Key_Down
        qtbot.keyClick(view, key)


def wheel(view: ImageView, notches: int, pos: QPoint, ctrl: bool = False) -> None:
    mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    event = QWheelEvent(QPointF(pos), QPointF(view.mapToGlobal(pos)), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton, mods,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)


@pytest.mark.parametrize("zoom_keys", [0, 3])
def test_caliper_on_a_liver_lesion_matches_truth_within_one_pixel(
        qtbot: QtBot, zoom_keys: int) -> None:
    folder = SAMPLE_SCANS / "SUBJ-001" / "BASELINE"
    view = show(qtbot, open_series(sorted(folder.iterdir())))
    lesion = place(view.volume, "SUBJ-001", "BASELINE", "T1")
    done: list[Measurement] = []
    view.measurement_done.connect(done.append)
    go_to_slice(qtbot, view, lesion.slice_index)
    for _ in range(zoom_keys):
        qtbot.keyClick(view, Qt.Key.Key_Plus)
    drag(qtbot, view, at(view, lesion.row, lesion.col - 30), at(view, lesion.row - 20,
                                                                  lesion.col - 10), MIDDLE)
    lo, hi = edges(view.volume, lesion, "x")
    drag(qtbot, view, *across(view, (lesion.row, lo), (lesion.row, hi)))
    (m,) = done
    assert m.long_mm is not None
    assert abs(m.long_mm - lesion.long_mm) <= view.volume.spacing_mm[2]  # 40 mm, one 2 mm pixel
    assert view.volume.sop_instance_uids[m.slice_index] == view.volume.sop_instance_uids[
        lesion.slice_index]
    assert view.volume.slice_positions_mm[m.slice_index] == -75.0


def test_bidirectional_on_a_lymph_node_matches_both_axes(qtbot: QtBot) -> None:
    folder = SAMPLE_SCANS / "SUBJ-002" / "BASELINE"
    view = show(qtbot, ImageView(load_series(folder)))
    node = place(view.volume, "SUBJ-002", "BASELINE", "T2")  # long axis along y (rows)
    go_to_slice(qtbot, view, node.slice_index)
    qtbot.keyClick(view, Qt.Key.Key_B)
    assert view.viewport.layer.tool == Tool.BIDIRECTIONAL
    top, bottom = edges(view.volume, node, "y")
    left, right = edges(view.volume, node, "x")
    drag(qtbot, view, *across(view, (top, node.col), (bottom, node.col)))
    drag(qtbot, view, *across(view, (node.row, left), (node.row, right)))
    (m,) = view.viewport.layer.on_slice(node.slice_index)
    assert isinstance(m, Bidirectional) and m.complete
    assert m.long_mm is not None and m.short_mm is not None
    assert abs(m.long_mm - node.long_mm) <= 2.0 and abs(m.short_mm - node.short_mm) <= 2.0
    assert m.notes() == []


def test_end_point_dragged_at_high_zoom(qtbot: QtBot) -> None:
    view = show(qtbot, ImageView(load_series(SAMPLE_SCANS / "SUBJ-003" / "M2")))
    wheel(view, 4, QPoint(320, 300), ctrl=True)  # zoom 1.25^4 about the centre
    drag(qtbot, view, at(view, 70, 70), at(view, 70, 90))
    (m,) = view.viewport.layer.items
    assert m.long_mm == pytest.approx(40.0, abs=0.3)
    end = at(view, 70, 90)
    drag(qtbot, view, end + QPoint(5, -4), at(view, 85, 90))  # grab 6 px off the handle
    assert len(view.viewport.layer.items) == 1
    assert m.long_mm == pytest.approx(50.0, abs=0.3)  # (15, 20) pixels of 2 mm


def test_keys_wheel_and_right_drag(qtbot: QtBot) -> None:
    view = show(qtbot, ImageView(load_series(SAMPLE_SCANS / "SUBJ-001" / "M2")))
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert view.viewport.window == PRESETS["3"]
    drag(qtbot, view, QPoint(300, 300), QPoint(556, 300), RIGHT)  # 1500/256 HU per pixel
    assert view.viewport.window == WindowLevel(3000, -600)
    start = view.viewport.nav.index
    wheel(view, -3, QPoint(300, 300))
    assert view.viewport.nav.index == start - 3
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.viewport.nav.index == view.volume.shape[0] - 1
    assert view.viewport.readout()[0].startswith("Slice 1/20")
    grabbed = view.grab()  # paints through the real paintEvent
    assert grabbed.width() == 640 and view.paint_count > 0


@pytest.mark.parametrize(
    "recorded", [None, (float("nan"), float("nan"))], ids=["missing", "not a length"]
)
def test_without_pixel_spacing_the_view_refuses_and_shows_no_scale(
    qtbot: QtBot, recorded: tuple[float, float] | None
) -> None:
    # As the loader gives a file without PixelSpacing: 1.0 for display, spacing unknown.
    volume = load_series(SAMPLE_SCANS / "SUBJ-001" / "M4")
    unknown = dataclasses.replace(volume, spacing_mm=(5.0, 1.0, 1.0), pixel_spacing_mm=recorded)
    view = show(qtbot, ImageView(unknown))
    drag(qtbot, view, QPoint(200, 200), QPoint(300, 200))
    assert view.viewport.layer.items == []
    assert "no pixel spacing" in view.viewport.layer.message
    assert view.viewport.scale_bar(200) is None
    view.grab()


def test_linked_views_share_position_and_window(qtbot: QtBot) -> None:
    prior_files = sorted((SAMPLE_SCANS / "SUBJ-001" / "M4").iterdir())  # table at -5 mm
    current_files = sorted((SAMPLE_SCANS / "SUBJ-001" / "M6").iterdir())  # table at 0 mm
    prior, current = open_series(prior_files), open_series(current_files)
    link = LinkedViews(prior, current)
    show(qtbot, prior)
    show(qtbot, current)
    assert prior.volume.shape[0] == current.volume.shape[0] == 20
    qtbot.keyClick(current, Qt.Key.Key_Down)
    qtbot.keyClick(current, Qt.Key.Key_Down)
    p, c = prior.viewport.nav, current.viewport.nav
    assert p.position_mm == c.position_mm
    assert p.index == c.index + 1  # same anatomy, different slice numbers
    assert link.link is not None and link.link.first is p
    qtbot.keyClick(current, Qt.Key.Key_2)  # the liver window applies to prior and current
    assert prior.viewport.window == current.viewport.window == PRESETS["2"]
    drag(qtbot, prior, QPoint(300, 300), QPoint(300, 556), RIGHT)  # 150/256 HU per pixel
    assert current.viewport.window == prior.viewport.window == WindowLevel(150, 240)


def test_first_image_is_shown_before_the_series_finishes_loading(qtbot: QtBot) -> None:
    files = sorted((SAMPLE_SCANS / "SUBJ-002" / "M6").iterdir())
    view = open_series(files, first=files[3])
    assert view.volume.shape[0] == 1  # just the needed slice, at once
    needed = view.volume.sop_instance_uids[0]
    show(qtbot, view)
    assert view.volume.shape[0] == 20 and view.status is None
    assert view.volume.sop_instance_uids[view.viewport.nav.index] == needed
