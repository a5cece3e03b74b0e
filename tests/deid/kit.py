"""Helpers for the de-identification tests: site-like copies of the sample scans with PHI
seeded into their headers, and a byte scan for that PHI in every file of a folder."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import generate_uid

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SCANS = REPO / "sample_scans"
SAMPLE_LABELS = ("BASELINE", "M2", "M4", "M6")
SAMPLE_DATES = {
    "SUBJ-001": ("2024-01-15", "2024-03-18", "2024-05-13", "2024-07-15"),
    "SUBJ-002": ("2024-02-05", "2024-04-08", "2024-06-03", "2024-08-05"),
    "SUBJ-003": ("2024-03-04", "2024-05-06", "2024-07-01", "2024-09-02"),
}


@dataclass(frozen=True)
class Patient:
    """What a site's headers say about one patient (all of it must vanish on import)."""

    sample: str  # the sample-scan subject whose images are used
    folder: str  # the site's folder name, itself identifying
    name: str  # DICOM PN, FAMILY^GIVEN
    patient_id: str
    birth_date: str  # YYYYMMDD
    other_id: str
    institution: str
    address: str
    station: str
    referring: str
    performing: str
    operator: str
    accession: str
    study_id: str
    description: str
    comment: str
    serial: str

    @property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(dt.date.fromisoformat(d) for d in SAMPLE_DATES[self.sample])

    def strings(self) -> list[str]:
        """Every seeded identifying string, PN components apart too."""
        found = [self.name, self.name.replace("^", " "), *self.name.split("^"),
                 self.patient_id, self.other_id, self.institution, self.address, self.station,
                 self.referring, *self.referring.split("^"), self.performing,
                 *self.performing.split("^"), self.operator, *self.operator.split("^"),
                 self.accession, self.study_id, self.description, self.comment, self.serial,
                 self.folder]  # fmt: skip
        return found

    def real_dates(self) -> list[dt.date]:
        return [dt.datetime.strptime(self.birth_date, "%Y%m%d").date(), *self.dates]


HENRIETTA = Patient(
    "SUBJ-001", "Wojciechowska_Henrietta_8841273", "Wojciechowska^Henrietta", "MRN-8841273",
    "19610423", "NHS4417729931", "Klinikum Süd-Ost Mühlheim", "14 Wexford Lane, Kilkenny",
    "CTSCANNER7B", "Featherstonehaugh^Cuthbert", "Szczepanski^Marzena", "Thistlewood^Agnes",
    "ACC99817342", "STU7741", "CT TAP Henrietta restaging", "patient Henrietta anxious",
    "SN-44XK-9921",
)
MAXIMILIAN = Patient(
    "SUBJ-002", "Okonkwo_Maximilian_5530917", "Okonkwo-Baptiste^Maximilian", "MRN-5530917",
    "19570912", "NHS9902318847", "St Barnabas Oncology Institute", "2 Quarry Row, Tralee",
    "CTROOMDELTA", "Vandersloot^Philippa", "Abernathy-Oyelaran^Desmond", "Quigley^Rosalind",
    "ACC55120987", "STU8890", "CT restaging Maximilian", "Maximilian prefers mornings",
    "SN-77QP-1034",
)


def seed(dataset: Dataset, patient: Patient, date: dt.date) -> None:
    """Put the patient's PHI into a slice's header, as a careless site would send it."""
    day = date.strftime("%Y%m%d")
    dataset.SpecificCharacterSet = "ISO_IR 192"
    dataset.PatientName = patient.name
    dataset.PatientID = patient.patient_id
    dataset.PatientBirthDate = patient.birth_date
    dataset.OtherPatientIDs = patient.other_id
    dataset.PatientAge = "062Y"
    dataset.InstitutionName = patient.institution
    dataset.InstitutionAddress = patient.address
    dataset.StationName = patient.station
    dataset.ReferringPhysicianName = patient.referring
    dataset.PerformingPhysicianName = patient.performing
    dataset.OperatorsName = patient.operator
    dataset.AccessionNumber = patient.accession
    dataset.StudyID = patient.study_id
    dataset.StudyDescription = patient.description
    dataset.SeriesDescription = f"AX PORTAL {patient.description}"
    dataset.ImageComments = patient.comment
    dataset.DeviceSerialNumber = patient.serial
    dataset.PatientIdentityRemoved = "NO"
    dataset.StudyDate = dataset.SeriesDate = dataset.AcquisitionDate = day
    dataset.ContentDate = day
    dataset.AcquisitionDateTime = f"{day}093512.250000+0100"
    dataset.PerformedProcedureStepStartDate = day
    request = Dataset()  # nested: a sequence item with a description, a name and a date
    request.RequestedProcedureDescription = patient.description
    request.ScheduledProcedureStepDescription = patient.comment
    request.ScheduledPerformingPhysicianName = patient.referring
    request.ScheduledProcedureStepStartDate = day
    dataset.RequestAttributesSequence = Sequence([request])
    observer = Dataset()
    observer.PersonName = patient.operator  # (0040,A123), action D
    observer.InstitutionName = patient.institution
    dataset.ContentCreatorIdentificationCodeSequence = Sequence([observer])
    block = dataset.private_block(0x0029, "SITE PACS 1.0", create=True)
    block.add_new(0x10, "LO", f"{patient.name} {patient.patient_id}")
    block.add_new(0x11, "DA", day)


def write_site_copy(root: Path, patient: Patient, *, extra_series: bool = False) -> Path:
    """The patient's four studies as a site sends them, PHI seeded, under ``root``. With
    ``extra_series`` the baseline study also holds a second, shorter series of the same frame
    of reference (a thin reconstruction of the first 10 slices)."""
    folder = root / patient.folder
    for label, date in zip(SAMPLE_LABELS, patient.dates, strict=True):
        study = folder / date.isoformat()
        study.mkdir(parents=True)
        for path in sorted((SAMPLE_SCANS / patient.sample / label).iterdir()):
            dataset = pydicom.dcmread(path)
            seed(dataset, patient, date)
            dataset.save_as(study / f"{patient.patient_id}_{path.name}")
        if extra_series and label == "BASELINE":
            series_uid = generate_uid()
            for path in sorted((SAMPLE_SCANS / patient.sample / label).iterdir())[:10]:
                dataset = pydicom.dcmread(path)
                seed(dataset, patient, date)
                dataset.SeriesInstanceUID = series_uid
                dataset.SOPInstanceUID = dataset.file_meta.MediaStorageSOPInstanceUID = (
                    generate_uid())
                dataset.SeriesNumber = 4
                dataset.save_as(study / f"thin_{path.name}")
    return folder


def date_spellings(day: dt.date) -> list[str]:
    return [day.strftime(f) for f in ("%Y%m%d", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d",
                                      "%d/%m/%Y", "%m/%d/%Y")]  # fmt: skip


def encodings(text: str) -> list[bytes]:
    """How a string may sit in a file: UTF-8, Latin-1, UTF-16 (both orders), lower-cased."""
    low = text.lower()
    found = {low.encode("utf-8"), low.encode("utf-16-le"), low.encode("utf-16-be")}
    with contextlib.suppress(UnicodeEncodeError):
        found.add(low.encode("latin-1"))
    return sorted(found)


def leaks(folder: Path, needles: list[str]) -> list[tuple[str, str]]:
    """(file, needle) for every needle found, case-insensitively, in any file under folder."""
    found = []
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, f"no file under {folder}"
    for path in files:
        haystack = path.read_bytes().lower()
        for needle in needles:
            if any(form in haystack for form in encodings(needle)):
                found.append((str(path.relative_to(folder)), needle))
    return found
