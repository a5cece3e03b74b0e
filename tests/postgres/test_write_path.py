"""A change written in two round trips (``PostgresStore._record_once``): its audit record's
*after* predicted from the values sent (``store.postgres.stored``), its *before* looked up
before its own row exists, its BEGIN and COMMIT pipelined with its statements. The records
are those the file's store (which reads every row back) makes of the same reads, whether the
rows are predicted or read back; a change the server refuses leaves nothing behind and the
connection usable."""

from __future__ import annotations

import json
import logging
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pg_server import PgDatabase
from psycopg.pq import TransactionStatus

from reviewer_gui.reading import Category, Point, ReadingError, ReadKey, SeriesRef, State
from reviewer_gui.store import StoreError
from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.postgres import store as pg
from reviewer_gui.store.postgres.stored import StoredRows
from reviewer_gui.store.verify import verify

from .kit import CASE, DATES, PLANE, Backend, mm, project_with_case, read_case

SERIES = SeriesRef("1.2.826.0.1.1", "1.2.826.0.1.1.1", "images/CASE-7/BASELINE", Decimal("1.25"))
IMAGES = [{"path": "images/CASE-7/BASELINE/1.dcm", "sha256": "ab" * 32, "size": 524288},
          {"path": "images/CASE-7/BASELINE/2.dcm", "sha256": "cd" * 32, "size": 0}]  # fmt: skip


def _study(backend: Backend) -> None:
    """Every kind of change a read makes, with text that JSON escapes, integral and
    fractional floats, a decimal, a node's short axis and rows attached to a change."""
    backend.create()
    with backend.open("ada") as store:
        project = backend.project("ada", store)
        project.add_subject(CASE, by="ada")
        with store.attaching({"image_file": IMAGES}):
            project.add_timepoint(CASE, "BASELINE", DATES["BASELINE"], SERIES, by="ada")
        project.add_timepoint(CASE, "M2", DATES["M2"], by="ada")
    read_case(backend, "alice", complete=False)
    with backend.open("bob") as store:
        project = backend.project("bob", store)
        key = ReadKey(CASE, "bob")
        project.add_lesion(key, Category.TARGET, "lymph node", is_node=True,
                           detail='subcarinal "7" \\ é\n\t\u2028')  # fmt: skip
        project.add_lesion(key, Category.NON_TARGET, "bone")
        project.add_lesion(key, Category.TARGET, "lung")
        project.set_point(key, "NT1", "BASELINE", PLANE, Point(12, 30.5))
        project.measure(key, "BASELINE", "T1", mm(24.0), PLANE, short_axis=mm(16.0))
        project.edit_lesion(key, "T1", detail="subcarinal, edited")
        project.retire_lesion(key, "T2")
        project.set_state(key, "BASELINE", "NT1", State.PRESENT)
        project.sign(key, "BASELINE", meaning="Read")
        project.reread(key, "BASELINE", reason="the node measured on the wrong slice")
        project.measure(key, "BASELINE", "T1", mm(23.5), PLANE, short_axis=mm(15.5))
        project.sign(key, "BASELINE", meaning="Read again")


def _trail(backend: Backend) -> list[tuple[Any, ...]]:
    """The changes' records: action, change, rows superseded and added (times left out)."""
    sql = ("SELECT action, change_id, before, after FROM audit_record WHERE change_id IS NOT "
           "NULL ORDER BY seq")  # fmt: skip
    if backend.kind == "sqlite":
        with sqlite3.connect(backend.location) as db:
            rows = db.execute(sql).fetchall()
    else:
        with backend.open("ada") as store:
            assert isinstance(store, PostgresStore)
            rows = store.database.execute(sql).fetchall()
            assert verify(store.database).intact
    return [(action, change, json.loads(before), _timeless(json.loads(after)))
            for action, change, before, after in rows]  # fmt: skip


def _timeless(after: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {table: [{k: v for k, v in row.items() if k != "at"} for row in rows]
            for table, rows in after.items()}  # fmt: skip


@pytest.mark.parametrize("predicted", [True, False], ids=["predicted", "read-back"])
def test_a_change_records_the_same_rows_as_the_file_store_does(
    tmp_path: Path, pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch, predicted: bool
) -> None:
    statements: list[str] = []
    execute = pg.Database.execute

    def watched(self: pg.Database, sql: str, parameters: Any = ()) -> Any:
        statements.append(sql)
        return execute(self, sql, parameters)

    monkeypatch.setattr(pg.Database, "execute", watched)
    if not predicted:  # nothing predicted: every change's rows read back
        monkeypatch.setattr(pg, "StoredRows", type("Unknown", (), {
            "read": staticmethod(lambda connection, schema: StoredRows({}))}))  # fmt: skip
    lite = Backend("sqlite", str(tmp_path / "study.db"))
    server = Backend("postgres", pg_database.location, pg_database.url)
    for backend in (lite, server):
        _study(backend)
    expected = _trail(lite)
    assert len(expected) == 25
    assert _trail(server) == expected
    read_back = [s for s in statements if s.startswith("SELECT * FROM change_log WHERE")]
    assert len(read_back) == (0 if predicted else 25)


def test_a_change_the_server_refuses_leaves_nothing_and_the_connection_usable(
    pg_database: PgDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    backend = project_with_case(pg_database)
    with backend.open("alice") as store:
        assert isinstance(store, PostgresStore)
        before = store.last_record()
        project = backend.project("alice", store)
        with caplog.at_level(logging.WARNING), pytest.raises(StoreError, match="refused by "
                                                             "the database"):  # fmt: skip
            project.add_lesion(ReadKey(CASE, "bob"), Category.TARGET, "liver")  # bob's read
        assert store.database.connection.info.transaction_status == TransactionStatus.IDLE
        assert store.last_record() == before
        assert not [r for r in caplog.records if r.name.startswith("psycopg")]
        with pytest.raises(ReadingError):  # the refused change was not applied to the model
            project.measure(ReadKey(CASE, "bob"), "BASELINE", "T1", mm(20), PLANE)
        project.add_lesion(ReadKey(CASE, "alice"), Category.TARGET, "liver")
        count = store.database.execute("SELECT count(*) FROM applied_action").fetchone()
        assert count is not None and count[0] == 1
    with backend.open("ada") as store:
        assert isinstance(store, PostgresStore)
        assert verify(store.database).intact
        logged = store.database.execute("SELECT count(*) FROM change_log WHERE reader IS NOT "
                                        "NULL").fetchone()  # fmt: skip
        assert logged is not None and logged[0] == 1


def test_changes_refused_in_either_round_trip_leave_the_prepared_statements_usable(
    pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """psycopg prepares a statement run five times; one queued after an error in a pipeline
    is never prepared on the server: the rollback must forget them all."""
    backend = project_with_case(pg_database)
    spoilt, entity_rows = [False], pg.rows.entity_rows

    def spoiling(change: Any, change_id: int) -> list[tuple[str, dict[str, Any]]]:
        """A lesion row the server's CHECK refuses (the second round trip's error)."""
        found = entity_rows(change, change_id)
        return [(t, {**row, "is_node": 7} if spoilt[0] and t == "lesion_version" else row)
                for t, row in found]  # fmt: skip

    monkeypatch.setattr(pg.rows, "entity_rows", spoiling)
    own, other = ReadKey(CASE, "alice"), ReadKey(CASE, "bob")
    with backend.open("alice") as store:
        project = backend.project("alice", store)
        for n in range(7):  # each statement's fifth run falls in some aborted pipeline
            with pytest.raises(StoreError):  # the first round trip: bob's read
                project.add_lesion(other, Category.TARGET, "liver")
            spoilt[0] = True
            with pytest.raises(StoreError, match="is_node"):  # the second round trip
                project.add_lesion(own, Category.NON_TARGET, "bone")
            spoilt[0] = False
            project.add_lesion(own, Category.TARGET, "liver", detail=f"saved {n}")
    with backend.open("ada") as store:
        assert isinstance(store, PostgresStore)
        assert verify(store.database).intact
        details = [r["detail"] for r in store.database.rows(
            "SELECT detail FROM lesion_version ORDER BY change_id")]  # fmt: skip
    assert details == [f"saved {n}" for n in range(7)]
