"""Registering a follow-up to an earlier series once (issue 17, item 2): the job a worker
thread runs, and the cache that makes re-opening the pair cost no registration.

Where: the reader's local cache folder, ``$RECIST_REVIEW_REGISTRATION_CACHE_DIR`` (default
``$XDG_CACHE_HOME/recist-toolkit/registration``, i.e. ``~/.cache/recist-toolkit/registration``,
as the DICOMweb cache does), not the project. The store has no place a reader may write on
both backends without a schema change: ``project_info`` is written by the study
administrator only on PostgreSQL (its row policy allows the ``images_folder`` key alone), and
every project write is an audited change of the record, which a registration (derived data,
recomputed at will) is not. A registration shows nothing a reader does not see already (two
series they read), so a local file blinds no less than the images themselves.

Key: one file per (earlier series UID, follow-up series UID), named by a hash of the pair;
it records ``inputs_sha256``, a SHA-256 of the method's settings and of both series' voxels
and geometry (:func:`inputs_digest`). A file whose digest differs (a series re-sent under
the same UIDs, another version of the method), or that does not read back, is recomputed and
replaced. Files are written whole (a temporary file renamed), so a crash leaves the old
entry or none, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from reviewer_gui.dicom import DicomLoadError, load_series

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

CACHE_DIR_ENV = "RECIST_REVIEW_REGISTRATION_CACHE_DIR"
#: The method, as far as it changes the result: part of every entry's digest.
METHOD = (f"rigid+affine Mattes MI; bins {reg.DOWNSAMPLE_MM} mm; samples {reg.SAMPLES}; "
          f"seed {reg.RANDOM_SEED}; quality {reg.SOFT_TISSUE_HU} above {reg.BODY_HU} HU")


class Series(Scan, SeriesGeometry, Protocol):
    """A series to register, whose stored points can be placed (a loaded Volume)."""


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "recist-toolkit" / "registration"


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


class RegistrationCache:
    """Registrations on disk under `folder`, one JSON file per pair of series."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else default_cache_dir()

    def path(self, earlier_uid: str, follow_up_uid: str) -> Path:
        pair = hashlib.sha256(f"{earlier_uid}\n{follow_up_uid}".encode()).hexdigest()
        return self.folder / f"{pair[:40]}.json"

    def get(self, earlier_uid: str, follow_up_uid: str, digest: str) -> Registration | None:
        """The cached registration of the pair for these inputs, else ``None``."""
        try:
            data = json.loads(self.path(earlier_uid, follow_up_uid).read_text(encoding="utf-8"))
            if (data["earlier_series_uid"], data["follow_up_series_uid"],
                    data["inputs_sha256"]) != (earlier_uid, follow_up_uid, digest):  # fmt: skip
                return None
            return Registration.from_dict(data["registration"])
        except (OSError, ValueError, KeyError, TypeError):  # none, or not one: recompute
            return None

    def put(self, earlier_uid: str, follow_up_uid: str, digest: str,
            registration: Registration) -> None:  # fmt: skip
        """Store it (``OSError`` when the folder cannot be written)."""
        entry: dict[str, Any] = {"earlier_series_uid": earlier_uid,
                                 "follow_up_series_uid": follow_up_uid,
                                 "inputs_sha256": digest, "method": METHOD,
                                 "registration": registration.to_dict()}  # fmt: skip
        target = self.path(earlier_uid, follow_up_uid)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as f:
                json.dump(entry, f)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


@dataclass(frozen=True)
class RegistrationJob:
    """Register the follow-up series to an earlier one (the baseline or the prior).
    ``earlier`` and ``follow_up`` hand over the loaded series, or load it (in the worker);
    ``stop``, requested from any thread, ends the job at its next step, optimizer iteration,
    file read (:func:`files_loader`) or image arriving (:func:`archive_loader`)."""

    earlier_label: str
    earlier_uid: str
    follow_up_uid: str
    earlier: Callable[[], Series]
    follow_up: Callable[[], Series]
    stop: Stop = field(default_factory=Stop, compare=False)

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


def run_registration(job: RegistrationJob, cache: RegistrationCache | None,
                     ) -> RegistrationOutcome:  # fmt: skip
    """The worker's job (plain computation and files, no Qt): load what is not loaded, look
    the pair up in `cache`, else register and cache it. Never raises for a series that
    cannot be read or registered: the outcome says why. Once ``job.stop`` is requested (from
    another thread) it ends at its next step or optimizer iteration, caching nothing: the
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
        return _registered(job, cache, earlier, follow_up, stop)
    except RegistrationStopped:
        return RegistrationOutcome.stopped_on_request(job)


def _registered(job: RegistrationJob, cache: RegistrationCache | None, earlier: Series,
                follow_up: Series, stop: Stop) -> RegistrationOutcome:  # fmt: skip
    geometry = Geometry.of(earlier)
    digest = inputs_digest(earlier, follow_up)
    found = None if cache is None else cache.get(job.earlier_uid, job.follow_up_uid, digest)
    if found is not None:
        return RegistrationOutcome(job.earlier_label, job.pair, found, geometry, cached=True)
    try:
        registration = register_series(earlier, follow_up, stop=stop)
    except RegistrationError as error:
        return RegistrationOutcome.failed(job, f"it cannot be registered to "
                                          f"{job.earlier_label}: {error}", geometry)  # fmt: skip
    note = ""
    if cache is not None:
        try:
            cache.put(job.earlier_uid, job.follow_up_uid, digest, registration)
        except OSError as error:
            note = f"not cached ({cache.folder}: {error.strerror or error})"
    return RegistrationOutcome(job.earlier_label, job.pair, registration, geometry, note=note)
