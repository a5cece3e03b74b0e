"""The registrations table (schema 6) attacked as each role would, with psycopg as psql: a
user sees and writes only their own rows, through the project's two functions; the table
itself is nobody's to query, write or EXPLAIN; another user's rows, their number and their
existence are not observable by a query, a plan or a conflicting insert (timing, and the
server's statistics views, are out of scope: README's threat model).

The study (``kit``): ada (administrator), alice and bob (readers), carol (adjudicator); alice
has registered one pair, ``PAIR``; nobody has registered ``OTHER``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from pg_server import PgDatabase, drop_project, new_database

from reviewer_gui.store import StoreError
from reviewer_gui.store.derived import StoredRegistration

from .kit import PASSWORDS, Backend, project_with_case

PAIR = ("1.2.3.1", "1.2.3.2")
OTHER = ("1.2.3.8", "1.2.3.9")
AFFINE = '{"kind": "affine"}'
INSERT = ("INSERT INTO recist.registration (owner, earlier_series_uid, follow_up_series_uid, "
          "inputs_sha256, method, registration, created_at) VALUES (%s, %s, %s, %s, 'm', "
          "%s, '2026-12-06T12:00:00+00:00')")  # fmt: skip
MINE = "SELECT owner, earlier_series_uid, method FROM recist.my_registrations(%s, %s)"
KEEP = ("SELECT recist.keep_registration(%s, %s, %s, 'm', %s, "
        "'2026-12-06T12:00:00+00:00')")  # fmt: skip
ROLES = ["bob", "carol", "ada"]


def mine(owner: str, pair: tuple[str, str] = PAIR) -> StoredRegistration:
    return StoredRegistration(owner, *pair, "a" * 64, "m", AFFINE, "2026-12-06T12:00:00+00:00")


@pytest.fixture(scope="module")
def study(postgres_url: str) -> Iterator[PgDatabase]:
    database = new_database(postgres_url)
    try:
        backend = project_with_case(database)
        with backend.open("alice") as alice:
            alice.keep_registration(mine("alice"))
        yield database
    finally:
        drop_project(postgres_url, database.name)


def connect_as(study: PgDatabase, name: str) -> psycopg.Connection[Any]:
    return psycopg.connect(study.location, user=name, password=PASSWORDS[name], autocommit=True)


def alices_rows(study: PgDatabase) -> list[tuple[Any, ...]]:
    with connect_as(study, "alice") as alice:
        return alice.execute(MINE, PAIR).fetchall()


@pytest.mark.parametrize("name", ROLES)
def test_another_users_rows_are_invisible_to_every_role(study: PgDatabase, name: str) -> None:
    with connect_as(study, name) as connection:  # (bob may have his own, see below)
        seen = connection.execute(MINE, PAIR).fetchall()
        assert [row for row in seen if row[0] != name] == []
        counted = connection.execute("SELECT count(*) FROM recist.my_registrations(%s, %s)",
                                     PAIR).fetchone()  # fmt: skip
        assert counted == (len(seen),) and len(seen) <= 1
    assert alices_rows(study) == [("alice", PAIR[0], "m")]  # it is there


@pytest.mark.parametrize("name", ROLES)
def test_the_table_itself_is_nobodys_to_query_write_or_explain(
    study: PgDatabase, name: str
) -> None:
    """Every direct access is refused with the same words, whether alice has a row of the
    pair or not; even her own table is only reached through the functions."""
    attacks = [
        ("SELECT * FROM recist.registration", ()),
        ("SELECT count(*) FROM recist.registration WHERE owner = 'alice'", ()),
        ("EXPLAIN (ANALYZE) SELECT * FROM recist.registration", ()),
        *((INSERT + suffix, ("alice", *pair, "b" * 64, AFFINE))
          for pair in (PAIR, OTHER)
          for suffix in ("", " ON CONFLICT DO NOTHING",
                         " ON CONFLICT (owner, earlier_series_uid, follow_up_series_uid) "
                         "DO UPDATE SET method = 'x'")),
        (INSERT, (name, *OTHER, "b" * 64, AFFINE)),  # their own name: not directly either
        ("UPDATE recist.registration SET method = 'x' WHERE owner = 'alice'", ()),
        ("DELETE FROM recist.registration", ()),
        ("TRUNCATE recist.registration", ()),
    ]
    refusals = []
    with connect_as(study, name) as connection:
        for sql, values in attacks:
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
                connection.execute(sql, values or None)  # type: ignore[call-overload]
            refusals.append(str(refused.value))
        for attack in ("ALTER TABLE recist.registration DISABLE ROW LEVEL SECURITY",
                       "ALTER TABLE recist.registration NO FORCE ROW LEVEL SECURITY",
                       "DROP POLICY registration_own ON recist.registration",
                       "CREATE POLICY intruder ON recist.registration USING (true)",
                       "GRANT SELECT ON recist.registration TO PUBLIC"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(attack)  # type: ignore[call-overload]
    assert set(refusals) == {"permission denied for table registration"}
    assert alices_rows(study) == [("alice", PAIR[0], "m")]


@pytest.mark.parametrize("name", ROLES)
def test_a_plan_of_the_function_counts_no_other_users_row(study: PgDatabase, name: str) -> None:
    with connect_as(study, name) as connection:
        connection.execute("SET enable_indexscan = off")  # a sequential scan, if it could
        connection.execute("SET enable_bitmapscan = off")
        plan = "\n".join(r[0] for r in connection.execute(
            "EXPLAIN (ANALYZE, VERBOSE) SELECT * FROM recist.my_registrations(%s, %s)",
            PAIR))  # fmt: skip
    assert "Function Scan" in plan and "rows=0" in plan
    assert "Removed" not in plan and "registration_pkey" not in plan


def test_a_user_keeps_their_own_row_of_the_same_pair_beside_anothers(study: PgDatabase) -> None:
    with connect_as(study, "bob") as bob:
        bob.execute(KEEP, (*PAIR, "c" * 64, AFFINE))  # alice has one: no conflict, no sign
        bob.execute(KEEP, (*PAIR, "d" * 64, AFFINE))  # bob's own replaced, not added
        rows = bob.execute("SELECT owner, inputs_sha256 FROM recist.my_registrations(%s, %s)",
                           PAIR).fetchall()  # fmt: skip
        assert rows == [("bob", "d" * 64)]
        with pytest.raises(psycopg.errors.CheckViolation):  # the limits hold through it too
            bob.execute(KEEP, (*OTHER, "c" * 64, '{"padding": "' + "x" * 3000 + '"}'))
    assert alices_rows(study) == [("alice", PAIR[0], "m")]


def test_the_store_refuses_to_keep_or_read_a_row_under_another_name(study: PgDatabase) -> None:
    backend = Backend("postgres", study.location)
    with backend.open("bob") as bob:
        with pytest.raises(StoreError, match=r"kept for the signed-in user \(bob\) only"):
            bob.keep_registration(mine("alice", OTHER))
        assert bob.registrations("alice", *PAIR) == []  # asked by name: still nothing
    assert alices_rows(study) == [("alice", PAIR[0], "m")]
