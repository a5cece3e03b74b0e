"""The coded concepts of our SRs, from DICOM PS3.16 where it has them (pydicom's copy of
the standard's code tables: ``pydicom.sr.codedict.codes``), else from our own coding scheme.

A coding scheme designator that begins with ``99`` is a private one (PS3.16 section 8.1):
``99RECIST`` holds what RECIST 1.1 says and DICOM has no code for (a new lesion, the lesion
states "not evaluated" and "merged", the overall response, the sums). Meanings are the
contract's words (``docs/csv-format.md``), so a person reading a dump understands them.
"""

from __future__ import annotations

from pydicom.sr.codedict import codes
from pydicom.sr.coding import Code

from reviewer_gui.reading import Category, State

SCHEME = "99RECIST"


def local(value: str, meaning: str) -> Code:
    """A concept of ours (its value fits Code Value, SH: at most 16 characters)."""
    assert len(value) <= 16, value
    return Code(value, SCHEME, meaning)


#: The organ pick list (reviewer_gui.reading.ORGANS) as SNOMED CT finding sites (CID 4031 and
#: its neighbours); "other" is a body structure with no more precise site.
ORGAN_SITES: dict[str, Code] = {
    "liver": codes.SCT.Liver,
    "lung": codes.SCT.Lung,
    "lymph node": codes.SCT.LymphNode,
    "bone": codes.SCT.Bone,
    "adrenal gland": codes.SCT.AdrenalGland,
    "kidney": codes.SCT.Kidney,
    "spleen": codes.SCT.Spleen,
    "pancreas": codes.SCT.Pancreas,
    "peritoneum": Code("15425007", "SCT", "Peritoneum"),  # SNOMED CT 15425007
    "pleura": codes.SCT.Pleura,
    "brain": codes.SCT.Brain,
    "breast": codes.SCT.Breast,
    "ovary": codes.SCT.Ovary,
    "soft tissue": codes.SCT.SoftTissue,
    "other": Code("123037004", "SCT", "Body structure"),  # codes.SCT.BodyStructure
}

#: CID 244 Laterality, as a location's free text says it.
LATERALITY: dict[str, Code] = {
    "left": codes.SCT.Left,
    "right": codes.SCT.Right,
    "bilateral": codes.SCT.Bilateral,
}

#: The lesion's RECIST category as the group's Finding (121071, DCM): CID 6145 Baseline
#: Category for targets and non-targets; a new lesion has no DICOM code.
CATEGORY_FINDINGS: dict[Category, Code] = {
    Category.TARGET: codes.DCM.TargetLesionAtBaseline,
    Category.NON_TARGET: codes.DCM.NonTargetLesionAtBaseline,
    Category.NEW: local("NEW-LESION", "New lesion"),
}

#: Each lesion state as a coded qualitative evaluation: SNOMED CT present/absent (CID 240),
#: DCM "Too small" (CID 6118 Size Descriptor), DCM "Non-Target Lesion Progressive Disease"
#: (CID 6144, RECIST's unequivocal progression of a non-target), SNOMED CT "Equivocal".
STATE_NAME = local("LESION-STATE", "RECIST lesion state")
STATE_VALUES: dict[State, Code] = {
    State.PRESENT: codes.SCT.Present,
    State.ABSENT: codes.SCT.Absent,
    State.TOO_SMALL: codes.DCM.TooSmall,
    State.NOT_EVALUATED: local("NOT-EVALUATED", "Not evaluated"),
    State.MERGED: local("MERGED", "Merged into another target lesion"),
    State.PROGRESSION: codes.DCM.NonTargetLesionProgressiveDisease,
    State.EQUIVOCAL: codes.SCT.Equivocal,
}

#: Free text of a group (TEXT content items): the lesion id, the location's free text, the
#: fragment of a split target, the reason given for a state.
LESION_ID = local("LESION-ID", "Lesion identifier")
LOCATION_DETAIL = local("LOCATION-DETAIL", "Location detail")
FRAGMENT = local("FRAGMENT", "Fragment of a split lesion")
REASON = local("STATE-REASON", "Reason for the lesion state")
SIGNATURE_MEANING = local("SIGN-MEANING", "Meaning of the signature")

#: The axes, with the code meanings Cornerstone3D's Bidirectional tool looks for (exactly
#: "Long Axis" and "Short Axis"); SNOMED CT's codes for them (CID 7470).
LONG_AXIS = Code("103339001", "SCT", "Long Axis")
SHORT_AXIS = Code("103340004", "SCT", "Short Axis")
#: A long axis alone: Cornerstone3D's Length tool (SNOMED CT "Length", CID 7470).
LENGTH = codes.SCT.Length
MM = Code("mm", "UCUM", "millimeter")
PERCENT = Code("%", "UCUM", "percent")

#: Cornerstone3D's tracking identifiers: OHIF v3 re-opens a measurement as its tool.
TOOL_LENGTH = "Cornerstone3DTools@^0.1.0:Length"
TOOL_BIDIRECTIONAL = "Cornerstone3DTools@^0.1.0:Bidirectional"
#: The timepoint's summary group (sums and responses): not a tool of Cornerstone3D.
SUMMARY_TRACKING = "RECIST 1.1 timepoint assessment"

RECIST_1_1 = codes.DCM.RECIST1Point1
BASELINE = codes.UMLS.Baseline
POSTTREATMENT = codes.DCM.Posttreatment

#: The timepoint's sums (the engine's TimepointColumn fields) as NUMs.
SUMS: dict[str, tuple[Code, Code]] = {
    "target_sum_mm": (local("SUM", "Sum of diameters"), MM),
    "baseline_sum_mm": (local("BASELINE-SUM", "Baseline sum of diameters"), MM),
    "nadir_mm": (local("NADIR-SUM", "Nadir sum of diameters"), MM),
    "change_from_baseline_pct": (local("CHANGE-BASELINE", "Change from baseline sum"), PERCENT),
    "change_from_nadir_pct": (local("CHANGE-NADIR", "Change from nadir sum"), PERCENT),
}

#: The timepoint's responses (RECIST 1.1 Tables 1 and 2): DICOM's CID 6144 where it has the
#: value, else ours.
RESPONSE_NAMES: dict[str, Code] = {
    "target_response": local("TARGET-RESPONSE", "Target lesion response"),
    "non_target_response": local("NTARGET-RESPONSE", "Non-target lesion response"),
    "new_lesions": local("NEW-LESIONS", "New lesions"),
    "overall_response": local("OVERALL-RESPONSE", "Overall response"),
}
_TARGET_VALUES: dict[str, Code] = {
    "CR": codes.DCM.TargetLesionCompleteResponse,
    "PR": codes.DCM.TargetLesionPartialResponse,
    "SD": codes.DCM.TargetLesionStableDisease,
    "PD": codes.DCM.TargetLesionProgressiveDisease,
}
_NON_TARGET_VALUES: dict[str, Code] = {
    "CR": codes.DCM.NonTargetLesionCompleteResponse,
    "NON-CR/NON-PD": codes.DCM.NonTargetLesionIncompleteResponseOrStableDisease,
    "PD": codes.DCM.NonTargetLesionProgressiveDisease,
}
_WORDS = {
    "CR": "Complete response", "PR": "Partial response", "SD": "Stable disease",
    "PD": "Progressive disease", "NE": "Not evaluable", "NA": "Not applicable",
    "NON-CR/NON-PD": "Non-CR/non-PD", "Y": "Yes", "N": "No", "EQUIVOCAL": "Equivocal",
}  # fmt: skip


_TABLES = {"target_response": _TARGET_VALUES, "non_target_response": _NON_TARGET_VALUES}
_PREFIX = {"target_response": "TR", "non_target_response": "NTR", "new_lesions": "NL",
           "overall_response": "OR"}  # fmt: skip
_SHORT = {"NON-CR/NON-PD": "NONCR-NONPD"}


def response_value(field: str, value: str) -> Code:
    """The coded value of a response field (``target_response``...) from the engine."""
    table = _TABLES.get(field, {})
    if value in table:
        return table[value]
    return local(f"{_PREFIX[field]}-{_SHORT.get(value, value)}", _WORDS.get(value, value))


def response_text(field: str, code: object) -> str:
    """The engine's value (``SD``, ``NON-CR/NON-PD``...) of a coded response."""
    table = _TABLES.get(field, {})
    for value, known in table.items():
        if same(code, known):
            return value
    text = str(getattr(code, "CodeValue", "")).removeprefix(f"{_PREFIX[field]}-")
    return next((long for long, short in _SHORT.items() if short == text), text)


def same(a: object, b: Code) -> bool:
    """Whether a coded concept (highdicom's or a dataset's) is ``b`` (value and scheme)."""
    value = getattr(a, "value", None) or getattr(a, "CodeValue", None)
    scheme = getattr(a, "scheme_designator", None) or getattr(a, "CodingSchemeDesignator", None)
    return bool(value == b.value and scheme == b.scheme_designator)
