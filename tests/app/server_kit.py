"""A blinded-review study on the real PostgreSQL server of the tests (``pg_database``): the
subjects and timepoints of a project file imported by ``review_kit.import_study``, the same
users, and its image folder recorded (the file's own folder, where the import put them)."""

from __future__ import annotations

from pathlib import Path

import psycopg
from pg_server import PgDatabase

from reviewer_gui.reading import ReadingProject
from reviewer_gui.store import open_project, open_store
from reviewer_gui.store.image_folder import images_base, set_images_folder
from reviewer_gui.store.postgres import add_login, create_project

from .review_kit import PASSWORDS, ROLES


def server_study(prepared: Path, database: PgDatabase, *, images: bool = True) -> str:
    """``prepared``'s subjects and timepoints (their series folders relative, as imported) in
    a project on the server, with the same users; its image folder: ``prepared``'s folder."""
    create_project(database.url, "ada", PASSWORDS["ada"]).close()
    with open_store(database.location, user="ada", password=PASSWORDS["ada"]) as ada:
        for name, role in ROLES.items():
            add_login(ada, name, role.value, PASSWORDS[name])
        source, file_store = open_project(prepared, create=False)
        with file_store:
            target = ReadingProject(ada.load(), journal=ada)
            for case in source.case_ids:
                target.add_subject(case, by="ada")
                for tp in source.timepoints(case):
                    assert tp.series is not None and not Path(tp.series.folder).is_absolute()
                    target.add_timepoint(case, tp.label, tp.scan_date, tp.series, by="ada")
        assert images_base(ada) is None  # not set yet
        if images:
            set_images_folder(ada, prepared.parent, "ada")
    return database.location


def on_server(database: PgDatabase, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(database.url, autocommit=True) as db:
        cursor = db.execute(sql)
        return cursor.fetchall() if cursor.description is not None else []


