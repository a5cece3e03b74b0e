"""Studies from a PACS for the de-identifying import: fetched into a folder, imported from there.

``recist-review import SOURCE PROJECT`` takes as SOURCE a folder, a DICOMweb base URL
(``http(s)://[user:password@]host:port/dicom-web``: QIDO-RS search, then each study in one
streamed WADO-RS answer) or a DIMSE node ``dicom://AET@HOST:PORT`` (C-FIND, then C-GET with
pynetdicom). :func:`fetched` writes the studies as received into a temporary folder, readable
by its owner only, which the folder import (``reviewer_gui.deid``) then reads as any site
folder, so the project is the same whatever the source; the folder is deleted afterwards.
Qt-free.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reviewer_gui.dicom import DicomLoadError

from ._dicomweb_source import fetch_dicomweb
from ._dimse_source import fetch_dimse, is_dimse_url

__all__ = ["PacsError", "fetch_studies", "fetched", "is_pacs_source"]


class PacsError(DicomLoadError):
    """The studies could not be fetched; the message says why and what to do."""


def is_pacs_source(source: str) -> bool:
    return source.lower().startswith(("http://", "https://")) or is_dimse_url(source)


def fetch_studies(source: str, folder: Path, *, patient: str | None = None,
                  study: str | None = None) -> int:
    """Write every study of `source` matching the filters under `folder`; the file count."""
    try:
        if is_dimse_url(source):
            return fetch_dimse(source, folder, patient=patient, study=study)
        return fetch_dicomweb(source, folder, patient=patient, study=study)
    except PacsError:
        raise
    except DicomLoadError as exc:
        raise PacsError(str(exc)) from exc


@contextmanager
def fetched(source: str, *, patient: str | None = None,
            study: str | None = None) -> Iterator[Path]:
    """A temporary folder (mode 0700) holding the fetched studies, deleted on leaving."""
    folder = Path(tempfile.mkdtemp(prefix="recist-import-"))
    try:
        n = fetch_studies(source, folder, patient=patient, study=study)
        if n == 0:
            what = " and ".join(f for f in (patient and f"patient {patient}",
                                            study and f"study {study}") if f) or "any study"
            raise PacsError(f"{_shown(source)} has no images for {what}: check the filters")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _shown(source: str) -> str:
    """The source without a password."""
    head, sep, tail = source.partition("://")
    if "@" in tail.split("/")[0] and head.lower().startswith("http"):
        tail = tail.split("@", 1)[1]
    return f"{head}{sep}{tail}"
