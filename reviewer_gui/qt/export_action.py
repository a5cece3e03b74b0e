"""Export measurements CSV... (Ctrl+E): the read shown, as ``recist-review export`` writes it.

The window does not compute the export: the app's start-up hands it the exporter
(:data:`Exporter`), which is the command line's own function (``engine_adapter.export_project``
on a project without users, the review session's ``export`` once signed in, where a reader
exports only their own read). Both write atomically (a temporary file, then ``os.replace``):
a failed export leaves an existing file as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtWidgets import QFileDialog, QWidget

from reviewer_gui.reading import ReadingError

from .session import ReadingSession

#: ``exporter(path, reader) -> rows written``: the measurements CSV of ``reader``'s read.
Exporter = Callable[[Path, str], int]


def default_path(session: ReadingSession) -> Path:
    """Beside the project file: ``PROJECT-READER-measurements.csv``."""
    database = session.database
    return database.parent / f"{database.stem}-{session.reader}-measurements.csv"


def export_measurements(parent: QWidget, session: ReadingSession, exporter: Exporter | None,
                        path: Path | None = None) -> int | None:  # fmt: skip
    """Write the measurements CSV of the session's read to ``path`` (asked for in a file
    dialog when ``None``); the result or the error goes to the message line. Returns the
    number of rows written, ``None`` when nothing was written."""
    if exporter is None:
        session.message.emit("this window has no project file to export from", True)
        return None
    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, "Export measurements CSV",
                                                str(default_path(session)),
                                                "CSV files (*.csv)")  # fmt: skip
        if not chosen:
            return None
        path = Path(chosen)
    try:
        rows = exporter(path, session.reader)
    except (ReadingError, LookupError, OSError, ValueError) as error:
        text = error.args[0] if isinstance(error, LookupError) and error.args else error
        session.message.emit(f"not exported: {text}", True)
        return None
    note = " (signed timepoints only)" if rows else ": nothing signed yet (only signed " \
        "timepoints are exported)"
    session.message.emit(f"{rows} row(s) of {session.reader}'s read exported to {path}{note}",
                         False)  # fmt: skip
    return rows
