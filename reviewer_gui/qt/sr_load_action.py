"""Project > Load DICOM SR into a reader's draft...: the study administrator's window does what
``recist-review sr-load`` does (``reviewer_gui.sr.migrate.load_srs``, through the window's
own signed-in session, so the window shows the loaded entries at once).

Thin on purpose: the window asks for the SR files and the reader, and, when another tool's
measurements need their lesion id, category and organ, for the CSV file that assigns them;
the loading, its checks and its audit record are the command's, handed over by the app's
start-up (``reviewer_gui.qt.app``). Only an administrator's window gets the action
(:func:`offer_sr_loading`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QFileDialog, QInputDialog, QMenu

from reviewer_gui.store import StoreError

from .main_window import MainWindow

#: ``loader(files, reader, lesions CSV or None) -> (reader, case, timepoint) per file``.
SrLoader = Callable[[Sequence[Path], str, Path | None], Sequence[tuple[str, str, str]]]
ACTION = "load_sr"
_NEEDS_ASSIGNMENTS = "assign them in a CSV file"


def offer_sr_loading(window: MainWindow, loader: SrLoader, readers: Sequence[str]) -> QAction:
    """Add the action to the window's Project menu (an administrator's window)."""
    action = QAction("Load DICOM SR into a reader's draft…", window)
    action.triggered.connect(lambda _=False: load_into_draft(window, loader, readers))
    menu = next(m for m in window.menuBar().findChildren(QMenu)  # type: ignore[union-attr]
                if m.title() == "&Project")  # fmt: skip
    menu.addAction(action)
    window.actions_by_name[ACTION] = action
    return action


def load_into_draft(window: MainWindow, loader: SrLoader, readers: Sequence[str], *,
                    files: Sequence[Path] | None = None, reader: str | None = None,
                    lesions: Path | None = None) -> int | None:  # fmt: skip
    """Load ``files`` into ``reader``'s draft (each asked for when ``None``); the result or the
    refusal goes to the message line. Returns the number of files loaded (``None``: none)."""
    message = window.session.message
    if files is None:
        chosen, _ = QFileDialog.getOpenFileNames(
            window, "Load DICOM SR: the SR files of a read done elsewhere", "",
            "DICOM SR (*.dcm);;All files (*)")  # fmt: skip
        files = [Path(name) for name in chosen]
    if not files:
        return None
    if reader is None:
        name, ok = QInputDialog.getItem(window, "Load DICOM SR", "Into the draft read of:",
                                        list(readers), 0, False)  # fmt: skip
        if not ok:
            return None
        reader = name
    try:
        try:
            done = loader(files, reader, lesions)
        except ValueError as error:
            if lesions is not None or _NEEDS_ASSIGNMENTS not in str(error):
                raise
            chosen_csv, _ = QFileDialog.getOpenFileName(
                window, "Another tool's measurements: the CSV assigning their lesions "
                "(tracking,lesion_id,category,organ,detail)", "", "CSV (*.csv)")  # fmt: skip
            if not chosen_csv:
                raise
            done = loader(files, reader, Path(chosen_csv))
    except (PermissionError, StoreError, ValueError) as error:  # NotPermitted, refusals
        message.emit(f"no SR loaded: {error}", True)
        return None
    spots = ", ".join(f"{case} {label}" for _, case, label in done)
    message.emit(f"{len(done)} SR file(s) loaded into {reader}'s draft read ({spots}); "
                 f"{reader} reviews and signs it", False)  # fmt: skip
    return len(done)
