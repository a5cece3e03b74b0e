"""The round trips of an e-signature on PostgreSQL (``Session.sign``): what the signature
depends on is read at each one (the signer's user version and account state, the server's
standing of the login, the receipts setting), what never changes once recorded (the project's
id, its image location) once per session, and the account's state once per signature."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pg_server import PgDatabase
from psycopg.waiting import Wait

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, State
from reviewer_gui.review import Session, sign_in
from reviewer_gui.review.identity import AccountLocked, AuthenticationFailed
from reviewer_gui.review.receipts import set_receipt_file
from reviewer_gui.review.users import authenticate
from reviewer_gui.store.image_folder import set_images_folder

from .kit import CASE, PASSWORDS, PLANE, Backend, mm, project_with_case

RIGHT = PASSWORDS["alice"]


class RoundTrips:
    """The times a client waited for the server's answer (as ``benchmarks/multisite.py``
    counts them: a pipelined statement sent without waiting is none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        wait = psycopg.Connection.wait

        def reads(gen: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
            ready = None
            try:
                while True:
                    state = gen.send(ready)
                    self.count += state == Wait.R
                    ready = yield state
            except StopIteration as done:
                return done.value

        def counted(connection: psycopg.Connection[Any], gen: Any, *args: Any,
                    **kwargs: Any) -> Any:  # fmt: skip
            return wait(connection, reads(gen), *args, **kwargs)

        monkeypatch.setattr(psycopg.Connection, "wait", counted)

    def of(self, call: Any, *args: Any, **kwargs: Any) -> int:
        before = self.count
        call(*args, **kwargs)
        return self.count - before


@pytest.fixture
def project(pg_database: PgDatabase) -> Backend:
    return project_with_case(pg_database)


@pytest.fixture
def alice(project: Backend) -> Iterator[Session]:
    with sign_in(project.location, "alice", RIGHT, engine=RecistEngine()) as session:
        session.add_lesion(CASE, Category.TARGET, "liver")
        session.add_lesion(CASE, Category.NON_TARGET, "bone")
        session.measure(CASE, "BASELINE", "T1", mm(20), PLANE)
        session.set_state(CASE, "BASELINE", "NT1", State.PRESENT)
        yield session


def _read_m2(session: Session) -> None:
    """The follow-up read (once the baseline is signed)."""
    session.measure(CASE, "M2", "T1", mm(18), PLANE)
    session.set_state(CASE, "M2", "NT1", State.PRESENT)


def _sign(session: Session, label: str) -> None:
    session.sign(CASE, label, name="alice", password=RIGHT, meaning="Read")


def test_a_signature_without_receipts_takes_seven_round_trips(
    alice: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = RoundTrips(monkeypatch)
    # users, account state, the login's standing, receipts setting, image location (none
    # recorded yet: asked again each time), the change's two
    assert trips.of(_sign, alice, "BASELINE") == 7
    _read_m2(alice)
    assert trips.of(_sign, alice, "M2") == 7
    assert sorted(alice.read(CASE).signatures) == ["BASELINE", "M2"]


def test_with_receipts_what_never_changes_is_read_once_per_session(
    project: Backend, alice: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with project.open("ada") as ada:
        set_images_folder(ada, tmp_path, "ada")
    trips = RoundTrips(monkeypatch)
    # the first: also the image location and the project's id (never changed once recorded)
    assert trips.of(_sign, alice, "BASELINE") == 9
    alice.reread(CASE, "BASELINE", reason="second look")
    # users, account state, standing, receipts setting, the change's two, the last record
    assert trips.of(_sign, alice, "BASELINE") == 7
    with project.open("ada") as ada:
        signed = [int(r["seq"]) for r in ada.database.rows(
            "SELECT seq FROM audit_record WHERE action = 'sign-timepoint' ORDER BY seq")]
        uid = ada.project_info("project_uid")
    receipts = (tmp_path / f"{project.location.rsplit('/', 1)[1]}.receipts").read_text()
    assert [line.split()[1].split(":")[0] for line in receipts.splitlines()] == [
        str(seq) for seq in signed]  # fmt: skip
    assert all(line.split()[0] == uid for line in receipts.splitlines())


def test_a_receipts_file_set_during_the_session_takes_the_next_receipt(
    project: Backend, alice: Session, tmp_path: Path
) -> None:
    with project.open("ada") as ada:
        set_images_folder(ada, tmp_path, "ada")
    _sign(alice, "BASELINE")
    moved = tmp_path / "elsewhere.receipts"
    with project.open("ada") as ada:
        set_receipt_file(ada, moved, by="ada")
    _read_m2(alice)
    _sign(alice, "M2")
    lines = moved.read_text().splitlines()
    assert len(lines) == 1 and lines[0].endswith(f" sign {CASE}/alice/M2")


def test_a_lock_recorded_during_the_session_refuses_the_next_signature(
    project: Backend, alice: Session
) -> None:
    _sign(alice, "BASELINE")
    with project.open("alice") as elsewhere:  # another machine: five wrong passwords
        for _ in range(4):
            with pytest.raises(AuthenticationFailed):
                authenticate(elsewhere, "alice", "a-wrong-guess", action="sign")
        with pytest.raises(AccountLocked):
            authenticate(elsewhere, "alice", "a-wrong-guess", action="sign")
    _read_m2(alice)
    with pytest.raises(AccountLocked):
        _sign(alice, "M2")
    assert "M2" not in alice.read(CASE).signatures
