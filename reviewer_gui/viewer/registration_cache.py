"""Registering a follow-up to an earlier series once (issue 17, item 2): the job a worker
thread runs, and the cache that makes re-opening the pair cost no registration.

Where: in the project, as the signed-in user's own rows (schema 6, ``registration``:
``reviewer_gui.store.derived``), so a reader who opens the project again, on any machine,
finds the pairs registered. Derived data, recomputable at will: not an audited change of the
record (no audit record; a row is replaced, not versioned). Each user's rows are theirs: the
store asks for the user's rows only, and on PostgreSQL the server shows and takes no other
(two functions of the signed-in login, row-level security); a registration shows nothing a
reader does not see already (two series they read).

Threads: neither an SQLite nor a psycopg connection may be used from the worker. So the
GUI thread looks the pair up first (:meth:`RegistrationCache.candidates`: the user's rows of
the pair, usually none or one) and hands them to the job (``RegistrationJob.candidates``);
the worker computes :func:`inputs_digest` (a SHA-256 of :data:`METHOD` and of both series'
voxels and geometry) and uses a candidate whose digest matches, else registers; back on the
GUI thread the outcome is stored (:meth:`RegistrationCache.keep`, replacing the pair's row).
A candidate whose digest differs (a series re-sent under the same UIDs, another version of
the method) or that does not read back is recomputed and replaced; a store that cannot be
written (a refused write, a read-only file) leaves a note on the outcome, never an error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from reviewer_gui.dicom import DicomLoadError, load_series
from reviewer_gui.store import StoreError
from reviewer_gui.store.derived import UserRegistrations

from . import registration as reg
from .find_again import Geometry, SeriesGeometry
from .registration import (
    Registration,
    RegistrationError,
    RegistrationStopped,
    Scan,
    Stop,
    register_series,
)

#: The method, as far as it changes the result: part of every entry's digest.
METHOD = (f"rigid+affine Mattes MI; bins {reg.DOWNSAMPLE_MM} mm; samples {reg.SAMPLES}; "
          f"seed {reg.RANDOM_SEED}; quality {reg.SOFT_TISSUE_HU} above {reg.BODY_HU} HU")


class Series(Scan, SeriesGeometry, Protocol):
    """A series to register, whose stored points can be placed (a loaded Volume)."""


def inputs_digest(earlier: Scan, follow_up: Scan) -> str:
    """SHA-256 of :data:`METHOD` and of both series' voxels (their bytes, type and shape)
    and geometry: what the registration is a function of."""
    digest = hashlib.sha256(METHOD.encode())
    for scan in (earlier, follow_up):
        voxels = np.ascontiguousarray(scan.voxels)
        geometry = (voxels.dtype.str, voxels.shape, scan.spacing_mm, scan.origin_mm,
                    scan.row_direction, scan.column_direction, scan.slice_normal)  # fmt: skip
        digest.update(repr(geometry).encode())
        digest.update(voxels.data)  # contiguous: its bytes in order
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedRegistration:
    """A registration kept in the project, as the worker compares it: for which inputs."""

    inputs_sha256: str
    method: str
    registration: Registration


@dataclass(frozen=True)
class RegistrationJob:
    """Register the follow-up series to an earlier one (the baseline or the prior).
    ``earlier`` and ``follow_up`` hand over the loaded series, or load it (in the worker);
    ``stop``, requested from any thread, ends the job at its next step, optimizer iteration,
    file read (:func:`files_loader`) or image arriving (:func:`archive_loader`).
    ``candidates``: the user's kept registrations of the pair, looked up on the GUI thread
    (:meth:`RegistrationCache.candidates`)."""

    earlier_label: str
    earlier_uid: str
    follow_up_uid: str
    earlier: Callable[[], Series]
    follow_up: Callable[[], Series]
    stop: Stop = field(default_factory=Stop, compare=False)
    candidates: tuple[CachedRegistration, ...] = ()

    @property
    def pair(self) -> tuple[str, str]:
        return self.earlier_uid, self.follow_up_uid


@dataclass(frozen=True)
class RegistrationOutcome:
    """A job's result: the registration and the earlier series' geometry, or why not (kept
    for the session: small, it holds no series)."""

    earlier_label: str
    pair: tuple[str, str]  # (earlier series UID, follow-up series UID)
    registration: Registration | None
    geometry: Geometry | None  # of the earlier series
    error: str = ""  # why there is no registration, in words
    cached: bool = False  # read from the cache, not computed
    note: str = ""  # e.g. why it could not be cached
    stopped: bool = False  # stopped on request (the window closed): nothing to keep
    inputs_sha256: str = ""  # of what was registered (:func:`inputs_digest`)

    @classmethod
    def failed(cls, job: RegistrationJob, error: str,
               geometry: Geometry | None = None) -> RegistrationOutcome:  # fmt: skip
        return cls(job.earlier_label, job.pair, None, geometry, error)

    @classmethod
    def stopped_on_request(cls, job: RegistrationJob) -> RegistrationOutcome:
        return cls(job.earlier_label, job.pair, None, None, "the registration was stopped",
                   stopped=True)  # fmt: skip


def files_loader(folder: Path, series_uid: str, stop: Stop) -> Callable[[], Series]:
    """Loads the series `series_uid` from the files under `folder` (in the project's image
    folder), ending with :class:`RegistrationStopped` before the next file it reads once
    `stop` is requested (the headers of the folder's files, then the series' pixels)."""
    return lambda: load_series(folder, series_uid=series_uid, on_file=stop.file_read)


def archive_loader(url: str, series_uid: str, stop: Stop) -> Callable[[], Series]:
    """Loads the series `series_uid` from the DICOMweb archive `url` (through the reader's
    cache), ending with :class:`RegistrationStopped` at the next image arriving, or file
    read (a series the cache holds), once `stop` is requested (the download's partial files
    discarded, nothing cached)."""

    def check(done: int, total: int) -> None:
        stop.check()

    return lambda: load_series(url, series_uid=series_uid, on_progress=check,
                               on_file=stop.file_read)


def run_registration(job: RegistrationJob) -> RegistrationOutcome:
    """The worker's job (plain computation and files, no Qt, no database): load what is not
    loaded, use the job's candidate of the same inputs, else register. Never raises for a
    series that cannot be read or registered: the outcome says why. Once ``job.stop`` is
    requested (from another thread) it ends at its next step or optimizer iteration: the
    outcome is ``stopped``."""
    stop = job.stop
    try:
        stop.check()
        try:
            earlier = job.earlier()
            stop.check()
            follow_up = job.follow_up()
        except (DicomLoadError, OSError, KeyError) as error:
            return RegistrationOutcome.failed(job, f"{job.earlier_label} cannot be loaded to "
                                              f"register to: {error}")  # fmt: skip
        stop.check()
        return _registered(job, earlier, follow_up, stop)
    except RegistrationStopped:
        return RegistrationOutcome.stopped_on_request(job)


def _registered(job: RegistrationJob, earlier: Series, follow_up: Series,
                stop: Stop) -> RegistrationOutcome:  # fmt: skip
    geometry = Geometry.of(earlier)
    digest = inputs_digest(earlier, follow_up)
    for found in job.candidates:
        if found.inputs_sha256 == digest and found.method == METHOD:
            return RegistrationOutcome(job.earlier_label, job.pair, found.registration,
                                       geometry, cached=True, inputs_sha256=digest)  # fmt: skip
    try:
        registration = register_series(earlier, follow_up, stop=stop)
    except RegistrationError as error:
        return RegistrationOutcome.failed(job, f"it cannot be registered to "
                                          f"{job.earlier_label}: {error}", geometry)  # fmt: skip
    return RegistrationOutcome(job.earlier_label, job.pair, registration, geometry,
                               inputs_sha256=digest)  # fmt: skip


class RegistrationCache:
    """The signed-in user's registrations kept in the project, used on the GUI thread only
    (its store's connection is that thread's)."""

    def __init__(self, rows: UserRegistrations) -> None:
        self.rows = rows

    def candidates(self, earlier_uid: str, follow_up_uid: str) -> tuple[CachedRegistration, ...]:
        """The user's rows of the pair that read back (none when the store cannot be read:
        the pair is then registered, and :meth:`keep` says why it is not kept)."""
        try:
            stored = self.rows.of_pair(earlier_uid, follow_up_uid)
        except StoreError:
            return ()
        found = []
        for row in stored:
            try:
                registration = Registration.from_dict(json.loads(row.registration))
            except (ValueError, KeyError, TypeError):  # not one: recomputed and replaced
                continue
            found.append(CachedRegistration(row.inputs_sha256, row.method, registration))
        return tuple(found)

    def keep(self, outcome: RegistrationOutcome) -> RegistrationOutcome:
        """Store a computed registration as the pair's row; the outcome, with a note when it
        could not be kept (the store refused it, a read-only file)."""
        if outcome.registration is None or outcome.cached or outcome.stopped:
            return outcome
        try:
            self.rows.keep(*outcome.pair, outcome.inputs_sha256, METHOD,
                           outcome.registration.to_dict())  # fmt: skip
        except StoreError as error:
            return replace(outcome, note=f"not kept in the project ({error})")
        return outcome
