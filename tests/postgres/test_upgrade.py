"""The in-place upgrade of a PostgreSQL project of schema 4 (the last release's, restored from
``tests/data/pg-schema4``): refused to every user until the account that created it upgrades
it; then its catalog equals a new project's, its audit chain verifies with the upgrade
recorded, and its users read and write as on a new project. A failure or a dead connection
mid-upgrade leaves schema 4 whole."""

from __future__ import annotations

import dataclasses
import difflib
import io
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pg_server import PgDatabase

from reviewer_gui.cli import main
from reviewer_gui.reading import Category, Point, Provenance, ReadKey, State
from reviewer_gui.store import SCHEMA_VERSION, StoreError, open_store
from reviewer_gui.store.derived import StoredRegistration
from reviewer_gui.store.postgres import PostgresStore, create_project, upgrade
from reviewer_gui.store.verify import verify

from .kit import CASE, DATES, PLANE, Backend, mm
from .schema4 import (
    DATABASE,
    PASSWORDS,
    SECRETS,
    database_grants,
    schema4_project,
    schema_dump,
)


@pytest.fixture
def old_project(postgres_url: str) -> Iterator[PgDatabase]:
    with schema4_project(postgres_url) as project:
        yield project


def _same(upgraded: list[str], fresh: list[str]) -> str:
    """The difference of two schema dumps, as a unified diff ('' when equal)."""
    return "\n".join(difflib.unified_diff(fresh, upgraded, "new project", "upgraded", lineterm=""))


def test_an_upgraded_project_equals_a_new_one_in_every_catalog_object(
    old_project: PgDatabase, pg_database: PgDatabase, postgres_url: str
) -> None:
    before = schema_dump(old_project.url, DATABASE)
    assert upgrade.upgrade_project(old_project.url) == (4, SCHEMA_VERSION)
    create_project(pg_database.url, "zoe", "zoe-password-1").close()
    fresh = schema_dump(pg_database.url, pg_database.name)
    upgraded = schema_dump(old_project.url, DATABASE)
    assert upgraded != before  # the dump sees the columns, policies and functions added
    assert not _same(upgraded, fresh), _same(upgraded, fresh)
    assert database_grants(postgres_url, DATABASE) == database_grants(postgres_url,
                                                                      pg_database.name)


def _trail(url: str) -> list[tuple[int, str, str, str]]:
    """(seq, actor, action, reason) of every audit record, read as the server's superuser."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in admin.execute(
            "SELECT seq, actor, action, reason FROM recist.audit_record ORDER BY seq")]


def _creator(project: PgDatabase) -> str:
    """The account that created (here: restored) the project, the URL's own."""
    return str(urlsplit(project.url).username)


def _version(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        row = admin.execute("SELECT schema_version FROM recist.store_version").fetchone()
    assert row is not None
    return int(row[0])


def test_every_user_is_refused_until_the_upgrade_and_nothing_is_written(
    old_project: PgDatabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before, trail = schema_dump(old_project.url, DATABASE), _trail(old_project.url)
    for name in ("alice", "ada", "carol"):
        with pytest.raises(StoreError, match=r"schema version 4 is older than this program's "
                           rf"\({SCHEMA_VERSION}\): the account that created the project "
                           r"upgrades it in place first \(recist-review upgrade postgresql://USER@"
                           + re.escape(old_project.location.removeprefix("postgresql://"))
                           + r"\); nothing was changed$"):
            open_store(old_project.location, user=name, password=PASSWORDS[name], create=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["ada"] + "\n"))
    assert main(["users", "list", old_project.location, "--admin", "ada",
                 "--password-stdin"]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "recist-review upgrade" in err[0], err
    assert "Traceback" not in err[0]
    assert _trail(old_project.url) == trail  # no sign-in recorded, nothing else either
    assert schema_dump(old_project.url, DATABASE) == before and _version(old_project.url) == 4


def test_only_the_account_that_created_the_project_upgrades_it(
    old_project: PgDatabase, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A study administrator's role may not change the schema (nor may a reader's): refused
    in one line naming who can, nothing changed; a project file is upgraded on opening."""
    trail = _trail(old_project.url)
    as_ada = old_project.location.replace("postgresql://", f"postgresql://ada:"
                                          f"{PASSWORDS['ada']}@")  # fmt: skip
    as_alice = old_project.location.replace("postgresql://", f"postgresql://alice:"
                                            f"{PASSWORDS['alice']}@")  # fmt: skip
    for url in (as_ada, as_alice):
        assert main(["upgrade", url]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "only the account that created the project" in err[0], err
        assert PASSWORDS["ada"] not in err[0] and PASSWORDS["alice"] not in err[0]
    assert main(["upgrade", str(tmp_path / "study.db")]) == 2
    assert "upgraded when it is next opened" in capsys.readouterr().err
    assert _version(old_project.url) == 4 and _trail(old_project.url) == trail


def test_the_upgrade_is_recorded_and_the_project_works_as_a_new_one(
    old_project: PgDatabase, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    trail = _trail(old_project.url)
    assert main(["upgrade", old_project.url]) == 0
    assert "upgraded in place from schema 4 to 6" in capsys.readouterr().err
    after = _trail(old_project.url)
    assert after[:-2] == trail  # one record per step more, the chain extended
    (seq, actor, action, reason), six = after[-2], after[-1]
    assert (seq, actor, action) == (trail[-1][0] + 1, _creator(old_project), "upgrade-schema")
    assert reason.startswith("schema 4 -> 5: added columns lesion_version.point_timepoint, ")
    assert "axis_measurement.provenance" in reason and "observation_version.retracted" in reason
    assert "registration" not in reason  # schema 6's, said by its own record
    assert six == (seq + 1, actor, action, "schema 5 -> 6: added tables registration (derived "
                   "data, each user's own rows; not audited)")
    assert main(["upgrade", old_project.url]) == 0  # a second run: nothing to do
    assert "at schema 6 already" in capsys.readouterr().err and _trail(old_project.url) == after
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["ada"] + "\n"))
    assert main(["audit", "verify", old_project.location, "--admin", "ada", "--password-stdin",
                 "--skip-images"]) == 0  # fmt: skip
    assert "audit trail intact" in capsys.readouterr().out

    backend = Backend("postgres", old_project.location, old_project.url)
    key = ReadKey(CASE, "alice")
    with backend.open("alice") as alice:  # the old reads, as before: alice's own only
        read = alice.load(reader="alice").reads[key]
        assert read.lesions["T1"].detail == f"{SECRETS['alice']}-detail"
    with backend.open("bob") as bob:
        assert key not in bob.load(reader="bob").reads
        assert isinstance(bob, PostgresStore)
        seen = bob.database.execute("SELECT DISTINCT reader FROM lesion_version").fetchall()
        assert seen == [("bob",)]
    with backend.open("carol") as carol:  # both reads complete: the adjudicator sees both
        assert {ReadKey(CASE, "alice"), ReadKey(CASE, "bob")} <= set(carol.load().reads)
    with backend.open("ada") as ada:
        project = backend.project("ada", ada)
        project.add_subject("CASE-8", by="ada")
        project.add_timepoint("CASE-8", "BASELINE", DATES["BASELINE"], by="ada")
    new = ReadKey("CASE-8", "alice")
    with backend.open("alice") as alice:  # schema 5's columns, written and read back
        project = backend.project("alice", alice)
        project.add_lesion(new, Category.TARGET, "lung")
        project.add_lesion(new, Category.NON_TARGET, "bone")
        project.measure(new, "BASELINE", "T1", mm(18), PLANE, provenance=Provenance.PROPOSED)
        project.set_state(new, "BASELINE", "NT1", State.PRESENT)
        project.set_point(new, "NT1", "BASELINE", PLANE, Point(12.5, 40.0))
        assert isinstance(alice, PostgresStore)
        ids = alice.database.execute("SELECT count(*) FROM applied_action").fetchone()
        assert ids is not None and ids[0] >= 5  # each write's id kept (exactly-once writes)
    with backend.open("alice") as alice:
        read = alice.load(reader="alice").reads[new]
        point = read.lesions["NT1"].point
        assert point is not None and (point.row, point.col) == (12.5, 40.0)
        t1 = read.observation("BASELINE", "T1")
        assert t1 is not None and t1.fragments[0].long_axis.provenance is Provenance.PROPOSED
        kept = StoredRegistration("alice", "1.2.1", "1.2.2", "a" * 64, "m", "{}",
                                  "2026-12-06T12:00:00+00:00")  # schema 6's table  # fmt: skip
        alice.keep_registration(kept)
        assert alice.registrations("alice", "1.2.1", "1.2.2") == [kept]
    with backend.open("bob") as bob:  # another reader's, as on a new project: not seen
        assert bob.registrations("alice", "1.2.1", "1.2.2") == []
    with pytest.raises(StoreError):  # a wrong password is counted by the new sign-in gate
        open_store(old_project.location, user="bob", password="wrong-password-1", create=False)
    with backend.open("ada") as ada:
        assert ada.account_state("bob").failures == 1
        assert isinstance(ada, PostgresStore)
        assert verify(ada.database).intact


@pytest.mark.parametrize("point", ["amid the DDL", "before the record", "before the commit"])
def test_a_crash_mid_upgrade_leaves_schema_4_whole(
    old_project: PgDatabase, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    """The upgrade's connection dies (its server process ended) at three points of its one
    transaction: nothing of it remains, and the upgrade then runs from the start."""
    before, trail = schema_dump(old_project.url, DATABASE), _trail(old_project.url)
    crash = "SELECT pg_terminate_backend(pg_backend_pid())"
    step = upgrade.STEPS[4]
    if point == "amid the DDL":
        def owner(connection: Any, prefix: str) -> list[str]:
            statements, half = step.owner(connection, prefix), 10  # columns, 2 functions
            return [*statements[:half], "RESET ROLE", crash, *statements[half:]]  # as postgres

        monkeypatch.setitem(upgrade.STEPS, 4, dataclasses.replace(step, owner=owner))
    elif point == "before the record":
        monkeypatch.setitem(upgrade.STEPS, 4, dataclasses.replace(
            step, database=lambda database: [*step.database(database), crash]))
    else:
        whole = upgrade._upgrade

        def crashing(url: str, connection: Any, where: str) -> tuple[int, int]:
            done = whole(url, connection, where)
            assert _records(connection) == len(trail) + 2  # the records are in the transaction
            connection.execute(crash)
            return done

        monkeypatch.setattr(upgrade, "_upgrade", crashing)
    with pytest.raises(StoreError, match="connection to the server was lost"):
        upgrade.upgrade_project(old_project.url)
    assert _version(old_project.url) == 4 and _trail(old_project.url) == trail
    assert schema_dump(old_project.url, DATABASE) == before
    monkeypatch.undo()
    assert upgrade.upgrade_project(old_project.url) == (4, SCHEMA_VERSION)
    with Backend("postgres", old_project.location).open("ada") as ada:
        assert isinstance(ada, PostgresStore) and verify(ada.database).intact


def _records(connection: Any) -> int:
    row = connection.execute("SELECT count(*) FROM recist.audit_record").fetchone()
    return int(row[0])


def test_a_project_in_use_is_refused_not_waited_for(
    old_project: PgDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user's open transaction holds a table the upgrade alters: refused after the lock
    timeout, nothing changed; once it ends, the upgrade goes through."""
    import psycopg

    monkeypatch.setattr(upgrade, "LOCK_TIMEOUT_S", 0.2)
    trail = _trail(old_project.url)
    with psycopg.connect(old_project.location, user="alice", password=PASSWORDS["alice"]) as a:
        a.execute("SELECT count(*) FROM recist.lesion_version").fetchone()  # a transaction open
        with pytest.raises(StoreError, match=r"the project is in use .* ask its users to close "
                           r"it, then upgrade again; nothing was changed"):
            upgrade.upgrade_project(old_project.url)
    assert _version(old_project.url) == 4 and _trail(old_project.url) == trail
    assert upgrade.upgrade_project(old_project.url) == (4, SCHEMA_VERSION)


def test_the_steps_reach_this_program_s_schema_and_newer_schemas_are_refused(
    old_project: PgDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sorted(upgrade.STEPS) == list(range(upgrade.OLDEST, SCHEMA_VERSION))
    monkeypatch.setattr(upgrade, "SCHEMA_VERSION", 3)  # a program older than the project
    with pytest.raises(StoreError, match=r"schema version 4 is newer than this program's \(3\)"):
        upgrade.upgrade_project(old_project.url)
    monkeypatch.setattr(upgrade, "SCHEMA_VERSION", 7)  # no step from 4 to 5 in this table
    monkeypatch.setitem(upgrade.STEPS, 6, upgrade.STEPS[5])
    monkeypatch.delitem(upgrade.STEPS, 4)
    with pytest.raises(StoreError, match="schema version 4 is not upgraded in place"):
        upgrade.upgrade_project(old_project.url)
    assert _version(old_project.url) == 4


def test_the_upgrading_process_killed_mid_transaction_leaves_schema_4_whole(
    old_project: PgDatabase,
) -> None:
    """``kill -9`` of the upgrading program while its transaction has altered tables (held
    there on an advisory lock the test owns): the server rolls it all back."""
    import psycopg

    before, trail = schema_dump(old_project.url, DATABASE), _trail(old_project.url)
    script = textwrap.dedent("""
        import dataclasses, sys
        from reviewer_gui.store.postgres import upgrade
        step = upgrade.STEPS[4]
        def owner(connection, prefix):  # held after the columns and two functions
            statements = step.owner(connection, prefix)
            return [*statements[:10], "SET LOCAL lock_timeout = 0",
                    "SELECT pg_advisory_lock(4242)", *statements[10:]]
        upgrade.STEPS[4] = dataclasses.replace(step, owner=owner)
        upgrade.upgrade_project(sys.argv[1])
    """)  # fmt: skip
    waiting = ("SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
               "'Lock' AND wait_event = 'advisory'")  # fmt: skip
    with psycopg.connect(old_project.url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(4242)")
        process = subprocess.Popen([sys.executable, "-c", script, old_project.url])
        try:
            pid = _poll(lambda: holder.execute(waiting, (DATABASE,)).fetchone())[0]
            altered = holder.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND mode = "
                                     "'AccessExclusiveLock' AND relation IS NOT NULL",
                                     (pid,)).fetchone()  # fmt: skip
            assert altered is not None and altered[0] >= 3  # the three tables' new columns
            process.send_signal(signal.SIGKILL)
            assert process.wait(timeout=60) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        holder.execute("SELECT pg_advisory_unlock(4242)")
        gone = "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)"
        _poll(lambda: holder.execute(gone, (pid,)).fetchone()[0])  # type: ignore[index]
    assert _version(old_project.url) == 4 and _trail(old_project.url) == trail
    assert schema_dump(old_project.url, DATABASE) == before
    assert upgrade.upgrade_project(old_project.url) == (4, SCHEMA_VERSION)


def _poll(probe: Callable[[], Any], limit_s: float = 60.0) -> Any:
    """``probe()`` once it is true (checked every 50 ms, for up to ``limit_s``)."""
    deadline = time.monotonic() + limit_s
    while not (found := probe()):
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)
    return found


def test_bad_input_to_upgrade_is_one_line_exit_2(
    pg_database: PgDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    import psycopg

    wrong = pg_database.url.replace("@", "x@", 1)  # the password, one character longer
    cases = [(pg_database.url, "an empty database, not a reading project yet"),
             (wrong, "wrong name or password for the URL's user"),
             ("postgresql://127.0.0.1:1/study", "no PostgreSQL server answers there")]
    for url, said in cases:
        assert main(["upgrade", url]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and said in err[0], err
        assert pg_database.url.split("@")[0].split(":")[-1] not in err[0]  # no password shown
    with psycopg.connect(pg_database.url, autocommit=True) as other:
        other.execute("CREATE TABLE invoices (id integer)")
    assert main(["upgrade", pg_database.url]) == 2
    assert "a database of another application" in capsys.readouterr().err


def test_a_later_schema_is_one_more_step_run_in_the_same_transaction(
    old_project: PgDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program of schema 7 (a step 6 -> 7 added to the table) takes a schema-4 project
    through every step at once: three records, one chain, version 7."""
    import psycopg

    from reviewer_gui.store.postgres.store import Database

    monkeypatch.setattr(upgrade, "SCHEMA_VERSION", 7)
    monkeypatch.setitem(upgrade.STEPS, 6, upgrade.Step(
        lambda connection, prefix: ["CREATE INDEX audit_record_actor ON audit_record (actor)"],
        lambda connection: "added index audit_record_actor"))  # fmt: skip
    trail = _trail(old_project.url)
    assert upgrade.upgrade_project(old_project.url) == (4, 7)
    added = _trail(old_project.url)[len(trail):]
    assert [(a[1], a[2]) for a in added] == [(_creator(old_project), "upgrade-schema")] * 3
    assert added[0][3].startswith("schema 4 -> 5: added columns ")
    assert added[1][3].startswith("schema 5 -> 6: added tables registration")
    assert added[2][3] == "schema 6 -> 7: added index audit_record_actor"
    assert _version(old_project.url) == 7
    with psycopg.connect(old_project.url, autocommit=True) as admin:
        admin.execute("SET search_path = recist")
        index = admin.execute("SELECT 1 FROM pg_indexes WHERE indexname = "
                              "'audit_record_actor'").fetchone()  # fmt: skip
        assert index is not None
        assert verify(Database(admin)).intact
