"""The de-identification profile: DICOM PS3.15 Annex E, Table E.1-1, as data.

The Basic Application Level Confidentiality Profile's action for each attribute comes from the
``dicom-anonymizer`` package's machine-extracted copy of Table E.1-1 (edition
:data:`STANDARD_EDITION`), not from a list written here. This module only decides how the
compound actions are resolved and how the *Retain Longitudinal Temporal Information with
Modified Dates Option* (PS3.15 E.3.6) changes them:

- ``X`` remove; ``Z`` empty; ``D`` dummy value; ``U`` remap the UID;
- ``X/Z``, ``X/D``, ``X/Z/D`` resolve to ``X`` (remove: none of them is needed to read a CT
  series), ``Z/D`` to ``Z``, ``X/Z/U*`` to ``U*`` (keep the reference sequence, remap the
  instance UIDs it holds, clean the rest of its items attribute by attribute);
- with the option, every date (DA) and date-time (DT) is ``C``: shifted by the subject's
  secret offset in whole days, so every interval survives exactly; times (TM) are ``C`` too
  and, the offset being whole days, keep their time of day. Patient's Birth Date and Birth Time
  are not covered by the option (their rows have no ``C``) and keep ``Z`` / ``X``;
- attributes not in the table: private attributes are removed (the table's
  ``(gggg,eeee) where gggg is odd`` row), any other person name (PN) is emptied, any other
  instance UID is remapped, any other date or date-time is shifted, the rest is kept.
"""

from __future__ import annotations

import enum
import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydicom.datadict import dictionary_VR, keyword_for_tag
from pydicom.tag import BaseTag, Tag

#: Where Table E.1-1 is read from, and which edition of the standard it is.
TABLE_MODULE = "dicomanonymizer.dicom_anonymization_databases.dicomfields_2026c"
STANDARD_EDITION = "2026c"

#: The table's action codes, by the name of the group that holds them in ``TABLE_MODULE``.
TABLE_GROUPS = {
    "D_TAGS": "D",
    "Z_TAGS": "Z",
    "X_TAGS": "X",
    "U_TAGS": "U",
    "Z_D_TAGS": "Z/D",
    "X_Z_TAGS": "X/Z",
    "X_D_TAGS": "X/D",
    "X_Z_D_TAGS": "X/Z/D",
    "X_Z_U_STAR_TAGS": "X/Z/U*",
}

PATIENT_BIRTH_DATE = Tag(0x0010, 0x0030)
PATIENT_BIRTH_TIME = Tag(0x0010, 0x0032)
#: Date and time attributes that the longitudinal option does not cover (PS3.15 Table E.1-1).
NOT_LONGITUDINAL = frozenset({PATIENT_BIRTH_DATE, PATIENT_BIRTH_TIME})
DATE_VRS = frozenset({"DA", "DT"})
#: Root of the UIDs the DICOM standard itself defines (classes, transfer syntaxes, codes...).
DICOM_UID_ROOT = "1.2.840.10008."


class Action(enum.Enum):
    """What is done to one attribute (PS3.15 E.1.1 action codes, after resolution)."""

    REMOVE = "X"
    EMPTY = "Z"
    DUMMY = "D"
    REMAP_UID = "U"
    KEEP_REMAP_REFERENCES = "U*"  # a reference sequence: kept, its contents cleaned
    SHIFT_DATE = "C"  # the longitudinal option: date moved by the subject's offset
    KEEP = "K"


RESOLVED = {
    "X": Action.REMOVE,
    "Z": Action.EMPTY,
    "D": Action.DUMMY,
    "U": Action.REMAP_UID,
    "X/Z": Action.REMOVE,
    "X/D": Action.REMOVE,
    "X/Z/D": Action.REMOVE,
    "Z/D": Action.EMPTY,
    "X/Z/U*": Action.KEEP_REMAP_REFERENCES,
}


@dataclass(frozen=True)
class TableRow:
    """One row of Table E.1-1: a tag (or a repeating group, ``mask`` set) and its action."""

    tag: int
    code: str
    mask: int = 0xFFFFFFFF
    name: str = ""

    def matches(self, tag: int) -> bool:
        return (tag & self.mask) == (self.tag & self.mask)


class BasicProfile:
    """Table E.1-1's Basic Profile column, with the longitudinal option's resolution."""

    def __init__(self, rows: list[TableRow]) -> None:
        self.rows = tuple(rows)
        self._exact = {row.tag: row for row in rows if row.mask == 0xFFFFFFFF}
        self._masked = tuple(row for row in rows if row.mask != 0xFFFFFFFF)

    def row(self, tag: int) -> TableRow | None:
        """The table's row for ``tag``, if the table lists it."""
        found = self._exact.get(tag)
        if found is not None:
            return found
        return next((row for row in self._masked if row.matches(tag)), None)

    def code(self, tag: int) -> str | None:
        """The Basic Profile's action code for ``tag`` (``"X/Z/D"``...), ``None`` if unlisted."""
        row = self.row(tag)
        return None if row is None else row.code

    def action(self, tag: BaseTag, vr: str) -> Action:
        """What the profile with the longitudinal option does to an attribute."""
        if tag.is_private:
            return Action.REMOVE
        if tag.element == 0x0000:
            return Action.REMOVE  # group lengths: recomputed on writing
        code = self.code(tag)
        if tag not in NOT_LONGITUDINAL:
            if vr in DATE_VRS:
                return Action.SHIFT_DATE
            if vr == "TM":
                return Action.KEEP  # whole-day offsets leave the time of day as it was
        if code is not None:
            return RESOLVED[code]
        if vr == "PN":
            return Action.EMPTY
        if vr == "UI" and not is_defined_uid_attribute(tag):
            return Action.REMAP_UID
        return Action.KEEP


def is_defined_uid_attribute(tag: BaseTag) -> bool:
    """A UID attribute that names a class or a transfer syntax, never an instance."""
    keyword = keyword_for_tag(tag)
    return keyword.endswith("ClassUID") or keyword == "TransferSyntaxUID"


def vr_of(tag: int) -> str:
    """The data dictionary's VR of a tag (``""`` when unknown)."""
    try:
        return str(dictionary_VR(tag))
    except KeyError:
        return ""


def _rows_of(module: Any) -> list[TableRow]:
    rows: list[TableRow] = []
    for group, code in TABLE_GROUPS.items():
        for entry in getattr(module, group):
            if len(entry) == 2:
                rows.append(TableRow((entry[0] << 16) | entry[1], code))
            else:
                group_no, element, group_mask, element_mask = entry
                rows.append(TableRow((group_no << 16) | element, code,
                                     (group_mask << 16) | element_mask))  # fmt: skip
    return rows


@cache
def basic_profile() -> BasicProfile:
    """Table E.1-1 (edition :data:`STANDARD_EDITION`), loaded once."""
    return BasicProfile(_rows_of(importlib.import_module(TABLE_MODULE)))
