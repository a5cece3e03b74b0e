"""Closing a window while its series stream from the reading archive (a real Orthanc), or while
it retries a lost connection: nothing the loads still deliver reaches the closed window or its
closed project (an exception in the event loop fails the test), no retry starts a load after
the close, and no loading thread outlives its window (destroyed while running, a QThread
aborts the process); a registration stopped while it fetches its baseline stops the download."""

from __future__ import annotations

import os

if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from app.adjudication_kit import open_window
from app.review_kit import PASSWORDS
from orthanc_kit import PASSWORD, USER, Orthanc
from PyQt6.QtCore import QCoreApplication, QEvent, QThread
from PyQt6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from test_archive_app import adjudication_study, archive_study

from reviewer_gui.dicom import SeriesCache, Volume
from reviewer_gui.qt import remote_loading
from reviewer_gui.qt.app import open_signed_in
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.store import Store
from reviewer_gui.viewer.registration import Stop
from reviewer_gui.viewer.registration_cache import (
    RegistrationJob,
    archive_loader,
    run_registration,
)

RETRY_S = 0.3


@pytest.fixture
def reader_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_USER", USER)
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_PASSWORD", PASSWORD)
    monkeypatch.setattr(remote_loading, "RETRY_S", RETRY_S)


def reader_window(qtbot: QtBot, path: Path) -> MainWindow:
    window = open_signed_in(path, "alice", PASSWORDS["alice"])
    window.show()
    qtbot.waitUntil(lambda: window.views.current is not None, timeout=30_000)
    return window


def loaders(window: QWidget) -> list[QThread]:
    if isinstance(window, MainWindow):
        return [v.loader for v in window.views.views() if v.loader is not None]
    return list(window.images.loaders.values())  # type: ignore[attr-defined]


def closed_for_good(qtbot: QtBot, window: QWidget, threads: Sequence[QThread]) -> None:
    """Close `window`; then (longer than a retry's wait) nothing starts, nothing runs, and
    deleting the window is safe."""
    window.close()
    assert threads and not any(t.isRunning() for t in threads)
    started: list[QThread] = []
    for thread in threads:
        thread.started.connect(lambda t=thread: started.append(t))
    qtbot.wait(int(RETRY_S * 1000 * 4))  # retries due, queued results delivered
    assert started == [] and not any(t.isRunning() for t in threads)
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def just_opened(qtbot: QtBot, window: MainWindow) -> None:
    """Connecting to the archive (or its first image on its way)."""


def first_image(qtbot: QtBot, window: MainWindow) -> None:
    view = window.views.current
    assert view is not None
    qtbot.waitUntil(lambda: view.volume.shape[1] != 64 or not loaders(window)[0].isRunning(),
                    timeout=30_000)  # the first image here (or all of it, on a fast machine)


def queued(qtbot: QtBot, window: MainWindow) -> None:
    for thread in loaders(window):
        thread.wait()  # done; its "loaded" queued for the window, not delivered


MOMENTS: dict[str, Callable[[QtBot, MainWindow], None]] = {
    "just opened": just_opened, "first image": first_image, "queued": queued}


def test_closing_the_readers_window_while_series_stream_from_the_archive(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path, reader_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = archive_study(tmp_path, own_orthanc)
    for round_ in range(3):
        for name, moment in MOMENTS.items():
            # a cache of its own: the series come over the network, not from the disk
            monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{round_}-{name}"))
            window = reader_window(qtbot, path)
            moment(qtbot, window)
            closed_for_good(qtbot, window, loaders(window))


def test_closing_the_readers_window_while_it_retries_a_lost_connection(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path, reader_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = archive_study(tmp_path, own_orthanc)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    own_orthanc.stop()
    window = open_signed_in(path, "alice", PASSWORDS["alice"])
    window.show()
    qtbot.waitUntil(lambda: window.views.current is not None
                    and window.views.current.status is not None
                    and "attempt 2" in window.views.current.status[0],
                    timeout=30_000)  # fmt: skip
    closed_for_good(qtbot, window, loaders(window))


def test_closing_the_adjudicators_window_while_its_panes_retry(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path, reader_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path, _ = adjudication_study(tmp_path, own_orthanc)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    window = open_window(qtbot, path, "carol")
    for read in window.reads:  # FU2's series listed while the archive is up (kept)
        assert window.images.studies.shown(read, "FU2", "T1") is not None
    own_orthanc.stop()  # then lost: loading them fails, and is retried
    table = window.table
    table.setCurrentCell(table.row_lesions.index("T1"), table.FIRST + 2)
    qtbot.waitUntil(lambda: bool(window.images.loaders) and all(
        p.view is not None and p.view.status is not None and "attempt 2" in p.view.status[0]
        for p in window.images.panes), timeout=30_000)  # fmt: skip
    closed_for_good(qtbot, window, loaders(window))


class StopAfterImages(Stop):
    """A stop requested once `n` images of a download have arrived (the window closed then)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n, self.images = n, 0

    def check(self) -> None:
        self.images += 1  # the archive loader checks at every image
        if self.images > self.n:
            self.request()
        super().check()


def test_a_stopped_registration_stops_its_download_from_the_archive(
        own_orthanc: Orthanc, tmp_path: Path, reader_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The baseline a follow-up is registered to, fetched in the registration's worker: a
    stop ends the download at the next image; nothing of it is cached."""
    path = archive_study(tmp_path, own_orthanc)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with Store.open(path, create=False) as store:
        baseline, follow_up = next(iter(store.load().subjects.values()))[:2]
    assert baseline.series is not None and follow_up.series is not None
    uids = baseline.series.series_uid, follow_up.series.series_uid
    stop, followed = StopAfterImages(3), []

    def never() -> Volume:
        followed.append(True)
        raise AssertionError("the follow-up is not asked for once stopped")

    job = RegistrationJob("BASELINE", *uids, archive_loader(own_orthanc.url, uids[0], stop),
                          never, stop)  # fmt: skip
    outcome = run_registration(job)
    assert outcome.stopped and outcome.registration is None and followed == []
    assert stop.images == 4  # three images, then the stop
    assert SeriesCache().lookup(own_orthanc.url, uids[0]) is None  # not cached half
    whole = archive_loader(own_orthanc.url, uids[0], Stop())()  # not stopped: all of it
    assert whole.voxels.shape[0] == 20
    assert SeriesCache().lookup(own_orthanc.url, uids[0]) is not None
