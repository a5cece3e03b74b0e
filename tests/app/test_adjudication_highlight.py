"""The adjudication table highlights what matters (issue 15, friction 5): a different state or
a large diameter difference in orange and bold, a sub-millimetre one quietly; a new lesion's
cells before it appeared are empty, not "no entry"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pytestqt.qtbot import QtBot

from reviewer_gui.qt.adjudication_views import DIFFERS, QUIET, ComparisonTable
from reviewer_gui.reading import Category, GridCell, Lesion, State, Timepoint, TimepointColumn


@dataclass(frozen=True)
class ReadCell:
    cell: GridCell


@dataclass(frozen=True)
class Pair:
    lesion_id: str
    lesions: tuple[Lesion | None, Lesion | None]
    cells: list[tuple[ReadCell | None, ReadCell | None]]


@dataclass(frozen=True)
class Case:
    readers: tuple[str, str]
    timepoints: list[Timepoint]
    columns: list[tuple[TimepointColumn, TimepointColumn]]
    lesions: list[Pair]
    review: object = None


def cell(mm: str | None, state: State = State.PRESENT) -> ReadCell:
    value = None if mm is None else Decimal(mm)
    return ReadCell(GridCell(state, value, value, None, 1, True))


def test_what_matters_stands_out_and_a_lesion_not_there_yet_is_empty(qtbot: QtBot) -> None:
    days = [dt.date(2024, 1, 1), dt.date(2024, 3, 1), dt.date(2024, 5, 1)]
    timepoints = [Timepoint(label, day) for label, day in zip(("BL", "FU1", "FU2"), days,
                                                              strict=True)]  # fmt: skip
    t1 = Lesion("T1", Category.TARGET, "liver")
    n1 = Lesion("N1", Category.NEW, "lung")
    columns = [(TimepointColumn(tp.label, tp.scan_date, k == 0, True),) * 2
               for k, tp in enumerate(timepoints)]  # fmt: skip
    case = Case(("alice", "bob"), timepoints, columns, [
        Pair("T1", (t1, t1), [(cell("20.0"), cell("20.4")), (cell("15.0"), cell("25.0")),
                              (cell("10.0"), cell(None, State.ABSENT))]),
        Pair("N1", (n1, n1), [(None, None), (None, None),
                              (cell(None, State.EQUIVOCAL), cell(None))]),
    ])  # fmt: skip
    table = ComparisonTable()
    qtbot.addWidget(table)
    table.show_case(case)  # type: ignore[arg-type]
    first = table.FIRST
    t1_row, n1_row = table.row_lesions.index("T1"), table.row_lesions.index("N1")

    def look(row: int, column: int) -> tuple[str, object, bool]:
        item = table.item(row, column)
        assert item is not None
        return item.text(), item.background().color(), item.font().bold()

    assert look(t1_row, first)[1:] == (QUIET, False)  # 20.0 / 20.4: slight, quiet
    assert (t1_row, first) in table.slight and (t1_row, first) not in table.differing
    assert look(t1_row + 1, first + 1)[1:] == (DIFFERS, True)  # 15 / 25 mm: matters
    assert look(t1_row + 1, first + 2)[1:] == (DIFFERS, True)  # present / absent
    assert look(n1_row, first)[0] == "" and look(n1_row + 1, first + 1)[0] == ""
    assert table.first_difference() == ("T1", 1)  # the first that matters, not the slight
