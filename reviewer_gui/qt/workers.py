"""Worker threads whose results may stop mattering (their view replaced, their window closed).

:class:`Worker` is the :class:`QThread` of the app's background loads (a series from files or
from the reading archive, the headers of a folder). Its :meth:`Worker.work` runs in the thread
and never takes the app down: an exception it does not expect becomes its ``failed`` signal
in words (an unhandled exception in a thread would abort the app). :meth:`Worker.let_go`
is for a window that closes: what the worker would still deliver is dropped (even a result
already queued for the GUI thread, which would otherwise reach views and a store already
closed), it is asked to stop where it can (:meth:`Worker.stopping`), it is never started again
(a retry timer may still fire), and it is waited for, so it is never destroyed while running.
"""

from __future__ import annotations

import threading
from contextlib import suppress

from PyQt6.QtCore import QObject, QThread, pyqtSignal


class Stopped(Exception):
    """Raised inside :meth:`Worker.work` (e.g. from a progress callback) once let go."""


class Worker(QThread):
    """A background load; subclasses implement :meth:`work` and name their result signals."""

    failed = pyqtSignal(str)
    #: The signals that deliver the work's results (``failed`` is always one).
    results: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._let_go = threading.Event()

    def work(self) -> None:
        raise NotImplementedError

    def run(self) -> None:
        try:
            self.work()
        except Stopped:
            return
        except Exception as error:  # a worker reports, never dies (nor kills the app)
            if not self.stopping():
                self.failed.emit(f"{type(error).__name__}: {error}")

    def stopping(self) -> bool:
        """Its results are no longer wanted: :meth:`work` may end early (raise :class:`Stopped`)."""
        return self._let_go.is_set()

    def check(self) -> None:
        """Raise :class:`Stopped` once let go (for progress callbacks inside :meth:`work`)."""
        if self.stopping():
            raise Stopped

    def start(self, priority: QThread.Priority = QThread.Priority.InheritPriority) -> None:
        if not self.stopping():  # let go: a retry that fires late starts nothing
            super().start(priority)

    def let_go(self) -> None:
        """Drop its results (delivered or queued), ask it to stop, never start it again, and
        return once it has finished."""
        self._let_go.set()
        for name in (*self.results, "failed"):
            with suppress(TypeError):  # nothing connected
                getattr(self, name).disconnect()
        self.wait()


def let_go(thread: QThread | None) -> None:
    """:meth:`Worker.let_go` for a worker; wait for any other thread."""
    if isinstance(thread, Worker):
        thread.let_go()
    elif thread is not None:
        thread.wait()
