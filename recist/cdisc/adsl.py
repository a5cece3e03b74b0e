"""ADaM ADSL (subject-level analysis dataset, ADaMIG v1.3 section 3.2): one record per subject
of the subjects file (every randomized subject), with what our inputs support.

- STUDYID, USUBJID (``subject_id``), SUBJID (the ``subjid`` column when the subjects file has
  one, else ``subject_id``: the file's identifier is the only one we know).
- AGE and AGEU ("YEARS"), SEX, RACE: the ``age``, ``sex``, ``race`` columns, when the file
  has them (``recist.cdisc.subject_level`` checks their values).
- ARM (the ``--arm-column``, the randomized arm), ARMCD (the ``armcd`` column when given, else
  ARM in capitals with every other character than a letter or a digit written ``_``, at most
  20 characters; two arms may not share one), TRT01P (planned treatment: the randomized arm).
- ACTARM, ACTARMCD (ARMCD of that arm), ARMNRS and TRT01A (= ACTARM) only when the file has an
  ``actual_arm`` column: the arm actually received, empty for a subject not treated (ARMNRS
  then "ASSIGNED, NOT TREATED", SDTMIG v3.4 DM). Without the column they are not written:
  ADaMIG makes TRTxxA conditional ("required when actual treatment does not match planned
  and there is an analysis of the data as treated") and takes ACTARM from DM, where it
  records what was received; the file cannot tell whether treatment matched. An
  ``actual_arm`` column equal to the arm column says that it did.
- RANDDT (``randomization_date``); TRTSDT and TRTEDT (``treatment_start_date``,
  ``treatment_end_date``) when the file has those columns; STRATwR, one per ``--strata``
  column in the order given (the stratum used at randomization; the label names the column).
- DTHDT (``death_date``) and DTHFL ("Y" when there is one, else empty, as ADaMIG says).
- ITTFL "Y" for every subject (the ITT / full analysis set is every randomized subject);
  SAFFL "Y" when treatment started (a TRTSDT), else "N", only when the file has the
  ``treatment_start_date`` column (without it the safety set cannot be derived);
  PPROTFL "Y"/"N" and PPROTRS, the reasons a subject is not per-protocol, joined with "; ",
  exactly as ``recist report`` decides and words them (``recist.report.populations``,
  ``recist.report.protocol``): eligibility, a major protocol deviation (its text), no baseline,
  fewer than ``--pp-evaluations`` adequate evaluations. PPROTFL is judged on one read per
  subject (``--reader`` when there are several), as the report does.
- Not written for want of input: SITEID (no site column is read).

The subjects are those ``recist.report.inputs.load_trial`` accepts (a randomization date, an
arm and every stratification factor for each): ADSL and the report share one population
definition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from recist.cdisc import subject_level as sl
from recist.cdisc.datasets import Column, OutputDataset, Value
from recist.io.readers import read_subjects
from recist.io.table import InputProblem, InvalidInput, Table
from recist.report.inputs import load_trial
from recist.report.populations import AnalysisSubject
from recist.rules.endpoints import EndpointOptions

#: The subjects-file columns ADSL reads beyond the contract's and the report's
#: (``docs/csv-format.md``, whose ADSL table a test compares with this).
SUBJECT_COLUMNS = ("study_id", "subjid", "armcd", *sl.COLUMNS)
IDENTIFIER_COLUMNS = (
    Column("STUDYID", "Study Identifier"),
    Column("USUBJID", "Unique Subject Identifier"),
    Column("SUBJID", "Subject Identifier for the Study"),
)
#: Demographics, each written when the subjects file has its column (AGEU with AGE).
DEMOGRAPHIC_COLUMNS = {
    sl.AGE: (Column("AGE", "Age", "num"), Column("AGEU", "Age Units")),
    sl.SEX: (Column("SEX", "Sex"),),
    sl.RACE: (Column("RACE", "Race"),),
}
PLANNED_COLUMNS = (
    Column("ARM", "Description of Planned Arm"),
    Column("ARMCD", "Planned Arm Code"),
)
ACTUAL_COLUMNS = (
    Column("ACTARM", "Description of Actual Arm"),
    Column("ACTARMCD", "Actual Arm Code"),
    Column("ARMNRS", "Reason Arm and/or Actual Arm is Null"),
)
TRT01P = Column("TRT01P", "Planned Treatment for Period 01")
TRT01A = Column("TRT01A", "Actual Treatment for Period 01")
RANDDT = Column("RANDDT", "Date of Randomization", "date")
TREATMENT_DATE_COLUMNS = {
    sl.TREATMENT_START: Column("TRTSDT", "Date of First Exposure to Treatment", "date"),
    sl.TREATMENT_END: Column("TRTEDT", "Date of Last Exposure to Treatment", "date"),
}
DEATH_COLUMNS = (
    Column("DTHDT", "Date of Death", "date"),
    Column("DTHFL", "Subject Death Flag"),
)
ITTFL = Column("ITTFL", "Intent-To-Treat Population Flag")
SAFFL = Column("SAFFL", "Safety Population Flag")
PER_PROTOCOL_COLUMNS = (
    Column("PPROTFL", "Per-Protocol Population Flag"),
    Column("PPROTRS", "Reasons Not in Per-Protocol Population"),
)

#: Every variable ADSL may write but the STRATwR (whose number follows ``--strata``).
ADSL_VARIABLES = (
    *IDENTIFIER_COLUMNS, *(c for cs in DEMOGRAPHIC_COLUMNS.values() for c in cs),
    *PLANNED_COLUMNS, *ACTUAL_COLUMNS, TRT01P, TRT01A, RANDDT, *TREATMENT_DATE_COLUMNS.values(),
    *DEATH_COLUMNS, ITTFL, SAFFL, *PER_PROTOCOL_COLUMNS,
)  # fmt: skip


def adsl(
    measurements: Path,
    subjects: Path,
    *,
    study_id: str | None,
    arm_column: str,
    strata: Sequence[str],
    reader: str | None,
    options: EndpointOptions,
    min_evaluations: int,
) -> OutputDataset:
    """ADSL of ``subjects``; raises ``InvalidInput`` naming every problem and its fix."""
    try:
        trial = load_trial(
            measurements,
            subjects,
            arm_column=arm_column,
            strata_columns=strata,
            reader=reader,
            options=options,
            min_evaluations=min_evaluations,
        )
    except InvalidInput as error:  # with the optional columns' problems: every one at once
        raise InvalidInput([*error.problems, *_column_problems(subjects, arm_column)]) from None
    study = study_id or _study_id(subjects) or _study_id(measurements)
    if not study:
        raise InvalidInput(
            [InputProblem(str(subjects), 1, "study_id", "no study id; give --study-id or a "
                          "study_id column in the subjects file")]
        )  # fmt: skip
    codes = _arm_codes(subjects, trial)
    present, levels = sl.read_subject_level(subjects, ((s.info, s.arm) for s in trial))
    strata_columns = tuple(
        Column(f"STRAT{index}R", f"Randomized Stratum {index}: {name.strip().lower()}"[:40])
        for index, name in enumerate(strata, start=1)
    )
    layout = _Layout(present, strata_columns)
    rows: list[tuple[Value, ...]] = []
    for subject in trial:
        extra = dict(subject.info.extra)
        level = levels[subject.subject_id]
        death = subject.info.death_date
        values: dict[str, Value] = {
            "STUDYID": study, "USUBJID": subject.subject_id,
            "SUBJID": extra.get("subjid") or subject.subject_id,
            "AGE": level.age, "AGEU": "YEARS" if level.age is not None else "",
            "SEX": level.sex, "RACE": level.race,
            "ARM": subject.arm, "ARMCD": codes[subject.arm], "TRT01P": subject.arm,
            "ACTARM": level.actual_arm, "ACTARMCD": codes.get(level.actual_arm, ""),
            "ARMNRS": "" if level.actual_arm else sl.NOT_TREATED, "TRT01A": level.actual_arm,
            "RANDDT": subject.info.randomization_date,
            "TRTSDT": level.treatment_start, "TRTEDT": level.treatment_end,
            "DTHDT": death, "DTHFL": "Y" if death else "", "ITTFL": "Y",
            "SAFFL": "Y" if level.treatment_start else "N",
            "PPROTFL": "Y" if subject.per_protocol else "N",
            "PPROTRS": "; ".join(e.text(min_evaluations) for e in subject.exclusions),
        }  # fmt: skip
        values.update(zip((c.name for c in strata_columns), subject.strata, strict=True))
        rows.append(tuple(values[c.name] for c in layout.columns))
    return OutputDataset("ADSL", "Subject-Level Analysis Dataset", layout.columns, tuple(rows))


class _Layout:
    """ADSL's variables in ADaMIG's order (identifiers, demographics, treatment, dates,
    strata, death, populations), with those whose subjects-file column is absent left out."""

    def __init__(self, present: frozenset[str], strata: tuple[Column, ...]) -> None:
        demographics = [c for name, cs in DEMOGRAPHIC_COLUMNS.items() if name in present
                        for c in cs]  # fmt: skip
        actual = sl.ACTUAL_ARM in present
        dates = [c for name, c in TREATMENT_DATE_COLUMNS.items() if name in present]
        self.columns = (
            *IDENTIFIER_COLUMNS, *demographics, *PLANNED_COLUMNS,
            *(ACTUAL_COLUMNS if actual else ()), TRT01P, *((TRT01A,) if actual else ()),
            RANDDT, *dates, *strata, *DEATH_COLUMNS, ITTFL,
            *((SAFFL,) if sl.TREATMENT_START in present else ()), *PER_PROTOCOL_COLUMNS,
        )  # fmt: skip


def _column_problems(subjects: Path, arm_column: str) -> list[InputProblem]:
    """The problems of the optional ADSL columns (none when the file cannot be read: that
    problem is already reported)."""
    try:
        infos = read_subjects(subjects)
        arm = arm_column.strip().lower()
        sl.read_subject_level(subjects, ((i, dict(i.extra).get(arm, "")) for i in infos.values()))
    except InvalidInput as error:
        return [p for p in error.problems if p.column in sl.COLUMNS]
    return []


def _study_id(path: Path) -> str:
    table = Table(path, ())
    if not table.has("study_id"):
        return ""
    column = table.columns["study_id"]
    found = [values[column] for _, values in table.rows() if values[column]]
    return found[0] if found else ""


def _arm_codes(path: Path, trial: tuple[AnalysisSubject, ...]) -> dict[str, str]:
    """ARMCD of each arm: the ``armcd`` column, else derived from ARM; one code per arm and
    one arm per code, else the problem on the line of the first subject that breaks it."""
    chosen: dict[str, str] = {}
    arm_of: dict[str, str] = {}
    problems = []
    for subject in trial:
        given = dict(subject.info.extra).get("armcd", "")
        code = given or re.sub(r"[^A-Z0-9]", "_", subject.arm.upper())[:20]
        first = chosen.setdefault(subject.arm, code)
        other = arm_of.setdefault(code, subject.arm)
        if first != code or other != subject.arm:
            clash = (
                f"arm '{subject.arm}' has the codes '{first}' and '{code}'"
                if first != code
                else f"ARMCD '{code}' names the arms '{other}' and '{subject.arm}'"
            )
            problems.append(
                InputProblem(
                    str(path), subject.info.line, "armcd",
                    f"{clash} (subject '{subject.subject_id}'); give each arm one code of its "
                    "own in an armcd column",
                )
            )  # fmt: skip
    if problems:
        raise InvalidInput(problems)
    return chosen
