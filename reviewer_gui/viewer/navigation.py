"""Slice navigation (wheel, arrow keys, clamped) and linked scrolling of two viewports.

Two viewports are linked by patient position along the slice normal, not by slice index:
studies of one subject rarely start at the same table position, so slice 12 of the prior and
slice 12 of the current scan are usually different anatomy. The follower shows its slice
nearest to the leader's slice position (DICOM ImagePositionPatient projected on the slice
normal, PS3.3 C.7.6.2.1.1), plus an offset the reader may lock in when the two frames of
reference disagree.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence

Vec3 = tuple[float, float, float]
Listener = Callable[[int], None]


class SliceNavigator:
    """The current slice of a stack; ``index`` is always within ``0 .. count - 1``.

    `positions_mm` are the slices' positions along the slice normal, ascending (the loader's
    ``Volume.slice_positions_mm``). Listeners are called with the new index after each change.
    """

    def __init__(self, positions_mm: Sequence[float], index: int | None = None) -> None:
        if not positions_mm:
            raise ValueError("a slice stack needs at least one slice")
        if any(b < a for a, b in itertools.pairwise(positions_mm)):
            raise ValueError("slice positions must be sorted along the slice normal")
        self.positions_mm = tuple(positions_mm)
        self._index = len(positions_mm) // 2 if index is None else self._clamp(index)
        self._listeners: list[Listener] = []

    @property
    def count(self) -> int:
        """Number of slices."""
        return len(self.positions_mm)

    @property
    def index(self) -> int:
        """The current slice, 0-based."""
        return self._index

    @property
    def position_mm(self) -> float:
        """Position of the current slice along the slice normal."""
        return self.positions_mm[self._index]

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(index)` after every change of slice."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling `listener` (no-op if it was not subscribed)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _clamp(self, index: int) -> int:
        return min(max(index, 0), len(self.positions_mm) - 1)

    def go_to(self, index: int) -> bool:
        """Show slice `index` (clamped); True if the slice changed."""
        index = self._clamp(index)
        if index == self._index:
            return False
        self._index = index
        for listener in tuple(self._listeners):
            listener(index)
        return True

    def step(self, delta: int) -> bool:
        """Move `delta` slices (wheel notches, arrow keys), stopping at the ends."""
        return self.go_to(self._index + delta)

    def nearest(self, position_mm: float) -> int:
        """Index of the slice nearest to `position_mm` (the lower one on a tie)."""
        k = bisect.bisect_left(self.positions_mm, position_mm)
        if k == 0:
            return 0
        if k == len(self.positions_mm):
            return k - 1
        below, above = self.positions_mm[k - 1], self.positions_mm[k]
        return k - 1 if position_mm - below <= above - position_mm else k

    def go_to_position(self, position_mm: float) -> bool:
        """Show the slice nearest to `position_mm`; True if the slice changed."""
        return self.go_to(self.nearest(position_mm))


def _dot(a: Vec3, b: Vec3) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


class SliceLink:
    """Links two navigators: scrolling either moves the other to the same patient position.

    `first_points` / `second_points` are each slice's ImagePositionPatient (mm) and
    `first_normal` / `second_normal` each stack's slice normal: a slice of one stack is
    located in the other by projecting its point on the other's normal, so stacks whose
    normals point opposite ways still line up. ``offset_mm`` (second minus first) is 0 for
    one frame of reference; :meth:`lock_offset` takes the current difference instead.
    """

    def __init__(self, first: SliceNavigator, first_points: Sequence[Vec3], first_normal: Vec3,
                 second: SliceNavigator, second_points: Sequence[Vec3], second_normal: Vec3,
                 offset_mm: float = 0.0) -> None:
        if len(first_points) != first.count or len(second_points) != second.count:
            raise ValueError("one ImagePositionPatient per slice is needed for linking")
        self.first, self.second = first, second
        self._first_points, self._second_points = tuple(first_points), tuple(second_points)
        self._first_normal, self._second_normal = first_normal, second_normal
        self.offset_mm = offset_mm
        self.enabled = True
        self._busy = False
        self._on_first: Listener = lambda k: self._follow(k, from_first=True)
        self._on_second: Listener = lambda k: self._follow(k, from_first=False)
        first.subscribe(self._on_first)
        second.subscribe(self._on_second)

    def close(self) -> None:
        """Unlink for good (e.g. before linking a reloaded stack)."""
        self.first.unsubscribe(self._on_first)
        self.second.unsubscribe(self._on_second)

    def target_in_second(self, first_index: int) -> float:
        """Position along the second stack's normal matching slice `first_index` of the first."""
        return _dot(self._first_points[first_index], self._second_normal) + self.offset_mm

    def target_in_first(self, second_index: int) -> float:
        """Position along the first stack's normal matching slice `second_index` of the second."""
        point = self._second_points[second_index]
        sign = 1.0 if _dot(self._first_normal, self._second_normal) >= 0 else -1.0
        return _dot(point, self._first_normal) - sign * self.offset_mm

    def lock_offset(self) -> float:
        """Keep the current pair of slices together from now on; returns the offset (mm)."""
        here = _dot(self._second_points[self.second.index], self._second_normal)
        there = _dot(self._first_points[self.first.index], self._second_normal)
        self.offset_mm = here - there
        return self.offset_mm

    def _follow(self, index: int, *, from_first: bool) -> None:
        if not self.enabled or self._busy:
            return
        self._busy = True
        try:
            if from_first:
                self.second.go_to_position(self.target_in_second(index))
            else:
                self.first.go_to_position(self.target_in_first(index))
        finally:
            self._busy = False
