"""Keyboard first: every shortcut is an action of the window and is listed in the help
panel (F1); subjects, timepoints and lesions are reached with keys, and choosing a lesion
brings prior and current to its slice. The command line starts the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main as review_main
from reviewer_gui.dicom import load_series
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.qt.shortcuts import SHORTCUTS
from reviewer_gui.reading import Category, ReadKey, State

from .helpers import SAMPLE_SCANS, place, ready, truth_segments

CTRL = Qt.KeyboardModifier.ControlModifier
KEY = ReadKey("SUBJ-001", "alice")


def test_every_shortcut_is_an_action_and_listed_in_the_help(
        qtbot: QtBot, window: MainWindow) -> None:
    keys = [s.keys for s in SHORTCUTS]
    assert len(keys) == len(set(keys))  # no key does two things
    help_text = window.help.toPlainText()
    for shortcut in SHORTCUTS:
        action = window.actions_by_name[shortcut.name]
        assert action.shortcut() == QKeySequence(shortcut.keys)
        assert shortcut.keys in help_text and shortcut.text in help_text
    assert window.help_dock.isHidden()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.help_dock.isVisibleTo(window)


def test_subjects_and_timepoints_by_keys(qtbot: QtBot, window: MainWindow) -> None:
    session = window.session
    qtbot.keyClick(window, Qt.Key.Key_Down, CTRL)
    assert (session.case_id, session.timepoint) == ("SUBJ-002", "BASELINE")
    qtbot.keyClick(window, Qt.Key.Key_Up, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_Right, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_Right, CTRL)
    assert (session.case_id, session.timepoint) == ("SUBJ-001", "M4")
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    assert window.views.prior is not None and window.views.prior.title == "PRIOR  M2"
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL)  # the baseline on demand
    assert window.views.prior.title == "BASELINE  BASELINE"  # type: ignore[union-attr]
    qtbot.keyClick(window, Qt.Key.Key_3)  # lung window, on both images
    assert {v.viewport.window.name for v in window.views.views()} == {"lung"}
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert window.views.current is not None
    assert window.views.current.viewport.layer.tool.value == "bidirectional"


def test_choosing_a_lesion_jumps_both_views_to_it(qtbot: QtBot, window: MainWindow) -> None:
    project = window.session.project
    for label in ("BASELINE", "M2"):
        volume = load_series(SAMPLE_SCANS / "SUBJ-001" / label, workers=1)
        for lesion_id, category, organ in (("T1", "TARGET", "liver"), ("T2", "TARGET", "lung"),
                                           ("NT1", "NON-TARGET", "lymph node")):
            if lesion_id not in project.read(KEY).lesions:
                project.add_lesion(KEY, Category(category), organ, lesion_id=lesion_id)
            long, short, plane = truth_segments(volume, "SUBJ-001", label, lesion_id)
            project.measure(KEY, label, lesion_id, long, plane, short_axis=short)
        if label == "BASELINE":
            project.sign(KEY, label)
    qtbot.keyClick(window, Qt.Key.Key_Right, CTRL)
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    prior, current = window.views.prior, window.views.current
    assert prior is not None and current is not None
    for lesion_id in ("T1", "T2"):
        qtbot.keyClick(window, "]")
        assert window.session.lesion_id == lesion_id
        assert prior.viewport.nav.index == place(prior.volume, "SUBJ-001", "BASELINE",
                                                 lesion_id).slice_index
        assert current.viewport.nav.index == place(current.volume, "SUBJ-001", "M2",
                                                   lesion_id).slice_index
        table = window.grid.table
        assert window.grid.lesion_at(table.currentRow()) == lesion_id
        # each view centred on its own measurement, magnified, in the organ's window
        for view, label in ((prior, "BASELINE"), (current, "M2")):
            observation = project.read(KEY).observation(label, lesion_id)
            assert observation is not None
            segment = observation.fragments[0].long_axis.segment
            ends = [view.viewport.transform.to_screen(p.row, p.col)
                    for p in (segment.start, segment.end)]
            centre = ((ends[0][0] + ends[1][0]) / 2, (ends[0][1] + ends[1][1]) / 2)
            assert centre == pytest.approx((view.width() / 2, view.height() / 2), abs=1)
            assert view.viewport.transform.zoom > 1.5 * view.viewport.fitted_transform().zoom
        windows = {v.viewport.window.name for v in (prior, current)}
        assert windows == {"liver" if lesion_id == "T1" else "lung"}
    shown = prior.viewport.layer.on_slice(prior.viewport.nav.index)
    assert [m.caption for m in shown if m.locked] == ["T2"]  # the prior's caliper, read only
    qtbot.keyClick(window, "A")  # T2 absent at M2
    observation = project.read(KEY).observation("M2", "T2")
    assert observation is not None and observation.state is State.ABSENT


def test_the_command_line_starts_the_demo(tmp_path: Path) -> None:
    shot = tmp_path / "app.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "reviewer_gui.cli", "--demo", "--reader",
                           "alice", "--screenshot", str(shot)], env=env, timeout=120,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert shot.stat().st_size > 10_000
    (project,) = tmp_path.glob("recist-review-demo-*/demo-reading.db")
    assert project.stat().st_size > 0


@pytest.mark.parametrize("args", [["open", "x.db", "--dicom", "no-such-folder"]])
def test_the_command_line_refuses_a_missing_folder(
        args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert review_main(args) == 2
    assert "no-such-folder: no such folder of DICOM studies" in capsys.readouterr().err
