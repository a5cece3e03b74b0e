"""Creating a PostgreSQL reading project, and adding its users as login roles.

:func:`create_project` runs once, on an empty database, with the URL's own credentials (a role
allowed to create roles and owning the database, e.g. the core lab's DBA account): in one
transaction it creates the project's group roles and owner, the schema, the functions, the
triggers, grants and row-level security policies (``reviewer_gui.store.postgres.ddl``), the
``create-project`` audit record and the first study administrator's login. The bootstrap
account stays a member of the owner role: it is the server's administrator (see the README's
threat model), not a user of the study; its name is the actor of those first two records.

:func:`add_login` adds a study user later, as the signed-in study administrator, through
``recist.create_login``: the role, its ``app_user`` version and the ``add-user`` record are
one transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import psycopg

from reviewer_gui.store import audit
from reviewer_gui.store.base import StoreError
from reviewer_gui.store.postgres import actions, ddl, derived, password_history, signin
from reviewer_gui.store.postgres.connect import connect, database_name, display
from reviewer_gui.store.postgres.reconnect import closed_on_failure
from reviewer_gui.store.postgres.sr_load import sr_load_statements
from reviewer_gui.store.postgres.store import MAX_NAME_BYTES, PostgresStore
from reviewer_gui.store.schema import APPLICATION_ID, SCHEMA_VERSION


def create_project(url: str, admin: str, password: str) -> PostgresStore:
    """Create the project in the empty database of ``url`` (connecting with the URL's own
    credentials) with its first study administrator ``admin``; returns the bootstrap
    connection's store (close it)."""
    where, database = display(url), database_name(url)
    if not admin or len(admin.encode("utf-8")) > MAX_NAME_BYTES:
        raise StoreError(f"{where}: user name {admin!r}: give 1 to {MAX_NAME_BYTES} bytes "
                         "(PostgreSQL's limit for a role name)")  # fmt: skip
    prefix = ddl.role_prefix(database)
    connection = connect(url)
    with closed_on_failure(connection, where), connection.transaction():
        _refuse_unusable(connection, where, admin, prefix)
        _create(connection, database, prefix)
        store = PostgresStore(url, connection)
        info = [("created_at", dt.datetime.now(dt.UTC).isoformat()),
                ("created_schema_version", str(SCHEMA_VERSION)),
                ("project_uid", str(uuid.uuid4()))]  # fmt: skip
        connection.cursor().executemany(
            "INSERT INTO project_info (key, value) VALUES (%s, %s)", info)
        store.log_action("create-project", store.user,
                         after=audit.project_info_rows(store.database))  # fmt: skip
        store.add_login(admin, "administrator", password,
                        reason="first study administrator of the project")  # fmt: skip
    return store


def _refuse_unusable(connection: psycopg.Connection[Any], where: str, admin: str,
                     prefix: str) -> None:  # fmt: skip
    tables = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                                "('pg_catalog', 'information_schema')").fetchone()  # fmt: skip
    schema = connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                                (ddl.SCHEMA,)).fetchone()  # fmt: skip
    if schema is not None:
        raise StoreError(f"{where}: already a reading project: add users with --admin NAME")
    if tables and tables[0]:
        raise StoreError(f"{where}: a database of another application (it has tables): give "
                         "an empty database of its own to the project (createdb)")  # fmt: skip
    roles = {r[0] for r in connection.execute(
        "SELECT rolname FROM pg_roles WHERE rolname = %s OR rolname LIKE %s",
        (admin, prefix + "\\_%"))}  # fmt: skip
    if admin in roles:
        raise StoreError(f"{where}: a role named {admin} exists already on this PostgreSQL "
                         "server: choose another user name")  # fmt: skip
    if roles:
        raise StoreError(f"{where}: the server has roles of an earlier project of this "
                         f"database's name ({prefix}_...): drop them first (DROP ROLE)")


def _create(connection: psycopg.Connection[Any], database: str, prefix: str) -> None:
    owner = ddl.ident(f"{prefix}_owner")
    member = ddl.ident(f"{prefix}_member")
    run = connection.execute
    run(f"CREATE ROLE {owner} NOLOGIN CREATEROLE")
    run(f"CREATE ROLE {member} NOLOGIN")
    for role in ddl.ROLES:
        run(f"CREATE ROLE {ddl.ident(f'{prefix}_{role}')} NOLOGIN")
    run(f"GRANT {owner} TO {ddl.ident(_session_user(connection))}")
    run(f"CREATE SCHEMA {ddl.SCHEMA} AUTHORIZATION {owner}")
    run(f"SET LOCAL ROLE {owner}")
    run(f"SET LOCAL search_path = {ddl.SCHEMA}, pg_temp")
    for statement in (*ddl.table_statements(), *ddl.function_statements(prefix)):
        run(statement)
    database_wide = [s for s in ddl.security_statements(prefix, database)
                     if " ON DATABASE " in s or " SCHEMA public " in s]  # fmt: skip
    for statement in ddl.security_statements(prefix, database):
        if statement not in database_wide:
            run(statement)
    for statement in sr_load_statements(prefix):  # the administrator's SR loading
        run(statement)
    for statement in actions.statements(prefix):  # PostgreSQL only: which writes applied
        run(statement)
    for statement in password_history.statements(prefix):  # the previous passwords
        run(statement)
    for statement in derived.statements(prefix):  # each user's registrations (schema 6)
        run(statement)
    gate = signin.gate_statements(prefix, database, signin.gate_exists(connection))
    for statement in gate:  # failed sign-ins recorded (store.postgres.signin)
        if " ON DATABASE " not in statement:
            run(statement)
    run("INSERT INTO store_version (application_id, schema_version, role_prefix) "
        "VALUES (%s, %s, %s)", (APPLICATION_ID, SCHEMA_VERSION, prefix))  # fmt: skip
    run("RESET ROLE")
    for statement in [*database_wide, *signin.database_grants(database)]:
        run(statement)
    run(f"SET search_path = {ddl.SCHEMA}, pg_temp")


def _session_user(connection: psycopg.Connection[Any]) -> str:
    return str(connection.execute("SELECT session_user").fetchone()[0])  # type: ignore[index]


def add_login(
    store: PostgresStore, name: str, role: str, password: str, *, reason: str = ""
) -> int:
    """:meth:`PostgresStore.add_login`, as the store's user (the study administrator)."""
    return store.add_login(name, role, password, reason=reason)
