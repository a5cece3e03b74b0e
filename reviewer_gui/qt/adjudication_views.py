"""What the adjudicator compares: both reads as two grids aligned by lesion and timepoint,
and each read's endpoints (domain brief, BICR section).

The data is ``reviewer_gui.review.side_by_side.SideBySide`` and ``...adjudication.CaseReview``,
typed structurally in :mod:`.adjudication_texts` (``Comparison``, ``CaseLike``): the widgets
never import the review package's engine-backed modules (``reviewer_gui.qt.adjudication_app``
builds them).

- :class:`ComparisonTable`: one row per lesion and reader (reader 1 above reader 2), one
  column per timepoint (label and day from baseline, never a date), then each reader's sum
  of diameters, changes from baseline and nadir, and responses (RECIST 1.1 sections 4.3-4.4,
  Tables 1-2) with the engine's reasons as tooltips. Where the readers differ in what matters
  (``reviewer_gui.reading.discordance``: a response, a lesion's presence, category or state,
  a diameter beyond 20 % or 5 mm) both cells are orange and bold; smaller differences are
  tinted quietly. A new lesion's cells before it appeared are empty.
- :class:`EndpointsTable`: each read's progression, best overall response, landmark and
  rPFS, differences highlighted. Each reader's calipers on the images are
  :mod:`.adjudication_images`'s.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from reviewer_gui.reading import (
    Category,
    GridRow,
)
from reviewer_gui.reading.discordance import Level, cell_level, lesion_level, summary_level

from .adjudication_texts import (
    Comparison,
    LesionPairLike,
    endpoint_texts,
    in_words,
)
from .lesion_grid import RESPONSE_COLOURS, SUMMARY_ROWS, cell_text, cell_tip, summary
from .plain import tip

READER_COLOURS = (QColor(30, 110, 220), QColor(215, 105, 0))  # reader 1 blue, reader 2 orange
DIFFERS = QColor(255, 190, 110)  # a difference that matters
QUIET = QColor(250, 243, 226)  # any other difference
BAND = QColor(244, 244, 244)
PLAIN_TIP = Qt.ItemDataRole.UserRole + 1  # a tooltip's text before escaping (:func:`tip`)
MAX_COLUMN = 170  # px: a long location or state is elided; the tooltip has it whole


def _item(text: str, text_tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if text_tip:
        item.setToolTip(tip(text_tip))
        item.setData(PLAIN_TIP, text_tip)
    return item


def _mark(items: Sequence[QTableWidgetItem], bold: QFont, level: Level = Level.MAJOR) -> None:
    texts = [i.text() for i in items]
    for item in items:
        before = item.data(PLAIN_TIP) or ""
        item.setBackground(QBrush(DIFFERS if level is Level.MAJOR else QUIET))
        if level is Level.MAJOR:
            item.setFont(bold)
        what = "differ here" if level is Level.MAJOR else "differ slightly here"
        item.setToolTip(tip(f"the readers {what}: " + " / ".join(texts)
                            + (f"\n{before}" if before else "")))


class EndpointsTable(QTableWidget):
    """Each reader's progression, best response, landmark and rPFS; differences marked."""

    HEADERS = ("Reader", "Progression", "Best overall response", "Landmark",
               "rPFS from reference")  # fmt: skip

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        self.differing: set[tuple[int, int]] = set()

    def show_case(self, comparison: Comparison) -> None:
        self.clear()
        self.differing.clear()
        self.setColumnCount(len(self.HEADERS))
        self.setHorizontalHeaderLabels(self.HEADERS)
        self.setRowCount(2)
        rows = [endpoint_texts(comparison.review.endpoints.get(r), comparison.timepoints)
                for r in comparison.readers]  # fmt: skip
        bold = QFont(self.font())
        bold.setBold(True)
        for r, (reader, texts) in enumerate(zip(comparison.readers, rows, strict=True)):
            who = _item(f"{reader} (reader {r + 1})")
            who.setForeground(QBrush(READER_COLOURS[r]))
            who.setFont(bold)
            self.setItem(r, 0, who)
            for c, text in enumerate(texts, start=1):
                self.setItem(r, c, _item(text))
        for c in range(1, len(self.HEADERS)):
            pair = [self.item(0, c), self.item(1, c)]
            if all(pair) and pair[0].text() != pair[1].text():  # type: ignore[union-attr]
                _mark([i for i in pair if i is not None], bold)
                self.differing |= {(0, c), (1, c)}
        self.resizeColumnsToContents()
        self.resizeRowsToContents()
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        assert header is not None
        header.setStretchLastSection(True)
        height = sum(self.rowHeight(r) for r in range(2))
        self.setFixedHeight(height + header.sizeHint().height() + 2 * self.frameWidth() + 2)


class ComparisonTable(QTableWidget):
    """Both reads lesion by lesion, timepoint by timepoint. ``chosen(lesion_id or None,
    timepoint index)`` when the adjudicator clicks a cell."""

    chosen = pyqtSignal(object, int)
    FIRST = 3  # columns before the first timepoint: lesion, reader, location

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        self.setWordWrap(False)
        rows = self.verticalHeader()
        assert rows is not None
        rows.setDefaultSectionSize(self.fontMetrics().height() + 5)  # compact: rows in pairs
        self.row_lesions: list[str | None] = []  # the lesion of each row (None: summary rows)
        self.differing: set[tuple[int, int]] = set()  # where the difference matters
        self.slight: set[tuple[int, int]] = set()  # other differences, shown quietly
        self.comparison: Comparison | None = None
        self.currentCellChanged.connect(self._cell_chosen)

    def show_case(self, comparison: Comparison) -> None:
        self.blockSignals(True)
        self.clear()
        self.clearSpans()
        self.comparison = comparison
        self.row_lesions, self.differing, self.slight = [], set(), set()
        timepoints = comparison.timepoints
        baseline = timepoints[0].scan_date if timepoints else None
        self.setColumnCount(self.FIRST + len(timepoints))
        self.setHorizontalHeaderLabels(["Lesion", "Reader", "Location"] + [
            f"{tp.label}\nday {(tp.scan_date - baseline).days if baseline else 0}"
            for tp in timepoints])  # fmt: skip
        self.setRowCount(2 * (len(comparison.lesions) + len(SUMMARY_ROWS)))
        bold = QFont(self.font())
        bold.setBold(True)
        row = 0
        for n, pair in enumerate(comparison.lesions):
            self._lesion_rows(row, pair, comparison.readers, bold, banded=n % 2 == 1)
            row += 2
        for s, title in enumerate(SUMMARY_ROWS):
            self._summary_rows(row, s, title, comparison, bold)
            row += 2
        self.resizeColumnsToContents()
        for column in range(self.columnCount()):
            self.setColumnWidth(column, min(self.columnWidth(column), MAX_COLUMN))
        titles = [*SUMMARY_ROWS, *(p.lesion_id for p in comparison.lesions)]  # spanned cells
        bold_metrics = QFontMetrics(bold)
        self.setColumnWidth(0, max(bold_metrics.horizontalAdvance(t) for t in titles) + 12)
        self.blockSignals(False)

    def _reader_cell(self, row: int, r: int, readers: tuple[str, str], bold: QFont) -> None:
        who = _item(readers[r])
        who.setForeground(QBrush(READER_COLOURS[r]))
        who.setFont(bold)
        self.setItem(row + r, 1, who)

    def _pair(self, row: int, column: int, items: Sequence[QTableWidgetItem], bold: QFont,
              band: QColor | None = None, level: Level | None = None) -> None:  # fmt: skip
        """Both readers' cells; ``level``: how much their difference matters (by default,
        any different text matters)."""
        for r, item in enumerate(items):
            if band is not None:
                item.setBackground(QBrush(band))
            self.setItem(row + r, column, item)
        if level is None:
            level = Level.MAJOR if items[0].text() != items[1].text() else Level.SAME
        if level is not Level.SAME:
            _mark(items, bold, level)
            cells = {(row, column), (row + 1, column)}
            if level is Level.MAJOR:
                self.differing |= cells
            else:
                self.slight |= cells

    def _lesion_rows(self, row: int, pair: LesionPairLike, readers: tuple[str, str],
                     bold: QFont, *, banded: bool) -> None:  # fmt: skip
        band = BAND if banded else None
        known = next(lesion for lesion in pair.lesions if lesion is not None)
        node = ", node" if known.is_node else ""
        head = _item(f"{pair.lesion_id}\n{known.category.value.lower()}{node}",
                     "lesion ids are each reader's own numbering: the location tells "
                     "whether the two readers' lesions are the same")  # fmt: skip
        head.setFont(bold)
        self.setItem(row, 0, head)
        self.setSpan(row, 0, 2, 1)
        self.row_lesions += [pair.lesion_id, pair.lesion_id]
        for r in range(2):
            self._reader_cell(row, r, readers, bold)
        where = [_item(lesion.location if lesion else "not recorded by this reader")
                 for lesion in pair.lesions]  # fmt: skip
        self._pair(row, 2, where, bold, band, lesion_level(*pair.lesions))
        seen = [next((t for t, cells in enumerate(pair.cells) if cells[r] is not None),
                     len(pair.cells)) for r in range(2)]  # fmt: skip
        for t, cells in enumerate(pair.cells):
            items = []
            for r, (lesion, read_cell) in enumerate(zip(pair.lesions, cells, strict=True)):
                if lesion is None:
                    items.append(_item("-", "this reader has no such lesion"))
                    continue
                grid_row = GridRow(lesion, ())
                cell = None if read_cell is None else read_cell.cell
                about = cell_tip(grid_row, cell)
                not_yet = lesion.category is Category.NEW and t < seen[r]  # did not exist yet
                text = cell_text(grid_row, cell) or ("" if not_yet else "no entry")
                short, _, why = text.partition(": ")  # the state; its reason in the tooltip
                items.append(_item(short, f"{text}\n{about}" if why else about))
            a, b = (None if c is None else c.cell for c in cells)
            level = None if None in pair.lesions else cell_level(a, b)  # one reader's only:
            self._pair(row, self.FIRST + t, items, bold, band, level)  # any text differs

    def _summary_rows(self, row: int, s: int, title: str, comparison: Comparison,
                      bold: QFont) -> None:  # fmt: skip
        head = _item(title)
        head.setFont(bold)
        self.setItem(row, 0, head)
        self.setSpan(row, 0, 2, 1)
        self.row_lesions += [None, None]
        for r in range(2):
            self._reader_cell(row, r, comparison.readers, bold)
            self.setItem(row + r, 2, _item(""))
        for t, columns in enumerate(comparison.columns):
            items = []
            for column in columns:
                text, tip = summary(column)[s]
                item = _item(text, in_words(tip, comparison.timepoints))
                if s >= 3 and text in RESPONSE_COLOURS:
                    item.setBackground(QBrush(RESPONSE_COLOURS[text]))
                items.append(item)
            self._pair(row, self.FIRST + t, items, bold, None,
                       summary_level(s, items[0].text(), items[1].text()))

    def mark_series(self, timepoints: Sequence[int], readers: tuple[str, str]) -> None:
        """Mark the columns of the timepoints the two readers read on different series."""
        for t in timepoints:
            item = self.horizontalHeaderItem(self.FIRST + t)
            if item is not None:
                item.setText(f"{item.text()}, 2 series")
                item.setToolTip(f"{readers[0]} and {readers[1]} read this timepoint on "
                                "different series of its study: see above the images")
                bold = QFont(self.font())
                bold.setBold(True)  # the current column's header is bold
                wide = max(QFontMetrics(bold).horizontalAdvance(line)
                           for line in item.text().splitlines()) + 16  # fmt: skip
                column = self.FIRST + t
                self.setColumnWidth(column, max(self.columnWidth(column), wide))

    # -- choosing --------------------------------------------------------------------------
    def select(self, lesion_id: str | None, timepoint: int) -> None:
        """Make (the first row of) ``lesion_id`` at ``timepoint`` the current cell."""
        row = self.row_lesions.index(lesion_id) if lesion_id in self.row_lesions else 0
        self.setCurrentCell(row, self.FIRST + timepoint)

    def first_difference(self) -> tuple[str | None, int]:
        """The first lesion and timepoint where the readers differ (a lesion's cell before a
        summary's); the first lesion at the baseline when they differ nowhere."""
        cells = sorted((r, c) for r, c in self.differing or self.slight if c >= self.FIRST)
        lesion_cells = [(r, c) for r, c in cells if self.row_lesions[r] is not None]
        for r, c in lesion_cells or cells:
            return self.row_lesions[r], c - self.FIRST
        first = next((lesion for lesion in self.row_lesions if lesion is not None), None)
        return first, 0

    def _cell_chosen(self, row: int, column: int, *_: int) -> None:
        if 0 <= row < len(self.row_lesions) and self.comparison is not None:
            timepoint = column - self.FIRST
            if not 0 <= timepoint < len(self.comparison.timepoints):
                timepoint = -1  # the lesion's or reader's column: keep the timepoint shown
            self.chosen.emit(self.row_lesions[row], timepoint)


def why_text(comparison: Comparison, timepoint: int) -> str:
    """The engine's reason for each reader's overall response at a timepoint (rich text)."""
    tp = comparison.timepoints[timepoint]
    lines = []
    for r, (reader, column) in enumerate(zip(comparison.readers, comparison.columns[timepoint],
                                             strict=True)):  # fmt: skip
        colour = READER_COLOURS[r].name()
        response = column.overall_response or "no overall response"
        reason = in_words(column.reason, comparison.timepoints) or "no reason given"
        lines.append(f"<span style='color:{colour}'><b>{html.escape(reader)}</b></span> at "
                     f"{html.escape(tp.label)}: <b>{html.escape(response)}</b>: "
                     f"{html.escape(reason)}")  # fmt: skip
    return "<b>Why?</b><br>" + "<br>".join(lines)
