"""Reading assistance in the real window (issues 15 and 17): O then a click proposes a
lesion's axes as a caliper marked proposed, a drag adjusts it, Enter accepts it (the stored
measurement and its audit record say proposed or adjusted per axis), Esc discards it, a click
on no lesion says so; a click marks a non-target's location, which ] / [ bring the views back
to at the follow-up; Ctrl+Z takes back a lesion's first entry, Ctrl+Shift+Z restores it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtTest import QTest
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.image_view import ImageView
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Provenance, ReadKey, State

from .helpers import across, drag, edges_along_row, measure_across, place, truth
from .test_measuring import add_lesion

KEY = ReadKey("SUBJ-001", "alice")
LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def screen(view: ImageView, row: float, col: float) -> QPoint:
    x, y = view.viewport.transform.to_screen(row, col)
    return QPoint(round(x), round(y))


def click_lesion(qtbot: QtBot, window: MainWindow, lesion_id: str) -> ImageView:
    """Its slice shown, a left click at its centre on the current image."""
    view = window.views.current
    assert view is not None
    p = place(view.volume, "SUBJ-001", window.session.timepoint or "", lesion_id)
    view.viewport.nav.go_to(p.slice_index)
    QTest.mouseClick(view, LEFT, NONE, screen(view, p.row, p.col))
    return view


def last_record(window: MainWindow, action: str) -> dict[str, list[dict[str, object]]]:
    with sqlite3.connect(window.session.database) as db:
        (after,) = db.execute("SELECT after FROM audit_record WHERE action = ? ORDER BY seq "
                              "DESC LIMIT 1", (action,)).fetchone()  # fmt: skip
    rows: dict[str, list[dict[str, object]]] = json.loads(after)
    return rows


def test_propose_adjust_accept_records_the_kinds(qtbot: QtBot, window: MainWindow) -> None:
    add_lesion(qtbot, window, "T", "liver")
    qtbot.keyClick(window, Qt.Key.Key_O)
    assert "click inside it" in window.message.text()
    view = click_lesion(qtbot, window, "T1")
    proposal = view.viewport.layer.proposal
    assert proposal is not None and proposal.measurement.proposed
    assert "Enter accepts" in window.message.text()
    assert proposal.measurement.caption == "T1"  # labelled "proposed  T1  ..."
    assert window.session.project.read(KEY).observation("BASELINE", "T1") is None
    short = proposal.measurement.short_axis
    assert short is not None
    a, b = short
    outward = (b[0] + (b[0] - a[0]) * 0.15, b[1] + (b[1] - a[1]) * 0.15)
    drag(view, screen(view, *b), screen(view, *outward))  # the short axis adjusted
    assert view.viewport.layer.proposal is proposal  # still awaiting Enter
    qtbot.keyClick(view, Qt.Key.Key_Return)
    observation = window.session.project.read(KEY).observation("BASELINE", "T1")
    assert observation is not None and observation.state is State.PRESENT
    fragment = observation.fragments[0]
    assert fragment.long_axis.provenance is Provenance.PROPOSED
    assert fragment.short_axis is not None
    assert fragment.short_axis.provenance is Provenance.ADJUSTED
    pixel_mm = view.volume.spacing_mm[2]
    assert abs(float(fragment.long_axis.length_mm) - truth("SUBJ-001", "BASELINE", "T1")[0]
               ) <= 2 * pixel_mm  # fmt: skip
    assert "adjusted, saved" in window.message.text()
    axes = last_record(window, "save-observation")["axis_measurement"]
    assert {(r["axis"], r["provenance"]) for r in axes} == {("long", "proposed"),
                                                              ("short", "adjusted")}
    assert view.viewport.layer.proposal is None
    assert [m.proposed for m in view.viewport.layer.on_slice(view.viewport.nav.index)] == [
        False]  # the stored caliper, drawn from the model


def test_accept_as_proposed_discard_and_no_lesion(qtbot: QtBot, window: MainWindow) -> None:
    add_lesion(qtbot, window, "T", "liver")
    qtbot.keyClick(window, Qt.Key.Key_O)
    view = window.views.current
    assert view is not None
    QTest.mouseClick(view, LEFT, NONE, screen(view, 6, 6))  # air, outside the body
    assert "no lesion found at the click" in window.message.text()
    assert view.viewport.layer.proposal is None
    click_lesion(qtbot, window, "T1")
    assert view.viewport.layer.proposal is not None
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.viewport.layer.proposal is None
    assert window.session.project.read(KEY).observation("BASELINE", "T1") is None
    assert view.viewport.layer.tool.value == "caliper"  # one click: the tool is back
    qtbot.keyClick(window, Qt.Key.Key_O)
    click_lesion(qtbot, window, "T1")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    observation = window.session.project.read(KEY).observation("BASELINE", "T1")
    assert observation is not None
    assert observation.fragments[0].long_axis.provenance is Provenance.PROPOSED
    assert "accepted as proposed" in window.message.text()
    # a caliper drawn by hand after it, two rows off the centre so that its stroke starts
    # clear of the accepted caliper's handles (a stroke on a handle adjusts it instead)
    centre = place(view.volume, "SUBJ-001", "BASELINE", "T1")
    off = replace(centre, row=centre.row + 2)
    lo, hi = edges_along_row(view.volume, off)
    drag(view, *across(view, (off.row, lo), (off.row, hi)))
    again = window.session.project.read(KEY).observation("BASELINE", "T1")
    assert again is not None and again.fragments[0].long_axis.provenance is Provenance.DRAWN


def test_a_click_marks_a_non_target_which_the_follow_up_finds_again(
        qtbot: QtBot, window: MainWindow) -> None:
    add_lesion(qtbot, window, "T", "liver")
    view = window.views.current
    assert view is not None
    measure_across(view, "SUBJ-001", "BASELINE", "T1")
    add_lesion(qtbot, window, "T", "lymph node", shift=True)  # NT1
    assert "click it on the image to mark where it is" in window.message.text()
    click_lesion(qtbot, window, "NT1")
    nt1 = window.session.project.read(KEY).lesions["NT1"]
    p = place(view.volume, "SUBJ-001", "BASELINE", "NT1")
    assert nt1.point is not None and nt1.point.slice_index == p.slice_index
    assert abs(nt1.point.row - p.row) <= 1 and abs(nt1.point.col - p.col) <= 1
    assert [m.caption for m in view.viewport.layer.markers_on(p.slice_index)] == ["NT1"]
    assert last_record(window, "save-lesion")["lesion_version"][0]["point_row"] == nt1.point.row
    assert not view.viewport.layer.click_marks  # marked: a click no longer marks
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # present
    window.sign()
    assert window.session.signed
    qtbot.keyClick(window, Qt.Key.Key_O)  # nothing is proposed on a signed timepoint
    assert "is signed and locked" in window.message.text()
    view = window.views.current
    assert view is not None and view.viewport.layer.tool.value == "bidirectional"
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # M2
    qtbot.waitUntil(lambda: window.views.prior is not None and not window.views.loading(),
                    timeout=30_000)  # fmt: skip
    window.session.select_lesion("T1")
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)  # ] : NT1
    assert window.session.lesion_id == "NT1"
    prior = window.views.prior
    assert prior is not None and prior.viewport.nav.index == nt1.point.slice_index
    assert prior.viewport.transform.zoom > 1.5  # framed around the point, not the whole scan
    x, y = prior.viewport.transform.to_screen(nt1.point.row, nt1.point.col)
    assert abs(x - prior.width() / 2) < 2 and abs(y - prior.height() / 2) < 2
    assert [m.locked for m in prior.viewport.layer.markers_on(nt1.point.slice_index)] == [True]


def test_undo_takes_back_a_first_entry_and_redo_restores_it(
        qtbot: QtBot, window: MainWindow) -> None:
    add_lesion(qtbot, window, "T", "bone", shift=True)  # NT1
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert window.session.project.read(KEY).observation("BASELINE", "NT1") is not None
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.project.read(KEY).observation("BASELINE", "NT1") is None
    assert "undone: NT1 at BASELINE" in window.message.text()
    assert last_record(window, "retract-observation")["observation_version"][0][
        "retracted"] == 1
    qtbot.keyClick(window, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    redone = window.session.project.read(KEY).observation("BASELINE", "NT1")
    assert redone is not None and redone.state is State.PRESENT
