"""De-identifying one DICOM dataset in place (DICOM PS3.15 Annex E, E.1.1 and E.3.6).

:func:`deidentify` applies the profile (``reviewer_gui.deid.profile``) to every attribute, at
every depth of every sequence, then marks the dataset as de-identified (PS3.3 C.7.1.1:
Patient Identity Removed ``YES``, De-identification Method and its code sequence with the
CID 7050 codes 113100 and 113107, Longitudinal Temporal Information Modified ``MODIFIED``)
and rebuilds the file meta information (PS3.10 7.1) so that it carries no site value.
Pixel data are never touched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence
from pydicom.sr.codedict import codes
from pydicom.tag import BaseTag

from reviewer_gui.deid.profile import DICOM_UID_ROOT, Action, BasicProfile, basic_profile

#: PS3.3 C.7.1.1.1.3 (De-identification Method, LO: at most 64 characters).
METHOD = "DICOM PS3.15 E basic profile, longitudinal modified dates"
#: CID 7050 De-identification Method: Basic Application Confidentiality Profile, Retain
#: Longitudinal Temporal Information Modified Dates Option.
METHOD_CODES = (codes.DCM.BasicApplicationConfidentialityProfile,
                codes.DCM.RetainLongitudinalTemporalInformationModifiedDatesOption)  # fmt: skip
DUMMY_TEXT = "ANONYMIZED"
NUMERIC_VRS = frozenset({"FD", "FL", "SS", "US", "SL", "UL", "SV", "UV"})
TEXT_VRS = frozenset({"AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UT"})
_DATE = re.compile(r"^(\d{4})\.?(\d{2})\.?(\d{2})")


class DeidentificationRefused(ValueError):
    """A file that this profile cannot make safe (the message says why)."""


@dataclass(frozen=True)
class SubjectKey:
    """What replaces a subject's identity: its case id and its secret date offset."""

    case_id: str
    date_offset_days: int


def shift_date(value: str, offset_days: int) -> str:
    """A DA value (``YYYYMMDD``; the old ``YYYY.MM.DD`` is read too) moved by whole days; an
    unreadable value becomes empty rather than kept."""
    match = _DATE.match(value.strip())
    if match is None:
        return ""
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        return (day + dt.timedelta(days=offset_days)).strftime("%Y%m%d")
    except (ValueError, OverflowError):
        return ""


def shift_datetime(value: str, offset_days: int) -> str:
    """A DT value's date part moved by whole days, the time and the UTC offset kept; a value
    without a full date (``YYYY`` or ``YYYYMM``) cannot be shifted exactly and is emptied."""
    value = value.strip()
    if len(value) < 8:
        return ""
    day = shift_date(value[:8], offset_days)
    return day + value[8:] if day else ""


def deidentify(dataset: Dataset, subject: SubjectKey, remap_uid: Callable[[str], str],
               profile: BasicProfile | None = None) -> None:  # fmt: skip
    """De-identify ``dataset`` in place for ``subject``; ``remap_uid`` maps a source UID to its
    replacement (the same one every time)."""
    if str(dataset.get("BurnedInAnnotation", "")).upper() == "YES":
        raise DeidentificationRefused(
            "Burned In Annotation is YES: the pixels show identifying text, which this import "
            "does not clean (PS3.15 E.3.1); remove the series or have the site resend it clean")
    cleaner = _Cleaner(profile or basic_profile(), subject, remap_uid)
    cleaner.clean(dataset)
    dataset.remove_private_tags()
    dataset.PatientName = subject.case_id
    dataset.PatientID = subject.case_id
    dataset.PatientIdentityRemoved = "YES"
    dataset.LongitudinalTemporalInformationModified = "MODIFIED"
    dataset.DeidentificationMethod = METHOD
    dataset.DeidentificationMethodCodeSequence = Sequence([_code_item(c) for c in METHOD_CODES])
    _rebuild_file_meta(dataset)


def _code_item(code: object) -> Dataset:
    item = Dataset()
    item.CodeValue = code.value  # type: ignore[attr-defined]
    item.CodingSchemeDesignator = code.scheme_designator  # type: ignore[attr-defined]
    item.CodeMeaning = code.meaning  # type: ignore[attr-defined]
    return item


def _rebuild_file_meta(dataset: Dataset) -> None:
    old = getattr(dataset, "file_meta", None)
    meta = FileMetaDataset()
    if old is not None and "TransferSyntaxUID" in old:
        meta.TransferSyntaxUID = old.TransferSyntaxUID
    meta.MediaStorageSOPClassUID = dataset.SOPClassUID
    meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    dataset.file_meta = meta
    dataset.preamble = b"\x00" * 128


class _Cleaner:
    def __init__(self, profile: BasicProfile, subject: SubjectKey,
                 remap_uid: Callable[[str], str]) -> None:  # fmt: skip
        self.profile, self.subject, self.remap_uid = profile, subject, remap_uid

    def clean(self, dataset: Dataset) -> None:
        for tag in list(dataset.keys()):
            self._element(dataset, dataset[tag], BaseTag(tag))

    def _element(self, dataset: Dataset, element: DataElement, tag: BaseTag) -> None:
        vr = str(element.VR)
        action = self.profile.action(tag, vr)
        if action is Action.REMOVE:
            del dataset[tag]
        elif action is Action.EMPTY:
            element.value = [] if vr == "SQ" else _empty(vr)
        elif action is Action.DUMMY:
            self._dummy(element, vr)
        elif action is Action.REMAP_UID:
            element.value = self._remap(element.value)
        elif action is Action.SHIFT_DATE:
            shift = shift_date if vr == "DA" else shift_datetime
            offset = self.subject.date_offset_days
            element.value = _each(element.value, lambda v: shift(v, offset))
        elif vr == "SQ":  # KEEP or KEEP_REMAP_REFERENCES: clean every item
            for item in element.value:
                self.clean(item)

    def _dummy(self, element: DataElement, vr: str) -> None:
        if vr == "SQ":
            for item in element.value:
                self.clean(item)
        elif vr == "UI":
            element.value = self._remap(element.value)
        elif vr in TEXT_VRS:
            element.value = DUMMY_TEXT
        elif vr in NUMERIC_VRS:
            element.value = 0
        elif vr in ("DS", "IS"):
            element.value = "0"
        else:
            element.value = _empty(vr)

    def _remap(self, value: object) -> object:
        def one(uid: str) -> str:
            uid = str(uid).strip()
            return uid if not uid or uid.startswith(DICOM_UID_ROOT) else self.remap_uid(uid)

        return _each(value, one)


def _empty(vr: str) -> object:
    return None if vr in NUMERIC_VRS or vr in ("OB", "OW", "OF", "OD", "OL", "OV", "UN") else ""


def _each(value: object, change: Callable[[str], str]) -> object:
    if value is None or value == "":
        return value
    if isinstance(value, MultiValue | list | tuple):
        return [change(str(v)) for v in value]
    return change(str(value))
