"""Undo and redo of a reader's entries (issue 15, friction 3): the previous observation is put
back as a new version through the model's own operations; the history keeps every version;
a signed timepoint is never undone."""

from __future__ import annotations

import sqlite3

import pytest

from reviewer_gui.reading import (
    Axis,
    Category,
    ImagePlane,
    Point,
    ReadingError,
    ReadingProject,
    ReadKey,
    Segment,
    SigningRefused,
    State,
    TimepointLocked,
)
from reviewer_gui.reading.undo import UndoHistory
from reviewer_gui.store import Store

from .kit import add_sample_subject, read_timepoint

KEY = ReadKey("SUBJ-001", "alice")


def test_undo_and_redo_put_back_each_previous_entry(project: ReadingProject) -> None:
    add_sample_subject(project, "SUBJ-001")
    history = UndoHistory(project, KEY)
    read_timepoint(project, KEY, "BASELINE")
    first = project.read(KEY).observation("BASELINE", "T1")
    assert first is not None
    long = first.fragments[0].long_axis.segment
    project.set_axis(KEY, "BASELINE", "T1", Axis.LONG,
                     Segment(long.start, Point(long.end.row, long.end.col + 3)))  # fmt: skip
    measured = project.read(KEY).observation("BASELINE", "NT1")
    project.clear_measurement(KEY, "BASELINE", "NT1")  # drops its diameters
    history.undo()  # NT1 measured again, the same end points
    nt1 = project.read(KEY).observation("BASELINE", "NT1")
    assert nt1 is not None and measured is not None and nt1.state is State.PRESENT
    assert [f.long_axis.segment for f in nt1.fragments] == [
        f.long_axis.segment for f in measured.fragments]
    assert nt1.diameter_mm(is_node=True) == measured.diameter_mm(is_node=True)
    history.undo()  # T1's drag undone: its length as first measured
    t1 = project.read(KEY).observation("BASELINE", "T1")
    assert t1 is not None
    assert t1.fragments[0].long_axis.segment == long
    assert t1.fragments[0].long_axis.length_mm == first.fragments[0].long_axis.length_mm
    history.redo()
    t1 = project.read(KEY).observation("BASELINE", "T1")
    assert t1 is not None and t1.fragments[0].long_axis.segment != long
    project.set_state(KEY, "BASELINE", "NT1", State.PRESENT)  # a new entry ends the redo
    with pytest.raises(ReadingError, match="nothing to redo"):
        history.redo()


def test_a_signed_timepoint_is_not_undone(project: ReadingProject) -> None:
    add_sample_subject(project, "SUBJ-001")
    history = UndoHistory(project, KEY)
    read_timepoint(project, KEY, "BASELINE")
    t1 = project.read(KEY).observation("BASELINE", "T1")
    assert t1 is not None
    axis = t1.fragments[0].long_axis
    plane = ImagePlane(axis.slice_index, axis.sop_instance_uid, axis.pixel_spacing_mm,
                       axis.series_uid)  # fmt: skip
    project.measure(KEY, "BASELINE", "T1", Segment(Point(60, 40), Point(60, 52)), plane)
    project.sign(KEY, "BASELINE")
    with pytest.raises(TimepointLocked):
        history.undo()
    assert project.read(KEY).observation("BASELINE", "T1") is not None
    history.close()


def test_an_undo_is_stored_as_new_versions_and_audited(
        stored: tuple[ReadingProject, Store]) -> None:
    project, store = stored
    add_sample_subject(project, "SUBJ-001")
    history = UndoHistory(project, KEY)
    read_timepoint(project, KEY, "BASELINE")
    project.clear_measurement(KEY, "BASELINE", "T1")
    db = sqlite3.connect(store.path)
    try:
        def versions() -> int:
            return int(db.execute("SELECT count(*) FROM observation_version WHERE lesion_id = "
                                  "'T1'").fetchone()[0])  # fmt: skip

        def audited() -> int:
            return int(db.execute("SELECT count(*) FROM audit_record").fetchone()[0])

        before, records = versions(), audited()
        history.undo()  # cleared, then measured again: two new versions, nothing deleted
        assert versions() == before + 2 and audited() > records
    finally:
        db.close()


def test_undoing_a_first_entry_retracts_it_and_redo_restores_it(
        stored: tuple[ReadingProject, Store]) -> None:
    project, store = stored
    add_sample_subject(project, "SUBJ-001")
    read_timepoint(project, KEY, "BASELINE")
    history = UndoHistory(project, KEY)
    project.add_lesion(KEY, Category.NON_TARGET, "bone")
    project.set_state(KEY, "BASELINE", "NT2", State.PRESENT)  # NT2's first entry
    entered = project.read(KEY).observation("BASELINE", "NT2")
    assert history.undo().lesion_id == "NT2"
    assert project.read(KEY).observation("BASELINE", "NT2") is None
    assert store.load().reads[KEY].observation("BASELINE", "NT2") is None  # as recorded
    db = sqlite3.connect(store.path)
    try:
        rows = db.execute("SELECT state, retracted FROM observation_version WHERE lesion_id "
                          "= 'NT2' ORDER BY change_id").fetchall()  # fmt: skip
        assert rows == [("PRESENT", 0), ("PRESENT", 1)]  # the entry kept, then taken back
        action, before = db.execute("SELECT action, before FROM audit_record ORDER BY seq "
                                    "DESC LIMIT 1").fetchone()  # fmt: skip
        assert action == "retract-observation" and '"lesion_id":"NT2"' in before
    finally:
        db.close()
    with pytest.raises(SigningRefused, match="cannot be signed"):
        project.sign(KEY, "BASELINE")  # NT2 has no entry again
    history.redo()
    restored = project.read(KEY).observation("BASELINE", "NT2")
    assert restored is not None and entered is not None and restored.state is entered.state
    assert store.load().reads[KEY].observation("BASELINE", "NT2") == restored
    project.add_lesion(KEY, Category.NON_TARGET, "liver")
    with pytest.raises(ReadingError, match="NT3 has no entry at BASELINE to take back"):
        project.retract_observation(KEY, "BASELINE", "NT3")
