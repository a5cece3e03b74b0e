"""A series loading from files stops before its next file once let go: the reader chose
another subject or timepoint (its view is replaced) or closed the window. Neither waits for
the whole series to be read any more, and nothing of the stopped load reaches a view."""

from __future__ import annotations

import threading
from pathlib import Path

from dicom_testkit import small_hu, write_small_series
from PyQt6.QtCore import QCoreApplication, Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.loading import SeriesLoad
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.qt.workers import Worker

from .helpers import ready

FILES = 300


class PausedLoad(SeriesLoad):
    """Holds the load before its `n`-th file read until it is let go (from the GUI thread):
    the let-go lands at a known point of the reading."""

    def __init__(self, files: list[Path], n: int) -> None:
        super().__init__(files)
        self.n, self.reached = n, threading.Event()

    def file_read(self, path: Path) -> None:
        if self.files_read + 1 == self.n:
            self.reached.set()
            for _ in range(60_000):  # a guard against a hang, not a measure of time
                if self.stopping():
                    break
                threading.Event().wait(0.001)
        super().file_read(path)


def test_a_series_load_let_go_while_it_reads_files_stops_before_the_next_file(
        qtbot: QtBot, tmp_path: Path) -> None:  # fmt: skip
    files = write_small_series(tmp_path, small_hu(n=FILES, size=8))
    load, loaded, failed = PausedLoad(files, n=FILES + 7), [], []  # in the pixels' pass
    load.loaded.connect(loaded.append)
    load.failed.connect(failed.append)
    load.start()
    assert load.reached.wait(60)
    load.let_go()  # returns once the worker has finished
    assert load.isFinished() and load.files_read == FILES + 6  # not one file more
    for _ in range(5):
        QCoreApplication.processEvents()
    assert loaded == [] and failed == []


def test_a_series_load_not_let_go_reads_each_file_twice(qtbot: QtBot, tmp_path: Path) -> None:
    hu = small_hu(n=40, size=8)
    files = write_small_series(tmp_path, hu)
    load = SeriesLoad(files)
    with qtbot.waitSignal(load.loaded, timeout=60_000) as got:
        load.start()
    assert load.wait(10_000) and load.files_read == 2 * 40
    assert (got.args[0].voxels == hu).all()


def loaders(window: MainWindow) -> list[Worker]:
    found = [v.loader for v in window.views.views() if v.loader is not None]
    assert all(isinstance(t, Worker) for t in found)
    return [t for t in found if isinstance(t, Worker)]


def test_moving_on_lets_go_of_the_loads_of_the_views_it_replaces(
        qtbot: QtBot, window: MainWindow) -> None:  # fmt: skip
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # M2
    at_m2 = loaders(window)
    assert len(at_m2) == 2  # M2's series and the baseline's, loading (or just loaded)
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)  # next subject
    assert window.session.case_id == "SUBJ-002"
    # replaced: asked to stop (a load under way ends at its next file) and finished, so no
    # switch waits for a whole series; their results are never delivered
    assert all(t.stopping() and t.isFinished() for t in at_m2)
    assert not any(t.stopping() for t in loaders(window))  # the new subject's views load
    qtbot.waitUntil(lambda: ready(window), timeout=60_000)
    assert all(v.volume.shape[0] > 1 for v in window.views.views())
