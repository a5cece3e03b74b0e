"""Reviewer app tests: the real widgets offscreen (pytest-qt), on the bundled sample scans."""

from __future__ import annotations

import os

if not os.environ.get("QT_QPA_PLATFORM"):  # unset or empty; before Qt starts (pytest-qt's too)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ProjectLocation
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.app import open_window
from reviewer_gui.qt.main_window import MainWindow

from .helpers import SAMPLE_SCANS, ready
from .review_kit import PASSWORDS, SERVER_FOLDERS, copy_study, import_study
from .server_kit import server_study


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
def study(prepared: Path, tmp_path: Path, project_location: ProjectLocation) -> Path | str:
    """A fresh copy of ``prepared`` for one test: a project file, and a PostgreSQL project
    of the same subjects, users and images (its URL): the tests taking it run on both."""
    if not project_location.on_server:
        return copy_study(prepared, tmp_path)
    url = project_location.server_copy(
        f"app:{prepared}", lambda database: (server_study(prepared, database), PASSWORDS)[1])
    SERVER_FOLDERS[url] = prepared.parent
    return url
