"""The reviewer's main window: a reading project read subject by subject, timepoint by
timepoint.

Left: subjects -> timepoints -> series. Centre: prior and current images side by side, the
lesion x timepoint grid under them. Right: the lesion panel (add, states, sign) and, on F1,
the help. Bottom: what just happened (refusals in red), load progress, and the project file
every change is saved to. Every action is a keyboard shortcut (:mod:`.shortcuts`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import Qt, QThread, pyqtSignal
from PyQt6.QtGui import QAction, QCloseEvent, QKeySequence
from PyQt6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QWidget,
)

from reviewer_gui.reading import DEFAULT_MEANING, Category, ReadingProject, State
from reviewer_gui.viewer import PRESETS, Tool

from .help_panel import HelpPanel
from .lesion_grid import LesionGrid
from .lesion_panel import LesionPanel
from .reading_views import ReadingViews
from .session import ReadingSession
from .shortcuts import SHORTCUTS
from .studies import FolderScan, apply_scan, scan_folder
from .study_tree import StudyTree

FRAGMENTS = ("a", "b", "c", "d", "e", "f")


class FolderScanner(QThread):
    """Reads the headers of a folder of DICOM studies off the GUI thread."""

    scanned = pyqtSignal(object)  # FolderScan
    failed = pyqtSignal(str)

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder

    def run(self) -> None:
        try:
            self.scanned.emit(scan_folder(self.folder))
        except (OSError, ValueError) as error:
            self.failed.emit(f"{self.folder}: {error}")


def ask(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, "RECIST reviewer", text)
    return answer == QMessageBox.StandardButton.Yes


class MainWindow(QMainWindow):
    """The reviewer app on one reading project, for one reader."""

    def __init__(self, project: ReadingProject, *, reader: str, database: Path,
                 opener: Callable[[Path], None] | None = None) -> None:
        super().__init__()
        self.session = ReadingSession(project, reader, database)
        self.opener = opener
        self.confirm: Callable[[str], bool] = lambda text: ask(self, text)
        self.scanner: FolderScanner | None = None
        self.on_close: Callable[[], None] | None = None  # e.g. close the project's store
        self.setWindowTitle(f"RECIST reviewer - {database} - reader {reader}")
        self.views = ReadingViews(self.session)
        self.grid = LesionGrid(self.session)
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(self.views)
        centre.addWidget(self.grid)
        centre.setStretchFactor(0, 3)
        centre.setStretchFactor(1, 2)
        centre.setSizes([600, 340])  # the images get most of the height
        self.setCentralWidget(centre)
        self.tree = StudyTree(self.session)
        self.panel = LesionPanel(self.session)
        self.help = HelpPanel()
        self.tree_dock = self._dock("Reading", self.tree, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("Lesion", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.help_dock = self._dock("Keys (F1)", self.help, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.help_dock.hide()
        self.help_dock.visibilityChanged.connect(self._help_shown)
        self._build_status(database, reader)
        self.actions_by_name = self._build_actions()
        self.panel.sign_button.clicked.connect(self.sign)
        self.session.message.connect(self.show_message)
        self.views.loading_changed.connect(self._loading)
        self.resize(1500, 950)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(area, dock)
        return dock

    def _build_status(self, database: Path, reader: str) -> None:
        bar = self.statusBar()
        assert bar is not None
        self.message = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the loader gives no count
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.progress_text = QLabel()
        self.database_label = QLabel(f"Project: {database}  (every change saved at once)   "
                                     f"Reader: {reader}")  # fmt: skip
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_message("F1 lists every key. Choose a lesion (click its row, or ] / [), "
                          "then measure it: C caliper, B bidirectional.", False)
        bar.addWidget(self.message, 1)
        bar.addPermanentWidget(self.progress_text)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.database_label)

    def _build_actions(self) -> dict[str, QAction]:
        panel, session, views = self.panel, self.session, self.views
        handlers: dict[str, Callable[[], object]] = {
            "next_subject": lambda: session.step_subject(1),
            "previous_subject": lambda: session.step_subject(-1),
            "next_timepoint": lambda: session.step_timepoint(1),
            "previous_timepoint": lambda: session.step_timepoint(-1),
            "toggle_baseline": session.toggle_baseline,
            "sign": self.sign,
            "open_project": self.open_project,
            "import_folder": self.choose_folder,
            "help": lambda: self.help_dock.setVisible(not self.help_dock.isVisible()),
            "caliper": lambda: views.set_tool(Tool.CALIPER),
            "bidirectional": lambda: views.set_tool(Tool.BIDIRECTIONAL),
            "cancel": self.cancel_drawing,
            "next_lesion": lambda: session.step_lesion(1),
            "previous_lesion": lambda: session.step_lesion(-1),
            "add_target": lambda: panel.start_adding(Category.TARGET),
            "add_non_target": lambda: panel.start_adding(Category.NON_TARGET),
            "add_new": lambda: panel.start_adding(Category.NEW),
            "clear": panel.clear_measurement,
            "split": self.next_fragment,
            "absent": lambda: panel.set_state(State.ABSENT),
            "too_small": lambda: panel.set_state(State.TOO_SMALL),
            "not_evaluated": lambda: panel.set_state(State.NOT_EVALUATED),
            "merged": lambda: panel.set_state(State.MERGED),
            "progression": lambda: panel.set_state(State.PROGRESSION),
            "equivocal": lambda: panel.set_state(State.EQUIVOCAL),
            "present": lambda: panel.set_state(State.PRESENT),
        }
        for preset in PRESETS:
            handlers[f"window_{preset}"] = self._preset(preset)
        actions = {}
        for shortcut in SHORTCUTS:
            action = QAction(shortcut.text, self)
            action.setShortcut(QKeySequence(shortcut.keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, h=handlers[shortcut.name]: h())
            self.addAction(action)
            actions[shortcut.name] = action
        return actions

    def _help_shown(self, visible: bool) -> None:
        if visible:  # under the subject list, which needs little height
            self.resizeDocks([self.tree_dock, self.help_dock], [1, 3],
                             Qt.Orientation.Vertical)  # fmt: skip

    def _preset(self, preset: str) -> Callable[[], None]:
        return lambda: self.set_window(preset)

    # -- actions -------------------------------------------------------------------------
    def show_message(self, text: str, error: bool) -> None:
        self.message.setText(text)
        self.message.setToolTip(text)
        self.message.setStyleSheet("QLabel { color: #b00000; font-weight: bold; }" if error
                                   else "QLabel { color: #005000; }")  # fmt: skip

    def sign(self) -> None:
        session = self.session
        label, key = session.timepoint, session.key
        if label is None or key is None or session.signed:
            return
        if not self.confirm(
                f"Sign {session.case_id} {label} as {session.reader}?\n\n\"{DEFAULT_MEANING}\"\n\n"
                "A signed timepoint is locked: it cannot be changed afterwards."):
            return
        session.sign()

    def next_fragment(self) -> None:
        """Shift+S: measure the next fragment of a split target; after the last, whole."""
        current = self.session.fragment
        following = FRAGMENTS[FRAGMENTS.index(current) + 1:] if current in FRAGMENTS else (
            FRAGMENTS if not current else ())
        self.session.set_fragment(following[0] if following else "")
        self.panel.refresh()

    def cancel_drawing(self) -> None:
        for view in self.views.views():
            view.viewport.key("Esc")
            view.update()

    def set_window(self, preset: str) -> None:
        for view in self.views.views():
            view.set_window(PRESETS[preset])

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
        notes = apply_scan(self.session.project, scan, by=self.session.reader)
        subjects = len({s.case_id for s in scan.studies})
        skipped = [n for n in notes if "not a DICOM file" not in n]
        text = f"{scan.root}: {len(scan.studies)} studies of {subjects} subjects"
        self.show_message(text + (f"; {len(skipped)} not added (hover)" if skipped else ""),
                          bool(skipped))  # fmt: skip
        if skipped:
            self.message.setToolTip("\n".join(skipped))
        if self.session.case_id is None and self.session.project.case_ids:
            self.session.go(self.session.project.case_ids[0])

    def _loading(self, busy: bool, text: str = "Loading images...") -> None:
        busy = busy or (self.scanner is not None and self.scanner.isRunning())
        self.progress.setVisible(busy)
        self.progress_text.setText(text if busy else "")

    def closeEvent(self, event: QCloseEvent | None) -> None:
        for thread in (self.scanner, *(v.loader for v in self.views.views())):
            if thread is not None:
                thread.wait()
        if self.on_close is not None:
            self.on_close()
            self.on_close = None
        super().closeEvent(event)
