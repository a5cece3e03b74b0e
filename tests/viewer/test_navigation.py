"""Slice navigation (clamped) and linked scrolling by patient position, not by index."""

from __future__ import annotations

import pytest

from reviewer_gui.viewer import SliceLink, SliceNavigator

UP = (0.0, 0.0, 1.0)


def stack(z0: float, n: int = 20, step: float = 5.0) -> list[float]:
    return [z0 + step * k for k in range(n)]


def points(zs: list[float]) -> list[tuple[float, float, float]]:
    return [(-159.0, -159.0, z) for z in zs]


def test_step_is_clamped_at_both_ends_and_reports_changes() -> None:
    nav = SliceNavigator(stack(-100), index=1)
    seen: list[int] = []
    nav.subscribe(seen.append)
    assert nav.step(-1) and nav.index == 0
    assert not nav.step(-1) and nav.index == 0  # already at the end: nothing happens
    assert nav.step(100) and nav.index == 19
    assert seen == [0, 19]


def test_starts_in_the_middle_and_rejects_bad_stacks() -> None:
    assert SliceNavigator(stack(0, 7)).index == 3
    with pytest.raises(ValueError, match="at least one"):
        SliceNavigator([])
    with pytest.raises(ValueError, match="sorted"):
        SliceNavigator([0.0, 5.0, 2.0])


@pytest.mark.parametrize(
    ("position", "index"),
    [(-200, 0), (-100, 0), (-97.5, 0), (-97.4, 1), (-96, 1), (-5, 19), (50, 19)],
)
def test_nearest_slice_to_a_position(position: float, index: int) -> None:
    assert SliceNavigator(stack(-100)).nearest(position) == index


def test_linked_scrolling_follows_patient_position_not_slice_index() -> None:
    prior_z, current_z = stack(-100), stack(-95)  # the table moved 5 mm between scans
    prior, current = SliceNavigator(prior_z), SliceNavigator(current_z)
    SliceLink(prior, points(prior_z), UP, current, points(current_z), UP)
    prior.go_to(5)  # z = -75
    assert current.index == 4 and current.position_mm == -75
    current.step(3)  # z = -60 on the current scan
    assert prior.position_mm == -60 and prior.index == 8
    current.go_to(19)  # z = 0: beyond the prior, which stops at its top slice
    assert prior.index == 19 and prior.position_mm == -5


def test_linked_scrolling_with_opposite_slice_normals() -> None:
    first_z = stack(-100)
    second_normal = (0.0, 0.0, -1.0)  # positions along -z: ascending means going down
    second_pos = sorted(-z for z in stack(-90))
    second_points = [(0.0, 0.0, -p) for p in second_pos]
    first, second = SliceNavigator(first_z), SliceNavigator(second_pos)
    SliceLink(first, points(first_z), UP, second, second_points, second_normal)
    first.go_to(8)  # z = -60 (both start in their middle slice)
    assert second_points[second.index][2] == -60
    second.go_to(0)  # the top of the second stack, z = +5: the first stops at z = -5
    assert first.position_mm == -5


def test_lock_offset_keeps_a_chosen_pair_together() -> None:
    a_z, b_z = stack(-100), stack(-100)
    a, b = SliceNavigator(a_z), SliceNavigator(b_z)
    link = SliceLink(a, points(a_z), UP, b, points(b_z), UP)
    link.enabled = False
    b.go_to(a.index + 2)  # the reader aligns anatomy 10 mm apart by hand
    link.enabled = True
    assert link.lock_offset() == pytest.approx(10)
    a.step(-3)
    assert b.position_mm - a.position_mm == pytest.approx(10)
    b.step(4)
    assert b.position_mm - a.position_mm == pytest.approx(10)


def test_a_closed_link_no_longer_moves_the_other_stack() -> None:
    a_z = stack(-100)
    a, b = SliceNavigator(a_z), SliceNavigator(a_z)
    link = SliceLink(a, points(a_z), UP, b, points(a_z), UP)
    a.go_to(3)
    assert b.index == 3
    link.close()
    a.go_to(12)
    assert b.index == 3
