"""What matters when two readers' reads differ (adjudication, issue 15 friction 5).

Two reads of one subject differ almost everywhere by a fraction of a millimetre; what made
the subject go to adjudication is a different response, a lesion one reader saw and the other
did not, a different category or state, or a diameter that differs by more than the setting
(default: more than 20 % of the larger, or more than 5 mm). Those are :attr:`Level.MAJOR`;
any other difference is :attr:`Level.MINOR` (shown quietly); equal is :attr:`Level.SAME`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from reviewer_gui.reading.grid import GridCell
from reviewer_gui.reading.records import Lesion


class Level(Enum):
    SAME = "same"
    MINOR = "minor"
    MAJOR = "major"


@dataclass(frozen=True)
class Threshold:
    """A diameter difference matters above ``pct`` % of the larger diameter or above
    ``mm`` millimetres."""

    pct: Decimal = Decimal(20)
    mm: Decimal = Decimal(5)

    def exceeded(self, a: Decimal, b: Decimal) -> bool:
        difference, larger = abs(a - b), max(a, b)
        return difference > self.mm or (larger > 0 and 100 * difference / larger > self.pct)


DEFAULT_THRESHOLD = Threshold()


def lesion_level(a: Lesion | None, b: Lesion | None) -> Level:
    """A lesion recorded by one reader only, or in another category: major; another
    location wording: minor."""
    if a is None or b is None:
        return Level.SAME if a is b else Level.MAJOR
    if a.category is not b.category or a.is_node != b.is_node:
        return Level.MAJOR
    return Level.SAME if a.location == b.location else Level.MINOR


def cell_level(a: GridCell | None, b: GridCell | None,
               threshold: Threshold = DEFAULT_THRESHOLD) -> Level:  # fmt: skip
    """One lesion at one timepoint in both reads: another state (seen by one, absent,
    progression...) is major, so is a diameter difference above ``threshold``; a smaller
    one is minor."""
    if a is None or b is None:
        return Level.SAME if a is b else Level.MAJOR
    if a.state is not b.state or a.complete != b.complete:
        return Level.MAJOR
    if a.diameter_mm is not None and b.diameter_mm is not None and threshold.exceeded(
            a.diameter_mm, b.diameter_mm):  # fmt: skip
        return Level.MAJOR
    if (a.diameter_mm, a.long_axis_mm, a.short_axis_mm, a.fragments, a.reason) != (
            b.diameter_mm, b.long_axis_mm, b.short_axis_mm, b.fragments, b.reason):  # fmt: skip
        return Level.MINOR
    return Level.SAME


def summary_level(row: int, a: str, b: str) -> Level:
    """A summary row (sum, change from baseline, from nadir, then the target, non-target,
    new-lesion and overall responses): a different response or new-lesion call is major,
    a different figure minor (its lesions' cells say whether it matters)."""
    if a == b:
        return Level.SAME
    return Level.MAJOR if row >= 3 else Level.MINOR
