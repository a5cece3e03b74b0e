"""Keeping a signed-in user's connection through a server restart or a dropped connection.

What the store does when the connection is lost (``PostgresStore._transaction``,
``_write``, ``_reading``): it signs in again as the same user with backoff (:func:`reconnect`,
saying so through the store's ``on_connection``), never with a new password prompt unless the
server refuses the one given at sign-in. A read is simply done again. A write is settled:

- lost **before its COMMIT was sent**: the server cannot have applied it; it is done again,
  once, on the new connection;
- lost **while committing** (the answer never came): first the old session is made sure to
  be over (:func:`fence`: a COMMIT still in the old server process's input could otherwise be
  applied after we looked), then the write's id is looked up (``actions.LOOKUP``): found, it
  was applied once and is acknowledged now; not found, it is done again, once.

So a write returns only when applied exactly once, and raises :class:`StoreError` ("not
saved") when it was not applied and could not be (the server does not come back within the
backoff, or refuses the sign-in). A write whose fate could not be learnt (the server never
came back) is looked up at the next reconnection, which says what became of it.
"""

from __future__ import annotations

import contextlib
import select
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import psycopg
from psycopg.pq import ConnStatus, TransactionStatus

from reviewer_gui.reading import Change
from reviewer_gui.store.base import SqlStore, StoreError
from reviewer_gui.store.postgres import actions
from reviewer_gui.store.postgres.connect import SignInRefused, connect, display
from reviewer_gui.store.postgres.ddl import READS_CHANNEL, SCHEMA

LOCK_TIMEOUT_S = 10
T = TypeVar("T")
#: Seconds between attempts to reconnect (about half a minute in all: a server's restart).
DELAYS: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
#: How long the old server process is given to end (pg_terminate_backend's wait), in ms.
FENCE_WAIT_MS = 5000


class Lost(StoreError):
    """The connection was lost during a write; ``action`` is its id if its COMMIT had been
    sent (the server may have applied it), else ``None`` (it cannot have been)."""

    def __init__(self, message: str, error: psycopg.Error, action: uuid.UUID | None) -> None:
        super().__init__(message)
        self.error, self.action = error, action


@dataclass(frozen=True, slots=True)
class Backend:
    """The server process of a connection: its pid and start (a pid alone may be reused)."""

    pid: int
    started: Any

    @classmethod
    def of(cls, connection: psycopg.Connection[Any]) -> Backend:
        row = connection.execute("SELECT pid, backend_start FROM pg_stat_activity "
                                 "WHERE pid = pg_backend_pid()").fetchone()  # fmt: skip
        assert row is not None
        return cls(int(row[0]), row[1])


def prepare(connection: psycopg.Connection[Any], lock_timeout_s: float, *,
            listening: bool = False) -> None:  # fmt: skip
    """A store's settings on a new connection (``lock_timeout_s``: how long a writer waits
    for the chain's lock, held by a stalled client?)."""
    connection.execute(f"SET search_path = {SCHEMA}, pg_temp")
    connection.execute(f"SET lock_timeout = '{float(lock_timeout_s)}s'")
    if listening:
        connection.execute(f"LISTEN {READS_CHANNEL}")


def broken(connection: psycopg.Connection[Any]) -> bool:
    return bool(connection.broken or connection.closed)


def ended_while_idle(connection: psycopg.Connection[Any], *, listening: bool) -> bool:
    """Whether an idle connection was ended by the server (a restart, a terminated session):
    its socket then holds the server's last message and the end, read here without a round
    trip. (A listening connection's socket holds notifications: not looked at.)"""
    if broken(connection) or connection.info.transaction_status != TransactionStatus.IDLE:
        return broken(connection)
    for _ in range(3):  # the FATAL message, then the end of the stream
        if listening or not select.select([connection.fileno()], [], [], 0)[0]:
            break
        try:
            connection.pgconn.consume_input()
        except psycopg.OperationalError:
            break
    if connection.pgconn.status != ConnStatus.OK:
        with contextlib.suppress(psycopg.Error):
            connection.close()
        return True
    return False


def reconnect(
    url: str,
    sign_in: tuple[str | None, str | None],
    say: Callable[[str], None],
    why: str,
    lock_timeout_s: float,
    *,
    listening: bool = False,
    unsettled: bool = False,
) -> psycopg.Connection[Any]:
    """A new connection as the same user (backoff: :data:`DELAYS`), prepared; ``say`` is
    told. ``unsettled``: a write's COMMIT was sent and not answered (the message when the
    server does not come back says it may have been applied)."""
    where, user = display(url), sign_in[0] or "the URL's user"
    say(f"{where}: the connection to the server was lost ({why}); reconnecting as {user}...")
    waited = 0.0
    for delay in (0.0, *DELAYS):
        time.sleep(delay)
        waited += delay
        try:
            connection = connect(url, *sign_in)
        except SignInRefused as refused:
            raise StoreError(f"{refused}: the server refused to sign {user} in again after the "
                             "connection was lost; nothing unsaved was applied: sign in "
                             "again") from None  # fmt: skip
        except StoreError:
            continue
        try:
            prepare(connection, lock_timeout_s, listening=listening)
        except psycopg.Error:
            connection.close()
            continue
        say(f"{where}: reconnected as {user} after {waited:.1f} s")
        return connection
    fate = ("may not have been saved (the server had been asked to commit it: the next "
            "reconnection says)") if unsettled else "was not saved"  # fmt: skip
    raise StoreError(f"{where}: the connection to the server was lost and it has not answered "
                     f"for {waited:.0f} s: the last action {fate}; try again when the server "
                     "is back (what was shown as saved is saved)")  # fmt: skip


def fence(connection: psycopg.Connection[Any], old: Backend) -> None:
    """Make sure the old server process is over (ending it if the network left it running),
    so that its transaction is committed or rolled back for good before we look it up."""
    with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
        connection.execute("SELECT pg_terminate_backend(pid, %s) FROM pg_stat_activity WHERE "
                           "pid = %s AND backend_start = %s",
                           (FENCE_WAIT_MS, old.pid, old.started)).fetchall()  # fmt: skip


class Kept(Protocol):
    """The store's connection holder (``store.Database``): its connection is replaced on
    reconnecting."""

    connection: psycopg.Connection[Any]

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...


class ReconnectingStore(SqlStore):
    """The writes and reads of a PostgreSQL store, kept through a lost connection (this
    module's docstring); ``PostgresStore`` gives the connection and the transactions."""

    url: str
    user: str
    _db: Kept
    #: Told (one line) when the connection is lost, restored, or an action's fate known.
    on_connection: Callable[[str], None]
    #: How many times the connection was restored (a new socket each time).
    reconnections: int
    _lock_timeout_s: float = LOCK_TIMEOUT_S

    def _keep(self, connection: psycopg.Connection[Any],
              sign_in: tuple[str | None, str | None]) -> None:  # fmt: skip
        """Start keeping ``connection`` (the store's first), signed in with ``sign_in``."""
        # what reconnecting needs: the same user, signed in again (kept in memory only, as
        # libpq keeps it for the open connection anyway)
        self._sign_in = sign_in
        self.on_connection = lambda text: None
        self.reconnections = 0
        self._listening = False
        self._unsettled: uuid.UUID | None = None  # a write whose commit was not answered
        self._applied_seq: int | None = None  # its audit record, if the server applied it
        self._reconnecting = False
        self._unanswered_append = False  # a change's record: its number not waited for
        self._backend = Backend.of(connection)

    def _write(self, write: Callable[[], T], restore: Callable[[], None] = lambda: None) -> T:
        """Do a write (a method of :class:`SqlStore`) so that it is applied exactly once or
        reported as not saved, whatever happens to the connection (``reconnect`` says how);
        ``restore`` puts back what the write consumed before it is done again."""
        if self._db.connection.info.transaction_status != TransactionStatus.IDLE or (
                self._reconnecting):  # fmt: skip
            return write()  # inside a caller's transaction: the caller settles it
        for attempt in (1, 2):
            try:
                return write()
            except Lost as lost:
                self._unsettled = lost.action
                self._reconnect(lost.error)
                if self._applied_seq is not None:  # applied once; only the answer was lost
                    return self._applied_seq  # type: ignore[return-value]
                if attempt == 2:
                    raise StoreError(f"{self.location}: not saved: the connection to the "
                                     "server was lost twice during this action; try "
                                     "again") from lost  # fmt: skip
                restore()
        raise AssertionError("unreachable")

    def _connected(self) -> psycopg.Connection[Any]:
        """The connection; reconnected first if the server ended it since the last action."""
        if ended_while_idle(self._db.connection, listening=self._listening):
            self._reconnect(None)
        return self._db.connection

    def _reconnect(self, error: psycopg.Error | None) -> None:
        """Sign in again as the same user (``reconnect.reconnect``: backoff, saying so); then
        settle the write whose commit was not answered (:attr:`_applied_seq`: its audit
        record if the server applied it) and record the reconnection in the audit trail."""
        why = "the server ended the session" if error is None else _primary(error)
        with contextlib.suppress(psycopg.Error):
            self._db.connection.close()
        connection = reconnect(self.url, self._sign_in, self.on_connection, why,
                                         self._lock_timeout_s, listening=self._listening,
                                         unsettled=self._unsettled is not None)  # fmt: skip
        self._db.connection = connection
        self.reconnections += 1
        self._applied_seq = None
        if self._unsettled is not None:
            fence(connection, self._backend)
            found = connection.execute(actions.LOOKUP.replace("?", "%s"),
                                       (self._unsettled,)).fetchone()  # fmt: skip
            self._applied_seq = None if found is None else int(found[0])
            self._unsettled = None
            self.on_connection(f"{self.location}: the action whose commit was not answered "
                               + ("was not applied by the server" if found is None else
                                  f"was applied once (audit record {found[0]})"))  # fmt: skip
        self._backend = Backend.of(connection)
        self._reconnecting = True
        try:
            with contextlib.suppress(StoreError):  # lost again at once: the next action says
                self.log_action("reconnect", self.user, reason=f"connection lost ({why}); "
                                "signed in again as the same user")  # fmt: skip
        finally:
            self._reconnecting = False

    def _reading(self, read: Callable[[], T]) -> T:
        """A read, done again once on a new connection if the connection was lost (reads
        change nothing, so repeating one is safe)."""
        self._connected()
        try:
            return read()
        except psycopg.OperationalError as error:
            if not broken(self._db.connection):
                raise StoreError(refusal(self.location, error)) from error
            self._reconnect(error)
        try:
            return read()
        except psycopg.Error as error:
            raise StoreError(refusal(self.location, error)) from error

    # -- writes, each applied exactly once or not saved ------------------------------------

    def _record_once(self, change: Change) -> None:
        """One attempt at :meth:`record` (the store gives its fastest)."""
        super().record(change)

    def record(self, change: Change) -> None:
        attached = self._attached

        def restore() -> None:
            self._attached = attached

        def write() -> None:
            self._unanswered_append = True  # record() needs no number back: see _append
            try:
                self._record_once(change)
            finally:
                self._unanswered_append = False

        self._write(write, restore)

    def log_action(self, action: str, actor: str, **given: Any) -> int:
        return self._write(lambda: super(ReconnectingStore, self).log_action(action, actor,
                                                                         **given))

    def add_project_info(self, key: str, value: str, actor: str, *, reason: str = "") -> int:
        return self._write(lambda: super(ReconnectingStore, self).add_project_info(
            key, value, actor, reason=reason))

    def record_rows(self, action: str, actor: str,
                    rows: Mapping[str, Sequence[Mapping[str, object]]], **given: Any) -> int:
        return self._write(lambda: super(ReconnectingStore, self).record_rows(action, actor, rows,
                                                                          **given))


def roll_back(connection: psycopg.Connection[Any]) -> None:
    """End a writing transaction that failed (an error of the server, or of the caller).
    psycopg's own ``rollback()``: it also forgets the statements it prepared, some of which a
    pipeline aborted by the error never prepared on the server."""
    if broken(connection):
        return  # the server rolls it back when the session ends
    if connection.info.transaction_status != TransactionStatus.IDLE:
        with contextlib.suppress(psycopg.Error):
            connection.rollback()


def refusal(where: str, error: psycopg.Error) -> str:
    """One line for an error the server returned (a refused write, a lost connection)."""
    if isinstance(error, psycopg.errors.LockNotAvailable):
        return (f"{where}: not saved: another session has held the audit trail for "
                f"{LOCK_TIMEOUT_S} s (a stalled client?); try again, or ask the database "
                "administrator to end that session")  # fmt: skip
    if isinstance(error, psycopg.OperationalError):
        return (f"{where}: the connection to the server was lost ({_primary(error)}); nothing "
                "of the last action was saved unless it is shown: reopen the project")
    return f"{where}: refused by the database: {_primary(error)}"


@contextlib.contextmanager
def closed_on_failure(connection: psycopg.Connection[Any], where: str) -> Iterator[None]:
    """A set-up run on its own ``connection`` (creating or migrating a project): on any
    failure the connection is closed, and a server error becomes :func:`refusal`'s line."""
    try:
        yield
    except psycopg.Error as error:
        connection.close()
        raise StoreError(refusal(where, error)) from error
    except BaseException:
        connection.close()
        raise


def _primary(error: psycopg.Error) -> str:
    message = error.diag.message_primary if error.diag else None
    return message or str(error).strip().splitlines()[0]
