"""Measuring in the real app: keys add the lesion, simulated mouse drags measure it, and the
model (and its SQLite file) holds what the image showed, within one pixel of the truth."""

from __future__ import annotations

from PyQt6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category, ReadKey, State
from reviewer_gui.store import open_project

from .helpers import drag, measure_across, place, truth

KEY = ReadKey("SUBJ-001", "alice")


def add_lesion(qtbot: QtBot, window: MainWindow, keys: str, organ: str,
               shift: bool = False) -> None:
    """T / Shift+T / N, pick the organ, Enter: as a reader does it."""
    mods = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(window, keys, mods)
    window.panel.organ.setCurrentText(organ)
    qtbot.keyClick(window.panel.organ, Qt.Key.Key_Return)


def test_the_demo_opens_subject_timepoint_series(window: MainWindow) -> None:
    project = window.session.project
    assert project.case_ids == ("SUBJ-001", "SUBJ-002", "SUBJ-003", "SUBJ-MESSY")
    assert [tp.label for tp in project.timepoints("SUBJ-001")] == ["BASELINE", "M2", "M4", "M6"]
    assert window.session.timepoint == "BASELINE" and window.views.prior is None
    assert window.tree.topLevelItemCount() == 4
    subject = window.tree.topLevelItem(0)
    assert subject is not None and subject.text(0) == "SUBJ-001" and subject.childCount() == 4
    baseline = subject.child(0)
    assert baseline is not None
    baseline.setExpanded(True)
    series = baseline.child(0)
    assert series is not None and series.text(1) == "20 images, read"
    assert str(window.session.database) in window.database_label.text()
    assert str(window.session.database) in window.windowTitle()


def test_a_caliper_drag_stores_the_lesion_within_one_pixel(
        qtbot: QtBot, window: MainWindow) -> None:
    add_lesion(qtbot, window, "T", "liver")
    read = window.session.read()
    assert read is not None and read.lesions["T1"].category is Category.TARGET
    assert window.session.lesion_id == "T1"
    view = window.views.current
    assert view is not None
    measure_across(view, "SUBJ-001", "BASELINE", "T1")
    observation = window.session.project.read(KEY).observation("BASELINE", "T1")
    assert observation is not None and observation.state is State.PRESENT
    stored = observation.fragments[0].long_axis
    pixel_mm = view.volume.spacing_mm[2]
    assert abs(float(stored.length_mm) - truth("SUBJ-001", "BASELINE", "T1")[0]) <= pixel_mm
    lesion = place(view.volume, "SUBJ-001", "BASELINE", "T1")
    assert stored.sop_instance_uid == view.volume.sop_instance_uids[lesion.slice_index]
    (shown,) = view.viewport.layer.on_slice(lesion.slice_index)
    assert shown.caption == "T1" and not shown.locked
    assert window.grid.table.item(0, 1).text() == f"{stored.length_mm:.1f}"  # type: ignore[union-attr]
    # the file has it too, as saved at once (a second connection, as after a restart)
    reopened, store = open_project(window.session.database, RecistEngine())
    with store:
        again = reopened.read(KEY).observation("BASELINE", "T1")
    assert again is not None and again.fragments[0].long_axis.length_mm == stored.length_mm


def test_dragging_an_end_point_updates_the_stored_length(
        qtbot: QtBot, window: MainWindow) -> None:
    add_lesion(qtbot, window, "T", "liver")
    view = window.views.current
    assert view is not None
    measure_across(view, "SUBJ-001", "BASELINE", "T1")
    before = window.session.project.read(KEY).observation("BASELINE", "T1")
    assert before is not None
    segment = before.fragments[0].long_axis.segment
    end = view.viewport.transform.to_screen(segment.end.row, segment.end.col)
    grab = QPoint(round(end[0]), round(end[1]))
    to = view.viewport.transform.to_screen(segment.end.row, segment.end.col + 5)
    drag(view, grab, QPoint(round(to[0]), round(to[1])))
    after = window.session.project.read(KEY).observation("BASELINE", "T1")
    assert after is not None
    grown = after.fragments[0].long_axis.length_mm - before.fragments[0].long_axis.length_mm
    assert abs(float(grown) - 10.0) <= 1.0  # five 2 mm pixels, to the nearest screen pixel
    assert len(view.viewport.layer.items) == 1  # the edit, not a second measurement


def test_measuring_without_a_chosen_lesion_is_refused_and_explained(
        window: MainWindow) -> None:
    view = window.views.current
    assert view is not None
    measure_across(view, "SUBJ-001", "BASELINE", "T1")
    assert window.session.project.read(KEY).observations == {}
    assert view.viewport.layer.items == []  # the refused drawing is not left on the image
    assert "choose the lesion first" in window.message.text()


def test_a_node_is_measured_bidirectionally_and_counts_by_its_short_axis(
        qtbot: QtBot, window: MainWindow) -> None:
    add_lesion(qtbot, window, "T", "liver")
    add_lesion(qtbot, window, "T", "lymph node", shift=True)  # NT1, the node
    assert window.session.lesion_id == "NT1"
    read = window.session.read()
    assert read is not None and read.lesions["NT1"].is_node
    view = window.views.current
    assert view is not None and view.viewport.layer.tool.value == "bidirectional"


def test_a_split_target_is_measured_in_fragments_that_sum(
        qtbot: QtBot, window: MainWindow) -> None:
    add_lesion(qtbot, window, "T", "liver")
    view = window.views.current
    assert view is not None
    lesion = place(view.volume, "SUBJ-001", "BASELINE", "T1")
    view.viewport.nav.go_to(lesion.slice_index)
    to_screen = view.viewport.transform.to_screen
    for c0, c1 in ((-8, -2), (2, 8)):  # two parts, 6 pixels each, apart from each other
        qtbot.keyClick(window, "S", Qt.KeyboardModifier.ShiftModifier)  # next fragment
        a, b = (to_screen(lesion.row, lesion.col + c) for c in (c0, c1))
        drag(view, QPoint(round(a[0]), round(a[1])), QPoint(round(b[0]), round(b[1])))
    observation = window.session.project.read(KEY).observation("BASELINE", "T1")
    assert observation is not None
    assert [f.name for f in observation.fragments] == ["a", "b"]
    total = sum(f.long_axis.length_mm for f in observation.fragments)
    assert abs(float(total) - 24.0) <= 1.0  # 2 x 6 pixels of 2 mm, to the screen pixel
    assert window.grid.table.item(0, 1).text() == f"{total:.1f} (2 fragments)"  # type: ignore[union-attr]
    assert sorted(m.caption for m in view.viewport.layer.items) == ["T1/a", "T1/b"]


def test_a_half_drawn_node_is_cleared_when_another_lesion_is_chosen(
        qtbot: QtBot, window: MainWindow) -> None:
    """Issue 15, bug 4: the long axis awaiting its short one stayed on screen after the reader
    changed lesion."""
    add_lesion(qtbot, window, "T", "liver")
    add_lesion(qtbot, window, "T", "lymph node", shift=True)  # NT1: bidirectional
    view = window.views.current
    assert view is not None
    drag(view, QPoint(200, 200), QPoint(200, 240))  # its long axis only
    assert [m.complete for m in view.viewport.layer.items] == [False]
    window.session.select_lesion("T1")
    assert view.viewport.layer.items == []
    assert window.session.project.read(KEY).observations == {}
