"""The server side of working at once: the adjudicator is told when a read is signed
(LISTEN/NOTIFY), and a dropped connection loses nothing acknowledged and applies nothing
unsaved."""

from __future__ import annotations

import psycopg
import pytest
from pg_server import PgDatabase

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category
from reviewer_gui.review import sign_in
from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.verify import verify

from .kit import CASE, PASSWORDS, PLANE, Backend, mm, project_with_case, read_case


@pytest.fixture
def study(pg_database: PgDatabase) -> PgDatabase:
    project_with_case(pg_database)
    return pg_database


def test_the_adjudicator_is_told_when_a_read_is_signed(study: PgDatabase) -> None:
    backend = Backend("postgres", study.location, study.url)
    with PostgresStore.open(study.location, user="carol", password=PASSWORDS["carol"]) as carol:
        carol.listen_for_reads()
        assert carol.wait_for_reads(0.2) is False  # nothing yet
        read_case(backend, "alice", complete=False)  # signs, re-reads and signs BASELINE
        assert carol.wait_for_reads(5.0) is True
        while carol.wait_for_reads(0.2):
            pass  # one notification per committed signature or re-read
        with backend.open("ada") as ada:  # a change that completes no read: no notification
            backend.project("ada", ada).add_subject("CASE-8", by="ada")
        assert carol.wait_for_reads(0.3) is False


def _drop(postgres_url: str, name: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        dropped = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE usename = %s", (name,)).fetchall()  # fmt: skip
    assert dropped and all(ok for (ok,) in dropped)


def test_a_dropped_connection_is_restored_and_the_next_action_saved_once(
    study: PgDatabase, postgres_url: str
) -> None:
    alice = sign_in(study.location, "alice", PASSWORDS["alice"], engine=RecistEngine())
    told: list[str] = []
    alice._store.on_connection = told.append  # type: ignore[attr-defined]
    alice.add_lesion(CASE, Category.TARGET, "liver")
    alice.measure(CASE, "BASELINE", "T1", mm(25), PLANE)
    _drop(postgres_url, "alice")
    alice.measure(CASE, "BASELINE", "T1", mm(27), PLANE)  # reconnects, then saves it
    assert any("connection to the server was lost" in t for t in told)
    assert any("reconnected as alice" in t for t in told)
    acknowledged = alice.read(CASE)
    alice.close()
    with sign_in(study.location, "alice", PASSWORDS["alice"]) as again:
        assert again.read(CASE) == acknowledged
    with PostgresStore.open(study.location, user="ada", password=PASSWORDS["ada"]) as ada:
        assert verify(ada.database).problems == ()
        kinds = [r["action"] for r in ada.database.rows(
            "SELECT action FROM audit_record WHERE actor = 'alice' ORDER BY seq")]
        assert kinds.count("save-observation") == 2
        assert kinds.count("reconnect") == 1
