"""Signing: the engine's baseline conformance (RECIST 1.1 sections 3.1-3.3) and complete
follow-ups, refused with the findings beside the offending lesions; a signed timepoint locks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reviewer_gui.reading import (
    Category,
    ImagePlane,
    Point,
    ReadingProject,
    ReadKey,
    Segment,
    SeriesRef,
    SigningRefused,
    State,
)

from .kit import ADMIN

KEY = ReadKey("CASE-02", "alice")
MM = ImagePlane(7, "1.2.826.0.1.7", (1.0, 1.0))  # one pixel = one millimetre

# (category, organ, long axis mm, short axis mm or None, state)
Entry = tuple[Category, str, float, float | None, State]
T, NT = Category.TARGET, Category.NON_TARGET
P = State.PRESENT


def seg(mm: float, row: float) -> Segment:
    return Segment(Point(row, 5.0), Point(row, 5.0 + mm))


def perpendicular(mm: float, row: float) -> Segment:
    return Segment(Point(row - mm / 2, 10.0), Point(row + mm / 2, 10.0))


def record_baseline(project: ReadingProject, entries: list[Entry], thickness: str = "5") -> None:
    project.add_subject("CASE-02", by=ADMIN)
    series = SeriesRef("1.2.1", "1.2.2", "/scans/CASE-02/BASELINE", Decimal(thickness))
    project.add_timepoint("CASE-02", "BASELINE", dt.date(2024, 2, 5), series, by=ADMIN)
    project.add_timepoint("CASE-02", "M2", dt.date(2024, 4, 8), by=ADMIN)
    project.add_timepoint("CASE-02", "M4", dt.date(2024, 6, 3), by=ADMIN)
    for row, (category, organ, long, short, state) in enumerate(entries, start=1):
        lesion = project.add_lesion(KEY, category, organ)
        if state is State.PRESENT and (category is T or short is not None):
            short_axis = None if short is None else perpendicular(short, 20.0 * row)
            project.measure(KEY, "BASELINE", lesion.lesion_id, seg(long, 20.0 * row), MM,
                            short_axis=short_axis)  # fmt: skip
        elif state is not State.PRESENT or category is NT:
            project.set_state(KEY, "BASELINE", lesion.lesion_id, state)


FIVE_ORGANS = ["liver", "lung", "kidney", "bone", "spleen", "adrenal gland"]

BASELINE_RULES: list[tuple[str, list[Entry], str, dict[str, str]]] = [
    ("conforming", [(T, "liver", 20, None, P), (T, "lung", 15, None, P),
                    (NT, "liver", 0, None, P)], "5", {}),
    ("a 6th target", [(T, organ, 20, None, P) for organ in FIVE_ORGANS], "5",
     {"T6": "6 target lesions at baseline, at most 5"}),
    ("3 targets in one organ", [(T, "liver", 20, None, P)] * 3, "5",
     {"T1": "3 target lesions in liver", "T3": "at most 2 per organ"}),
    ("a 9.9 mm target", [(T, "liver", 9.9, None, P)], "5", {"T1": "long axis 9.9 mm < 10"}),
    ("10 mm is measurable", [(T, "liver", 10, None, P)], "5", {}),
    ("7 mm slices need 14 mm", [(T, "liver", 13.9, None, P)], "7",
     {"T1": "< 14"}),
    ("14 mm on 7 mm slices", [(T, "liver", 14, None, P)], "7", {}),
    ("a 14 mm nodal short axis", [(T, "lymph node", 20, 14, P)], "5",
     {"T1": "short axis 14.0 mm < 15"}),
    ("a 15 mm nodal short axis", [(T, "lymph node", 20, 15, P)], "5", {}),
    ("a nodal target without its short axis", [(T, "lymph node", 20, None, P)], "5",
     {"T1": "without its short axis"}),
    ("no lesion at all", [], "5", {"": "no lesion recorded at baseline"}),
]  # fmt: skip


# A non-target absent or a target too small at baseline never reach the signature: the model
# refuses those states at baseline (test_reading_model: states meaningless at baseline).


@pytest.mark.parametrize(("entries", "thickness", "expected"),
                         [case[1:] for case in BASELINE_RULES],
                         ids=[case[0] for case in BASELINE_RULES])  # fmt: skip
def test_baseline_signing_runs_the_engines_conformance(
    project: ReadingProject, entries: list[Entry], thickness: str, expected: dict[str, str]
) -> None:
    record_baseline(project, entries, thickness)
    if not expected:
        signature = project.sign(KEY, "BASELINE")
        assert signature.signed_by == "alice"
        assert project.is_signed(KEY, "BASELINE")
        return
    with pytest.raises(SigningRefused) as refused:
        project.sign(KEY, "BASELINE")
    assert not project.is_signed(KEY, "BASELINE")
    findings = refused.value.findings
    for lesion_id, text in expected.items():
        assert any(text in message for message in findings[lesion_id]), findings
    grid = project.grid(KEY)  # the same findings stay beside their lesions in the grid
    for lesion_id in expected:
        if lesion_id and "without its" not in expected[lesion_id]:
            assert grid.row(lesion_id).findings == findings[lesion_id]


def test_the_sixth_target_made_non_target_lets_the_baseline_be_signed(
    project: ReadingProject,
) -> None:
    record_baseline(project, [(T, organ, 20, None, P) for organ in FIVE_ORGANS])
    with pytest.raises(SigningRefused, match="make T6 non-target"):
        project.sign(KEY, "BASELINE")
    project.retire_lesion(KEY, "T6")
    project.add_lesion(KEY, NT, "adrenal gland")
    project.set_state(KEY, "BASELINE", "NT1", State.PRESENT)
    project.sign(KEY, "BASELINE")
    assert project.grid(KEY).column("BASELINE").target_sum_mm == 100


BASE: list[Entry] = [(T, "liver", 30, None, P), (T, "lymph node", 26, 18, P),
                     (NT, "lung", 0, None, P)]  # fmt: skip


@pytest.mark.parametrize(
    ("entries", "refused"),
    [
        ({"T1": 24, "NT1": P}, {"T2": "no entry at M2: give it a value or a state"}),
        ({"T1": 24, "T2": P, "NT1": P}, {"T2": "PRESENT at M2 without its short axis"}),
        ({"T1": 24, "T2": (20, 12)}, {"NT1": "no entry at M2: give it a state"}),
        ({"T1": State.ABSENT, "T2": State.TOO_SMALL, "NT1": State.NOT_EVALUATED}, {}),
        ({"T1": 24, "T2": State.MERGED, "NT1": State.ABSENT}, {}),
        ({"T1": 24, "T2": (20, 9), "NT1": P}, {}),
    ],
)
def test_a_follow_up_needs_a_value_or_a_state_for_every_baseline_lesion(
    project: ReadingProject, entries: dict[str, object], refused: dict[str, str]
) -> None:
    record_baseline(project, BASE)
    project.sign(KEY, "BASELINE")
    for row, (lesion_id, entry) in enumerate(entries.items(), start=1):
        if isinstance(entry, State):
            project.set_state(KEY, "M2", lesion_id, entry)
        elif isinstance(entry, tuple):
            project.measure(KEY, "M2", lesion_id, seg(entry[0], 20.0 * row), MM,
                            short_axis=perpendicular(entry[1], 20.0 * row))  # fmt: skip
        else:
            project.measure(KEY, "M2", lesion_id, seg(float(entry), 20.0 * row), MM)  # type: ignore[arg-type]
    if not refused:
        project.sign(KEY, "M2")
        assert project.is_signed(KEY, "M2")
        return
    with pytest.raises(SigningRefused) as error:
        project.sign(KEY, "M2")
    for lesion_id, text in refused.items():
        assert any(text in message for message in error.value.findings[lesion_id])
    assert set(error.value.findings) == set(refused)


def test_a_new_lesion_once_recorded_is_followed(project: ReadingProject) -> None:
    record_baseline(project, BASE)
    project.sign(KEY, "BASELINE")
    project.add_lesion(KEY, Category.NEW, "bone")
    project.set_state(KEY, "M2", "T1", State.ABSENT)
    with pytest.raises(SigningRefused, match="new lesion has no observation"):
        project.sign(KEY, "M2")
    project.set_state(KEY, "M2", "T2", State.ABSENT)
    project.set_state(KEY, "M2", "NT1", State.ABSENT)
    project.set_state(KEY, "M2", "N1", State.EQUIVOCAL)
    project.sign(KEY, "M2")
    for lesion_id in ("T1", "T2", "NT1"):
        project.set_state(KEY, "M4", lesion_id, State.ABSENT)
    with pytest.raises(SigningRefused, match="N1: NEW lesion has no entry at M4"):
        project.sign(KEY, "M4")
    project.set_state(KEY, "M4", "N1", State.PRESENT)
    project.sign(KEY, "M4")
    column = project.grid(KEY).column("M4")
    assert (column.new_lesions, column.overall_response) == ("Y", "PD")
