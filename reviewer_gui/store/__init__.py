"""Storage of reading projects: one SQLite file or one PostgreSQL database per project, every
change saved at once.

:func:`open_store` opens the project at a location through the one interface both backends
implement (:class:`ProjectStore`): a path is an SQLite file (:class:`Store`), a
``postgresql://HOST:PORT/DBNAME`` URL a PostgreSQL database
(``reviewer_gui.store.postgres``), signed in as a user of the project.
:meth:`Store.open` opens or creates a project file; :func:`open_project` also restores the
model, with the store as its journal, so every later change is saved before it is applied.
The schema is append-only (``reviewer_gui.store.schema``); every action is a record of the
hash-chained audit trail (``reviewer_gui.store.audit``), which ``reviewer_gui.store.verify``
checks and exports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from reviewer_gui.reading import Engine, ReadingProject, utc_now
from reviewer_gui.store.base import ProjectStore, StoreError, is_postgres_url
from reviewer_gui.store.schema import APPLICATION_ID, SCHEMA_VERSION
from reviewer_gui.store.sqlite_store import Store
from reviewer_gui.store.users import AccountEvent, UserRecord


def open_store(
    location: str | Path,
    *,
    user: str | None = None,
    password: str | None = None,
    create: bool = True,
    audit_key: bytes | None = None,
) -> ProjectStore:
    """The project at ``location``: an SQLite file (``create``: made when absent), or a
    PostgreSQL database connected as ``user`` with ``password`` (``None``: the URL's own
    credentials); close it when done."""
    if is_postgres_url(location):
        from reviewer_gui.store.postgres import PostgresStore

        return PostgresStore.open(str(location), user=user, password=password,
                                  audit_key=audit_key)  # fmt: skip
    return Store.open(location, create=create, audit_key=audit_key)


def open_project(
    path: str | Path,
    engine: Engine | None = None,
    *,
    create: bool = True,
    clock: Callable[[], dt.datetime] = utc_now,
    audit_key: bytes | None = None,
) -> tuple[ReadingProject, Store]:
    """The reading project in ``path`` and its store (close the store when done)."""
    store = Store.open(path, create=create, audit_key=audit_key)
    try:
        project = ReadingProject(store.load(), engine=engine, journal=store, clock=clock)
    except BaseException:
        store.close()
        raise
    return project, store


__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "AccountEvent",
    "ProjectStore",
    "Store",
    "StoreError",
    "UserRecord",
    "is_postgres_url",
    "open_project",
    "open_store",
]
