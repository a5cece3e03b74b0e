"""Registrations of the shown follow-up in a worker thread, never in the reader's way.

:class:`Registrations` runs :func:`reviewer_gui.viewer.registration_cache.run_registration`
(plain computation) on a :class:`QThreadPool` of one thread (registration uses SimpleITK's
own threads; the reader's machine keeps a core for the app), keeps each outcome for the
session (asking again costs nothing) and announces it (:attr:`Registrations.ready`, delivered
in the GUI thread). When the reader moves on, the jobs not yet started are dropped
(:meth:`drop_queued`); a running one finishes and is kept (the pair may be shown again), and
whoever listens decides whether it is still wanted.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal

from reviewer_gui.viewer.registration_cache import (
    RegistrationCache,
    RegistrationJob,
    RegistrationOutcome,
    run_registration,
)

Pair = tuple[str, str]  # (earlier series UID, follow-up series UID)


class _Delivery(QObject):
    """Carries an outcome from the worker to the GUI thread (a queued signal)."""

    done = pyqtSignal(object)  # RegistrationOutcome


class _Run(QRunnable):
    """One job. Python owns it (no auto-delete) and :class:`Registrations` keeps it for the
    session: its outcome may be delivered while the worker is still returning from
    :meth:`run`, so it is never freed under the worker; its job (which may hold a series) is
    let go once delivered."""

    def __init__(self, job: RegistrationJob, cache: RegistrationCache | None,
                 delivery: _Delivery) -> None:  # fmt: skip
        super().__init__()
        self.setAutoDelete(False)
        self.job: RegistrationJob | None = job
        self.cache, self.delivery = cache, delivery

    def run(self) -> None:
        job = self.job
        assert job is not None  # let go only after its outcome
        try:
            outcome = run_registration(job, self.cache)
        except Exception as error:  # a worker must report, never die
            outcome = RegistrationOutcome.failed(job, f"registration failed: "
                                                 f"{type(error).__name__}: {error}")  # fmt: skip
        self.delivery.done.emit(outcome)


class Registrations(QObject):
    """The session's registrations: computed once per pair of series, in the background."""

    ready = pyqtSignal(object)  # RegistrationOutcome, in the GUI thread

    def __init__(self, parent: QObject | None = None, *,
                 cache: RegistrationCache | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.cache = cache if cache is not None else RegistrationCache()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.outcomes: dict[Pair, RegistrationOutcome] = {}
        self.running: dict[Pair, _Run] = {}  # queued or running
        self._ran: list[_Run] = []  # kept: see _Run
        self._delivery = _Delivery(self)
        self._delivery.done.connect(self._done)

    def outcome(self, earlier_uid: str, follow_up_uid: str) -> RegistrationOutcome | None:
        return self.outcomes.get((earlier_uid, follow_up_uid))

    def busy(self, earlier_uid: str, follow_up_uid: str) -> bool:
        """The pair is queued or being registered."""
        return (earlier_uid, follow_up_uid) in self.running

    def request(self, job: RegistrationJob) -> None:
        """Register the pair unless it is known or on its way."""
        if job.pair in self.outcomes or job.pair in self.running:
            return
        run = _Run(job, self.cache, self._delivery)
        self.running[job.pair] = run
        self.pool.start(run)

    def drop_queued(self) -> None:
        """Forget the jobs not started (the reader moved on); a running one finishes."""
        for pair, run in list(self.running.items()):
            if self.pool.tryTake(run):
                del self.running[pair]

    def wait(self) -> None:
        """Drop what is queued and wait for the running job (closing the window)."""
        self.drop_queued()
        self.pool.waitForDone()

    def _done(self, outcome: RegistrationOutcome) -> None:
        run = self.running.pop(outcome.pair, None)
        if run is not None:
            run.job = None  # the series it held
            self._ran.append(run)
        self.outcomes[outcome.pair] = outcome
        self.ready.emit(outcome)
