"""``recist-review audit verify`` and ``audit receipts``: checking a project, whatever its bytes.

``audit verify PROJECT.db`` recomputes the hash chain and compares it with the tables
(``reviewer_gui.store.verify``), checks every image file where the project keeps them (its
folder, the recorded folder, or its reading archive over DICOMweb) against the SHA-256 recorded
at import (``reviewer_gui.store.images``, ``.archive_images``; ``--skip-images`` leaves them out),
and every e-signature receipt against the chain (``reviewer_gui.review.receipts``). Exit 0 when
all hold, 1 when anything is broken or the file is damaged (invalid text, a malformed
database page, values no record can hold: reported, never a traceback), 2 for a file that is
no reading project or a bad argument.
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewer_gui.review.receipts import ReceiptReport
    from reviewer_gui.store.images import ImageReport
    from reviewer_gui.store.verify import AuditReport

#: What damaged bytes may raise while the trail is read and recomputed.
DAMAGE = (sqlite3.DatabaseError, ValueError, TypeError, KeyError, OverflowError, UnicodeError)


def audit_verify(args: argparse.Namespace, key: bytes | None) -> int:
    from reviewer_gui.review.receipts import check_receipts
    from reviewer_gui.store.verify import check_head_format, connect, verify

    if args.head is not None:
        check_head_format(args.head)
    db = connect(args.project)
    try:
        report = verify(db, key=key, head=args.head)
        images = None if args.skip_images else _check_images(db, Path(args.project).parent)
        receipts = check_receipts(db, Path(f"{args.project}.receipts"), args.receipts)
    except DAMAGE as error:
        print(f"audit trail BROKEN: {args.project} is damaged and cannot be read in full "
              f"({type(error).__name__}: {str(error)[:200]})")  # fmt: skip
        return 1
    finally:
        db.close()
    return print_checks(report, images, receipts, "--skip-images")


def print_checks(report: AuditReport, images: ImageReport | None, receipts: ReceiptReport,
                 unchecked: str) -> int:  # fmt: skip
    """Print what ``audit verify`` found (either backend; ``unchecked``: why the image files
    were not checked, when ``images`` is ``None``); its exit status (0 intact, 1 broken)."""
    problems = [str(p) for p in report.problems]
    problems += list(images.problems) if images is not None else []
    problems += list(receipts.problems)
    notes = [n for n in (*(images.notes if images is not None else ()), receipts.note) if n]
    if not problems:
        seals = ("seals checked" if report.seals_checked else
                 "seals NOT checked (no audit key given)" if report.sealed else "not sealed")
        print(f"audit trail intact: {report.records} records, {seals}")
        print(f"image files: NOT checked ({unchecked})" if images is None else
              f"image files intact: {images.checked} checked against their recorded SHA-256")
        if receipts.receipts:
            print(f"e-signature receipts hold: {receipts.receipts} checked (latest: record "
                  f"{receipts.latest}) in {receipts.path}")  # fmt: skip
        print(f"head {report.head}")
        print("keep the head outside the project (--head checks it later): it reveals a "
              "rewritten or cut-off chain")
        _notes(notes)
        return 0
    first = report.first_broken
    where = f"first broken record: {first}" if first else (
        "no record broken, but the project was changed")  # fmt: skip
    print(f"audit trail BROKEN ({where}); {len(problems)} finding(s):")
    for problem in problems:
        print(f"  {problem}")
    _notes(notes)
    return 1


def _check_images(db: sqlite3.Connection, project_dir: Path) -> ImageReport:
    """The recorded image files where the project keeps them: its folder, the recorded folder
    or the reading archive (``reviewer_gui.store.image_folder``)."""
    from reviewer_gui.store.archive_images import check_archive
    from reviewer_gui.store.image_folder import IMAGES_FOLDER, is_archive
    from reviewer_gui.store.images import check_images

    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    found = (db.execute("SELECT value FROM project_info WHERE key = ?", (IMAGES_FOLDER,))
             .fetchone() if "project_info" in tables else None)  # fmt: skip
    if found is None:
        return check_images(db, project_dir)
    if is_archive(found[0]):
        return check_archive(db, str(found[0]))
    return check_images(db, Path(found[0]))


def _notes(notes: list[str]) -> None:
    for note in notes:
        print(f"note: {note}")


def audit_receipts(args: argparse.Namespace, key: bytes | None, password: str) -> int:
    import sys

    from reviewer_gui.review import Role, authenticate
    from reviewer_gui.review.receipts import set_receipt_file
    from reviewer_gui.store import open_store

    with open_store(args.project, user=args.admin, password=password, create=False,
                    audit_key=key) as store:  # fmt: skip
        admin = authenticate(store, args.admin, password, action="sign-in")
        if admin.role != Role.ADMINISTRATOR:
            raise ValueError(f"{admin.name} is not the study administrator")
        path = set_receipt_file(store, args.file, by=admin.name)
    print(f"recist-review: e-signature receipts of {args.project} go to {path}",
          file=sys.stderr)  # fmt: skip
    return 0
