"""Make ``schema5_project.db``: a reading project file as the release before schema 6 (main at
3d5405c: no ``registration`` table) wrote it.

Run with a checkout of that release, not this one::

    mkdir /tmp/release5 && git archive 3d5405c reviewer_gui recist tests | tar -x -C /tmp/release5
    python tests/data/sqlite-schema5/make_schema5_project.py /tmp/release5 OUT.db

Users ada (administrator), alice and bob (readers), carol (adjudicator), passwords
``NAME-pass-1234`` (bob: ``bob-pass-12345``); CASE-7 with three timepoints; alice's baseline
read (one target measured by a proposal she accepted, one non-target with its location point)
signed.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

release, out = Path(sys.argv[1]), Path(sys.argv[2])
# The release's own code, never the installed (editable) one.
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path[:0] = [str(release), str(release / "tests")]

import reviewer_gui  # noqa: E402

assert reviewer_gui.__file__ is not None and reviewer_gui.__file__.startswith(str(release))
from review.kit import CASE, DATES, PLANE, mm  # noqa: E402

from reviewer_gui.engine_adapter import RecistEngine  # noqa: E402
from reviewer_gui.reading import Category, Point, Provenance, State  # noqa: E402
from reviewer_gui.review import Role, add_user, sign_in  # noqa: E402
from reviewer_gui.store import SCHEMA_VERSION, Store  # noqa: E402

assert SCHEMA_VERSION == 5, f"the release at {release} writes schema {SCHEMA_VERSION}, not 5"
PASSWORDS = {"ada": "admin-pass-1234", "alice": "alice-pass-1234", "bob": "bob-pass-12345",
             "carol": "carol-pass-1234"}  # fmt: skip
ROLES = {"alice": Role.READER, "bob": Role.READER, "carol": Role.ADJUDICATOR}

with Store.open(out) as store:
    admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
    for name, role in ROLES.items():
        add_user(store, name, role, PASSWORDS[name], by=admin)
with sign_in(out, "ada", PASSWORDS["ada"], engine=RecistEngine()) as ada:
    ada.add_subject(CASE)
    for label, date in DATES.items():
        ada.add_timepoint(CASE, label, date)
with sign_in(out, "alice", PASSWORDS["alice"], engine=RecistEngine()) as alice:
    alice.add_lesion(CASE, Category.TARGET, "liver")
    alice.add_lesion(CASE, Category.NON_TARGET, "bone")
    alice.measure(CASE, "BASELINE", "T1", mm(30), PLANE, provenance=Provenance.PROPOSED)
    alice.set_state(CASE, "BASELINE", "NT1", State.PRESENT)
    alice.set_point(CASE, "NT1", "BASELINE", PLANE, Point(12.5, 40.0))
    alice.sign(CASE, "BASELINE", name="alice", password=PASSWORDS["alice"],
               meaning="Reviewed and approved as read")  # fmt: skip
db = sqlite3.connect(out)
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one self-contained file
db.close()
