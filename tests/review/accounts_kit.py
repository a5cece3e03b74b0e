"""Helpers for the password and lockout tests: audit rows, the exported trail, secrets (on
either backend: a project file, or a PostgreSQL project read as its study administrator)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reviewer_gui.store import open_store
from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.verify import AuditReport, connect, export_csv, verify

from .conftest import PASSWORDS

#: New passwords that meet the rules (12 characters or more).
NEW = {"alice": "alice-second-pass", "bob": "bob-second-passphrase", "ada": "ada-second-pass"}
TEMPORARY = "temporary-from-ada-7"


@contextmanager
def database(location: Path | str) -> Iterator[Any]:
    """The project's database, ``?`` placeholders: the file, or the server as ada."""
    if isinstance(location, Path):
        db = connect(location)
        try:
            yield db
        finally:
            db.close()
        return
    with open_store(location, user="ada", password=PASSWORDS["ada"]) as store:
        assert isinstance(store, PostgresStore)
        yield store.database


def audit(path: Path | str, *actions: str) -> list[tuple[str, str, str]]:
    """(action, actor, reason) of the audit records of ``actions``, in order."""
    marks = ", ".join("?" for _ in actions)
    with database(path) as db:
        return [tuple(r) for r in db.execute(
            f"SELECT action, actor, reason FROM audit_record WHERE action IN ({marks}) "
            "ORDER BY seq", actions).fetchall()]  # fmt: skip


def events(path: Path | str, name: str) -> list[tuple[str, int, int]]:
    """(event, failures, locked) of ``name``'s account rows, in order."""
    with database(path) as db:
        return [tuple(r) for r in db.execute(
            "SELECT event, failures, locked FROM account_event WHERE name = ? ORDER BY "
            "audit_seq", (name,)).fetchall()]  # fmt: skip


def check(path: Path | str) -> AuditReport:
    with database(path) as db:
        return verify(db)


def exported_trail(path: Path | str, output: Path) -> bytes:
    with database(path) as db:
        export_csv(db, output)
    return output.read_bytes()


def file_bytes(path: Path) -> bytes:
    """The project file and its write-ahead log, as on disk."""
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal"))
                    if p.exists())  # fmt: skip


def stored_hashes(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [r[0] for r in db.execute("SELECT password_hash FROM app_user")]
    finally:
        db.close()
