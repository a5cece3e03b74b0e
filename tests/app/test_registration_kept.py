"""Registrations kept in the project (issue 17, item 2; schema 6): the reader's window
registers a follow-up once; a later session on the same project (a new window, as after a
restart) finds the pair's row and runs no registration; another reader of the same project
registers for themselves, never using the first reader's row. The project is a real file,
the series real DICOM files, the registration SimpleITK's."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.app import open_window
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.store import Store
from reviewer_gui.store.derived import StoredRegistration
from reviewer_gui.store.verify import connect, verify
from reviewer_gui.viewer import registration_cache
from reviewer_gui.viewer.registration import Registration, register_series
from reviewer_gui.viewer.registration_cache import RegistrationOutcome

from .helpers import ready
from .moved_kit import open_moved, to_m2


def kept(path: Path, owner: str, pair: tuple[str, str]) -> list[StoredRegistration]:
    with Store.open(path, create=False) as store:
        return store.registrations(owner, *pair)


def registered_at_m2(qtbot: QtBot, window: MainWindow) -> RegistrationOutcome:
    """M2 shown; its registration to the baseline, once delivered."""
    to_m2(qtbot, window)
    registrations = window.views.registrations
    qtbot.waitUntil(lambda: len(registrations.outcomes) == 1, timeout=60_000)
    [outcome] = registrations.outcomes.values()
    return outcome


def reopened(qtbot: QtBot, path: Path, reader: str) -> MainWindow:
    window = open_window(path, reader=reader)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: ready(window), timeout=60_000)
    return window


def test_a_pair_is_registered_once_per_reader_and_found_again_in_the_project(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "reading.db"
    runs: list[str] = []

    def counted(*args: object, **kwargs: object) -> Registration:
        runs.append("registered")
        return register_series(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(registration_cache, "register_series", counted)
    window = open_moved(qtbot, tmp_path, upside_down=False)
    first = registered_at_m2(qtbot, window)
    assert first.registration is not None and not first.cached and first.note == ""
    assert runs == ["registered"]
    [row] = kept(path, "alice", first.pair)
    assert row.inputs_sha256 == first.inputs_sha256
    window.close()

    again = reopened(qtbot, path, "alice")  # a new session on the same project
    second = registered_at_m2(qtbot, again)
    assert second.cached and second.registration == first.registration
    assert runs == ["registered"]  # no registration ran
    assert kept(path, "alice", first.pair) == [row]  # used as it was, not rewritten
    again.close()

    bob = reopened(qtbot, path, "bob")  # another reader of the same project
    theirs = registered_at_m2(qtbot, bob)
    assert theirs.pair == first.pair and not theirs.cached and theirs.registration is not None
    assert runs == ["registered", "registered"]  # their own, not alice's row
    assert [r.owner for r in kept(path, "bob", first.pair)] == ["bob"]
    assert kept(path, "alice", first.pair) == [row]
    bob.close()
    report = verify(connect(path))  # derived rows in the file: the record still verifies
    assert report.intact, report.problems
