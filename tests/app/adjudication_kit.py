"""Helpers for the adjudicator's window tests: a case read from the sample scans' truth and
signed by a reader (optionally on another series of a timepoint's study), the window opened
as a user, every text it shows, and the final CSV exported."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import pytest
from PyQt6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.dicom import load_series
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.qt._overlay import measurement_label
from reviewer_gui.qt.adjudication_app import open_adjudication
from reviewer_gui.qt.adjudication_window import AdjudicationWindow
from reviewer_gui.qt.studies import series_files
from reviewer_gui.reading import Category, SeriesRef, State, plane_of
from reviewer_gui.review import sign_in

from .helpers import sample_lesions, truth_segments
from .review_kit import PASSWORDS, SAMPLE_LABELS

MEANING = "Reviewed and approved as read"
MOVED = ("FU2", "T1")  # bob measured T1 at FU2 on the slice next to the lesion's centre


def read_case(path: Path, case: str, sample: str, reader: str, pd_at: str, *,
              series: Mapping[str, SeriesRef] | None = None) -> None:  # fmt: skip
    """Every timepoint of ``case`` read from the truth and signed; the nodal non-target NT1
    unequivocally progressing from ``pd_at`` on. ``series``: timepoint label -> the series
    of its study the reader reads it on (chosen first; the lesions measured on the slices
    nearest their centres)."""
    chosen = dict(series or {})
    with sign_in(path, reader, PASSWORDS[reader], engine=RecistEngine()) as session:
        progressed = False
        for tp in session.timepoints(case):
            ref = chosen.get(tp.label, tp.series)
            assert ref is not None
            if tp.label in chosen:
                session.choose_series(case, tp.label, ref)
            volume = load_series(series_files(ref, path.parent), workers=1)
            for lesion_id, category, organ in sample_lesions(sample, SAMPLE_LABELS[tp.label]):
                if lesion_id not in session.read(case).lesions:
                    session.add_lesion(case, Category(category), organ, lesion_id=lesion_id)
                long, short, plane = truth_segments(volume, sample, SAMPLE_LABELS[tp.label],
                                                    lesion_id, nearest=tp.label in chosen)
                if (reader, tp.label, lesion_id) == ("bob", *MOVED):
                    plane = plane_of(volume, plane.slice_index + 1)
                session.measure(case, tp.label, lesion_id, long, plane, short_axis=short)
            progressed = progressed or tp.label == pd_at
            if progressed:
                session.set_state(case, tp.label, "NT1", State.PROGRESSION,
                                  reason="nodal non-target clearly enlarging")  # fmt: skip
            session.sign(case, tp.label, name=reader, password=PASSWORDS[reader],
                         meaning=MEANING)  # fmt: skip


def open_window(qtbot: QtBot, study: Path, name: str) -> AdjudicationWindow:
    window = open_adjudication(study, name, PASSWORDS[name])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.loading(), timeout=30_000)
    return window


def texts_of(window: AdjudicationWindow) -> list[str]:
    """Every text the window and its dialogs show or would show on hover, and what the
    image views paint over the images."""
    texts = [window.windowTitle()]
    for widget in [window, *window.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.windowTitle()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, QListWidget):
            items = [widget.item(k) for k in range(widget.count())]
            texts += [t for i in items if i is not None for t in (i.text(), i.toolTip())]
        elif isinstance(widget, QTableWidget):
            cells = [widget.item(r, c) for r in range(widget.rowCount())
                     for c in range(widget.columnCount())]  # fmt: skip
            headers = [widget.horizontalHeaderItem(c) for c in range(widget.columnCount())]
            texts += [t for i in cells + headers if i is not None for t in (i.text(),
                                                                           i.toolTip())]
    for view in window.images.views():
        texts += [*view.title_lines(), *view.viewport.readout(), *view.sides()]
        texts += [view.status[0]] if view.status is not None else []
        texts += [measurement_label(m) for m in view.viewport.layer.items]
    return [t for t in texts if t]


def adjudications(path: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT chosen_reader, reason FROM adjudication").fetchall()
    finally:
        db.close()


def export(monkeypatch: pytest.MonkeyPatch, study: Path, output: Path, user: str,
           *options: str) -> list[dict[str, str]]:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORDS[user]}\n"))
    assert main(["export", str(study), *options, "-o", str(output), "--user", user,
                 "--password-stdin"]) == 0  # fmt: skip
    with output.open(newline="") as stream:
        return list(csv.DictReader(stream))
