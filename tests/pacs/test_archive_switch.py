"""Moving to another subject while the shown series stream from the reading archive (a real
Orthanc): the replaced views' downloads are let go (they stop at their next image, deliver
nothing) instead of being waited for, and the reader's cache keeps whole series or none, never
half of one."""

from __future__ import annotations

import os

if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path

import pytest
from app.helpers import ready
from app.review_kit import PASSWORDS
from orthanc_kit import PASSWORD, USER, Orthanc
from pytestqt.qtbot import QtBot
from test_archive_app import archive_study

from reviewer_gui.dicom import SeriesCache
from reviewer_gui.qt.app import open_signed_in
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.qt.workers import Worker


def loaders(window: MainWindow) -> list[Worker]:
    found = [v.loader for v in window.views.views() if isinstance(v.loader, Worker)]
    assert len(found) == len(window.views.views())
    return found


def test_another_subject_chosen_while_series_stream_from_the_archive_lets_go_of_them(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_USER", USER)
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_PASSWORD", PASSWORD)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # all over the network
    path = archive_study(tmp_path, own_orthanc)
    window = open_signed_in(path, "alice", PASSWORDS["alice"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.views.current is not None, timeout=30_000)
    shown = window.session.case_id
    other = next(c for c in window.session.project.case_ids if c != shown)
    streaming = loaders(window)  # connecting, or their images on their way
    window.session.go(other)  # as the list of subjects does
    assert window.session.case_id == other
    assert all(t.stopping() and t.isFinished() for t in streaming)  # let go, not waited for
    assert not any(t.stopping() for t in loaders(window))
    qtbot.waitUntil(lambda: ready(window), timeout=60_000)  # the new place, whole
    assert all(v.volume.shape[0] > 1 for v in window.views.views())
    partial = SeriesCache().root / "partial"  # a download let go leaves nothing behind
    assert not partial.exists() or list(partial.iterdir()) == []
    window.close()
