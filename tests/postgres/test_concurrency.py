"""Writers in separate processes at once: one audit chain, verified, nothing lost; a writer
killed (SIGKILL) in the middle of its transaction leaves the chain valid."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from pg_server import PgDatabase

from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.verify import verify

from .kit import PASSWORDS, Backend

REPO = Path(__file__).resolve().parents[2]
APPENDS = 120

WRITER = """
import sys
from reviewer_gui.store.postgres import PostgresStore
location, name, password, count = sys.argv[1:5]
with PostgresStore.open(location, user=name, password=password) as store:
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    for i in range(int(count)):
        store.log_action("note", name, reason=f"{name} {i}")
"""


def _writer(location: str, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, location, name, PASSWORDS[name],
                             str(APPENDS)], cwd=REPO, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def test_two_processes_appending_at_once_make_one_verified_chain(
    pg_database: PgDatabase,
) -> None:
    Backend("postgres", pg_database.location, pg_database.url).create()
    writers = [_writer(pg_database.location, name) for name in ("alice", "bob")]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, errors = writer.communicate(timeout=300)
        assert writer.returncode == 0, errors
    with PostgresStore.open(pg_database.location, user="ada", password=PASSWORDS["ada"]) as ada:
        report = verify(ada.database)
        actors = [r[0] for r in ada.database.execute(
            "SELECT actor FROM audit_record WHERE action = 'note' ORDER BY seq")]  # fmt: skip
        reasons = {r[0] for r in ada.database.execute(
            "SELECT reason FROM audit_record WHERE action = 'note'")}  # fmt: skip
    assert report.problems == ()
    assert report.records == 5 + 2 * APPENDS
    assert reasons == {f"{n} {i}" for n in ("alice", "bob") for i in range(APPENDS)}
    switches = sum(a != b for a, b in itertools.pairwise(actors))
    assert switches >= 3, "the two writers did not overlap: the test proved nothing"


KILLED = """
import os, sys, time
from reviewer_gui.store import audit
from reviewer_gui.store.postgres import PostgresStore
location, name, password = sys.argv[1:4]
store = PostgresStore.open(location, user=name, password=password)
with store._transaction():
    store._append(audit.Entry("note", name, audit.now(), reason="never committed"))
    print("appended", flush=True)
    time.sleep(60)
"""


def test_a_writer_killed_mid_transaction_leaves_the_chain_valid(
    pg_database: PgDatabase,
) -> None:
    Backend("postgres", pg_database.location, pg_database.url).create()
    victim = subprocess.Popen([sys.executable, "-c", KILLED, pg_database.location, "alice",
                               PASSWORDS["alice"]], cwd=REPO, text=True,
                              stdout=subprocess.PIPE)  # fmt: skip
    assert victim.stdout is not None
    assert victim.stdout.readline().strip() == "appended"  # it holds the chain's lock now
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    with PostgresStore.open(pg_database.location, user="bob", password=PASSWORDS["bob"]) as bob:
        seq = bob.log_action("note", "bob", reason="after the kill")
    with PostgresStore.open(pg_database.location, user="ada", password=PASSWORDS["ada"]) as ada:
        report = verify(ada.database)
        reasons = [r[0] for r in ada.database.execute(
            "SELECT reason FROM audit_record ORDER BY seq")]  # fmt: skip
    assert report.problems == ()
    assert seq == report.records == 6
    assert "never committed" not in reasons and reasons[-1] == "after the kill"


def test_a_client_holding_the_chain_stalls_writers_only_for_the_lock_timeout(
    pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewer_gui.store import StoreError
    from reviewer_gui.store.postgres import store as pg_store

    Backend("postgres", pg_database.location, pg_database.url).create()
    monkeypatch.setattr(pg_store, "LOCK_TIMEOUT_S", 1)
    with psycopg.connect(pg_database.location, user="bob", password=PASSWORDS["bob"]) as bob:
        bob.execute("SELECT recist.lock_audit_chain()")  # psql: BEGIN; ... and nothing more
        with (PostgresStore.open(pg_database.location, user="alice",
                                 password=PASSWORDS["alice"]) as alice,
              pytest.raises(StoreError, match="another session has held the audit trail")):
            alice.log_action("note", "alice")  # refused at the lock timeout, not hanging
        bob.rollback()
    with PostgresStore.open(pg_database.location, user="alice",
                            password=PASSWORDS["alice"]) as alice:  # fmt: skip
        assert alice.log_action("note", "alice") == 6
