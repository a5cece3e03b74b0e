"""The reader's window's project actions: open or create a project file, add a folder of
DICOM studies (its headers read in a worker thread; not offered on a project with users),
and export the read shown (the measurements CSV, DICOM SR).

:class:`ProjectActions` is the part of :class:`~.main_window.MainWindow` that does them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtWidgets import QFileDialog, QLabel, QMainWindow

from reviewer_gui.reading import ReadingProject

from .export_action import Exporter, export_measurements
from .loading import FolderScanner
from .reading_views import ReadingViews
from .session import ReadingSession
from .sr_action import SrExporter, export_srs
from .studies import FolderScan, apply_scan
from .study_tree import StudyTree


class ProjectActions(QMainWindow):
    """Project files, imports and exports, as the main window offers them."""

    session: ReadingSession
    views: ReadingViews
    tree: StudyTree
    message: QLabel
    scanner: FolderScanner | None
    opener: Callable[[Path], None] | None
    exporter: Exporter | None
    sr_exporter: SrExporter | None

    def show_message(self, text: str, error: bool) -> None:
        raise NotImplementedError

    def _loading(self, busy: bool, text: str = "Loading images...") -> None:
        raise NotImplementedError

    def export_measurements(self, path: Path | None = None) -> int | None:
        """Ctrl+E: the measurements CSV of the read shown, as ``recist-review export``
        writes it, to ``path`` (asked for when ``None``); returns the rows written."""
        return export_measurements(self, self.session, self.exporter, path)

    def export_sr(self, folder: Path | None = None) -> int | None:
        """Project > Export DICOM SR...: ``recist-review export --sr`` for the read shown."""
        return export_srs(self, self.session, self.sr_exporter, folder)

    def open_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Open or create a reading project", str(self.session.database.parent),
            "Reading projects (*.db)", options=QFileDialog.Option.DontConfirmOverwrite)
        if path and self.opener is not None:
            self.opener(Path(path))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of DICOM studies")
        if folder:
            self.import_folder(Path(folder))

    def import_folder(self, folder: Path) -> None:
        """Add the folder's studies to the project, its headers read in a worker thread."""
        if not isinstance(self.session.project, ReadingProject):
            self.show_message("this project has users: the study administrator adds studies "
                              "with `recist-review import` (de-identified)", True)  # fmt: skip
            return
        if self.scanner is not None and self.scanner.isRunning():
            self.show_message("a folder is being read already", True)
            return
        self.scanner = FolderScanner(folder, self)
        self.scanner.scanned.connect(self._scanned)
        self.scanner.failed.connect(lambda text: self.show_message(text, True))
        self.scanner.finished.connect(lambda: self._loading(self.views.loading()))
        self._loading(True, f"Reading DICOM headers in {folder}...")
        self.scanner.start()

    def _scanned(self, scan: FolderScan) -> None:
        self.tree.remember(scan)
        project = self.session.project
        assert isinstance(project, ReadingProject)  # import_folder checked
        notes = apply_scan(project, scan, by=self.session.reader)
        subjects = len({s.case_id for s in scan.studies})
        skipped = [n for n in notes if "not a DICOM file" not in n]
        text = f"{scan.root}: {len(scan.studies)} studies of {subjects} subjects"
        self.show_message(text + (f"; {len(skipped)} not added (hover)" if skipped else ""),
                          bool(skipped))  # fmt: skip
        if skipped:
            self.message.setToolTip("\n".join(skipped))
        if self.session.case_id is None and self.session.project.case_ids:
            self.session.go(self.session.project.case_ids[0])

