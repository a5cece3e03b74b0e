"""Helpers for the password and lockout tests: audit rows, the exported trail, secrets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reviewer_gui.store.verify import AuditReport, connect, export_csv, verify

#: New passwords that meet the rules (12 characters or more).
NEW = {"alice": "alice-second-pass", "bob": "bob-second-passphrase", "ada": "ada-second-pass"}
TEMPORARY = "temporary-from-ada-7"


def audit(path: Path, *actions: str) -> list[tuple[str, str, str]]:
    """(action, actor, reason) of the audit records of ``actions``, in order."""
    db = sqlite3.connect(path)
    try:
        marks = ", ".join("?" for _ in actions)
        return db.execute(f"SELECT action, actor, reason FROM audit_record WHERE action IN "
                          f"({marks}) ORDER BY seq", actions).fetchall()  # fmt: skip
    finally:
        db.close()


def events(path: Path, name: str) -> list[tuple[str, int, int]]:
    """(event, failures, locked) of ``name``'s account rows, in order."""
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT event, failures, locked FROM account_event WHERE name = ? "
                          "ORDER BY audit_seq", (name,)).fetchall()  # fmt: skip
    finally:
        db.close()


def check(path: Path) -> AuditReport:
    db = connect(path)
    try:
        return verify(db)
    finally:
        db.close()


def exported_trail(path: Path, output: Path) -> bytes:
    db = connect(path)
    try:
        export_csv(db, output)
    finally:
        db.close()
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
