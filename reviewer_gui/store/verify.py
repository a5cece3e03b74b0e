"""Checking the audit trail against the database, and exporting it.

:func:`verify` recomputes the chain (``reviewer_gui.store.audit``) and compares every record
with the rows it covers, as they are in the database now. It reports each broken record by its
sequence number: a record edited (its hash no longer matches its content), deleted (a gap in
the sequence) or inserted / reordered (its ``prev_hash`` no longer matches the record before
it); a row of a reading or user table edited, deleted or added behind the application's back
(dropping the append-only triggers with the sqlite3 shell, for instance) differs from the
record that covers it, or is covered by none; the triggers themselves are checked too.

What the chain alone cannot catch: someone who edits a row *and* recomputes every later hash
(the algorithm is public), or who cuts off the last records together with their rows. Two
defences: the seals (HMAC-SHA256 with a key kept apart from the database: without the key a
rewritten chain cannot be sealed), and the head (``seq:hash`` of the last record, printed by
``recist-review audit verify`` and kept outside the project, e.g. in the trial master file):
``verify(..., head=...)`` checks that the chain still holds that record unchanged, so neither a
rewrite nor a truncation before it goes unseen.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer_gui.store.audit import (
    CHANGE_TABLES,
    FIELDS,
    GENESIS,
    Database,
    Row,
    Rows,
    canonical,
    record_hash,
    seal_of,
    user_row,
)
from reviewer_gui.store.schema import (
    ACCOUNT_TABLES,
    ADDED_TABLES,
    ALL_TABLES,
    APPLICATION_ID,
    AUDIT_SEQ_TABLES,
    IMAGE_TABLES,
)

#: The columns of the exported trail.
EXPORT_COLUMNS = (*FIELDS, "hash", "seal")


class AuditUnreadable(RuntimeError):
    """The file has no audit trail to check (not a reading project, or schema 1)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: the record it breaks (``None`` when no record is to blame) and what."""

    seq: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.seq is None else f"record {self.seq}: {self.message}"


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The outcome of :func:`verify`."""

    records: int
    head: str  # "seq:hash" of the last record
    problems: tuple[Problem, ...]
    sealed: bool
    seals_checked: bool

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def first_broken(self) -> int | None:
        """The lowest sequence number of a broken record (``None`` if none is)."""
        return min((p.seq for p in self.problems if p.seq is not None), default=None)


def connect(path: str | Path) -> sqlite3.Connection:
    """A query-only connection to a reading project that has an audit trail."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise AuditUnreadable(f"{path}: no such reading project file")
    db = sqlite3.connect(path)
    db.text_factory = _text  # damaged text is shown and fails its hash, never a crash
    try:
        db.execute("PRAGMA query_only = ON")
        application_id, version = (db.execute(f"PRAGMA {p}").fetchone()[0]
                                   for p in ("application_id", "user_version"))  # fmt: skip
        if application_id != APPLICATION_ID:
            raise AuditUnreadable(f"{path}: not a reading project")
        if version < 2:
            raise AuditUnreadable(f"{path}: schema {version} has no audit trail yet: open it "
                                  "once with recist-review to chain its changes")  # fmt: skip
    except (sqlite3.DatabaseError, AuditUnreadable) as error:
        db.close()
        if isinstance(error, AuditUnreadable):
            raise
        raise AuditUnreadable(f"{path}: not a reading project ({error})") from error
    return db


def _text(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


def _all(db: Database, sql: str) -> list[Row]:
    cursor = db.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _grouped(db: Database, tables: tuple[str, ...], key: str) -> dict[Any, Rows]:
    grouped: dict[Any, Rows] = defaultdict(dict)
    for table in tables:
        for row in _all(db, f"SELECT * FROM {table}"):
            grouped[row[key]].setdefault(table, []).append(row)
    return {k: {t: sorted(rows, key=canonical) for t, rows in v.items()}
            for k, v in grouped.items()}  # fmt: skip


def verify(
    db: Database, *, key: bytes | None = None, head: str | None = None
) -> AuditReport:
    """Check the whole trail; ``key`` checks the seals, ``head`` (``"seq:hash"``, kept
    outside the database) checks that the chain still holds that record unchanged."""
    records = _all(db, "SELECT * FROM audit_record ORDER BY seq")
    absent = _absent_additions(db)
    by_change = _grouped(db, tuple(t for t in CHANGE_TABLES if t not in absent), "change_id")
    migrated = not isinstance(db, sqlite3.Connection)  # a PostgreSQL project may hold them
    users = {seq: {t: [user_row(r, migrated=migrated) for r in v] if t == "app_user" else v
                   for t, v in rows.items()}
             for seq, rows in _grouped(db, tuple(t for t in AUDIT_SEQ_TABLES if t not in absent),
                                       "audit_seq").items()}  # fmt: skip
    problems: list[Problem] = []
    expected, prev_seq, prev_hash = 1, 0, GENESIS
    covered_changes: set[int] = set()
    covered_users: set[int] = set()
    recorded_info: list[Row] = []
    for record in records:
        seq = record["seq"]
        if seq != expected:
            missing = f"records {expected}-{seq - 1} are" if seq - 1 > expected else (
                f"record {expected} is")  # fmt: skip
            problems.append(Problem(expected, f"{missing} missing (deleted): the chain goes "
                                    f"from record {prev_seq} to record {seq}"))  # fmt: skip
        elif record["prev_hash"] != prev_hash:
            problems.append(Problem(seq, f"does not follow record {prev_seq}: its previous-"
                                    "record hash differs (a record was inserted, deleted or "
                                    "reordered here, or a hash rewritten)"))  # fmt: skip
        if record_hash(record) != record["hash"]:
            problems.append(Problem(seq, "its content no longer matches its hash: the record "
                                    "was edited after it was written"))  # fmt: skip
        if key is not None and record["seal"] != seal_of(key, record["hash"]):
            problems.append(Problem(seq, "its seal does not match the audit key: the chain "
                                    "was rewritten by someone without the key"))  # fmt: skip
        recorded = _loads(record["after"])
        if record["change_id"] is not None:
            covered_changes.add(record["change_id"])
            now = by_change.get(record["change_id"], {})
        elif set(recorded) & set(AUDIT_SEQ_TABLES):
            covered_users.add(seq)
            now = users.get(seq, {})
        else:
            now = {}
        recorded_info.extend(recorded.pop("project_info", []))
        difference = _difference(recorded, now)
        if difference:
            problems.append(Problem(seq, f"the database no longer holds what it recorded: "
                                    f"{difference}"))  # fmt: skip
        expected, prev_seq, prev_hash = seq + 1, seq, record["hash"]
    problems.extend(_uncovered(by_change, covered_changes, users, covered_users))
    info = sorted(_all(db, "SELECT * FROM project_info"), key=canonical)
    if info != sorted(recorded_info, key=canonical):
        problems.append(Problem(1, "project_info differs from what the trail recorded"))
    problems.extend(_missing_triggers(db, absent))
    if head is not None:
        problems.extend(_check_head(records, head))
    sealed = bool(db.execute("SELECT 1 FROM project_info WHERE key = 'audit_sealed'").fetchone())
    last = f"{records[-1]['seq']}:{records[-1]['hash']}" if records else f"0:{GENESIS}"
    ordered = sorted(problems, key=lambda p: (p.seq is None, p.seq or 0))
    return AuditReport(len(records), last, tuple(ordered), sealed, key is not None)


def _loads(text: str) -> Rows:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {"?": [{"unreadable": text[:40]}]}
    return value if isinstance(value, dict) else {"?": [{"unreadable": text[:40]}]}


def _difference(recorded: Rows, now: Rows) -> str:
    """The first difference between the recorded rows and the database's, in words (keys of
    a record's *after* that are no table, such as an export's file name, are just facts)."""
    for table in sorted({*recorded, *now} & set(ALL_TABLES)):
        then, current = recorded.get(table, []), now.get(table, [])
        if then == current:
            continue
        if len(then) != len(current):
            return (f"{table} had {len(then)} row(s) when recorded, {len(current)} now "
                    "(rows deleted or added)")  # fmt: skip
        for old, new in zip(then, current, strict=True):
            for column in sorted({*old, *new}):
                if old.get(column) != new.get(column):
                    return (f"{table}.{column} was {old.get(column)!r} when recorded, "
                            f"is {new.get(column)!r} now")  # fmt: skip
    return ""


def _uncovered(
    by_change: dict[Any, Rows], changes: set[int], users: dict[Any, Rows], user_seqs: set[int]
) -> list[Problem]:
    found = [
        Problem(None, f"change {change_id} ({', '.join(sorted(rows))} rows) is covered by no "
                "audit record: added behind the application's back, or its record deleted")
        for change_id, rows in sorted(by_change.items()) if change_id not in changes
    ]  # fmt: skip
    found.extend(
        Problem(None, f"user row {seq} ({rows['app_user'][0]['name']}) is covered by no "
                "audit record: added behind the application's back") if "app_user" in rows
        else Problem(None, f"{', '.join(sorted(rows))} row(s) of record {seq} are covered by "
                     "no audit record: added behind the application's back")
        for seq, rows in sorted(users.items())
        if seq not in user_seqs
    )  # fmt: skip
    return found


def _schema_names(db: Database, kind: str) -> set[str]:
    """The names of the project's tables or triggers: SQLite's ``sqlite_schema``, or what
    the PostgreSQL store's connection reports (``schema_names``)."""
    if isinstance(db, sqlite3.Connection):
        return {r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = ?",
                                         (kind,))}  # fmt: skip
    names: set[str] = db.schema_names(kind)  # type: ignore[attr-defined]
    return names


def _absent_additions(db: Database) -> set[str]:
    """The adjudication, series-choice and (schema 3) account tables a file does not have yet
    (created on the first opening for writing; a file verified before that holds no record of
    them, and one whose table was dropped still shows the loss: its records name rows no
    longer there)."""
    present = _schema_names(db, "table")
    return (set(ADDED_TABLES) | set(ACCOUNT_TABLES) | set(IMAGE_TABLES)) - present


def _missing_triggers(db: Database, absent: set[str]) -> list[Problem]:
    present = _schema_names(db, "trigger")
    return [
        Problem(None, f"trigger {name} is missing: the table's append-only protection was "
                "removed")
        for table in ALL_TABLES
        if table not in absent
        for event in ("update", "delete")
        if (name := f"{table}_no_{event}") not in present
    ]  # fmt: skip


def check_head_format(head: str) -> tuple[int, str]:
    """``(seq, hash)`` of a kept head; ``ValueError`` when it is not ``SEQ:HASH``."""
    seq_text, _, expected_hash = head.partition(":")
    if not seq_text.isdigit() or len(expected_hash) != 64:
        raise ValueError(f"head {head!r} is not SEQ:HASH (as audit verify prints it)")
    return int(seq_text), expected_hash


def _check_head(records: list[Row], head: str) -> list[Problem]:
    seq, expected_hash = check_head_format(head)
    found = [r for r in records if r["seq"] == seq]
    if not found:
        return [Problem(seq, f"the kept head names record {seq}, which the chain no longer "
                        "has: the trail was cut short")]  # fmt: skip
    if found[0]["hash"] != expected_hash:
        return [Problem(seq, "its hash differs from the kept head: the chain was rewritten up "
                        "to here")]  # fmt: skip
    return []


def export_csv(db: Database, output: Path) -> int:
    """Write the trail as CSV (one row per record, :data:`EXPORT_COLUMNS`), atomically;
    returns the number of records."""
    records = _all(db, f"SELECT {', '.join(EXPORT_COLUMNS)} FROM audit_record ORDER BY seq")
    output = Path(output)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent or ".")
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(EXPORT_COLUMNS)
            for record in records:
                writer.writerow(["" if record[c] is None else record[c] for c in EXPORT_COLUMNS])
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(records)
