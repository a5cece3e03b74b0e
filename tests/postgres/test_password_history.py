"""The previous passwords on the server (``store.postgres.password_history``), attacked as
each role with psycopg (as psql would): nobody reads the table, the function gives each user
their own last two verifiers only, a user records only their own password (the study
administrator also another login's, for a new user or a reset), and nobody changes a row."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from pg_server import PgDatabase

from reviewer_gui.review import PasswordRejected, change_password, reset_password
from reviewer_gui.store.postgres import PostgresStore, scram_verifier
from reviewer_gui.store.postgres.connect import scram_matches

from .kit import PASSWORDS, Backend

NAMES = ("alice", "bob", "carol", "ada")
VERIFIER = scram_verifier("an-attackers-password-1")


@pytest.fixture
def study(pg_database: PgDatabase) -> PgDatabase:
    Backend("postgres", pg_database.location, pg_database.url).create()
    return pg_database


def connect_as(study: PgDatabase, name: str, password: str = "") -> psycopg.Connection[Any]:
    return psycopg.connect(study.location, user=name, password=password or PASSWORDS[name],
                           autocommit=True)  # fmt: skip


def rows(study: PgDatabase) -> list[tuple[str, str, str]]:
    """The table as its owner (the bootstrap account) sees it."""
    with psycopg.connect(study.url, autocommit=True) as owner:
        return owner.execute("SELECT name, set_by, verifier FROM recist.password_verifier "
                             "ORDER BY id").fetchall()  # fmt: skip


def test_every_password_set_through_the_program_is_recorded_as_a_verifier(
    study: PgDatabase,
) -> None:
    recorded = rows(study)
    with psycopg.connect(study.url, autocommit=True) as owner:
        bootstrap = owner.execute("SELECT session_user").fetchone()[0]  # type: ignore[index]
    assert [(name, by) for name, by, _ in recorded] == [
        ("ada", bootstrap), ("alice", "ada"), ("bob", "ada"), ("carol", "ada")]
    for name, _, verifier in recorded:
        assert scram_matches(PASSWORDS[name], verifier)
        assert not scram_matches(PASSWORDS[name] + "x", verifier)
    with psycopg.connect(study.url, autocommit=True) as owner:  # another salt than the login's
        kept = dict(owner.execute("SELECT rolname, rolpassword FROM pg_authid WHERE rolname "
                                  "= ANY(%s)", (list(NAMES),)).fetchall())  # fmt: skip
    assert all(verifier != kept[name] for name, _, verifier in recorded)


@pytest.mark.parametrize("name", NAMES)
def test_nobody_reads_or_changes_the_table(study: PgDatabase, name: str) -> None:
    with connect_as(study, name) as connection:
        for sql in ("SELECT * FROM recist.password_verifier",
                    "SELECT count(*) FROM recist.password_verifier",
                    f"INSERT INTO recist.password_verifier (name, verifier) VALUES "
                    f"('{name}', '{VERIFIER}')",
                    "UPDATE recist.password_verifier SET verifier = verifier",
                    "DELETE FROM recist.password_verifier",
                    "TRUNCATE recist.password_verifier",
                    "ALTER TABLE recist.password_verifier DISABLE ROW LEVEL SECURITY",
                    "CREATE POLICY intruder ON recist.password_verifier USING (true)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(sql)  # type: ignore[call-overload]


@pytest.mark.parametrize("name", NAMES)
def test_the_function_gives_only_ones_own_verifiers(study: PgDatabase, name: str) -> None:
    other = "bob" if name == "alice" else "alice"
    with connect_as(study, name) as connection:
        with pytest.raises(psycopg.errors.UndefinedFunction):  # no name to ask for
            connection.execute("SELECT recist.my_password_verifiers(%s)", (other,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nor another's session
            connection.execute(f"SET ROLE {other}")  # type: ignore[call-overload]
        own = [r[0] for r in connection.execute(
            "SELECT verifier FROM recist.my_password_verifiers()")]  # fmt: skip
    assert len(own) == 1 and scram_matches(PASSWORDS[name], own[0])
    for someone in set(NAMES) - {name}:
        assert not any(scram_matches(PASSWORDS[someone], v) for v in own)


@pytest.mark.parametrize("name", ["alice", "carol"])
def test_a_user_records_no_password_for_another(study: PgDatabase, name: str) -> None:
    before = rows(study)
    with connect_as(study, name) as connection:
        for other in ("bob", "ada", "postgres"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute("SELECT recist.record_password(%s, %s)", (other, VERIFIER))
        with pytest.raises(psycopg.errors.InvalidParameterValue):  # never a password
            connection.execute("SELECT recist.record_password(%s, %s)",
                               (name, PASSWORDS[name]))  # fmt: skip
    assert rows(study) == before


def test_the_administrator_records_only_the_project_users(study: PgDatabase) -> None:
    before = rows(study)
    with connect_as(study, "ada") as ada:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # not a login of the study
            ada.execute("SELECT recist.record_password('postgres', %s)", (VERIFIER,))
        ada.execute("SELECT recist.record_password('bob', %s)", (VERIFIER,))  # a reset's
    assert rows(study) == [*before, ("bob", "ada", VERIFIER)]


def test_a_reset_and_changes_keep_the_last_two_and_refuse_them(study: PgDatabase) -> None:
    temporary, first, second = "temporary-password-1", "bobs-new-password-2", "bobs-third-pw-3"
    with PostgresStore.open(study.location, user="ada", password=PASSWORDS["ada"]) as ada:
        reset_password(ada, "bob", temporary, by=ada.users()["ada"])
    with PostgresStore.open(study.location, user="bob", password=temporary) as bob:
        with pytest.raises(PasswordRejected, match="previous password"):
            change_password(bob, "bob", temporary, PASSWORDS["bob"])  # his own, before
        change_password(bob, "bob", temporary, first)
        with pytest.raises(PasswordRejected, match="previous password"):
            change_password(bob, "bob", first, temporary)
        change_password(bob, "bob", first, second)
        change_password(bob, "bob", second, temporary)  # three passwords ago: allowed
    assert [name for name, _, _ in rows(study)][-4:] == ["bob"] * 4


def test_a_project_without_the_table_refuses_the_current_password_only(
    study: PgDatabase,
) -> None:
    """A project created before the table: the check of the previous password is skipped,
    with no error; the current one is still refused (the server's sign-in check)."""
    with psycopg.connect(study.url, autocommit=True) as owner:
        owner.execute("DROP FUNCTION recist.my_password_verifiers(), "
                      "recist.record_password(text, text)")  # fmt: skip
        owner.execute("DROP TABLE recist.password_verifier")
    new = "alices-new-password-2"
    with PostgresStore.open(study.location, user="alice", password=PASSWORDS["alice"]) as alice:
        with pytest.raises(PasswordRejected, match="previous password"):
            change_password(alice, "alice", PASSWORDS["alice"], PASSWORDS["alice"])
        change_password(alice, "alice", PASSWORDS["alice"], new)
        change_password(alice, "alice", new, PASSWORDS["alice"])  # not known: allowed
    with connect_as(study, "alice"):
        pass
