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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.pq import ConnStatus, TransactionStatus

from reviewer_gui.store.base import StoreError
from reviewer_gui.store.postgres.connect import SignInRefused, connect, display
from reviewer_gui.store.postgres.ddl import READS_CHANNEL, SCHEMA

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
