"""Registrations of the shown follow-up in a worker thread, never in the reader's way.

:class:`Registrations` runs :func:`reviewer_gui.viewer.registration_cache.run_registration`
(plain computation) on a :class:`QThreadPool` of one thread (registration uses SimpleITK's
own threads; the reader's machine keeps a core for the app), keeps each outcome for the
session (asking again costs nothing) and announces it (:attr:`Registrations.ready`, delivered
in the GUI thread). When the reader moves on, the jobs not yet started are dropped
(:meth:`drop_queued`); a running one finishes and is kept (the pair may be shown again), and
whoever listens decides whether it is still wanted. Closing the window (:meth:`close`) stops
the running one at its optimizer's next iteration (its job's ``stop``), keeps and caches nothing
of it, and starts nothing more.

The project's cache (:class:`~reviewer_gui.viewer.registration_cache.RegistrationCache`, the
signed-in user's rows) is used on the GUI thread only, never by the worker: :meth:`request`
looks the pair up and hands the candidates to the job; a computed outcome is stored when it is
delivered (``_done``), its note saying so when the store refuses it.

Lifetimes across threads: a job (:class:`_Run`) is owned by Python and kept for the session,
never freed while its worker returns from it; the worker touches only its job, its stop
(:class:`~reviewer_gui.viewer.registration.Stop`) and the :class:`_Delivery` (a child of
:class:`Registrations`, destroyed after the pool, whose destructor waits for the worker); the
series a job holds are read-only and let go once its outcome is delivered. :meth:`close` must
come before the window is destroyed (its ``closeEvent`` does it): the pool's destructor would
wait for a running job while holding the Python lock the job needs (a hang), where
:meth:`close` waits with it released.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace

from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal

from reviewer_gui.viewer.registration_cache import (
    RegistrationCache,
    RegistrationJob,
    RegistrationOutcome,
    run_registration,
)

Pair = tuple[str, str]  # (earlier series UID, follow-up series UID)


class _Delivery(QObject):
    """Carries a finished job from the worker to the GUI thread (a queued signal)."""

    done = pyqtSignal(object)  # _Run, its outcome set


class _Run(QRunnable):
    """One job. Python owns it (no auto-delete) and :class:`Registrations` keeps it for the
    session: its outcome may be delivered while the worker is still returning from
    :meth:`run`, so it is never freed under the worker; its job (which may hold a series) is
    let go once delivered."""

    def __init__(self, job: RegistrationJob, delivery: _Delivery) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.job: RegistrationJob | None = job
        self.pair: Pair = job.pair
        self.delivery = delivery
        self.stop = job.stop
        self.outcome: RegistrationOutcome | None = None  # set by the worker, read once done

    def run(self) -> None:
        job = self.job
        assert job is not None  # let go only after its outcome
        try:
            outcome = run_registration(job)
        except Exception as error:  # a worker must report, never die
            outcome = RegistrationOutcome.failed(job, f"registration failed: "
                                                 f"{type(error).__name__}: {error}")  # fmt: skip
        self.outcome = outcome
        with suppress(RuntimeError):  # the window's objects are gone: nobody left to tell
            self.delivery.done.emit(self)


class Registrations(QObject):
    """The session's registrations: computed once per pair of series, in the background."""

    ready = pyqtSignal(object)  # RegistrationOutcome, in the GUI thread
    stopped = pyqtSignal(object)  # RegistrationOutcome of a job stopped by close()

    def __init__(self, parent: QObject | None = None, *,
                 cache: RegistrationCache | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.cache = cache  # the project's, for the signed-in user (None: nothing kept)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.outcomes: dict[Pair, RegistrationOutcome] = {}
        self.running: dict[Pair, _Run] = {}  # queued or running
        self.closed = False  # by close(): nothing more is started
        self._ran: list[_Run] = []  # kept: see _Run
        self._delivery = _Delivery(self)
        self._delivery.done.connect(self._done)

    def outcome(self, earlier_uid: str, follow_up_uid: str) -> RegistrationOutcome | None:
        return self.outcomes.get((earlier_uid, follow_up_uid))

    def busy(self, earlier_uid: str, follow_up_uid: str) -> bool:
        """The pair is queued or being registered."""
        return (earlier_uid, follow_up_uid) in self.running

    def use_cache(self, cache: RegistrationCache) -> None:
        """Keep registrations in the project from now on (the signed-in user's rows)."""
        self.cache = cache

    def request(self, job: RegistrationJob) -> None:
        """Register the pair unless it is known or on its way (or the window closed)."""
        if self.closed or job.pair in self.outcomes or job.pair in self.running:
            return
        if self.cache is not None:  # looked up here, on the GUI thread: the store's
            job = replace(job, candidates=self.cache.candidates(*job.pair))
        run = _Run(job, self._delivery)
        self.running[job.pair] = run
        self.pool.start(run)

    def drop_queued(self) -> None:
        """Forget the jobs not started (the reader moved on); a running one finishes."""
        for pair, run in list(self.running.items()):
            if self.pool.tryTake(run):
                del self.running[pair]

    def close(self) -> None:
        """Closing the window: drop what is queued, stop the running job at its next step or
        optimizer iteration and wait for it (nothing of it kept or cached), start nothing more."""
        self.closed = True
        self.drop_queued()
        for run in self.running.values():
            run.stop.request()
        self.pool.waitForDone()
        for run in list(self.running.values()):  # their deliveries, still queued, now
            self._done(run)

    def _done(self, run: _Run) -> None:
        outcome = run.outcome
        if outcome is None or self.running.get(run.pair) is not run:
            return  # delivered already (by close)
        del self.running[run.pair]
        run.job = None  # the series it held
        self._ran.append(run)
        if outcome.stopped:
            self.stopped.emit(outcome)
            return
        if self.cache is not None:  # computed: kept in the project, here on the GUI thread
            outcome = self.cache.keep(outcome)
        self.outcomes[outcome.pair] = outcome
        if not self.closed:  # a closing window moves no view
            self.ready.emit(outcome)
