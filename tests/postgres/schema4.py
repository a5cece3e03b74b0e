"""The schema-4 PostgreSQL project of the last schema-4 release (``tests/data/pg-schema4``),
restored into the test server, and the schema dumps that compare an upgraded project with a
new one."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from pg_server import BIN, PgDatabase, drop_project, with_database

from reviewer_gui.store.postgres.ddl import ident, role_prefix, security_statements

FIXTURE = Path(__file__).parents[1] / "data" / "pg-schema4" / "schema4_project.sql"
#: The fixture's database: its roles' prefix is this name's (``ddl.role_prefix``).
DATABASE = "reluth_schema4"
#: The fixture's users (``make_schema4_project.py``: the release's ``tests/postgres/kit``).
PASSWORDS = {"ada": "ada-password-1", "alice": "alice-password-1",
             "bob": "bob-password-12", "carol": "carol-password-1"}  # fmt: skip
SECRETS = {"alice": "alice-secret", "bob": "bob-secret"}


@contextmanager
def schema4_project(postgres_url: str) -> Iterator[PgDatabase]:
    """The fixture restored as the server's superuser into a database of its own name, with
    the database-wide grants a project has (as ``pg_server.copy_database`` gives a copy);
    dropped afterwards with its roles."""
    drop_project(postgres_url, DATABASE)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {ident(DATABASE)}")
    try:
        url = with_database(postgres_url, DATABASE)
        with psycopg.connect(url, autocommit=True) as restore:
            restore.execute(FIXTURE.read_text())  # type: ignore[call-overload]
        with psycopg.connect(url, autocommit=True) as grants:
            for statement in security_statements(role_prefix(DATABASE), DATABASE):
                if " ON DATABASE " in statement:
                    grants.execute(statement)  # type: ignore[call-overload]
        yield PgDatabase(url, with_database(postgres_url, DATABASE, credentials=False),
                         DATABASE)  # fmt: skip
    finally:
        drop_project(postgres_url, DATABASE)


def pg_dump() -> str:
    found = BIN / "pg_dump"
    return str(found) if found.is_file() else "pg_dump"


def schema_dump(url: str, database: str) -> list[str]:
    """``pg_dump --schema-only`` of the database, one entry per object, its project's role
    prefix and database name replaced by ``<prefix>`` and ``<db>`` (so that two projects
    compare), sorted."""
    done = subprocess.run([pg_dump(), "--schema-only", "--no-comments", "-d", url],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PGCONNECT_TIMEOUT": "10"})  # fmt: skip
    text = done.stdout.replace(role_prefix(database), "<prefix>").replace(database, "<db>")
    objects = re.split(r"\n--\n-- Name: ", text)[1:]  # the preamble (SET ...) aside
    return sorted("\n".join(line for line in o.splitlines()  # psql's \restrict, comments
                            if line.strip() and not line.startswith(("--", "\\")))
                  for o in objects)  # fmt: skip


def database_grants(postgres_url: str, database: str) -> list[tuple[str, str]]:
    """Who may do what on the database itself (not in a schema dump): (grantee, privilege)."""
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT coalesce(r.rolname, 'PUBLIC'), a.privilege_type FROM pg_database d, "
            "aclexplode(d.datacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee "
            "WHERE d.datname = %s", (database,)).fetchall()  # fmt: skip
    prefix = role_prefix(database)
    return sorted((str(who).replace(prefix, "<prefix>"), str(what)) for who, what in rows)
