"""``import_studies``: site data into a reading project, de-identified (DICOM PS3.15 Annex E).

Layout of a reading project folder (everything in it is what readers may open)::

    PROJECT_DIR/project.db                          the reading database (reviewer_gui.store)
    PROJECT_DIR/images/CASE-7K3F/BASELINE/S01/IM0001.dcm ...   de-identified series
    PROJECT_DIR/.incoming/                          studies being written (then renamed)

A timepoint's ``SeriesRef`` names the study's folder relative to ``PROJECT_DIR`` (the folder
of ``project.db``: ``images/CASE-7K3F/BASELINE``), so a project folder moved or copied
elsewhere still finds its images (the app resolves it with
``reviewer_gui.qt.studies.series_folder``; refs stored absolute by older imports still work),
and the series it is read on: the CT series with the most images.

and, outside it, the key (``reviewer_gui.deid.key``). Each study of the source becomes one
timepoint of its subject, labelled ``BASELINE``, ``FU1``, ``FU2``... in date order; its series
are written to a temporary folder, renamed into place (atomic), then registered through the
reading model, then recorded in the key. A study already in the project is skipped, so
importing the same source again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import shutil
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pydicom

from reviewer_gui.deid.dataset import DeidentificationRefused, SubjectKey, deidentify
from reviewer_gui.deid.key import DeidKey
from reviewer_gui.dicom import SeriesInfo, find_series
from reviewer_gui.reading import ReadingProject, SeriesRef
from reviewer_gui.store import open_project

PROJECT_DB = "project.db"
IMAGES = "images"
INCOMING = ".incoming"
BASELINE = "BASELINE"


class ImportRefused(ValueError):
    """The import cannot go on (the message says why and what to do); studies imported before
    the problem stay imported, the one that failed left nothing behind."""


@dataclass(frozen=True)
class ImportedStudy:
    """One study now in the project (pseudonymous values only)."""

    case_id: str
    label: str
    scan_date: dt.date  # shifted
    series: SeriesRef
    n_files: int


@dataclass(frozen=True)
class ImportReport:
    imported: tuple[ImportedStudy, ...]
    already_present: int
    skipped: tuple[str, ...]  # files or series left out, and why
    project_file: Path
    key_file: Path


def default_key_file(project_dir: Path) -> Path:
    """``PROJECT_DIR`` beside its key: ``/trial/reading`` -> ``/trial/reading.deid-key``."""
    return project_dir.parent / f"{project_dir.name}.deid-key"


def timepoint_label(index: int) -> str:
    """``BASELINE`` for the first scan, then ``FU1``, ``FU2``..."""
    return BASELINE if index == 0 else f"FU{index}"


def import_studies(source: Path, project_dir: Path, *, key_file: Path | None = None,
                   by: str = "import") -> ImportReport:  # fmt: skip
    """Copy every image study under ``source`` into the reading project ``project_dir``,
    de-identified; the mapping goes to ``key_file`` (default :func:`default_key_file`), which
    must lie outside ``project_dir``."""
    source, project_dir = Path(source), Path(project_dir)
    key_path = Path(key_file) if key_file is not None else default_key_file(project_dir)
    if not source.is_dir():
        raise ImportRefused(f"{source}: not a folder of DICOM files")
    if key_path.resolve().is_relative_to(project_dir.resolve()):
        raise ImportRefused(f"{key_path}: the key file must not be inside the reading project "
                            f"{project_dir} (readers could open it); give a path outside it")
    catalog = find_series(source)
    skipped = [w.message for w in catalog.warnings]
    studies = _studies_by_patient(catalog.series)
    project_dir.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(project_dir / INCOMING)
    imported: list[ImportedStudy] = []
    present = 0
    with DeidKey.open(key_path) as key:
        project, store = open_project(project_dir / PROJECT_DB)
        try:
            order = sorted(studies)
            random.SystemRandom().shuffle(order)  # the database's order tells nothing
            for patient_id in order:
                session = _SubjectImport(project, key, project_dir, patient_id, by)
                done, already = session.run(studies[patient_id])
                imported.extend(done)
                present += already
        finally:
            store.close()
    return ImportReport(tuple(imported), present, tuple(skipped), project_dir / PROJECT_DB,
                        key_path)  # fmt: skip


def _studies_by_patient(series: tuple[SeriesInfo, ...]) -> dict[str, dict[str, list[SeriesInfo]]]:
    studies: dict[str, dict[str, list[SeriesInfo]]] = defaultdict(lambda: defaultdict(list))
    for info in series:
        if not info.patient_id.strip():
            raise ImportRefused(f"{info.files[0]}: no Patient ID, so its subject is unknown; "
                                "have the site fill it in")  # fmt: skip
        studies[info.patient_id][info.study_uid].append(info)
    return {p: dict(s) for p, s in studies.items()}


def _study_date(series: list[SeriesInfo]) -> dt.date:
    value = next((s.study_date for s in series if s.study_date.strip()), "")
    try:
        return dt.datetime.strptime(value.strip()[:8], "%Y%m%d").date()
    except ValueError:
        raise ImportRefused(f"{series[0].files[0]}: Study Date {value!r} is not a date "
                            "(YYYYMMDD), so the timepoints cannot be ordered") from None


class _SubjectImport:
    def __init__(self, project: ReadingProject, key: DeidKey, project_dir: Path,
                 patient_id: str, by: str) -> None:  # fmt: skip
        self.project, self.key, self.project_dir, self.by = project, key, project_dir, by
        self.patient_id = patient_id
        self.subject = key.subject(patient_id)

    def run(self, studies: dict[str, list[SeriesInfo]]) -> tuple[list[ImportedStudy], int]:
        case_id = self.subject.case_id
        if case_id not in self.project.case_ids:
            self.project.add_subject(case_id, by=self.by)
        existing = {tp.series.study_uid: tp for tp in self.project.timepoints(case_id)
                    if tp.series is not None}  # fmt: skip
        new: list[tuple[dt.date, str, list[SeriesInfo]]] = []
        already = 0
        for study_uid, series in studies.items():
            date = _study_date(series)
            present = existing.get(self.key.new_uid(study_uid))
            if present is None:
                new.append((date, study_uid, series))
                continue
            already += 1
            self.key.record_study(self.patient_id, study_uid, date, present.scan_date,
                                  present.label, present.series.study_uid if present.series
                                  else "")  # fmt: skip
        new.sort(key=lambda item: item[0])
        self._check_order(new)
        done = [self._import(date, uid, series) for date, uid, series in new]
        return done, already

    def _check_order(self, new: list[tuple[dt.date, str, list[SeriesInfo]]]) -> None:
        shift = dt.timedelta(days=self.subject.date_offset_days)
        last = max((tp.scan_date for tp in self.project.timepoints(self.subject.case_id)),
                   default=None)  # fmt: skip
        for index, (date, uid, series) in enumerate(new):
            following = new[index + 1] if index + 1 < len(new) else None
            if last is not None and date + shift <= last:
                raise ImportRefused(
                    f"{series[0].files[0]}: study {uid} is dated on or before a timepoint "
                    f"already in the project for {self.subject.case_id}: timepoints are "
                    "labelled in date order, so an earlier scan cannot be added afterwards")
            if following is not None and following[0] == date:
                raise ImportRefused(
                    f"{series[0].files[0]} and {following[2][0].files[0]}: two studies of one "
                    "subject on the same date; import the one to read (a timepoint is one scan)")

    def _import(self, date: dt.date, study_uid: str, series: list[SeriesInfo]) -> ImportedStudy:
        case_id = self.subject.case_id
        label = timepoint_label(len(self.project.timepoints(case_id)))
        relative = Path(IMAGES, case_id, label)
        final = self.project_dir / relative
        if final.exists():  # left by an import that stopped before registering it
            shutil.rmtree(final)
        incoming = self.project_dir / INCOMING
        incoming.mkdir(exist_ok=True)
        temporary = incoming / f"{os.getpid()}-{secrets.token_hex(4)}"
        try:
            written = _write_study(series, temporary, self.subject, self.key)
            final.parent.mkdir(parents=True, exist_ok=True)
            temporary.rename(final)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        main, thickness, n_files = written
        ref = SeriesRef(self.key.new_uid(study_uid), self.key.new_uid(main.series_uid),
                        relative.as_posix(), thickness)
        scan_date = date + dt.timedelta(days=self.subject.date_offset_days)
        try:
            self.project.add_timepoint(case_id, label, scan_date, ref, by=self.by)
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            raise
        self.key.record_study(self.patient_id, study_uid, date, scan_date, label, ref.study_uid)
        return ImportedStudy(case_id, label, scan_date, ref, n_files)


def _ordered(series: list[SeriesInfo]) -> list[SeriesInfo]:
    return sorted(series, key=lambda s: (s.series_number is None, s.series_number or 0,
                                         s.series_uid))  # fmt: skip


def _series_folder(series: list[SeriesInfo], one: SeriesInfo) -> str:
    return f"S{_ordered(series).index(one) + 1:02d}"


def _main_series(series: list[SeriesInfo]) -> SeriesInfo:
    """The series a timepoint is read on: the CT series with the most images."""
    return max(_ordered(series), key=lambda s: (s.modality == "CT", s.n_images))


def _write_study(series: list[SeriesInfo], folder: Path, subject: SubjectKey,
                 key: DeidKey) -> tuple[SeriesInfo, Decimal | None, int]:  # fmt: skip
    main = _main_series(series)
    thickness: Decimal | None = None
    n_files = 0
    for info in _ordered(series):
        target = folder / _series_folder(series, info)
        target.mkdir(parents=True)
        for number, path in enumerate(info.files, start=1):
            dataset = pydicom.dcmread(path)
            try:
                deidentify(dataset, subject, key.new_uid)
            except DeidentificationRefused as error:
                raise ImportRefused(f"{path}: {error}") from None
            if info is main and thickness is None and "SliceThickness" in dataset:
                thickness = _decimal(dataset.SliceThickness)
            dataset.save_as(target / f"IM{number:04d}.dcm", enforce_file_format=True)
            n_files += 1
    return main, thickness, n_files


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value).strip()) if str(value).strip() else None
    except InvalidOperation:
        return None


def _remove_abandoned(incoming: Path) -> None:
    """Remove what an import killed mid-study left in ``.incoming`` (its process is gone)."""
    if not incoming.is_dir():
        return
    for entry in incoming.iterdir():
        pid = entry.name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

