"""Stopping a running registration (the reader closed the window): SimpleITK's optimizer is
stopped from its iteration command at the next iteration, the reading of a series from the
project's files before the next file, the job says it was stopped, and nothing of it is
cached."""

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
    Series,
    archive_loader,
    files_loader,
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


# -- the earlier series read from the project's image folder (files) -----------------------

FILES = 300  # a series of small slices: its loading, not its pixels, is what is tested


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of one series of FILES small CT slices (real DICOM files, pydicom)."""
    from dicom_testkit import small_hu, write_small_series

    where = tmp_path_factory.mktemp("series")
    write_small_series(where, small_hu(n=FILES, size=8), key="earlier")
    return where


def files_job(folder: Path, stop: Stop, loads: list[str]) -> RegistrationJob:
    from reviewer_gui.dicom import load_series

    def follow_up() -> Series:
        loads.append("follow-up")
        return load_series(folder)

    uid = load_series(next(folder.iterdir())).series_uid
    return RegistrationJob("BASELINE", uid, "1.2", files_loader(folder, uid, stop), follow_up,
                           stop)  # fmt: skip


class PausedAt(Stop):
    """Holds the job before its `n`-th file read until a stop is requested (from the test's
    thread): the request lands at a known point of the load."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n, self.reached = n, threading.Event()

    def file_read(self, path: object = None) -> None:
        if self.files_read + 1 == self.n:
            self.reached.set()
            self._requested.wait(60)  # a guard against a hang, not a measure of time
        super().file_read(path)


def test_a_stop_asked_for_while_the_earlier_series_is_read_from_files_ends_the_job_at_the_next_file(
        folder: Path) -> None:  # fmt: skip
    stop, loads, outcomes = PausedAt(6), [], []
    worker = threading.Thread(
        target=lambda: outcomes.append(run_registration(files_job(folder, stop, loads))))
    worker.start()
    assert stop.reached.wait(60)  # five files read, the sixth next
    stop.request()  # from this thread, as the window's close does
    worker.join(timeout=60)
    assert not worker.is_alive()
    [outcome] = outcomes
    assert outcome.stopped and outcome.registration is None and outcome.geometry is None
    assert stop.files_read == 5  # not one file more of the 2 x 300 reads
    assert loads == [] and outcome.inputs_sha256 == ""  # nothing more loaded, nothing to keep


def test_a_stop_from_another_thread_at_any_point_of_the_reading_lets_at_most_one_file_more_be_read(
        folder: Path) -> None:  # fmt: skip
    stop, loads, outcomes = Stop(), [], []
    worker = threading.Thread(target=lambda: outcomes.append(
        run_registration(files_job(folder, stop, loads))))
    worker.start()
    while stop.files_read < 3 and worker.is_alive():  # the first files read
        threading.Event().wait(0.001)
    stop.request()
    read_when_asked = stop.files_read  # counted after the request: one more at most, in flight
    worker.join(timeout=60)
    assert not worker.is_alive() and [o.stopped for o in outcomes] == [True]
    assert 3 <= read_when_asked <= stop.files_read <= read_when_asked + 1
    assert outcomes[0].inputs_sha256 == ""  # nothing to keep


def test_not_stopped_the_loader_reads_each_file_of_the_folder_twice(folder: Path) -> None:
    stop = Stop()
    job = files_job(folder, stop, [])
    loaded = job.earlier()
    assert loaded.voxels.shape == (FILES, 8, 8) and stop.files_read == 2 * FILES


def test_a_stop_while_a_series_of_the_archive_is_read_from_the_readers_cache_keeps_the_cache(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The project's reading archive: a series the reader's cache holds whole is read from
    its files, not fetched; a stop there ends the job at the next file, and the cached series
    stays whole."""
    from reviewer_gui.dicom import SeriesCache, load_series

    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_CACHE_DIR", str(tmp_path / "dicomweb"))
    url = "http://127.0.0.1:9/dicom-web"  # never contacted: the series is in the cache
    volume, series_cache = load_series(folder), SeriesCache()
    staging = series_cache.begin(url, volume.series_uid)
    names = {staging.add(sop, path.read_bytes()).name: sop
             for path, sop in zip(volume.files, volume.sop_instance_uids, strict=True)}
    staging.commit(names)

    def archive_job(stop: Stop) -> RegistrationJob:
        return RegistrationJob("BASELINE", volume.series_uid, "1.2",
                               archive_loader(url, volume.series_uid, stop), lambda: volume,
                               stop)  # fmt: skip

    stop, outcomes = PausedAt(6), []
    worker = threading.Thread(target=lambda: outcomes.append(
        run_registration(archive_job(stop))))
    worker.start()
    assert stop.reached.wait(60)
    stop.request()
    worker.join(timeout=60)
    assert not worker.is_alive() and [o.stopped for o in outcomes] == [True]
    assert stop.files_read == 5 and outcomes[0].inputs_sha256 == ""
    cached = series_cache.lookup(url, volume.series_uid)
    assert cached is not None and sorted(cached.values()) == sorted(volume.sop_instance_uids)
    # not stopped: read whole from the cache (no connection: it would fail)
    whole = Stop()
    loaded = archive_job(whole).earlier()
    assert loaded.voxels.shape == (FILES, 8, 8) and whole.files_read == 2 * FILES
