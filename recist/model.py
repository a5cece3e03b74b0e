"""The RECIST 1.1 vocabulary and the immutable records the engine works on.

Enum values are the words of RECIST 1.1 (Eisenhauer et al. 2009) and of the measurement CSV
contract (``docs/csv-format.md``), so that what is printed is what a radiologist or a
statistical programmer expects to read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class Category(StrEnum):
    """Lesion category (RECIST 1.1 section 3.3: target, non-target; section 4.3.2: new)."""

    TARGET = "TARGET"
    NON_TARGET = "NON-TARGET"
    NEW = "NEW"


class LesionState(StrEnum):
    """State of a lesion at one timepoint, as the contract's state table defines it."""

    PRESENT = "PRESENT"
    ABSENT = "ABSENT"
    TOO_SMALL = "TOO_SMALL"
    NOT_EVALUATED = "NOT_EVALUATED"
    MERGED = "MERGED"
    PROGRESSION = "PROGRESSION"
    EQUIVOCAL = "EQUIVOCAL"


#: Which states each category may take (the contract's state table).
ALLOWED_STATES: dict[Category, frozenset[LesionState]] = {
    Category.TARGET: frozenset(
        {
            LesionState.PRESENT,
            LesionState.ABSENT,
            LesionState.TOO_SMALL,
            LesionState.NOT_EVALUATED,
            LesionState.MERGED,
        }
    ),
    Category.NON_TARGET: frozenset(
        {
            LesionState.PRESENT,
            LesionState.ABSENT,
            LesionState.NOT_EVALUATED,
            LesionState.PROGRESSION,
        }
    ),
    Category.NEW: frozenset(
        {LesionState.PRESENT, LesionState.NOT_EVALUATED, LesionState.EQUIVOCAL}
    ),
}


class Response(StrEnum):
    """A response at one timepoint (RECIST 1.1 sections 4.3.1-4.3.4, Tables 1 and 2)."""

    CR = "CR"
    PR = "PR"
    SD = "SD"
    NON_CR_NON_PD = "NON-CR/NON-PD"
    PD = "PD"
    NE = "NE"
    #: Not applicable: the subject has no lesion of that category at baseline.
    NA = "NA"


class NewLesions(StrEnum):
    """Whether new lesions were seen at a timepoint (RECIST 1.1 section 4.3.2)."""

    YES = "Y"
    EQUIVOCAL = "EQUIVOCAL"
    NO = "N"


class SubjectKey(NamedTuple):
    """Who was assessed: a subject, and the reader when reads are per reader."""

    subject_id: str
    reader: str | None


class Measurement(NamedTuple):
    """One row of the measurements CSV: one lesion (or one fragment of it) at one timepoint.

    ``line`` is the 1-based line number in the source file (0 when built in code), kept so
    that every finding can name the row it is about.
    """

    subject_id: str
    reader: str | None
    timepoint: str
    date: dt.date
    lesion_id: str
    category: Category
    location: str
    is_node: bool
    long_axis_mm: Decimal | None
    short_axis_mm: Decimal | None
    state: LesionState
    fragment: str
    slice_thickness_mm: Decimal | None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Lesion:
    """A lesion followed across timepoints: its category and nodal status never change."""

    lesion_id: str
    category: Category
    is_node: bool
    location: str


@dataclass(frozen=True, slots=True)
class Timepoint:
    """All rows of one assessment of one subject; its date is the earliest scan date."""

    label: str
    date: dt.date
    rows: tuple[Measurement, ...]


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    """One row of the subjects CSV (contract input 2). ``extra`` holds arm, strata, ...;
    ``line`` is the row's line in the file (0 when built in code), not part of equality."""

    subject_id: str
    randomization_date: dt.date | None = None
    death_date: dt.date | None = None
    new_therapy_date: dt.date | None = None
    extra: tuple[tuple[str, str], ...] = ()
    line: int = field(default=0, compare=False)
