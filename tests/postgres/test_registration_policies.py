"""The registrations table (schema 6) attacked as each role would, with psycopg as psql: a
user sees and writes only their own rows; another user's rows, their number and their
existence are not observable by a query nor by a conflicting insert (timing is out of scope).

The study (``kit``): ada (administrator), alice and bob (readers), carol (adjudicator); alice
has registered one pair, ``PAIR``; nobody has registered ``OTHER``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from pg_server import PgDatabase, drop_project, with_database

from reviewer_gui.store import StoreError
from reviewer_gui.store.derived import StoredRegistration
from reviewer_gui.store.postgres.ddl import ident

from .kit import PASSWORDS, Backend, add_case

PAIR = ("1.2.3.1", "1.2.3.2")
OTHER = ("1.2.3.8", "1.2.3.9")
AFFINE = '{"kind": "affine"}'
INSERT = ("INSERT INTO recist.registration (owner, earlier_series_uid, follow_up_series_uid, "
          "inputs_sha256, method, registration, created_at) VALUES (%s, %s, %s, %s, 'm', "
          "%s, '2026-12-06T12:00:00+00:00')")  # fmt: skip


def mine(owner: str, pair: tuple[str, str] = PAIR) -> StoredRegistration:
    return StoredRegistration(owner, *pair, "a" * 64, "m", AFFINE, "2026-12-06T12:00:00+00:00")


@pytest.fixture(scope="module")
def study(postgres_url: str) -> Iterator[PgDatabase]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {ident(name)}")
    database = PgDatabase(with_database(postgres_url, name),
                          with_database(postgres_url, name, credentials=False), name)  # fmt: skip
    try:
        backend = Backend("postgres", database.location, database.url)
        backend.create()
        add_case(backend)
        with backend.open("alice") as alice:
            alice.keep_registration(mine("alice"))
        yield database
    finally:
        drop_project(postgres_url, name)


def connect_as(study: PgDatabase, name: str) -> psycopg.Connection[Any]:
    return psycopg.connect(study.location, user=name, password=PASSWORDS[name], autocommit=True)


def alices_rows(study: PgDatabase) -> list[tuple[Any, ...]]:
    with connect_as(study, "alice") as alice:
        return alice.execute("SELECT owner, earlier_series_uid, method FROM "
                             "recist.registration").fetchall()  # fmt: skip


@pytest.mark.parametrize("name", ["bob", "carol", "ada"])
def test_another_users_rows_are_invisible_to_every_role(study: PgDatabase, name: str) -> None:
    with connect_as(study, name) as connection:
        assert connection.execute("SELECT * FROM recist.registration").fetchall() == []
        assert connection.execute("SELECT count(*) FROM recist.registration").fetchone() == (0,)
        assert connection.execute(
            "SELECT count(*) FROM recist.registration WHERE owner = 'alice' AND "
            "earlier_series_uid = %s", (PAIR[0],)).fetchone() == (0,)  # fmt: skip
    assert alices_rows(study) == [("alice", PAIR[0], "m")]  # it is there


@pytest.mark.parametrize("name", ["bob", "carol", "ada"])
def test_a_row_for_another_user_is_refused_alike_whether_theirs_exists(
    study: PgDatabase, name: str
) -> None:
    """The refusal of alice's existing pair and of a pair she never registered is the same
    error, with the same words: the insert is refused before any key is compared."""
    refusals = []
    with connect_as(study, name) as connection:
        for pair in (PAIR, OTHER):
            for suffix in ("", " ON CONFLICT DO NOTHING",
                           " ON CONFLICT (owner, earlier_series_uid, follow_up_series_uid) "
                           "DO UPDATE SET method = 'x'"):  # fmt: skip
                with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
                    connection.execute(INSERT + suffix, ("alice", *pair, "b" * 64, AFFINE))
                refusals.append(str(refused.value))
    assert len(set(refusals)) == 1, refusals
    assert "row-level security" in refusals[0]
    assert alices_rows(study) == [("alice", PAIR[0], "m")]


def test_a_reader_writes_their_own_row_of_the_same_pair_without_conflict(
    study: PgDatabase,
) -> None:
    with connect_as(study, "bob") as bob:
        bob.execute(INSERT, ("bob", *PAIR, "c" * 64, AFFINE))
        assert bob.execute("SELECT owner FROM recist.registration").fetchall() == [("bob",)]
        with pytest.raises(psycopg.errors.UniqueViolation):  # their own row: a conflict
            bob.execute(INSERT, ("bob", *PAIR, "c" * 64, AFFINE))
        bob.execute("DELETE FROM recist.registration WHERE owner = 'bob'")
    assert alices_rows(study) == [("alice", PAIR[0], "m")]


@pytest.mark.parametrize("name", ["bob", "carol", "ada"])
def test_nobody_changes_or_deletes_another_users_row(study: PgDatabase, name: str) -> None:
    with connect_as(study, name) as connection:
        changed = connection.execute("UPDATE recist.registration SET method = 'x' "
                                     "WHERE owner = 'alice'")  # fmt: skip
        deleted = connection.execute("DELETE FROM recist.registration")
        assert (changed.rowcount, deleted.rowcount) == (0, 0)
        for attack in ("TRUNCATE recist.registration",
                       "ALTER TABLE recist.registration DISABLE ROW LEVEL SECURITY",
                       "DROP POLICY registration_select ON recist.registration",
                       "CREATE POLICY intruder ON recist.registration USING (true)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(attack)  # type: ignore[call-overload]
    assert alices_rows(study) == [("alice", PAIR[0], "m")]


def test_a_users_own_row_cannot_be_handed_to_another(study: PgDatabase) -> None:
    with connect_as(study, "bob") as bob:
        bob.execute(INSERT, ("bob", *OTHER, "c" * 64, AFFINE))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute("UPDATE recist.registration SET owner = 'alice'")
        bob.execute("DELETE FROM recist.registration WHERE owner = 'bob'")
    assert alices_rows(study) == [("alice", PAIR[0], "m")]


def test_the_store_refuses_to_keep_a_row_under_another_name(study: PgDatabase) -> None:
    backend = Backend("postgres", study.location)
    with backend.open("bob") as bob:
        with pytest.raises(StoreError, match="row-level security"):
            bob.keep_registration(mine("alice", OTHER))
        assert bob.registrations("alice", *PAIR) == []  # asked by name: still nothing
    assert alices_rows(study) == [("alice", PAIR[0], "m")]
