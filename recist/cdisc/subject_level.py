"""The subjects-file columns that only the ADaM exports read (``docs/csv-format.md``, "Input
2: subjects", the ADSL table), parsed and checked: the arm actually received, the treatment
dates and the demographics. Each is optional; a column the file lacks gives no variable (never
a guessed one), a column it has is checked on every row with the usual problem: file, line,
column, the fix.

- ``actual_arm``: the arm whose treatment the subject received (SDTM DM ACTARM, ADSL TRT01A):
  one of the trial's arms (the values of the arm column), empty for a subject who was not
  treated (SDTMIG v3.4: ACTARM null, ARMNRS "ASSIGNED, NOT TREATED"). A subject with a
  ``treatment_start_date`` was treated and needs it.
- ``treatment_start_date`` / ``treatment_end_date``: first and last exposure (ADSL TRTSDT,
  TRTEDT); an end needs a start on or before it, and treatment cannot start after death.
- ``age`` (whole years), ``sex`` and ``race`` in CDISC controlled terminology.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from recist.io.table import FieldError, InputProblem, InvalidInput, parse_date
from recist.model import SubjectInfo

ACTUAL_ARM = "actual_arm"
TREATMENT_START = "treatment_start_date"
TREATMENT_END = "treatment_end_date"
AGE, SEX, RACE = "age", "sex", "race"
#: The optional columns of this module (the ADSL table of ``docs/csv-format.md`` adds the
#: ``study_id``, ``subjid`` and ``armcd`` that ``recist.cdisc.adsl`` reads).
COLUMNS = (ACTUAL_ARM, TREATMENT_START, TREATMENT_END, AGE, SEX, RACE)
#: SDTMIG v3.4 ARMNRS (codelist ARMNULRS) of a randomized subject with no actual arm.
NOT_TREATED = "ASSIGNED, NOT TREATED"
#: CDISC controlled terminology: SEX (C66731) and RACE (C74457).
SEXES = ("M", "F", "U", "INTERSEX")
RACES = (
    "AMERICAN INDIAN OR ALASKA NATIVE", "ASIAN", "BLACK OR AFRICAN AMERICAN",
    "NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER", "WHITE", "MULTIPLE", "OTHER", "NOT REPORTED",
    "UNKNOWN",
)  # fmt: skip
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SubjectLevel:
    """What the optional columns say of one subject (empty / None where not given)."""

    actual_arm: str = ""
    treatment_start: dt.date | None = None
    treatment_end: dt.date | None = None
    age: int | None = None
    sex: str = ""
    race: str = ""


def _optional_date(text: str) -> dt.date | None:
    return parse_date(text) if text else None


def _age(text: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > 150:
        raise FieldError(f"'{text}' is not an age; write the age in whole years (e.g. 63)")
    return int(text)


def _sex(text: str) -> str:
    if text.upper() not in SEXES:
        what = f"'{text}' is not a CDISC sex" if text else "no sex given"
        raise FieldError(f"{what}; write M, F, U (unknown) or INTERSEX")
    return text.upper()


def _race(text: str) -> str:
    if text and text.upper() not in RACES:
        raise FieldError(f"'{text}' is not a CDISC race; write one of: {', '.join(RACES)}")
    return text.upper()


def present_columns(subjects: Iterable[SubjectInfo]) -> frozenset[str]:
    """The optional columns of this module that the subjects file has."""
    names = {name for info in subjects for name, _ in info.extra}
    return frozenset(name for name in COLUMNS if name in names)


def read_subject_level(
    path: Path, subjects: Iterable[tuple[SubjectInfo, str]]
) -> tuple[frozenset[str], dict[str, SubjectLevel]]:
    """The columns present and each subject's values, for ``subjects`` given with their
    planned arm; raises ``InvalidInput`` naming every problem and its fix."""
    pairs = list(subjects)
    present = present_columns(info for info, _ in pairs)
    arms = sorted({arm for _, arm in pairs if arm})
    problems: list[InputProblem] = []
    found = {info.subject_id: _subject(path, info, present, arms, problems) for info, _ in pairs}
    if problems:
        raise InvalidInput(problems)
    return present, found


def _subject(
    path: Path, info: SubjectInfo, present: frozenset[str], arms: list[str],
    problems: list[InputProblem],
) -> SubjectLevel:  # fmt: skip
    """One subject's values; its problems appended to ``problems``."""
    extra = dict(info.extra)

    def fail(column: str, message: str) -> None:
        problems.append(InputProblem(str(path), info.line, column, message))

    def parsed(column: str, parse: Callable[[str], T], default: T) -> T:
        if column not in present:
            return default
        try:
            return parse(extra[column])
        except FieldError as error:
            fail(column, str(error))
            return default

    before = len(problems)
    actual = extra.get(ACTUAL_ARM, "")
    if actual and actual not in arms:
        fail(ACTUAL_ARM, f"'{actual}' is not an arm of the trial ({', '.join(arms)}); write "
             "the arm the subject received, or leave it empty if not treated")  # fmt: skip
    level = SubjectLevel(
        actual, parsed(TREATMENT_START, _optional_date, None),
        parsed(TREATMENT_END, _optional_date, None), parsed(AGE, _age, None),
        parsed(SEX, _sex, ""), parsed(RACE, _race, ""),
    )  # fmt: skip
    if len(problems) == before:  # the dates are compared only when each is one
        for column, message in _timeline_problems(info, level, ACTUAL_ARM in present):
            fail(column, message)
    return level


def _timeline_problems(
    info: SubjectInfo, level: SubjectLevel, with_actual_arm: bool
) -> list[tuple[str, str]]:
    """Treatment dates that cannot be: an end without a start or before it, a start after
    death, a start for a subject the file says was not treated."""
    start, end = level.treatment_start, level.treatment_end
    found = []
    if end is not None and start is None:
        found.append((TREATMENT_START, f"treatment ended on {end} but no start is given; give "
                      "treatment_start_date"))  # fmt: skip
    if start is not None and end is not None and end < start:
        found.append((TREATMENT_END, f"treatment ended on {end}, before it started on {start}; "
                      "correct either date"))  # fmt: skip
    if start is not None and info.death_date is not None and start > info.death_date:
        found.append((TREATMENT_START, f"treatment started on {start}, after death on "
                      f"{info.death_date}; correct either date"))  # fmt: skip
    if start is not None and with_actual_arm and not level.actual_arm:
        found.append((ACTUAL_ARM, f"treatment started on {start} but no actual arm is given; "
                      "write the arm the subject received"))  # fmt: skip
    return found
