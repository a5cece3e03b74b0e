"""Finding files and series: :func:`find_series` reads headers only, never pixel data."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydicom.errors import InvalidDicomError
from pydicom.filereader import read_partial
from pydicom.tag import BaseTag
from pydicom.uid import UID

from ._model import LoadWarning, SeriesCatalog, SeriesInfo
from ._quickscan import quick_summary

Source = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def collect_files(source: Source) -> list[Path]:
    """The files of a folder (recursively, sorted) or of an explicit list of files."""
    if isinstance(source, str | os.PathLike):
        root = Path(source)
        if root.is_dir():
            files: list[Path] = []
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames.sort()
                files.extend(Path(dirpath, name) for name in sorted(filenames))
            if not files:
                raise FileNotFoundError(f"{root}: the folder holds no files")
            return files
        if root.is_file():
            return [root]
        raise FileNotFoundError(f"{root}: no such file or folder")
    files = [Path(p) for p in source]
    if not files:
        raise FileNotFoundError("no files given: pass a folder or a non-empty list of files")
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise FileNotFoundError(f"not a file: {', '.join(missing[:5])}{more}")
    return files


def _stop_after_image_pixel_group(tag: BaseTag, vr: str | None, length: int) -> bool:
    return bool(tag > 0x0028FFFF)


def _summary(path: Path, quick: bool = True) -> dict[str, Any] | LoadWarning:
    """The few attributes that identify a file's series (stops before group 0x0029)."""
    found = quick_summary(path) if quick else None
    if found is not None:
        return found
    try:
        with path.open("rb") as f:
            ds = read_partial(f, stop_when=_stop_after_image_pixel_group)
    except InvalidDicomError:
        return LoadWarning("not-dicom", f"{path}: not a DICOM file (no 'DICM' marker): skipped",
                           path)
    except (OSError, EOFError, ValueError, struct.error) as exc:
        return LoadWarning("unreadable", f"{path}: unreadable DICOM file "
                           f"({type(exc).__name__}: {exc}): skipped", path)
    try:
        if "Rows" not in ds or "SeriesInstanceUID" not in ds:
            sop_class = UID(str(ds.get("SOPClassUID", "")))
            if "Image Storage" in sop_class.name:
                return LoadWarning("unreadable", f"{path}: a {sop_class.name} file without Rows"
                                   " or SeriesInstanceUID: truncated or damaged: skipped", path)
            what = "a DICOMDIR index" if "FileSetID" in ds else "not an image"
            return LoadWarning("no-pixels", f"{path}: {what}: skipped", path)
        number = ds.get("SeriesNumber")
        return {
            "series_uid": str(ds.SeriesInstanceUID),
            "study_uid": str(ds.get("StudyInstanceUID", "")),
            "patient_id": str(ds.get("PatientID", "")),
            "study_date": str(ds.get("StudyDate", "")),
            "modality": str(ds.get("Modality", "")),
            "series_number": None if number in (None, "") else int(number),
            "series_description": str(ds.get("SeriesDescription", "")),
            "frames": int(ds.get("NumberOfFrames") or 1),
            "rows": int(ds.Rows),
            "columns": int(ds.Columns),
        }
    except (ValueError, TypeError) as exc:
        return LoadWarning("unreadable", f"{path}: invalid header value ({exc}): skipped", path)


def find_series(folder: str | os.PathLike[str]) -> SeriesCatalog:
    """Every image series under `folder` (recursively), without reading any pixel data.

    Files are grouped by SeriesInstanceUID. Files that are not DICOM, unreadable, or not
    images (reports, DICOMDIR) are listed in ``warnings``. Series are ordered by patient,
    study date, series number. Load one with ``load_series(info.files)``.
    """
    groups: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    warnings: list[LoadWarning] = []
    for path in collect_files(folder):
        summary = _summary(path)
        if isinstance(summary, LoadWarning):
            warnings.append(summary)
        else:
            groups.setdefault(summary["series_uid"], []).append((path, summary))
    series = []
    for uid, members in groups.items():
        first = members[0][1]
        series.append(SeriesInfo(
            series_uid=uid, study_uid=first["study_uid"], patient_id=first["patient_id"],
            study_date=first["study_date"], modality=first["modality"],
            series_number=first["series_number"],
            series_description=first["series_description"],
            n_images=sum(m[1]["frames"] for m in members), rows=first["rows"],
            columns=first["columns"], files=tuple(sorted(m[0] for m in members)),
        ))
    series.sort(key=lambda s: (s.patient_id, s.study_date, s.series_number or 0, s.series_uid))
    return SeriesCatalog(tuple(series), tuple(warnings))
