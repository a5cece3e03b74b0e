"""A study already in the project whose stored files are damaged, repaired from a re-send.

On every import, a study already in the project is checked where it is stored: against the
SHA-256 recorded when it was imported (a file missing, altered, or extra), or, for a study
imported before hashes were recorded, by reading and decoding every file. An intact study is
left as it is (and, when it had no hashes yet, they are recorded: ``record-images``). A damaged
one is replaced by the site's re-send when that one is intact: written to ``.incoming``, then
exchanged with the damaged folder in one step (Linux ``renameat2(RENAME_EXCHANGE)``; two
renames where the file system cannot), and an audited ``replace-images`` record (the new
files' hashes in ``image_update``, what was wrong in its reason). Killed between the exchange
and the record, the folder holds the re-send: for a study with hashes, the very files
recorded at import; the next import records the rest. The files
keep their names and UIDs (the same source gives the same de-identified UIDs), so the
readers' measurements still point at the same images.
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_gui.deid.checks import DamagedImage, read_image
from reviewer_gui.dicom import SeriesInfo
from reviewer_gui.reading import Timepoint
from reviewer_gui.store import Store
from reviewer_gui.store.images import ImageFile, folder_files, image_rows, recorded_sets

AT_FDCWD, RENAME_EXCHANGE = -100, 2

if TYPE_CHECKING:
    from reviewer_gui.deid.importer import _Results, _SubjectImport


def repair_present(session: _SubjectImport, present: Timepoint, series: list[SeriesInfo],
                   results: _Results) -> None:  # fmt: skip
    """Check a stored study; record its hashes if it has none, replace it from ``series``
    if it is damaged (what was done goes into ``results``)."""
    assert present.series is not None
    folder = present.series.folder
    if Path(folder).is_absolute():  # registered outside the project folder by the app
        return
    store = session.store
    if not isinstance(store, Store):  # a PostgreSQL project: no repair (not built yet)
        return
    case_id, label = session.subject.case_id, present.label
    recorded = recorded_sets(store.connection).get((case_id, label))
    problems = stored_problems(session.project_dir, folder, recorded)
    if not problems:
        if recorded is None:
            files = folder_files(session.project_dir, folder)
            session.store.record_rows(
                "record-images", session.by, {"image_update": _rows(case_id, label, files)},
                case_id=case_id, reason="the files of a study imported before image hashes "
                "were recorded, checked (read and decoded) and hashed")  # fmt: skip
        return
    try:
        temporary, written = session.write(series, Path(folder))
    except DamagedImage as damaged:
        results.incomplete.append(f"{case_id} {label}: the stored study is damaged "
                                  f"({problems[0]}) and the re-send too: {damaged}; have the "
                                  "site re-send it")  # fmt: skip
        return
    final = session.project_dir / folder
    final.parent.mkdir(parents=True, exist_ok=True)
    aside = temporary  # after the exchange: the damaged folder, removed once recorded
    if not final.exists():
        temporary.rename(final)
    elif not exchange(temporary, final):
        aside = temporary.with_name(f"{os.getpid()}-{secrets.token_hex(4)}-old")
        final.rename(aside)
        temporary.rename(final)
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    session.store.record_rows(
        "replace-images", session.by, {"image_update": _rows(case_id, label, written.files)},
        case_id=case_id, reason=f"the stored study was damaged ({problems[0]}{more}): "
        "replaced by the site's re-send, every image checked")  # fmt: skip
    shutil.rmtree(aside, ignore_errors=True)
    results.replaced.append(f"{case_id} {label}: {problems[0]}{more}: replaced by the re-send")


def exchange(one: Path, other: Path) -> bool:
    """Swap two folders in one step (``renameat2`` with ``RENAME_EXCHANGE``); ``False`` when
    the system or file system cannot (then nothing was changed)."""
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(one), AT_FDCWD, os.fsencode(other), RENAME_EXCHANGE):
        error = ctypes.get_errno()
        if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            return False
        raise OSError(error, os.strerror(error), str(one))
    return True


def stored_problems(project_dir: Path, folder: str,
                    recorded: dict[str, ImageFile] | None) -> list[str]:  # fmt: skip
    """What is wrong with a stored study's files (empty: intact)."""
    if not (project_dir / folder).is_dir():
        return [f"{folder} is missing"]
    files = {f.path: f for f in folder_files(project_dir, folder)}
    if recorded is not None:
        found = [f"{path} is missing" for path in sorted(set(recorded) - set(files))]
        found += [f"{path} was altered" for path in sorted(set(recorded) & set(files))
                  if recorded[path] != files[path]]  # fmt: skip
        found += [f"{path} is extra" for path in sorted(set(files) - set(recorded))]
        return found
    found = []
    for path in sorted(files):
        try:
            read_image(project_dir / path)
        except DamagedImage as damaged:
            found.append(str(damaged))
    return found


def _rows(case_id: str, label: str, files: list[ImageFile]) -> list[dict[str, object]]:
    return [{"case_id": case_id, "timepoint": label, **row} for row in image_rows(files)]
