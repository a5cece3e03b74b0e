"""Reviewer app tests: the real widgets offscreen (pytest-qt), on the bundled sample scans."""

from __future__ import annotations

import os

if not os.environ.get("QT_QPA_PLATFORM"):  # unset or empty; before Qt starts (pytest-qt's too)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.app import open_window
from reviewer_gui.qt.main_window import MainWindow

from .helpers import SAMPLE_SCANS, ready


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """The demo: a fresh project on sample_scans/, reader alice, SUBJ-001 open, loaded."""
    win = open_window(tmp_path / "reading.db", reader="alice", dicom=SAMPLE_SCANS)
    win.confirm = lambda text: True  # the signing dialog, answered yes
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: ready(win), timeout=30_000)
    yield win
    win.close()
