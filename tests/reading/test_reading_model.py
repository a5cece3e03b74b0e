"""The reading model: lesion identity, the contract's states, fragments, events, locking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reviewer_gui.reading import (
    ALLOWED_STATES,
    Axis,
    Category,
    ImagePlane,
    LesionSaved,
    ObservationSaved,
    Point,
    ReadingError,
    ReadingProject,
    ReadKey,
    Segment,
    State,
    TimepointLocked,
)

from .kit import ADMIN

KEY = ReadKey("CASE-01", "alice")
PLANE = ImagePlane(4, "1.2.826.0.1.4", (0.5, 0.5))


def seg(length_px: float, row: float = 50.0) -> Segment:
    return Segment(Point(row, 10.0), Point(row, 10.0 + length_px))


@pytest.fixture
def ready(project: ReadingProject) -> ReadingProject:
    project.add_subject("CASE-01", by=ADMIN)
    project.add_timepoint("CASE-01", "M2", dt.date(2024, 3, 18), by=ADMIN)
    project.add_timepoint("CASE-01", "BASELINE", dt.date(2024, 1, 15), by=ADMIN)
    return project


def baseline_signed(project: ReadingProject) -> ReadingProject:
    project.add_lesion(KEY, Category.TARGET, "liver")
    project.measure(KEY, "BASELINE", "T1", seg(60), PLANE)  # 30 mm
    project.add_lesion(KEY, Category.NON_TARGET, "lung")
    project.set_state(KEY, "BASELINE", "NT1", State.PRESENT)
    project.sign(KEY, "BASELINE")
    return project


def test_timepoints_are_ordered_by_date_and_the_first_is_the_baseline(
    ready: ReadingProject,
) -> None:
    assert [tp.label for tp in ready.timepoints("CASE-01")] == ["BASELINE", "M2"]
    assert ready.read(KEY).baseline is not None
    assert ready.read(KEY).baseline.label == "BASELINE"  # type: ignore[union-attr]
    with pytest.raises(ReadingError, match="unique"):
        ready.add_timepoint("CASE-01", "M4", dt.date(2024, 3, 18), by=ADMIN)


def test_lesion_ids_follow_the_category_and_are_never_reused(ready: ReadingProject) -> None:
    ids = [ready.add_lesion(KEY, c, "liver").lesion_id
           for c in (Category.TARGET, Category.TARGET, Category.NON_TARGET, Category.NEW)]
    assert ids == ["T1", "T2", "NT1", "N1"]
    ready.retire_lesion(KEY, "T2")
    assert ready.add_lesion(KEY, Category.TARGET, "lung").lesion_id == "T3"
    with pytest.raises(ReadingError, match="already used"):
        ready.add_lesion(KEY, Category.TARGET, "lung", lesion_id="T2")
    with pytest.raises(ReadingError, match="does not fit a NON-TARGET"):
        ready.add_lesion(KEY, Category.NON_TARGET, "lung", lesion_id="T9")


@pytest.mark.parametrize(
    ("organ", "is_node", "expected"),
    [("lymph node", None, True), ("liver", None, False), ("liver", True, None),
     ("lymph node", False, None), ("Liver", None, None), ("gut", None, None)],
)  # fmt: skip
def test_location_is_a_pick_list_organ_consistent_with_the_nodal_flag(
    ready: ReadingProject, organ: str, is_node: bool | None, expected: bool | None
) -> None:
    if expected is None:
        with pytest.raises(ReadingError):
            ready.add_lesion(KEY, Category.TARGET, organ, is_node=is_node)
    else:
        lesion = ready.add_lesion(KEY, Category.TARGET, organ, is_node=is_node, detail=" hilar ")
        assert lesion.is_node is expected
        assert lesion.location == f"{organ}, hilar"


STATE_TABLE = [(c, s) for c in Category for s in State]


@pytest.mark.parametrize(("category", "state"), STATE_TABLE)
def test_states_follow_the_contracts_state_table(
    ready: ReadingProject, category: Category, state: State
) -> None:
    baseline_signed(ready)
    lesion = "T1" if category is Category.TARGET else "NT1"
    if category is Category.NEW:
        lesion = ready.add_lesion(KEY, Category.NEW, "bone").lesion_id
    reason = "new effusion" if state is State.PROGRESSION else ""
    if state in ALLOWED_STATES[category]:
        observation = ready.set_state(KEY, "M2", lesion, state, reason=reason)
        assert observation.state is state
        assert observation.reason == reason
    else:
        with pytest.raises(ReadingError, match="is not a state of"):
            ready.set_state(KEY, "M2", lesion, state, reason=reason)


def test_unequivocal_progression_needs_a_reason(ready: ReadingProject) -> None:
    baseline_signed(ready)
    with pytest.raises(ReadingError, match="needs a reason"):
        ready.set_state(KEY, "M2", "NT1", State.PROGRESSION, reason="   ")
    assert ready.read(KEY).observation("M2", "NT1") is None


def test_a_new_lesion_is_never_at_baseline(ready: ReadingProject) -> None:
    ready.add_lesion(KEY, Category.NEW, "liver")
    with pytest.raises(ReadingError, match="cannot be at baseline"):
        ready.measure(KEY, "BASELINE", "N1", seg(20), PLANE)


def test_a_measurement_records_where_it_was_drawn_who_drew_it_and_when(
    ready: ReadingProject,
) -> None:
    ready.add_lesion(KEY, Category.TARGET, "lymph node")
    long, short = seg(40), Segment(Point(40.0, 30.0), Point(60.5, 30.0))
    obs = ready.measure(KEY, "BASELINE", "T1", long, PLANE, short_axis=short)
    (fragment,) = obs.fragments
    assert obs.state is State.PRESENT
    assert fragment.long_axis.length_mm == 20 and fragment.short_axis is not None
    assert fragment.short_axis.length_mm == Decimal("10.3")  # 20.5 px x 0.5 mm, half up
    assert fragment.long_axis.segment == long
    assert fragment.long_axis.slice_index == 4
    assert fragment.long_axis.sop_instance_uid == "1.2.826.0.1.4"
    assert fragment.long_axis.measured_by == "alice"
    assert fragment.long_axis.measured_at.tzinfo is not None
    assert obs.diameter_mm(is_node=True) == fragment.short_axis.length_mm


def test_dragging_an_end_point_remeasures_on_the_same_slice(ready: ReadingProject) -> None:
    ready.add_lesion(KEY, Category.TARGET, "liver")
    ready.measure(KEY, "BASELINE", "T1", seg(40), PLANE)
    obs = ready.set_axis(KEY, "BASELINE", "T1", Axis.LONG, seg(50))
    assert obs.fragments[0].long_axis.length_mm == 25
    obs = ready.set_axis(KEY, "BASELINE", "T1", Axis.SHORT,
                         Segment(Point(40.0, 30.0), Point(70.0, 30.0)))  # fmt: skip
    assert obs.fragments[0].short_axis is not None
    assert obs.fragments[0].short_axis.length_mm == 15
    assert obs.fragments[0].short_axis.sop_instance_uid == PLANE.sop_instance_uid
    with pytest.raises(ReadingError, match="longer than the long axis"):
        ready.set_axis(KEY, "BASELINE", "T1", Axis.LONG, seg(20))


def test_a_split_target_is_measured_in_named_fragments_never_mixed_with_a_whole(
    ready: ReadingProject,
) -> None:
    baseline_signed(ready)
    ready.measure(KEY, "M2", "T1", seg(20), PLANE, fragment="a")
    obs = ready.measure(KEY, "M2", "T1", seg(16, row=80), PLANE, fragment="b")
    assert [f.name for f in obs.fragments] == ["a", "b"]
    assert obs.diameter_mm(is_node=False) == 18  # 10 + 8 mm
    with pytest.raises(ReadingError, match="clear its measurement first"):
        ready.measure(KEY, "M2", "T1", seg(30), PLANE)
    with pytest.raises(ReadingError, match="only a target"):
        ready.measure(KEY, "M2", "NT1", seg(30), PLANE, fragment="a")
    assert ready.clear_measurement(KEY, "M2", "T1", fragment="a").fragments[0].name == "b"


def test_a_state_other_than_present_drops_the_measurements(ready: ReadingProject) -> None:
    baseline_signed(ready)
    ready.measure(KEY, "M2", "T1", seg(40), PLANE)
    assert ready.set_state(KEY, "M2", "T1", State.PRESENT).fragments != ()
    assert ready.set_state(KEY, "M2", "T1", State.TOO_SMALL).fragments == ()


def test_the_model_refuses_states_meaningless_at_baseline(ready: ReadingProject) -> None:
    ready.add_lesion(KEY, Category.TARGET, "liver")
    ready.add_lesion(KEY, Category.NON_TARGET, "lung")
    ready.measure(KEY, "BASELINE", "T1", seg(40), PLANE)
    before = ready.state
    refused = [("T1", State.ABSENT), ("T1", State.MERGED), ("T1", State.NOT_EVALUATED),
               ("T1", State.TOO_SMALL), ("NT1", State.ABSENT), ("NT1", State.NOT_EVALUATED)]
    for lesion_id, state in refused:
        with pytest.raises(ReadingError, match=f"{state.value} means nothing at baseline"):
            ready.set_state(KEY, "BASELINE", lesion_id, state)
    with pytest.raises(ReadingError, match="PROGRESSION means nothing at baseline"):
        ready.set_state(KEY, "BASELINE", "NT1", State.PROGRESSION, reason="effusion grew")
    assert ready.state == before  # the measured T1 kept its diameter
    assert ready.set_state(KEY, "BASELINE", "NT1", State.PRESENT).state is State.PRESENT


def test_events_carry_typed_changes_then_the_recomputed_grid(ready: ReadingProject) -> None:
    seen: list[object] = []
    ready.events.lesion_saved.connect(lambda change: seen.append(("lesion", change)))
    ready.events.observation_saved.connect(lambda change: seen.append(("observation", change)))
    ready.events.grid_changed.connect(lambda key, grid: seen.append(("grid", key, grid)))
    ready.add_lesion(KEY, Category.TARGET, "liver")
    ready.measure(KEY, "BASELINE", "T1", seg(40), PLANE)
    kinds = [item[0] for item in seen]
    assert kinds == ["lesion", "grid", "observation", "grid"]
    assert isinstance(seen[0][1], LesionSaved)
    assert isinstance(seen[2][1], ObservationSaved)
    grid = seen[3][2]
    assert seen[3][1] == KEY
    assert grid.column("BASELINE").target_sum_mm == 20  # type: ignore[attr-defined]


def test_a_refused_action_changes_nothing_and_emits_nothing(ready: ReadingProject) -> None:
    ready.add_lesion(KEY, Category.TARGET, "liver")
    before = ready.state
    seen: list[object] = []
    ready.events.changed.connect(seen.append)
    no_spacing = ImagePlane(4, "1.2.3", None)
    with pytest.raises(ReadingError, match="no Pixel Spacing"):
        ready.measure(KEY, "BASELINE", "T1", seg(40), no_spacing)
    assert ready.state == before
    assert seen == []


def test_follow_ups_wait_for_a_signed_baseline(ready: ReadingProject) -> None:
    ready.add_lesion(KEY, Category.TARGET, "liver")
    with pytest.raises(ReadingError, match="sign the baseline BASELINE first"):
        ready.measure(KEY, "M2", "T1", seg(40), PLANE)


def test_baseline_lesions_are_chosen_before_the_baseline_is_signed(
    ready: ReadingProject,
) -> None:
    baseline_signed(ready)
    with pytest.raises(ReadingError, match="record a lesion that appeared since as NEW"):
        ready.add_lesion(KEY, Category.TARGET, "lung")
    assert ready.add_lesion(KEY, Category.NEW, "lung").lesion_id == "N1"


def test_a_signed_timepoint_is_locked(ready: ReadingProject) -> None:
    baseline_signed(ready)
    actions = [
        lambda: ready.measure(KEY, "BASELINE", "T1", seg(44), PLANE),
        lambda: ready.set_axis(KEY, "BASELINE", "T1", Axis.LONG, seg(44)),
        lambda: ready.set_state(KEY, "BASELINE", "NT1", State.ABSENT),
        lambda: ready.clear_measurement(KEY, "BASELINE", "T1"),
        lambda: ready.edit_lesion(KEY, "T1", detail="segment VII"),
        lambda: ready.retire_lesion(KEY, "NT1"),
        lambda: ready.sign(KEY, "BASELINE"),
    ]
    before = ready.state
    for action in actions:
        with pytest.raises(TimepointLocked, match="signed"):
            action()
    assert ready.state == before


def test_two_readers_read_the_same_subject_independently(ready: ReadingProject) -> None:
    bob = ReadKey("CASE-01", "bob")
    baseline_signed(ready)
    ready.add_lesion(bob, Category.TARGET, "lung")
    ready.measure(bob, "BASELINE", "T1", seg(30), PLANE)
    assert ready.readers("CASE-01") == ("alice", "bob")
    assert ready.read(bob).lesions["T1"].organ == "lung"
    assert ready.read(KEY).lesions["T1"].organ == "liver"
    assert ready.is_signed(KEY, "BASELINE") and not ready.is_signed(bob, "BASELINE")
    assert ready.grid(bob).column("BASELINE").target_sum_mm == 15
