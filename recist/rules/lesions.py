"""Lesions followed across timepoints, and what each contributes to the sum of diameters.

RECIST 1.1 section 4.2 and Appendix I ("lesions that become too small to measure",
"lesions that split or coalesce"): a target contributes its long axis (short axis when nodal);
an absent or merged target 0 mm; one too small to measure the default 5 mm; the fragments of a
split lesion are summed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from recist.model import Category, Lesion, LesionState, Measurement

#: RECIST 1.1 default diameter of a target lesion too small to measure.
TOO_SMALL_MM = Decimal(5)
#: Short axis below which a lymph node is normal (RECIST 1.1 section 3.1.1 and 4.3.1).
NORMAL_NODE_MM = Decimal(10)

_ZERO = Decimal(0)


def lesions_of(rows: Iterable[Measurement]) -> dict[str, Lesion]:
    """The lesions of one subject (and reader), keyed by ``lesion_id``.

    A lesion is nodal when any of its rows says so: nodal status is a property of the lesion,
    and a follow-up row that leaves ``is_node`` empty must not turn a node into a mass.
    Its location is the first non-empty one in date order.
    """
    seen: dict[str, tuple[Category, bool, str]] = {}
    for row in sorted(rows, key=lambda r: (r.date, r.timepoint, r.fragment)):
        known = seen.get(row.lesion_id)
        if known is None:
            seen[row.lesion_id] = (row.category, row.is_node, row.location)
        else:
            category, is_node, location = known
            seen[row.lesion_id] = (
                category,
                is_node or row.is_node,
                location or row.location,
            )
    return {
        lesion_id: Lesion(lesion_id, category, is_node, location)
        for lesion_id, (category, is_node, location) in seen.items()
    }


def axis_of(row: Measurement, is_node: bool) -> Decimal | None:
    """The diameter RECIST follows for this lesion: short axis for a node, else long axis."""
    return row.short_axis_mm if is_node else row.long_axis_mm


def contribution(row: Measurement, is_node: bool) -> Decimal | None:
    """What one target row adds to the sum of diameters; ``None`` when not evaluated."""
    state = row.state
    if state is LesionState.PRESENT:
        return axis_of(row, is_node)
    if state is LesionState.ABSENT or state is LesionState.MERGED:
        return _ZERO
    if state is LesionState.TOO_SMALL:
        return TOO_SMALL_MM
    return None


@dataclass(frozen=True, slots=True)
class LesionReading:
    """One lesion at one timepoint: its rows (one per fragment) and its combined diameter."""

    lesion: Lesion
    rows: tuple[Measurement, ...]
    #: Sum of the fragments' contributions; ``None`` when any part was not evaluated.
    diameter_mm: Decimal | None

    @property
    def evaluated(self) -> bool:
        return self.diameter_mm is not None


def read_target(lesion: Lesion, rows: Sequence[Measurement]) -> LesionReading:
    """Combine a target lesion's rows at one timepoint (fragments are summed)."""
    if not rows:
        return LesionReading(lesion, (), None)
    total = _ZERO
    for row in rows:
        part = contribution(row, lesion.is_node)
        if part is None:
            return LesionReading(lesion, tuple(rows), None)
        total += part
    return LesionReading(lesion, tuple(rows), total)


def is_normal_node(row: Measurement) -> bool:
    """A node seen with a short axis below 10 mm is normal (RECIST 1.1 section 4.3.1)."""
    return (
        row.state is LesionState.PRESENT
        and row.short_axis_mm is not None
        and row.short_axis_mm < NORMAL_NODE_MM
    )


def has_disappeared(lesion: Lesion, rows: Sequence[Measurement]) -> bool:
    """True when the lesion counts as gone for a complete response.

    Non-nodal: every row ``ABSENT`` or ``MERGED``. Nodal: every row ``ABSENT``, ``MERGED``,
    ``TOO_SMALL`` or a normal node (short axis < 10 mm). RECIST 1.1 section 4.3.1.
    """
    if not rows:
        return False
    for row in rows:
        if row.state is LesionState.ABSENT or row.state is LesionState.MERGED:
            continue
        if lesion.is_node and (row.state is LesionState.TOO_SMALL or is_normal_node(row)):
            continue
        return False
    return True


def has_reappeared(lesion: Lesion, rows: Sequence[Measurement]) -> bool:
    """True when a lesion is back after a complete response (RECIST 1.1 section 4.3.1).

    A non-nodal lesion is back when seen again (``PRESENT`` or ``TOO_SMALL``); a node when its
    short axis is 10 mm or more.
    """
    for row in rows:
        if lesion.is_node:
            if (
                row.state is LesionState.PRESENT
                and row.short_axis_mm is not None
                and row.short_axis_mm >= NORMAL_NODE_MM
            ):
                return True
        elif row.state is LesionState.PRESENT or row.state is LesionState.TOO_SMALL:
            return True
    return False
