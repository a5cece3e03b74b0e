"""Project > Export DICOM SR...: the read shown, as ``recist-review export --sr`` writes it.

As for the CSV (``.export_action``), the window does not build the SRs: the app's start-up
hands it the command line's own function (:data:`SrExporter`): every signed timepoint of the
reader's read as a DICOM SR file in a folder, never over an existing file, audited once signed
in (where a reader exports only their own read).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtWidgets import QFileDialog, QWidget

from reviewer_gui.reading import ReadingError

from .session import ReadingSession

#: ``exporter(folder, reader) -> SR files written``: the SRs of ``reader``'s read.
SrExporter = Callable[[Path, str], int]


def default_folder(session: ReadingSession) -> Path:
    """Beside the project file: ``PROJECT-READER-sr``."""
    database = session.database
    return database.parent / f"{database.stem}-{session.reader}-sr"


def export_srs(parent: QWidget, session: ReadingSession, exporter: SrExporter | None,
               folder: Path | None = None) -> int | None:  # fmt: skip
    """Write the SRs of the session's read into ``folder`` (asked for when ``None``); the
    result or the error goes to the message line. Returns the number of files written,
    ``None`` when nothing was written."""
    if exporter is None:
        session.message.emit("this window cannot export DICOM SR (on a PostgreSQL project not "
                             "yet): export the measurements CSV (Ctrl+E)", True)  # fmt: skip
        return None
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(parent, "Export DICOM SR: choose a folder",
                                                  str(default_folder(session).parent))
        if not chosen:
            return None
        folder = Path(chosen)
    try:
        files = exporter(folder, session.reader)
    except (ReadingError, PermissionError, OSError, ValueError) as error:
        session.message.emit(f"no SR exported: {error}", True)
        return None
    note = " (one per signed timepoint)" if files else ": nothing signed yet (only signed " \
        "timepoints are exported)"
    session.message.emit(f"{files} DICOM SR file(s) of {session.reader}'s read exported to "
                         f"{folder}{note}", False)  # fmt: skip
    return files
