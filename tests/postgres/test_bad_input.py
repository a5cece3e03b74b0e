"""Opening a PostgreSQL project that is not there, not one, or not yours: one line each,
naming the fix, never a password."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import psycopg
import pytest
from pg_server import PgDatabase

from reviewer_gui.store import StoreError, open_store
from reviewer_gui.store.postgres import create_project

from .kit import PASSWORDS, Backend


def _refusal(
    location: str, user: str | None = "alice", password: str | None = "alice-password-1"
) -> str:
    with pytest.raises(StoreError) as refused:
        open_store(location, user=user, password=password)
    message = str(refused.value)
    assert "\n" not in message and (password is None or password not in message)
    return message


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_server_answers(pg_database: PgDatabase) -> None:
    message = _refusal(f"postgresql://127.0.0.1:{_free_port()}/study")
    assert "no PostgreSQL server answers there: start it" in message


def test_a_url_that_is_not_one() -> None:
    assert "write postgresql://HOST:PORT/DBNAME" in _refusal("postgresql://127.0.0.1:port/x")
    assert "names no database" in _refusal("postgresql://127.0.0.1:5432/")


def test_no_such_database(pg_database: PgDatabase) -> None:
    Backend("postgres", pg_database.location, pg_database.url).create()
    port = urlsplit(pg_database.location).port
    assert "no such database" in _refusal(f"postgresql://127.0.0.1:{port}/nothere")


def test_wrong_password_locked_account_and_strangers(
    pg_database: PgDatabase, postgres_url: str
) -> None:
    Backend("postgres", pg_database.location, pg_database.url).create()
    where = pg_database.location
    assert _refusal(where, password="wrong-password-1") == (
        f"{where}: wrong name or password for alice")
    assert "wrong name or password for nobody" in _refusal(where, "nobody", "whatever-pass")
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("ALTER ROLE alice NOLOGIN")
        admin.execute("CREATE ROLE eve LOGIN PASSWORD 'eve-password-12'")
    try:
        assert "may not sign in (locked or deactivated): ask the study administrator" in (
            _refusal(where))  # fmt: skip
        assert "eve is not a user of this reading project" in _refusal(
            where, "eve", "eve-password-12")  # fmt: skip
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("DROP ROLE eve")


def test_an_empty_database_or_another_applications(pg_database: PgDatabase) -> None:
    assert "an empty database, not a reading project yet: create it with recist-review " \
        "users add URL NAME --role administrator" in _refusal(pg_database.url, None, None)
    with psycopg.connect(pg_database.url, autocommit=True) as other:
        other.execute("CREATE TABLE invoices (id int)")
    assert "a database of another application" in _refusal(pg_database.url, None, None)
    with pytest.raises(StoreError, match="a database of another application"):
        create_project(pg_database.url, "ada", PASSWORDS["ada"])


def test_a_second_bootstrap_is_refused(pg_database: PgDatabase) -> None:
    Backend("postgres", pg_database.location, pg_database.url).create()
    with pytest.raises(StoreError, match="already a reading project: add users with --admin"):
        create_project(pg_database.url, "ada2", PASSWORDS["ada"])
