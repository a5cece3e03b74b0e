"""Helpers shared by the in-process tests and the app driven in a child process: where the
sample scans' lesions are (from ``reviewer_gui.sample_scans.generator``, the truth of
``truth.csv``) and mouse drags as a reader makes them."""

from __future__ import annotations

import csv
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QWheelEvent
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication
from sample_generator import load_generator as generator

from reviewer_gui.dicom import Volume
from reviewer_gui.qt import ImageView
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category, ImagePlane, Point, ReadKey, Segment, plane_of

SAMPLE_SCANS = Path(__file__).resolve().parents[2] / "sample_scans"
HOST_HU = {"liver": 100, "lung": -850, "lymph node": -90}


def truth(subject: str, timepoint: str, lesion_id: str) -> tuple[float, float]:
    """(long, short) axis in mm from sample_scans/truth.csv."""
    with (SAMPLE_SCANS / "truth.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (row["subject_id"], row["timepoint"], row["lesion_id"]) == (subject, timepoint,
                                                                           lesion_id):
                return float(row["long_axis_mm"]), float(row["short_axis_mm"])
    raise KeyError((subject, timepoint, lesion_id))


@dataclass(frozen=True)
class Placed:
    slice_index: int
    row: int
    col: int
    threshold: float
    above: bool


def place(volume: Volume, subject: str, timepoint: str, lesion_id: str) -> Placed:
    """Where the lesion's centre is in the loaded volume (the generator's geometry)."""
    gen = generator()
    subj = next(s for s in gen.subjects() if s.subject_id == subject)
    les = next(x for x in subj.lesions[gen.TIMEPOINTS.index(timepoint)]
               if x.lesion_id == lesion_id)
    cx, cy, cz = les.center
    k = int(np.argmin([abs(z - cz) for z in volume.slice_positions_mm]))
    col = round((cx - volume.origin_mm[0]) / volume.spacing_mm[2])
    row = round((cy - volume.origin_mm[1]) / volume.spacing_mm[1])
    host = HOST_HU[les.location]
    return Placed(k, row, col, (host + les.hu) / 2, les.hu > host)


def edges_along_row(volume: Volume, p: Placed) -> tuple[float, float]:
    """Outer pixel edges (image columns) of the lesion's half-contrast run through its
    centre row, found on the image as a reader would."""
    line = volume.voxels[p.slice_index, p.row, :]
    inside = line > p.threshold if p.above else line < p.threshold
    lo = hi = p.col
    while lo > 0 and inside[lo - 1]:
        lo -= 1
    while hi < len(line) - 1 and inside[hi + 1]:
        hi += 1
    return lo - 0.5, hi + 0.5


def across(view: ImageView, a: tuple[float, float], b: tuple[float, float]
           ) -> tuple[QPoint, QPoint]:
    """Screen ends of image segment a-b, each rounded away from the other (outer edge)."""
    (ax, ay), (bx, by) = (view.viewport.transform.to_screen(*p) for p in (a, b))

    def away(v: float, other: float) -> int:
        return math.floor(v) if v < other else math.ceil(v) if v > other else round(v)

    return QPoint(away(ax, bx), away(ay, by)), QPoint(away(bx, ax), away(by, ay))


def drag(view: ImageView, a: QPoint, b: QPoint) -> None:
    """A left-button drag from a to b, in five moves."""
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(view, left, none, a)
    for k in range(1, 6):
        QTest.mouseMove(view, a + (b - a) * (k / 5))
    QTest.mouseRelease(view, left, none, b)


def wheel(view: ImageView, notches: int, pos: QPoint, ctrl: bool = False) -> None:
    """Wheel notches over the view at ``pos`` (with Ctrl: zoom)."""
    mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    event = QWheelEvent(QPointF(pos), QPointF(view.mapToGlobal(pos)), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton, mods,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(view, event)


def measure_across(view: ImageView, subject: str, timepoint: str, lesion_id: str) -> None:
    """Scroll to the lesion's centre slice and drag a caliper edge to edge along its row."""
    p = place(view.volume, subject, timepoint, lesion_id)
    view.viewport.nav.go_to(p.slice_index)
    lo, hi = edges_along_row(view.volume, p)
    drag(view, *across(view, (p.row, lo), (p.row, hi)))


def ready(window: MainWindow) -> bool:
    """The folder is read, a subject is open and its images are loaded."""
    scanner = window.scanner
    views = window.views
    return (scanner is None or scanner.isFinished()) and window.session.case_id is not None \
        and views.current is not None and not views.loading() \
        and all(v.status is None and v.volume.shape[0] > 1 for v in views.views())


def truth_segments(volume: Volume, subject: str, timepoint: str, lesion_id: str, *,
                   nearest: bool = False) -> tuple[Segment, Segment, ImagePlane]:
    """Long and short axes through the lesion's centre as the generator drew it, end points
    half a diameter away, on its centre slice (for reads recorded through the model); with
    ``nearest``, on the slice nearest its centre (a thicker reconstruction)."""
    gen = generator()
    subj = next(s for s in gen.subjects() if s.subject_id == subject)
    les = next(x for x in subj.lesions[gen.TIMEPOINTS.index(timepoint)]
               if x.lesion_id == lesion_id)
    x, y, z = les.center
    positions = volume.slice_positions_mm
    k = int(np.argmin([abs(p - z) for p in positions])) if nearest else positions.index(z)
    row = (y - volume.origin_mm[1]) / volume.spacing_mm[1]
    col = (x - volume.origin_mm[0]) / volume.spacing_mm[2]
    dr_long, dc_long = (0.0, les.long_mm / 2 / volume.spacing_mm[2]) if les.long_along == "x" \
        else (les.long_mm / 2 / volume.spacing_mm[1], 0.0)
    dr_short, dc_short = (les.short_mm / 2 / volume.spacing_mm[1], 0.0) \
        if les.long_along == "x" else (0.0, les.short_mm / 2 / volume.spacing_mm[2])
    long = Segment(Point(row - dr_long, col - dc_long), Point(row + dr_long, col + dc_long))
    short = Segment(Point(row - dr_short, col - dc_short), Point(row + dr_short,
                                                                 col + dc_short))
    return long, short, plane_of(volume, k)


def sample_lesions(subject: str, timepoint: str) -> list[tuple[str, str, str]]:
    """(lesion id, category, organ) of the subject's lesions at the timepoint."""
    gen = generator()
    subj = next(s for s in gen.subjects() if s.subject_id == subject)
    return [(x.lesion_id, x.category, x.location)
            for x in subj.lesions[gen.TIMEPOINTS.index(timepoint)]]


def record_truth(window: MainWindow, key: ReadKey, timepoint: str = "BASELINE") -> None:
    """Record the window's subject at `timepoint` as ``sample_scans/truth.csv`` says, through
    the model (as the app's tools record it), on the series the current view shows."""
    project, view = window.session.project, window.views.current
    assert view is not None
    for lesion_id, category, organ in sample_lesions(key.case_id, timepoint):
        project.add_lesion(key, Category(category), organ, lesion_id=lesion_id)
        long, short, plane = truth_segments(view.volume, key.case_id, timepoint, lesion_id)
        project.measure(key, timepoint, lesion_id, long, plane, short_axis=short)


def held_until_let_go(reached: threading.Event, stopping: Callable[[], bool]) -> None:
    """Hold a loading worker where it is (`reached` set) until the window lets it go
    (`stopping`): a let-go that lands at a known point of its reading."""
    reached.set()
    for _ in range(60_000):  # a guard against a hang, not a measure of time
        if stopping():
            break
        threading.Event().wait(0.001)
