"""Helpers for the PostgreSQL tests: the study's users, a project on either backend, and
reads whose every free-text value carries its reader's secret (for the policy tests)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from pg_server import PgDatabase

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import (
    Category,
    ImagePlane,
    Point,
    ReadingProject,
    ReadKey,
    Segment,
    State,
)
from reviewer_gui.store import ProjectStore, Store, UserRecord, open_store
from reviewer_gui.store.postgres import PostgresStore, add_login, create_project
from reviewer_gui.store.verify import AuditReport, verify

CASE = "CASE-7"
DATES = {"BASELINE": dt.date(2024, 1, 8), "M2": dt.date(2024, 3, 4)}
PLANE = ImagePlane(11, "1.2.826.0.1.11", (0.5, 0.5))  # two pixels per millimetre
PASSWORDS = {"ada": "ada-password-1", "alice": "alice-password-1",
             "bob": "bob-password-12", "carol": "carol-password-1"}  # fmt: skip
ROLES = {"ada": "administrator", "alice": "reader", "bob": "reader", "carol": "adjudicator"}
#: What only each reader's read contains (details, reasons, meanings, a length).
SECRETS = {"alice": ("alice-secret", 23.5), "bob": ("bob-secret", 31.25)}


class Clock:
    """One second per call from a fixed instant (each user's own)."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


class Backend:
    """A project on SQLite (``location`` a path) or PostgreSQL (a URL without credentials,
    ``bootstrap`` the URL with the creating role's): stores opened as a user."""

    def __init__(self, kind: str, location: str, bootstrap: str | None = None) -> None:
        self.kind, self.location, self.bootstrap = kind, location, bootstrap

    def create(self) -> None:
        """The project with its administrator ada, readers alice and bob, adjudicator carol."""
        if self.kind == "postgres":
            assert self.bootstrap is not None
            create_project(self.bootstrap, "ada", PASSWORDS["ada"]).close()
            with PostgresStore.open(self.location, user="ada", password=PASSWORDS["ada"]) as ada:
                for name in ("alice", "bob", "carol"):
                    add_login(ada, name, ROLES[name], PASSWORDS[name])
            return
        with Store.open(Path(self.location)) as store:
            for name, role in ROLES.items():
                store.save_user(UserRecord(name, role, "scrypt:test"), by="ada", action="add-user")

    def open(self, user: str) -> ProjectStore:
        return open_store(self.location, user=user, password=PASSWORDS[user], create=False)

    def audit(self) -> AuditReport:
        """The audit trail as ``recist-review audit verify`` finds it (on PostgreSQL, as ada)."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.location) as db:
                return verify(db)
        with self.open("ada") as store:
            assert isinstance(store, PostgresStore)
            return verify(store.database)

    def project(self, user: str, store: ProjectStore) -> ReadingProject:
        only = user if ROLES[user] == "reader" else None
        return ReadingProject(store.load(reader=only), engine=RecistEngine(), journal=store,
                              clock=Clock())  # fmt: skip


def mm(length: float) -> Segment:
    return Segment(Point(50.0, 40.0), Point(50.0, 40.0 + 2 * length))


def add_case(backend: Backend) -> None:
    with backend.open("ada") as store:
        project = backend.project("ada", store)
        project.add_subject(CASE, by="ada")
        for label, date in DATES.items():
            project.add_timepoint(CASE, label, date, by="ada")


def project_with_case(database: PgDatabase) -> Backend:
    """A new project on ``database`` (the kit's users) where ada added the case."""
    backend = Backend("postgres", database.location, database.url)
    backend.create()
    add_case(backend)
    return backend


def read_case(backend: Backend, reader: str, *, complete: bool) -> None:
    """``reader``'s read of the case, every free text marked with their secret; signed,
    re-read and signed again at baseline; M2 signed too when ``complete``."""
    secret, length = SECRETS[reader]
    with backend.open(reader) as store:
        project = backend.project(reader, store)
        key = ReadKey(CASE, reader)
        project.add_lesion(key, Category.TARGET, "liver", detail=f"{secret}-detail")
        project.add_lesion(key, Category.NON_TARGET, "bone", detail=f"{secret}-bone")
        project.measure(key, "BASELINE", "T1", mm(length), PLANE)
        project.set_state(key, "BASELINE", "NT1", State.PRESENT)
        project.sign(key, "BASELINE", meaning=f"{secret}-meaning")
        project.reread(key, "BASELINE", reason=f"{secret}-reread")
        project.measure(key, "BASELINE", "T1", mm(length + 1), PLANE)
        project.sign(key, "BASELINE", meaning=f"{secret}-meaning-2")
        project.measure(key, "M2", "T1", mm(length - 2), PLANE)
        project.set_state(key, "M2", "NT1", State.PROGRESSION, reason=f"{secret}-progression")
        if complete:
            project.sign(key, "M2", meaning=f"{secret}-meaning-m2")
