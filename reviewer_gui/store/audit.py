"""The audit trail: one hash-chained record per action, written in the action's transaction.

21 CFR Part 11 section 11.10(e): "secure, computer-generated, time-stamped audit trails to
independently record the date and time of operator entries and actions that create, modify,
or delete electronic records", where "record changes shall not obscure previously recorded
information". Each record says who (``actor``), what (``action``, the subject / read /
timepoint / lesion it touched), when (``at``, UTC), why (``reason``), the rows it superseded
(``before``) and the rows it added (``after``, exactly as stored, read back inside the same
transaction). Its ``hash`` is the SHA-256 of its canonical JSON content including the previous
record's hash (``prev_hash``; the first record follows :data:`GENESIS`), so editing, inserting,
deleting or reordering any record, or any row a record covers, breaks the chain at that record
(``reviewer_gui.store.verify``). With a key kept apart from the database, each record also
carries ``seal`` = HMAC-SHA256(key, hash): whoever rewrites the whole chain without the key
cannot make the seals match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from reviewer_gui.reading import (
    Change,
    LesionRetired,
    LesionSaved,
    ObservationRetracted,
    ObservationSaved,
    SeriesChosen,
    TimepointReopened,
)

#: The ``prev_hash`` of the first record.
GENESIS = "0" * 64

#: The tables whose rows belong to a change of the reading (by their ``change_id``).
CHANGE_TABLES = (
    "change_log", "subject", "timepoint", "lesion_version", "observation_version",
    "axis_measurement", "signature", "reread", "series_choice", "image_file",
)  # fmt: skip

#: The fields a record's hash covers, in the order of the CSV export.
FIELDS = (
    "seq", "at", "actor", "action", "change_id", "case_id", "reader", "timepoint", "lesion_id",
    "reason", "before", "after", "prev_hash",
)  # fmt: skip

Row = dict[str, Any]
Rows = dict[str, list[Row]]


class Database(Protocol):
    """What the row functions below need of a connection: ``execute`` with ``?``
    placeholders, returning a DB-API cursor (``sqlite3``, or the PostgreSQL store's adapter)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...


def canonical(value: object) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text, no NaN (RFC 8785 in spirit)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)  # fmt: skip


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of a record's canonical content, its ``prev_hash`` included."""
    content = {name: record[name] for name in FIELDS}
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def seal_of(key: bytes, record_hash: str) -> str:
    """HMAC-SHA256 (RFC 2104) of a record's hash with the key kept apart from the database."""
    return hmac.new(key, record_hash.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """What one action records (the chain fields are added by :func:`append`)."""

    action: str
    actor: str
    at: str
    change_id: int | None = None
    case_id: str | None = None
    reader: str | None = None
    timepoint: str | None = None
    lesion_id: str | None = None
    reason: str = ""
    before: Rows = field(default_factory=dict)
    after: Rows = field(default_factory=dict)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def next_seq(db: sqlite3.Connection) -> int:
    """The sequence number the next record gets (call inside the writing transaction)."""
    last = db.execute("SELECT max(seq) FROM audit_record").fetchone()[0]
    return 1 if last is None else int(last) + 1


def append(db: sqlite3.Connection, entry: Entry, key: bytes | None) -> int:
    """Chain one record after the last one; call inside the action's ``BEGIN IMMEDIATE``
    transaction (which serialises writers, so two processes never fork the chain)."""
    last = db.execute("SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (1, GENESIS) if last is None else (int(last[0]) + 1, str(last[1]))
    record: Row = {
        "seq": seq, "at": entry.at, "actor": entry.actor, "action": entry.action,
        "change_id": entry.change_id, "case_id": entry.case_id, "reader": entry.reader,
        "timepoint": entry.timepoint, "lesion_id": entry.lesion_id, "reason": entry.reason,
        "before": canonical(entry.before), "after": canonical(entry.after), "prev_hash": prev,
    }  # fmt: skip
    record["hash"] = record_hash(record)
    record["seal"] = None if key is None else seal_of(key, record["hash"])
    names = ", ".join(record)
    marks = ", ".join("?" for _ in record)
    db.execute(f"INSERT INTO audit_record ({names}) VALUES ({marks})", tuple(record.values()))
    return seq


def _rows(db: Database, sql: str, *parameters: object) -> list[Row]:
    return _fetched(db.execute(sql, parameters))


def _fetched(cursor: Any) -> list[Row]:
    found = cursor.fetchall()  # first: a pipelined query's description comes with its rows
    names = [d[0] for d in cursor.description]
    return sorted((dict(zip(names, r, strict=True)) for r in found), key=canonical)


def change_rows(db: Database, change_id: int, tables: Iterable[str] = CHANGE_TABLES) -> Rows:
    """Every row of the reading tables (``tables``: those the change can have added) that
    the change added, as stored. The queries are all sent before any result is read (one
    round trip on a pipelined PostgreSQL connection)."""
    cursors = {t: db.execute(f"SELECT * FROM {t} WHERE change_id = ?", (change_id,))
               for t in CHANGE_TABLES if t in set(tables)}  # fmt: skip
    found = {table: _fetched(cursor) for table, cursor in cursors.items()}
    return {table: rows for table, rows in found.items() if rows}


def user_rows(db: Database, seq: int) -> Rows:
    """The user version added by record ``seq``; the password hash appears only as its
    SHA-256, so the exported trail never carries anything to attack a password with."""
    rows = _rows(db, "SELECT * FROM app_user WHERE audit_seq = ?", seq)
    return {"app_user": [user_row(r) for r in rows]} if rows else {}


def seq_rows(db: Database, seq: int, tables: tuple[str, ...]) -> Rows:
    """The rows of ``tables`` (keyed by ``audit_seq``) that record ``seq`` added, as stored."""
    found = {t: _rows(db, f"SELECT * FROM {t} WHERE audit_seq = ?", seq) for t in tables}
    return {table: rows for table, rows in found.items() if rows}


#: How a PostgreSQL project migrated from a file keeps the file's user versions: their
#: ``password_hash`` is the digest their audit records show (``migrated:sha256:...``), never
#: the salted hash itself (the server holds the passwords).
MIGRATED = "migrated:"


def user_row(row: Row, *, migrated: bool = False) -> Row:
    """The user version as audit records show it: its password hash only as its SHA-256
    (``migrated``: a version kept as that digest already, :data:`MIGRATED`)."""
    stored = str(row["password_hash"])
    if migrated and stored.startswith(MIGRATED):
        return {**row, "password_hash": stored[len(MIGRATED):]}
    digest = hashlib.sha256(stored.encode("utf-8")).hexdigest()
    return {**row, "password_hash": f"sha256:{digest}"}


#: A query for superseded rows: (table, SQL with ``?`` placeholders, parameters).
Lookup = tuple[str, str, tuple[object, ...]]


def superseded_rows(db: Database, change: Change, change_id: int) -> Rows:
    """The current rows that ``change`` supersedes (its audit record's *before* values): the
    latest version of its key below ``change_id``. The queries are all sent before any
    result is read (one round trip on a pipelined PostgreSQL connection)."""
    return superseded(sent_lookups(db, superseded_lookups(change, change_id)))


def superseded_lookups(change: Change, change_id: int) -> list[Lookup]:
    """The queries of :func:`superseded_rows` (an observation's axes: those of the version
    it supersedes)."""
    if isinstance(change, LesionSaved | LesionRetired):
        key = (change.key.case_id, change.key.reader, change.lesion.lesion_id)
        return [_latest("lesion_version", "case_id = ? AND reader = ? AND lesion_id = ?", key,
                        change_id)]  # fmt: skip
    if isinstance(change, ObservationSaved | ObservationRetracted):
        key4 = (change.key.case_id, change.key.reader, change.timepoint, change.lesion_id)
        table, sql, parameters = _latest("observation_version", "case_id = ? AND reader = ? AND "
                                         "timepoint = ? AND lesion_id = ?", key4, change_id)
        axes = ("axis_measurement", "SELECT * FROM axis_measurement WHERE change_id = "
                f"({sql.replace('SELECT *', 'SELECT change_id', 1)})", parameters)  # fmt: skip
        return [(table, sql, parameters), axes]
    if isinstance(change, SeriesChosen):
        key3 = (change.key.case_id, change.key.reader, change.timepoint)
        return [_latest("series_choice", "case_id = ? AND reader = ? AND timepoint = ?", key3,
                        change_id)]  # fmt: skip
    if isinstance(change, TimepointReopened):
        return [_latest("signature", "case_id = ? AND reader = ? AND timepoint = ?",
                        (change.key.case_id, change.key.reader, label), change_id)
                for label in change.timepoints]  # fmt: skip
    return []


def sent_lookups(db: Database, lookups: Iterable[Lookup]) -> list[tuple[str, Any]]:
    """Each lookup sent (its table and cursor), no result read yet."""
    return [(table, db.execute(sql, parameters)) for table, sql, parameters in lookups]


def superseded(sent: Iterable[tuple[str, Any]]) -> Rows:
    """The rows of sent lookups, by table (tables with none left out)."""
    found: Rows = {}
    for table, cursor in sent:
        found.setdefault(table, []).extend(_fetched(cursor))
    return {table: sorted(rows, key=canonical) for table, rows in found.items() if rows}


def _latest(table: str, where: str, key: tuple[str, ...], change_id: int) -> Lookup:
    return (table, f"SELECT * FROM {table} WHERE {where} AND change_id < ? "
            "ORDER BY change_id DESC LIMIT 1", (*key, change_id))  # fmt: skip


def project_info_rows(db: Database) -> Rows:
    return {"project_info": _rows(db, "SELECT * FROM project_info")}


def change_entry(
    db: Database, change_id: int, before: Rows, tables: Iterable[str] = CHANGE_TABLES
) -> Entry:
    """The record of a change from its stored rows (the ``change_log`` row says who, what,
    when and why; ``tables``: those it can have added rows to, ``change_log`` among them)."""
    return entry_of(change_id, before, change_rows(db, change_id, tables))


def entry_of(change_id: int, before: Rows, after: Rows) -> Entry:
    """The record of a change whose added rows, as stored, are ``after``."""
    log = after["change_log"][0]
    return Entry(log["kind"], log["actor"], log["at"], change_id, log["case_id"], log["reader"],
                 log["timepoint"], log["lesion_id"], log["reason"], before, after)  # fmt: skip


def chain_unaudited(db: sqlite3.Connection, key: bytes | None, actor: str) -> int:
    """Chain the changes recorded before the audit trail existed (a schema 1 file being
    upgraded): an ``upgrade-schema`` record, then one record per change in order. Their
    *before* values are not known (the superseded rows stay in the tables). Returns how many
    changes were chained."""
    audited = {r[0] for r in db.execute("SELECT change_id FROM audit_record "
                                        "WHERE change_id IS NOT NULL")}  # fmt: skip
    pending = [r[0] for r in db.execute("SELECT change_id FROM change_log ORDER BY change_id")
               if r[0] not in audited]  # fmt: skip
    if next_seq(db) == 1:
        append(db, Entry("upgrade-schema", actor, now(), after=project_info_rows(db),
                         reason="audit trail added to a schema 1 project; the changes "
                                "recorded before are chained next"), key)  # fmt: skip
    for change_id in pending:
        append(db, change_entry(db, change_id, {}), key)
    return len(pending)
