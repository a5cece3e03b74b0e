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
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reviewer_gui.reading import (
    Change,
    LesionRetired,
    LesionSaved,
    ObservationSaved,
    ProjectState,
    SubjectAdded,
    TimepointAdded,
    TimepointSigned,
)
from reviewer_gui.store import rows
from reviewer_gui.store.schema import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    create_statements,
)

BUSY_TIMEOUT_MS = 10_000


class StoreError(RuntimeError):
    """The file is not a usable reading project (the message names it and says why)."""


class Store:
    """A reading project file. Use :meth:`open`; pass the store as the model's journal."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Store:
        """Open (or create) the reading project at ``path``; checks that it is one."""
        path = Path(path)
        if not create and not path.is_file():
            raise StoreError(f"{path}: no such reading project file")
        if not create and path.stat().st_size == 0:
            raise StoreError(f"{path}: an empty file, not a reading project")
        try:
            connection = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open ({error})") from error
        store = cls(path, connection)
        try:
            store._prepare(create)
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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    def record(self, change: Change) -> None:
        """Save one change in one transaction (the model's journal)."""
        with self._transaction():
            change_id = self._log(change)
            for table, values in rows.entity_rows(change, change_id):
                names = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                self._db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                                 tuple(values.values()))  # fmt: skip

    def _log(self, change: Change) -> int:
        reader = timepoint = lesion_id = None
        case_id = change.case_id if isinstance(change, SubjectAdded | TimepointAdded) else (
            change.key.case_id)  # fmt: skip
        if isinstance(change, TimepointAdded):
            timepoint = change.timepoint.label
        if isinstance(change, LesionSaved | LesionRetired | ObservationSaved | TimepointSigned):
            reader = change.key.reader
        if isinstance(change, ObservationSaved | TimepointSigned):
            timepoint = change.timepoint
        if isinstance(change, LesionSaved):
            lesion_id = change.lesion.lesion_id
        elif isinstance(change, LesionRetired | ObservationSaved):
            lesion_id = change.lesion_id
        cursor = self._db.execute(
            "INSERT INTO change_log (kind, actor, at, case_id, reader, timepoint, lesion_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rows.kind_of(change), change.by, change.at.isoformat(), case_id, reader, timepoint,
             lesion_id),
        )  # fmt: skip
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- reading -------------------------------------------------------------------------

    def load(self) -> ProjectState:
        """The project as recorded: the latest version of everything, nothing superseded."""
        return rows.project_state(self._query)

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
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _create(self) -> None:
        for statement in create_statements():
            self._db.execute(statement)
        self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        now = dt.datetime.now(dt.UTC).isoformat()
        self._db.executemany(
            "INSERT INTO project_info (key, value) VALUES (?, ?)",
            [("created_at", now), ("created_schema_version", str(SCHEMA_VERSION))],
        )

