"""The reading screen holds still and offers only what makes sense (issue 15, bugs 5-6): the
images never move while reading, baseline offers no state that means change, and no single
key drops a measurement without asking."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QEnterEvent
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_gui.dicom import load_series
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category, ReadKey, State
from reviewer_gui.viewer.view_link import shared_view

from .helpers import SAMPLE_SCANS, measure_across, ready, truth_segments, wheel
from .test_measuring import add_lesion

CTRL = Qt.KeyboardModifier.ControlModifier
KEY = ReadKey("SUBJ-001", "alice")


def image_geometry(window: MainWindow) -> tuple[int, int, int, int]:
    view = window.views.current
    assert view is not None
    corner = view.mapTo(window, QPoint(0, 0))
    return corner.x(), corner.y(), view.width(), view.height()


def test_the_images_do_not_move_while_lesions_are_added_and_chosen(
        qtbot: QtBot, window: MainWindow) -> None:
    qtbot.wait(50)
    before = image_geometry(window)
    add_lesion(qtbot, window, "T", "liver")
    assert image_geometry(window) == before
    add_lesion(qtbot, window, "T", "lymph node", shift=True)  # a node: other state buttons
    assert image_geometry(window) == before
    for lesion_id in ("T1", "NT1", "T1"):
        window.session.select_lesion(lesion_id)
        assert image_geometry(window) == before, lesion_id
    qtbot.keyClick(window, "S", Qt.KeyboardModifier.ShiftModifier)  # measuring a fragment
    assert image_geometry(window) == before


def enabled_states(window: MainWindow) -> set[State]:
    return {s for s, b in window.panel.state_buttons.items() if b.isEnabled() and b.isVisible()}


def test_baseline_offers_no_state_that_means_change(qtbot: QtBot, window: MainWindow) -> None:
    add_lesion(qtbot, window, "T", "liver")
    assert enabled_states(window) == set()  # a target is measured, nothing else at baseline
    absent = window.panel.state_buttons[State.ABSENT]
    assert absent.isVisible() and "not at baseline" in absent.toolTip()
    add_lesion(qtbot, window, "T", "bone", shift=True)
    assert enabled_states(window) == {State.PRESENT}
    assert not window.panel.reason.isEnabled()  # no unequivocal progression at baseline
    qtbot.keyClick(window, "A")  # the key does not do what the button may not
    assert window.session.project.read(KEY).observation("BASELINE", "NT1") is None
    assert "not offered for NT1 at BASELINE" in window.message.text()


def test_a_measured_lesion_is_set_absent_only_once_the_reader_confirms(
        qtbot: QtBot, window: MainWindow) -> None:
    project = window.session.project
    for label in ("BASELINE", "M2"):
        volume = load_series(SAMPLE_SCANS / "SUBJ-001" / label, workers=1)
        if label == "BASELINE":
            project.add_lesion(KEY, Category.TARGET, "liver", lesion_id="T1")
        long, short, plane = truth_segments(volume, "SUBJ-001", label, "T1")
        project.measure(KEY, label, "T1", long, plane, short_axis=short)
        if label == "BASELINE":
            project.sign(KEY, label)
    qtbot.keyClick(window, Qt.Key.Key_Right, CTRL)
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    window.session.select_lesion("T1")
    assert enabled_states(window) == {State.ABSENT, State.TOO_SMALL, State.NOT_EVALUATED,
                                      State.MERGED}  # fmt: skip
    asked: list[str] = []
    window.confirm = lambda text: asked.append(text) is not None  # answered no
    qtbot.keyClick(window, "A")
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    observation = project.read(KEY).observation("M2", "T1")
    assert observation is not None and observation.state is State.PRESENT
    assert observation.fragments and len(asked) == 2 and "drop its diameters" in asked[0]
    window.confirm = lambda text: True
    qtbot.keyClick(window, "A")
    observation = project.read(KEY).observation("M2", "T1")
    assert observation is not None and observation.state is State.ABSENT


def test_zooming_the_current_image_zooms_the_prior_on_the_same_region(
        qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Right, CTRL)  # M2 beside the baseline
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    prior, current = window.views.prior, window.views.current
    assert prior is not None and current is not None
    wheel(current, 3, QPoint(120, 200), ctrl=True)
    assert current.viewport.transform.zoom > 1.9 * current.viewport.fitted_transform().zoom
    a, b = shared_view(prior.viewport), shared_view(current.viewport)
    assert a.zoom_over_fit == pytest.approx(b.zoom_over_fit)
    assert (a.row_fraction, a.col_fraction) == pytest.approx((b.row_fraction, b.col_fraction))


def test_keys_go_to_the_image_under_the_pointer_unless_the_reader_types(
        qtbot: QtBot, window: MainWindow) -> None:
    """Issue 15, friction 4: arrow keys went to the grid until the image was clicked."""
    view = window.views.current
    assert view is not None
    window.grid.table.setFocus()
    assert window.grid.table.hasFocus()
    qtbot.mouseMove(view, QPoint(view.width() // 2, view.height() // 2))
    QApplication.sendEvent(view, QEnterEvent(QPointF(20, 20), QPointF(20, 20),
                                             QPointF(view.mapToGlobal(QPoint(20, 20)))))
    assert view.hasFocus()
    before = view.viewport.nav.index
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert view.viewport.nav.index != before  # the slice moved, not the grid's row
    window.panel.detail.setFocus()  # typing a location: the pointer does not take the keys
    QApplication.sendEvent(view, QEnterEvent(QPointF(30, 30), QPointF(30, 30),
                                             QPointF(view.mapToGlobal(QPoint(30, 30)))))
    assert window.panel.detail.hasFocus()


def test_one_tool_for_the_window_chosen_by_the_lesion(qtbot: QtBot, window: MainWindow) -> None:
    """Issue 15, friction 6: after a node, the next mass was still drawn bidirectionally (its
    long axis then waited for a short one); the prior said another tool than the current."""
    add_lesion(qtbot, window, "T", "lymph node", shift=True)  # NT1, a node
    tools = {v.viewport.layer.tool.value for v in window.views.views()}
    assert tools == {"bidirectional"}
    add_lesion(qtbot, window, "T", "liver")
    assert {v.viewport.layer.tool.value for v in window.views.views()} == {"caliper"}


def test_the_colours_are_explained_and_column_widths_kept_across_subjects(
        qtbot: QtBot, window: MainWindow) -> None:
    grid = window.grid
    assert "timepoint being read" in grid.legend.text() and "nadir" in grid.legend.text()
    add_lesion(qtbot, window, "T", "liver")
    row = next(r for r in range(grid.table.rowCount()) if grid.lesion_at(r) == "T1")
    current = grid.table.item(row, 1)
    assert current is not None and "yellow: the timepoint being read" in current.toolTip()
    grid.table.horizontalHeader().resizeSection(0, 260)  # type: ignore[union-attr]
    qtbot.keyClick(window, Qt.Key.Key_Down, CTRL)  # the next subject
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    assert window.session.case_id == "SUBJ-002" and grid.table.columnWidth(0) == 260


def test_ctrl_z_takes_back_the_last_entry_and_ctrl_shift_z_puts_it_back(
        qtbot: QtBot, window: MainWindow) -> None:
    """Issue 15, friction 3: a measurement erased by mistake came back only by drawing it
    again."""
    project = window.session.project
    view = window.views.current
    assert view is not None
    add_lesion(qtbot, window, "T", "liver")
    measure_across(view, "SUBJ-001", "BASELINE", "T1")
    measured = project.read(KEY).observation("BASELINE", "T1")
    assert measured is not None and measured.fragments
    qtbot.keyClick(window, Qt.Key.Key_Delete)  # confirmed (the fixture answers yes)
    cleared = project.read(KEY).observation("BASELINE", "T1")
    assert cleared is not None and not cleared.fragments
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    back = project.read(KEY).observation("BASELINE", "T1")
    assert back is not None and [f.long_axis.segment for f in back.fragments] == [
        f.long_axis.segment for f in measured.fragments]
    assert "undone: T1 at BASELINE" in window.message.text()
    assert [m.caption for m in view.viewport.layer.items] == ["T1"]  # drawn again
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    redone = project.read(KEY).observation("BASELINE", "T1")
    assert redone is not None and not redone.fragments
