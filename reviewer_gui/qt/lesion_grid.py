"""The lesion x timepoint grid: the reading's main table.

One row per lesion (targets, non-targets, new lesions) with its value or state at each
timepoint, then the sum of target diameters, the change from baseline and from the nadir
(the nadir's column marked), and the target, non-target, new-lesion and overall responses
(RECIST 1.1 sections 4.3-4.4, Tables 1-2), each with the engine's reason as its tooltip and,
for the current timepoint, in the "why?" line under the table. Findings (baseline
conformance, RECIST 1.1 sections 3.1-3.3, and a refused signature's) are shown beside their
lesion. Everything comes from the model's grid (``grid_changed``): nothing is computed here.
"""

from __future__ import annotations

from decimal import Decimal

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush, QColor, QFont
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer_gui.reading import Category, Grid, GridCell, GridRow, ReadKey, State, TimepointColumn

from .plain import quoted, tip
from .session import ReadingSession

FINDING = QColor(255, 225, 225)
CURRENT = QColor(255, 248, 215)
NADIR = QColor(215, 235, 255)
MISSING = QColor(200, 0, 0)
PLAIN = Qt.ItemDataRole.UserRole + 1  # a cell's tooltip before escaping
RESPONSE_COLOURS = {"CR": QColor(200, 240, 200), "PR": QColor(215, 245, 215),
                    "SD": QColor(240, 240, 240), "PD": QColor(255, 205, 205)}  # fmt: skip

_STATE_TEXT = {
    State.ABSENT: "absent", State.TOO_SMALL: "too small", State.NOT_EVALUATED: "not evaluated",
    State.MERGED: "merged", State.PROGRESSION: "unequivocal PD", State.EQUIVOCAL: "equivocal",
}  # fmt: skip
_SWATCH = "<span style='background:{}'>&nbsp;&nbsp;&nbsp;&nbsp;</span> {}"
LEGEND = "&nbsp;&nbsp; ".join(_SWATCH.format(colour.name(), text) for colour, text in (
    (CURRENT, "timepoint being read"), (NADIR, "nadir (smallest sum so far)"),
    (FINDING, "finding")))  # fmt: skip
SUMMARY_ROWS = (
    "Sum of diameters (mm)", "Change from baseline", "Change from nadir", "Target response",
    "Non-target response", "New lesions", "Overall response",
)  # fmt: skip


def mm(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.1f}"


def cell_text(row: GridRow, cell: GridCell | None) -> str:
    """What a lesion's cell says: its diameter, or its state (with what a target counts)."""
    if cell is None:
        return ""
    lesion = row.lesion
    if cell.state is State.PRESENT:
        if not cell.complete:
            return "measure (" + ("short axis" if lesion.is_node else "long axis") + ")"
        if cell.diameter_mm is None:
            return "present"
        parts = f" ({cell.fragments} fragments)" if cell.fragments > 1 else ""
        return f"{cell.diameter_mm:.1f}{parts}"
    text = _STATE_TEXT[cell.state]
    if lesion.category is Category.TARGET and cell.diameter_mm is not None:
        text += f" ({cell.diameter_mm:.0f})"
    if cell.reason:
        text += f": {cell.reason}"
    return text


def cell_tip(row: GridRow, cell: GridCell | None) -> str:
    if cell is None:
        return ""
    axes = []
    if cell.long_axis_mm is not None:
        axes.append(f"long axis {cell.long_axis_mm:.1f} mm")
    if cell.short_axis_mm is not None:
        axes.append(f"short axis {cell.short_axis_mm:.1f} mm")
    if not axes:
        return cell.state.value
    counts = "a node's short axis" if row.lesion.is_node else "the long axis"
    return f"{cell.state.value}; {', '.join(axes)} ({counts} counts)"


def summary(column: TimepointColumn) -> list[tuple[str, str]]:
    """(text, tooltip) of the summary rows for one timepoint."""
    nadir = "  nadir" if column.is_nadir else ""
    why = column.reason
    return [
        (mm(column.target_sum_mm) + nadir,
         f"sum of target diameters; nadir so far {mm(column.nadir_mm)} mm" if column.nadir_mm
         is not None else ""),
        (column.change_from_baseline_shown, f"baseline sum {mm(column.baseline_sum_mm)} mm"),
        (column.change_from_nadir_shown, f"nadir {mm(column.nadir_mm)} mm"),
        (column.target_response or "", why),
        (column.non_target_response or "", why),
        (column.new_lesions or "", why),
        (column.overall_response or "", why),
    ]  # fmt: skip


class LesionGrid(QWidget):
    """The grid of the session's read; clicking a row chooses the lesion, a column header
    the timepoint."""

    def __init__(self, session: ReadingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.grid: Grid | None = None
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff0f0; color: #900000; padding: 4px;"
                                  " border: 1px solid #e0a0a0; }")  # fmt: skip
        self.banner.hide()
        self.table = QTableWidget()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        assert rows is not None
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)  # compact: all rows show
        self.legend = QLabel(LEGEND)  # what the cell colours mean
        self.legend.setToolTip("yellow: the column of the timepoint being read; blue: the "
                               "nadir, the smallest sum of diameters so far (RECIST 1.1 "
                               "section 4.3.1), which progression is measured from; pink: a "
                               "finding about the lesion")  # fmt: skip
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.why)
        self.table.itemSelectionChanged.connect(self._row_chosen)
        header = self.table.horizontalHeader()
        assert header is not None
        header.sectionClicked.connect(self._column_chosen)
        self.widths: dict[int, int] = {}  # columns the reader resized: kept for every subject
        self._sizing = False
        header.sectionResized.connect(self._resized)
        session.project.events.grid_changed.connect(self._grid_changed)
        session.place_changed.connect(self.refresh)
        session.refusal_changed.connect(self.refresh)
        session.lesion_changed.connect(self._select_row)

    def _grid_changed(self, key: ReadKey, grid: Grid) -> None:
        if key == self.session.key:
            self.grid = grid
            self.show_grid()

    def refresh(self) -> None:
        key = self.session.key
        self.grid = None if key is None else self.session.project.grid(key)
        self.show_grid()

    def show_grid(self) -> None:
        """Fill the table from :attr:`grid`."""
        grid, table = self.grid, self.table
        table.blockSignals(True)
        table.clear()
        if grid is None:
            table.setRowCount(0)
            table.setColumnCount(0)
            table.blockSignals(False)
            return
        columns = grid.columns
        refused = self.session.refusal.findings if self.session.refusal else {}
        table.setColumnCount(len(columns) + 2)
        headers = ["Lesion"] + [self._header(c) for c in columns] + ["Findings"]
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(grid.rows) + len(SUMMARY_ROWS))
        current = self.session.timepoint
        labels = [c.label for c in columns]
        upto = labels.index(current) if current in labels else -1
        for r, row in enumerate(grid.rows):
            lesion = row.lesion
            node = " (short axis)" if lesion.is_node else ""
            first = self._item(f"{lesion.lesion_id}  {lesion.location}{node}",
                               f"{lesion.category.value}: {lesion.location}{node}")  # fmt: skip
            first.setData(Qt.ItemDataRole.UserRole, lesion.lesion_id)
            table.setItem(r, 0, first)
            seen = [k for k, cell in enumerate(row.cells) if cell is not None]
            expected_from = (seen[0] if seen else len(columns)) if (
                lesion.category is Category.NEW) else 0
            for c, (column, cell) in enumerate(zip(columns, row.cells, strict=True), start=1):
                item = self._item(cell_text(row, cell), cell_tip(row, cell))
                if cell is None and expected_from <= c - 1 <= upto:
                    item = self._item("no entry", "neither a measurement nor a state yet: "
                                      "measure it, or set its state (the timepoint cannot "
                                      "be signed without)")  # fmt: skip
                if (cell is None and item.text()) or (cell is not None and not cell.complete):
                    item.setForeground(QBrush(MISSING))
                if column.label == current:
                    item.setBackground(QBrush(CURRENT))
                    item.setToolTip(tip("\n".join(filter(None, [
                        item.data(PLAIN), "(yellow: the timepoint being read)"]))))
                table.setItem(r, c, item)
            findings = [*row.findings, *refused.get(lesion.lesion_id, ())]
            found = self._item("; ".join(dict.fromkeys(findings)), "\n".join(findings))
            if findings:
                found.setForeground(QBrush(MISSING))
                first.setBackground(QBrush(FINDING))
                found.setBackground(QBrush(FINDING))
            table.setItem(r, len(columns) + 1, found)
        bold = QFont(table.font())
        bold.setBold(True)
        base = len(grid.rows)
        for s, title in enumerate(SUMMARY_ROWS):
            label = self._item(title, "")
            label.setFont(bold)
            table.setItem(base + s, 0, label)
            table.setItem(base + s, len(columns) + 1, self._item("", ""))
        followed = any(c.target_sum_mm is not None for c in columns[1:])
        for c, column in enumerate(columns, start=1):
            for s, (text, about) in enumerate(summary(column)):
                if s == 0 and not followed:  # no follow-up yet: nothing to compare with
                    text = text.removesuffix("  nadir")
                item = self._item(text, about)
                if s == 0 and column.is_nadir and followed:
                    item.setBackground(QBrush(NADIR))
                    item.setToolTip(tip(f"{about}\n(blue: the nadir, the smallest sum so far: "
                                        "progression is measured from it)"))
                elif s >= 3 and text in RESPONSE_COLOURS:
                    item.setBackground(QBrush(RESPONSE_COLOURS[text]))
                if s == 6:
                    item.setFont(bold)
                table.setItem(base + s, c, item)
        self._sizing = True
        table.resizeColumnsToContents()
        for section, width in self.widths.items():
            if section <= len(columns):  # the findings column stretches
                table.setColumnWidth(section, width)
        self._sizing = False
        header = table.horizontalHeader()
        assert header is not None
        header.setSectionResizeMode(len(columns) + 1, QHeaderView.ResizeMode.Stretch)
        table.blockSignals(False)
        self._select_row(self.session.lesion_id or "")
        self._explain(grid, refused)

    def _header(self, column: TimepointColumn) -> str:
        marks = []
        if column.label == self.session.timepoint:
            marks.append("current")
        if column.signed:
            marks.append("signed")
        extra = f"\n({', '.join(marks)})" if marks else "\n"
        when = next((self.session.when(tp) for tp in self.session.timepoints()
                     if tp.label == column.label), "")
        return f"{column.label}\n{when}{extra}"

    def _explain(self, grid: Grid, refused: dict[str, tuple[str, ...]]) -> None:
        general = [*grid.findings, *grid.problems, *refused.get("", ())]
        if self.session.refusal is not None:
            general.insert(0, str(self.session.refusal).splitlines()[0] + " (findings beside "
                           "each lesion, in red)")  # fmt: skip
        self.banner.setText("\n".join(dict.fromkeys(general)))
        self.banner.setVisible(bool(general))
        column = next((c for c in grid.columns if c.label == self.session.timepoint), None)
        if column is None or column.overall_response is None:
            self.why.setText("")
            return
        self.why.setText(f"<b>Why {column.overall_response} at {column.label}?</b> "
                         f"{quoted(column.reason or 'no reason given by the engine')}")  # fmt: skip

    @staticmethod
    def _item(text: str, text_tip: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        if text_tip:
            item.setToolTip(tip(text_tip))
            item.setData(PLAIN, text_tip)
        return item

    def _resized(self, column: int, _old: int, width: int) -> None:
        if not self._sizing and column < self.table.columnCount() - 1:
            self.widths[column] = width

    # -- choosing --------------------------------------------------------------------------
    def lesion_at(self, row: int) -> str | None:
        item = self.table.item(row, 0)
        value = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        return value if isinstance(value, str) else None

    def _row_chosen(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) == 1:
            lesion_id = self.lesion_at(rows.pop())
            if lesion_id is not None:
                self.session.select_lesion(lesion_id)

    def _select_row(self, lesion_id: str) -> None:
        for r in range(self.table.rowCount()):
            if lesion_id and self.lesion_at(r) == lesion_id:
                if self.table.currentRow() != r:
                    self.table.blockSignals(True)
                    self.table.selectRow(r)
                    self.table.blockSignals(False)
                return

    def _column_chosen(self, section: int) -> None:
        grid, case_id = self.grid, self.session.case_id
        if grid is not None and case_id is not None and 1 <= section <= len(grid.columns):
            self.session.go(case_id, grid.columns[section - 1].label)
