"""Stopping a running registration (the reader closed the window): SimpleITK's optimizer is
stopped from its iteration command at the next iteration, the job says it was stopped, and
nothing of it is cached."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reviewer_gui.store import Store
from reviewer_gui.store.derived import UserRegistrations
from reviewer_gui.viewer.registration import RegistrationStopped, Stop, register_series
from reviewer_gui.viewer.registration_cache import (
    RegistrationCache,
    RegistrationJob,
    run_registration,
)

from .case_series import CaseSeries, registered


class StopAt(Stop):
    """A stop requested when the optimizers have run `n` iterations (in the registration's own
    thread: the request lands at a known point of the run)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    @property
    def requested(self) -> bool:
        return self.iterations >= self.n or super().requested


def scans() -> tuple[CaseSeries, CaseSeries]:
    earlier, follow, _, _ = registered("shift")
    return earlier, follow


def test_a_stop_ends_the_optimizer_at_its_next_iteration() -> None:
    earlier, follow = scans()
    whole = Stop()
    register_series(earlier, follow, stop=whole)
    assert whole.iterations > 40  # a whole run: the rigid and the affine stage, two levels
    stop = StopAt(5)
    with pytest.raises(RegistrationStopped):
        register_series(earlier, follow, stop=stop)
    # the level under way stops at once, the next one at its first iteration; no affine stage
    assert stop.iterations <= 5 + 1


def test_a_stop_asked_for_from_another_thread_ends_a_running_registration() -> None:
    earlier, follow = scans()
    stop, ended = Stop(), []

    def register() -> None:
        try:
            register_series(earlier, follow, stop=stop)
            ended.append("finished")
        except RegistrationStopped:
            ended.append("stopped")

    worker = threading.Thread(target=register)
    worker.start()
    while stop.iterations == 0 and worker.is_alive():  # the optimizer under way
        threading.Event().wait(0.001)
    stop.request()
    worker.join(timeout=120)  # a guard against a hang, not a measure of time
    assert not worker.is_alive() and ended == ["stopped"]


def job(earlier: CaseSeries, follow: CaseSeries, loads: list[str],
        stop: Stop | None = None) -> RegistrationJob:  # fmt: skip
    def load(which: str, series: CaseSeries) -> CaseSeries:
        loads.append(which)
        return series

    return RegistrationJob("BASELINE", "1.1", "1.2", lambda: load("earlier", earlier),
                           lambda: load("follow-up", follow), stop or Stop())  # fmt: skip


def test_a_stopped_job_says_so_and_caches_nothing(tmp_path: Path) -> None:
    earlier, follow = scans()
    loads: list[str] = []
    with Store.open(tmp_path / "p.db") as store:
        cache = RegistrationCache(UserRegistrations(store, "alice"))
        stopped = run_registration(job(earlier, follow, loads, StopAt(3)))
        assert stopped.stopped and stopped.registration is None and stopped.geometry is None
        assert stopped.error == "the registration was stopped" and not stopped.cached
        assert loads == ["earlier", "follow-up"]
        assert cache.keep(stopped) == stopped and cache.candidates("1.1", "1.2") == ()
        # asked again without a stop: registered and kept as if the stopped run never was
        again = cache.keep(run_registration(job(earlier, follow, loads)))
        assert not again.stopped and again.registration is not None and not again.cached
        assert [c.registration for c in cache.candidates("1.1", "1.2")] == [again.registration]


def test_a_job_stopped_before_it_starts_loads_nothing() -> None:
    earlier, follow = scans()
    stop, loads = Stop(), []
    stop.request()
    outcome = run_registration(job(earlier, follow, loads, stop))
    assert outcome.stopped and loads == [] and outcome.inputs_sha256 == ""
