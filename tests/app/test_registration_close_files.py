"""Closing the reader's window while a registration job reads its earlier series from the
project's files (at the third timepoint, the baseline is not shown: the job loads it): the job
stops before its next file instead of reading the whole series first, reports that it was
stopped, and nothing of it is kept or cached."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PyQt6.QtCore import QCoreApplication, Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.qt import find_again as find_again_module
from reviewer_gui.qt.app import open_window
from reviewer_gui.store import Store
from reviewer_gui.viewer.registration import Stop
from reviewer_gui.viewer.registration_cache import RegistrationOutcome

from .helpers import SAMPLE_SCANS, ready

HELD_AT = 7  # the file read the job is held before


class HeldAtFile(Stop):
    """A job held before its `HELD_AT`-th file read until a stop is asked for (the window's
    close): surely still reading when the window closes, however fast the machine."""

    def __init__(self) -> None:
        super().__init__()
        self.reached = threading.Event()

    def file_read(self, path: object = None) -> None:
        if self.files_read + 1 == HELD_AT:
            self.reached.set()
            self._requested.wait(120)  # released by the stop (a guard against a hang)
        super().file_read(path)


def test_closing_the_window_while_a_registration_reads_files_stops_it_at_the_next_file(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(find_again_module, "Stop", HeldAtFile)
    window = open_window(tmp_path / "reading.db", reader="alice", dicom=SAMPLE_SCANS)
    window.confirm = lambda text: True
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: ready(window), timeout=60_000)
    for _ in range(2):  # the third timepoint, the second beside it
        qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert window.session.timepoint not in ("BASELINE", "M2")
    qtbot.waitUntil(lambda: ready(window), timeout=60_000)  # both shown: registrations asked
    registrations = window.views.registrations
    baseline = window.session.read().series_of("BASELINE")  # type: ignore[union-attr]
    assert baseline is not None

    def to_baseline() -> list[tuple[str, str]]:  # queued or running: held, it cannot end
        return [pair for pair in registrations.running if pair[0] == baseline.series_uid]

    qtbot.waitUntil(lambda: len(to_baseline()) == 1, timeout=60_000)  # asked for, once
    run = registrations.running[to_baseline()[0]]
    stop = run.stop
    assert isinstance(stop, HeldAtFile)
    qtbot.waitUntil(stop.reached.is_set, timeout=120_000)  # after the one to M2 (the queue)
    stopped: list[RegistrationOutcome] = []
    registrations.stopped.connect(stopped.append)

    window.close()  # returns once the worker is done: stopped at its next file
    assert registrations.pool.activeThreadCount() == 0 and registrations.running == {}
    assert [(o.pair, o.stopped, o.registration) for o in stopped] == [(run.pair, True, None)]
    assert stop.files_read == HELD_AT - 1  # not one file more
    assert registrations.outcome(*run.pair) is None
    with Store.open(tmp_path / "reading.db", create=False) as store:  # nothing kept
        assert store.registrations("alice", *run.pair) == []
    for _ in range(10):  # what was still queued is delivered: nothing starts again
        QCoreApplication.processEvents()
    assert registrations.running == {} and len(stopped) == 1
