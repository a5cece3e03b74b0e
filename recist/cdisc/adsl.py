"""ADaM ADSL (subject-level analysis dataset, ADaMIG v1.3 section 3.2): one record per subject
of the subjects file (every randomized subject), with what our inputs support.

- STUDYID, USUBJID (``subject_id``), SUBJID (the ``subjid`` column when the subjects file has
  one, else ``subject_id``: the file's identifier is the only one we know).
- ARM (the ``--arm-column``, the randomized arm), ARMCD (the ``armcd`` column when given, else
  ARM in capitals with every other character than a letter or a digit written ``_``, at most
  20 characters; two arms may not share one), TRT01P (planned treatment: the randomized arm).
  ACTARM / TRT01A are not written: the subjects file records no actual treatment.
- RANDDT (``randomization_date``); STRATwR, one per ``--strata`` column in the order given (the
  stratum used at randomization; the label names the column).
- DTHDT (``death_date``) and DTHFL ("Y" when there is one, else empty, as ADaMIG says).
- ITTFL "Y" for every subject (the ITT / full analysis set is every randomized subject);
  PPROTFL "Y"/"N" and PPROTRS, the reasons a subject is not per-protocol, joined with "; ",
  exactly as ``recist report`` decides and words them (``recist.report.populations``,
  ``recist.report.protocol``): eligibility, a major protocol deviation (its text), no baseline,
  fewer than ``--pp-evaluations`` adequate evaluations. PPROTFL is judged on one read per
  subject (``--reader`` when there are several), as the report does.
- Not written for want of input: SAFFL and TRTSDT (no treatment dates), ACTARM, TRT01A.

The subjects are those ``recist.report.inputs.load_trial`` accepts (a randomization date, an
arm and every stratification factor for each): ADSL and the report share one population
definition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from recist.cdisc.datasets import Column, OutputDataset, Value
from recist.io.table import InputProblem, InvalidInput, Table
from recist.report.inputs import load_trial
from recist.report.populations import AnalysisSubject
from recist.rules.endpoints import EndpointOptions

ADSL_COLUMNS = (
    Column("STUDYID", "Study Identifier"),
    Column("USUBJID", "Unique Subject Identifier"),
    Column("SUBJID", "Subject Identifier for the Study"),
    Column("ARM", "Description of Planned Arm"),
    Column("ARMCD", "Planned Arm Code"),
    Column("TRT01P", "Planned Treatment for Period 01"),
    Column("RANDDT", "Date of Randomization", "date"),
)
DEATH_COLUMNS = (
    Column("DTHDT", "Date of Death", "date"),
    Column("DTHFL", "Subject Death Flag"),
)
POPULATION_COLUMNS = (
    Column("ITTFL", "Intent-To-Treat Population Flag"),
    Column("PPROTFL", "Per-Protocol Population Flag"),
    Column("PPROTRS", "Reasons Not in Per-Protocol Population"),
)


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
    trial = load_trial(
        measurements,
        subjects,
        arm_column=arm_column,
        strata_columns=strata,
        reader=reader,
        options=options,
        min_evaluations=min_evaluations,
    )
    study = study_id or _study_id(subjects) or _study_id(measurements)
    if not study:
        raise InvalidInput(
            [InputProblem(str(subjects), 1, "study_id", "no study id; give --study-id or a "
                          "study_id column in the subjects file")]
        )  # fmt: skip
    codes = _arm_codes(subjects, trial)
    strata_columns = tuple(
        Column(f"STRAT{index}R", f"Randomized Stratum {index}: {name.strip().lower()}"[:40])
        for index, name in enumerate(strata, start=1)
    )
    rows: list[tuple[Value, ...]] = []
    for subject in trial:
        extra = dict(subject.info.extra)
        death = subject.info.death_date
        reasons = "; ".join(e.text(min_evaluations) for e in subject.exclusions)
        rows.append(
            (study, subject.subject_id, extra.get("subjid") or subject.subject_id, subject.arm,
             codes[subject.arm], subject.arm, subject.info.randomization_date, *subject.strata,
             death, "Y" if death else "", "Y", "Y" if subject.per_protocol else "N", reasons)
        )  # fmt: skip
    columns = (*ADSL_COLUMNS, *strata_columns, *DEATH_COLUMNS, *POPULATION_COLUMNS)
    return OutputDataset("ADSL", "Subject-Level Analysis Dataset", columns, tuple(rows))


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
