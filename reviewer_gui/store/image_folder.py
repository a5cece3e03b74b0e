"""Where a project's image files are: a folder its series folders are relative to, or an archive.

A project file keeps its images beside it by default (``recist-review import`` stores
``images/CASE/LABEL`` relative to the project's folder), so a copied or moved project folder
still finds them. A PostgreSQL project has no folder: its images live where every reader's
machine reaches them. Either kind of project may record ONE image location, once, as the
``images_folder`` setting (``project_info``; issue 11, item 6, and issue 12, item 4):

- a folder (an absolute path, e.g. a shared drive) that ``images/CASE/LABEL`` is relative to;
- a reading archive: the base URL of a DICOMweb server (``http(s)://host:port/dicom-web``,
  never with a user or password in it) that holds the de-identified studies; each reader's
  app loads from it with the reader's own credentials (environment or netrc).

A series folder that is absolute is used as it is on both.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reviewer_gui.store.base import ProjectStore, StoreError, is_postgres_url

#: The ``project_info`` key of a project's image location (a folder, or a DICOMweb URL).
IMAGES_FOLDER = "images_folder"

#: A folder, or the base URL of a DICOMweb archive (a ``str`` starting with http(s)://).
ImagesLocation = Path | str


def is_archive(location: object) -> bool:
    """True for a reading archive's URL (``http(s)://...``), False for a folder."""
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


def _parsed(recorded: str) -> ImagesLocation:
    return recorded if is_archive(recorded) else Path(recorded)


def images_location(store: ProjectStore) -> ImagesLocation | None:
    """The recorded location; else a project file's own folder (``None``: a PostgreSQL
    project with none recorded yet)."""
    recorded = store.project_info(IMAGES_FOLDER)
    if recorded:
        return _parsed(recorded)
    if not is_postgres_url(store.location):
        return Path(store.location).resolve().parent
    return None


def file_images_location(database: Path) -> ImagesLocation:
    """A project file's image location, read from the file alone (its folder when none is
    recorded, or the file is not a project yet)."""
    try:
        db = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return database.resolve().parent
    try:
        found = db.execute("SELECT value FROM project_info WHERE key = ?",
                           (IMAGES_FOLDER,)).fetchone()
    except sqlite3.Error:
        found = None
    finally:
        db.close()
    return _parsed(str(found[0])) if found else database.resolve().parent


def images_base(store: ProjectStore) -> Path | None:
    """The folder relative series folders are found in (``None``: none recorded, or the
    images are in an archive: see :func:`images_location`)."""
    where = images_location(store)
    return where if isinstance(where, Path) else None


def set_images_folder(store: ProjectStore, folder: Path, actor: str) -> int:
    """Record a PostgreSQL project's image folder (an absolute path, as every reader's machine
    sees it; set once, never changed); returns the audit record's number."""
    if not is_postgres_url(store.location):
        raise StoreError(f"{store.location}: a project file's images are in its own folder: "
                         "move them there instead of recording a folder")  # fmt: skip
    return set_images_location(store, folder, actor)


def set_images_location(store: ProjectStore, where: ImagesLocation, actor: str) -> int:
    """Record the project's image location (a folder as an absolute path, as every reader's
    machine sees it, or a DICOMweb URL without credentials): once, never changed. Returns the
    audit record's number (0: the same location was already recorded)."""
    if is_archive(where):
        text = str(where)
        host = text.split("://", 1)[1].split("/", 1)[0]
        if "@" in host:
            raise StoreError(f"{text.split('://')[0]}://{host.split('@')[-1]}...: a project "
                             "never records credentials: give the archive's URL without "
                             "user and password (each reader uses their own)")  # fmt: skip
    elif not Path(where).is_absolute():
        raise StoreError(f"{where}: give the image folder as an absolute path, as every "
                         "reader's machine reaches it (e.g. a shared drive)")  # fmt: skip
    recorded = store.project_info(IMAGES_FOLDER)
    if recorded is not None:
        if _parsed(recorded) == (where if is_archive(where) else Path(where)):
            return 0
        raise StoreError(f"{store.location}: the image location is already {recorded}: it is "
                         "one setting, recorded once; put the images there")  # fmt: skip
    return store.add_project_info(IMAGES_FOLDER, str(where), actor,
                                  reason="where every reader finds the images")  # fmt: skip
