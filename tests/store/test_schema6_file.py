"""A project file of schema 5, as the previous release wrote it (``tests/data/sqlite-schema5``),
is upgraded to schema 6 when it is opened: the registrations table added (one audit record
says so), nothing else changed, the trail intact, and the table in use at once."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Provenance, ReadKey
from reviewer_gui.review import sign_in
from reviewer_gui.store import SCHEMA_VERSION, Store
from reviewer_gui.store.derived import StoredRegistration
from reviewer_gui.store.verify import connect, verify

FIXTURE = Path(__file__).parent.parent / "data" / "sqlite-schema5" / "schema5_project.db"
ALICE = "alice-pass-1234"


def test_a_schema_5_file_is_upgraded_to_6_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    shutil.copyfile(FIXTURE, path)
    with sqlite3.connect(path) as old:
        assert old.execute("PRAGMA user_version").fetchone() == (5,)
        tables = {r[0] for r in old.execute("SELECT name FROM sqlite_schema")}
        assert "registration" not in tables
        before = old.execute("SELECT * FROM audit_record ORDER BY seq").fetchall()
    with Store.open(path, create=False) as store:
        kept = StoredRegistration("alice", "1.2.1", "1.2.2", "a" * 64, "m", "{}",
                                  "2026-12-06T12:00:00+00:00")  # fmt: skip
        store.keep_registration(kept)
        assert store.registrations("alice", "1.2.1", "1.2.2") == [kept]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (6,)
        after = db.execute("SELECT * FROM audit_record ORDER BY seq").fetchall()
        triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE tbl_name = "
                                             "'registration' AND type = 'trigger'")}  # fmt: skip
    assert after[:-1] == before  # one record more: the upgrade (the registration: none)
    upgrade = after[-1]
    assert upgrade[3] == "upgrade-schema"
    assert upgrade[9] == "schema 5 -> 6: added tables registration"
    assert triggers == set()  # derived data: replaced, not append-only
    report = verify(connect(path))
    assert report.intact, report.problems
    with sign_in(path, "alice", ALICE, engine=RecistEngine()) as alice:  # the read as before
        t1 = alice.read_of(ReadKey("CASE-7", "alice")).observation("BASELINE", "T1")
        assert t1 is not None and t1.fragments[0].long_axis.provenance is Provenance.PROPOSED
