"""From a folder of DICOM studies to the reading project's subjects and timepoints (Qt-free).

:func:`scan_folder` (run it in a worker thread: it reads headers only, never pixel data)
groups the image series that ``find_series`` finds by subject (Patient ID (0010,0020), the
pseudonym the site or the core lab gave: never the patient's name) and by study (Study
Instance UID, DICOM PS3.3 C.7.2.1). :func:`apply_scan` then adds the subjects and timepoints
the project does not have yet, in the GUI thread, through the model's public methods.

A study's timepoint label is, in this order: its Clinical Trial Time Point ID (0012,0050,
PS3.3 C.7.2.3), the name of its folder when studies are laid out as ``ROOT/SUBJECT/TIMEPOINT/``
(as ``sample_scans/`` is), else its Study Date. The baseline is the earliest study (RECIST 1.1
section 3.1): the model orders timepoints by date.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pydicom

from reviewer_gui.dicom import SeriesInfo, find_series
from reviewer_gui.reading import ReadingError, ReadingProject, SeriesRef
from reviewer_gui.store.image_folder import is_archive


@dataclass(frozen=True)
class StudyPlan:
    """One study of one subject, as it will become a timepoint."""

    case_id: str
    label: str
    scan_date: dt.date
    series: tuple[SeriesInfo, ...]  # the study's image series, the one to read first
    slice_thickness_mm: Decimal | None

    @property
    def chosen(self) -> SeriesInfo:
        """The series the timepoint is read on: CT first, then the most images."""
        return self.series[0]

    def series_ref(self) -> SeriesRef:
        chosen = self.chosen
        return SeriesRef(chosen.study_uid, chosen.series_uid, str(folder_of(chosen)),
                         self.slice_thickness_mm)  # fmt: skip


@dataclass(frozen=True)
class FolderScan:
    """What a folder holds: its studies, and what was skipped and why."""

    root: Path
    studies: tuple[StudyPlan, ...]
    problems: tuple[str, ...]


def folder_of(info: SeriesInfo) -> Path:
    """The folder that holds all the series' files."""
    return Path(os.path.commonpath([str(f.parent) for f in info.files]))


def _reading_order(info: SeriesInfo) -> tuple[bool, int, int]:
    return (info.modality != "CT", -info.n_images, info.series_number or 0)


def _header(info: SeriesInfo) -> tuple[str, Decimal | None]:
    """(Clinical Trial Time Point ID, Slice Thickness) of the series' first file."""
    ds = pydicom.dcmread(info.files[0], stop_before_pixels=True,
                         specific_tags=["ClinicalTrialTimePointID", "SliceThickness"])  # fmt: skip
    timepoint = str(ds.get("ClinicalTrialTimePointID", "") or "").strip()
    try:
        raw = ds.get("SliceThickness")
        thickness = None if raw in (None, "") else Decimal(str(raw))
    except (InvalidOperation, ValueError):
        thickness = None
    return timepoint, thickness


def _label(root: Path, info: SeriesInfo, trial_timepoint: str, date: dt.date) -> str:
    if trial_timepoint:
        return trial_timepoint
    try:
        parts = folder_of(info).relative_to(root).parts
    except ValueError:
        parts = ()
    return parts[1] if len(parts) >= 2 else date.isoformat()


def scan_folder(root: str | os.PathLike[str]) -> FolderScan:
    """The studies under ``root``, grouped by subject, headers only (run it off the GUI)."""
    root = Path(root).resolve()
    catalog = find_series(root)
    problems = [w.message for w in catalog.warnings]
    by_study: dict[tuple[str, str], list[SeriesInfo]] = {}
    for info in catalog.series:
        if not info.patient_id.strip():
            problems.append(f"{folder_of(info)}: series without a Patient ID (0010,0020), "
                            "so no subject to file it under: skipped")  # fmt: skip
            continue
        by_study.setdefault((info.patient_id.strip(), info.study_uid), []).append(info)
    studies = []
    for (case_id, _), members in by_study.items():
        members.sort(key=_reading_order)
        try:
            date = dt.datetime.strptime(members[0].study_date, "%Y%m%d").date()
        except ValueError:
            problems.append(f"{folder_of(members[0])}: Study Date (0008,0020) "
                            f"{members[0].study_date!r} is not a date (YYYYMMDD), so the "
                            "timepoints cannot be ordered: skipped")  # fmt: skip
            continue
        trial_timepoint, thickness = _header(members[0])
        label = _label(root, members[0], trial_timepoint, date)
        studies.append(StudyPlan(case_id, label, date, tuple(members), thickness))
    studies.sort(key=lambda s: (s.case_id, s.scan_date))
    return FolderScan(root, tuple(studies), tuple(problems))


def apply_scan(project: ReadingProject, scan: FolderScan, *, by: str) -> list[str]:
    """Add the scan's subjects and timepoints the project lacks; returns what was left out
    and why (a study already in the project is not a problem: importing twice is harmless)."""
    notes = list(scan.problems)
    for study in scan.studies:
        if study.case_id not in project.case_ids:
            project.add_subject(study.case_id, by=by)
        known = project.timepoints(study.case_id)
        if any(tp.series is not None and tp.series.study_uid == study.chosen.study_uid
               for tp in known):  # fmt: skip
            continue
        try:
            project.add_timepoint(study.case_id, study.label, study.scan_date,
                                  study.series_ref(), by=by)  # fmt: skip
        except ReadingError as error:
            notes.append(f"{folder_of(study.chosen)}: not added: {error}")
    return notes


def series_ref_for(info: SeriesInfo, imported: SeriesRef) -> SeriesRef:
    """Another series of the imported series' study as a ``SeriesRef``: looked up in the same
    folder (relative when the import's is, so a moved project still finds it), with its own
    Slice Thickness (0018,0050) for the engine's 2 x slice thickness rule."""
    if info.series_uid == imported.series_uid:
        return imported
    if not info.files:  # a series of the reading archive: its thickness from QIDO-RS
        return SeriesRef(info.study_uid, info.series_uid, imported.folder,
                         info.slice_thickness_mm)  # fmt: skip
    _, thickness = _header(info)
    return SeriesRef(info.study_uid, info.series_uid, imported.folder, thickness)


def series_folder(ref: SeriesRef, project_dir: str | os.PathLike[str]) -> Path:
    """Where the timepoint's series is: ``ref.folder`` as it is when absolute (a folder the
    app scanned, or an older import), else relative to ``project_dir``, the folder of the
    project database (``recist-review import`` stores ``images/CASE/LABEL`` so that a project
    folder moved or copied elsewhere still finds its images)."""
    return Path(project_dir) / ref.folder  # an absolute ref.folder replaces the base


def series_files(ref: SeriesRef, project_dir: str | os.PathLike[str]) -> tuple[Path, ...]:
    """The files of a timepoint's series (looked up again in its folder, headers only)."""
    return find_series(series_folder(ref, project_dir)).by_uid(ref.series_uid).files


def study_series(ref: SeriesRef, project_dir: str | os.PathLike[str]) -> tuple[SeriesInfo, ...]:
    """Every image series of the timepoint's study in its series' folder, or on the project's
    reading archive when ``project_dir`` is its URL (QIDO-RS: no files, loaded by UID)."""
    if is_archive(project_dir):
        from reviewer_gui.pacs.archive import study_series as archive_series

        assert isinstance(project_dir, str)
        found = archive_series(project_dir, ref.study_uid)
        return tuple(sorted(found, key=_reading_order))
    found = find_series(series_folder(ref, project_dir)).series
    return tuple(sorted((s for s in found if s.study_uid == ref.study_uid), key=_reading_order))
