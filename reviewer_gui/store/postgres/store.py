"""A reading project in a PostgreSQL database, opened as one signed-in user.

:class:`PostgresStore` is :class:`~reviewer_gui.store.base.SqlStore` (the same SQL, rows and
audit records as the SQLite file) over a psycopg connection. What differs: a change's id comes
from ``INSERT ... RETURNING``; the audit chain's advisory lock (``recist.lock_audit_chain``)
is taken as late as possible in a writing transaction (when its record is appended, or first
for rows keyed by their record) and held to its commit, so writers from any machine are
serialised on the chain, which never forks, but not while they insert their rows; audit
records are appended by ``recist.append_audit`` (which hashes them on the server and refuses
another actor than the connected user); and reads go through the server's row-level
security: a reader's ``load()`` holds only what PostgreSQL lets them see. A writing
transaction is pipelined (psycopg's pipeline mode: a statement whose answer is not needed goes
with the next round trip) and ends with the row of its id (``actions``), so that a lost
connection is survived with each write applied exactly once or reported as not saved
(``reconnect``, which this store's writes and reads go through).

psycopg 3 directly, not SQLAlchemy Core: the store's SQL already exists, written once for both
backends with ``?`` placeholders (``reviewer_gui.store.rows``, ``.audit``, ``.users``); what
PostgreSQL needs beyond it is its own DDL (roles, grants, policies, SECURITY DEFINER
functions, none of which SQLAlchemy Core models) and precise control of transactions, advisory
locks and sign-in errors. A query builder would add a dependency and a second way of writing
the same queries without removing any PostgreSQL-specific code. psycopg 3's binary wheel
needs no system libpq.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from reviewer_gui.reading import Change, ProjectState
from reviewer_gui.store import audit, rows
from reviewer_gui.store.base import StoreError, log_row
from reviewer_gui.store.postgres import actions, derived, esign, password_history, reconnect
from reviewer_gui.store.postgres.connect import (
    SignInRefused,
    connect,
    display,
    scram_matches,
    scram_verifier,
)
from reviewer_gui.store.postgres.database import Database
from reviewer_gui.store.postgres.ddl import (
    READS_CHANNEL,
    SCHEMA,
    SERVER_PASSWORD,
    ident,
    literal,
)
from reviewer_gui.store.postgres.reconnect import refusal
from reviewer_gui.store.postgres.stored import StoredRows
from reviewer_gui.store.schema import APPLICATION_ID, SCHEMA_VERSION
from reviewer_gui.store.users import AccountEvent, UserRecord

MAX_NAME_BYTES = 63  # PostgreSQL's identifier length
LOCK_TIMEOUT_S = reconnect.LOCK_TIMEOUT_S
#: The bound of a lookup sent before the change's own row exists: every row it can see was
#: committed before it began, so its id was taken from the sequence before this change's.
UNBOUNDED = 2**63 - 1


class PostgresStore(derived.OwnRegistrations, reconnect.ReconnectingStore):
    """A reading project in PostgreSQL, connected as one user. Use :meth:`open`."""

    _db: Database

    def __init__(
        self,
        url: str,
        connection: psycopg.Connection[Any],
        *,
        sign_in: tuple[str | None, str | None] = (None, None),
    ) -> None:
        self.url = url
        self._db = Database(connection)
        self.user = str(connection.execute("SELECT session_user").fetchone()[0])  # type: ignore[index]
        self._verifiers: dict[str, tuple[str, str]] = {}
        self._attached = {}
        self._tracked = bool(connection.execute(actions.PRESENT).fetchone()[0])  # type: ignore[index]
        self._history = bool(connection.execute(password_history.PRESENT).fetchone()[0])  # type: ignore[index]
        self._seq: int | None = None  # the audit record the current transaction appended
        self._stored = StoredRows.read(connection, SCHEMA)
        self._keep(connection, sign_in)
        #: what the server's acceptance of the sign-in's password rests on (``esign``)
        self._standing = (esign.Standing.read(self._query) if sign_in[0] is not None
                          else esign.Standing(False, None))  # fmt: skip

    @classmethod
    def open(
        cls,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        audit_key: bytes | None = None,
    ) -> PostgresStore:
        """Connect to the project at ``url`` as ``user`` (``None``: the URL's credentials) and
        check that the database holds a reading project this program can use."""
        if audit_key is not None:
            raise StoreError(f"{display(url)}: sealing the audit trail with a key is not "
                             "available for PostgreSQL projects yet: open it without an audit "
                             "key")  # fmt: skip
        try:
            connection = connect(url, user, password)
        except SignInRefused as refused:  # recorded and counted towards the lockout
            if user is None:
                raise
            from reviewer_gui.store.postgres.signin import refused_sign_in

            raise refused_sign_in(url, user, refused) from None
        try:
            reconnect.prepare(connection, LOCK_TIMEOUT_S)
            check_project(connection, display(url))
            return cls(url, connection, sign_in=(user, password))
        except BaseException:
            connection.close()
            raise

    @property
    def location(self) -> str:
        return display(self.url)

    @property
    def database(self) -> Database:
        """The connection, ``?`` placeholders (``reviewer_gui.store.verify`` takes it)."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def server_checks_password(self, name: str, password: str) -> bool | None:
        """Whether the server signs ``name`` in with ``password``: the e-signature's password
        check. The signed-in user's own sign-in password, while nothing its acceptance rests
        on has changed, is answered by one short query (``esign``); any other is checked by
        the server with a new sign-in (a connection, closed at once)."""
        user, accepted = self._sign_in
        if name == self.user == user and esign.same_password(password, accepted):
            now = esign.Standing.read(self._query)
            if esign.still_accepted(password, accepted, self._standing, now):
                return True
        try:
            connect(self.url, name, password).close()
        except SignInRefused:
            return False
        return True

    def listen_for_reads(self) -> None:
        """Be told (:meth:`wait_for_reads`) when any read is signed or reopened."""
        self._db.execute(f"LISTEN {READS_CHANNEL}")
        self._listening = True

    def socket(self) -> int:
        """The connection's socket: an event loop watches it for :meth:`wait_for_reads`."""
        return int(self._db.connection.fileno())

    def wait_for_reads(self, timeout: float) -> bool:
        """Whether a signature or re-read was committed since the last call (waits up to
        ``timeout`` seconds; :meth:`listen_for_reads` first)."""
        try:
            return any(True for _ in self._db.connection.notifies(timeout=timeout,
                                                                  stop_after=1))  # fmt: skip
        except psycopg.OperationalError as error:
            if not reconnect.broken(self._db.connection):
                raise StoreError(refusal(self.location, error)) from error
            self._reconnect(error)
            return True  # reads may have completed meanwhile: refresh
        except psycopg.Error as error:
            raise StoreError(refusal(self.location, error)) from error

    def password_hash(self, name: str, password: str, hasher: Callable[[str], str]) -> str:
        """The server keeps the password: its SCRAM verifier waits for the next version of
        ``name`` (:meth:`record_account`); the table gets :data:`SERVER_PASSWORD`."""
        self._verifiers[name] = (scram_verifier(password), scram_verifier(password))
        return SERVER_PASSWORD

    def password_reused(self, name: str, password: str, matches: Callable[[str, str], bool]
                        ) -> bool:  # fmt: skip
        """Whether ``password`` is ``name``'s current password (the server's sign-in check)
        or, for the signed-in user, one of their last two (``password_history``: checked on
        this side against the verifiers; a project without that table checks the current
        one only)."""
        if self.server_checks_password(name, password):
            return True
        if name != self.user or not self._history:
            return False
        recent = self._query(password_history.RECENT)  # a lost connection: read again
        return any(scram_matches(password, str(row["verifier"])) for row in recent)

    def add_login(self, name: str, role: str, password: str, *, reason: str = "") -> int:
        """Add the study user ``name`` (a login role of the project's group ``role``) as this
        store's user, the study administrator; returns the ``add-user`` record's number."""
        user = UserRecord(name, role, self.password_hash(name, password, str))
        return self.save_user(user, by=self.user, action="add-user", reason=reason)

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
        """As :meth:`SqlStore.record_account`, and the server's side of it in the same
        transaction: a new user's login role (``recist.create_login``), a changed password
        (``ALTER ROLE`` for one's own, ``recist.reset_login`` for another's), and the lock or
        unlock of the login (``recist.set_login``)."""
        verifiers = dict(self._verifiers)

        def restore() -> None:
            self._verifiers = dict(verifiers)

        def write() -> int:
            with self._transaction():
                if user is not None:
                    self._server_password(user, adding=action == "add-user")
                if event is not None and (event.locked or event.event == "unlocked"):
                    self._db.execute("SELECT recist.set_login(?, ?)",
                                     (event.name, not event.locked))  # fmt: skip
                return super(PostgresStore, self).record_account(
                    action, actor, user=user, event=event, setting=setting, reason=reason,
                    case_id=case_id, reader=reader, timepoint=timepoint)

        return self._write(write, restore)

    def _server_password(self, user: UserRecord, *, adding: bool) -> None:
        verifiers = self._verifiers.pop(user.name, None)
        if verifiers is None or user.password_hash != SERVER_PASSWORD:
            raise StoreError(f"{self.location}: a user version needs its password given to "
                             "the store (password_hash) first")  # fmt: skip
        if not user.name or len(user.name.encode("utf-8")) > MAX_NAME_BYTES:
            raise StoreError(f"{self.location}: user name {user.name!r}: give 1 to "
                             f"{MAX_NAME_BYTES} bytes (PostgreSQL's limit)")  # fmt: skip
        verifier, recorded = verifiers  # the server's, and the history's (another salt)
        if adding:  # a new login role: refused for any name the server knows already
            self._db.execute("SELECT recist.create_login(?, ?, ?)",
                             (user.name, user.role, verifier))  # fmt: skip
        elif user.name == self.user:  # PostgreSQL lets every role change its own password
            self._db.execute(f"ALTER ROLE {ident(user.name)} PASSWORD {literal(verifier)}")
        else:
            self._db.execute("SELECT recist.reset_login(?, ?)", (user.name, verifier))
        if self._history:
            self._db.execute(password_history.RECORD, (user.name, recorded))

    # -- the backend's primitives ----------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A writing transaction in pipeline mode, its BEGIN and COMMIT among its statements:
        nothing waits for an answer but what the body reads (a change: one round trip), and
        the rest, the action's id row and the COMMIT go in one last round trip. The chain's
        lock, taken by recist.append_audit or by _next_seq, is thus held while the server
        runs that last batch, never while the client is waited for, unless the body reads
        after taking it (an account action's rows keyed by their record). A lost connection
        raises :class:`~.reconnect.Lost` (settled by :meth:`_write`)."""
        connection = self._connected()
        if connection.info.transaction_status != TransactionStatus.IDLE:  # nested: a savepoint
            with connection.transaction():
                yield
            return
        action = uuid.uuid4() if self._tracked else None
        self._seq, committing = None, False
        try:
            try:
                with connection.pipeline():
                    connection.execute("BEGIN")
                    yield
                    if action is not None:
                        self._db.execute(actions.RECORD, (action, self._seq))
                    connection.execute("COMMIT")
                    committing = True
            except BaseException:
                reconnect.roll_back(connection)
                raise
        except psycopg.OperationalError as error:
            if not reconnect.broken(connection):
                raise StoreError(refusal(self.location, error)) from error
            if committing and action is None:  # a project made before action ids: unknowable
                raise StoreError(refusal(self.location, error)) from error
            raise reconnect.Lost(refusal(self.location, error), error,
                                 action if committing else None) from error  # fmt: skip
        except psycopg.Error as error:
            raise StoreError(refusal(self.location, error)) from error

    def _record_once(self, change: Change) -> None:
        """As :meth:`SqlStore.record`, in two round trips instead of four: (1) the rows the
        change supersedes looked up, and its ``change_log`` row inserted (its id comes back);
        (2) its rows, its audit record, its id row and the COMMIT. The record's *after* is
        predicted from the values sent (``stored``), or, when it cannot be, read back."""
        with self._transaction():
            sent = audit.sent_lookups(self._db, audit.superseded_lookups(change, UNBOUNDED))
            log = self._inserted_log(change)
            before = audit.superseded(sent)  # the first answer read: one round trip
            change_id = int(log.fetchone()[0])  # type: ignore[index]
            added = [("change_log", {"change_id": change_id, **log_row(change)}),
                     *rows.entity_rows(change, change_id),
                     *((table, {"change_id": change_id, **row})
                       for table, attached in self._attached.items() for row in attached)]
            self._attached = {}
            for table, values in added[1:]:
                self._insert(table, values)
            after = self._stored.rows(added)
            if after is None:
                after = audit.change_rows(self._db, change_id, {table for table, _ in added})
            self._append(audit.entry_of(change_id, before, after))

    def _inserted_log(self, change: Change) -> psycopg.Cursor[Any]:
        """The change's ``change_log`` row sent; its cursor gives the id (``change_id``)."""
        values = log_row(change)
        return self._db.execute(f"INSERT INTO change_log ({', '.join(values)}) VALUES "
                                f"({', '.join('?' for _ in values)}) RETURNING change_id",
                                tuple(values.values()))  # fmt: skip

    def _log(self, change: Change) -> int:
        row = self._inserted_log(change).fetchone()
        assert row is not None
        return int(row[0])

    def _append(self, entry: audit.Entry) -> int:
        if entry.actor != self.user:  # e.g. a refused e-signature given another user's name
            entry = dataclasses.replace(entry, actor=self.user, reason=(
                f"{entry.reason}; name given: {entry.actor}".lstrip("; ")))  # fmt: skip
        sql = "SELECT recist.append_audit(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        values = (entry.actor, entry.action, entry.at, entry.change_id, entry.case_id,
                  entry.reader, entry.timepoint, entry.lesion_id, entry.reason,
                  audit.canonical(entry.before), audit.canonical(entry.after))  # fmt: skip
        if self._unanswered_append:
            # A change's record is the last statement before the COMMIT and nobody needs its
            # number: its answer comes with the COMMIT's (pipelined), so the chain's lock,
            # taken by the append, is held one round trip less. (The id row then takes the
            # number on the server: actions.RECORD.)
            self._db.execute(sql, values)
            self._seq = None
            return 0
        row = self._one(sql, values)
        self._seq = int(row)
        return int(row)

    def _next_seq(self) -> int:
        return int(self._one("SELECT recist.lock_audit_chain()"))

    def _one(self, sql: str, parameters: tuple[Any, ...] = ()) -> Any:
        """The first column of the one row a statement returns."""
        row = self._db.execute(sql, parameters).fetchone()
        assert row is not None
        return row[0]

    def _query(self, sql: str, *parameters: Any) -> list[Any]:
        if self._db.connection.info.transaction_status != TransactionStatus.IDLE:
            return self._db.rows(sql, *parameters)  # in a transaction: it handles errors
        return self._reading(lambda: self._db.rows(sql, *parameters))

    def load(self, *, reader: str | None = None) -> ProjectState:
        """As :meth:`SqlStore.load`, from one snapshot (REPEATABLE READ, read only)."""

        def snapshot() -> ProjectState:
            with self._db.connection.transaction():
                self._db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return super(PostgresStore, self).load(reader=reader)

        return self._reading(snapshot)


def check_project(connection: psycopg.Connection[Any], where: str) -> None:
    """Refuse a database that is not a reading project (empty, another application's, a
    newer or older schema), or that the connected role may not use."""
    version = project_version(connection, where)
    if version > SCHEMA_VERSION:
        raise StoreError(f"{where}: schema version {version} is newer than this program's "
                         f"({SCHEMA_VERSION}): update recist-toolkit to open it")  # fmt: skip
    if version < SCHEMA_VERSION:  # its tables lack columns this program writes: nothing done
        address = where.removeprefix("postgresql://")
        raise StoreError(f"{where}: schema version {version} is older than this program's "
                         f"({SCHEMA_VERSION}): the account that created the project upgrades "
                         f"it in place first (recist-review upgrade postgresql://USER@{address}"
                         "); nothing was changed")  # fmt: skip


def project_version(connection: psycopg.Connection[Any], where: str) -> int:
    """The schema version of the reading project in the connected database; refused when
    the database holds none or the connected role may not use it."""
    schema_exists = connection.execute("SELECT has_schema_privilege(oid, 'USAGE') FROM "
                                       "pg_namespace WHERE nspname = %s", (SCHEMA,)).fetchone()
    if schema_exists is None:
        others = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema')").fetchone()  # fmt: skip
        if others and others[0]:
            raise StoreError(f"{where}: a database of another application (tables but no "
                             "reading project): give the URL of the project's own database")
        raise StoreError(f"{where}: an empty database, not a reading project yet: create it "
                         "with recist-review users add URL NAME --role administrator")
    if not schema_exists[0]:
        raise StoreError(f"{where}: you are not a user of this reading project: ask the study "
                         "administrator")  # fmt: skip
    version = connection.execute("SELECT application_id, schema_version FROM "
                                 "recist.store_version").fetchone()  # fmt: skip
    if version is None or version[0] != APPLICATION_ID:
        raise StoreError(f"{where}: schema recist is not a reading project's")
    return int(version[1])
