"""Registrations kept in the project (issue 17, item 2; schema 6): the reader's window
registers a follow-up once; a later session on the same project (a new window, as after a
restart) finds the pair's row and runs no registration; another reader of the same project
registers for themselves, never using the first reader's row; signed in (a project file and
PostgreSQL), each user, the study administrator too, keeps their own rows. The project is a
real file or database, the series real DICOM files, the registration SimpleITK's."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.app import open_window
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.store import Store, is_postgres_url, open_store
from reviewer_gui.store.derived import StoredRegistration
from reviewer_gui.store.verify import connect, verify
from reviewer_gui.viewer import registration_cache
from reviewer_gui.viewer.registration import Registration, register_series
from reviewer_gui.viewer.registration_cache import RegistrationOutcome

from .helpers import ready
from .moved_kit import open_moved, to_m2
from .review_kit import PASSWORDS, open_as, read_timepoint, samples


def kept(path: Path, owner: str, pair: tuple[str, str]) -> list[StoredRegistration]:
    with Store.open(path, create=False) as store:
        return store.registrations(owner, *pair)


def registered_at_m2(qtbot: QtBot, window: MainWindow) -> RegistrationOutcome:
    """M2 shown; its registration to the baseline, once delivered."""
    to_m2(qtbot, window)
    return delivered(qtbot, window)


def delivered(qtbot: QtBot, window: MainWindow) -> RegistrationOutcome:
    """The shown follow-up's one registration (to the baseline), once delivered."""
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


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every registration that runs (SimpleITK's, counted)."""
    ran: list[str] = []

    def counted(*args: object, **kwargs: object) -> Registration:
        ran.append("registered")
        return register_series(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(registration_cache, "register_series", counted)
    return ran


def test_a_pair_is_registered_once_per_reader_and_found_again_in_the_project(
    qtbot: QtBot, tmp_path: Path, runs: list[str]
) -> None:
    path = tmp_path / "reading.db"
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


def own_rows(study: Path | str, name: str, owner: str,
             pair: tuple[str, str]) -> list[StoredRegistration]:  # fmt: skip
    """``owner``'s rows of the pair as ``name`` signed in reads them."""
    with open_store(study, user=name, password=PASSWORDS[name], create=False) as store:
        return store.registrations(owner, *pair)


def test_signed_in_each_user_keeps_and_finds_their_own(
    qtbot: QtBot, study: Path | str, runs: list[str]
) -> None:
    alice = open_as(qtbot, study, "alice")
    session = alice.session
    case_id = session.case_id
    assert case_id is not None and session.timepoint == "BASELINE"
    read_timepoint(alice, samples(study)[case_id])
    session.sign(name="alice", password=PASSWORDS["alice"])
    session.step_timepoint(1)
    assert session.timepoint == "FU1", alice.message.text()
    first = delivered(qtbot, alice)
    assert first.registration is not None and not first.cached and first.note == ""
    assert runs == ["registered"]
    alice.close()
    [row] = own_rows(study, "alice", "alice", first.pair)
    assert row.inputs_sha256 == first.inputs_sha256

    again = open_as(qtbot, study, "alice")  # a new session: the worklist's next timepoint
    assert (again.session.case_id, again.session.timepoint) == (case_id, "FU1")
    second = delivered(qtbot, again)
    assert second.cached and second.registration == first.registration and runs == ["registered"]
    again.close()

    ada = open_as(qtbot, study, "ada")  # the study administrator views alice's read
    assert ada.session.reader == "alice"
    ada.session.go(case_id, "FU1")
    theirs = delivered(qtbot, ada)
    assert theirs.pair == first.pair and not theirs.cached and theirs.note == ""
    assert runs == ["registered", "registered"]  # their own registration, not alice's row
    ada.close()
    assert [r.owner for r in own_rows(study, "ada", "ada", first.pair)] == ["ada"]
    assert own_rows(study, "alice", "alice", first.pair) == [row]
    if is_postgres_url(study):  # the server shows nobody another user's rows, ada included
        assert own_rows(study, "ada", "alice", first.pair) == []
        assert own_rows(study, "alice", "ada", first.pair) == []
