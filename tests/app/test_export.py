"""What the grid shows is what ``recist assess`` computes from ``recist-review export``:
SUBJ-001 read timepoint by timepoint (entries through the model, signatures and navigation
with the app's keys), the table's texts compared with the recomputed responses."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from recist.cli import main as recist_main
from reviewer_gui.cli import main as review_main
from reviewer_gui.dicom import load_series
from reviewer_gui.qt.lesion_grid import SUMMARY_ROWS
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category, ReadKey

from .helpers import SAMPLE_SCANS, ready, sample_lesions, truth_segments

KEY = ReadKey("SUBJ-001", "alice")
CTRL = Qt.KeyboardModifier.ControlModifier
COLUMNS = ("target_sum_mm", "change_from_baseline_pct", "change_from_nadir_pct",
           "target_response", "non_target_response", "new_lesions", "overall_response")


def read_in_the_app(qtbot: QtBot, window: MainWindow) -> None:
    project = window.session.project
    for label in ("BASELINE", "M2", "M4", "M6"):
        assert window.session.timepoint == label
        volume = load_series(SAMPLE_SCANS / "SUBJ-001" / label, workers=1)
        for lesion_id, category, organ in sample_lesions("SUBJ-001", label):
            if lesion_id not in project.read(KEY).lesions:
                project.add_lesion(KEY, Category(category), organ, lesion_id=lesion_id)
            long, short, plane = truth_segments(volume, "SUBJ-001", label, lesion_id)
            project.measure(KEY, label, lesion_id, long, plane, short_axis=short)
        qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)  # sign
        assert project.is_signed(KEY, label), window.message.text()
        qtbot.keyClick(window, Qt.Key.Key_Right, CTRL)  # next timepoint
        qtbot.waitUntil(lambda: ready(window), timeout=20_000)


def shown(window: MainWindow) -> dict[str, dict[str, str]]:
    """The grid's summary rows as the reader sees them, per timepoint."""
    table = window.grid.table
    base = table.rowCount() - len(SUMMARY_ROWS)
    out = {}
    for c in range(1, table.columnCount() - 1):
        header = table.horizontalHeaderItem(c)
        assert header is not None
        label = header.text().split("\n")[0]
        texts = {}
        for s, name in enumerate(COLUMNS):
            item = table.item(base + s, c)
            texts[name] = "" if item is None else item.text()
        out[label] = texts
    return out


def as_shown(name: str, value: str) -> str:
    """A recomputed value written the way the grid writes it: 0.1 mm; the CLI's own
    percentage (two decimals truncated toward zero) with its sign and unit."""
    if not value or name.endswith("response") or name == "new_lesions":
        return value
    if name.endswith("pct"):
        return f"{value} %" if value.startswith("-") else f"+{value} %"
    return f"{Decimal(value):.1f}"


def rendered(label_text: str) -> str:
    """What a rich-text label shows on screen (its HTML rendered to plain text)."""
    document = QTextDocument()
    document.setHtml(label_text)
    return document.toPlainText()


def test_recist_assess_on_the_export_equals_the_grid(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    read_in_the_app(qtbot, window)
    grid = shown(window)
    assert grid["M4"]["overall_response"] == "PR" and grid["M4"]["target_sum_mm"] == "36.0"
    assert grid["M6"]["target_sum_mm"] == "33.0  nadir"  # the smallest sum so far
    exported, assessed = tmp_path / "measurements.csv", tmp_path / "responses.csv"
    assert review_main(["export", str(window.session.database), "-o", str(exported)]) == 0
    assert recist_main(["assess", str(exported), "-o", str(assessed), "--explain"]) == 0
    with assessed.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["subject_id"] == "SUBJ-001"]
    assert [r["timepoint"] for r in rows] == ["BASELINE", "M2", "M4", "M6"]
    nadir_marked = [label for label, texts in grid.items() if "nadir" in texts["target_sum_mm"]]
    assert nadir_marked == ["M6"]
    for row in rows:
        texts = grid[row["timepoint"]]
        expected = {name: as_shown(name, row[name]) for name in COLUMNS}
        expected["target_sum_mm"] += "  nadir" if row["timepoint"] == "M6" else ""
        assert texts == expected, row["timepoint"]
    why = rendered(window.grid.why.text())  # the engine's "<= -30 %" shown, not swallowed
    assert why == f"Why PR at M6? {rows[-1]['reason']}"
    assert "(<= -30 %)" in why
