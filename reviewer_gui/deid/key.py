"""The de-identification key: the only place where real identities meet pseudonyms.

One SQLite file, kept *outside* the reading project (readers open the project, never the key),
created with permissions 0600 (SQLite gives its journal the same). It holds, per real patient
id, the case id and the secret date offset; per imported study, its real date and timepoint;
and the map of every remapped UID. Case ids (``CASE-7K3F``) and offsets are drawn at random
(``secrets``), never derived from the real id. New UIDs are ``2.25.`` + 128 bits of
HMAC-SHA256 of the source UID under a secret kept here (PS3.5 B.2), so the same source UID
always gets the same new UID, in every file and on every re-import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from reviewer_gui.deid.dataset import SubjectKey

T = TypeVar("T")

#: ``PRAGMA application_id`` of a key file: "RDKY" in ASCII.
KEY_APPLICATION_ID = 0x52444B59
CASE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
#: Offsets go 2 to 10 years back: far enough that a shifted date never equals a real one of
#: a trial's subjects, whole days so that intervals are exact.
MIN_OFFSET_DAYS, MAX_OFFSET_DAYS = 730, 3650

SCHEMA = (
    "CREATE TABLE key_info (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE subject (
        patient_id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL UNIQUE,
        date_offset_days INTEGER NOT NULL UNIQUE)""",
    """CREATE TABLE study (
        source_study_uid TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL REFERENCES subject,
        source_date TEXT NOT NULL,
        scan_date TEXT NOT NULL,
        label TEXT NOT NULL,
        study_uid TEXT NOT NULL,
        imported_at TEXT NOT NULL)""",
    "CREATE TABLE uid_map (source_uid TEXT PRIMARY KEY, new_uid TEXT NOT NULL)",
)


class KeyFileError(ValueError):
    """The key file cannot be used (the message names it and says why)."""


class DeidKey:
    """The key file of one reading project. Use :meth:`open`; close when done."""

    def __init__(self, path: Path, connection: sqlite3.Connection, secret: bytes) -> None:
        self.path = path
        self._db = connection
        self._secret = secret
        self._new_uids: dict[str, str] = {}
        self.key_id = _key_id(connection)

    @classmethod
    def open(cls, path: Path) -> DeidKey:
        """Open or create the key at ``path`` (mode 0600, tightened if it was wider)."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        elif stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            secret = _prepare(connection, path)
        except sqlite3.DatabaseError as error:
            connection.close()
            raise KeyFileError(f"{path}: not a de-identification key ({error})") from error
        except BaseException:
            connection.close()
            raise
        return cls(path, connection, secret)

    def close(self) -> None:
        self.flush_uids()
        self._db.close()

    def __enter__(self) -> DeidKey:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- subjects ------------------------------------------------------------------------

    def subject(self, patient_id: str) -> SubjectKey:
        """The subject's case id and date offset, drawn at random on first sight."""
        row = self._db.execute("SELECT case_id, date_offset_days FROM subject WHERE "
                               "patient_id = ?", (patient_id,)).fetchone()  # fmt: skip
        if row is not None:
            return SubjectKey(row[0], int(row[1]))
        taken_ids = {r[0] for r in self._db.execute("SELECT case_id FROM subject")}
        taken_offsets = {r[0] for r in self._db.execute("SELECT date_offset_days FROM subject")}
        case_id = _draw(lambda: "CASE-" + "".join(secrets.choice(CASE_ALPHABET)
                                                  for _ in range(4)), taken_ids)  # fmt: skip
        offset = _draw(lambda: -(MIN_OFFSET_DAYS + secrets.randbelow(
            MAX_OFFSET_DAYS - MIN_OFFSET_DAYS + 1)), taken_offsets)  # fmt: skip
        self._db.execute("INSERT INTO subject VALUES (?, ?, ?)", (patient_id, case_id, offset))
        return SubjectKey(case_id, offset)

    def record_study(self, patient_id: str, source_study_uid: str, source_date: dt.date,
                     scan_date: dt.date, label: str, study_uid: str) -> None:  # fmt: skip
        """Remember which real study became which timepoint (replaces an older record)."""
        self.flush_uids()
        self._db.execute(
            "INSERT OR REPLACE INTO study VALUES (?, ?, ?, ?, ?, ?, ?)",
            (source_study_uid, patient_id, source_date.isoformat(), scan_date.isoformat(),
             label, study_uid, dt.datetime.now(dt.UTC).isoformat()),
        )  # fmt: skip

    def case_ids(self) -> dict[str, str]:
        """Real patient id -> case id."""
        return dict(self._db.execute("SELECT patient_id, case_id FROM subject").fetchall())

    # -- UIDs ----------------------------------------------------------------------------

    def new_uid(self, source_uid: str) -> str:
        """The replacement of ``source_uid``: the same every time (PS3.15 E.1.1 action U)."""
        new = self._new_uids.get(source_uid)
        if new is None:
            digest = hmac.new(self._secret, source_uid.encode(), hashlib.sha256).digest()
            new = f"2.25.{int.from_bytes(digest[:16], 'big')}"
            self._new_uids[source_uid] = new
        return new

    def uid_map(self) -> dict[str, str]:
        """Every source UID remapped so far -> its replacement."""
        self.flush_uids()
        return dict(self._db.execute("SELECT source_uid, new_uid FROM uid_map").fetchall())

    def flush_uids(self) -> None:
        """Write the UIDs remapped since the last flush into the key file."""
        if self._new_uids:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR IGNORE INTO uid_map VALUES (?, ?)",
                                     self._new_uids.items())  # fmt: skip
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            self._new_uids.clear()


def _key_id(db: sqlite3.Connection) -> str:
    """The key's own random id (the project records it: another key is refused); a key made
    before ids existed gets one now."""
    db.execute("INSERT OR IGNORE INTO key_info VALUES ('key_id', ?)", (secrets.token_hex(16),))
    return str(db.execute("SELECT value FROM key_info WHERE name = 'key_id'").fetchone()[0])


def _draw(make: Callable[[], T], taken: set[T]) -> T:
    while (value := make()) in taken:
        pass
    return value


def _prepare(db: sqlite3.Connection, path: Path) -> bytes:
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("PRAGMA synchronous = FULL")
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    if application_id == 0 and tables == 0:
        db.execute("BEGIN IMMEDIATE")
        for statement in SCHEMA:
            db.execute(statement)
        db.execute(f"PRAGMA application_id = {KEY_APPLICATION_ID}")
        secret = secrets.token_bytes(32)
        db.execute("INSERT INTO key_info VALUES ('uid_secret', ?)", (secret.hex(),))
        db.execute("INSERT INTO key_info VALUES ('key_id', ?)", (secrets.token_hex(16),))
        db.execute("INSERT INTO key_info VALUES ('created_at', ?)",
                   (dt.datetime.now(dt.UTC).isoformat(),))  # fmt: skip
        db.execute("COMMIT")
        return secret
    if application_id != KEY_APPLICATION_ID:
        raise KeyFileError(f"{path}: an existing file that is not a de-identification key; "
                        "give another --key-file")  # fmt: skip
    row = db.execute("SELECT value FROM key_info WHERE name = 'uid_secret'").fetchone()
    return bytes.fromhex(row[0])
