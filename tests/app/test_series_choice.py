"""Reading a timepoint on another series of its study, in the app: SUBJ-001 of the sample
scans copied with a second, 10 mm series written into its BASELINE study by the sample
generator (the bundled samples have one series per study). Enter on a series in the tree
shows it (current view for the current timepoint, prior view for the prior), a measurement
made on it keeps its series, the choice is restored on reopening, and refused once the
timepoint is signed."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from reviewer_gui.dicom import find_series
from reviewer_gui.qt.app import open_window
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import ReadKey

from .helpers import SAMPLE_SCANS, measure_across, ready, record_truth
from .series_kit import THICK, write_thick_series

KEY = ReadKey("SUBJ-001", "alice")
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scans")
    shutil.copytree(SAMPLE_SCANS / "SUBJ-001", root / "SUBJ-001")
    write_thick_series(root / "SUBJ-001" / "BASELINE")
    return root


@pytest.fixture
def series_uids(scans: Path) -> dict[str, str]:
    """Series description -> Series Instance UID of the copied baseline study."""
    return {s.series_description: s.series_uid
            for s in find_series(scans / "SUBJ-001" / "BASELINE").series}  # fmt: skip


def start(qtbot: QtBot, database: Path, scans: Path | None) -> MainWindow:
    window = open_window(database, reader="alice", dicom=scans)
    window.confirm = lambda text: True
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: ready(window), timeout=30_000)
    return window


def series_row(window: MainWindow, label: str, description: str) -> QTreeWidgetItem:
    tree = window.tree
    subject = tree.topLevelItem(0)
    assert subject is not None
    timepoint = next(c for k in range(subject.childCount())
                     if (c := subject.child(k)) is not None and c.text(0).startswith(label))
    timepoint.setExpanded(True)
    return next(c for k in range(timepoint.childCount())
                if (c := timepoint.child(k)) is not None and c.text(0) == description)


def press_enter_on(qtbot: QtBot, window: MainWindow, item: QTreeWidgetItem) -> None:
    window.tree.setFocus()
    window.tree.setCurrentItem(item)
    qtbot.keyClick(window.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)


def shown_uids(window: MainWindow) -> tuple[str | None, str | None]:
    views = window.views
    return (None if views.prior is None else views.prior.volume.series_uid,
            None if views.current is None else views.current.volume.series_uid)


def test_a_series_chosen_in_the_tree_is_shown_measured_on_and_restored(
        qtbot: QtBot, tmp_path: Path, scans: Path, series_uids: dict[str, str]) -> None:
    database = tmp_path / "reading.db"
    window = start(qtbot, database, scans)
    portal, thick = series_uids["AX 5.0 PORTAL VENOUS"], series_uids[THICK]
    assert window.session.timepoint == "BASELINE" and shown_uids(window) == (None, portal)
    assert series_row(window, "BASELINE", "AX 5.0 PORTAL VENOUS").text(1) == "20 images, read"
    press_enter_on(qtbot, window, series_row(window, "BASELINE", THICK))
    assert shown_uids(window) == (None, thick), window.message.text()
    assert "now read on 'AX 10.0 SOFT TISSUE'" in window.message.text()
    assert series_row(window, "BASELINE", THICK).text(1) == "10 images, read"
    assert series_row(window, "BASELINE", "AX 5.0 PORTAL VENOUS").text(1) == "20 images"
    qtbot.keyClick(window, Qt.Key.Key_T)  # a target, then its organ (liver is first)
    qtbot.keyClick(window.panel.organ, Qt.Key.Key_Return)
    view = window.views.current
    assert view is not None
    measure_across(view, "SUBJ-001", "BASELINE", "T1")
    observation = window.session.project.read(KEY).observation("BASELINE", "T1")
    assert observation is not None, window.message.text()
    axis = observation.fragments[0].long_axis
    assert (axis.series_uid, axis.slice_thickness_mm) == (thick, Decimal("10.0"))
    assert axis.sop_instance_uid in view.volume.sop_instance_uids
    window.close()

    window = start(qtbot, database, None)  # reopened: read on the 10 mm series, T1 drawn
    assert window.session.timepoint == "BASELINE" and shown_uids(window) == (None, thick)
    assert [s.lesion_id for s in window.views.shown.values()] == ["T1"]
    qtbot.keyClick(window, Qt.Key.Key_Down, CTRL | SHIFT)  # the next series: the 5 mm one
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    assert shown_uids(window) == (None, portal)
    assert window.views.shown == {}  # T1 lies on the 10 mm series: not drawn on this one
    window.session.select_lesion(None)
    window.session.select_lesion("T1")  # choosing T1 in the table goes to its series
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    assert shown_uids(window) == (None, thick)
    assert "now read on 'AX 10.0 SOFT TISSUE'" in window.message.text()
    assert [s.lesion_id for s in window.views.shown.values()] == ["T1"]
    window.close()


def test_the_prior_view_shows_the_prior_timepoints_series_and_a_signed_one_keeps_it(
        qtbot: QtBot, tmp_path: Path, scans: Path, series_uids: dict[str, str]) -> None:
    window = start(qtbot, tmp_path / "reading.db", scans)
    portal, thick = series_uids["AX 5.0 PORTAL VENOUS"], series_uids[THICK]
    press_enter_on(qtbot, window, series_row(window, "BASELINE", THICK))
    qtbot.keyClick(window, Qt.Key.Key_Right, CTRL)  # M2, the baseline beside it
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    m2 = shown_uids(window)[1]
    assert window.session.timepoint == "M2" and shown_uids(window) == (thick, m2)
    press_enter_on(qtbot, window, series_row(window, "BASELINE", "AX 5.0 PORTAL VENOUS"))
    assert window.session.timepoint == "M2" and shown_uids(window) == (portal, m2)
    qtbot.keyClick(window, Qt.Key.Key_Left, CTRL)  # back to the baseline: read it, sign it
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    project, view = window.session.project, window.views.current
    assert view is not None and view.volume.series_uid == portal
    record_truth(window, KEY)
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    assert project.is_signed(KEY, "BASELINE"), window.message.text()
    press_enter_on(qtbot, window, series_row(window, "BASELINE", THICK))
    assert "signed by alice" in window.message.text() and "re-read" in window.message.text()
    assert "#b00000" in window.message.styleSheet()  # a refusal, in red
    assert shown_uids(window) == (None, portal)
    assert project.read(KEY).series_of("BASELINE").series_uid == portal  # type: ignore[union-attr]
    window.close()
