"""Closing the adjudicator's window while a pane's series loads from the project's files: the
load stops before its next file (it is let go first) instead of being read whole while the
window waits, and nothing of it reaches the closed window."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import ClassVar

import pytest
from PyQt6.QtCore import QCoreApplication
from PyQt6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from reviewer_gui.qt import adjudication_images
from reviewer_gui.qt.adjudication_app import open_adjudication
from reviewer_gui.qt.loading import SeriesLoad

from .adjudication_kit import read_case
from .helpers import held_until_let_go
from .review_kit import PASSWORDS, PATIENTS, copy_study, import_study, samples

HELD_AT = 5  # the file read a pane's load is held before


class HeldLoad(SeriesLoad):
    """A pane's load held before its `HELD_AT`-th file read until it is let go."""

    made: ClassVar[list[HeldLoad]] = []

    def __init__(self, files: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(files, parent)
        self.reached = threading.Event()
        HeldLoad.made.append(self)

    def file_read(self, path: Path) -> None:
        if self.files_read + 1 == HELD_AT:
            held_until_let_go(self.reached, self.stopping)
        super().file_read(path)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both patients imported; the first one's case read by alice and bob, who disagree."""
    path = import_study(tmp_path_factory.mktemp("adjudication-close"))
    case = next(c for c, p in samples(path).items() if p is PATIENTS[0])
    read_case(path, case, PATIENTS[0].sample, "alice", pd_at="FU2")
    read_case(path, case, PATIENTS[0].sample, "bob", pd_at="FU3")
    return path


def test_closing_the_adjudicators_window_while_a_pane_loads_stops_the_load_at_its_next_file(
        qtbot: QtBot, prepared: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(adjudication_images, "SeriesLoad", HeldLoad)
    HeldLoad.made.clear()
    window = open_adjudication(copy_study(prepared, tmp_path), "carol", PASSWORDS["carol"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: any(load.reached.is_set() for load in HeldLoad.made),
                    timeout=60_000)  # fmt: skip
    loads, delivered = list(HeldLoad.made), []
    for load in loads:
        load.loaded.connect(delivered.append)
    window.close()  # returns once every load has finished: stopped, not read whole
    assert all(load.stopping() and load.isFinished() for load in loads)
    held = [load for load in loads if load.reached.is_set()]
    assert held and all(load.files_read == HELD_AT - 1 for load in held)  # not one file more
    for _ in range(5):
        QCoreApplication.processEvents()
    assert delivered == []
