"""Undo and redo of a reader's entries (issue 15, friction 3): the previous observation is put
back as a new version through the model's own operations; the history keeps every version;
a signed timepoint is never undone."""

from __future__ import annotations

import sqlite3

import pytest

from reviewer_gui.reading import (
    Axis,
    ImagePlane,
    Point,
    ReadingError,
    ReadingProject,
    ReadKey,
    Segment,
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
    project.set_state(KEY, "BASELINE", "NT1", State.NOT_EVALUATED)  # drops its diameters
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


def test_a_first_entry_and_a_signed_timepoint_are_not_undone(project: ReadingProject) -> None:
    add_sample_subject(project, "SUBJ-001")
    history = UndoHistory(project, KEY)
    read_timepoint(project, KEY, "BASELINE")
    with pytest.raises(ReadingError, match="had no entry before"):
        history.undo()
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
