"""Closing the reader's window while a follow-up is being registered (issue 17, item 2): the
registration (SimpleITK's optimizer) is stopped at its next iteration instead of being waited
for, the job reports that it was stopped, nothing of it is kept or cached, and nothing more
starts; re-opened, the pair is registered as if the stopped run never was."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PyQt6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from reviewer_gui.qt import find_again as find_again_module
from reviewer_gui.qt.app import open_window
from reviewer_gui.store import Store
from reviewer_gui.store.derived import StoredRegistration
from reviewer_gui.viewer.registration import Stop
from reviewer_gui.viewer.registration_cache import RegistrationOutcome

from .helpers import ready as ready_to_read
from .moved_kit import open_moved, to_m2

HELD_AT = 3


def kept(tmp_path: Path, pair: tuple[str, str]) -> list[StoredRegistration]:
    """alice's registrations of the pair kept in the project (read beside the window)."""
    with Store.open(tmp_path / "reading.db", create=False) as store:
        return store.registrations("alice", *pair)


class HeldRegistration(Stop):
    """A registration whose optimizer pauses at its third iteration until a stop is asked for:
    one surely still running when the window closes (a 300-slice series takes seconds), however
    fast or loaded the machine. SimpleITK runs for real; only its pace is held."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self._count = 0
        super().__init__()

    @property  # type: ignore[override]
    def iterations(self) -> int:
        return self._count

    @iterations.setter
    def iterations(self, count: int) -> None:
        self._count = count
        if count == HELD_AT:
            self.reached.set()
            self._requested.wait(120)  # released by the stop (a guard against a hang)


def test_closing_the_window_stops_a_running_registration(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(find_again_module, "Stop", HeldRegistration)
    window = open_moved(qtbot, tmp_path, upside_down=False)
    registrations = window.views.registrations
    to_m2(qtbot, window)
    qtbot.waitUntil(lambda: len(registrations.running) == 1, timeout=60_000)
    [(pair, run)] = registrations.running.items()
    stop = run.stop
    assert isinstance(stop, HeldRegistration)
    qtbot.waitUntil(stop.reached.is_set, timeout=60_000)  # in SimpleITK's optimizer
    stopped: list[RegistrationOutcome] = []
    registrations.stopped.connect(stopped.append)
    ready: list[RegistrationOutcome] = []
    registrations.ready.connect(ready.append)

    window.close()  # returns once the worker is done: it was stopped, not waited for
    assert not window.isVisible()
    assert registrations.pool.activeThreadCount() == 0
    assert [(o.pair, o.stopped, o.registration) for o in stopped] == [(pair, True, None)]
    assert stop.iterations <= HELD_AT + 1  # this level's and the next level's first iteration
    assert registrations.running == {} and registrations.outcomes == {} and ready == []
    assert kept(tmp_path, pair) == []
    for _ in range(10):  # what was still queued is delivered: nothing starts again
        QCoreApplication.processEvents()
    assert registrations.running == {} and registrations.pool.activeThreadCount() == 0
    assert registrations.outcomes == {} and ready == [] and len(stopped) == 1

    # the project opened again: the pair is registered, and cached, as if never stopped
    monkeypatch.setattr(find_again_module, "Stop", Stop)
    again = open_window(tmp_path / "reading.db", reader="alice")
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: ready_to_read(again), timeout=60_000)
    again.session.select_lesion("T2")
    to_m2(qtbot, again)
    qtbot.waitUntil(lambda: "by registration" in again.message.text(), timeout=60_000)
    outcome = again.views.registrations.outcome(*pair)
    assert outcome is not None and outcome.registration is not None and not outcome.cached
    assert [row.inputs_sha256 for row in kept(tmp_path, pair)] == [outcome.inputs_sha256]
    again.close()
