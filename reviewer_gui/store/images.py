"""The image files of a reading project, checked against the SHA-256 recorded at import.

An import records, for every image file it stores under ``PROJECT_DIR/images/``, its path
(relative to the project folder), size and SHA-256 (``image_file``, rows of the change that
registered the timepoint; ``image_update``, a later set of a timepoint's files, e.g. a
damaged study replaced by the site's re-send). :func:`check_images` compares the files now in
the folder with the sets in force: a file missing, altered (another hash), or extra (in a
recorded study's folder but in none of its files) is a finding. Files of a timepoint imported
before hashes were recorded, and a study folder that no timepoint registers (left by an import
killed between moving it into place and registering it; the next import removes it), are
notes, not findings.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from reviewer_gui.store.audit import Database

IMAGES = "images"
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class ImageFile:
    """One stored image file: its path relative to the project folder, size and SHA-256."""

    path: str
    size: int
    sha256: str


def file_digest(path: Path) -> ImageFile:
    """Size and SHA-256 of a regular file (``path`` relative names are the caller's)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return ImageFile(path.as_posix(), size, digest.hexdigest())


def folder_files(project_dir: Path, folder: str) -> list[ImageFile]:
    """Every file under ``project_dir/folder``, hashed, paths relative to ``project_dir``."""
    root = project_dir / folder
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        one = file_digest(path)
        found.append(ImageFile(path.relative_to(project_dir).as_posix(), one.size, one.sha256))
    return found


def image_rows(files: list[ImageFile]) -> list[dict[str, object]]:
    """The rows of ``image_file`` / ``image_update`` (without their key columns)."""
    return [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in files]


def recorded_sets(db: Database) -> dict[tuple[str, str], dict[str, ImageFile]]:
    """The files in force per timepoint ``(case_id, label)``: its latest ``image_update`` set,
    else the ``image_file`` rows of the change that registered it (timepoints imported before
    hashes were recorded have none)."""
    sets: dict[tuple[str, str], dict[str, ImageFile]] = {}
    tables = ({r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
              if isinstance(db, sqlite3.Connection)
              else db.schema_names("table"))  # type: ignore[attr-defined]  # fmt: skip
    if not {"image_file", "image_update"} <= tables:  # schema 3 or older: none recorded
        return sets
    for case_id, label, path, size, sha in db.execute(
        "SELECT t.case_id, t.label, f.path, f.size, f.sha256 FROM timepoint t "
        "JOIN image_file f ON f.change_id = t.change_id"
    ):
        sets.setdefault((case_id, label), {})[path] = ImageFile(path, size, sha)
    latest: dict[tuple[str, str], int] = {}
    for case_id, label, seq in db.execute("SELECT case_id, timepoint, max(audit_seq) FROM "
                                          "image_update GROUP BY case_id, timepoint"):
        latest[(case_id, label)] = seq
    for key, seq in latest.items():
        sets[key] = {path: ImageFile(path, size, sha) for path, size, sha in db.execute(
            "SELECT path, size, sha256 FROM image_update WHERE audit_seq = ? AND case_id = ? "
            "AND timepoint = ?", (seq, *key))}  # fmt: skip
    return sets


def timepoint_folders(db: Database) -> dict[str, tuple[str, str]]:
    """The project-relative folder each timepoint was imported into -> ``(case_id, label)``."""
    return {str(folder): (case_id, label) for case_id, label, folder in db.execute(
        "SELECT case_id, label, series_folder FROM timepoint WHERE series_folder IS NOT NULL")}


@dataclass(frozen=True, slots=True)
class ImageReport:
    """What :func:`check_images` found: ``problems`` break the project, ``notes`` do not."""

    checked: int
    problems: tuple[str, ...]
    notes: tuple[str, ...]


def check_images(db: Database, project_dir: Path) -> ImageReport:
    """Compare the files under ``project_dir/images`` with the recorded sets."""
    sets = recorded_sets(db)
    folders = timepoint_folders(db)
    expected = {path: one for files in sets.values() for path, one in files.items()}
    problems: list[str] = []
    notes: list[str] = []
    on_disk = _files_on_disk(project_dir, problems)
    for path, one in sorted(expected.items()):
        found = on_disk.get(path)
        if found is None:
            problems.append(f"image file {path} is missing (recorded at import, "
                            f"SHA-256 {one.sha256[:12]}...)")  # fmt: skip
            continue
        actual = file_digest(project_dir / path)
        if (actual.size, actual.sha256) != (one.size, one.sha256):
            problems.append(f"image file {path} was altered: {actual.size} bytes, SHA-256 "
                            f"{actual.sha256[:12]}..., recorded {one.size} bytes, "
                            f"{one.sha256[:12]}...")  # fmt: skip
    unrecorded: dict[str, int] = {}
    for path in sorted(set(on_disk) - set(expected)):
        folder = _study_folder(path)
        owner = folders.get(folder)
        if owner is not None and owner in sets:
            problems.append(f"image file {path} is extra: the study {owner[0]} {owner[1]} "
                            "was recorded without it")  # fmt: skip
        else:
            unrecorded[folder] = unrecorded.get(folder, 0) + 1
    for folder, count in sorted(unrecorded.items()):
        owner = folders.get(folder)
        notes.append(f"{folder}: {count} file(s) imported before image hashes were recorded "
                     "(a re-import of the study records them)" if owner is not None else
                     f"{folder}: {count} file(s) of no registered timepoint (left by an "
                     "interrupted import; the next import removes them)")  # fmt: skip
    return ImageReport(len(expected), tuple(problems), tuple(notes))


def _study_folder(path: str) -> str:
    """``images/CASE/LABEL`` of ``images/CASE/LABEL/S01/IM0001.dcm``."""
    return "/".join(path.split("/")[:3])


def _files_on_disk(project_dir: Path, problems: list[str]) -> dict[str, os.stat_result]:
    """Regular files under ``images/`` by relative path; anything else (a link, a FIFO, a
    device) is a finding and is never opened."""
    root = project_dir / IMAGES
    found: dict[str, os.stat_result] = {}
    if not root.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in [*filenames, *(d for d in dirnames if Path(dirpath, d).is_symlink())]:
            path = Path(dirpath, name)
            relative = path.relative_to(project_dir).as_posix()
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                found[relative] = info
            else:
                problems.append(f"{relative} is not a regular file (a link, a pipe or a "
                                "device): nothing but image files belongs under images/")
    return found
