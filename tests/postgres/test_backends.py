"""The same store tests on SQLite and PostgreSQL: one interface, the same rows and records."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from pg_server import PgDatabase

from reviewer_gui.reading import ReadKey
from reviewer_gui.store import ProjectStore, Store, StoreError, open_store
from reviewer_gui.store.postgres import PostgresStore

from .kit import CASE, Backend, add_case, read_case


def _study(backend: Backend) -> None:
    backend.create()
    add_case(backend)
    read_case(backend, "alice", complete=True)
    read_case(backend, "bob", complete=False)


def _verify(backend: Backend) -> tuple[int, tuple[str, ...]]:
    report = backend.audit()
    return report.records, tuple(str(p) for p in report.problems)


def test_a_project_reopens_exactly_on_each_backend(backend: Backend) -> None:
    _study(backend)
    with backend.open("ada") as store:
        assert isinstance(store, ProjectStore)
        state = store.load()
        assert set(state.reads) == {ReadKey(CASE, "alice"), ReadKey(CASE, "bob")}
        assert set(store.users()) == {"ada", "alice", "bob", "carol"}
    with backend.open("alice") as store:
        own = store.load(reader="alice")
    assert own.reads == {ReadKey(CASE, "alice"): state.reads[ReadKey(CASE, "alice")]}
    assert len(own.reads[ReadKey(CASE, "alice")].signatures) == 2
    records, problems = _verify(backend)
    assert problems == ()
    assert records > 20


def _trail(backend: Backend) -> list[tuple[object, ...]]:
    """Every audit record's action, subject, reader and rows added (times left out)."""
    if backend.kind == "sqlite":
        with sqlite3.connect(backend.location) as db:
            rows = db.execute("SELECT action, case_id, reader, after FROM audit_record "
                              "ORDER BY seq").fetchall()  # fmt: skip
    else:
        with backend.open("ada") as store:
            assert isinstance(store, PostgresStore)
            rows = store.database.execute("SELECT action, case_id, reader, after FROM "
                                          "audit_record ORDER BY seq").fetchall()  # fmt: skip

    def timeless(value: object) -> object:
        if isinstance(value, dict):
            return {k: timeless(v) for k, v in value.items()
                    if k not in ("at", "created_at", "project_uid", "password_hash")}
        return [timeless(v) for v in value] if isinstance(value, list) else value

    return [(a, c, r, timeless(json.loads(after))) for a, c, r, after in rows
            if a not in ("create-project", "add-user")]  # fmt: skip


def test_both_backends_store_the_same_rows_and_records(
    tmp_path: Path, pg_database: PgDatabase
) -> None:
    lite = Backend("sqlite", str(tmp_path / "study.db"))
    pg = Backend("postgres", pg_database.location, pg_database.url)
    for backend in (lite, pg):
        _study(backend)
    with lite.open("ada") as a, pg.open("ada") as b:
        assert a.load() == b.load()
    assert _trail(lite) == _trail(pg)


def test_the_location_chooses_the_backend(tmp_path: Path, pg_database: PgDatabase) -> None:
    with open_store(tmp_path / "a.db") as store:
        assert isinstance(store, Store)
    Backend("postgres", pg_database.location, pg_database.url).create()
    with open_store(pg_database.location, user="alice", password="alice-password-1") as store:
        assert isinstance(store, PostgresStore)
        assert store.location == pg_database.location  # shown without credentials
    with pytest.raises(StoreError, match="sealing the audit trail"):
        open_store(pg_database.location, user="alice", password="x", audit_key=b"k" * 32)
