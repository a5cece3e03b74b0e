"""Schema 5 on both backends (issues 15 and 17): a non-target's location point, a proposed
measurement's provenance and an undone first entry (retracted) are stored, reloaded and
audited the same way on SQLite and PostgreSQL, and another reader sees none of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pg_server import PgDatabase

from reviewer_gui.reading import Category, Point, Provenance, ReadKey, Segment, State
from reviewer_gui.store import SCHEMA_VERSION, StoreError, open_store
from reviewer_gui.store.postgres import PostgresStore, bootstrap, create_project

from .kit import CASE, PASSWORDS, PLANE, Backend, add_case, mm


def _assisted_read(backend: Backend) -> None:
    backend.create()
    add_case(backend)
    with backend.open("alice") as store:
        project = backend.project("alice", store)
        key = ReadKey(CASE, "alice")
        project.add_lesion(key, Category.TARGET, "liver")
        project.add_lesion(key, Category.NON_TARGET, "bone")
        project.add_lesion(key, Category.NON_TARGET, "lung")
        short = Segment(Point(40.0, 60.0), Point(60.0, 60.0))
        project.measure(key, "BASELINE", "T1", mm(20), PLANE, short_axis=short,
                        provenance=Provenance.PROPOSED)  # fmt: skip
        project.set_state(key, "BASELINE", "NT1", State.PRESENT)
        project.set_point(key, "NT1", "BASELINE", PLANE, Point(123.5, 88.25))
        project.set_state(key, "BASELINE", "NT2", State.PRESENT)
        project.retract_observation(key, "BASELINE", "NT2")  # the undo of a first entry


def _alice_rows(backend: Backend) -> list[tuple[str, dict[str, object]]]:
    with backend.open("alice") as store:
        if isinstance(store, PostgresStore):
            rows = store.database.execute(
                "SELECT action, after FROM audit_record WHERE reader = 'alice' "
                "ORDER BY seq").fetchall()  # fmt: skip
        else:
            rows = store.connection.execute(
                "SELECT action, after FROM audit_record WHERE reader = 'alice' "
                "ORDER BY seq").fetchall()  # fmt: skip
    return [(action, json.loads(after)) for action, after in rows]


def test_points_provenance_and_retractions_are_the_same_on_both_backends(
    tmp_path: Path, pg_database: PgDatabase
) -> None:
    lite = Backend("sqlite", str(tmp_path / "study.db"))
    pg = Backend("postgres", pg_database.location, pg_database.url)
    for backend in (lite, pg):
        _assisted_read(backend)
    key = ReadKey(CASE, "alice")
    with lite.open("alice") as a, pg.open("alice") as b:
        read = a.load(reader="alice").reads[key]
        assert b.load(reader="alice").reads[key] == read
    point = read.lesions["NT1"].point
    assert point is not None and (point.row, point.col, point.slice_index) == (123.5, 88.25, 11)
    t1 = read.observation("BASELINE", "T1")
    assert t1 is not None and t1.fragments[0].short_axis is not None
    assert t1.fragments[0].short_axis.provenance is Provenance.PROPOSED
    assert read.observation("BASELINE", "NT2") is None  # retracted
    for backend in (lite, pg):
        trail = _alice_rows(backend)
        assert trail[-1][0] == "retract-observation"
        assert trail[-1][1]["observation_version"][0]["retracted"] == 1
        measured = next(after for action, after in trail
                        if action == "save-observation" and "axis_measurement" in after)
        assert {r["provenance"] for r in measured["axis_measurement"]} == {"proposed"}
    for backend in (lite, pg):
        with backend.open("bob") as bob:  # a reader loads only their own read
            assert key not in bob.load(reader="bob").reads
    with pg.open("bob") as bob:  # and the server shows bob none of alice's rows
        assert isinstance(bob, PostgresStore)
        seen = bob.database.execute("SELECT count(*) FROM lesion_version").fetchone()
        assert seen is not None and seen[0] == 0


def test_a_postgresql_project_of_an_older_schema_is_refused_with_a_message(
    pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its tables would lack columns this program writes: refused when opened (the
    store_version row says which schema it is); ``test_upgrade`` upgrades a real one."""
    monkeypatch.setattr(bootstrap, "SCHEMA_VERSION", SCHEMA_VERSION - 1)
    create_project(pg_database.url, "ada", PASSWORDS["ada"]).close()
    monkeypatch.undo()
    with pytest.raises(StoreError, match=rf"schema version {SCHEMA_VERSION - 1} is older than "
                       rf"this program's \({SCHEMA_VERSION}\)"):
        open_store(pg_database.location, user="ada", password=PASSWORDS["ada"], create=False)
