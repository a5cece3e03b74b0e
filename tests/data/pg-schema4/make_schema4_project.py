"""Make ``schema4_project.sql``: a PostgreSQL reading project as the last release of schema 4
(c40d32e: no lesion points, no measurement provenance, no retracted entries, no applied-action
ids, no password history, no sign-in gate) created it, with two readers' complete reads.

Run with a checkout of that release, not this one, as a user who may run Debian's PostgreSQL
15 binaries (root runs the server as ``postgres``)::

    mkdir /tmp/release4 && git archive c40d32e recist reviewer_gui tests | tar -x -C /tmp/release4
    python tests/data/pg-schema4/make_schema4_project.py /tmp/release4 OUT.sql

The release's own ``tests/pg_server.py`` starts a throw-away server; the release's
``tests/postgres/kit.py`` makes the project in database ``reluth_schema4``: administrator ada,
readers alice and bob, adjudicator carol (the kit's passwords), CASE-7 with BASELINE and M2,
and each reader's read signed, re-read, signed again and complete (every free text carries the
reader's secret). The file holds the project's roles (groups, owner, logins with their
SCRAM-SHA-256 verifiers and memberships), then ``pg_dump --column-inserts`` of the database
without psql's ``\\restrict`` lines, so that one psycopg ``execute`` restores it as a
superuser into an empty database (any name); the database-wide grants (``CONNECT``) are the
restorer's to give, as ``tests/pg_server.copy_database`` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

release, out = Path(sys.argv[1]), Path(sys.argv[2])
# The release's own code, never the installed (editable) one.
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path[:0] = [str(release), str(release / "tests")]

import psycopg  # noqa: E402

import reviewer_gui  # noqa: E402

assert reviewer_gui.__file__ is not None and reviewer_gui.__file__.startswith(str(release))
from pg_server import BIN, PostgresServer, with_database  # noqa: E402
from postgres.kit import Backend, add_case, read_case  # noqa: E402

from reviewer_gui.store.postgres.ddl import ident, literal, role_prefix  # noqa: E402
from reviewer_gui.store.schema import SCHEMA_VERSION  # noqa: E402

assert SCHEMA_VERSION == 4, f"the release at {release} writes schema {SCHEMA_VERSION}, not 4"
DATABASE = "reluth_schema4"


def roles_sql(url: str, prefix: str) -> str:
    """The project's roles as statements: groups and owner, logins (with their verifiers),
    memberships; the restoring account joins the owner as the creating account had."""
    with psycopg.connect(url, autocommit=True) as admin:
        roles = admin.execute(
            "SELECT rolname, rolcanlogin, rolcreaterole, rolpassword FROM pg_authid WHERE "
            "rolname LIKE %s OR oid IN (SELECT member FROM pg_auth_members m JOIN pg_roles g "
            "ON g.oid = m.roleid WHERE g.rolname = %s) ORDER BY rolcanlogin, rolname",
            (prefix + "\\_%", prefix + "_member")).fetchall()  # fmt: skip
        names = [r[0] for r in roles]
        members = admin.execute(
            "SELECT g.rolname, u.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = "
            "m.roleid JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = ANY(%s) AND "
            "u.rolname = ANY(%s) ORDER BY 1, 2", (names, names)).fetchall()  # fmt: skip
    lines = []
    for name, login, createrole, verifier in roles:
        options = "LOGIN PASSWORD " + literal(verifier) if login else "NOLOGIN"
        lines.append(f"CREATE ROLE {ident(name)} {options}{' CREATEROLE' if createrole else ''};")
    lines.extend(f"GRANT {ident(group)} TO {ident(user)};" for group, user in members)
    lines.append(f"GRANT {ident(prefix + '_owner')} TO CURRENT_USER;")
    return "\n".join(lines) + "\n"


def dump(url: str) -> str:
    parts = urlsplit(url)
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if prefix:  # runuser drops the environment's password: hand it over explicitly
        prefix = [*prefix, "env", f"PGPASSWORD={parts.password}"]
    done = subprocess.run(
        [*prefix, str(BIN / "pg_dump"), "--column-inserts", "--no-comments",
         "-h", "127.0.0.1", "-p", str(parts.port), "-U", "postgres", DATABASE],
        capture_output=True, text=True, check=True, env=env, cwd="/")  # fmt: skip
    return "".join(line for line in done.stdout.splitlines(keepends=True)
                   if not line.startswith(("\\restrict", "\\unrestrict")))  # fmt: skip


server = PostgresServer()
try:
    url = server.start()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {ident(DATABASE)}")
    backend = Backend("postgres", with_database(url, DATABASE, credentials=False),
                      with_database(url, DATABASE))  # fmt: skip
    backend.create()
    add_case(backend)
    read_case(backend, "alice", complete=True)
    read_case(backend, "bob", complete=True)
    text = (f"-- A schema-4 PostgreSQL reading project (release c40d32e), made by "
            f"make_schema4_project.py\n-- Roles\n{roles_sql(url, role_prefix(DATABASE))}"
            f"-- pg_dump of database {DATABASE}\n{dump(with_database(url, DATABASE))}")
    assert "\\" not in "".join(line[:1] for line in text.splitlines()), "a psql meta-command"
    out.write_text(text)
finally:
    server.stop()
