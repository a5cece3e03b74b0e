"""The reviewer's main window: a reading project read subject by subject, timepoint by
timepoint.

Left: subjects -> timepoints -> series. Centre: prior and current images side by side, the
lesion x timepoint grid under them. Right: the lesion panel (add, states, sign, re-read)
and, on F1, the help. Bottom: what just happened (refusals in red), load progress, and the
project file every change is saved to. Every action is a keyboard shortcut (:mod:`.shortcuts`).

On a project with users the window works through the signed-in review session
(:class:`~.signed_in.SignedInProject`): signing is an e-signature (:class:`.SignatureDialog`:
name, password again, meaning), a re-read asks for its reason (:class:`.RereadDialog`); an
adjudicator or the study administrator chooses whose read to view and changes nothing;
Account -> "Change password..." changes the user's own password
(:class:`.ChangePasswordDialog`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QCloseEvent, QKeySequence
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QLabel,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QToolBar,
    QWidget,
)

from reviewer_gui.reading import Category
from reviewer_gui.viewer import PRESETS, Tool

from .export_action import Exporter
from .help_panel import HelpPanel
from .lesion_grid import LesionGrid
from .lesion_panel import LesionPanel
from .loading import FolderScanner
from .plain import tip
from .project_actions import ProjectActions
from .reading_dialogs import ReadingDialogs
from .reading_views import ReadingViews
from .session import ReadingSession
from .shortcuts import SHORTCUTS, STATE_KEYS, not_offered
from .signed_in import ReadingModel
from .sr_action import SrExporter
from .study_tree import StudyTree
from .workers import let_go

FRAGMENTS = ("a", "b", "c", "d", "e", "f")


def ask(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, "RECIST reviewer", text)
    return answer == QMessageBox.StandardButton.Yes


class MainWindow(ReadingDialogs, ProjectActions):
    """The reviewer app on one reading project, for one reader."""

    def __init__(self, project: ReadingModel, *, reader: str, database: Path,
                 opener: Callable[[Path], None] | None = None,
                 exporter: Exporter | None = None,
                 sr_exporter: SrExporter | None = None) -> None:  # fmt: skip
        super().__init__()
        self.session = ReadingSession(project, reader, database)
        self.opener = opener
        self.exporter = exporter  # recist-review export's own function (see .export_action)
        self.sr_exporter = sr_exporter  # and export --sr's (see .sr_action)
        self.confirm: Callable[[str], bool] = lambda text: ask(self, text)
        self.dialog: QDialog | None = None  # the signature or re-read dialog, while open
        self.scanner: FolderScanner | None = None
        self.on_close: Callable[[], None] | None = None  # e.g. close the project's store
        self.setWindowTitle(f"RECIST reviewer - {database} - {self.who()}")
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
        signed_in = self.session.signed_in
        self.hidden = not_offered(signed_in=signed_in is not None,
                                  read_only=self.session.read_only)  # fmt: skip
        self.help = HelpPanel(hidden=self.hidden)
        self.tree_dock = self._dock("Reading", self.tree, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("Lesion", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.help_dock = self._dock("Keys (F1)", self.help, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.help_dock.hide()
        self.help_dock.visibilityChanged.connect(self._help_shown)
        self._build_status(database)
        self.actions_by_name = self._build_actions()
        self.reader_choice = self._build_reader_choice()
        self.panel.confirm = lambda text: self.confirm(text)  # asked by the window
        self.panel.sign_button.clicked.connect(self.sign)
        self.panel.reread_button.clicked.connect(self.reread)
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

    def who(self) -> str:
        """Who works in this window, as its title and status bar say."""
        signed_in = self.session.signed_in
        if signed_in is None:
            return f"reader {self.session.reader}"
        viewing = ", read only" if signed_in.read_only else ""
        return f"signed in as {signed_in.user} ({signed_in.role.value}{viewing})"

    def _build_reader_choice(self) -> QComboBox | None:
        """Whose read an adjudicator or the study administrator views."""
        signed_in = self.session.signed_in
        if signed_in is None or not signed_in.read_only:
            return None
        bar = QToolBar("Read shown", self)
        bar.setObjectName("Read shown")
        bar.setMovable(False)
        choice = QComboBox()
        choice.addItems(signed_in.readers)
        choice.setCurrentText(self.session.reader)
        choice.currentTextChanged.connect(self.show_read_of)
        bar.addWidget(QLabel("  Read of reader: "))
        bar.addWidget(choice)
        bar.addWidget(QLabel("   (read only: reads are viewed here, never changed)"))
        self.addToolBar(bar)
        return choice

    def show_read_of(self, reader: str) -> None:
        session = self.session
        if reader and reader != session.reader:
            session.reader = reader
            session.lesion_id = None
            if session.case_id is not None:
                session.go(session.case_id, session.timepoint)

    def _build_status(self, database: Path) -> None:
        bar = self.statusBar()
        assert bar is not None
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # messages quote the engine
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the loader gives no count
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.progress_text = QLabel()
        self.database_label = QLabel(f"Project: {database}  (every change saved at once)   "
                                     f"{self.who()}")  # fmt: skip
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if self.session.read_only:
            self.show_message("Read only: choose whose read to view above; F1 lists every "
                              "key.", False)  # fmt: skip
        else:
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
            "next_series": lambda: session.step_series(1),
            "previous_series": lambda: session.step_series(-1),
            "export": self.export_measurements,
            "sign": self.sign,
            "reread": self.reread,
            "open_project": self.open_project,
            "import_folder": self.choose_folder,
            "help": lambda: self.help_dock.setVisible(not self.help_dock.isVisible()),
            "caliper": lambda: views.set_tool(Tool.CALIPER),
            "bidirectional": lambda: views.set_tool(Tool.BIDIRECTIONAL),
            "propose": lambda: self.use_tool(Tool.PROPOSE),
            "point": lambda: self.use_tool(Tool.POINT),
            "cancel": self.cancel_drawing,
            "next_lesion": lambda: session.step_lesion(1),
            "previous_lesion": lambda: session.step_lesion(-1),
            "add_target": lambda: panel.start_adding(Category.TARGET),
            "add_non_target": lambda: panel.start_adding(Category.NON_TARGET),
            "add_new": lambda: panel.start_adding(Category.NEW),
            "clear": panel.clear_measurement,
            "undo": session.undo,
            "redo": lambda: session.undo(redo=True),
            "split": self.next_fragment,
            **{name: partial(panel.set_state, state) for name, state in STATE_KEYS.items()},
        }
        for preset in PRESETS:
            handlers[f"window_{preset}"] = self._preset(preset)
        actions = {}
        for shortcut in SHORTCUTS:
            if shortcut.name in self.hidden:  # not offered to this user at all
                continue
            action = QAction(shortcut.text, self)
            action.setShortcut(QKeySequence(shortcut.keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, h=handlers[shortcut.name]: h())
            self.addAction(action)
            actions[shortcut.name] = action
        actions["export"].setText("Export measurements CSV…")
        menu = self.menuBar()
        assert menu is not None
        project_menu = menu.addMenu("&Project")
        assert project_menu is not None
        actions["export_sr"] = QAction("Export DICOM SR…", self)
        actions["export_sr"].triggered.connect(lambda _=False: self.export_sr())
        for name in ("open_project", "import_folder", "export", "export_sr"):
            if name in actions:  # not what the user may not do (qt.shortcuts.not_offered)
                project_menu.addAction(actions[name])
        if self.session.signed_in is not None:  # a project with users: the user's account
            account_menu = menu.addMenu("&Account")
            assert account_menu is not None
            change = QAction("Change password…", self)
            change.triggered.connect(lambda _=False: self.change_password())
            account_menu.addAction(change)
            actions["change_password"] = change
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
        self.message.setToolTip(tip(text))
        self.message.setStyleSheet("QLabel { color: #b00000; font-weight: bold; }" if error
                                   else "QLabel { color: #005000; }")  # fmt: skip

    def next_fragment(self) -> None:
        """Shift+S: measure the next fragment of a split target; after the last, whole."""
        current = self.session.fragment
        following = FRAGMENTS[FRAGMENTS.index(current) + 1:] if current in FRAGMENTS else (
            FRAGMENTS if not current else ())
        self.session.set_fragment(following[0] if following else "")
        self.panel.refresh()

    def use_tool(self, tool: Tool) -> None:
        """O (one click) or L (location point) for the chosen lesion: the next click on the
        current image proposes its axes, or marks where it is."""
        lesion_id, label = self.session.lesion_id, self.session.timepoint
        if lesion_id is None:
            self.show_message("choose the lesion first (click its row, or ] / [), or add one; "
                              "then O or L and a click on it", True)  # fmt: skip
            return
        if self.session.signed:
            self.show_message(f"{label} is signed and locked: a change needs a re-read "
                              "(Ctrl+R)", True)  # fmt: skip
            return
        self.views.set_tool(tool)
        self.show_message(f"{lesion_id}: click inside it on the current image; its axes are "
                          "proposed (Enter accepts, drag an end to adjust, Esc discards)"
                          if tool is Tool.PROPOSE else
                          f"{lesion_id}: click it on the current image to mark where it is",
                          False)  # fmt: skip

    def cancel_drawing(self) -> None:
        """Esc: the drawing in progress dropped, a proposal discarded (then the lesion's own
        tool again)."""
        proposed = any(v.viewport.layer.proposal is not None for v in self.views.views())
        for view in self.views.views():
            view.viewport.key("Esc")
            view.update()
        if proposed:
            self.views.resume_tool()
            self.show_message("the proposed measurement was discarded", False)

    def set_window(self, preset: str) -> None:
        for view in self.views.views():
            view.set_window(PRESETS[preset])

    def _loading(self, busy: bool, text: str = "Loading images...") -> None:
        busy = busy or (self.scanner is not None and self.scanner.isRunning())
        self.progress.setVisible(busy)
        self.progress_text.setText(text if busy else "")

    def closeEvent(self, event: QCloseEvent | None) -> None:
        # nothing the workers still deliver reaches the closed window or its store
        for thread in (self.scanner, *(v.loader for v in self.views.views())):
            let_go(thread)
        self.views.registrations.close()
        if self.on_close is not None:
            self.on_close()
            self.on_close = None
        super().closeEvent(event)
