"""The profile against the standard: DICOM PS3.15 Table E.1-1 rows, checked one by one.

``STANDARD_ROWS`` copies, from Table E.1-1 (Application Level Confidentiality Profile
Attributes), the rows of the attributes that identify a patient most directly: the tag, the
attribute's name, the Basic Profile action and the "Rtn. Long. Modif. Dates Opt." action
(``C`` or blank). Each row is checked twice: the table the import reads (from
``dicom-anonymizer``) gives the same Basic Profile action, and the de-identified dataset
shows the action's effect (removed, emptied, replaced, remapped, or shifted by the subject's
offset)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from pydicom.datadict import dictionary_VR, keyword_for_tag
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.tag import Tag

from reviewer_gui.deid import (
    METHOD,
    Action,
    SubjectKey,
    basic_profile,
    deidentify,
    shift_date,
    shift_datetime,
)

# (tag, name, Basic Profile action, Rtn. Long. Modif. Dates Opt.) from PS3.15 Table E.1-1,
# edition 2026c (Patient ID is "Z/D" since 2024b, "Z" before).
STANDARD_ROWS = [
    (0x00080050, "Accession Number", "Z", ""),
    (0x00184000, "Acquisition Comments", "X", ""),
    (0x00080022, "Acquisition Date", "X/Z", "C"),
    (0x0008002A, "Acquisition DateTime", "X/Z/D", "C"),
    (0x00080032, "Acquisition Time", "X/Z", "C"),
    (0x001021B0, "Additional Patient History", "X", ""),
    (0x00380010, "Admission ID", "X", ""),
    (0x00080023, "Content Date", "Z/D", "C"),
    (0x00080033, "Content Time", "Z/D", "C"),
    (0x0008009C, "Consulting Physician's Name", "Z", ""),
    (0x00102150, "Country of Residence", "X", ""),
    (0x00380300, "Current Patient Location", "X", ""),
    (0x00181000, "Device Serial Number", "X/Z/D", ""),
    (0x00181002, "Device UID", "U", ""),
    (0x00102160, "Ethnic Group", "X", ""),
    (0x00402017, "Filler Order Number / Imaging Service Request", "Z", ""),
    (0x00200052, "Frame of Reference UID", "U", ""),
    (0x00204000, "Image Comments", "X", ""),
    (0x00080014, "Instance Creator UID", "U", ""),
    (0x00080081, "Institution Address", "X", ""),
    (0x00081040, "Institutional Department Name", "X", ""),
    (0x00080082, "Institution Code Sequence", "X/Z/D", ""),
    (0x00080080, "Institution Name", "X/Z/D", ""),
    (0x00100021, "Issuer of Patient ID", "X", ""),
    (0x00101090, "Medical Record Locator", "X", ""),
    (0x00081060, "Name of Physician(s) Reading Study", "X", ""),
    (0x00102180, "Occupation", "X", ""),
    (0x00081070, "Operators' Name", "X/Z/D", ""),
    (0x00101000, "Other Patient IDs", "X", ""),
    (0x00101001, "Other Patient Names", "X", ""),
    (0x00101040, "Patient's Address", "X", ""),
    (0x00101010, "Patient's Age", "X", ""),
    (0x00100030, "Patient's Birth Date", "Z", ""),
    (0x00101005, "Patient's Birth Name", "X", ""),
    (0x00100032, "Patient's Birth Time", "X", ""),
    (0x00101060, "Patient's Mother's Birth Name", "X", ""),
    (0x00100010, "Patient's Name", "Z", ""),
    (0x00102154, "Patient's Telephone Numbers", "X", ""),
    (0x00104000, "Patient Comments", "X", ""),
    (0x00100020, "Patient ID", "Z/D", ""),
    (0x00400254, "Performed Procedure Step Description", "X", ""),
    (0x00400253, "Performed Procedure Step ID", "X", ""),
    (0x00400244, "Performed Procedure Step Start Date", "X", "C"),
    (0x00081050, "Performing Physician's Name", "X", ""),
    (0x00081048, "Physician(s) of Record", "X", ""),
    (0x00402016, "Placer Order Number / Imaging Service Request", "Z", ""),
    (0x00181030, "Protocol Name", "X/D", ""),
    (0x00321030, "Reason for Study", "X", ""),
    (0x00081140, "Referenced Image Sequence", "X/Z/U*", ""),
    (0x00081155, "Referenced SOP Instance UID", "U", ""),
    (0x00080092, "Referring Physician's Address", "X", ""),
    (0x00080090, "Referring Physician's Name", "Z", ""),
    (0x00080094, "Referring Physician's Telephone Numbers", "X", ""),
    (0x00400275, "Request Attributes Sequence", "X", ""),
    (0x00321032, "Requesting Physician", "X", ""),
    (0x00400007, "Scheduled Procedure Step Description", "X", ""),
    (0x00080021, "Series Date", "X/D", "C"),
    (0x0008103E, "Series Description", "X", ""),
    (0x0020000E, "Series Instance UID", "U", ""),
    (0x00080031, "Series Time", "X/D", "C"),
    (0x00080018, "SOP Instance UID", "U", ""),
    (0x00081010, "Station Name", "X/Z/D", ""),
    (0x00324000, "Study Comments", "X", ""),
    (0x00080020, "Study Date", "Z", "C"),
    (0x00081030, "Study Description", "X", ""),
    (0x00200010, "Study ID", "Z", ""),
    (0x0020000D, "Study Instance UID", "U", ""),
    (0x00080030, "Study Time", "Z", "C"),
    (0x00080201, "Timezone Offset From UTC", "X", "C"),
    (0x00120040, "Clinical Trial Subject ID", "D", ""),
    (0x00120030, "Clinical Trial Site ID", "Z", ""),
    (0x00120031, "Clinical Trial Site Name", "Z", ""),
]
SUBJECT = SubjectKey("CASE-7K3F", -1000)
REAL_DAY = dt.date(2024, 3, 18)


def remap(uid: str) -> str:
    return "2.25." + str(int(hashlib.sha256(uid.encode()).hexdigest()[:24], 16))


def identifying_value(tag: int) -> object:
    """A value of the attribute's VR that must not survive."""
    vr = str(dictionary_VR(tag))
    values: dict[str, object] = {
        "DA": REAL_DAY.strftime("%Y%m%d"), "DT": "20240318093512.25+0100", "TM": "093512",
        "PN": "Wojciechowska^Henrietta", "UI": "1.2.826.0.1.3680043.2.1143.77.5",
        "AS": "062Y", "CS": "SECRET", "SH": "SECRET7741",
    }  # fmt: skip
    if vr == "SQ":
        item = Dataset()
        item.CodeValue, item.CodingSchemeDesignator = "HOSP7741", "L"
        item.CodeMeaning = "Klinikum Mühlheim"
        item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        item.ReferencedSOPInstanceUID = "1.2.826.0.1.3680043.2.1143.77.6"
        return Sequence([item])
    return values.get(vr, "Klinikum Mühlheim 7741")


def test_the_rows_cover_the_most_identifying_attributes() -> None:
    assert len(STANDARD_ROWS) >= 40
    assert len({row[0] for row in STANDARD_ROWS}) == len(STANDARD_ROWS)


@pytest.mark.parametrize(("tag", "name", "basic", "option"), STANDARD_ROWS,
                         ids=[row[1] for row in STANDARD_ROWS])  # fmt: skip
def test_the_table_read_gives_the_standards_basic_action(
    tag: int, name: str, basic: str, option: str
) -> None:
    assert basic_profile().code(tag) == basic, name


@pytest.mark.parametrize(("tag", "name", "basic", "option"), STANDARD_ROWS,
                         ids=[row[1] for row in STANDARD_ROWS])  # fmt: skip
def test_deidentification_does_what_the_row_says(
    tag: int, name: str, basic: str, option: str
) -> None:
    keyword = keyword_for_tag(tag)
    vr = str(dictionary_VR(tag))
    original = identifying_value(tag)
    dataset = Dataset()
    dataset.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    dataset.SOPInstanceUID = "1.2.826.0.1.3680043.2.1143.77.1"
    dataset.add_new(tag, vr, original)
    deidentify(dataset, SUBJECT, remap)
    got = dataset[tag].value if tag in dataset else None
    if keyword in ("PatientName", "PatientID"):
        assert got == SUBJECT.case_id  # Z (dummy allowed): the pseudonym
    elif option == "C" and vr == "DA":
        assert got == (REAL_DAY + dt.timedelta(days=SUBJECT.date_offset_days)).strftime("%Y%m%d")
    elif option == "C" and vr == "DT":
        assert got == shift_datetime(str(original), SUBJECT.date_offset_days) != original
    elif option == "C" and vr == "TM":
        assert got == original  # whole-day offsets: the time of day is not a date
    elif basic == "U":
        assert got == remap(str(original))
    elif basic == "X/Z/U*":  # kept, the instance UIDs it references remapped
        item = got[0]
        assert item.ReferencedSOPInstanceUID == remap("1.2.826.0.1.3680043.2.1143.77.6")
        assert item.ReferencedSOPClassUID == "1.2.840.10008.5.1.4.1.1.2"
    elif basic in ("X", "X/Z", "X/D", "X/Z/D") or option == "C":
        assert got is None, f"{name} should be removed"
    elif basic in ("Z", "Z/D"):
        assert got in ("", None, []), f"{name} should be empty"
    elif basic == "D":
        assert got not in (None, "", original), f"{name} should hold a dummy value"
    else:  # pragma: no cover - every row has one of the actions above
        pytest.fail(f"unexpected action {basic}")


def test_every_date_of_the_table_is_shifted_but_the_birth_date() -> None:
    profile = basic_profile()
    dated = [row for row in profile.rows
             if row.mask == 0xFFFFFFFF and keyword_for_tag(row.tag)
             and str(dictionary_VR(row.tag)) in ("DA", "DT")]  # fmt: skip
    assert len(dated) > 40
    for row in dated:
        action = profile.action(Tag(row.tag), str(dictionary_VR(row.tag)))
        expected = Action.EMPTY if row.tag == 0x00100030 else Action.SHIFT_DATE
        assert action is expected, keyword_for_tag(row.tag)


def test_private_attributes_go_and_the_dataset_says_how_it_was_deidentified() -> None:
    dataset = Dataset()
    dataset.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    dataset.SOPInstanceUID = "1.2.826.0.1.3680043.2.1143.77.1"
    dataset.PatientIdentityRemoved = "NO"
    dataset.DeidentificationMethod = "site tool 1.0"
    block = dataset.private_block(0x0029, "SITE PACS 1.0", create=True)
    block.add_new(0x10, "LO", "Wojciechowska Henrietta")
    item = Dataset()
    item.add_new(0x00091001, "LO", "nested private")
    item.ReferencedSOPInstanceUID = "1.2.826.0.1.3680043.2.1143.77.1"
    dataset.SourceImageSequence = Sequence([item])
    deidentify(dataset, SUBJECT, remap)
    assert not any(element.tag.is_private for element in dataset.iterall())
    assert dataset.PatientIdentityRemoved == "YES"
    assert dataset.LongitudinalTemporalInformationModified == "MODIFIED"
    assert dataset.DeidentificationMethod == METHOD and len(METHOD) <= 64
    assert [(c.CodeValue, c.CodingSchemeDesignator) for c in
            dataset.DeidentificationMethodCodeSequence] == [("113100", "DCM"), ("113107", "DCM")]
    # a reference to an instance gets the instance's new UID
    assert dataset.SourceImageSequence[0].ReferencedSOPInstanceUID == dataset.SOPInstanceUID
    assert dataset.file_meta.MediaStorageSOPInstanceUID == dataset.SOPInstanceUID


def test_names_and_dates_nested_in_sequences_outside_the_table_are_cleaned() -> None:
    dataset = Dataset()
    dataset.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    dataset.SOPInstanceUID = "1.2.826.0.1.3680043.2.1143.77.1"
    item = Dataset()
    item.EvaluatorName = "Featherstonehaugh^Cuthbert"  # a PN that Table E.1-1 does not list
    item.ScheduledProcedureStepStartDate = "20240318"
    item.ContrastBolusAgent = "Omnipaque"  # in the table: Z/D, emptied
    dataset.ScheduledProcedureStepSequence = Sequence([item])  # not in Table E.1-1
    deidentify(dataset, SUBJECT, remap)
    cleaned = dataset.ScheduledProcedureStepSequence[0]
    assert cleaned.EvaluatorName == ""
    assert cleaned.ScheduledProcedureStepStartDate == shift_date("20240318", -1000)
    assert cleaned.ContrastBolusAgent == ""


@pytest.mark.parametrize(("value", "days", "expected"), [
    ("20240318", -1000, "20210622"),
    ("20240229", -365, "20230301"),  # a leap day: exact days, not "same day a year ago"
    ("2024.03.18", -1, "20240317"),  # ACR-NEMA style, still read
    ("20241301", -1, ""),  # not a date: emptied, never kept
    ("", -1, ""),
])  # fmt: skip
def test_shift_date(value: str, days: int, expected: str) -> None:
    assert shift_date(value, days) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("20240318093512.25+0100", "20240317093512.25+0100"),
    ("20240318", "20240317"),
    ("202403", ""),  # a month cannot be shifted by days exactly: emptied
    ("2024", ""),
])  # fmt: skip
def test_shift_datetime(value: str, expected: str) -> None:
    assert shift_datetime(value, -1) == expected


def test_burned_in_annotation_is_refused() -> None:
    from reviewer_gui.deid import DeidentificationRefused

    dataset = Dataset()
    dataset.BurnedInAnnotation = "YES"
    with pytest.raises(DeidentificationRefused, match="Burned In Annotation"):
        deidentify(dataset, SUBJECT, remap)
