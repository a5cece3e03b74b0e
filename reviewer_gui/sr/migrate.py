"""A read done elsewhere, loaded by the study administrator into a reader's draft read.

The administrator (:func:`load_srs`, ``recist-review sr-load``) loads TID 1500 SRs (OHIF's
Length and Bidirectional, 3D Slicer's, ours from another project) into reader R's read of the
subject and timepoint each SR is of: matched by the de-identified Study Instance UID of a
timepoint's series, else by the images the SR's measurements lie on. Only into timepoints of
R's read that have no entry yet, in reading order (a follow-up once R has signed the one
before); the reader then reviews, edits and signs them as their own read.

What is loaded stays told apart: the lesions and observations are the administrator's entries
(``by``, ``recorded_by`` and ``measured_by`` name the administrator, :func:`loaded_entries`;
the reader's later edits are theirs), and one ``load-sr`` audit record per file names the
file, its SOP Instance UID and SHA-256, the reader's read and the records of the entries.

Blinding: an SR of another reader's read of this project (our tracking UIDs name the read) is
refused: a reader never sees another reader's read, through an SR either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError

from reviewer_gui.reading import (
    ImagePlane,
    ReadingError,
    ReadingProject,
    ReadKey,
    ReadView,
    Timepoint,
    plane_of,
)
from reviewer_gui.review import NotPermitted, Role, Session
from reviewer_gui.sr.assignments import Assignment, assign
from reviewer_gui.sr.images import ImagesMissing, SeriesHeaders
from reviewer_gui.sr.load import record_entries
from reviewer_gui.sr.reader import NotAMeasurementReport, SrEntry, read_sr
from reviewer_gui.sr.writer import tracking_uid

#: The audit record's action of one SR file loaded into a reader's read.
LOAD_ACTION = "load-sr"


class SrLoadRefused(ValueError):
    """The SRs cannot be loaded; the message names the file and the fix. Nothing loaded."""


@dataclass(frozen=True, slots=True)
class LoadedSr:
    """One SR file loaded: which, into whose read at which timepoint, its lesions."""

    file: Path
    sop_instance_uid: str
    sha256: str
    key: ReadKey
    timepoint: str
    lesions: tuple[str, ...]
    #: Lesions whose SR values have no end points on an image (3D Slicer's): the reader
    #: measures them.
    to_measure: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Plan:
    file: Path
    sop_instance_uid: str
    sha256: str
    key: ReadKey
    timepoint: Timepoint
    entries: tuple[SrEntry, ...]


def load_srs(
    session: Session,
    reader: str,
    files: Sequence[Path],
    *,
    assignments: Mapping[str, Assignment] | None = None,
) -> tuple[LoadedSr, ...]:
    """Load ``files`` into ``reader``'s draft read, as ``session``'s user (the study
    administrator; anyone else is refused and the refusal recorded). ``assignments``:
    tracking UID (or tracking identifier) -> the lesion id, category and organ a person gave
    another tool's measurement. Every file is checked (and its entries tried on a copy of the
    project) before the first is loaded."""
    if session.role is not Role.ADMINISTRATOR:
        reason = (f"{session.user} is signed in as {session.role.value}: only the study "
                  "administrator loads SRs into a reader's draft read")  # fmt: skip
        session.record_refusal(LOAD_ACTION, reason)
        raise NotPermitted(reason)
    if not files:
        raise SrLoadRefused("no SR file given: name the SR files to load")
    _check_reader(session, reader)
    project: ReadingProject = session._project
    headers = SeriesHeaders(_images(session, project))
    plans = sorted((_plan(project, headers, reader, path, assignments or {}) for path in files),
                   key=lambda plan: (plan.key.case_id, plan.timepoint.scan_date))  # fmt: skip
    _check_targets(project, plans)
    planes = {id(plan): _planes(project, headers, plan) for plan in plans}
    trial = ReadingProject(project.state)
    with trial.entered_by(session.user):
        for plan in plans:
            _recorded(trial, plan, planes[id(plan)])
    store, done = session._store, []
    for plan in plans:
        first = store.last_record()[0] + 1
        with project.entered_by(session.user):
            _recorded(project, plan, planes[id(plan)])
        last = store.last_record()[0]
        lesions = tuple(entry.lesion_id for entry in plan.entries)
        store.log_action(LOAD_ACTION, session.user, case_id=plan.key.case_id, reader=reader,
                         timepoint=plan.timepoint.label, reason=(
                             f"entries loaded by {session.user} from SR file {plan.file.name} "
                             f"into {reader}'s draft read; {reader} reviews and signs them"),
                         after={"sr_load": [{
                             "file": plan.file.name, "sop_instance_uid": plan.sop_instance_uid,
                             "sha256": plan.sha256, "lesions": list(lesions),
                             "records": [first, last]}]})  # fmt: skip
        to_measure = tuple(e.lesion_id for e in plan.entries if e.state is None)
        done.append(LoadedSr(plan.file, plan.sop_instance_uid, plan.sha256, plan.key,
                             plan.timepoint.label, lesions, to_measure))  # fmt: skip
    return tuple(done)


def loaded_entries(read: ReadView) -> dict[tuple[str, str], str]:
    """``(timepoint, lesion id)`` -> who entered it, for the read's observations that someone
    other than its reader entered (an SR loaded by the study administrator) and the reader
    has not changed since."""
    return {spot: observation.recorded_by for spot, observation in read.observations.items()
            if observation.recorded_by != read.key.reader}  # fmt: skip


def _check_reader(session: Session, reader: str) -> None:
    user = session._store.users().get(reader)
    if user is None or user.role != Role.READER or not user.active:
        readers = ", ".join(session.readers()) or "none yet"
        raise SrLoadRefused(f"{reader!r} is not an active reader of this project: give --reader "
                            f"one of {readers}")  # fmt: skip


def _images(session: Session, project: ReadingProject) -> Path | str:
    """The folder the series folders are relative to (a PostgreSQL project's setting), or the
    URL of the project's reading archive."""
    folder = session.images_folder
    if folder is not None:
        return folder
    if any(tp.series is not None and not Path(tp.series.folder).is_absolute()
           for case_id in project.case_ids for tp in project.timepoints(case_id)):  # fmt: skip
        raise SrLoadRefused("the project records no image folder: record it first "
                            "(recist-review images URL FOLDER)")  # fmt: skip
    return Path("/")  # every series folder is absolute


def _plan(project: ReadingProject, headers: SeriesHeaders, reader: str, path: Path,
          assignments: Mapping[str, Assignment]) -> _Plan:  # fmt: skip
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SrLoadRefused(f"{path}: cannot read it ({error.strerror})") from None
    try:
        dataset = pydicom.dcmread(BytesIO(data))
        sr = read_sr(dataset)
    except (InvalidDicomError, NotAMeasurementReport, AttributeError, KeyError, IndexError,
            TypeError, ValueError) as error:  # fmt: skip
        what = ("not a TID 1500 Measurement Report" if isinstance(error, NotAMeasurementReport)
                else "not a readable DICOM SR")  # fmt: skip
        raise SrLoadRefused(f"{path}: {what}: give a TID 1500 SR file (OHIF's, 3D Slicer's "
                            "or an export of this toolkit)") from None  # fmt: skip
    case_id, timepoint = _match(project, headers, path, dataset, sr.entries)
    key = ReadKey(case_id, reader)
    _refuse_another_read(project, key, path, sr.entries)
    try:
        entries = assign(sr.entries, assignments)
    except ReadingError as error:
        raise SrLoadRefused(f"{path}: {error}") from None
    return _Plan(path, str(dataset.get("SOPInstanceUID", "")), hashlib.sha256(data).hexdigest(),
                 key, timepoint, entries)  # fmt: skip


def _match(
    project: ReadingProject,
    headers: SeriesHeaders,
    path: Path,
    dataset: pydicom.Dataset,
    entries: Iterable[SrEntry],
) -> tuple[str, Timepoint]:
    """The subject and timepoint an SR is of: its Study Instance UID, else its images."""
    study = str(dataset.get("StudyInstanceUID", ""))
    spots = [(case_id, tp) for case_id in project.case_ids for tp in project.timepoints(case_id)
             if tp.series is not None]  # fmt: skip
    found = [(case_id, tp) for case_id, tp in spots if tp.series and tp.series.study_uid == study]
    images = {axis.sop_instance_uid for entry in entries for fragment in entry.fragments
              for axis in (fragment.long_axis, fragment.short_axis) if axis is not None}
    if not found and images:
        found = [(case_id, tp) for case_id, tp in spots if tp.series is not None
                 and images & set(_series_images(headers, tp))]  # fmt: skip
    if len(found) != 1:
        raise SrLoadRefused(
            f"{path}: its study {study or '(none)'} is not one timepoint of this project"
            f"{', nor are its images' if images else ''}: load the SR of a study imported "
            "into this project (recist-review import), de-identified as it was")
    return found[0]


def _series_images(headers: SeriesHeaders, timepoint: Timepoint) -> list[str]:
    assert timepoint.series is not None
    try:
        return list(headers.of(timepoint.series))
    except ImagesMissing:
        return []


def _refuse_another_read(project: ReadingProject, key: ReadKey, path: Path,
                         entries: Sequence[SrEntry]) -> None:  # fmt: skip
    """An SR exported from another reader's read of this project carries that read's tracking
    UIDs: loading it would show one reader the other's read."""
    uids = {entry.tracking_uid for entry in entries}
    for reader in project.readers(key.case_id):
        if reader == key.reader:
            continue
        read = project.read(ReadKey(key.case_id, reader))
        names = {""} | {f.name for o in read.observations.values() for f in o.fragments}
        theirs = {tracking_uid(read, lesion_id, name) for lesion_id in read.lesions
                  for name in names}  # fmt: skip
        if uids & theirs:
            raise SrLoadRefused(f"{path}: an SR of another reader's read of {key.case_id} in "
                                f"this project: a reader never sees another reader's read; "
                                "load only reads done elsewhere")  # fmt: skip


def _check_targets(project: ReadingProject, plans: Sequence[_Plan]) -> None:
    seen: dict[tuple[ReadKey, str], Path] = {}
    for plan in plans:
        spot = (plan.key, plan.timepoint.label)
        if spot in seen:
            raise SrLoadRefused(f"{plan.file} and {seen[spot]} are both of {plan.key.case_id} "
                                f"{plan.timepoint.label}: load one SR per timepoint")
        seen[spot] = plan.file
        read = project.read(plan.key)
        where = f"{plan.key.reader}'s read of {plan.key.case_id} at {plan.timepoint.label}"
        if plan.timepoint.label in read.signatures:
            raise SrLoadRefused(f"{plan.file}: {where} is signed: an SR loads only into a "
                                "draft (a re-read by the reader reopens it)")
        if any(label == plan.timepoint.label for label, _ in read.observations):
            raise SrLoadRefused(f"{plan.file}: {where} has entries already: an SR loads only "
                                "into a timepoint without entries")  # fmt: skip


def _planes(project: ReadingProject, headers: SeriesHeaders,
            plan: _Plan) -> dict[str, ImagePlane]:  # fmt: skip
    """SOP Instance UID -> plane of every image of the series the reader reads it on."""
    if not any(entry.fragments for entry in plan.entries):
        return {}
    from reviewer_gui.dicom import DicomLoadError, load_series

    series = project.read(plan.key).series_of(plan.timepoint.label)
    assert series is not None  # matched by its series' study or images
    try:
        source = (headers.base / series.folder if isinstance(headers.base, Path)
                  else headers.base)  # fmt: skip
        volume = load_series(source, series_uid=series.series_uid, workers=1)
    except (DicomLoadError, OSError) as error:
        raise SrLoadRefused(f"{plan.file}: the images of {plan.key.case_id} "
                            f"{plan.timepoint.label} cannot be loaded ({error}): put the "
                            "project's images back where it records them") from None
    return {uid: plane_of(volume, k) for k, uid in enumerate(volume.sop_instance_uids)}


def _recorded(project: ReadingProject, plan: _Plan, planes: Mapping[str, ImagePlane]) -> None:
    try:
        record_entries(project, plan.key, plan.timepoint.label, plan.entries, planes)
    except ReadingError as error:
        raise SrLoadRefused(f"{plan.file}: {error}") from None


__all__ = ["LOAD_ACTION", "LoadedSr", "SrLoadRefused", "load_srs", "loaded_entries"]
