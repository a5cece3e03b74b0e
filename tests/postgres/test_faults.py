"""Faults (issue 11, item 4): the connection is lost or the server restarts during a read;
the store reconnects as the same user, and every action is applied exactly once or reported
as not saved. Real server, real connections: the cuts are made by a loopback relay
(``cutter``) at the exact moment (a COMMIT applied and its answer lost, a COMMIT lost), and the
restarts by ``pg_ctl restart -m immediate``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest
from pg_server import PostgresServer, ServerUnavailable, drop_project, with_database

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, ReadKey, State
from reviewer_gui.review import Session, sign_in
from reviewer_gui.review.adjudication import AdjudicationDesk, Status
from reviewer_gui.store import StoreError
from reviewer_gui.store.postgres import PostgresStore, reconnect
from reviewer_gui.store.postgres.ddl import ident
from reviewer_gui.store.verify import verify

from .cutter import Cutter
from .kit import CASE, PASSWORDS, PLANE, Backend, add_case, mm, read_case


@pytest.fixture
def study(pg_database: object) -> Backend:
    backend = Backend("postgres", pg_database.location, pg_database.url)  # type: ignore[attr-defined]
    backend.create()
    add_case(backend)
    return backend


@pytest.fixture
def cutter(study: Backend) -> Iterator[Cutter]:
    relay = Cutter(study.location)
    yield relay
    relay.close()


def _signed_in(location: str, name: str) -> tuple[Session, list[str]]:
    session = sign_in(location, name, PASSWORDS[name], engine=RecistEngine())
    told: list[str] = []
    store = session._store
    assert isinstance(store, PostgresStore)
    store.on_connection = told.append
    return session, told


def _actions(backend: Backend, actor: str) -> list[str]:
    """The audit trail's actions of ``actor``, after checking the whole chain."""
    with PostgresStore.open(backend.location, user="ada", password=PASSWORDS["ada"]) as ada:
        assert verify(ada.database).problems == ()
        return [r["action"] for r in ada.database.rows(
            "SELECT action FROM audit_record WHERE actor = ? ORDER BY seq", actor)]  # fmt: skip


def _length(session: Session, timepoint: str = "BASELINE") -> object:
    """The long axis measured, as the session's model shows it (``None``: not measured)."""
    observation = session.read(CASE).observation(timepoint, "T1")
    return None if observation is None else observation.diameter_mm(False)


def test_a_commit_applied_whose_answer_is_lost_is_acknowledged_once(
    study: Backend, cutter: Cutter
) -> None:
    alice, told = _signed_in(cutter.url, "alice")
    alice.add_lesion(CASE, Category.TARGET, "liver")
    cutter.cut = "answer"
    alice.measure(CASE, "BASELINE", "T1", mm(25), PLANE)  # returns: the server applied it
    assert cutter.cuts == 1
    assert any("was applied once" in t for t in told), told
    assert _length(alice) == Decimal("25.0")
    shown = alice.read(CASE)
    alice.close()
    assert _actions(study, "alice").count("save-observation") == 1
    with sign_in(study.location, "alice", PASSWORDS["alice"]) as again:
        assert again.read(CASE) == shown
    with PostgresStore.open(study.location, user="ada", password=PASSWORDS["ada"]) as ada:
        # each write of alice's left its id with the number of the record it appended
        ids = ada.database.rows("SELECT seq FROM applied_action WHERE actor = 'alice'")
        records = ada.database.rows("SELECT seq FROM audit_record WHERE actor = 'alice'")
    assert sorted(r["seq"] for r in ids) == sorted(r["seq"] for r in records)


def test_a_commit_that_never_arrives_is_done_again_once(study: Backend, cutter: Cutter) -> None:
    alice, told = _signed_in(cutter.url, "alice")
    alice.add_lesion(CASE, Category.TARGET, "liver")
    cutter.cut = "commit"
    alice.measure(CASE, "BASELINE", "T1", mm(25), PLANE)
    assert cutter.cuts == 1
    assert any("was not applied" in t for t in told), told
    assert any("reconnected as alice" in t for t in told), told
    alice.close()
    actions = _actions(study, "alice")
    assert actions.count("save-observation") == 1
    assert actions.count("reconnect") == 1


def test_a_server_that_does_not_come_back_leaves_the_action_unsaved_and_unshown(
    study: Backend, cutter: Cutter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reconnect, "DELAYS", (0.05, 0.05))
    alice, told = _signed_in(cutter.url, "alice")
    alice.add_lesion(CASE, Category.TARGET, "liver")
    before = alice.read(CASE)
    cutter.cut, cutter.refusing = "commit", True
    with pytest.raises(StoreError, match=r"has not answered .* may not have been saved"):
        alice.measure(CASE, "BASELINE", "T1", mm(25), PLANE)
    assert alice.read(CASE) == before  # not shown: the model applies only what was saved
    cutter.refusing = False  # the server is back: the next action reconnects first
    alice.measure(CASE, "BASELINE", "T1", mm(26), PLANE)
    assert any("was not applied by the server" in t for t in told), told
    assert _length(alice) == Decimal("26.0")
    alice.close()
    assert _actions(study, "alice").count("save-observation") == 1


def test_a_project_made_before_action_ids_never_applies_a_write_twice(
    study: Backend, cutter: Cutter
) -> None:
    """Without ``applied_action`` a write whose COMMIT was not answered cannot be looked up:
    it is said (reopen the project to see it), never done again."""
    assert study.bootstrap is not None
    with psycopg.connect(study.bootstrap, autocommit=True) as owner:
        owner.execute("DROP TABLE recist.applied_action")
    alice, _ = _signed_in(cutter.url, "alice")
    alice.add_lesion(CASE, Category.TARGET, "liver")
    cutter.write, cutter.cut = b"append_audit", "answer"
    with pytest.raises(StoreError, match=r"connection to the server was lost.*reopen"):
        alice.measure(CASE, "BASELINE", "T1", mm(25), PLANE)
    assert cutter.cuts == 1 and _length(alice) is None  # not shown
    alice.close()  # reconnects for its sign-out record
    assert _actions(study, "alice").count("save-observation") == 1  # applied once, not twice


def test_the_adjudicators_decision_whose_answer_is_lost_is_recorded_once(
    study: Backend, cutter: Cutter
) -> None:
    read_case(study, "alice", complete=True)  # progression at M2
    with sign_in(study.location, "bob", PASSWORDS["bob"], engine=RecistEngine()) as bob:
        bob.add_lesion(CASE, Category.TARGET, "liver")
        bob.add_lesion(CASE, Category.NON_TARGET, "bone")
        for label, length in (("BASELINE", 31.25), ("M2", 30.0)):
            bob.measure(CASE, label, "T1", mm(length), PLANE)
            bob.set_state(CASE, label, "NT1", State.PRESENT)
            bob.sign(CASE, label, name="bob", password=PASSWORDS["bob"], meaning="Read")
    carol, told = _signed_in(cutter.url, "carol")
    desk = AdjudicationDesk(carol)
    assert desk.case(CASE).status is Status.FLAGGED
    cutter.cut = "answer"
    desk.decide(CASE, "bob", reason="no progression at M2", name="carol",
                password=PASSWORDS["carol"], meaning="Adjudicated")  # fmt: skip
    assert cutter.cuts == 1 and any("was applied once" in t for t in told), told
    assert desk.case(CASE).status is not Status.FLAGGED
    carol.close()
    assert _actions(study, "carol").count("adjudicate") == 1
    with PostgresStore.open(study.location, user="ada", password=PASSWORDS["ada"]) as ada:
        assert len(ada.audited_rows("adjudication")) == 1


# -- a server restarted (pg_ctl restart -m immediate: as after a crash) ---------------------


@pytest.fixture(scope="module")
def own_server() -> Iterator[PostgresServer]:
    """A server of these tests' own (restarting the shared one would cut other tests)."""
    server = PostgresServer()
    try:
        server.start()
    except ServerUnavailable as error:
        server.stop()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is needed in CI and did not start: {error}")
        pytest.skip(f"no PostgreSQL here ({error}); CI runs these tests")
    yield server
    server.stop()


@pytest.fixture
def restartable(own_server: PostgresServer) -> Iterator[tuple[PostgresServer, Backend]]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(own_server.url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {ident(name)}")
    backend = Backend("postgres", with_database(own_server.url, name, credentials=False),
                      with_database(own_server.url, name))  # fmt: skip
    backend.create()
    add_case(backend)
    yield own_server, backend
    drop_project(own_server.url, name)


def test_a_restart_between_actions_is_reconnected_through(
    restartable: tuple[PostgresServer, Backend],
) -> None:
    server, backend = restartable
    alice, told = _signed_in(backend.location, "alice")
    alice.add_lesion(CASE, Category.TARGET, "liver")
    server.restart("immediate")
    alice.measure(CASE, "BASELINE", "T1", mm(25), PLANE)
    assert any("connection to the server was lost" in t for t in told), told
    assert any("reconnected as alice" in t for t in told), told
    shown = alice.read(CASE)
    alice.close()
    assert _actions(backend, "alice").count("save-observation") == 1
    with sign_in(backend.location, "alice", PASSWORDS["alice"]) as again:
        assert again.read(CASE) == shown


def test_a_restart_in_the_middle_of_a_write_applies_it_once(
    restartable: tuple[PostgresServer, Backend],
) -> None:
    server, backend = restartable
    alice, told = _signed_in(backend.location, "alice")
    store = alice._store
    assert isinstance(store, PostgresStore)
    alice.add_lesion(CASE, Category.TARGET, "liver")
    append, restarts = store._append, list[int]()

    def append_then_crash(entry: object) -> int:
        seq = append(entry)  # type: ignore[arg-type]
        if not restarts:  # holding the chain's lock, the record appended, not committed
            restarts.append(seq)
            server.restart("immediate")
        return seq

    store._append = append_then_crash  # type: ignore[method-assign]
    alice.measure(CASE, "BASELINE", "T1", mm(25), PLANE)
    # lost before its COMMIT was sent (done again), or at it (looked up, then done again)
    assert restarts and any("reconnected as alice" in t for t in told), told
    assert not any("was applied once" in t for t in told), told
    assert _length(alice) == Decimal("25.0")
    alice.close()
    assert _actions(backend, "alice").count("save-observation") == 1
    with PostgresStore.open(backend.location, user="alice", password=PASSWORDS["alice"]) as s:
        assert len(s.load(reader="alice").reads[ReadKey(CASE, "alice")].observations) == 1
