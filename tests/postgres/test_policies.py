"""PostgreSQL is the security boundary: each role attacks the database directly (psycopg,
as psql would), for every table and view of the project.

The seeded study: ada (administrator), alice and bob (readers), carol (adjudicator); one
case, alice's read complete, bob's not yet (so carol sees neither); every free text of a
read carries its reader's secret (``kit.SECRETS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from pg_server import PgDatabase, drop_project, new_database

from reviewer_gui.store.postgres import actions, password_history
from reviewer_gui.store.postgres.ddl import ident, role_prefix
from reviewer_gui.store.schema import ALL_TABLES

from .kit import CASE, PASSWORDS, SECRETS, Backend, project_with_case, read_case


@pytest.fixture(scope="module")
def study(postgres_url: str) -> Iterator[PgDatabase]:
    database = new_database(postgres_url)
    try:
        backend = project_with_case(database)
        read_case(backend, "alice", complete=True)
        read_case(backend, "bob", complete=False)
        yield database
    finally:
        drop_project(postgres_url, database.name)


def connect_as(study: PgDatabase, name: str) -> psycopg.Connection[Any]:
    return psycopg.connect(study.location, user=name, password=PASSWORDS[name], autocommit=True)


def relations(connection: psycopg.Connection[Any]) -> list[str]:
    """Every table and view of the project's schema, and the catalog's password views."""
    found = [f"recist.{r[0]}" for r in connection.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'recist' AND c.relkind IN ('r', 'v', 'm', 'p', 'f') "
        "ORDER BY 1")]  # fmt: skip
    return [*found, "pg_catalog.pg_authid", "pg_catalog.pg_shadow", "pg_catalog.pg_roles",
            "pg_catalog.pg_stat_activity", "pg_catalog.pg_user"]  # fmt: skip


def dump(connection: psycopg.Connection[Any]) -> tuple[str, list[str]]:
    """Everything the role can SELECT, as text; and the relations it was refused."""
    text, refused = [], []
    for relation in relations(connection):
        try:
            rows = connection.execute(f"SELECT * FROM {relation}").fetchall()
        except psycopg.errors.InsufficientPrivilege:
            refused.append(relation)
            continue
        text.append(f"{relation}: {rows!r}")
    return "\n".join(text), refused


def test_every_table_is_in_the_dump(study: PgDatabase) -> None:
    with connect_as(study, "bob") as bob:
        listed = relations(bob)
    assert {f"recist.{t}" for t in ALL_TABLES} <= set(listed)


@pytest.mark.parametrize("reader, other", [("bob", "alice"), ("alice", "bob")])
def test_a_readers_full_dump_holds_nothing_of_the_other_read(
    study: PgDatabase, reader: str, other: str
) -> None:
    with connect_as(study, reader) as connection:
        text, refused = dump(connection)
    secret, length = SECRETS[other]
    assert secret not in text
    assert str(length) not in text and str(length + 1) not in text
    assert SECRETS[reader][0] in text  # their own read is there
    assert "SCRAM-SHA-256" not in text  # no password material, their own included
    assert {"pg_catalog.pg_authid", "pg_catalog.pg_shadow"} <= set(refused)


def test_the_adjudicator_sees_no_read_until_both_are_complete(study: PgDatabase) -> None:
    with connect_as(study, "carol") as carol:
        text, _ = dump(carol)
    assert SECRETS["alice"][0] not in text and SECRETS["bob"][0] not in text
    read_case_m2 = Backend("postgres", study.location, study.url)
    with read_case_m2.open("bob") as store:
        project = read_case_m2.project("bob", store)
        from reviewer_gui.reading import ReadKey

        project.sign(ReadKey(CASE, "bob"), "M2", meaning="bob-secret-meaning-m2")
    with connect_as(study, "carol") as carol:
        text, _ = dump(carol)
    assert SECRETS["alice"][0] in text and SECRETS["bob"][0] in text
    assert "alice-secret-reread" not in text.split("recist.audit_record")[1].split("\n")[0]


def test_the_administrator_sees_every_read(study: PgDatabase) -> None:
    with connect_as(study, "ada") as ada:
        text, _ = dump(ada)
    assert SECRETS["alice"][0] in text and SECRETS["bob"][0] in text
    assert "SCRAM-SHA-256" not in text


#: Every table of a PostgreSQL project: the shared schema's and the PostgreSQL-only ones.
PG_TABLES = (*ALL_TABLES, "store_version", *actions.TABLES, *password_history.TABLES)

WRITES = ("UPDATE {t} SET {c} = {c}", "DELETE FROM {t}", "TRUNCATE {t}",
          "ALTER TABLE {t} ADD COLUMN intruder integer", "ALTER TABLE {t} DISABLE TRIGGER ALL",
          "ALTER TABLE {t} DISABLE ROW LEVEL SECURITY", "DROP TABLE {t}",
          "DROP POLICY {n}_select ON {t}",
          "CREATE POLICY intruder ON {t} USING (true)")  # fmt: skip


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "ada"])
def test_nobody_changes_deletes_or_alters_a_table(study: PgDatabase, name: str) -> None:
    with connect_as(study, name) as connection:
        for table in PG_TABLES:
            column = connection.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1",
                (f"recist.{table}",)).fetchone()[0]  # fmt: skip
            for statement in WRITES:
                sql = statement.format(t=f"recist.{table}", n=table, c=column)
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    connection.execute(sql)  # type: ignore[call-overload]
            # GRANT without the grant option only warns ("no privileges were granted"); on a
            # table the role has no privilege on at all (password_verifier) it is refused:
            grant = f"GRANT SELECT ON recist.{table} TO PUBLIC"
            if table in password_history.TABLES:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    connection.execute(grant)  # type: ignore[call-overload]
            else:
                connection.execute(grant)  # type: ignore[call-overload]
            public = connection.execute(
                "SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = "
                "%s::regclass AND a.grantee = 0", (f"recist.{table}",)).fetchone()[0]  # fmt: skip
            assert public == 0
        own = connection.execute("SELECT DISTINCT actor FROM recist.audit_record").fetchall()
        assert own == ([] if name == "carol" else [(name,)]) or name == "ada"


def test_not_even_the_owner_updates_deletes_or_truncates(study: PgDatabase) -> None:
    """The bootstrap account (here the superuser) owns the tables; the triggers still refuse."""
    with psycopg.connect(study.url, autocommit=True) as owner:
        for table in PG_TABLES:
            statements = [f"TRUNCATE recist.{table} CASCADE"]
            if owner.execute(f"SELECT count(*) FROM recist.{table}").fetchone()[0]:
                column = owner.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND "
                    "attnum = 1", (f"recist.{table}",)).fetchone()[0]  # fmt: skip
                statements += [f"UPDATE recist.{table} SET {column} = {column}",
                               f"DELETE FROM recist.{table}"]  # fmt: skip
            for sql in statements:
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    owner.execute(sql)  # type: ignore[call-overload]


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "ada"])
def test_nobody_creates_objects_or_grants(study: PgDatabase, name: str) -> None:
    prefix, other = role_prefix(study.name), "bob" if name == "alice" else "alice"
    with connect_as(study, name) as connection:
        for sql in ("CREATE TABLE recist.intruder (x int)", "CREATE TABLE public.intruder (x int)",
                    "CREATE TEMP TABLE intruder (x int)", "CREATE SCHEMA intruder",
                    "CREATE FUNCTION recist.intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                    "CREATE ROLE intruder", f"GRANT {ident(prefix + '_administrator')} TO "
                    f"{ident(name)}", f"GRANT {ident(prefix + '_owner')} TO {ident(name)}",
                    f"ALTER ROLE {ident(name)} CREATEROLE", f"ALTER ROLE {other} PASSWORD 'x'",
                    f"ALTER ROLE {other} NOLOGIN",
                    "CREATE VIEW public.intruder AS SELECT 1"):  # fmt: skip
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(sql)  # type: ignore[call-overload]


def _append(connection: psycopg.Connection[Any], actor: str) -> None:
    connection.execute("SELECT recist.append_audit(%s, 'sign-in', '2025-01-01T00:00:00+00:00', "
                       "NULL, NULL, NULL, NULL, NULL, '', '{}', '{}')", (actor,))  # fmt: skip


def test_a_reader_cannot_append_as_another_reader(study: PgDatabase) -> None:
    with connect_as(study, "bob") as bob:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="by its actor only"):
            _append(bob, "alice")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute("INSERT INTO recist.audit_record (seq, at, actor, action, reason, before,"
                        " after, prev_hash, hash) VALUES (999, 'x', 'bob', 'x', '', '{}', '{}', "
                        "'x', 'x')")  # fmt: skip
        _append(bob, "bob")  # their own record goes through the function


def test_a_reader_cannot_write_into_another_read(study: PgDatabase) -> None:
    with connect_as(study, "bob") as bob:
        change = bob.execute(
            "INSERT INTO recist.change_log (kind, actor, at, case_id, reader) VALUES "
            "('save-lesion', 'bob', 'x', %s, 'bob') RETURNING change_id", (CASE,)).fetchone()[0]
        for sql, values in (
            ("INSERT INTO recist.change_log (kind, actor, at, case_id, reader) VALUES "
             "('save-lesion', 'alice', 'x', %s, 'alice')", (CASE,)),
            ("INSERT INTO recist.lesion_version VALUES (%s, %s, 'alice', 'T9', 'TARGET', "
             "'liver', '', 0, 0)", (change, CASE)),
            ("INSERT INTO recist.subject (change_id, case_id) VALUES (%s, 'CASE-X')", (change,)),
            ("SELECT recist.create_login('mallory', 'administrator', 'SCRAM-SHA-256$x')", ()),
        ):  # fmt: skip
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bob.execute(sql, values)  # type: ignore[call-overload]


def test_a_name_that_is_already_a_role_is_refused(study: PgDatabase, postgres_url: str) -> None:
    from reviewer_gui.store import StoreError
    from reviewer_gui.store.postgres import PostgresStore, add_login

    with PostgresStore.open(study.location, user="ada", password=PASSWORDS["ada"]) as ada:
        for name in ("postgres", "bob", "pg_monitor"):
            with pytest.raises(StoreError, match="exists already"):
                add_login(ada, name, "reader", "a-long-password-1")
        assert "postgres" not in ada.users()
    with connect_as(study, "bob") as bob:  # adding "bob" again left his password alone
        assert bob.execute("SELECT session_user").fetchone() == ("bob",)


def test_a_reader_learns_nothing_from_the_helpers_and_cannot_unlock_themself(
    study: PgDatabase,
) -> None:
    with connect_as(study, "bob") as bob:
        assert bob.execute("SELECT recist.adjudicable(%s)", (CASE,)).fetchone() == (False,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute("INSERT INTO recist.account_event (audit_seq, name, event, failures, "
                        "locked) VALUES (999999, 'bob', 'unlocked', 0, 0)")  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute("INSERT INTO recist.account_event (audit_seq, name, event, failures, "
                        "locked) VALUES (999999, 'alice', 'failed', 5, 1)")  # fmt: skip
