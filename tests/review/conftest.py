from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.review import Role, Session, add_user, sign_in
from reviewer_gui.store import Store

from .kit import CASE, DATES

#: Each user's password (the administrator's first).
PASSWORDS = {"ada": "admin-pass-1", "alice": "alice-pass-1", "bob": "bob-pass-123",
             "carol": "carol-pass-1"}  # fmt: skip
ROLES = {"alice": Role.READER, "bob": Role.READER, "carol": Role.ADJUDICATOR}


def open_as(path: Path, name: str) -> Session:
    return sign_in(path, name, PASSWORDS[name], engine=RecistEngine())


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A project with its administrator ada, readers alice and bob, adjudicator carol, and
    one case with three timepoints added by ada."""
    return make_study(tmp_path)


def make_study(folder: Path) -> Path:
    """The ``study`` fixture's project, in ``folder``."""
    path = folder / "study.db"
    with Store.open(path) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
        for name, role in ROLES.items():
            add_user(store, name, role, PASSWORDS[name], by=admin)
    with open_as(path, "ada") as ada:
        ada.add_subject(CASE)
        for label, date in DATES.items():
            ada.add_timepoint(CASE, label, date)
    return path
