"""Screens of the reviewer app for the docs: ``python docs/screenshots/app_screens.py SCREEN PNG``.

Opens the bundled sample scans in a fresh project (temporary folder), reads SUBJ-001 as
``sample_scans/truth.csv`` says (entries through the model, as the app's tools record them),
then shows SCREEN and saves the window to PNG:

- ``reading``: M4 beside M2, T1 measured at M4 and chosen, T2 still to measure;
- ``refused``: a baseline with a 6th target, its signature refused, the finding beside T6;
- ``help``: the reading screen with the F1 help panel;
- ``proposal``: M2 beside the baseline, T2 chosen, O then a click in it: its axes proposed
  (dashed, "proposed"), awaiting Enter;
- ``point``: M2 beside the baseline, NT1 chosen by ``]``: both views brought to the point
  that marked it at baseline (a ring with its label);
- ``found``: M2 beside the baseline, T2 measured at baseline only, chosen by ``]`` once M2
  is registered to the baseline: the current view brought where the registration puts it
  (the status line says so), the baseline's caliper beside it.

Run it under Xvfb (or ``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from reviewer_gui.dicom import load_series
from reviewer_gui.qt.app import open_window
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category, Point, ReadKey, Segment, State, plane_of
from reviewer_gui.viewer import Button, Tool

KEY = ReadKey("SUBJ-001", "alice")
SAMPLE_SCANS = Path(__file__).resolve().parents[2] / "sample_scans"  # the checkout's copy


def _generator():  # type: ignore[no-untyped-def]
    """The sample scans' generator (``reviewer_gui.sample_scans.generator``), via the test kit."""
    sys.path.insert(0, str(SAMPLE_SCANS.parent / "tests"))
    from sample_generator import load_generator

    return load_generator()


def centre(label: str, lesion_id: str) -> tuple[int, float, float]:
    """(slice, row, col) of a lesion's centre in the timepoint's series."""
    gen = _generator()
    subject = next(s for s in gen.subjects() if s.subject_id == KEY.case_id)
    volume = load_series(SAMPLE_SCANS / KEY.case_id / label, workers=1)
    les = next(x for x in subject.lesions[gen.TIMEPOINTS.index(label)]
               if x.lesion_id == lesion_id)  # fmt: skip
    x, y, z = les.center
    return (volume.slice_positions_mm.index(z), (y - volume.origin_mm[1]) / volume.spacing_mm[1],
            (x - volume.origin_mm[0]) / volume.spacing_mm[2])


def record(window: MainWindow, label: str, only: tuple[str, ...] | None = None) -> None:
    """The truth's lesions at `label`, long and short axes through each centre."""
    gen = _generator()
    subject = next(s for s in gen.subjects() if s.subject_id == KEY.case_id)
    volume = load_series(SAMPLE_SCANS / KEY.case_id / label, workers=1)
    project = window.session.project
    for les in subject.lesions[gen.TIMEPOINTS.index(label)]:
        if les.lesion_id not in project.read(KEY).lesions:
            project.add_lesion(KEY, Category(les.category), les.location,
                               lesion_id=les.lesion_id)  # fmt: skip
        if only is not None and les.lesion_id not in only:
            continue
        x, y, z = les.center
        row = (y - volume.origin_mm[1]) / volume.spacing_mm[1]
        col = (x - volume.origin_mm[0]) / volume.spacing_mm[2]
        half_l, half_s = les.long_mm / 4, les.short_mm / 4  # mm / 2 / 2.0 mm pixels
        if les.long_along == "x":
            long = Segment(Point(row, col - half_l), Point(row, col + half_l))
            short = Segment(Point(row - half_s, col), Point(row + half_s, col))
        else:
            long = Segment(Point(row - half_l, col), Point(row + half_l, col))
            short = Segment(Point(row, col - half_s), Point(row, col + half_s))
        plane = plane_of(volume, volume.slice_positions_mm.index(z))
        project.measure(KEY, label, les.lesion_id, long, plane, short_axis=short)


def prepare(window: MainWindow, screen: str) -> None:
    project, session = window.session.project, window.session
    if screen == "refused":
        record(window, "BASELINE")
        for organ in ("kidney", "spleen", "lung", "adrenal gland"):
            lesion = project.add_lesion(KEY, Category.TARGET, organ)
            volume = load_series(SAMPLE_SCANS / KEY.case_id / "BASELINE", workers=1)
            project.measure(KEY, "BASELINE", lesion.lesion_id,
                            Segment(Point(60, 40), Point(60, 48)), plane_of(volume, 12))
        session.go(KEY.case_id, "BASELINE")
        session.select_lesion("T6")
        window.sign()
        return
    if screen in ("proposal", "point"):
        assisted(window, screen)
        return
    if screen == "found":
        record(window, "BASELINE", only=("T1", "T2"))
        project.set_state(KEY, "BASELINE", "NT1", State.PRESENT)
        project.sign(KEY, "BASELINE")
        record(window, "M2", only=("T1",))
        session.go(KEY.case_id, "M2")
        session.select_lesion("T1")
        return
    for label in ("BASELINE", "M2"):
        record(window, label)
        project.sign(KEY, label)
    record(window, "M4", only=("T1", "NT1"))
    session.go(KEY.case_id, "M4")
    session.select_lesion("T1")
    if screen == "help":
        window.help_dock.show()


def assisted(window: MainWindow, screen: str) -> None:
    """The baseline read with NT1 marked by a point (not measured), signed; M2 shown."""
    project, session = window.session.project, window.session
    record(window, "BASELINE", only=("T1", "T2"))
    project.set_state(KEY, "BASELINE", "NT1", State.PRESENT)
    k, row, col = centre("BASELINE", "NT1")
    volume = load_series(SAMPLE_SCANS / KEY.case_id / "BASELINE", workers=1)
    project.set_point(KEY, "NT1", "BASELINE", plane_of(volume, k), Point(row, col))
    project.sign(KEY, "BASELINE")
    session.prior_is_baseline = True
    record(window, "M2", only=("T1",))
    session.go(KEY.case_id, "M2")
    session.select_lesion("T1" if screen == "point" else "T2")
    if screen == "point":
        session.step_lesion(2)  # ] ] : T2, then NT1


def propose(window: MainWindow) -> None:
    """O, then a click at T2's centre on M2 (its series loaded)."""
    view = window.views.current
    assert view is not None
    k, row, col = centre("M2", "T2")
    view.viewport.nav.go_to(k)
    window.use_tool(Tool.PROPOSE)
    x, y = view.viewport.transform.to_screen(row, col)
    view.viewport.press(Button.LEFT, x, y)
    view.viewport.release(Button.LEFT, x, y)
    view.update()


def main(argv: list[str]) -> int:
    screen, png = argv[0], Path(argv[1])
    app = QApplication.instance() or QApplication(sys.argv[:1])
    database = Path(tempfile.mkdtemp(prefix="recist-review-shot-")) / "demo-reading.db"
    window = open_window(database, reader="alice", dicom=SAMPLE_SCANS)
    window.confirm = lambda text: True
    window.resize(1600, 1000)
    window.show()
    state = {"prepared": False, "since": dt.datetime.now()}

    def step() -> None:
        busy = window.views.loading() or window.scanner is None or window.scanner.isRunning()
        if busy or window.session.case_id is None:
            QTimer.singleShot(100, step)
            return
        if not state["prepared"]:
            state["prepared"] = True
            prepare(window, screen)
            QTimer.singleShot(800, step)
            return
        if screen == "found" and not state.get("found"):
            registrations = window.views.registrations
            if registrations.running or not registrations.outcomes:
                QTimer.singleShot(100, step)  # M2 still being registered
                return
            state["found"] = True
            window.session.step_lesion(1)  # ] : T2
            QTimer.singleShot(800, step)
            return
        if screen == "proposal" and not state.get("proposed"):
            state["proposed"] = True
            propose(window)
            QTimer.singleShot(800, step)
            return
        window.grab().save(str(png))
        window.close()

    QTimer.singleShot(300, step)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
