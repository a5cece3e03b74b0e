"""Reference dates for the landmark and rPFS, given by the study administrator.

Readers never see randomization dates (domain brief, BICR section). The administrator gives
the trial's subjects CSV (contract input 2: real ``subject_id`` and ``randomization_date``);
each subject is mapped through the de-identification key (``reviewer_gui.deid.DeidKey``) to
its case id, and its randomization date shifted by the subject's own secret offset, the same
as every date of its scans (DICOM PS3.15 E.3.6, modified dates), so intervals stay exact. The
project keeps only the shifted dates (``subject_reference``, an audited record); the key and
the CSV stay outside it. Without them, the baseline scan date is the reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reviewer_gui.deid import DeidKey
from reviewer_gui.engine_adapter import read_randomization_dates
from reviewer_gui.review.adjudication import AdjudicationDesk
from reviewer_gui.review.identity import NotPermitted, Role


@dataclass(frozen=True, slots=True)
class ReferenceImport:
    """What :func:`import_reference_dates` did: the shifted dates recorded by case id, and
    the real ids left out (not imported, or without a randomization date) with why."""

    recorded: dict[str, dt.date]
    left_out: dict[str, str]
    audit_seq: int | None


def shifted_reference_dates(
    subjects_csv: Path, key_file: Path
) -> tuple[dict[str, dt.date], dict[str, str]]:
    """Case id -> shifted randomization date, and the real ids left out with why."""
    if not key_file.is_file():
        raise ValueError(f"{key_file}: no such de-identification key (the import writes it "
                         "beside the project folder: PROJECT_DIR.deid-key)")  # fmt: skip
    dates = read_randomization_dates(subjects_csv)
    shifted: dict[str, dt.date] = {}
    left_out: dict[str, str] = {}
    with DeidKey.open(key_file) as key:
        cases = key.case_ids()
        for real_id, date in sorted(dates.items()):
            if real_id not in cases:
                left_out[real_id] = "not imported (no scans in the project)"
            elif date is None:
                left_out[real_id] = "no randomization_date: the baseline is its reference"
            else:
                subject = key.subject(real_id)  # known: no new offset is drawn
                shifted[subject.case_id] = date + dt.timedelta(days=subject.date_offset_days)
    return shifted, left_out


def import_reference_dates(
    desk: AdjudicationDesk, subjects_csv: Path, key_file: Path
) -> ReferenceImport:
    """Record the subjects CSV's randomization dates, shifted, by case id (administrator)."""
    if desk.session.role is not Role.ADMINISTRATOR:
        raise NotPermitted(f"{desk.session.user} is signed in as {desk.session.role.value}: "
                           "only the study administrator gives reference dates")  # fmt: skip
    shifted, left_out = shifted_reference_dates(subjects_csv, key_file)
    seq = desk.set_reference_dates(shifted, source=subjects_csv.name)
    return ReferenceImport(shifted, left_out, seq)
