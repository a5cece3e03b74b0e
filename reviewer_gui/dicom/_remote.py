"""``load_series`` from a DICOMweb server: progressive, cached, and then the folder loader.

The series' files are fetched into the cache's staging folder (the middle slice first, shown
through `on_first_image` as a one-slice Volume, then the rest in one streamed answer) and loaded by
the same code as a folder, so the Volume and its warnings are the folder path's. The series
becomes a complete cache entry only when every listed instance arrived and loaded cleanly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from io import BytesIO
from pathlib import Path
from typing import Any

import pydicom

from ._cache import SeriesCache, Staging
from ._dicomweb import Connection, parse_server
from ._model import DicomLoadError, FileRead, LoadWarning, Volume

FirstImage = Callable[[Volume], None]
Progress = Callable[[int, int], None]
WRITERS = 2  # threads that write and hash the fetched files
# Warnings that mean a file did not load: such a series is shown but never cached as complete.
_INCOMPLETE = {"not-dicom", "unreadable", "no-pixels", "other-series"}


def _value(item: dict[str, Any], tag: str) -> str | None:
    values = item.get(tag, {}).get("Value") or [None]
    return None if values[0] is None else str(values[0])


def load_remote(source: str, series_uid: str | None, *, workers: int | None = None,
                on_first_image: FirstImage | None = None, on_progress: Progress | None = None,
                cache: SeriesCache | None = None, timeout: float | None = None,
                on_file: FileRead | None = None) -> Volume:
    from ._loader import load_series

    server = parse_server(source)
    if not series_uid:
        raise DicomLoadError(f"{server.url}: a DICOMweb source needs series_uid=... (the "
                             "server holds many series)")
    cache = SeriesCache() if cache is None else cache
    hit = cache.lookup(server.url, series_uid)
    if hit is not None:
        volume = load_series(sorted(hit), series_uid=series_uid, workers=workers,
                             on_file=on_file)
        if all(hit.get(p) == s for p, s in zip(volume.files, volume.sop_instance_uids,
                                               strict=True)):
            return volume
        cache.drop(server.url, series_uid)  # a file is not what the manifest says: fetch again
    conn = Connection(server, timeout)
    staging = cache.begin(server.url, series_uid)
    try:
        files, listed = _fetch(conn, series_uid, staging, on_first_image, on_progress)
        volume = load_series(files, series_uid=series_uid, workers=workers, on_file=on_file)
    except BaseException:
        staging.discard()
        raise
    finally:
        conn.close()
    if listed and len(set(files)) != listed:
        volume = dataclasses.replace(volume, warnings=(*volume.warnings, LoadWarning(
            "series-changed", f"the server listed {listed} images in series {series_uid} but "
            f"sent {len(set(files))}: it changed while loading (an upload or deletion in "
            "progress?); load it again later")))
    if (_INCOMPLETE | {"series-changed"}) & set(volume.warning_codes()):
        return dataclasses.replace(volume, warnings=(*volume.warnings, LoadWarning(
            "not-cached", f"{series_uid} from {server.url} loaded with problems: not cached, "
            "it will be fetched again next time")))
    sop_by_file = {p.name: s for p, s in zip(volume.files, volume.sop_instance_uids,
                                             strict=True)}
    final = staging.commit(sop_by_file)
    return _moved(volume, staging.folder, final)


def _uids(conn: Connection, item: dict[str, Any]) -> tuple[str, str]:
    study, sop = _value(item, "0020000D"), _value(item, "00080018")
    if not study or not sop:
        raise DicomLoadError(f"{conn.server.url}: a search result without Study or SOP "
                             "Instance UID: not a DICOMweb server?")
    return study, sop


def _fetch(conn: Connection, series_uid: str, staging: Staging,
           on_first_image: FirstImage | None, on_progress: Progress | None,
           ) -> tuple[list[Path], int]:
    """Fetch every instance into `staging`; the files and the number the server listed.

    The first image needs two small searches (the series' study and instance count, then the
    one instance at the middle offset) and one instance. The rest comes in one streamed
    WADO-RS answer for the series, split into files as it arrives; two threads write and
    hash the files meanwhile (hashlib and file writes release the GIL).
    """
    from ._loader import load_series

    filters = {"SeriesInstanceUID": series_uid}
    found = conn.search_page("series", filters, ("00201209",), limit=1)
    if not found:
        raise DicomLoadError(f"series {series_uid} is not on the DICOMweb server at "
                             f"{conn.server.url}: check the UID (the server's study browser "
                             "or `find_series` on the site's folder lists them)")
    count = _value(found[0], "00201209")
    expected = int(float(count)) if count else 0
    middle = conn.search_page("instances", filters, limit=1, offset=expected // 2)
    if not middle:  # no count from this server, or the series shrank: the first instance
        middle = conn.search_page("instances", filters, limit=1)
    if not middle:
        raise DicomLoadError(f"series {series_uid} on {conn.server.url} has no instances")
    study, first_sop = _value(middle[0], "0020000D"), _value(middle[0], "00080018")
    if not study or not first_sop:
        raise DicomLoadError(f"{conn.server.url}: a search result without Study or SOP "
                             "Instance UID: not a DICOMweb server?")
    files = [staging.add(first_sop, conn.fetch_file(study, series_uid, first_sop))]
    total = max(expected, 1)
    if on_progress is not None:
        on_progress(1, total)
    if on_first_image is not None:
        on_first_image(load_series(files, workers=1))
    pending: set[Future[Path]] = set()
    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="dicomweb") as pool:
        try:
            for data in conn.stream_series(study, series_uid):
                sop = _sop_uid(data)
                if sop == first_sop:
                    continue
                pending.add(pool.submit(staging.add, sop, data))
                if len(pending) >= 2 * WRITERS:
                    pending = _collect(pending, files, total, on_progress, block=True)
            while pending:
                pending = _collect(pending, files, total, on_progress, block=True)
        except BaseException as exc:
            for fut in pending:
                fut.cancel()
            if isinstance(exc, DicomLoadError):
                raise DicomLoadError(f"{exc} (after {len(files)} of {total} images; nothing "
                                     "was cached)") from exc
            raise
    return files, expected


def _sop_uid(data: bytes) -> str:
    """The part's SOP Instance UID (pydicom, header only); "" when it is not DICOM."""
    try:
        ds = pydicom.dcmread(BytesIO(data), stop_before_pixels=True,
                             specific_tags=["SOPInstanceUID"])
        return str(ds.get("SOPInstanceUID", ""))
    except Exception:  # the folder loader will say what is wrong with the file
        return ""


def _collect(pending: set[Future[Path]], files: list[Path], total: int,
             on_progress: Progress | None, block: bool) -> set[Future[Path]]:
    """Take the finished writes (waiting for one at least when `block`); raise the first error."""
    done, rest = wait(pending, timeout=None if block else 0, return_when=FIRST_EXCEPTION)
    for fut in done:
        files.append(fut.result())
        if on_progress is not None:
            on_progress(len(files), max(total, len(files)))
    return rest


def _moved(volume: Volume, old: Path, new: Path) -> Volume:
    """The volume with its file paths (and the paths in its warnings) under `new`."""
    def move(p: Path) -> Path:
        return new / p.relative_to(old) if p.is_relative_to(old) else p

    warnings = tuple(dataclasses.replace(
        w, message=w.message.replace(str(old), str(new)),
        path=None if w.path is None else move(w.path)) for w in volume.warnings)
    return dataclasses.replace(volume, files=tuple(move(p) for p in volume.files),
                               warnings=warnings)
