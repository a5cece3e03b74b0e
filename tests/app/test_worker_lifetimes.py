"""Closing the reader's window while its workers run, at every point of their lives (the
folder's headers being read or just read, a series loading or just loaded, a registration
running or done), over and over: nothing a worker still delivers reaches the closed window or
its closed store (an exception in the event loop fails the test), nothing starts after the
close, and no thread outlives its window (a QThread destroyed while running aborts the
process, a job freed under its worker crashes it)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest
from PyQt6.QtCore import QCoreApplication, QEvent, Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.app import open_window
from reviewer_gui.qt.main_window import MainWindow

from .helpers import SAMPLE_SCANS, ready

ROUNDS = 2


def opened(tmp_path: Path, name: str) -> MainWindow:
    window = open_window(tmp_path / f"{name}.db", reader="alice", dicom=SAMPLE_SCANS)
    window.confirm = lambda text: True
    window.show()
    return window


def wait_for_loaders(window: MainWindow) -> None:
    """Block until the views' loads are done, their results still queued (not delivered)."""
    for view in window.views.views():
        if view.loader is not None:
            view.loader.wait()


def to_follow_up(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: ready(window), timeout=60_000)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert window.session.timepoint == "M2"


def scanning(qtbot: QtBot, window: MainWindow) -> None:
    assert window.scanner is not None  # reading the folder's headers: close at once


def scanned(qtbot: QtBot, window: MainWindow) -> None:
    assert window.scanner is not None
    window.scanner.wait()  # its studies queued for the window, not delivered


def loading(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.views.current is not None, timeout=60_000)


def loaded(qtbot: QtBot, window: MainWindow) -> None:
    loading(qtbot, window)
    wait_for_loaders(window)


def follow_up_loaded(qtbot: QtBot, window: MainWindow) -> None:
    to_follow_up(qtbot, window)
    wait_for_loaders(window)  # once delivered, its registration would be asked for


def registering(qtbot: QtBot, window: MainWindow) -> None:
    to_follow_up(qtbot, window)
    qtbot.waitUntil(lambda: bool(window.views.registrations.running), timeout=60_000)


def registered(qtbot: QtBot, window: MainWindow) -> None:
    to_follow_up(qtbot, window)
    qtbot.waitUntil(lambda: bool(window.views.registrations.outcomes), timeout=60_000)


MOMENTS: dict[str, Callable[[QtBot, MainWindow], None]] = {
    "scanning": scanning, "scanned": scanned, "loading": loading, "loaded": loaded,
    "follow-up loaded": follow_up_loaded, "registering": registering,
    "registered": registered}  # fmt: skip


def no_thread_runs(window: MainWindow) -> bool:
    threads = [window.scanner, *(v.loader for v in window.views.views())]
    registrations = window.views.registrations
    return (all(t is None or t.isFinished() or not t.isRunning() for t in threads)
            and registrations.pool.activeThreadCount() == 0 and not registrations.running)


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_closing_the_window_while_its_workers_run(qtbot: QtBot, tmp_path: Path,
                                                  moment: str) -> None:
    for round_ in range(ROUNDS):
        label = f"{moment.replace(' ', '-')}-{round_}"
        window = opened(tmp_path, label)
        MOMENTS[moment](qtbot, window)
        window.close()
        assert not window.isVisible() and no_thread_runs(window)
        for _ in range(20):  # what the workers had queued, and what it would start
            QCoreApplication.processEvents()
        assert no_thread_runs(window)
        window.deleteLater()  # a thread still running would abort the process here
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        del window
        gc.collect()
