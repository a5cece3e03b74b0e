"""Schema 5's reading records (issues 15 and 17): a non-target's or new lesion's location
point, and each measured axis' provenance (drawn, proposed and accepted, proposed and
adjusted), in the model and as the SQLite file keeps them."""

from __future__ import annotations

import json
import sqlite3

import pytest

from reviewer_gui.reading import (
    Axis,
    Category,
    ImagePlane,
    Point,
    Provenance,
    ReadingError,
    ReadingProject,
    ReadKey,
    Segment,
    State,
    TimepointLocked,
)
from reviewer_gui.store import Store

from .kit import add_sample_subject, read_timepoint

KEY = ReadKey("SUBJ-001", "alice")


def plane_of_t1(project: ReadingProject) -> ImagePlane:
    t1 = project.read(KEY).observation("BASELINE", "T1")
    assert t1 is not None
    axis = t1.fragments[0].long_axis
    return ImagePlane(axis.slice_index, axis.sop_instance_uid, axis.pixel_spacing_mm,
                      axis.series_uid)  # fmt: skip


def test_a_non_target_is_marked_at_baseline_kept_and_audited(
        stored: tuple[ReadingProject, Store]) -> None:
    project, store = stored
    add_sample_subject(project, "SUBJ-001")
    read_timepoint(project, KEY, "BASELINE")
    plane = plane_of_t1(project)
    marked = project.set_point(KEY, "NT1", "BASELINE", plane, Point(101.5, 77.25))
    point = marked.point
    assert point is not None and (point.row, point.col) == (101.5, 77.25)
    assert point.sop_instance_uid == plane.sop_instance_uid and point.timepoint == "BASELINE"
    assert point.series_uid  # the series the baseline is read on
    assert store.load().reads[KEY].lesions["NT1"] == marked  # as stored
    project.edit_lesion(KEY, "NT1", detail="right hilum")  # an edit keeps the point
    assert project.read(KEY).lesions["NT1"].point == point
    db = sqlite3.connect(store.path)
    try:
        action, after = db.execute(
            "SELECT action, after FROM audit_record WHERE lesion_id = 'NT1' AND after LIKE "
            "'%point_row%101.5%' ORDER BY seq LIMIT 1").fetchone()  # fmt: skip
        versions = db.execute("SELECT count(*) FROM lesion_version WHERE lesion_id = 'NT1'"
                              ).fetchone()[0]  # fmt: skip
    finally:
        db.close()
    assert action == "save-lesion" and versions == 3  # added, marked, edited: append-only
    row = json.loads(after)["lesion_version"][0]
    assert (row["point_slice_index"], row["point_col"]) == (plane.slice_index, 77.25)


def test_a_point_marks_only_a_non_target_at_baseline_or_a_new_lesion_later(
        project: ReadingProject) -> None:
    add_sample_subject(project, "SUBJ-001")
    read_timepoint(project, KEY, "BASELINE")
    plane = plane_of_t1(project)
    with pytest.raises(ReadingError, match="T1 is a target: it is found by its caliper"):
        project.set_point(KEY, "T1", "BASELINE", plane, Point(1, 1))
    with pytest.raises(ReadingError, match="finite"):
        project.set_point(KEY, "NT1", "BASELINE", plane, Point(float("nan"), 1))
    project.sign(KEY, "BASELINE")
    with pytest.raises(TimepointLocked):
        project.set_point(KEY, "NT1", "BASELINE", plane, Point(1, 1))
    new = project.add_lesion(KEY, Category.NEW, "bone")
    with pytest.raises(ReadingError, match="cannot be at baseline"):
        project.set_point(KEY, new.lesion_id, "BASELINE", plane, Point(5, 5))
    m2 = project.set_point(KEY, new.lesion_id, "M2", ImagePlane(3, "1.2.3.4", (0.7, 0.7)),
                           Point(5, 6))  # fmt: skip
    assert m2.point is not None and m2.point.timepoint == "M2"


def test_provenance_is_recorded_per_axis_and_a_drag_makes_a_proposal_adjusted(
        stored: tuple[ReadingProject, Store]) -> None:
    project, store = stored
    add_sample_subject(project, "SUBJ-001")
    read_timepoint(project, KEY, "BASELINE")
    plane = plane_of_t1(project)
    long = Segment(Point(60, 40), Point(60, 70))
    short = Segment(Point(50, 55), Point(70, 55))
    project.measure(KEY, "BASELINE", "T1", long, plane, short_axis=short,
                    provenance=Provenance.PROPOSED)  # fmt: skip
    t1 = project.read(KEY).observation("BASELINE", "T1")
    assert t1 is not None
    assert [t1.fragments[0].long_axis.provenance, t1.fragments[0].short_axis.provenance] == [
        Provenance.PROPOSED, Provenance.PROPOSED]  # type: ignore[union-attr]
    project.set_axis(KEY, "BASELINE", "T1", Axis.SHORT, Segment(Point(48, 55), Point(70, 55)))
    t1 = store.load().reads[KEY].observation("BASELINE", "T1")
    assert t1 is not None and t1.fragments[0].short_axis is not None
    assert t1.fragments[0].long_axis.provenance is Provenance.PROPOSED
    assert t1.fragments[0].short_axis.provenance is Provenance.ADJUSTED
    project.set_state(KEY, "BASELINE", "NT1", State.PRESENT)
    nt = project.read(KEY).observation("BASELINE", "NT1")
    assert nt is not None
    drawn = project.read(KEY).observation("BASELINE", "T2")
    assert drawn is not None and drawn.fragments[0].long_axis.provenance is Provenance.DRAWN
    db = sqlite3.connect(store.path)
    try:
        stored_kinds = {r[0] for r in db.execute("SELECT provenance FROM axis_measurement")}
    finally:
        db.close()
    assert stored_kinds == {"drawn", "proposed", "adjusted"}
