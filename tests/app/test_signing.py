"""Signing in the real app: a baseline with a 6th target is refused and the finding is shown
beside T6 (RECIST 1.1 section 3.3: at most five targets); once signed, the timepoint is
locked in the panel, on the image and in the model."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.lesion_grid import FINDING
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category, Point, ReadKey, Segment, State, plane_of

from .helpers import measure_across, ready

KEY = ReadKey("SUBJ-001", "alice")
CTRL = Qt.KeyboardModifier.ControlModifier


def six_targets(qtbot: QtBot, window: MainWindow) -> None:
    """T1 added with the keys and measured with the mouse; T2-T6 and NT1 through the model
    (the widgets follow its events); every entry complete, so only the count is wrong."""
    qtbot.keyClick(window, "T")
    qtbot.keyClick(window.panel.organ, Qt.Key.Key_Return)  # liver, the first organ
    view = window.views.current
    assert view is not None
    measure_across(view, "SUBJ-001", "BASELINE", "T1")
    project = window.session.project
    plane = plane_of(view.volume, 10)
    for k, organ in enumerate(("liver", "lung", "lung", "kidney", "spleen")):
        lesion = project.add_lesion(KEY, Category.TARGET, organ)
        segment = Segment(Point(20 + 8 * k, 30), Point(20 + 8 * k, 40))  # 20 mm
        project.measure(KEY, "BASELINE", lesion.lesion_id, segment, plane)
    nt = project.add_lesion(KEY, Category.NON_TARGET, "bone")
    project.set_state(KEY, "BASELINE", nt.lesion_id, State.PRESENT)


def row_of(window: MainWindow, lesion_id: str) -> int:
    return next(r for r in range(window.grid.table.rowCount())
                if window.grid.lesion_at(r) == lesion_id)


def test_a_sixth_target_is_refused_and_the_finding_shown_beside_it(
        qtbot: QtBot, window: MainWindow) -> None:
    six_targets(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    assert not window.session.project.is_signed(KEY, "BASELINE")
    table = window.grid.table
    findings_column = table.columnCount() - 1
    t6 = row_of(window, "T6")
    found = table.item(t6, findings_column)
    assert found is not None and "6 target lesions at baseline, at most 5" in found.text()
    lesion_cell = table.item(t6, 0)
    assert lesion_cell is not None and lesion_cell.background().color() == FINDING
    t1 = table.item(row_of(window, "T1"), findings_column)
    assert t1 is not None and t1.text() == ""
    assert window.grid.banner.isVisibleTo(window) and "cannot be signed" in \
        window.grid.banner.text()
    assert "cannot be signed" in window.message.text()
    window.session.select_lesion("T6")  # its findings also beside its states, in the panel
    assert "at most 5 allowed" in window.panel.findings.text()
    window.session.select_lesion("T1")
    assert window.panel.findings.text() == ""
    assert window.panel.sign_button.isEnabled()


def test_without_the_sixth_the_baseline_signs_and_locks(
        qtbot: QtBot, window: MainWindow) -> None:
    six_targets(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    window.session.select_lesion("T6")
    window.panel.retire_button.click()  # entered by mistake: withdrawn
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    assert window.session.project.is_signed(KEY, "BASELINE")
    assert window.grid.banner.isHidden()
    header = window.grid.table.horizontalHeaderItem(1)
    assert header is not None and "signed" in header.text()
    assert not window.panel.sign_button.isEnabled()
    window.session.select_lesion("T1")
    assert not any(b.isEnabled() for b in window.panel.state_buttons.values())
    view = window.views.current
    assert view is not None
    assert all(m.locked for m in view.viewport.layer.items)  # cyan, no handles
    before = window.session.project.read(KEY).observation("BASELINE", "T1")
    measure_across(view, "SUBJ-001", "BASELINE", "T1")  # a new drawing on a signed scan
    assert window.session.project.read(KEY).observation("BASELINE", "T1") == before
    assert "locked" in window.message.text()


def test_progression_needs_the_reason_typed_first(qtbot: QtBot, window: MainWindow) -> None:
    """At a follow-up (at baseline, progression is not offered: issue 15, bug 6)."""
    project = window.session.project
    qtbot.keyClick(window, "T", Qt.KeyboardModifier.ShiftModifier)
    window.panel.organ.setCurrentText("bone")
    qtbot.keyClick(window.panel.organ, Qt.Key.Key_Return)
    project.set_state(KEY, "BASELINE", "NT1", State.PRESENT)
    project.sign(KEY, "BASELINE")
    qtbot.keyClick(window, Qt.Key.Key_Right, CTRL)
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    window.session.select_lesion("NT1")
    qtbot.keyClick(window, "P")  # no reason yet: the reason field takes the focus
    assert project.read(KEY).observation("M2", "NT1") is None
    assert window.panel.reason.hasFocus()
    qtbot.keyClicks(window.panel.reason, "lytic lesion larger, cortical break")
    qtbot.keyClick(window.panel.reason, Qt.Key.Key_Return)
    observation = project.read(KEY).observation("M2", "NT1")
    assert observation is not None and observation.state is State.PROGRESSION
    assert observation.reason == "lytic lesion larger, cortical break"
    cell = window.grid.table.item(row_of(window, "NT1"), 2)
    assert cell is not None and cell.text() == "unequivocal PD: lytic lesion larger, cortical break"
