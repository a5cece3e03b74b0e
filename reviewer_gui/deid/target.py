"""Where an import puts a project's images: its folder, another folder, or a reading archive.

``recist-review import SOURCE PROJECT [--images DIR|URL]``: PROJECT is a project folder (its
``project.db``) or a PostgreSQL project (``postgresql://HOST:PORT/DBNAME``, opened by the
caller as its study administrator). The images go

- by default, into the project folder (``PROJECT_DIR/images/CASE/LABEL``; a PostgreSQL project
  has no folder, so it needs ``--images`` once);
- with ``--images DIR`` (an absolute folder, e.g. a shared drive), into ``DIR/images/...``;
- with ``--images URL`` (a DICOMweb base URL, e.g. the core lab's Orthanc), into that archive
  with STOW-RS; the study is written and hashed in a private work folder first, then sent.

The project records the location once (``reviewer_gui.store.image_folder``: a folder, or the
URL without credentials); a later import without ``--images`` uses the recorded one, and another
location is refused. The SHA-256 of every file is recorded as for a folder
(``reviewer_gui.store.images``; on an archive ``reviewer_gui.pacs.archive.study_digests``
checks them).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reviewer_gui.deid.checks import ImportRefused, project_lock
from reviewer_gui.pacs.archive import ArchiveError, store_files
from reviewer_gui.store import ProjectStore, StoreError, is_postgres_url
from reviewer_gui.store.image_folder import (
    IMAGES_FOLDER,
    is_archive,
    set_images_location,
)


@dataclass(frozen=True)
class ImportTarget:
    """Resolved destination: ``folder`` holds ``.incoming`` and (no archive) ``images/``."""

    folder: Path  # where images/CASE/LABEL is written (an archive: the private work folder)
    archive: str | None  # the archive's URL as given (credentials included, never recorded)


def project_label(project: Path | str) -> str:
    """The project as messages name it (a URL without its password)."""
    if isinstance(project, str) and is_postgres_url(project) and "@" in project:
        scheme, rest = project.split("://", 1)
        return f"{scheme}://{rest.split('@', 1)[1]}"
    return str(project)


@contextmanager
def resolved(store: ProjectStore, project: Path | str, images: str | None,
             by: str) -> Iterator[ImportTarget]:
    """The destination of this import (recorded in the project if it is a new one); an
    archive's private work folder is deleted on leaving."""
    recorded = store.project_info(IMAGES_FOLDER)
    given = images if images is not None else recorded
    if given is None:
        if is_postgres_url(str(project)):
            raise ImportRefused(f"{project_label(project)}: a PostgreSQL project has no folder "
                                "for images: give --images DIR (a folder every reader's "
                                "machine reaches, e.g. a shared drive) or --images URL (a "
                                "DICOMweb archive); nothing imported")
        yield ImportTarget(Path(project), None)
        return
    where = _location(given)
    if images is not None:
        try:
            set_images_location(store, _recordable(where), by)
        except StoreError as error:
            raise ImportRefused(f"{error}; nothing imported") from None
    if isinstance(where, Path):
        where.mkdir(parents=True, exist_ok=True)
        yield ImportTarget(where, None)
        return
    work = Path(tempfile.mkdtemp(prefix="recist-archive-"))
    try:
        yield ImportTarget(work, where)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _location(given: str) -> Path | str:
    if is_archive(given):
        return given
    folder = Path(given).expanduser()
    if not folder.is_absolute():
        raise ImportRefused(f"--images {given}: give the image folder as an absolute path, as "
                            "every reader's machine reaches it (e.g. a shared drive), or a "
                            "DICOMweb URL; nothing imported")
    if folder.exists() and not folder.is_dir():
        raise ImportRefused(f"--images {given}: not a folder; nothing imported")
    return folder


def _recordable(where: Path | str) -> Path | str:
    """What the project records: a folder as it is; a URL without user and password."""
    if isinstance(where, Path):
        return where
    from reviewer_gui.pacs.archive import archive_url

    return archive_url(where)


@contextmanager
def lock(folder: Path | None, waiting: Callable[[], None] | None) -> Iterator[None]:
    """The import lock of a folder (``None``: nothing to lock)."""
    if folder is None:
        yield
        return
    with project_lock(folder, waiting):
        yield


def send(archive: str, temporary: Path, what: str) -> None:
    """STOW-RS the written study to the archive, then remove its work folder."""
    try:
        store_files(archive, sorted(p for p in temporary.rglob("*") if p.is_file()), what)
    except ArchiveError as error:
        raise ImportRefused(f"{error}") from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def remove_abandoned(incoming: Path) -> None:
    """Remove what an import killed mid-study left in ``.incoming`` (its process is gone)."""
    if not incoming.is_dir():
        return
    for entry in incoming.iterdir():
        pid = entry.name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
