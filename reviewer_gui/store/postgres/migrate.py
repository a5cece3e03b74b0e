"""Moving a project file to PostgreSQL with its whole history: ``recist-review migrate``.

:func:`migrate` creates the project in an empty database (``bootstrap``'s schema, roles,
grants and policies) and copies every row of every table of the file, in one transaction, as
the URL's own (bootstrap) role: the change ids, the audit chain's records and hashes exactly
as they are, so ``audit verify`` passes on the target with the head the file's had, and the
two exports are identical. Only the users' password hashes stay behind: each user version
keeps the digest its audit record shows (``audit.MIGRATED``), and each active user gets a
login role with a random temporary password, printed once, that they must change at their
first sign-in (``recist-review users passwd URL --user NAME``). A ``migrate-project`` record
then says where the history came from and the head it ended with. The users' registrations
of follow-up series (derived data, outside the record) stay behind too: each user's app
registers a pair again the first time it is shown.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import psycopg

from reviewer_gui.store import audit
from reviewer_gui.store.base import StoreError
from reviewer_gui.store.postgres import ddl
from reviewer_gui.store.postgres.bootstrap import _create, _refuse_unusable
from reviewer_gui.store.postgres.connect import connect, database_name, display
from reviewer_gui.store.postgres.reconnect import closed_on_failure
from reviewer_gui.store.postgres.store import PostgresStore
from reviewer_gui.store.schema import ALL_TABLES
from reviewer_gui.store.sqlite_store import Store
from reviewer_gui.store.users import UserRecord


def migrate(source: Path, url: str) -> dict[str, str]:
    """Copy the project file ``source`` into the empty database of ``url``; returns each
    active user's temporary password (give each to its user by a separate, secure channel)."""
    where, database = display(url), database_name(url)
    prefix = ddl.role_prefix(database)
    with Store.open(source, create=False) as store:  # upgrades an older file first
        rows = {table: _rows(store, table) for table in ALL_TABLES}
        users = store.users()
        locked = {name for name in users if store.account_state(name).locked}
    if not users:
        raise StoreError(f"{source}: a project without users: add its study administrator "
                         "first (recist-review users add), then migrate it")  # fmt: skip
    connection = connect(url)
    with closed_on_failure(connection, where), connection.transaction():
        for name in users:
            _refuse_unusable(connection, where, name, prefix)
        _create(connection, database, prefix)
        for table in ALL_TABLES:
            _copy(connection, table, rows[table])
        connection.execute("SELECT setval(pg_get_serial_sequence('recist.change_log', "
                           "'change_id'), coalesce(max(change_id), 0) + 1, false) "
                           "FROM recist.change_log")  # fmt: skip
        target = PostgresStore(url, connection)
        last = rows["audit_record"][-1] if rows["audit_record"] else None
        head = f"{last['seq']}:{last['hash']}" if last else "none"
        target.log_action("migrate-project", target.user, reason=(
            f"copied from {source.name}: {len(rows['audit_record'])} audit records, head "
            f"{head}; users get temporary passwords"))  # fmt: skip
        temporary = {}
        for user in users.values():
            if not user.active:
                continue
            temporary[user.name] = secrets.token_urlsafe(12)
            marker = target.password_hash(user.name, temporary[user.name], str)
            target.record_account("add-user", target.user, reason="migrated: temporary "
                                  "password, to be changed at the first sign-in",
                                  user=UserRecord(user.name, user.role, marker,
                                                  must_change=True))  # fmt: skip
        for name in sorted(locked & set(temporary)):  # locked in the file: NOLOGIN here
            connection.execute(f"SET LOCAL ROLE {ddl.ident(prefix + '_owner')}")
            connection.execute(f"ALTER ROLE {ddl.ident(name)} NOLOGIN")
            connection.execute("RESET ROLE")
    connection.close()
    return temporary


def _rows(store: Store, table: str) -> list[dict[str, Any]]:
    cursor = store.connection.execute(f"SELECT * FROM {table} ORDER BY rowid")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _copy(connection: psycopg.Connection[Any], table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if table == "app_user":  # the digest the audit record shows, never the salted hash
            row = {**row, "password_hash": audit.MIGRATED + audit.user_row(row)["password_hash"]}
        names = ", ".join(row)
        marks = ", ".join("%s" for _ in row)
        connection.execute(f"INSERT INTO recist.{table} ({names}) VALUES ({marks})",
                           tuple(row.values()))  # fmt: skip
