"""The SQLite store: every change saved at once, append-only, reopened exactly."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

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
from reviewer_gui.store import APPLICATION_ID, SCHEMA_VERSION, Store, StoreError, open_project
from reviewer_gui.store.schema import TABLES

from .kit import ADMIN, Clock, add_sample_subject, gen, read_sample_subject, read_timepoint

PLANE = ImagePlane(3, "1.2.826.0.1.3", (0.7, 0.7))


def full_project(project: ReadingProject) -> None:
    """Two subjects, two readers, every kind of change (and superseded versions)."""
    add_sample_subject(project, "SUBJ-001")
    add_sample_subject(project, "SUBJ-002")
    read_sample_subject(project, ReadKey("SUBJ-001", "alice"))
    bob = ReadKey("SUBJ-002", "bob")
    read_timepoint(project, bob, "BASELINE")
    project.add_lesion(bob, Category.NON_TARGET, "liver", detail="segment VII")
    project.set_state(bob, "BASELINE", "NT1", State.PRESENT)
    project.add_lesion(bob, Category.TARGET, "lung")
    project.retire_lesion(bob, "T3")
    project.sign(bob, "BASELINE")
    read_timepoint(project, bob, "M2")
    project.set_state(bob, "M2", "NT1", State.PROGRESSION, reason="new satellite nodules")
    project.clear_measurement(bob, "M2", "T1")
    project.measure(bob, "M2", "T1", Segment(Point(60, 30), Point(60, 38.5)), PLANE,
                    fragment="a")  # fmt: skip
    project.measure(bob, "M2", "T1", Segment(Point(70, 30), Point(70, 41.25)), PLANE,
                    fragment="b", short_axis=Segment(Point(67, 35), Point(73, 35)))  # fmt: skip


def test_reopening_restores_the_model_exactly(tmp_path: Path) -> None:
    path = tmp_path / "reading.db"
    project, store = open_project(path, RecistEngine(), clock=Clock())
    full_project(project)
    store.close()
    reopened, store = open_project(path, RecistEngine())
    with store:
        assert reopened.state == project.state
        for key in reopened.state.reads:
            assert reopened.grid(key) == project.grid(key)
        bob = reopened.read(ReadKey("SUBJ-002", "bob"))
        assert bob.retired == frozenset({"T3"})
        assert bob.observation("M2", "NT1").reason == "new satellite nodules"  # type: ignore[union-attr]
        assert [f.name for f in bob.observation("M2", "T1").fragments] == ["a", "b"]  # type: ignore[union-attr]


def test_every_change_is_in_the_file_at_once_with_coordinates_slice_reader_and_time(
    stored: tuple[ReadingProject, Store],
) -> None:
    project, store = stored
    project.add_subject("CASE-9", by=ADMIN)
    project.add_timepoint("CASE-9", "BASELINE", dt.date(2024, 5, 2), by=ADMIN)
    key = ReadKey("CASE-9", "carol")
    project.add_lesion(key, Category.TARGET, "liver")
    segment = Segment(Point(10.25, 20.5), Point(40.75, 60.125))
    observation = project.measure(key, "BASELINE", "T1", segment, PLANE)
    other = sqlite3.connect(store.path)  # another connection sees the committed change
    row = other.execute(
        "SELECT slice_index, sop_instance_uid, start_row, start_col, end_row, end_col, "
        "row_spacing_mm, col_spacing_mm, length_mm, measured_by, measured_at "
        "FROM axis_measurement").fetchone()  # fmt: skip
    axis = observation.fragments[0].long_axis
    assert row == (3, "1.2.826.0.1.3", 10.25, 20.5, 40.75, 60.125, 0.7, 0.7,
                   str(axis.length_mm), "carol", axis.measured_at.isoformat())  # fmt: skip
    kinds = [k for (k,) in other.execute("SELECT kind FROM change_log ORDER BY change_id")]
    assert kinds == ["add-subject", "add-timepoint", "save-lesion", "save-observation"]
    other.close()


def test_an_edit_supersedes_and_never_deletes(stored: tuple[ReadingProject, Store]) -> None:
    project, store = stored
    project.add_subject("CASE-9", by=ADMIN)
    project.add_timepoint("CASE-9", "BASELINE", dt.date(2024, 5, 2), by=ADMIN)
    key = ReadKey("CASE-9", "carol")
    project.add_lesion(key, Category.TARGET, "liver")
    for length in (30, 32, 31):
        project.measure(key, "BASELINE", "T1", Segment(Point(5, 5), Point(5, 5 + length)), PLANE)
    lengths = [v for (v,) in store.connection.execute(
        "SELECT length_mm FROM axis_measurement ORDER BY change_id")]  # fmt: skip
    assert lengths == ["21.0", "22.4", "21.7"]
    current = store.load().reads[key].observation("BASELINE", "T1")
    assert current is not None
    assert current.fragments[0].long_axis.length_mm == Decimal("21.7")
    assert current == project.read(key).observation("BASELINE", "T1")


@pytest.fixture(scope="module")
def read_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project file holding a fully read and signed subject (rows in every table)."""
    path = tmp_path_factory.mktemp("append-only") / "reading.db"
    project, store = open_project(path, RecistEngine(), clock=Clock())
    add_sample_subject(project, "SUBJ-003")
    read_sample_subject(project, ReadKey("SUBJ-003", "dan"), sign=True)
    store.close()
    return path


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("statement", ["UPDATE {t} SET rowid = rowid", "DELETE FROM {t}"])
def test_recorded_rows_can_be_neither_changed_nor_deleted(
    read_file: Path, table: str, statement: str
) -> None:
    with Store.open(read_file) as store:
        count = store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert count > 0
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.connection.execute(statement.format(t=table))
        assert store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count


def test_the_file_is_a_versioned_wal_database_with_full_sync(
    stored: tuple[ReadingProject, Store],
) -> None:
    _, store = stored
    db = store.connection
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_files_that_are_not_reading_projects_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such reading project"):
        Store.open(tmp_path / "missing.db", create=False)
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(StoreError, match="an empty file, not a reading project"):
        Store.open(empty, create=False)
    assert empty.stat().st_size == 0
    text = tmp_path / "measurements.csv"
    text.write_text("subject_id,timepoint\n" * 200, encoding="utf-8")
    with pytest.raises(StoreError, match="not a reading project"):
        Store.open(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="not a reading project"):
        Store.open(other)
    newer = tmp_path / "newer.db"
    Store.open(newer).close()
    connection = sqlite3.connect(newer)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(StoreError, match="newer than this program"):
        Store.open(newer)


def test_a_change_the_store_cannot_save_is_not_applied(tmp_path: Path) -> None:
    project, store = open_project(tmp_path / "p.db", RecistEngine())
    add_sample_subject(project, "SUBJ-001")
    key = ReadKey("SUBJ-001", "alice")
    project.add_lesion(key, Category.TARGET, "liver")
    before = project.state
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        project.measure(key, gen.TIMEPOINTS[0], "T1", Segment(Point(1, 1), Point(1, 30)), PLANE)
    assert project.state == before
