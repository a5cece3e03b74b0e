"""A reading archive: a DICOMweb server (e.g. the core lab's Orthanc) that holds a project's images.

``recist-review import SOURCE PROJECT --images URL`` sends each de-identified study there with
STOW-RS (:func:`store_files`) instead of writing it into a folder; the project records the URL
without credentials; each reader's app lists a study's series (QIDO-RS, :func:`study_series`)
and loads them (``reviewer_gui.dicom.load_series``) with the reader's OWN credentials (from
the environment or netrc: ``reviewer_gui.dicom._dicomweb``). :func:`study_digests` fetches a
study's stored files (WADO-RS, ``transfer-syntax=*``: the bytes as sent) and hashes each, so
the SHA-256 recorded at import can be checked on the archive too.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reviewer_gui.dicom import DicomLoadError, SeriesInfo
from reviewer_gui.dicom._dicomweb import Connection, is_dicomweb_url, parse_server

#: STOW-RS requests carry at most this many bytes of files (several requests per study).
BATCH_BYTES = 64 << 20
_FAILED, _REFERENCED, _REASON = "00081198", "00081199", "00081197"

__all__ = ["ArchiveError", "archive_url", "store_files", "study_digests", "study_series"]


class ArchiveError(DicomLoadError):
    """The archive refused or could not be reached; the message says why and what to do."""


def archive_url(url: str) -> str:
    """The URL as a project records it: no user or password in it (a reader uses their own)."""
    if not is_dicomweb_url(url):
        raise ArchiveError(f"{url!r} is not a DICOMweb URL: expected "
                           "http(s)://host:port/dicom-web")
    return parse_server(url).url


@dataclass(frozen=True)
class Digest:
    """One stored file of the archive: its SOP Instance UID is not needed to compare."""

    size: int
    sha256: str


def _batches(paths: Sequence[Path]) -> Iterator[list[Path]]:
    batch: list[Path] = []
    size = 0
    for path in paths:
        length = path.stat().st_size
        if batch and size + length > BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += length
    if batch:
        yield batch


def _body(paths: list[Path], boundary: bytes) -> bytes:
    """The ``multipart/related`` envelope around the files (their bytes unchanged)."""
    parts = [b"--" + boundary + b"\r\nContent-Type: application/dicom\r\n\r\n"
             + path.read_bytes() + b"\r\n" for path in paths]
    return b"".join(parts) + b"--" + boundary + b"--\r\n"


def store_files(url: str, paths: Sequence[Path], what: str) -> int:
    """STOW-RS every file of ``paths`` to the archive at ``url``; the number stored. Raises
    :class:`ArchiveError` when the archive refuses any of them (``what`` names them)."""
    conn = Connection(parse_server(url))
    stored = 0
    try:
        for batch in _batches(paths):
            boundary = secrets.token_hex(16).encode()
            doing = f"storing {what} ({len(batch)} file(s), STOW-RS)"
            try:
                response = conn.session.post(
                    f"{conn.server.url}/studies", data=_body(batch, boundary),
                    timeout=conn.timeout, headers={
                        "Accept": "application/dicom+json",
                        "Content-Type": 'multipart/related; type="application/dicom"; '
                                        f"boundary={boundary.decode()}"})
                response.raise_for_status()
                answer = response.json() if response.content.strip() else {}
            except Exception as exc:
                raise ArchiveError(str(conn.explain(exc, doing))) from exc
            stored += _count_stored(conn, answer, len(batch), doing)
    finally:
        conn.close()
    return stored


def _count_stored(conn: Connection, answer: Any, sent: int, doing: str) -> int:
    failed = (answer.get(_FAILED, {}).get("Value") or []) if isinstance(answer, dict) else []
    if failed:
        reasons = sorted({str((item.get(_REASON, {}).get("Value") or ["?"])[0])
                          for item in failed})
        raise ArchiveError(f"the archive at {conn.server.url} refused {len(failed)} of {sent} "
                           f"file(s) while {doing} (failure reason {', '.join(reasons)}): see "
                           "its log; nothing of this study is recorded in the project")
    stored = (answer.get(_REFERENCED, {}).get("Value") or []) if isinstance(answer, dict) else []
    if len(stored) != sent:
        raise ArchiveError(f"the archive at {conn.server.url} acknowledged {len(stored)} of "
                           f"{sent} file(s) while {doing}: see its log; nothing of this study "
                           "is recorded in the project")
    return sent


def study_digests(url: str, study_uid: str) -> list[Digest]:
    """Size and SHA-256 of every file the archive holds for the study (empty: none)."""
    conn = Connection(parse_server(url))
    try:
        if not conn.search("studies", {"StudyInstanceUID": study_uid}):
            return []
        return [Digest(len(data), hashlib.sha256(data).hexdigest())
                for data in conn.stream(f"studies/{study_uid}", f"fetching study {study_uid}")]
    except ArchiveError:
        raise
    except DicomLoadError as exc:
        raise ArchiveError(str(exc)) from exc
    finally:
        conn.close()


def _text(item: dict[str, Any], tag: str) -> str:
    values = item.get(tag, {}).get("Value") or [""]
    value = values[0]
    if isinstance(value, dict):  # a person name
        value = value.get("Alphabetic", "")
    return str(value)


def _number(item: dict[str, Any], tag: str) -> int | None:
    try:
        return int(float(_text(item, tag)))
    except ValueError:
        return None


def study_series(url: str, study_uid: str) -> tuple[SeriesInfo, ...]:
    """The image series of a study on the archive (QIDO-RS, no file fetched): ``files`` is
    empty, since they are loaded by ``load_series(url, series_uid=...)``."""
    conn = Connection(parse_server(url))
    try:
        found = conn.search("series", {"StudyInstanceUID": study_uid},
                            ("00080020", "00100020", "0008103E", "00201209"))
        return tuple(_series_info(item, study_uid, _thickness(conn, study_uid, item))
                     for item in _images(found))  # fmt: skip
    except DicomLoadError as exc:
        raise ArchiveError(str(exc)) from exc
    finally:
        conn.close()


def _thickness(conn: Connection, study_uid: str, series: dict[str, Any]) -> Decimal | None:
    """Slice Thickness (0018,0050) of the series' first instance (QIDO-RS, one instance): the
    engine's 2 x slice thickness rule needs it for a series the reader chooses to read on."""
    filters = {"StudyInstanceUID": study_uid, "SeriesInstanceUID": _text(series, "0020000E")}
    found = conn.search_page("instances", filters, ("00180050",), limit=1)
    try:
        raw = _text(found[0], "00180050") if found else ""
        return Decimal(raw) if raw.strip() else None
    except InvalidOperation:
        return None


def _images(found: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in found:
        if _text(item, "00080060") not in ("SR", "KO", "PR", "SEG", "RTSTRUCT", "DOC"):
            yield item


def _series_info(item: dict[str, Any], study_uid: str,
                 thickness: Decimal | None) -> SeriesInfo:  # fmt: skip
    return SeriesInfo(
        series_uid=_text(item, "0020000E"), study_uid=_text(item, "0020000D") or study_uid,
        patient_id=_text(item, "00100020"), study_date=_text(item, "00080020"),
        modality=_text(item, "00080060"), series_number=_number(item, "00200011"),
        series_description=_text(item, "0008103E"),
        n_images=_number(item, "00201209") or 0, rows=0, columns=0, files=(),
        slice_thickness_mm=thickness)
