"""Demo of the image viewer: ``python -m reviewer_gui.qt.demo_viewer [FOLDER]``.

Shows the series under FOLDER (default: ``sample_scans/SUBJ-001``): with two or more, the
previous study (prior, left) beside the latest (current, right), scrolled together by
patient position; with one, that series alone. ``--screenshot PNG`` saves the window once
both series are loaded and exits (works offscreen: ``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from reviewer_gui.dicom import SeriesInfo, find_series
from reviewer_gui.viewer import KEYS

from .image_view import ImageView
from .linking import LinkedViews
from .loading import open_series

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "sample_scans" / "SUBJ-001"
HELP = ("1-6 window presets   Up/Down or wheel: scroll   right-drag: W/L   C caliper   "
        "B bidirectional   Esc cancel   ctrl+wheel or +/-: zoom   F fit   middle-drag: pan")


def _timepoint(info: SeriesInfo) -> str:
    """The study's folder name (BASELINE, M2, ...) as the sample scans lay them out."""
    return info.files[0].parent.name if info.files else info.study_date


def build_window(folder: Path, single: bool = False) -> tuple[QMainWindow, list[ImageView]]:
    """The demo window on the series under `folder` (prior and current, or one)."""
    catalog = find_series(folder)
    if not catalog.series:
        raise SystemExit(f"{folder}: no DICOM image series found")
    ordered = sorted(catalog.series, key=lambda s: (s.study_date, s.series_number or 0))
    chosen = ordered[-1:] if single or len(ordered) == 1 else ordered[-2:]
    labels = ["CURRENT"] if len(chosen) == 1 else ["PRIOR", "CURRENT"]
    splitter = QSplitter()
    splitter.setHandleWidth(3)
    splitter.setStyleSheet("QSplitter::handle { background: #404040; }")
    views = []
    for label, info in zip(labels, chosen, strict=True):
        view = open_series(info.files, title=f"{label}  {_timepoint(info)}")
        splitter.addWidget(view)
        views.append(view)
    if len(views) == 2:
        LinkedViews(views[0], views[1])
    window = QMainWindow()
    window.setWindowTitle(f"RECIST reviewer - image viewer - {folder.name}")
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter, 1)
    keys = QLabel(HELP)
    keys.setToolTip("\n".join(f"{k}: {v}" for k, v in KEYS.items()))
    keys.setStyleSheet("QLabel { background: #202020; color: #dddddd; padding: 4px; }")
    layout.addWidget(keys)
    window.setCentralWidget(central)
    window.resize(1400, 760)
    return window, views


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER,
                        help="folder of DICOM studies (default: sample_scans/SUBJ-001)")
    parser.add_argument("--single", action="store_true", help="show only the latest series")
    parser.add_argument("--screenshot", type=Path, help="save the window as PNG and exit")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window, views = build_window(args.folder, args.single)
    window.show()
    if args.screenshot is not None:
        for view in views:
            if view.loader is not None:
                view.loader.wait()

        def shoot() -> None:
            window.grab().save(str(args.screenshot))
            QApplication.quit()

        QTimer.singleShot(300, shoot)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
