"""The lesion x timepoint grid, computed by the engine from reads of the real sample scans."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

import recist
from reviewer_gui.reading import (
    Axis,
    Category,
    ImagePlane,
    Point,
    ReadingProject,
    ReadKey,
    Segment,
    State,
)

from .kit import SAMPLE_SCANS, add_sample_subject, gen, read_sample_subject, read_timepoint

CASES = ("SUBJ-001", "SUBJ-002", "SUBJ-003")


def truth_assessment(case_id: str) -> recist.SubjectAssessment:
    rows, _ = recist.read_measurements(SAMPLE_SCANS / "truth.csv")
    (assessment,) = recist.assess([r for r in rows if r.subject_id == case_id])
    return assessment


@pytest.mark.parametrize("case_id", CASES)
def test_the_grid_of_a_read_made_on_the_truths_geometry_is_the_truths_assessment(
    project: ReadingProject, case_id: str
) -> None:
    key = ReadKey(case_id, "alice")
    add_sample_subject(project, case_id)
    read_sample_subject(project, key)
    grid = project.grid(key)
    truth = truth_assessment(case_id)
    assert [c.label for c in grid.columns] == [t.timepoint for t in truth.timepoints]
    for column, expected in zip(grid.columns, truth.timepoints, strict=True):
        assert column.signed
        assert (column.target_sum_mm, column.baseline_sum_mm, column.nadir_mm) == (
            expected.target_sum_mm, expected.baseline_sum_mm, expected.nadir_mm)
        assert column.change_from_baseline_pct == expected.change_from_baseline_pct
        assert column.change_from_nadir_pct == expected.change_from_nadir_pct
        assert column.overall_response == (expected.overall_response and
                                           expected.overall_response.value)  # fmt: skip
        assert column.reason == expected.reason
    with (SAMPLE_SCANS / "truth.csv").open(encoding="utf-8") as f:
        truth_rows = [r for r in csv.DictReader(f) if r["subject_id"] == case_id]
    for row in truth_rows:
        index = gen.TIMEPOINTS.index(row["timepoint"])
        cell = grid.row(row["lesion_id"]).cells[index]
        assert cell is not None
        assert cell.long_axis_mm == Decimal(row["long_axis_mm"])
        assert cell.short_axis_mm == Decimal(row["short_axis_mm"])


def test_subj_001_partial_response_sums_changes_and_nadir(project: ReadingProject) -> None:
    key = ReadKey("SUBJ-001", "alice")
    add_sample_subject(project, "SUBJ-001")
    read_sample_subject(project, key)
    grid = project.grid(key)
    assert [c.target_sum_mm for c in grid.columns] == [60, 48, 36, 33]
    assert [c.target_response for c in grid.columns] == [None, "SD", "PR", "PR"]
    assert [c.change_from_baseline_pct for c in grid.columns] == [None, -20, -40, -45]
    assert [c.nadir_mm for c in grid.columns] == [None, 60, 48, 36]
    assert [c.is_nadir for c in grid.columns] == [False, False, False, True]
    assert "PR" in grid.column("M6").reason
    t1 = grid.row("T1")
    assert [c.diameter_mm for c in t1.cells if c] == [40, 32, 24, 22]
    nt1 = grid.row("NT1")
    assert [c.diameter_mm for c in nt1.cells if c] == [12, 11, 10, 10]  # a node: short axis


def test_subj_002_progression_by_a_new_lesion(project: ReadingProject) -> None:
    key = ReadKey("SUBJ-002", "bob")
    add_sample_subject(project, "SUBJ-002")
    read_sample_subject(project, key)
    grid = project.grid(key)
    assert [c.new_lesions for c in grid.columns] == [None, "N", "Y", "Y"]
    assert grid.column("M4").overall_response == "PD"
    assert grid.row("T2").lesion.is_node
    assert [c.diameter_mm for c in grid.row("T2").cells if c] == [18, 17, 18, 19]  # short axes
    assert grid.row("N1").cells[:2] == (None, None)


def test_the_grid_is_recomputed_whenever_the_model_changes(project: ReadingProject) -> None:
    key = ReadKey("SUBJ-001", "alice")
    add_sample_subject(project, "SUBJ-001")
    for label in gen.TIMEPOINTS[:3]:
        read_timepoint(project, key, label)
        project.sign(key, label)
    read_timepoint(project, key, "M6")
    grids: list[object] = []
    project.events.grid_changed.connect(lambda _key, grid: grids.append(grid))
    t1 = project.read(key).observation("M6", "T1")
    assert t1 is not None
    long = t1.fragments[0].long_axis.segment  # 22 mm; drag its end 4 pixels (8 mm) further
    project.set_axis(key, "M6", "T1", Axis.LONG,
                     Segment(long.start, Point(long.end.row, long.end.col + 4)))  # fmt: skip
    assert len(grids) == 1
    assert grids[0].column("M6").target_sum_mm == 41  # type: ignore[attr-defined]
    project.set_state(key, "M6", "T2", State.TOO_SMALL)
    assert project.grid(key).column("M6").target_sum_mm == 35  # 30 + the 5 mm default
    assert project.grid(key).row("T2").cells[3].diameter_mm == 5  # type: ignore[union-attr]
    project.clear_measurement(key, "M6", "T1")
    column = project.grid(key).column("M6")
    assert column.target_sum_mm is None and column.target_response == "NE"
    assert not project.grid(key).row("T1").cells[3].complete  # type: ignore[union-attr]


def test_a_split_target_counts_the_sum_of_its_fragments(project: ReadingProject) -> None:
    key = ReadKey("SUBJ-001", "alice")
    add_sample_subject(project, "SUBJ-001")
    read_timepoint(project, key, "BASELINE")
    project.sign(key, "BASELINE")
    read_timepoint(project, key, "M2")
    t1 = project.read(key).observation("M2", "T1")
    assert t1 is not None
    plane_axis = t1.fragments[0].long_axis
    plane = ImagePlane(plane_axis.slice_index, plane_axis.sop_instance_uid,
                       plane_axis.pixel_spacing_mm)  # fmt: skip
    project.clear_measurement(key, "M2", "T1")
    project.measure(key, "M2", "T1", Segment(Point(60, 40), Point(60, 45)), plane, fragment="a")
    project.measure(key, "M2", "T1", Segment(Point(70, 40), Point(70, 47)), plane, fragment="b")
    grid = project.grid(key)
    assert grid.row("T1").cells[1].fragments == 2  # type: ignore[union-attr]
    assert grid.column("M2").target_sum_mm == 10 + 14 + 16  # T1 = 10 + 14 mm, T2 16 mm
    assert grid.row("T1").lesion.category is Category.TARGET


def test_changes_are_shown_as_the_engine_prints_them_truncated_toward_zero(
        project: ReadingProject) -> None:
    """-30.1666... % shows as -30.16 % (never rounded to -30.17 %, nor to one decimal), as the
    CLI's responses.csv writes it (README: percentages truncated toward zero)."""
    key = ReadKey("SUBJ-001", "alice")
    add_sample_subject(project, "SUBJ-001")
    read_timepoint(project, key, "BASELINE")
    project.sign(key, "BASELINE")
    read_timepoint(project, key, "M2")
    t1 = project.read(key).observation("M2", "T1")
    assert t1 is not None
    axis = t1.fragments[0].long_axis
    plane = ImagePlane(axis.slice_index, axis.sop_instance_uid, axis.pixel_spacing_mm)
    project.clear_measurement(key, "M2", "T1")
    cols = Decimal("25.9") / Decimal(str(axis.pixel_spacing_mm[1]))  # T1 25.9 mm: sum 41.9
    project.measure(key, "M2", "T1", Segment(Point(60, 40), Point(60, 40 + float(cols))), plane)
    column = project.grid(key).column("M2")
    assert column.target_sum_mm == Decimal("41.9")
    assert column.change_from_baseline_shown == "-30.16 %"
    assert column.change_from_nadir_shown == "-30.16 %"
    assert project.grid(key).column("BASELINE").change_from_baseline_shown == ""
