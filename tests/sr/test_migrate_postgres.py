"""``sr-load`` on a PostgreSQL project, where row-level security is the boundary: the study
administrator writes rows of a reader's draft only through the narrow policies of
``reviewer_gui.store.postgres.sr_load``; attacked directly (psycopg, as psql would), a reader
gains nothing from them and the administrator cannot touch what a reader entered or signed,
nor write into another role's read."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pg_server import PgDatabase, drop_project, new_database
from postgres.kit import PASSWORDS, Backend
from reading.kit import gen, series_ref, subject, truth_axes

from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, ReadKey
from reviewer_gui.review import sign_in
from reviewer_gui.sr import entries_of, sr_name
from reviewer_gui.sr.migrate import SrLoadRefused, load_srs, loaded_entries
from reviewer_gui.store import Store, open_store

BOB = ReadKey("SUBJ-001", "bob")


@pytest.fixture(scope="module")
def study(postgres_url: str) -> Iterator[PgDatabase]:
    """ada (administrator), alice and bob (readers), carol (adjudicator); SUBJ-001 on the
    sample scans; alice has measured T1 at baseline (not signed), bob has not started."""
    database = new_database(postgres_url)
    try:
        Backend("postgres", database.location, database.url).create()
        with sign_in(database.location, "ada", PASSWORDS["ada"]) as ada:
            ada.add_subject("SUBJ-001")
            for label, date in zip(gen.TIMEPOINTS, subject("SUBJ-001").dates, strict=True):  # type: ignore[attr-defined]
                ada.add_timepoint("SUBJ-001", label, dt.date.fromisoformat(date),
                                  series_ref("SUBJ-001", label))
        with sign_in(database.location, "alice", PASSWORDS["alice"]) as alice:
            alice.add_lesion("SUBJ-001", Category.TARGET, "liver", lesion_id="T1")
            long, _, plane = truth_axes("SUBJ-001", "BASELINE", "T1")
            alice.measure("SUBJ-001", "BASELINE", "T1", long, plane)
        yield database
    finally:
        drop_project(postgres_url, database.name)


def connect_as(study: PgDatabase, name: str) -> psycopg.Connection[Any]:
    return psycopg.connect(study.location, user=name, password=PASSWORDS[name])


def test_the_administrator_loads_an_sr_into_a_readers_draft_on_postgresql(
    study: PgDatabase, exported: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    other_project, folder = exported
    with Store.open(other_project, create=False) as store:
        elsewhere = store.load().reads[BOB]
    baseline = folder / sr_name(elsewhere, "BASELINE")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["ada"] + "\n"))
    assert main(["sr-load", study.location, str(baseline), "--reader", "bob", "--admin", "ada",
                 "--password-stdin"]) == 0  # fmt: skip
    with open_store(study.location, user="bob", password=PASSWORDS["bob"], create=False) as bob:
        read = bob.load(reader="bob").reads[BOB]
        own = [r for r in bob._query("SELECT action FROM audit_record")]  # type: ignore[attr-defined]
    assert entries_of(read, "BASELINE") == entries_of(elsewhere, "BASELINE")
    assert set(loaded_entries(read).values()) == {"ada"}
    assert all(r["action"] != "load-sr" for r in own)  # a reader sees only their own records
    with open_store(study.location, user="ada", password=PASSWORDS["ada"], create=False) as ada:
        (record,) = ada._query("SELECT * FROM audit_record WHERE action = 'load-sr'")  # type: ignore[attr-defined]
    assert (record["actor"], record["reader"]) == ("ada", "bob")
    assert json.loads(record["after"])["sr_load"][0]["file"] == baseline.name
    with sign_in(study.location, "bob", PASSWORDS["bob"], engine=RecistEngine()) as session:
        session.sign("SUBJ-001", "BASELINE", name="bob", password=PASSWORDS["bob"],
                     meaning="Reviewed and approved as read")  # fmt: skip
        assert "BASELINE" in session.read("SUBJ-001").signatures
    # nothing loads into a timepoint with the reader's entries (alice's baseline), and bob's
    # loaded read is now a read of this project: never loaded into another reader's
    alices = folder / sr_name(elsewhere, "BASELINE").replace("_bob_", "_alice_")
    with sign_in(study.location, "ada", PASSWORDS["ada"]) as ada_session:
        with pytest.raises(SrLoadRefused, match="has entries already"):
            load_srs(ada_session, "alice", [alices])
        with pytest.raises(SrLoadRefused, match="another reader's read of SUBJ-001"):
            load_srs(ada_session, "alice", [baseline])


def _refused(connection: psycopg.Connection[Any], sql: str, *values: object) -> None:
    """``sql`` is refused by the server (row-level security or a missing grant). In a
    savepoint, so what the test wrote before (e.g. the change a row points at) stays: the
    refusal is the policy's, not a missing row's."""
    with pytest.raises(psycopg.errors.InsufficientPrivilege), connection.transaction():
        connection.execute(sql, values)  # type: ignore[call-overload]


LOG = ("INSERT INTO recist.change_log (kind, actor, at, case_id, reader, timepoint, lesion_id) "
       "VALUES (%s, %s, 'x', 'SUBJ-001', %s, %s, %s) RETURNING change_id")  # fmt: skip
LESION = ("INSERT INTO recist.lesion_version VALUES (%s, 'SUBJ-001', %s, %s, 'TARGET', 'liver', "
          "'', 0, 0)")  # fmt: skip
OBSERVATION = ("INSERT INTO recist.observation_version (change_id, case_id, reader, timepoint, "
               "lesion_id, state, reason, recorded_by, recorded_at) VALUES (%s, 'SUBJ-001', %s, "
               "%s, %s, 'ABSENT', '', %s, 'x')")  # fmt: skip


def test_a_reader_gains_nothing_from_the_administrators_policies(study: PgDatabase) -> None:
    with connect_as(study, "alice") as alice:
        for actor in ("alice", "ada"):  # as themself or posing as the administrator
            _refused(alice, LOG, "save-lesion", actor, "bob", None, "T7")
        _refused(alice, "SELECT recist.sr_loadable('SUBJ-001', 'bob', 'M2')")
        own = alice.execute(LOG, ("save-lesion", "alice", "alice", None, "T7")).fetchone()[0]
        _refused(alice, LESION, own, "bob", "T7")  # their own change, into bob's read
        own = alice.execute(LOG, ("save-observation", "alice", "alice", "M2", "T1")).fetchone()[0]
        _refused(alice, OBSERVATION, own, "bob", "M2", "T1", "ada")  # recorded as the admin


def test_the_administrator_cannot_touch_a_readers_entries_or_another_roles_read(
        study: PgDatabase) -> None:  # fmt: skip
    with connect_as(study, "ada") as ada:
        # alice has entered T1 at BASELINE: that timepoint and that lesion are hers
        _refused(ada, LOG, "save-observation", "ada", "alice", "BASELINE", "T1")
        change = ada.execute(LOG, ("save-lesion", "ada", "alice", None, "T1")).fetchone()[0]
        _refused(ada, LESION, change, "alice", "T1")  # an existing lesion is never changed
        # only lesions and observations, only as themself, only into a reader's read
        for kind in ("sign-timepoint", "reread-timepoint", "choose-series", "retire-lesion"):
            _refused(ada, LOG, kind, "ada", "bob", "M4", "T1")
        _refused(ada, LOG, "save-lesion", "ada", "carol", None, "T1")  # the adjudicator
        _refused(ada, LOG, "save-lesion", "ada", "ada", None, "T1")  # the administrator
        _refused(ada, LOG, "save-lesion", "bob", "bob", None, "T1")  # posing as the reader
        change = ada.execute(LOG, ("save-observation", "ada", "bob", "M4", "T1")).fetchone()[0]
        _refused(ada, OBSERVATION, change, "bob", "M4", "T1", "bob")  # recorded as bob
        _refused(ada, OBSERVATION, change, "bob", "M2", "T1", "ada")  # not the change's
        retracted = OBSERVATION.replace("recorded_at)", "recorded_at, retracted)").replace(
            "'x')", "'x', 1)")  # a loaded entry is never taken back in the reader's read
        _refused(ada, retracted, change, "bob", "M4", "T1", "ada")
        ada.execute(OBSERVATION, (change, "bob", "M4", "T1", "ada"))  # for contrast: allowed
        _refused(ada, "INSERT INTO recist.signature VALUES (%s, 'SUBJ-001', 'bob', 'M4', 'ada', "
                 "'x', 'x')", change)  # fmt: skip
        # bob signed BASELINE (previous test) or not: a signed timepoint is never loaded into
        signed = ada.execute("SELECT count(*) FROM recist.signature WHERE reader = 'bob' AND "
                             "timepoint = 'BASELINE'").fetchone()[0]  # fmt: skip
        if signed:
            _refused(ada, LOG, "save-observation", "ada", "bob", "BASELINE", "T9")
        # what the policies allow, for contrast: a new lesion's row in bob's draft
        change = ada.execute(LOG, ("save-lesion", "ada", "bob", None, "T9")).fetchone()[0]
        ada.execute(LESION, (change, "bob", "T9"))
        ada.rollback()

