"""``import_studies``: site data into a reading project, de-identified (DICOM PS3.15 Annex E).

Layout of a reading project folder (everything in it is what readers may open)::

    PROJECT_DIR/project.db                          the reading database (reviewer_gui.store)
    PROJECT_DIR/images/CASE-7K3F/BASELINE/S01/IM0001.dcm ...   de-identified series
    PROJECT_DIR/.incoming/                          studies being written (then renamed)
    PROJECT_DIR/.import.lock                        held by the import running (one at a time)

A timepoint's ``SeriesRef`` names the study's folder relative to ``PROJECT_DIR`` (the folder
of ``project.db``: ``images/CASE-7K3F/BASELINE``), so a project folder moved or copied
elsewhere still finds its images (the app resolves it with
``reviewer_gui.qt.studies.series_folder``; refs stored absolute by older imports still work),
and the series it is read on: the CT series with the most images.

and, outside it, the key (``reviewer_gui.deid.key``). Each study of the source becomes one
timepoint of its subject, labelled ``BASELINE``, ``FU1``, ``FU2``... in date order; its series
are written to a temporary folder, renamed into place (atomic), then registered through the
reading model (with the SHA-256 of every file it stored, in the same transaction), then
recorded in the key. Every image is read in full and decoded first: a study with a damaged
image is not imported (nor the subject's later ones: their labels would be wrong) and is
reported; the site's corrected re-send is then imported like any new study. A study already in
the project is skipped, so importing the same source again changes nothing, unless its stored
files are damaged (missing, altered, or not decodable): then a clean re-send replaces them
(``reviewer_gui.deid.resend``, an audited ``replace-images`` record).

Imports into one project take turns (``checks.project_lock``); under the lock, what an
interrupted import left (``.incoming``, a study folder no timepoint registers) is removed, and
a folder a timepoint registers is never removed. The project records which key it is imported
with (``project_info.deid_key``): another key, or a missing key file, is refused before
anything is written (a new key would give every subject a second case id).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from reviewer_gui.deid.checks import (
    DamagedImage,
    ImportRefused,
    check_source,
    read_image,
)
from reviewer_gui.deid.dataset import DeidentificationRefused, SubjectKey, deidentify
from reviewer_gui.deid.key import DeidKey
from reviewer_gui.deid.resend import repair_present
from reviewer_gui.deid.target import (
    ImportTarget,
    lock,
    project_label,
    remove_abandoned,
    resolved,
    send,
)
from reviewer_gui.dicom import SeriesInfo, find_series
from reviewer_gui.reading import ReadingProject, SeriesRef
from reviewer_gui.store import ProjectStore, is_postgres_url, open_project
from reviewer_gui.store.images import ImageFile, file_digest, image_rows

PROJECT_DB = "project.db"
IMAGES = "images"
INCOMING = ".incoming"
BASELINE = "BASELINE"
KEY_INFO = "deid_key"

__all__ = ["BASELINE", "IMAGES", "INCOMING", "PROJECT_DB", "ImportRefused", "ImportReport",
           "ImportedStudy", "default_key_file", "import_studies", "timepoint_label"]


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
    incomplete: tuple[str, ...] = ()  # studies not imported (a damaged image), and why
    replaced: tuple[str, ...] = ()  # stored studies repaired from the re-send, and why


def default_key_file(project_dir: Path) -> Path:
    """``PROJECT_DIR`` beside its key: ``/trial/reading`` -> ``/trial/reading.deid-key``."""
    return project_dir.parent / f"{project_dir.name}.deid-key"


def timepoint_label(index: int) -> str:
    """``BASELINE`` for the first scan, then ``FU1``, ``FU2``..."""
    return BASELINE if index == 0 else f"FU{index}"


def import_studies(source: Path, project: Path | str, *, key_file: Path | None = None,
                   by: str = "import", waiting: Callable[[], None] | None = None,
                   images: str | None = None, store: ProjectStore | None = None) -> ImportReport:
    """Copy every image study under ``source`` into the reading project ``project`` (a folder,
    or a PostgreSQL URL whose ``store`` the caller opened as its study administrator),
    de-identified; the mapping goes to ``key_file`` (default :func:`default_key_file`), which
    must lie outside the project. ``images``: a folder or a DICOMweb archive's URL for the
    images (``reviewer_gui.deid.target``; default: the recorded one, else the project folder).
    ``waiting`` is called when another import holds the project's lock (this one then waits)."""
    source = Path(source)
    remote = is_postgres_url(str(project))
    if remote and (store is None or key_file is None):
        raise ImportRefused(f"{project_label(project)}: a PostgreSQL project is imported into by "
                            "its study administrator (--admin NAME) with the key file given "
                            "(--key-file, outside every reader's reach); nothing imported")
    project_dir = Path(project) if not remote else None
    key_path = (Path(key_file) if key_file is not None
                else default_key_file(Path(project)))  # fmt: skip
    if not source.is_dir():
        raise ImportRefused(f"{source}: not a folder of DICOM files")
    if project_dir is not None and key_path.resolve().is_relative_to(project_dir.resolve()):
        raise ImportRefused(f"{key_path}: the key file must not be inside the reading project "
                            f"{project_dir} (readers could open it); give a path outside it")
    check_source(source)
    catalog = find_series(source)
    skipped = [w.message for w in catalog.warnings]
    studies = _studies_by_patient(catalog.series)
    for patient_studies in studies.values():  # every date readable before anything is written
        for series in patient_studies.values():
            _study_date(series)
    if project_dir is not None:
        project_dir.mkdir(parents=True, exist_ok=True)
    results = _Results()
    with lock(project_dir, waiting):
        model, opened = _opened(project_dir, store)
        try:
            with resolved(opened, project, images, by) as target, \
                    lock(target.folder if target.folder != project_dir else None, waiting):
                remove_abandoned(target.folder / INCOMING)
                _check_key_file(opened, model, project_label(project), key_path)
                with DeidKey.open(key_path) as key:
                    _bind_key(opened, model, key, project_label(project), by)
                    order = sorted(studies)
                    random.SystemRandom().shuffle(order)  # the database's order tells nothing
                    for patient_id in order:
                        session = _SubjectImport(model, opened, key, target, patient_id, by)
                        session.run(studies[patient_id], results)
        finally:
            if store is None:
                opened.close()
    where = project_dir / PROJECT_DB if project_dir is not None else Path(project_label(project))
    return ImportReport(tuple(results.imported), results.present, tuple(skipped), where,
                        key_path, tuple(results.incomplete), tuple(results.replaced))


def _opened(project_dir: Path | None,
            store: ProjectStore | None) -> tuple[ReadingProject, ProjectStore]:
    """The project folder's project (opened here), or the caller's store's."""
    if store is None:
        assert project_dir is not None
        return open_project(project_dir / PROJECT_DB)
    return ReadingProject(store.load(), journal=store), store


class _Results:
    """What a run did so far (every subject adds to it)."""

    def __init__(self) -> None:
        self.imported: list[ImportedStudy] = []
        self.incomplete: list[str] = []
        self.replaced: list[str] = []
        self.present = 0


def _check_key_file(store: ProjectStore, project: ReadingProject, project_dir: str,
                    key_path: Path) -> None:  # fmt: skip
    """Refuse, before a key file is created, an import whose key would not be the project's."""
    if key_path.exists():
        return
    if store.project_info(KEY_INFO) is not None or project.case_ids:
        raise ImportRefused(
            f"{key_path}: no such key file, but {project_dir} was imported with a "
            "de-identification key: give that key file with --key-file (a new key would give "
            "every subject a second case id); nothing imported")


def _bind_key(store: ProjectStore, project: ReadingProject, key: DeidKey, project_dir: str,
              by: str) -> None:  # fmt: skip
    recorded = store.project_info(KEY_INFO)
    if recorded is not None:
        if recorded != key.key_id:
            raise ImportRefused(
                f"{key.path}: not the key {project_dir} was imported with (key "
                f"{recorded[:8]}...); give that key file with --key-file (another key would "
                "give every subject a second case id); nothing imported")
        return
    if project.case_ids and not set(project.case_ids) & set(key.case_ids().values()):
        raise ImportRefused(
            f"{key.path}: knows none of the subjects already in {project_dir}: give the key "
            "file they were imported with (--key-file); nothing imported")
    store.add_project_info(KEY_INFO, key.key_id, by,
                           reason="the de-identification key this project is imported with")


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
        what = f"Study Date {value!r} is not a date (YYYYMMDD)" if value.strip() else (
            "no Study Date")  # fmt: skip
        raise ImportRefused(f"{series[0].files[0]}: {what}, so the timepoints cannot be "
                            "ordered; have the site fill it in (nothing imported)") from None


class _SubjectImport:
    def __init__(self, project: ReadingProject, store: ProjectStore, key: DeidKey,
                 target: ImportTarget, patient_id: str, by: str) -> None:  # fmt: skip
        self.project, self.store, self.key = project, store, key
        self.project_dir, self.archive, self.by = target.folder, target.archive, by
        self.patient_id = patient_id
        self.subject = key.subject(patient_id)

    def run(self, studies: dict[str, list[SeriesInfo]], results: _Results) -> None:
        case_id = self.subject.case_id
        known = case_id in self.project.case_ids
        existing = {tp.series.study_uid: tp for tp in self.project.timepoints(case_id)
                    if tp.series is not None} if known else {}  # fmt: skip
        new: list[tuple[dt.date, str, list[SeriesInfo]]] = []
        for study_uid, series in studies.items():
            date = _study_date(series)
            present = existing.get(self.key.new_uid(study_uid))
            if present is None or present.series is None:
                new.append((date, study_uid, series))
                continue
            results.present += 1
            if self.archive is None:  # a damaged stored study: replaced from a re-send
                repair_present(self, present, series, results)
            self.key.record_study(self.patient_id, study_uid, date, present.scan_date,
                                  present.label, present.series.study_uid)  # fmt: skip
        new.sort(key=lambda item: item[0])
        self._check_order(new)
        for date, uid, series in new:
            try:
                results.imported.append(self._import(date, uid, series))
            except DamagedImage as damaged:
                later = " (nor the later ones of this subject)" if uid != new[-1][1] else ""
                results.incomplete.append(
                    f"{damaged}: study of {date.isoformat()} ({case_id}) not imported{later}; "
                    "have the site re-send it, then import again")
                return

    def _check_order(self, new: list[tuple[dt.date, str, list[SeriesInfo]]]) -> None:
        shift = dt.timedelta(days=self.subject.date_offset_days)
        known = self.subject.case_id in self.project.case_ids
        last = max((tp.scan_date for tp in self.project.timepoints(self.subject.case_id)),
                   default=None) if known else None  # fmt: skip
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

    def write(self, series: list[SeriesInfo], relative: Path) -> tuple[Path, _Written]:
        """The study de-identified into a new folder of ``.incoming`` (removed again if that
        fails), its files hashed as they will be named at ``relative``."""
        incoming = self.project_dir / INCOMING
        incoming.mkdir(exist_ok=True)
        temporary = incoming / f"{os.getpid()}-{secrets.token_hex(4)}"
        try:
            written = _write_study(series, temporary, self.subject, self.key, relative)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        return temporary, written

    def _import(self, date: dt.date, study_uid: str, series: list[SeriesInfo]) -> ImportedStudy:
        case_id = self.subject.case_id
        known = case_id in self.project.case_ids
        label = timepoint_label(len(self.project.timepoints(case_id)) if known else 0)
        relative = Path(IMAGES, case_id, label)
        final = self.project_dir / relative
        temporary, written = self.write(series, relative)
        if self.archive is not None:
            send(self.archive, temporary, f"{case_id} {label}")
            return self._register(date, study_uid, written, relative, None)
        try:
            if final.exists():
                _remove_unregistered(final, relative, self.project)
            final.parent.mkdir(parents=True, exist_ok=True)
            temporary.rename(final)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        return self._register(date, study_uid, written, relative, final)

    def _register(self, date: dt.date, study_uid: str, written: _Written, relative: Path,
                  final: Path | None) -> ImportedStudy:
        """Register the stored study as a timepoint, with its files' hashes (``final``: its
        folder, removed again if that fails; ``None``: sent to the archive)."""
        case_id, label = self.subject.case_id, relative.name
        known = case_id in self.project.case_ids
        ref = SeriesRef(self.key.new_uid(study_uid), self.key.new_uid(written.main.series_uid),
                        relative.as_posix(), written.thickness)  # fmt: skip
        scan_date = date + dt.timedelta(days=self.subject.date_offset_days)
        try:
            if not known:
                self.project.add_subject(case_id, by=self.by)
            with self.store.attaching({"image_file": image_rows(written.files)}):
                self.project.add_timepoint(case_id, label, scan_date, ref, by=self.by)
        except BaseException:
            if final is not None:
                shutil.rmtree(final, ignore_errors=True)  # this run's folder, not registered
            raise
        self.key.record_study(self.patient_id, study_uid, date, scan_date, label, ref.study_uid)
        return ImportedStudy(case_id, label, scan_date, ref, len(written.files))


def _remove_unregistered(final: Path, relative: Path, project: ReadingProject) -> None:
    """Remove a study folder an interrupted import moved into place but never registered (the
    caller holds the project lock); a folder a timepoint registers is never removed."""
    registered = {tp.series.folder for case_id in project.case_ids
                  for tp in project.timepoints(case_id) if tp.series is not None}  # fmt: skip
    if relative.as_posix() in registered or str(final) in registered:
        raise ImportRefused(f"{final}: a registered timepoint's images are already there; "
                            "nothing was changed (run recist-review audit verify)")  # fmt: skip
    shutil.rmtree(final)


@dataclass(frozen=True)
class _Written:
    main: SeriesInfo
    thickness: Decimal | None
    files: list[ImageFile]


def _ordered(series: list[SeriesInfo]) -> list[SeriesInfo]:
    return sorted(series, key=lambda s: (s.series_number is None, s.series_number or 0,
                                         s.series_uid))  # fmt: skip


def _series_folder(series: list[SeriesInfo], one: SeriesInfo) -> str:
    return f"S{_ordered(series).index(one) + 1:02d}"


def _main_series(series: list[SeriesInfo]) -> SeriesInfo:
    """The series a timepoint is read on: the CT series with the most images."""
    return max(_ordered(series), key=lambda s: (s.modality == "CT", s.n_images))


def _write_study(series: list[SeriesInfo], folder: Path, subject: SubjectKey, key: DeidKey,
                 relative: Path) -> _Written:  # fmt: skip
    main = _main_series(series)
    thickness: Decimal | None = None
    files: list[ImageFile] = []
    for info in _ordered(series):
        name = _series_folder(series, info)
        target = folder / name
        target.mkdir(parents=True)
        for number, path in enumerate(info.files, start=1):
            dataset = read_image(path)
            try:
                deidentify(dataset, subject, key.new_uid)
            except DeidentificationRefused as error:
                raise ImportRefused(f"{path}: {error}") from None
            if info is main and thickness is None and "SliceThickness" in dataset:
                thickness = _decimal(dataset.SliceThickness)
            output = target / f"IM{number:04d}.dcm"
            dataset.save_as(output, enforce_file_format=True)
            with open(output, "rb+") as stream:
                os.fsync(stream.fileno())
            digest = file_digest(output)
            files.append(ImageFile((relative / name / output.name).as_posix(), digest.size,
                                   digest.sha256))  # fmt: skip
    return _Written(main, thickness, files)


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value).strip()) if str(value).strip() else None
    except InvalidOperation:
        return None
