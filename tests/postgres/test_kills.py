"""A client killed with SIGKILL at six points of a write (issue 11, items 2 and 4): before
its BEGIN, after inserting a version row, after appending its audit record (holding the
chain's lock), holding the chain's lock during the adjudicator's decision, between its COMMIT
and its acknowledgement, and in the middle of an e-signature. Afterwards the other writers
go on at once (the server rolled the killed transaction back and released the lock), ``audit
verify`` passes, and every acknowledged action is there exactly once (the one committed and
never acknowledged too, once). Real processes, real server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pg_server import PgDatabase

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, State
from reviewer_gui.review import sign_in
from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.verify import verify

from .kit import CASE, PASSWORDS, PLANE, Backend, add_case, mm, read_case

REPO = Path(__file__).resolve().parents[2]

VICTIM = r"""
import sys, time
from postgres.kit import CASE, PLANE, mm
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, State
from reviewer_gui.review import sign_in
from reviewer_gui.review.adjudication import AdjudicationDesk
from reviewer_gui.store.postgres import store as pg
location, name, password, point = sys.argv[1:5]
armed = False
SQL = {"version-row": "INSERT INTO lesion_version", "audit-append": "recist.append_audit",
       "chain-lock": "recist.lock_audit_chain", "signature": "INSERT INTO signature"}

def pause():
    print("paused", flush=True)
    time.sleep(600)

execute = pg.Database.execute
def watched(self, sql, parameters=()):
    cursor = execute(self, sql, parameters)
    if armed and SQL.get(point, "\0") in sql:
        execute(self, "SELECT 1").fetchone()  # the pipeline sends what it holds: done now
        pause()
    return cursor
pg.Database.execute = watched
transaction = pg.PostgresStore._transaction
def before_begin(self):
    if armed and point == "before-begin":
        pause()
    return transaction(self)
pg.PostgresStore._transaction = before_begin
record = pg.PostgresStore.record
def unacknowledged(self, change):
    record(self, change)
    if armed and point == "after-commit":
        pause()
pg.PostgresStore.record = unacknowledged

def ack(kind):
    print("ack", kind, flush=True)

with sign_in(location, name, password, engine=RecistEngine()) as s:
    if name == "carol":
        armed = True
        AdjudicationDesk(s).decide(CASE, "bob", reason="no progression at M2", name=name,
                                   password=password, meaning="Adjudicated")
        ack("adjudicate")
    else:
        s.add_lesion(CASE, Category.TARGET, "liver"); ack("save-lesion")
        s.add_lesion(CASE, Category.NON_TARGET, "bone"); ack("save-lesion")
        s.measure(CASE, "BASELINE", "T1", mm(20), PLANE); ack("save-observation")
        s.set_state(CASE, "BASELINE", "NT1", State.PRESENT); ack("save-observation")
        armed = True
        if point == "version-row":
            s.add_lesion(CASE, Category.TARGET, "lung"); ack("save-lesion")
        elif point == "audit-append":
            s.set_state(CASE, "BASELINE", "NT1", State.PRESENT, reason="again")
            ack("save-observation")
        elif point == "signature":
            s.sign(CASE, "BASELINE", name=name, password=password, meaning="Read")
            ack("sign-timepoint")
        else:
            s.measure(CASE, "BASELINE", "T1", mm(21), PLANE); ack("save-observation")
print("done", flush=True)
"""

POINTS = ["before-begin", "version-row", "audit-append", "chain-lock", "after-commit",
          "signature"]  # fmt: skip


def _flagged_case(backend: Backend) -> None:
    """Both reads of the case complete and discordant (alice: progression at M2; bob: not):
    the adjudicator has a decision to make."""
    read_case(backend, "alice", complete=True)
    with sign_in(backend.location, "bob", PASSWORDS["bob"], engine=RecistEngine()) as bob:
        bob.add_lesion(CASE, Category.TARGET, "liver")
        bob.add_lesion(CASE, Category.NON_TARGET, "bone")
        for label, length in (("BASELINE", 31.25), ("M2", 30.0)):
            bob.measure(CASE, label, "T1", mm(length), PLANE)
            bob.set_state(CASE, label, "NT1", State.PRESENT)
            bob.sign(CASE, label, name="bob", password=PASSWORDS["bob"], meaning="Read")


def _kill_at(location: str, name: str, point: str) -> list[str]:
    """Run the victim until it pauses at ``point``, SIGKILL it; what it acknowledged."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "tests"), str(REPO)])}
    victim = subprocess.Popen([sys.executable, "-c", VICTIM, location, name, PASSWORDS[name],
                               point], cwd=REPO, env=env, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)  # fmt: skip
    assert victim.stdout is not None
    acknowledged, line = [], ""
    try:
        while (line := victim.stdout.readline().strip()) not in ("paused", "done", ""):
            acknowledged.append(line.removeprefix("ack "))
    finally:
        os.kill(victim.pid, signal.SIGKILL)
        _, errors = victim.communicate(timeout=60)
    assert line == "paused", f"{point}: the victim never reached it: {errors[-2000:]}"
    assert victim.returncode == -signal.SIGKILL
    return acknowledged


@pytest.mark.parametrize("point", POINTS)
def test_a_client_killed_mid_write_leaves_a_valid_chain_and_each_action_once(
    pg_database: PgDatabase, point: str
) -> None:
    backend = Backend("postgres", pg_database.location, pg_database.url)
    backend.create()
    add_case(backend)
    name = "carol" if point == "chain-lock" else "alice"
    if name == "carol":
        _flagged_case(backend)
    with PostgresStore.open(backend.location, user="ada", password=PASSWORDS["ada"]) as ada:
        before = {r["kind"]: r["n"] for r in ada.database.rows(
            "SELECT kind, count(*) AS n FROM change_log WHERE actor = ? GROUP BY kind", name)}
        signed = ada.database.rows("SELECT * FROM signature ORDER BY change_id")
    acknowledged = _kill_at(backend.location, name, point)

    with PostgresStore.open(backend.location, user="bob", password=PASSWORDS["bob"]) as bob:
        bob.log_action("note", "bob", reason="after the kill")  # the chain's lock is free
    with PostgresStore.open(backend.location, user="ada", password=PASSWORDS["ada"]) as ada:
        db = ada.database
        assert verify(db).problems == ()
        assert db.rows("SELECT reason FROM audit_record ORDER BY seq DESC LIMIT 1")[0][
            "reason"] == "after the kill"
        stored = {r["kind"]: r["n"] for r in db.rows(
            "SELECT kind, count(*) AS n FROM change_log WHERE actor = ? GROUP BY kind", name)}
        expected = {k: before.get(k, 0) + acknowledged.count(k)
                    for k in {*before, *acknowledged}}  # fmt: skip
        if point == "after-commit":  # committed, never acknowledged: there, once
            expected["save-observation"] += 1
        assert {k: n for k, n in stored.items() if n} == {k: n for k, n in expected.items() if n}
        # each change has exactly one audit record, each record at most one change
        assert db.rows("SELECT c.change_id FROM change_log c LEFT JOIN audit_record a ON "
                       "a.change_id = c.change_id GROUP BY c.change_id "
                       "HAVING count(a.seq) <> 1") == []  # fmt: skip
        decisions = ada.audited_rows("adjudication")
        signatures = db.rows("SELECT * FROM signature ORDER BY change_id")
    assert decisions == []  # the decision killed holding the lock was rolled back
    assert signatures == signed  # so was the signature killed in the middle
    assert "paused" not in acknowledged and len(acknowledged) == (0 if name == "carol" else 4)
