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
from reviewer_gui.viewer.registration_cache import CACHE_DIR_ENV

from .helpers import SAMPLE_SCANS, ready
from .review_kit import copy_study, import_study


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


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with users, imported de-identified from the sample trial (once per module;
    a module may define its own ``prepared`` for another set-up)."""
    return import_study(tmp_path_factory.mktemp("trial"))


@pytest.fixture
def study(prepared: Path, tmp_path: Path) -> Path:
    """A fresh copy of ``prepared`` for one test."""
    return copy_study(prepared, tmp_path)


@pytest.fixture(autouse=True)
def registration_cache(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Follow-ups are registered into the session's temporary folder, never the user's cache
    (``~/.cache/recist-toolkit/registration``); shared by the tests, as a reader's is."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path_factory.getbasetemp() / "registrations"))
