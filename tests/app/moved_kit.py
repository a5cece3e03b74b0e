"""A follow-up where the patient lay otherwise: SUBJ-001's baseline (the sample scans' own
files) and an M2 rendered with the whole body moved by a known shift in patient coordinates
(the same table position), or stored upside down (a registration that must fail), written as
DICOM files the app imports like any other study; and the window opened on them."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.app import open_window
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category, ReadKey
from reviewer_gui.sample_scans import generator as gen

from .helpers import SAMPLE_SCANS, ready, truth_segments

SUBJECT = "SUBJ-001"
KEY = ReadKey(SUBJECT, "alice")
ORGANS = {"T1": "liver", "T2": "lung"}
SHIFT_MM = (12.0, -8.0, -10.0)  # x, y, z (LPS): every organ and lesion at M2 lies there


def render_moved(z_positions: Sequence[float], lesions: Sequence[gen.Lesion],
                 shift_mm: Sequence[float], seed: int) -> npt.NDArray[np.int16]:  # fmt: skip
    """The phantom with `lesions`, moved by `shift_mm`, on the sample scans' grid."""
    rows, cols = gen.ROWS, gen.COLS
    dx, dy, dz = (float(v) for v in shift_mm)
    xs = -(cols - 1) * gen.PIXEL_MM / 2 + np.arange(cols) * gen.PIXEL_MM - dx
    ys = -(rows - 1) * gen.PIXEL_MM / 2 + np.arange(rows) * gen.PIXEL_MM - dy
    rng = np.random.default_rng(seed)
    out = np.empty((len(z_positions), rows, cols), dtype=np.int16)
    for k, z in enumerate(z_positions):
        hu = gen.anatomy(xs, ys, z - dz, lesions) + rng.normal(0, gen.NOISE_HU, (rows, cols))
        out[k] = np.clip(np.rint(hu), -1024, 3071)
    return out


def moved_lesion_centre(lesion_id: str, shift_mm: Sequence[float] = SHIFT_MM,
                        ) -> tuple[float, float, float]:  # fmt: skip
    """Where the lesion truly lies at M2 of :func:`write_moved_study` (patient mm)."""
    subject = next(s for s in gen.subjects() if s.subject_id == SUBJECT)
    les = next(x for x in subject.lesions[1] if x.lesion_id == lesion_id)
    c = les.center
    return c[0] + shift_mm[0], c[1] + shift_mm[1], c[2] + shift_mm[2]


def write_moved_study(root: Path, shift_mm: Sequence[float] = SHIFT_MM, *,
                      upside_down: bool = False) -> Path:  # fmt: skip
    """``root/SUBJ-001/{BASELINE,M2}``: the baseline as bundled, M2 moved (or flipped)."""
    subject = next(s for s in gen.subjects() if s.subject_id == SUBJECT)
    shutil.copytree(SAMPLE_SCANS / SUBJECT / "BASELINE", root / SUBJECT / "BASELINE")
    zs = gen.slice_positions(0.0)
    hu = render_moved(zs, subject.lesions[1], shift_mm, gen.series_seed(SUBJECT, 1))
    if upside_down:  # head first and face down: nothing maps onto the baseline
        hu = np.ascontiguousarray(hu[::-1, ::-1])
    gen.write_series(root / SUBJECT / "M2", hu, zs, subject_id=SUBJECT, date=subject.dates[1],
                     series_key=f"{SUBJECT}/M2", signed=subject.signed)  # fmt: skip
    return root


def open_moved(qtbot: QtBot, tmp_path: Path, *, upside_down: bool) -> MainWindow:
    """The moved study imported, T1 and T2 measured at the baseline, T2 chosen there."""
    root = write_moved_study(tmp_path / "scans", upside_down=upside_down)
    window = open_window(tmp_path / "reading.db", reader="alice", dicom=root)
    window.confirm = lambda text: True
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: ready(window), timeout=30_000)
    assert window.session.timepoint == "BASELINE"
    project, view = window.session.project, window.views.current
    assert view is not None
    for lesion_id, organ in ORGANS.items():
        project.add_lesion(KEY, Category.TARGET, organ, lesion_id=lesion_id)
        long, short, plane = truth_segments(view.volume, SUBJECT, "BASELINE", lesion_id)
        project.measure(KEY, "BASELINE", lesion_id, long, plane, short_axis=short)
    window.session.select_lesion("T2")
    return window


def to_m2(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert window.session.timepoint == "M2"
