"""Starting the adjudicator's window: ``recist-review adjudicate PROJECT.db``.

Like ``reviewer_gui.qt.app`` for the reader's window, the one place of the adjudication
window that builds the engine-backed review objects: it signs in through the sign-in dialog
(:class:`~.dialogs.SignInDialog`), opens the user's review session
(``reviewer_gui.review.sign_in``) and its ``AdjudicationDesk``, and hands them to
:class:`~.adjudication_window.AdjudicationWindow` as :class:`DeskWork`. A reader is refused
(a reader never sees the other reader's read, domain brief BICR section); an adjudicator
decides; the study administrator may look.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PyQt6.QtWidgets import QApplication, QDialog, QWidget

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import ReadingError, ReadKey, ReadView
from reviewer_gui.review import NotPermitted, Role, Session, sign_in
from reviewer_gui.review.adjudication import AdjudicationDesk, CaseReview, Decision
from reviewer_gui.review.side_by_side import SideBySide, side_by_side
from reviewer_gui.store import Store, StoreError, is_postgres_url
from reviewer_gui.store.image_folder import is_archive
from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.postgres.connect import database_name

from .adjudication_series import StudySeries
from .adjudication_window import AdjudicationWindow
from .app import default_reader, save_when_ready
from .dialogs import SignInDialog
from .live_queue import ReadsWatcher
from .server_project import NoImageFolder, connection_news, shown
from .sign_in_flow import sign_in_submit


class DeskWork:
    """An adjudicator's (or the administrator's) session and desk, as the window uses them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.desk = AdjudicationDesk(session)  # refuses a reader
        self.watcher: ReadsWatcher | None = None  # on a server: the queue kept current

    @property
    def user(self) -> str:
        return self.session.user

    @property
    def role(self) -> Role:
        return self.session.role

    def cases(self) -> Sequence[CaseReview]:
        return self.desk.cases()

    def compare(self, case_id: str) -> SideBySide:
        return side_by_side(self.desk, case_id)

    def read(self, case_id: str, reader: str) -> ReadView:
        read = self.desk.state().reads.get(ReadKey(case_id, reader))
        if read is None:
            raise ReadingError(f"no read of {case_id} by {reader}")
        return read

    def decide(self, case_id: str, chosen_reader: str, *, reason: str, name: str,
               password: str, meaning: str) -> Decision:  # fmt: skip
        return self.desk.decide(case_id, chosen_reader, reason=reason, name=name,
                                password=password, meaning=meaning)  # fmt: skip

    def change_password(self, current: str, new: str) -> None:
        self.session.change_password(current, new)

    def close(self) -> None:
        if self.watcher is None:
            self.session.close()
            return
        self.watcher.close()
        with contextlib.suppress(StoreError):  # the server lost: no sign-out record then
            self.session.close()


def open_adjudication(path: Path | str, name: str, password: str) -> AdjudicationWindow:
    """The adjudication window on the project at ``path``, signed in as ``name``
    (``AuthenticationFailed``: wrong name or password; ``NotPermitted``: a reader)."""
    session = sign_in(path, name, password, engine=RecistEngine())
    try:
        if session.role is Role.READER:
            session.record_refusal("open-adjudication", "a reader may not see both reads")
            raise NotPermitted(f"{session.user} is a reader: adjudication shows both readers' "
                               "reads, and a reader never sees the other reader's read. Sign "
                               "in as the adjudicator.")  # fmt: skip
        images = session.images_folder  # the window finds images beside its `database`
        if not is_postgres_url(path):
            window = AdjudicationWindow(DeskWork(session), database=Path(path).resolve())
            if is_archive(images):  # or on the project's reading archive
                window.images.studies = StudySeries(str(images))
            return window
        work = DeskWork(session)
        window = AdjudicationWindow(work, database=(
            images if isinstance(images, Path) else Path.home()) / database_name(str(path)))
        if is_archive(images):
            window.images.studies = StudySeries(str(images))
        if images is None:  # not recorded yet: each pane says so
            window.images.studies = NoImageFolder(Path.home())
            if window.case_id is not None:
                window.show_case(window.case_id)
        session.tell_connection(connection_news(window.say))
        listener = PostgresStore.open(str(path), user=name, password=password)
        listener.on_connection = connection_news(window.say)
        try:
            work.watcher = ReadsWatcher(listener, window.refresh_cases,
                                        lambda text: window.say(text, True), window)  # fmt: skip
        except BaseException:
            listener.close()
            raise
        window.setWindowTitle(window.windowTitle().replace(
            f" - {database_name(str(path))} - ", f" - {shown(path)} - ", 1))  # fmt: skip
        return window
    except BaseException:
        session.close()
        raise


def adjudication_sign_in(path: Path | str, done: Callable[[AdjudicationWindow], None],
                         parent: QWidget | None = None) -> SignInDialog:  # fmt: skip
    """The sign-in for adjudication; ``done`` gets the window once signed in (a wrong name or
    password, or a reader, keeps the dialog open with the reason)."""

    dialogs: list[SignInDialog] = []
    submit = sign_in_submit(path, lambda name, password: open_adjudication(path, name, password),
                            done, lambda: dialogs[0] if dialogs else None)  # fmt: skip
    dialog = SignInDialog(shown(path), default_reader(), submit, parent)
    dialogs.append(dialog)
    dialog.setWindowTitle("Sign in - RECIST adjudication")
    dialog.intro.setText(f"<b>{shown(path)}</b><br>Adjudication of the blinded central "
                         "review: sign in as the adjudicator with the name and password the study "
                         "administrator gave you. Your decisions are signed and recorded in "
                         "the audit trail.")  # fmt: skip
    return dialog


def run_adjudication(project: Path | str, *, screenshot: Path | None = None) -> int:
    """Sign in and run the adjudication window until it closes; returns the exit status (a
    PostgreSQL project lists its users only once signed in: the sign-in refuses a reader)."""
    if isinstance(project, Path):
        with Store.open(project, create=False) as store:
            users = store.users()
        if not any(user.role == Role.ADJUDICATOR for user in users.values()):
            print(f"recist-review: {project} has no adjudicator: adjudication is part of a "
                  "blinded review with users (`recist-review users add PROJECT.db NAME --role "
                  "adjudicator`)", file=sys.stderr)  # fmt: skip
            return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("RECIST adjudication")
    opened: list[AdjudicationWindow] = []
    dialog = adjudication_sign_in(project, opened.append)
    if dialog.exec() != QDialog.DialogCode.Accepted or not opened:
        return 0
    window = opened[0]
    window.show()
    if screenshot is not None:
        save_when_ready(window, screenshot, window.loading, first_ms=500)
    status = app.exec()
    window.close()  # quit without closing the window: the session still closes
    return int(status)
