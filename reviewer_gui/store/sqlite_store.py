"""Saving a reading project to one SQLite file, change by change, and restoring it.

Durability: the file is in WAL mode with ``synchronous=FULL``. Each change is one
``BEGIN IMMEDIATE ... COMMIT`` transaction, and with FULL the WAL is fsynced at every commit,
so a change the model has applied survives a killed process *and* a power cut or OS crash.
``NORMAL`` would survive a killed process too but may lose the last commits on a power cut;
a reader's measurement is a trial record made at the speed of clicks (one fsync, a few ms,
per change), so FULL's cost is worth paying. WAL lets a second process (another reader, an
export) read while one writes; ``busy_timeout`` makes writers wait for each other instead of
failing. A process killed in the middle of a transaction leaves nothing of it: SQLite rolls
it back on the next open.

Every action's audit record (``reviewer_gui.store.audit``) is written in the action's own
transaction, after its rows: the change and its link in the hash chain are kept or lost
together.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from reviewer_gui.reading import Change
from reviewer_gui.store import audit
from reviewer_gui.store.base import SqlStore, StoreError, log_row
from reviewer_gui.store.schema import (
    APPLICATION_ID,
    MIGRATIONS,
    READING_COLUMNS,
    SCHEMA_VERSION,
    account_statements,
    addition_statements,
    create_statements,
    derived_statements,
    image_statements,
    reading_statements,
    upgrade_summary,
)

__all__ = ["BUSY_TIMEOUT_MS", "Store", "StoreError"]

BUSY_TIMEOUT_MS = 10_000


class Store(SqlStore):
    """A reading project file. Use :meth:`open`; pass the store as the model's journal."""

    _db: sqlite3.Connection

    def __init__(
        self, path: Path, connection: sqlite3.Connection, audit_key: bytes | None = None
    ) -> None:
        self.path = path
        self._db = connection
        self._audit_key = audit_key
        self._attached = {}

    @classmethod
    def open(
        cls, path: str | Path, *, create: bool = True, audit_key: bytes | None = None
    ) -> Store:
        """Open (or create) the reading project at ``path``; checks that it is one.
        ``audit_key`` seals every audit record (HMAC); a project created with a key is opened
        only with the same key."""
        path = Path(path)
        if not create and not path.is_file():
            raise StoreError(f"{path}: no such reading project file")
        if not create and path.stat().st_size == 0:
            raise StoreError(f"{path}: an empty file, not a reading project")
        try:
            _create_private(path)
            connection = sqlite3.connect(path, isolation_level=None)
        except (sqlite3.Error, OSError) as error:
            raise StoreError(f"{path}: cannot open ({error})") from error
        store = cls(path, connection, audit_key)
        try:
            store._prepare(create)
            store._check_audit_key()
        except sqlite3.DatabaseError as error:
            connection.close()
            raise StoreError(f"{path}: not a reading project ({error})") from error
        except StoreError:
            connection.close()
            raise
        return store

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection (for diagnostics and tests; write through :meth:`record`)."""
        return self._db

    def close(self) -> None:
        self._db.close()

    # -- the backend's primitives (the rest is SqlStore's) -----------------------------------

    @property
    def location(self) -> str:
        return str(self.path)

    def _log(self, change: Change) -> int:
        values = log_row(change)
        cursor = self._db.execute(
            f"INSERT INTO change_log ({', '.join(values)}) VALUES "
            f"({', '.join('?' for _ in values)})", tuple(values.values()))  # fmt: skip
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _append(self, entry: audit.Entry) -> int:
        return audit.append(self._db, entry, self._audit_key)

    def _next_seq(self) -> int:
        return audit.next_seq(self._db)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _derived_write(self, write: Callable[[], None]) -> None:
        try:
            with self._transaction():
                write()
        except sqlite3.Error as error:  # e.g. a read-only file, or a CHECK refused
            raise StoreError(f"{self.path}: not written ({error})") from error

    # -- reading -------------------------------------------------------------------------

    def _query(self, sql: str, *parameters: Any) -> list[sqlite3.Row]:
        cursor = self._db.execute(sql, parameters)
        cursor.row_factory = sqlite3.Row
        return list(cursor.fetchall())

    # -- opening -------------------------------------------------------------------------

    def _prepare(self, create: bool) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.path}: cannot use write-ahead logging (journal mode {mode})")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        with self._transaction():
            application_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
            if application_id == 0 and version == 0 and tables == 0:
                if not create:
                    raise StoreError(f"{self.path}: an empty file, not a reading project")
                self._create()
                return
            if application_id != APPLICATION_ID:
                raise StoreError(f"{self.path}: an SQLite file, but not a reading project "
                                 f"(application_id {application_id:#x})")  # fmt: skip
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: schema version {version} is newer than this program's "
                    f"({SCHEMA_VERSION}): update recist-toolkit to open it"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step]:
                    db.execute(statement)
            present = {r[0] for r in db.execute("SELECT name FROM sqlite_schema "
                                                "WHERE type = 'table'")}  # fmt: skip
            columns = tuple(r[1] for r in db.execute("PRAGMA table_info(axis_measurement)"))
            user_columns = tuple(r[1] for r in db.execute("PRAGMA table_info(app_user)"))
            reading_columns = {table: tuple(r[1] for r in db.execute(
                f"PRAGMA table_info({table})")) for table in READING_COLUMNS}  # fmt: skip
            added = upgrade_summary(present, {**reading_columns, "axis_measurement": columns,
                                              "app_user": user_columns})
            for statement in addition_statements(present, columns):
                db.execute(statement)
            for statement in account_statements(present, user_columns):
                db.execute(statement)
            for statement in image_statements(present):
                db.execute(statement)
            for statement in reading_statements(reading_columns):
                db.execute(statement)
            for statement in derived_statements(present):
                db.execute(statement)
            if version < SCHEMA_VERSION:
                audit.chain_unaudited(db, self._audit_key, _os_account())
            if 2 <= version < SCHEMA_VERSION:
                audit.append(db, audit.Entry(
                    "upgrade-schema", _os_account(), audit.now(),
                    reason=f"schema {version} -> {SCHEMA_VERSION}: {added}"),
                    self._audit_key)  # fmt: skip
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _create(self) -> None:
        for statement in create_statements():
            self._db.execute(statement)
        self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        now = dt.datetime.now(dt.UTC).isoformat()
        info = [("created_at", now), ("created_schema_version", str(SCHEMA_VERSION)),
                ("project_uid", str(uuid.uuid4()))]  # fmt: skip
        if self._audit_key is not None:
            info.append(("audit_sealed", "HMAC-SHA256"))
        self._db.executemany("INSERT INTO project_info (key, value) VALUES (?, ?)", info)
        audit.append(self._db, audit.Entry("create-project", _os_account(), now,
                                           after=audit.project_info_rows(self._db)),
                     self._audit_key)  # fmt: skip

    def _check_audit_key(self) -> None:
        sealed = self._query("SELECT value FROM project_info WHERE key = 'audit_sealed'")
        if not sealed:
            if self._audit_key is not None:
                raise StoreError(f"{self.path}: its audit trail is not sealed; open it without "
                                 "an audit key")  # fmt: skip
            return
        if self._audit_key is None:
            raise StoreError(f"{self.path}: its audit trail is sealed: give the audit key file "
                             "(RECIST_REVIEW_AUDIT_KEY_FILE) to write to it")  # fmt: skip
        last = self._query("SELECT hash, seal FROM audit_record ORDER BY seq DESC LIMIT 1")
        if last and last[0]["seal"] != audit.seal_of(self._audit_key, last[0]["hash"]):
            raise StoreError(f"{self.path}: wrong audit key (the last record's seal does not "
                             "match it)")  # fmt: skip


def _create_private(path: Path) -> None:
    """Create a new project file readable by its owner only (SQLite gives its -wal and -shm
    the database file's permissions)."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _os_account() -> str:
    """The operating-system account running the program (who created or upgraded a file)."""
    try:
        return f"os:{getpass.getuser()}"
    except (OSError, KeyError):
        return "os:unknown"

