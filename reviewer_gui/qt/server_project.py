"""The windows on a PostgreSQL project (``recist-review open|adjudicate postgresql://...``).

The windows are the same as on a project file; what differs is only where things are. A URL
is shown without its credentials; a window's export suggestions go to the home folder (a
project file's go beside it); the images are in the project's recorded image folder
(``reviewer_gui.store.image_folder``); a project without one says so where an image would
show (``.session.NO_IMAGES``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QCoreApplication, QEventLoop

from reviewer_gui.dicom import SeriesInfo
from reviewer_gui.reading import SeriesRef
from reviewer_gui.store import StoreError, is_postgres_url
from reviewer_gui.store.postgres.connect import database_name, display

from .adjudication_series import StudySeries
from .main_window import MainWindow
from .session import NO_IMAGES


def shown(location: Path | str) -> str:
    """The project as messages and titles show it (a URL without its password)."""
    return display(str(location)) if is_postgres_url(location) else str(location)


def window_path(location: Path | str) -> Path:
    """The ``database`` path a window gets: the project file, resolved; for a URL, a name in
    the home folder (where exports are suggested; the title shows the URL)."""
    if is_postgres_url(location):
        return Path.home() / database_name(str(location))
    return Path(location).resolve()


def connection_news(say: Callable[[str, bool], None]) -> Callable[[str], None]:
    """What a window does with the store's news of its connection (lost, reconnecting,
    reconnected, what became of an action): its message line says it at once (the reconnecting
    waits in the store, so the line is painted before it goes on; the user's input waits)."""

    def tell(text: str) -> None:
        say(text, "reconnected" not in text and "was applied once" not in text)
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    return tell


def server_window(window: MainWindow, url: str, close: Callable[[], None],
                  tell_connection: Callable[[Callable[[str], None]], None]) -> None:  # fmt: skip
    """Title and status of a reader's window on the project at ``url``; ``close`` (the
    session's) runs when the window closes, even with the connection lost (then no sign-out
    record can be written: the server's log has the disconnection); ``tell_connection`` (the
    session's) gets what says the connection's news in the window's message line."""

    def closing() -> None:
        with contextlib.suppress(StoreError):
            close()

    window.on_close = closing
    tell_connection(connection_news(window.session.message.emit))
    window.setWindowTitle(f"RECIST reviewer - {shown(url)} - {window.who()}")
    window.database_label.setText(f"Project: {shown(url)}  (every change saved at once)   "
                                  f"{window.who()}")  # fmt: skip


class NoImageFolder(StudySeries):
    """The adjudicator's series lookup on a project with no image folder recorded: each
    reader's pane says so (``NO_IMAGES``) instead of looking in a folder of no meaning."""

    def info(self, ref: SeriesRef) -> SeriesInfo | None:
        raise OSError(NO_IMAGES)
