"""Starting the reviewer app: ``recist-review [open PROJECT.db [--dicom FOLDER]] [--demo]``.

The one module of ``reviewer_gui.qt`` that builds the engine adapter: it opens the project
file (``reviewer_gui.store.open_project``) with ``RecistEngine`` and hands the model to the
window; the widgets never see the engine.
"""

from __future__ import annotations

import getpass
import sys
import tempfile
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QFileDialog

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.store import open_project

from .main_window import MainWindow

SAMPLE_SCANS = Path(__file__).resolve().parents[2] / "sample_scans"


def default_reader() -> str:
    """The reader's name: the operating-system account (every entry is attributed)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reader"


def demo_project_path() -> Path:
    """A fresh project file in a new temporary folder (the demo never touches real data)."""
    return Path(tempfile.mkdtemp(prefix="recist-review-demo-")) / "demo-reading.db"


def open_window(path: Path, *, reader: str, dicom: Path | None = None) -> MainWindow:
    """A main window on the project at ``path`` (created if missing); ``dicom`` is a folder
    of studies to add (read in the background). The store closes with the window."""
    project, store = open_project(path, RecistEngine())
    window = MainWindow(project, reader=reader, database=store.path.resolve(),
                        opener=lambda other: _replace(window, other, reader))  # fmt: skip
    window.on_close = store.close
    if dicom is not None:
        window.import_folder(dicom)
    elif project.case_ids:
        window.session.go(project.case_ids[0])
    return window


def _replace(window: MainWindow, path: Path, reader: str) -> None:
    other = open_window(path, reader=reader)
    other.show()
    window.close()


def run(project: Path | None, *, dicom: Path | None = None, reader: str | None = None,
        demo: bool = False, screenshot: Path | None = None) -> int:
    """Run the app until its window closes; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("RECIST reviewer")
    if demo:
        project, dicom = project or demo_project_path(), dicom or SAMPLE_SCANS
    if project is None:
        chosen, _ = QFileDialog.getSaveFileName(
            None, "Open or create a reading project", str(Path.home()),
            "Reading projects (*.db)", options=QFileDialog.Option.DontConfirmOverwrite)
        if not chosen:
            return 0
        project = Path(chosen)
        if dicom is None and not project.exists():
            folder = QFileDialog.getExistingDirectory(None, "Folder of DICOM studies")
            dicom = Path(folder) if folder else None
    window = open_window(project, reader=reader or default_reader(), dicom=dicom)
    window.show()
    if screenshot is not None:
        def shoot() -> None:
            if window.views.loading() or (window.scanner is not None
                                          and window.scanner.isRunning()):  # fmt: skip
                QTimer.singleShot(100, shoot)
                return
            window.grab().save(str(screenshot))
            window.close()

        QTimer.singleShot(300, shoot)
    status = app.exec()
    if window.on_close is not None:  # quit without closing the window
        window.on_close()
    return int(status)
