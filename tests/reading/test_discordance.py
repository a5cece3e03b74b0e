"""What matters when two reads differ (issue 15, friction 5): responses, a lesion's presence,
category or state, and diameters beyond 20 % or 5 mm; the rest is a slight difference."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reviewer_gui.reading import Category, GridCell, State
from reviewer_gui.reading.discordance import (
    Level,
    Threshold,
    cell_level,
    lesion_level,
    summary_level,
)
from reviewer_gui.reading.records import Lesion


def measured(mm: str, state: State = State.PRESENT) -> GridCell:
    value = Decimal(mm)
    return GridCell(state, value, value, None, 1, True)


@pytest.mark.parametrize(("a", "b", "level"), [
    ("20.0", "20.0", Level.SAME),
    ("20.0", "20.4", Level.MINOR),  # sub-millimetre: quiet
    ("20.0", "23.9", Level.MINOR),  # 3.9 mm, 16 %
    ("20.0", "25.1", Level.MAJOR),  # 5.1 mm
    ("10.0", "12.6", Level.MAJOR),  # 2.6 mm but 21 % of 12.6
])  # fmt: skip
def test_a_diameter_difference_matters_beyond_the_threshold(a: str, b: str,
                                                            level: Level) -> None:
    assert cell_level(measured(a), measured(b)) is level
    assert cell_level(measured(b), measured(a)) is level


def test_the_threshold_is_a_setting() -> None:
    strict = Threshold(pct=Decimal(5), mm=Decimal(1))
    assert cell_level(measured("20.0"), measured("21.1"), strict) is Level.MAJOR


def test_presence_and_state_matter() -> None:
    absent = GridCell(State.ABSENT, Decimal(0), None, None, 0, True)
    assert cell_level(measured("20.0"), absent) is Level.MAJOR
    assert cell_level(measured("20.0"), None) is Level.MAJOR
    assert cell_level(None, None) is Level.SAME
    liver = Lesion("T1", Category.TARGET, "liver")
    assert lesion_level(liver, None) is Level.MAJOR
    assert lesion_level(liver, Lesion("T1", Category.NON_TARGET, "liver")) is Level.MAJOR
    assert lesion_level(liver, Lesion("T1", Category.TARGET, "liver", "VII")) is Level.MINOR


def test_responses_matter_figures_are_slight() -> None:
    assert summary_level(6, "PD", "SD") is Level.MAJOR  # overall response
    assert summary_level(5, "Y", "N") is Level.MAJOR  # new lesions
    assert summary_level(1, "-20.00 %", "-20.41 %") is Level.MINOR
    assert summary_level(0, "60.0", "60.0") is Level.SAME
