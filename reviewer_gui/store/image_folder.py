"""Where a project's image files are: the folder its series folders are relative to.

A project file keeps its images beside it (``recist-review import`` stores ``images/CASE/LABEL``
relative to the project's folder), so a copied or moved project folder still finds them. A
PostgreSQL project has no folder: its images live where every reader's machine reaches them
(a shared drive), recorded once per project as the ``images_folder`` setting
(``project_info``, set by the study administrator; issue 11, item 6). A series folder that is
absolute is used as it is on both.
"""

from __future__ import annotations

from pathlib import Path

from reviewer_gui.store.base import ProjectStore, StoreError, is_postgres_url

#: The ``project_info`` key of a PostgreSQL project's image folder.
IMAGES_FOLDER = "images_folder"


def images_base(store: ProjectStore) -> Path | None:
    """The folder relative series folders are found in: a project file's own folder; the
    recorded setting of a PostgreSQL project (``None``: not set yet)."""
    if not is_postgres_url(store.location):
        return Path(store.location).resolve().parent
    recorded = store.project_info(IMAGES_FOLDER)
    return Path(recorded) if recorded else None


def set_images_folder(store: ProjectStore, folder: Path, actor: str) -> int:
    """Record a PostgreSQL project's image folder (an absolute path, as every reader's machine
    sees it; set once, never changed); returns the audit record's number."""
    if not is_postgres_url(store.location):
        raise StoreError(f"{store.location}: a project file's images are in its own folder: "
                         "move them there instead of recording a folder")  # fmt: skip
    if not folder.is_absolute():
        raise StoreError(f"{folder}: give the image folder as an absolute path, as every "
                         "reader's machine reaches it (e.g. a shared drive)")  # fmt: skip
    recorded = store.project_info(IMAGES_FOLDER)
    if recorded is not None:
        if Path(recorded) == folder:
            return 0
        raise StoreError(f"{store.location}: the image folder is already {recorded}: it is "
                         "one setting, recorded once; put the images there")  # fmt: skip
    return store.add_project_info(IMAGES_FOLDER, str(folder), actor,
                                  reason="where every reader finds the images")  # fmt: skip
