"""Fixtures every test folder may use: a real PostgreSQL server, started only when a test asks
for it (``postgres_url``), and a fresh database per test (``pg_database``).

``RECIST_TEST_POSTGRES`` (a URL of a role that may create databases and roles) uses a server
already running; otherwise one is started from Debian's binaries (``tests/pg_server.py``) for
the session and stopped at its end. In CI (``CI=true``) a server that cannot start fails the
tests that need it: they are never skipped there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from pg_server import PgDatabase, PostgresServer, ServerUnavailable, drop_project, with_database

from reviewer_gui.store.postgres.ddl import ident


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The bootstrap (superuser or CREATEROLE + CREATEDB) URL of a running server."""
    given = os.environ.get("RECIST_TEST_POSTGRES")
    if given:
        yield given
        return
    server = PostgresServer()
    try:
        url = server.start()
    except ServerUnavailable as error:
        server.stop()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is needed in CI and did not start: {error}")
        pytest.skip(f"no PostgreSQL here ({error}); CI runs these tests")
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def pg_database(postgres_url: str) -> Iterator[PgDatabase]:
    """An empty database of its own; dropped afterwards with every role its project made."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {ident(name)}")
    try:
        yield PgDatabase(with_database(postgres_url, name),
                         with_database(postgres_url, name, credentials=False), name)  # fmt: skip
    finally:
        drop_project(postgres_url, name)
