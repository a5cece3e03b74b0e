"""Signature receipts: what each e-signature left outside the project, to check it against.

The audit chain proves that nothing in it was changed, but not that nothing was cut off its
end: records lost together with their rows (a WAL file deleted under a killed session) leave a
shorter chain that still verifies. So every e-signature (a reader signing a timepoint, an
adjudicator's decision) appends a receipt to a file outside the project: the project's id, the
sequence number and hash of the audit record, when, and what was signed. ``recist-review audit
verify`` checks that the chain still holds every receipt's record with that hash (the latest
receipt above all): a signed read lost with the trailing records is then reported, without
anyone having to keep a head.

The file is set by the study administrator (``recist-review audit receipts PROJECT --file
PATH``, an audited project setting); by default it is ``PROJECT.db.receipts`` beside the
project file. It is opened before signing, so a signature that could not leave its receipt
is never made; each receipt is flushed to disk (fsync) before the signature is reported done.

A PostgreSQL project has no file to put it beside, and its readers sign from their own
machines: its receipts go to the recorded setting, by default ``DBNAME.receipts`` in the
project's image folder (the one folder every reader's machine reaches, ``recist-review
images``). The server's chain is durable, but a restore from an older backup, or a superuser
who rewrites the chain, cuts or changes signed records just as a lost WAL file does: the
receipts, outside the server, reveal it. A project with neither setting nor image folder
writes no receipts (``audit verify`` says so).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from reviewer_gui.review.identity import NotPermitted
from reviewer_gui.store import ProjectStore, Store

#: The project setting (``account_setting``) naming the receipts file.
SETTING = "receipt_file"


class ReceiptUnwritable(NotPermitted):
    """The receipts file cannot be written: nothing was signed (the message says where)."""


def receipt_file(default: Path | None, setting: object | None) -> Path | None:
    """The receipts file: the setting, else ``default`` (:func:`default_receipt_file`)."""
    return Path(setting) if isinstance(setting, str) and setting else default


def default_receipt_file(store: ProjectStore) -> Path | None:
    """``PROJECT.db.receipts`` beside a project file; ``DBNAME.receipts`` in a PostgreSQL
    project's image folder (``None``: no folder recorded yet)."""
    if isinstance(store, Store):
        return Path(f"{store.path}.receipts")
    from reviewer_gui.store.image_folder import images_location

    return _in_image_folder(store, images_location(store))


def _in_image_folder(store: ProjectStore, where: object) -> Path | None:
    """``DBNAME.receipts`` in a PostgreSQL project's image location ``where`` when it is a
    folder (``None``: none recorded, or a reading archive's URL)."""
    from reviewer_gui.store.postgres.connect import database_name

    if not isinstance(where, Path):
        return None
    return where / f"{database_name(store.location)}.receipts"


def set_receipt_file(store: ProjectStore, path: Path, *, by: str) -> Path:
    """The study administrator ``by`` (checked by the caller) sets the receipts file."""
    path = Path(path).absolute()
    project = store.path.absolute() if isinstance(store, Store) else None
    if project is not None and path.parent == project.parent and path.name in {
            project.name, *(f"{project.name}-{s}" for s in ("wal", "shm", "journal"))}:
        raise ValueError(f"{path}: the receipts must be kept outside the project file")
    if path.is_dir():
        raise ValueError(f"{path}: a folder; give a file (created if missing)")
    with _opened(path):
        pass
    store.record_account("set-receipt-file", by, setting=(SETTING, str(path)),
                         reason="e-signature receipts are written to this file")  # fmt: skip
    return path


class Receipts:
    """Where one session's e-signatures leave their receipts (:func:`signing`), reading again
    at each signature only what may change while the session is open: the receipts setting
    (the study administrator may set it at any time) and the audit trail's last record. What
    never changes once recorded is read once: the project's id (``project_uid``, recorded at
    creation) and its image location (``images_folder``: one setting, recorded once, never
    changed, ``store.image_folder``; while none is recorded it is read again each time, as
    one may be recorded during the session)."""

    def __init__(self, store: ProjectStore) -> None:
        self._store = store
        self._default: Path | None = None
        self._default_known = isinstance(store, Store)  # a project file's: beside it
        if self._default_known:
            self._default = default_receipt_file(store)
        self._project_uid: str | None = None

    def file(self) -> Path | None:
        """The receipts file now (``None``: a PostgreSQL project without image folder nor
        setting)."""
        setting = self._store.account_setting(SETTING)
        if isinstance(setting, str) and setting:
            return Path(setting)
        if not self._default_known:
            from reviewer_gui.store.image_folder import images_location

            where = images_location(self._store)
            if where is not None:  # recorded once, never changed
                self._default = _in_image_folder(self._store, where)
                self._default_known = True
        return self._default

    @contextmanager
    def signing(self, what: str) -> Iterator[None]:
        """Around an e-signature: open the receipts file first (:class:`ReceiptUnwritable`:
        nothing is signed), then append the receipt of the audit trail's last record (the
        signature's: a reader's last record is their own on PostgreSQL too)."""
        path = self.file()
        if path is None:
            yield
            return
        with _opened(path) as stream:
            yield
            seq, digest = self._store.last_record()
            if self._project_uid is None:  # recorded when the project was made
                self._project_uid = self._store.project_info("project_uid") or "-"
            from reviewer_gui.store.audit import now

            line = f"{self._project_uid} {seq}:{digest} {now()} {what}\n"
            try:
                stream.write(line)
                stream.flush()
                os.fsync(stream.fileno())
            except OSError as error:
                raise ReceiptUnwritable(f"signed, but its receipt could not be written to "
                                        f"{path} ({error.strerror or error}): tell the study "
                                        "administrator") from error  # fmt: skip


@contextmanager
def signing(store: ProjectStore, what: str) -> Iterator[None]:
    """:meth:`Receipts.signing` of one e-signature (nothing kept from one to the next)."""
    with Receipts(store).signing(what):
        yield


@contextmanager
def _opened(path: Path) -> Iterator[IO[str]]:
    try:
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as error:
        raise ReceiptUnwritable(f"{path}: the e-signature receipts file cannot be written "
                                f"({error.strerror or error}); nothing was signed: ask the "
                                "study administrator") from error  # fmt: skip
    with os.fdopen(handle, "a", encoding="utf-8") as stream:
        yield stream


@dataclass(frozen=True, slots=True)
class ReceiptReport:
    """What :func:`check_receipts` found."""

    path: Path | None  # None: the project writes no receipts
    receipts: int
    latest: int | None  # the latest receipt's record
    problems: tuple[str, ...]
    note: str = ""


def check_receipts(db: Any, default: Path | None,
                   override: Path | None = None) -> ReceiptReport:  # fmt: skip
    """Every receipt of this project in its receipts file against the chain (``db``: an
    sqlite3 connection, or a PostgreSQL store's ``database`` read as the administrator;
    ``default``: :func:`default_receipt_file`)."""
    setting = None
    if not isinstance(db, sqlite3.Connection) or db.execute(
            "SELECT 1 FROM sqlite_schema WHERE name = 'account_setting'").fetchone():
        row = db.execute("SELECT value FROM account_setting WHERE name = ? ORDER BY audit_seq "
                         "DESC LIMIT 1", (SETTING,)).fetchone()  # fmt: skip
        setting = _json_text(row[0]) if row else None
    path = override or receipt_file(default, setting)
    uid_row = db.execute("SELECT value FROM project_info WHERE key = 'project_uid'").fetchone()
    project_uid = str(uid_row[0]) if uid_row else "-"
    if path is None:
        return ReceiptReport(None, 0, None, (), "no e-signature receipts: the project records "
                             "neither a receipts file nor an image folder (recist-review audit "
                             "receipts URL --file PATH)")  # fmt: skip
    if not path.is_file():
        signed = db.execute("SELECT count(*) FROM signature").fetchone()[0]
        note = (f"no e-signature receipts at {path} although the project holds {signed} "
                "signature(s) (made before receipts existed, or the file was moved or "
                "deleted)") if signed else ""  # fmt: skip
        return ReceiptReport(path, 0, None, (), note)
    hashes = dict(db.execute("SELECT seq, hash FROM audit_record"))
    problems: list[str] = []
    count, latest = 0, None
    with open(path, encoding="utf-8", errors="replace") as stream:
        for number, line in enumerate(stream, start=1):
            fields = line.split(" ", 3)
            if not line.strip() or fields[0] != project_uid:
                continue
            seq_text, _, digest = fields[1].partition(":") if len(fields) > 2 else ("", "", "")
            if not seq_text.isdigit() or len(digest) != 64:
                problems.append(f"{path}:{number}: not a receipt (SEQ:HASH expected)")
                continue
            count, seq = count + 1, int(seq_text)
            latest = seq if latest is None else max(latest, seq)
            what = fields[3].strip() if len(fields) > 3 else ""
            if seq not in hashes:
                problems.append(f"record {seq} ({what}) is gone: {path}:{number} received it, "
                                "the chain now ends at record "
                                f"{max(hashes, default=0)} (signed records were lost or cut "
                                "off)")  # fmt: skip
            elif hashes[seq] != digest:
                problems.append(f"record {seq} ({what}) differs from its receipt "
                                f"({path}:{number}): the chain was rewritten up to there")
    return ReceiptReport(path, count, latest, tuple(problems))


def _json_text(value: object) -> str | None:
    import json

    try:
        loaded = json.loads(str(value))
    except ValueError:
        return None
    return loaded if isinstance(loaded, str) else None
