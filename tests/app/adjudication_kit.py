"""Helpers for the adjudicator's window tests: a case read from the sample scans' truth and
signed by a reader (optionally on another series of a timepoint's study), the window opened
as a user, every text it shows, the final CSV exported, and the first patient's baseline
study with a second, 10 mm series (its series, the panes, the identifying strings)."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Collection, Mapping
from pathlib import Path

import pytest
from deid.kit import HENRIETTA, date_spellings, seed
from PyQt6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.dicom import Volume, load_series
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.qt._overlay import measurement_label
from reviewer_gui.qt.adjudication_app import open_adjudication
from reviewer_gui.qt.adjudication_images import ReaderView
from reviewer_gui.qt.adjudication_window import AdjudicationWindow
from reviewer_gui.qt.studies import series_files, series_ref_for, study_series
from reviewer_gui.reading import Category, SeriesRef, State, plane_of
from reviewer_gui.review import sign_in

from .helpers import sample_lesions, truth_segments
from .review_kit import PASSWORDS, PATIENTS, SAMPLE_LABELS, samples
from .series_kit import write_thick_series

MEANING = "Reviewed and approved as read"
MOVED = ("FU2", "T1")  # bob measured T1 at FU2 on the slice next to the lesion's centre


def read_case(path: Path | str, case: str, sample: str, reader: str, pd_at: str, *,
              series: Mapping[str, SeriesRef] | None = None,
              measured_on: Mapping[tuple[str, str], SeriesRef] | None = None,
              no_caliper: Collection[tuple[str, str]] = (),
              images: Path | None = None) -> None:  # fmt: skip
    """Every timepoint of ``case`` read from the truth and signed; the nodal non-target NT1
    unequivocally progressing from ``pd_at`` on. ``series``: timepoint label -> the series
    of its study the reader reads it on (chosen first; the lesions measured on the slices
    nearest their centres). ``measured_on``: (label, lesion id) -> another series of the
    study that lesion is measured on first, the reader then choosing the timepoint's series
    before signing (the caliper keeps its series). ``no_caliper``: (label, lesion id) of
    non-target lesions judged present without a caliper. ``images``: the folder the series
    folders are relative to (default: the project file's)."""
    chosen, elsewhere = dict(series or {}), dict(measured_on or {})
    with sign_in(path, reader, PASSWORDS[reader], engine=RecistEngine()) as session:
        progressed = False
        volumes: dict[str, Volume] = {}
        for tp in session.timepoints(case):
            ref = chosen.get(tp.label, tp.series)
            assert ref is not None and tp.series is not None
            lesions = sample_lesions(sample, SAMPLE_LABELS[tp.label])
            ordered = [(lesion, elsewhere[(tp.label, lesion[0])]) for lesion in lesions
                       if (tp.label, lesion[0]) in elsewhere]  # fmt: skip
            ordered += [(lesion, ref) for lesion in lesions if (tp.label, lesion[0])
                        not in elsewhere]  # fmt: skip
            for (lesion_id, category, organ), on in ordered:
                reading_on = session.read(case).series_of(tp.label)
                if reading_on is None or reading_on.series_uid != on.series_uid:
                    session.choose_series(case, tp.label, on)
                if lesion_id not in session.read(case).lesions:
                    session.add_lesion(case, Category(category), organ, lesion_id=lesion_id)
                if (tp.label, lesion_id) in no_caliper:
                    session.set_state(case, tp.label, lesion_id, State.PRESENT)
                    continue
                if on.series_uid not in volumes:
                    base = images or Path(path).parent
                    volumes[on.series_uid] = load_series(series_files(on, base),
                                                         workers=1)  # fmt: skip
                volume = volumes[on.series_uid]
                long, short, plane = truth_segments(
                    volume, sample, SAMPLE_LABELS[tp.label], lesion_id,
                    nearest=on.series_uid != tp.series.series_uid)  # fmt: skip
                if (reader, tp.label, lesion_id) == ("bob", *MOVED):
                    plane = plane_of(volume, plane.slice_index + 1)
                session.measure(case, tp.label, lesion_id, long, plane, short_axis=short)
            if session.read(case).series_of(tp.label) != ref:  # e.g. no lesion measured
                session.choose_series(case, tp.label, ref)
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


# -- the first patient's baseline study with a second, 10 mm series -----------------------
def add_thick_series(site: Path) -> None:
    """The 10 mm series in the site's baseline study of HENRIETTA, PHI seeded as in the rest."""
    day = HENRIETTA.dates[0]
    write_thick_series(site / HENRIETTA.folder / day.isoformat(),
                       edit=lambda dataset: seed(dataset, HENRIETTA, day))  # fmt: skip


def baseline_series(path: Path, case: str) -> tuple[SeriesRef, SeriesRef, int | None]:
    """(the import's series, the 10 mm one, the import's series number) of the baseline."""
    with sign_in(path, "ada", PASSWORDS["ada"]) as ada:
        imported = ada.timepoints(case)[0].series
    assert imported is not None
    found = study_series(imported, path.parent)
    assert sorted(s.n_images for s in found) == [10, 20]  # both series imported
    thick = next(s for s in found if s.n_images == 10)
    main_series = next(s for s in found if s.series_uid == imported.series_uid)
    return imported, series_ref_for(thick, imported), main_series.series_number


def case_of(path: Path) -> str:
    return next(c for c, p in samples(path).items() if p is HENRIETTA)


def show(qtbot: QtBot, window: AdjudicationWindow, lesion_id: str, timepoint: int) -> None:
    """Click the cell of ``lesion_id`` (reader 1's row) at ``timepoint``; wait for images."""
    window.table.setCurrentCell(window.table.row_lesions.index(lesion_id),
                                window.table.FIRST + timepoint)  # fmt: skip
    qtbot.waitUntil(lambda: not window.loading(), timeout=30_000)
    assert (window.lesion_id, window.timepoint) == (lesion_id, timepoint)


def views(window: AdjudicationWindow) -> tuple[ReaderView, ReaderView]:
    first, second = (pane.view for pane in window.images.panes)
    assert first is not None and second is not None
    return first, second


def identifying(study: Path) -> list[str]:
    """The seeded PHI, the real dates and the (shifted) scan dates, in every spelling."""
    with sign_in(study, "ada", PASSWORDS["ada"]) as ada:
        shifted = [f"{tp.scan_date:%Y-%m-%d}" for c in samples(study)
                   for tp in ada.timepoints(c)]  # fmt: skip
    needles = [s for p in PATIENTS for s in p.strings()] + shifted
    return needles + [s for p in PATIENTS for d in p.real_dates() for s in date_spellings(d)]
