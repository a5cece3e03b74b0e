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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from reviewer_gui.reading import (
    Change,
    LesionRetired,
    LesionSaved,
    ObservationSaved,
    ProjectState,
    SeriesChosen,
    SubjectAdded,
    TimepointAdded,
    TimepointReopened,
    TimepointSigned,
)
from reviewer_gui.store import audit, rows
from reviewer_gui.store.schema import (
    ADJUDICATION_TABLES,
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    account_statements,
    addition_statements,
    create_statements,
    image_statements,
    upgrade_summary,
)
from reviewer_gui.store.users import (
    AccountEvent,
    UserRecord,
    account_setting,
    account_state,
    current_users,
    user_versions,
)

BUSY_TIMEOUT_MS = 10_000


class StoreError(RuntimeError):
    """The file is not a usable reading project (the message names it and says why)."""


class Store:
    """A reading project file. Use :meth:`open`; pass the store as the model's journal."""

    def __init__(
        self, path: Path, connection: sqlite3.Connection, audit_key: bytes | None = None
    ) -> None:
        self.path = path
        self._db = connection
        self._audit_key = audit_key
        self._attached: Mapping[str, Sequence[Mapping[str, object]]] = {}

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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    def record(self, change: Change) -> None:
        """Save one change and its audit record in one transaction (the model's journal)."""
        with self._transaction():
            change_id = self._log(change)
            for table, values in rows.entity_rows(change, change_id):
                self._insert(table, values)
            for table, attached in self._attached.items():
                for row in attached:
                    self._insert(table, {"change_id": change_id, **row})
            self._attached = {}
            before = audit.superseded_rows(self._db, change, change_id)
            audit.append(self._db, audit.change_entry(self._db, change_id, before),
                         self._audit_key)  # fmt: skip

    @contextmanager
    def attaching(self, attached: Mapping[str, Sequence[Mapping[str, object]]]) -> Iterator[None]:
        """Rows of tables keyed by ``change_id`` (``image_file``) that the next change
        :meth:`record` saves gets, in its transaction (so in its audit record's *after*)."""
        self._attached = attached
        try:
            yield
        finally:
            self._attached = {}

    def last_record(self) -> tuple[int, str]:
        """``(seq, hash)`` of the audit trail's last record (a receipt of what it holds)."""
        row = self._db.execute("SELECT seq, hash FROM audit_record ORDER BY seq DESC "
                               "LIMIT 1").fetchone()  # fmt: skip
        return (0, audit.GENESIS) if row is None else (int(row[0]), str(row[1]))

    def project_info(self, key: str) -> str | None:
        """A ``project_info`` value (``None``: not set)."""
        row = self._db.execute("SELECT value FROM project_info WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def add_project_info(self, key: str, value: str, actor: str, *, reason: str = "") -> int:
        """Add a ``project_info`` row (never changed afterwards) with its audit record."""
        with self._transaction():
            self._insert("project_info", {"key": key, "value": value})
            entry = audit.Entry(f"set-{key.replace('_', '-')}", actor, audit.now(),
                                reason=reason, after={"project_info": [
                                    {"key": key, "value": value}]})  # fmt: skip
            return audit.append(self._db, entry, self._audit_key)

    def log_action(
        self,
        action: str,
        actor: str,
        *,
        case_id: str | None = None,
        reader: str | None = None,
        timepoint: str | None = None,
        reason: str = "",
        after: dict[str, list[dict[str, object]]] | None = None,
    ) -> int:
        """Record an action that changes no reading (a sign-in, a refused password, an
        export) in the audit trail; returns the record's sequence number."""
        entry = audit.Entry(action, actor, audit.now(), None, case_id, reader, timepoint,
                            None, reason, {}, dict(after or {}))  # fmt: skip
        with self._transaction():
            return audit.append(self._db, entry, self._audit_key)

    def save_user(self, user: UserRecord, *, by: str, action: str, reason: str = "") -> int:
        """Add a version of a study user (added, password changed, deactivated) with its audit
        record, in one transaction; returns the record's sequence number."""
        return self.record_account(action, by, user=user, reason=reason)

    def record_account(
        self,
        action: str,
        actor: str,
        *,
        user: UserRecord | None = None,
        event: AccountEvent | None = None,
        setting: tuple[str, object] | None = None,
        reason: str = "",
        case_id: str | None = None,
        reader: str | None = None,
        timepoint: str | None = None,
    ) -> int:
        """Add what an account action changes (a user version, an ``account_event``, an
        ``account_setting``) and its audit record, in one transaction; returns the record's
        sequence number. The record's *before* is the versions superseded; password hashes
        appear in it only as their SHA-256 (``audit.user_row``)."""
        with self._transaction():
            seq = audit.next_seq(self._db)
            before: audit.Rows = {}
            if user is not None:
                before["app_user"] = [audit.user_row(dict(r)) for r in self._query(
                    "SELECT * FROM app_user WHERE name = ? ORDER BY audit_seq DESC LIMIT 1",
                    user.name)]  # fmt: skip
                self._insert("app_user", {"audit_seq": seq, "name": user.name,
                                          "role": user.role, "password_hash": user.password_hash,
                                          "active": int(user.active),
                                          "must_change": int(user.must_change)})  # fmt: skip
            if event is not None:
                before["account_event"] = [dict(r) for r in self._query(
                    "SELECT * FROM account_event WHERE name = ? ORDER BY audit_seq DESC "
                    "LIMIT 1", event.name)]  # fmt: skip
                self._insert("account_event", {"audit_seq": seq, "name": event.name,
                                               "event": event.event, "failures": event.failures,
                                               "locked": int(event.locked)})  # fmt: skip
            if setting is not None:
                self._insert("account_setting", {"audit_seq": seq, "name": setting[0],
                                                 "value": audit.canonical(setting[1])})
            after = {**audit.user_rows(self._db, seq),
                     **audit.seq_rows(self._db, seq, ("account_event", "account_setting"))}
            entry = audit.Entry(action, actor, audit.now(), case_id=case_id, reader=reader,
                                timepoint=timepoint, reason=reason,
                                before={t: rows for t, rows in before.items() if rows},
                                after=after)  # fmt: skip
            appended = audit.append(self._db, entry, self._audit_key)
            assert appended == seq
            return seq

    def record_rows(
        self,
        action: str,
        actor: str,
        rows: Mapping[str, Sequence[Mapping[str, object]]],
        *,
        case_id: str | None = None,
        reason: str = "",
    ) -> int:
        """Add rows to tables keyed by their audit record (``AUDIT_SEQ_TABLES``: adjudication
        settings, reference dates, adjudications) and that record, in one transaction;
        returns the record's sequence number. The record's *after* is the rows as stored."""
        unknown = set(rows) - {*ADJUDICATION_TABLES, "image_update"}
        if unknown:
            raise ValueError(f"not a table of audited records: {', '.join(sorted(unknown))}")
        with self._transaction():
            seq = audit.next_seq(self._db)
            for table, values in rows.items():
                for row in values:
                    self._insert(table, {"audit_seq": seq, **row})
            entry = audit.Entry(action, actor, audit.now(), case_id=case_id, reason=reason,
                                after=audit.seq_rows(self._db, seq, tuple(rows)))  # fmt: skip
            appended = audit.append(self._db, entry, self._audit_key)
            assert appended == seq
            return seq

    def audited_rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of an ``ADJUDICATION_TABLES`` table, oldest record first."""
        if table not in ADJUDICATION_TABLES:
            raise ValueError(f"{table}: not a table of audited records")
        return [dict(r) for r in self._query(f"SELECT * FROM {table} ORDER BY audit_seq")]

    def users(self) -> dict[str, UserRecord]:
        """The study's users by name (their latest version, deactivated ones included)."""
        return current_users(self._query)

    def user_versions(self, name: str) -> list[UserRecord]:
        """Every recorded version of a user, newest first (earlier passwords' hashes)."""
        return user_versions(self._query, name)

    def account_state(self, name: str) -> AccountEvent:
        """An account's consecutive failed password checks and lock, as last recorded."""
        return account_state(self._query, name)

    def account_setting(self, name: str) -> object | None:
        """The latest value of an account setting (``None``: never set)."""
        return account_setting(self._query, name)

    def _insert(self, table: str, values: dict[str, object]) -> None:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self._db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                         tuple(values.values()))  # fmt: skip

    def _log(self, change: Change) -> int:
        reader = timepoint = lesion_id = None
        reason = change.reason if isinstance(change, TimepointReopened) else ""
        case_id = change.case_id if isinstance(change, SubjectAdded | TimepointAdded) else (
            change.key.case_id)  # fmt: skip
        if isinstance(change, TimepointAdded):
            timepoint = change.timepoint.label
        if not isinstance(change, SubjectAdded | TimepointAdded):
            reader = change.key.reader
        if isinstance(change, ObservationSaved | TimepointSigned | TimepointReopened
                      | SeriesChosen):
            timepoint = change.timepoint
        if isinstance(change, LesionSaved):
            lesion_id = change.lesion.lesion_id
        elif isinstance(change, LesionRetired | ObservationSaved):
            lesion_id = change.lesion_id
        cursor = self._db.execute(
            "INSERT INTO change_log (kind, actor, at, case_id, reader, timepoint, lesion_id, "
            "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (rows.kind_of(change), change.by, change.at.isoformat(), case_id, reader, timepoint,
             lesion_id, reason),
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

    def load(self, *, reader: str | None = None) -> ProjectState:
        """The project as recorded: the latest version of everything, nothing superseded;
        only ``reader``'s reads when given (a reader's session loads nothing of another's)."""
        return rows.project_state(self._query, reader=reader)

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
            added = upgrade_summary(present, {"axis_measurement": columns,
                                              "app_user": user_columns})
            for statement in addition_statements(present, columns):
                db.execute(statement)
            for statement in account_statements(present, user_columns):
                db.execute(statement)
            for statement in image_statements(present):
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

