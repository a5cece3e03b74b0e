"""What both stores share: the interface the rest of the app uses, and its implementation.

:class:`ProjectStore` is the store as the reading model, the review sessions and the CLIs
see it, whatever keeps the project: an SQLite file (``reviewer_gui.store.sqlite_store``) or a
PostgreSQL database (``reviewer_gui.store.postgres``). :class:`SqlStore` writes and reads
through the same SQL on both (the same tables and columns, ``?`` placeholders, rows built by
``reviewer_gui.store.rows`` and ``reviewer_gui.store.audit``); a backend supplies only its
connection, its transactions, how a ``change_log`` row gets its id and how an audit record is
chained (SQLite: in the writing transaction; PostgreSQL: by a database function).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, Self, runtime_checkable

from reviewer_gui.reading import (
    Change,
    LesionRetired,
    LesionSaved,
    ObservationRetracted,
    ObservationSaved,
    ProjectState,
    SeriesChosen,
    SubjectAdded,
    TimepointAdded,
    TimepointReopened,
    TimepointSigned,
)
from reviewer_gui.store import audit, derived, rows
from reviewer_gui.store.derived import StoredRegistration
from reviewer_gui.store.schema import ADJUDICATION_TABLES
from reviewer_gui.store.users import (
    AccountEvent,
    UserRecord,
    account_setting,
    account_state,
    current_users,
    user_versions,
)

#: The URL schemes of a PostgreSQL project (any other location is an SQLite file's path).
POSTGRES_SCHEMES = ("postgresql", "postgres")


def is_postgres_url(location: object) -> bool:
    """Whether a project location is a PostgreSQL URL (``postgresql://HOST:PORT/DBNAME``)."""
    return isinstance(location, str) and "://" in location and (
        location.split("://", 1)[0].lower() in POSTGRES_SCHEMES)  # fmt: skip


class StoreError(RuntimeError):
    """The location is not a usable reading project (the message names it and says why)."""


@runtime_checkable
class ProjectStore(Protocol):
    """A reading project's storage, as the app uses it (both backends implement it)."""

    @property
    def location(self) -> str: ...

    def close(self) -> None: ...

    def record(self, change: Change) -> None: ...

    def log_action(self, action: str, actor: str, *, case_id: str | None = None,
                   reader: str | None = None, timepoint: str | None = None, reason: str = "",
                   after: dict[str, list[dict[str, object]]] | None = None) -> int: ...  # fmt: skip

    def save_user(self, user: UserRecord, *, by: str, action: str, reason: str = "") -> int: ...

    def record_account(self, action: str, actor: str, *, user: UserRecord | None = None,
                       event: AccountEvent | None = None,
                       setting: tuple[str, object] | None = None, reason: str = "",
                       case_id: str | None = None, reader: str | None = None,
                       timepoint: str | None = None) -> int: ...  # fmt: skip

    def record_rows(self, action: str, actor: str,
                    rows: Mapping[str, Sequence[Mapping[str, object]]], *,
                    case_id: str | None = None, reason: str = "") -> int: ...  # fmt: skip

    def audited_rows(self, table: str) -> list[dict[str, Any]]: ...

    def users(self) -> dict[str, UserRecord]: ...

    def user_versions(self, name: str) -> list[UserRecord]: ...

    def account_state(self, name: str) -> AccountEvent: ...

    def account_setting(self, name: str) -> object | None: ...

    def load(self, *, reader: str | None = None) -> ProjectState: ...

    def attaching(
        self, attached: Mapping[str, Sequence[Mapping[str, object]]]
    ) -> AbstractContextManager[None]: ...

    def last_record(self) -> tuple[int, str]: ...

    def project_info(self, key: str) -> str | None: ...

    def add_project_info(self, key: str, value: str, actor: str, *, reason: str = "") -> int: ...

    def registrations(self, owner: str, earlier_uid: str,
                      follow_up_uid: str) -> list[StoredRegistration]: ...  # fmt: skip

    def keep_registration(self, registration: StoredRegistration) -> None: ...

    def server_checks_password(self, name: str, password: str) -> bool | None: ...

    def password_reused(
        self, name: str, password: str, matches: Callable[[str, str], bool]
    ) -> bool: ...

    def password_hash(self, name: str, password: str, hasher: Callable[[str], str]) -> str: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


def log_row(change: Change) -> dict[str, object]:
    """The ``change_log`` row of a change (its id is the backend's to give)."""
    reader = timepoint = lesion_id = None
    reason = change.reason if isinstance(change, TimepointReopened) else ""
    case_id = change.case_id if isinstance(change, SubjectAdded | TimepointAdded) else (
        change.key.case_id)  # fmt: skip
    if isinstance(change, TimepointAdded):
        timepoint = change.timepoint.label
    if not isinstance(change, SubjectAdded | TimepointAdded):
        reader = change.key.reader
    if isinstance(change, ObservationSaved | ObservationRetracted | TimepointSigned
                  | TimepointReopened | SeriesChosen):
        timepoint = change.timepoint
    if isinstance(change, LesionSaved):
        lesion_id = change.lesion.lesion_id
    elif isinstance(change, LesionRetired | ObservationSaved | ObservationRetracted):
        lesion_id = change.lesion_id
    return {"kind": rows.kind_of(change), "actor": change.by, "at": change.at.isoformat(),
            "case_id": case_id, "reader": reader, "timepoint": timepoint,
            "lesion_id": lesion_id, "reason": reason}  # fmt: skip


class SqlStore:
    """The writing and reading both backends share; subclasses give the primitives below."""

    _db: audit.Database
    _attached: Mapping[str, Sequence[Mapping[str, object]]]

    # -- the backend's primitives ----------------------------------------------------------

    @property
    def location(self) -> str:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[None]:
        """A writing transaction, serialised with every other writer of the project."""
        raise NotImplementedError

    def _log(self, change: Change) -> int:
        """Insert the change's ``change_log`` row (:func:`log_row`); its ``change_id``."""
        raise NotImplementedError

    def _append(self, entry: audit.Entry) -> int:
        """Chain one audit record (inside the transaction); its sequence number."""
        raise NotImplementedError

    def _next_seq(self) -> int:
        """The sequence number the next audit record gets (inside the transaction)."""
        raise NotImplementedError

    def _query(self, sql: str, *parameters: Any) -> list[Any]:
        """Rows (indexable by column name) of a query with ``?`` placeholders."""
        raise NotImplementedError

    def _derived_write(self, write: Callable[[], None]) -> None:
        """Run ``write`` (derived data: no audit record) in a transaction of its own;
        :class:`StoreError` when the project refuses it (a PostgreSQL store writes its
        derived data through its server's functions instead: ``postgres.derived``)."""
        raise NotImplementedError

    # -- writing -------------------------------------------------------------------------

    def record(self, change: Change) -> None:
        """Save one change and its audit record in one transaction (the model's journal)."""
        with self._transaction():
            change_id = self._log(change)
            added = {"change_log", *self._attached}
            for table, values in rows.entity_rows(change, change_id):
                self._insert(table, values)
                added.add(table)
            for table, attached in self._attached.items():
                for row in attached:
                    self._insert(table, {"change_id": change_id, **row})
            self._attached = {}
            before = audit.superseded_rows(self._db, change, change_id)
            self._append(audit.change_entry(self._db, change_id, before, added))

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
        found = self._query("SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1")
        return (0, audit.GENESIS) if not found else (int(found[0]["seq"]), str(found[0]["hash"]))

    def project_info(self, key: str) -> str | None:
        """A ``project_info`` value (``None``: not set)."""
        found = self._query("SELECT value FROM project_info WHERE key = ?", key)
        return None if not found else str(found[0]["value"])

    def add_project_info(self, key: str, value: str, actor: str, *, reason: str = "") -> int:
        """Add a ``project_info`` row (never changed afterwards) with its audit record."""
        with self._transaction():
            self._insert("project_info", {"key": key, "value": value})
            entry = audit.Entry(f"set-{key.replace('_', '-')}", actor, audit.now(),
                                reason=reason, after={"project_info": [
                                    {"key": key, "value": value}]})  # fmt: skip
            return self._append(entry)

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
            return self._append(entry)

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
            seq = self._next_seq()
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
            appended = self._append(entry)
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
            seq = self._next_seq()
            for table, values in rows.items():
                for row in values:
                    self._insert(table, {"audit_seq": seq, **row})
            entry = audit.Entry(action, actor, audit.now(), case_id=case_id, reason=reason,
                                after=audit.seq_rows(self._db, seq, tuple(rows)))  # fmt: skip
            appended = self._append(entry)
            assert appended == seq
            return seq

    def keep_registration(self, registration: StoredRegistration) -> None:
        """Store a user's registration of a pair of series, replacing theirs of the pair
        (derived data: no audit record); :class:`StoreError` when it cannot be written."""
        key = (registration.owner, *registration.pair)

        def write() -> None:
            self._db.execute(derived.DELETE, key)
            self._insert(derived.TABLE, registration.values())

        self._derived_write(write)

    def _insert(self, table: str, values: Mapping[str, object]) -> None:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self._db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                         tuple(values.values()))  # fmt: skip

    # -- reading -------------------------------------------------------------------------

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

    def load(self, *, reader: str | None = None) -> ProjectState:
        """The project as recorded: the latest version of everything, nothing superseded;
        only ``reader``'s reads when given (a reader's session loads nothing of another's)."""
        return rows.project_state(self._query, reader=reader)

    def registrations(self, owner: str, earlier_uid: str,
                      follow_up_uid: str) -> list[StoredRegistration]:  # fmt: skip
        """``owner``'s registrations of the follow-up series to the earlier one (none or
        one; a project older than schema 6 is upgraded before it is opened)."""
        found = self._query(derived.SELECT, owner, earlier_uid, follow_up_uid)
        return [StoredRegistration.of(row) for row in found]

    def server_checks_password(self, name: str, password: str) -> bool | None:
        """Whether the server accepts ``name`` and ``password`` (PostgreSQL: a sign-in);
        ``None`` when the application checks the stored hash itself (SQLite)."""
        return None

    def password_reused(
        self, name: str, password: str, matches: Callable[[str, str], bool]
    ) -> bool:
        """Whether ``password`` is ``name``'s current or previous password (a new one must
        differ from both): here the stored hashes of their last two versions, checked with
        ``matches(password, hash)`` (``reviewer_gui.review.passwords``)."""
        return any(matches(password, version.password_hash)
                   for version in self.user_versions(name)[:2])  # fmt: skip

    def password_hash(self, name: str, password: str, hasher: Callable[[str], str]) -> str:
        """What the next version of user ``name`` stores for a new ``password``: the
        application's salted hash (``hasher``, ``reviewer_gui.review.passwords``) here; the
        PostgreSQL store hands the password to the server instead (as a SCRAM verifier, when
        that version is recorded) and stores a marker."""
        return hasher(password)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
