"""Upgrading a PostgreSQL reading project in place to this program's schema.

A project file is upgraded when it is opened for writing (``sqlite_store``). A PostgreSQL
project is not, because the app connects as the signed-in study user, whose role may not
create, alter or grant anything (``ddl``: the server is the security boundary, and giving a
study user the right to change the schema would undo it). So the account that created the
project (a member of its ``..._owner`` role, e.g. the core lab's DBA account; the URL's own
credentials, as for creating or migrating a project) upgrades it explicitly with
``recist-review upgrade URL``. Until then every user who opens it is refused with one line
that names that command, and nothing is written (``store.check_project``).

:func:`upgrade_project` runs the :data:`STEPS` from the project's version to
:data:`~reviewer_gui.store.schema.SCHEMA_VERSION` in one transaction, on the audit chain's
lock: each step's DDL as the owner, its database-wide grants as the connecting account,
``store_version`` set to the new version (its append-only trigger set aside for that one
UPDATE, inside the transaction), and per step an ``upgrade-schema`` audit record ("schema 4 ->
5: added ...", as a project file gets) appended by ``recist.append_audit`` as the connecting
account. Any failure, or the connection dying, rolls all of it back: the project stays at its
old schema, whole. Tables are altered under the store's ``lock_timeout``: a project in use is
refused with a message, not waited for.

A step makes its objects with the same code that makes a new project (``ddl``, ``sr_load``,
``actions``, ``password_history``, ``signin``), so an upgraded database's catalog equals a new
one's (``tests/postgres/test_upgrade.py`` compares their schema dumps, from a real schema-4
project). A later schema is one more entry of :data:`STEPS` (and ``SCHEMA_VERSION`` with the
project file's ``MIGRATIONS`` entry in ``schema``): the DDL run as the owner (a changed
function through :func:`functions`, a changed policy through :func:`policy`), the
database-wide grants, and what the audit record says it adds. Since an earlier step already
makes its objects as the current code defines them, a later step that changes one of them
must accept finding it changed already (``CREATE OR REPLACE``, ``IF NOT EXISTS``); the
comparison test runs every step from schema 4 and says when one does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from reviewer_gui.store.base import StoreError
from reviewer_gui.store.postgres import (
    actions,
    ddl,
    derived,
    password_history,
    reconnect,
    signin,
)
from reviewer_gui.store.postgres.connect import connect, display
from reviewer_gui.store.postgres.reconnect import closed_on_failure
from reviewer_gui.store.postgres.sr_load import sr_load_statements
from reviewer_gui.store.postgres.store import LOCK_TIMEOUT_S, PostgresStore, project_version
from reviewer_gui.store.schema import (
    DERIVED_TABLES,
    READING_COLUMNS,
    SCHEMA_VERSION,
    reading_statements,
    upgrade_summary,
)

Connection = psycopg.Connection[Any]


@dataclass(frozen=True)
class Step:
    """Schema ``n`` to ``n + 1`` (the key of :data:`STEPS`)."""

    #: The DDL, run as the project's owner with search path ``recist`` (given the connection
    #: and the project's role prefix).
    owner: Callable[[Connection, str], list[str]]
    #: What the audit record says the step adds (given the connection, before the DDL).
    summary: Callable[[Connection], str]
    #: Database-wide grants, run as the connecting account (the database's owner).
    database: Callable[[str], list[str]] = lambda database: []


def functions(prefix: str, names: tuple[str, ...]) -> list[str]:
    """``ddl``'s definitions of the functions ``names`` (made, or replaced if present)."""
    made = [s for s in ddl.function_statements(prefix)
            if _function_name(s) in names]  # fmt: skip
    missing = set(names) - {_function_name(s) for s in made}
    if missing:
        raise RuntimeError(f"ddl.function_statements defines no {', '.join(sorted(missing))}")
    return [s.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1) for s in made]


def _function_name(statement: str) -> str:
    found = re.match(r"\s*CREATE FUNCTION (\w+)\(", statement)
    return found.group(1) if found else ""


def policy(table: str, role: str) -> str:
    """The INSERT policy of ``role`` on ``table`` as ``ddl.POLICIES`` states it now."""
    check = ddl.POLICIES[table][1][role]
    return f"ALTER POLICY {table}_insert_{role} ON {table} WITH CHECK ({check})"


def _columns(connection: Connection, tables: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    rows = connection.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema "
        "= %s AND table_name = ANY(%s) ORDER BY ordinal_position",
        (ddl.SCHEMA, list(tables))).fetchall()  # fmt: skip
    return {table: tuple(c for t, c in rows if t == table) for table in tables}


def _schema5(connection: Connection, prefix: str) -> list[str]:
    """Schema 4 to 5: the reading columns (lesion points, measurement provenance, retracted
    entries); with them, what a PostgreSQL project gained meanwhile: the audit chain's
    owner-only functions, the de-identification key's setting, the administrator's SR
    loading, the applied-action ids, the password history and the sign-in gate."""
    database = str(connection.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
    revoke = [s for s in ddl.security_statements(prefix, database)
              if s.startswith("REVOKE ALL ON ALL FUNCTIONS")]  # fmt: skip
    gate = signin.gate_statements(prefix, database, signin.gate_exists(connection))
    return [
        *(ddl._column_types(s) for s in reading_statements(_columns(connection,
                                                                    tuple(READING_COLUMNS)))),
        *functions(prefix, ("chain_lock", "lock_audit_chain", "append_audit", "chain_append")),
        *revoke,
        policy("project_info", "administrator"),
        *sr_load_statements(prefix),
        *actions.statements(prefix),
        *password_history.statements(prefix),
        *(s for s in gate if " ON DATABASE " not in s),
    ]


def _summary5(connection: Connection) -> str:
    tables = {r[0] for r in connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s", (ddl.SCHEMA,))}  # fmt: skip
    columns = _columns(connection, ("axis_measurement", "app_user", *READING_COLUMNS))
    tables |= set(DERIVED_TABLES)  # schema 6's, said by the next step
    return (f"{upgrade_summary(tables, columns)}; on the server: the audit chain's owner-only "
            "functions (chain_lock, chain_append), the administrator's SR loading, the "
            "applied-action ids (applied_action), the password history (password_verifier), "
            "the sign-in gate (sign_in_refused) and the de-identification key's setting")


def _schema6(connection: Connection, prefix: str) -> list[str]:
    """Schema 5 to 6: each user's registrations (derived data, theirs alone)."""
    return derived.statements(prefix)


def _summary6(connection: Connection) -> str:
    return (f"added tables {', '.join(DERIVED_TABLES)} (derived data, each user's own rows; "
            "not audited)")


#: ``STEPS[n]`` upgrades a PostgreSQL project from schema ``n`` to ``n + 1``.
STEPS: dict[int, Step] = {4: Step(_schema5, _summary5, signin.database_grants),
                          5: Step(_schema6, _summary6)}
#: The oldest schema a PostgreSQL project is upgraded from.
OLDEST = min(STEPS)


def upgrade_project(url: str) -> tuple[int, int]:
    """Upgrade the project at ``url`` (connecting with the URL's own credentials: the account
    that created it) to this program's schema; ``(old, new)`` versions, equal when it was
    current already."""
    where = display(url)
    connection = connect(url)
    with closed_on_failure(connection, where):
        reconnect.prepare(connection, LOCK_TIMEOUT_S)
        try:
            with connection.transaction():
                versions = _upgrade(url, connection, where)
        except psycopg.errors.LockNotAvailable as error:
            raise StoreError(f"{where}: the project is in use (another session holds its "
                             f"tables or audit trail for {LOCK_TIMEOUT_S} s): ask its users "
                             "to close it, then upgrade again; nothing was changed") from error
    connection.close()
    return versions


def _upgrade(url: str, connection: Connection, where: str) -> tuple[int, int]:
    version = project_version(connection, where)
    if version > SCHEMA_VERSION:
        raise StoreError(f"{where}: schema version {version} is newer than this program's "
                         f"({SCHEMA_VERSION}): update recist-toolkit to upgrade it")
    if version == SCHEMA_VERSION:
        return version, version
    row = connection.execute("SELECT role_prefix, pg_has_role(session_user, role_prefix || "
                             "'_owner', 'MEMBER') FROM store_version").fetchone()  # fmt: skip
    assert row is not None
    prefix, owner = str(row[0]), bool(row[1])
    if not owner:
        raise StoreError(f"{where}: only the account that created the project (a member of "
                         f"{prefix}_owner) upgrades it: give that account's URL "
                         "(postgresql://USER@HOST:PORT/DBNAME); nothing was changed")
    connection.execute("SELECT recist.lock_audit_chain()")  # one upgrade, no append between
    version = project_version(connection, where)  # another upgrade may have just committed
    if version >= SCHEMA_VERSION:
        return version, version
    missing = [n for n in range(version, SCHEMA_VERSION) if n not in STEPS]
    if missing:
        raise StoreError(f"{where}: schema version {version} is not upgraded in place by this "
                         f"program (it upgrades PostgreSQL projects from schema {OLDEST}): "
                         "open it with the release that created it")  # fmt: skip
    database = str(connection.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
    store = PostgresStore(url, connection)
    for step_from in range(version, SCHEMA_VERSION):
        step = STEPS[step_from]
        summary = step.summary(connection)
        connection.execute(f"SET LOCAL ROLE {ddl.ident(prefix + '_owner')}")
        for statement in [*step.owner(connection, prefix), *_set_version(step_from + 1)]:
            connection.execute(statement)
        connection.execute("RESET ROLE")
        for statement in step.database(database):
            connection.execute(statement)
        store.log_action("upgrade-schema", store.user,
                         reason=f"schema {step_from} -> {step_from + 1}: {summary}")
    return version, SCHEMA_VERSION


def _set_version(version: int) -> list[str]:
    """``store_version``'s one row at ``version`` (the only UPDATE of an append-only table:
    its trigger set aside in the upgrade's transaction, and back before it commits)."""
    trigger = "store_version_no_update"
    return [f"ALTER TABLE store_version DISABLE TRIGGER {trigger}",
            f"UPDATE store_version SET schema_version = {int(version)}",
            f"ALTER TABLE store_version ENABLE TRIGGER {trigger}"]  # fmt: skip
