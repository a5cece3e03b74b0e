"""A series loading from files (the project's folder, or the reader's cache of the archive)
stops before its next file once let go: the reader chose another subject or timepoint (its
view is replaced) or closed the window. Neither waits for the whole series to be read any
more, and nothing of the stopped load reaches a view."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from dicom_testkit import small_hu, write_small_series
from PyQt6.QtCore import QCoreApplication, Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.dicom import SeriesCache, load_series
from reviewer_gui.qt.loading import SeriesLoad
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.qt.remote_loading import RemoteSeriesLoad
from reviewer_gui.qt.workers import Worker

from .helpers import held_until_let_go, ready

FILES = 300


class PausedLoad(SeriesLoad):
    """Holds the load before its `n`-th file read until it is let go (from the GUI thread):
    the let-go lands at a known point of the reading."""

    def __init__(self, files: list[Path], n: int) -> None:
        super().__init__(files)
        self.n, self.reached = n, threading.Event()

    def file_read(self, path: Path) -> None:
        if self.files_read + 1 == self.n:
            held_until_let_go(self.reached, self.stopping)
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


class PausedRemoteLoad(RemoteSeriesLoad):
    """:class:`PausedLoad` for a series of the reading archive that the reader's cache holds."""

    def __init__(self, url: str, series_uid: str, n: int) -> None:
        super().__init__(url, series_uid)
        self.n, self.reached = n, threading.Event()

    def file_read(self, path: Path) -> None:
        if self.files_read + 1 == self.n:
            held_until_let_go(self.reached, self.stopping)
        super().file_read(path)


def test_a_series_of_the_archive_read_from_the_readers_cache_stops_before_the_next_file(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """No download: the cache holds the series whole, so it is read from files (and the
    archive, on a port where nothing listens, is never asked); let go, it stops there, and
    the cached series stays whole."""
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_CACHE_DIR", str(tmp_path / "dicomweb"))
    url = "http://127.0.0.1:9/dicom-web"
    files = write_small_series(tmp_path / "site", small_hu(n=FILES, size=8))
    volume, cache = load_series(files), SeriesCache()
    staging = cache.begin(url, volume.series_uid)
    staging.commit({staging.add(sop, path.read_bytes()).name: sop
                    for path, sop in zip(volume.files, volume.sop_instance_uids, strict=True)})
    load, delivered = PausedRemoteLoad(url, volume.series_uid, n=5), []
    load.loaded.connect(delivered.append)
    load.failed.connect(delivered.append)
    load.start()
    assert load.reached.wait(60)
    load.let_go()
    assert load.isFinished() and load.files_read == 4
    for _ in range(5):
        QCoreApplication.processEvents()
    assert delivered == []
    cached = cache.lookup(url, volume.series_uid)
    assert cached is not None and len(cached) == FILES
    whole = RemoteSeriesLoad(url, volume.series_uid)  # not let go: all of it, from the cache
    with qtbot.waitSignal(whole.loaded, timeout=60_000) as got:
        whole.start()
    assert whole.wait(10_000) and whole.files_read == 2 * FILES
    assert got.args[0].sop_instance_uids == volume.sop_instance_uids
