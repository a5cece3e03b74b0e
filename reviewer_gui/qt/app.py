"""Starting the reviewer app: ``recist-review [open PROJECT.db [--dicom FOLDER]] [--demo]``.

The one module of ``reviewer_gui.qt`` that builds the engine adapter: it opens the project
file (``reviewer_gui.store.open_project``) with ``RecistEngine`` and hands the model to the
window; the widgets never see the engine.

A project with users (``recist-review users add``: a blinded central review) opens only
through a sign-in (:class:`~.dialogs.SignInDialog`, :func:`open_signed_in`): the window then
works through the user's review session (``reviewer_gui.review.sign_in``), and the reader is
whoever signed in (``--reader`` is for projects without users only).
"""

from __future__ import annotations

import getpass
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget

from reviewer_gui.engine_adapter import RecistEngine, export_project
from reviewer_gui.review import Role, Session, sign_in
from reviewer_gui.sample_scans import sample_scans_folder
from reviewer_gui.sr import write_srs
from reviewer_gui.sr.access import write_session_srs
from reviewer_gui.store import Store, UserRecord, is_postgres_url, open_project
from reviewer_gui.store.derived import UserRegistrations
from reviewer_gui.store.image_folder import file_images_location
from reviewer_gui.viewer.registration_cache import RegistrationCache

from .dialogs import SignInDialog
from .main_window import MainWindow
from .server_project import server_window, shown, window_path
from .sign_in_flow import sign_in_submit
from .signed_in import SignedInProject
from .sr_load_action import SrLoader, offer_sr_loading


def default_reader() -> str:
    """The reader's name: the operating-system account (every entry is attributed)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reader"


def demo_project_path() -> Path:
    """A fresh project file in a new temporary folder (the demo never touches real data)."""
    return Path(tempfile.mkdtemp(prefix="recist-review-demo-")) / "demo-reading.db"


def project_users(path: Path | str) -> dict[str, UserRecord]:
    """The users of the project at ``path`` (none for a new file: it is created). A
    PostgreSQL project always has users, and lists them only once signed in: ``{}``."""
    if isinstance(path, str) or not path.exists():
        return {}
    with Store.open(path, create=False) as store:
        return store.users()


def open_window(path: Path, *, reader: str, dicom: Path | None = None) -> MainWindow:
    """A main window on the project without users at ``path`` (created if missing), read by
    ``reader``; ``dicom`` is a folder of studies to add (read in the background). The store
    closes with the window."""
    project, store = open_project(path, RecistEngine())

    def export(output: Path, whose: str) -> int:  # `recist-review export PROJECT --reader`
        return export_project(output, store.load(), reader=whose).rows

    def export_sr(folder: Path, whose: str) -> int:  # `... export PROJECT --sr DIR --reader`
        reads = [read for key, read in sorted(store.load().reads.items()) if key.reader == whose]
        return len(write_srs(reads, folder,
                             images_base=file_images_location(store.path)).files)

    window = MainWindow(project, reader=reader, database=store.path.resolve(),
                        opener=lambda other: _replace(window, other, reader),
                        exporter=export, sr_exporter=export_sr)  # fmt: skip
    window.on_close = store.close
    owner = UserRegistrations(store, reader)  # the project's own rows of its reader
    window.views.registrations.use_cache(RegistrationCache(owner))
    if dicom is not None:
        window.import_folder(dicom)
    elif project.case_ids:
        window.session.go(project.case_ids[0])
    return window


def _session_srs(session: Session, folder: Path, whose: str) -> int:
    """``export --sr``'s SRs of ``whose`` read, written from the project's images (a project
    file's folder, a PostgreSQL project's recorded image folder); the number of files."""
    base = session.images_folder
    if base is None:
        raise ValueError("the project records no image folder, and the SRs are written from "
                         "the images: ask the study administrator (recist-review images)")
    return len(write_session_srs(session, folder, reader=whose, images_base=base).files)


def open_signed_in(location: Path | str, name: str, password: str) -> MainWindow:
    """A main window on the project with users at ``location`` (a file, or a PostgreSQL URL:
    connected as ``name``), signed in as ``name`` (``AuthenticationFailed`` when the name and
    password do not sign in). A reader starts at the first case of their worklist with a
    timepoint to read; an adjudicator or the administrator views the first reader's read. The
    session closes with the window."""
    session = sign_in(location, name, password, engine=RecistEngine())
    try:
        readers = list(session.readers())
        project = SignedInProject(session, readers)
        viewed = session.user if not project.read_only else (readers or [session.user])[0]
        window = MainWindow(project, reader=viewed, database=window_path(location),
                            opener=lambda other: _replace(window, other, viewed),
                            exporter=project.export,  # `recist-review export --user`
                            sr_exporter=lambda folder, whose: _session_srs(
                                session, folder, whose))  # fmt: skip
        window.views.registrations.use_cache(RegistrationCache(session.own_registrations()))
        if session.role is Role.ADMINISTRATOR:  # `recist-review sr-load`, in the window
            offer_sr_loading(window, session_loader(session), readers)
    except BaseException:
        session.close()
        raise
    window.on_close = session.close
    if is_postgres_url(location):
        server_window(window, str(location), session.close, session.tell_connection)
    todo = [] if project.read_only else [
        w.case_id for w in session.worklist() if w.next_timepoint is not None]
    first = todo[0] if todo else next(iter(project.case_ids), None)
    if first is not None:
        window.session.go(first)
    return window


def session_loader(session: Session) -> SrLoader:
    """``recist-review sr-load``'s own function, as ``session``'s user."""
    def load(files: Sequence[Path], reader: str, lesions: Path | None
             ) -> list[tuple[str, str, str]]:  # fmt: skip
        from reviewer_gui.sr.assignments import read_assignments
        from reviewer_gui.sr.migrate import load_srs

        assignments = read_assignments(lesions) if lesions else {}
        done = load_srs(session, reader, files, assignments=assignments)
        return [(d.key.reader, d.key.case_id, d.timepoint) for d in done]

    return load


def sign_in_dialog(location: Path | str, done: Callable[[MainWindow], None],
                   parent: QWidget | None = None) -> SignInDialog:  # fmt: skip
    """The sign-in of a project with users; ``done`` gets the window once signed in (a wrong
    name or password keeps the dialog open and is recorded in the audit trail; a locked account
    says who unlocks it; a reset password is changed first: ``.sign_in_flow``)."""
    dialog: list[SignInDialog] = []
    submit = sign_in_submit(location,
                            lambda name, password: open_signed_in(location, name, password),
                            done, lambda: dialog[0] if dialog else None)  # fmt: skip
    dialog.append(SignInDialog(shown(location), default_reader(), submit, parent))
    return dialog[0]


def _replace(window: MainWindow, path: Path, reader: str) -> None:
    def show(other: MainWindow) -> None:
        other.show()
        window.close()

    if project_users(path):
        sign_in_dialog(path, show, window).open()
    else:
        show(open_window(path, reader=reader))


def save_when_ready(window: QWidget, path: Path, busy: Callable[[], bool],
                    first_ms: int = 300) -> None:
    """Save `window` as PNG to `path` once `busy()` says nothing is loading, then close it
    (``--screenshot``: the docs' pictures are taken this way)."""

    def shoot() -> None:
        if busy():
            QTimer.singleShot(100, shoot)
            return
        window.grab().save(str(path))
        window.close()

    QTimer.singleShot(first_ms, shoot)


def run(project: Path | str | None, *, dicom: Path | None = None, reader: str | None = None,
        demo: bool = False, screenshot: Path | None = None) -> int:
    """Run the app until its window closes; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("RECIST reviewer")
    if demo:
        project, dicom = project or demo_project_path(), dicom or sample_scans_folder()
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
    if is_postgres_url(project) or project_users(project):
        if reader is not None or dicom is not None:
            option = "--reader" if reader is not None else "--dicom"
            print(f"recist-review: {shown(project)} has users: sign in (the reader is who "
                  f"signs in); {option} is for projects without users (the study "
                  "administrator adds studies with `recist-review import`)",
                  file=sys.stderr)  # fmt: skip
            return 2
        opened: list[MainWindow] = []
        dialog = sign_in_dialog(project, opened.append)
        if dialog.exec() != QDialog.DialogCode.Accepted or not opened:
            return 0
        window = opened[0]
    else:
        window = open_window(Path(project), reader=reader or default_reader(), dicom=dicom)
    window.show()
    if screenshot is not None:
        save_when_ready(window, screenshot, lambda: window.views.loading() or (
            window.scanner is not None and window.scanner.isRunning()))
    status = app.exec()
    if window.on_close is not None:  # quit without closing the window: close it now, so
        window.close()  # its workers and registrations stop before the store closes
    return int(status)
