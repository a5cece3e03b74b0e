"""Finding a lesion again at follow-up (issue 17, item 2), Qt-free: from a lesion's stored
points (measurement end points, location point) to the slice and frame a follow-up view is
brought to, on the sample scans' known geometry and on registration cases with known shifts."""

from __future__ import annotations

import numpy as np
import pytest
from reading.kit import add_sample_subject, read_timepoint, truth_axes, volume

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, Point, ReadingProject, ReadKey, plane_of
from reviewer_gui.sample_scans import generator as gen
from reviewer_gui.sample_scans import registration_cases as rc
from reviewer_gui.viewer.find_again import (
    FRAME_MM,
    Geometry,
    Sighting,
    last_sighting,
    patient_point,
    predicted_view,
)
from reviewer_gui.viewer.registration import (
    QUALITY_THRESHOLD,
    point_to_index,
    register_series,
)

from .case_series import CaseSeries, registered

KEY = ReadKey("SUBJ-001", "alice")
TOLERANCE_MM = 5.0  # the coarse grid's voxel; issue 17's target is 10 mm


def long_axis_spots(series: CaseSeries, centre: tuple[float, float, float], long_mm: float,
                    ) -> tuple[tuple[str, int, float, float], ...]:  # fmt: skip
    """A long axis through `centre` along x, on the slice nearest it."""
    k, row, col = point_to_index(series, centre)
    k = round(k)
    half = long_mm / 2 / series.spacing_mm[2]
    uid = series.sop_instance_uids[k]
    return (uid, k, row, col - half), (uid, k, row, col + half)


def frame_centre(frame: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    rows, cols = [p[0] for p in frame], [p[1] for p in frame]
    return (min(rows) + max(rows)) / 2, (min(cols) + max(cols)) / 2


def test_a_measurement_is_mapped_to_the_shifted_follow_up() -> None:
    earlier, follow, c, reg = registered("shift")
    les = rc.LESIONS[0]  # liver, 30 mm long
    sighting = Sighting("BASELINE", "1.2.3", long_axis_spots(earlier, les.center, les.long_mm),
                        measured=True)  # fmt: skip
    shown = predicted_view(sighting, earlier, follow, reg)
    assert shown is not None and shown.registered
    truth = c.truth_mm[0]
    _, row, col = point_to_index(follow, truth)
    # the same patient position would be 10 mm or more off: the prediction is not it
    assert np.linalg.norm(np.subtract(truth, les.center)) > 10
    assert abs(follow.slice_positions_mm[shown.slice_index] - truth[2]) <= (
        TOLERANCE_MM + follow.spacing_mm[0] / 2)  # fmt: skip
    r, cc = frame_centre(shown.frame)
    assert abs(r - row) * follow.spacing_mm[1] < TOLERANCE_MM
    assert abs(cc - col) * follow.spacing_mm[2] < TOLERANCE_MM
    ends = np.asarray(shown.frame)
    assert np.hypot(*((ends[1] - ends[0]) * follow.spacing_mm[1:])) == pytest.approx(
        les.long_mm, abs=1.0)  # a rigid movement keeps the lesion's size: the same zoom


def test_a_location_point_is_framed_where_the_registration_puts_it() -> None:
    earlier, follow, c, reg = registered("rotation")
    les = rc.LESIONS[4]  # the node
    k, row, col = point_to_index(earlier, les.center)
    spot = (earlier.sop_instance_uids[round(k)], round(k), row, col)
    shown = predicted_view(Sighting("BASELINE", "1.2.3", (spot,), measured=False), earlier,
                           follow, reg)  # fmt: skip
    assert shown is not None and shown.registered
    assert np.linalg.norm(np.subtract(shown.centre_mm, c.truth_mm[4])) < TOLERANCE_MM + 2.5
    (r0, c0), (r1, c1) = shown.frame
    assert (r1 - r0) * follow.spacing_mm[1] == pytest.approx(2 * FRAME_MM)
    assert (c1 - c0) * follow.spacing_mm[2] == pytest.approx(2 * FRAME_MM)


def test_a_poor_registration_predicts_nothing_and_says_why() -> None:
    earlier, follow, _, reg = registered("unrelated")
    assert reg.quality < QUALITY_THRESHOLD
    les = rc.LESIONS[0]
    sighting = Sighting("BASELINE", "1.2.3", long_axis_spots(earlier, les.center, les.long_mm),
                        measured=True)  # fmt: skip
    shown = predicted_view(sighting, earlier, follow, reg)
    assert shown is not None and not shown.registered and shown.frame == ()
    assert f"below {QUALITY_THRESHOLD:.2f}" in shown.reason
    assert "prior's slice position" in shown.reason
    # the same patient position: the slice the linked views show anyway
    assert follow.slice_positions_mm[shown.slice_index] == pytest.approx(les.center[2],
                                                                         abs=2.5)


def test_points_off_the_earlier_series_predict_nothing() -> None:
    earlier, follow, _, reg = registered("shift")
    spot = ("2.25.999999", 3, 10.0, 10.0)  # a slice of another series
    assert patient_point(earlier, spot) is None
    assert predicted_view(Sighting("M2", "x", (spot,), True), earlier, follow, reg) is None


def test_a_stale_slice_index_is_found_by_the_slices_uid() -> None:
    earlier, *_ = registered("shift")
    uid = earlier.sop_instance_uids[7]
    assert patient_point(earlier, (uid, 3, 1.0, 2.0)) == patient_point(earlier,
                                                                       (uid, 7, 1.0, 2.0))


# -- the read's stored points, on the sample scans ------------------------------------------
@pytest.fixture
def project() -> ReadingProject:
    p = ReadingProject(engine=RecistEngine())
    add_sample_subject(p, KEY.case_id)
    return p


def test_the_prior_measurement_comes_first_then_the_baseline(project: ReadingProject) -> None:
    read_timepoint(project, KEY, "BASELINE")
    project.sign(KEY, "BASELINE")
    seen = last_sighting(project.read(KEY), "T2", ["M2", "BASELINE"])
    assert seen is not None and seen.timepoint == "BASELINE" and seen.measured
    long, short, _ = truth_axes(KEY.case_id, "BASELINE", "T2")
    assert [s[2:] for s in seen.spots] == [(p.row, p.col) for a in (long, short)
                                           for p in (a.start, a.end)]  # fmt: skip
    assert seen.series_uid == volume(KEY.case_id, "BASELINE").series_uid
    read_timepoint(project, KEY, "M2")
    project.sign(KEY, "M2")
    at_m2 = last_sighting(project.read(KEY), "T2", ["M2", "BASELINE"])
    assert at_m2 is not None and at_m2.timepoint == "M2"
    assert at_m2.series_uid == volume(KEY.case_id, "M2").series_uid
    assert last_sighting(project.read(KEY), "T9", ["M2", "BASELINE"]) is None


def test_a_non_targets_location_point_is_its_sighting(project: ReadingProject) -> None:
    read_timepoint(project, KEY, "BASELINE")  # T1, T2, NT1 measured
    baseline = volume(KEY.case_id, "BASELINE")
    marked = project.add_lesion(KEY, Category.NON_TARGET, "bone")  # not measured: a point
    project.set_point(KEY, marked.lesion_id, "BASELINE", plane_of(baseline, 6),
                      Point(101.5, 77.25))  # fmt: skip
    read = project.read(KEY)
    seen = last_sighting(read, marked.lesion_id, ["M2", "BASELINE"])
    assert seen is not None and not seen.measured and seen.timepoint == "BASELINE"
    assert seen.spots == ((baseline.sop_instance_uids[6], 6, 101.5, 77.25),)
    assert seen.series_uid == baseline.series_uid
    assert last_sighting(read, marked.lesion_id, ["M2"]) is None  # not seen at M2


def test_the_sample_follow_up_slice_is_found_by_position_not_index(
        project: ReadingProject) -> None:
    """SUBJ-001's M2 lies 5 mm off the baseline's table position: T2 is on another slice
    index there, found by registration where it truly is."""
    read_timepoint(project, KEY, "BASELINE")
    baseline, m2 = volume(KEY.case_id, "BASELINE"), volume(KEY.case_id, "M2")
    seen = last_sighting(project.read(KEY), "T2", ["BASELINE"])
    assert seen is not None
    shown = predicted_view(seen, Geometry.of(baseline), m2, register_series(baseline, m2))
    assert shown is not None and shown.registered
    subject = next(s for s in gen.subjects() if s.subject_id == KEY.case_id)
    t2 = next(x for x in subject.lesions[1] if x.lesion_id == "T2")
    k_truth = m2.slice_positions_mm.index(t2.center[2])
    assert shown.slice_index == k_truth
    assert k_truth != seen.spots[0][1]  # not the baseline's slice index
    _, row, col = point_to_index(m2, t2.center)
    r, c = frame_centre(shown.frame)
    assert abs(r - row) < 1 and abs(c - col) < 1  # within a pixel (2 mm)
