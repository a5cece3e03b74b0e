from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import ProjectLocation, postgres_gap
from pg_server import PgDatabase

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.review import Role, Session, add_user, sign_in
from reviewer_gui.store import ProjectStore, Store, open_store
from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.verify import connect, verify

from .kit import CASE, DATES

__all__ = ["postgres_gap"]

#: Each user's password (the administrator's first).
PASSWORDS = {"ada": "admin-pass-1", "alice": "alice-pass-1", "bob": "bob-pass-123",
             "carol": "carol-pass-1"}  # fmt: skip
ROLES = {"alice": Role.READER, "bob": Role.READER, "carol": Role.ADJUDICATOR}


def open_as(path: Path | str, name: str) -> Session:
    return sign_in(path, name, PASSWORDS[name], engine=RecistEngine())


@pytest.fixture
def study(project_location: ProjectLocation) -> Path | str:
    """A project with its administrator ada, readers alice and bob, adjudicator carol, and
    one case with three timepoints added by ada; in a project file, and in a PostgreSQL
    database (its URL without credentials): the tests that take it run on both backends."""
    return project_location.prepared("review-study", _make_file, _make_database)


@pytest.fixture
def sqlite_study(tmp_path: Path) -> Path:
    """:func:`study` for a test of the project file itself, where ``study`` means any backend."""
    return make_study(tmp_path)


def _make_file(path: Path) -> None:
    assert make_study(path.parent) == path


def _make_database(database: PgDatabase) -> dict[str, str]:
    from reviewer_gui.store.postgres import create_project

    create_project(database.url, "ada", PASSWORDS["ada"]).close()
    with open_store(database.location, user="ada", password=PASSWORDS["ada"]) as store:
        admin = store.users()["ada"]
        for name, role in ROLES.items():
            add_user(store, name, role, PASSWORDS[name], by=admin)
    _add_case(database.location)
    return PASSWORDS


def store_as(location: Path | str, name: str) -> ProjectStore:
    """The project's store as ``name`` signs in to it (on a file, the file itself)."""
    return open_store(location, user=name, password=PASSWORDS[name], create=False)


def query(location: Path | str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on the project, read as its study administrator on PostgreSQL."""
    if isinstance(location, Path):
        db = sqlite3.connect(location)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()
    with open_store(location, user="ada", password=PASSWORDS["ada"]) as store:
        assert isinstance(store, PostgresStore)
        return [tuple(r) for r in store.database.execute(sql).fetchall()]


def intact(location: Path | str) -> bool:
    """Whether ``audit verify`` finds the project's trail intact (either backend)."""
    if isinstance(location, Path):
        db = connect(location)
        try:
            return verify(db).intact
        finally:
            db.close()
    with open_store(location, user="ada", password=PASSWORDS["ada"]) as store:
        assert isinstance(store, PostgresStore)
        return verify(store.database).intact


def make_study(folder: Path) -> Path:
    """The ``study`` fixture's project, in ``folder``."""
    path = folder / "study.db"
    with Store.open(path) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
        for name, role in ROLES.items():
            add_user(store, name, role, PASSWORDS[name], by=admin)
    _add_case(path)
    return path


def _add_case(location: Path | str) -> None:
    with open_as(location, "ada") as ada:
        ada.add_subject(CASE)
        for label, date in DATES.items():
            ada.add_timepoint(CASE, label, date)
