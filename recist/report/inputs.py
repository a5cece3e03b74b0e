"""The report's inputs: measurements and the subjects file (contract inputs 1 and 2), checked
for what a randomized analysis needs: a randomization date, an arm and every stratification
factor for each subject; valid optional ``eligible`` / ``major_protocol_deviation`` values
(``recist.report.protocol``); one read per subject; no measured subject missing from the
subjects file. Every problem names the file, the line, the column and the fix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from recist import api
from recist.io.readers import read_measurements, read_subjects
from recist.io.table import InputProblem, InvalidInput, Table
from recist.model import Measurement
from recist.report.populations import AnalysisSubject, adequate_evaluations, exclusions
from recist.report.protocol import ProtocolCompliance, read_compliance
from recist.results import SubjectAssessment
from recist.rules.endpoints import EndpointOptions


def _subject_lines(path: Path) -> tuple[dict[str, int], set[str]]:
    """The line of each subject in the subjects file, and the file's column names."""
    table = Table(path, ("subject_id",))
    column = table.columns["subject_id"]
    lines = {values[column]: line for line, values in table.rows()}
    return lines, set(table.columns)


def _measured_rows(path: Path, reader: str | None) -> tuple[list[Measurement], list[InputProblem]]:
    rows, with_reader = read_measurements(path)
    if reader is None:
        return rows, []
    if not with_reader:
        message = f"--reader {reader} given, but the file has no 'reader' column; drop --reader"
        return rows, [InputProblem(str(path), 1, "reader", message)]
    chosen = [row for row in rows if row.reader == reader]
    if not chosen:
        readers = ", ".join(sorted({row.reader or "" for row in rows}))
        message = f"no row is read by '{reader}'; the readers are: {readers}"
        return rows, [InputProblem(str(path), 1, "reader", message)]
    return chosen, []


def _one_read_each(
    path: Path, rows: Sequence[Measurement], assessments: Sequence[SubjectAssessment]
) -> list[InputProblem]:
    readers: dict[str, list[str]] = {}
    for assessment in assessments:
        readers.setdefault(assessment.key.subject_id, []).append(assessment.key.reader or "")
    first_line: dict[str, int] = {}
    for row in rows:
        first_line.setdefault(row.subject_id, row.line)
    return [
        InputProblem(
            str(path),
            first_line[subject_id],
            "reader",
            f"subject '{subject_id}' has reads by {', '.join(names)}; the report analyses one "
            "read per subject: choose it with --reader (e.g. the adjudicated read)",
        )
        for subject_id, names in readers.items()
        if len(names) > 1
    ]


def load_trial(
    measurements: Path,
    subjects_file: Path,
    *,
    arm_column: str = "arm",
    strata_columns: Sequence[str] = (),
    reader: str | None = None,
    options: EndpointOptions | None = None,
    min_evaluations: int = 2,
) -> tuple[AnalysisSubject, ...]:
    """Every subject of ``subjects_file`` (the randomized ones), assessed and with endpoints;
    raises ``InvalidInput`` naming every problem."""
    options = options or EndpointOptions()
    arm_column = arm_column.strip().lower()
    strata_columns = [c.strip().lower() for c in strata_columns]
    rows, problems = _measured_rows(measurements, reader)
    subjects = read_subjects(subjects_file)
    lines, columns = _subject_lines(subjects_file)
    name = str(subjects_file)
    for column, flag in [(arm_column, "--arm-column")] + [(c, "--strata") for c in strata_columns]:
        if column not in columns:
            known = ", ".join(sorted(columns))
            problems.append(
                InputProblem(
                    name, 1, column, f"no column '{column}' ({flag}); the columns are: {known}"
                )
            )
    if problems:
        raise InvalidInput(problems)
    compliance: dict[str, ProtocolCompliance] = {}
    for subject_id, info in subjects.items():
        extra = dict(info.extra)
        line = lines.get(subject_id, 0)
        compliance[subject_id], found = read_compliance(info, name, line)
        problems += found
        if info.randomization_date is None:
            problems.append(
                InputProblem(
                    name,
                    line,
                    "randomization_date",
                    f"subject '{subject_id}' has no randomization date; every subject of the "
                    "report is randomized: give the date (YYYY-MM-DD) or remove the row",
                )
            )
        for column in (arm_column, *strata_columns):
            if not extra.get(column):
                what = "arm" if column == arm_column else "stratification factor"
                problems.append(
                    InputProblem(
                        name, line, column, f"subject '{subject_id}' has no {what}; fill it in"
                    )
                )
    reported: set[str] = set()
    for row in rows:
        if row.subject_id not in subjects and row.subject_id not in reported:
            reported.add(row.subject_id)
            problems.append(
                InputProblem(
                    str(measurements),
                    row.line,
                    "subject_id",
                    f"subject '{row.subject_id}' is not in {name}; add it with its arm and "
                    "randomization date",
                )
            )
    assessments = api.assess(rows, checked=True)
    problems += _one_read_each(measurements, rows, assessments)
    if problems:
        raise InvalidInput(problems)
    by_subject = {a.key.subject_id: a for a in assessments}
    results = {e.key.subject_id: e for e in api.endpoints(assessments, subjects, options)}
    analysed = []
    for subject_id in sorted(subjects):
        info = subjects[subject_id]
        extra = dict(info.extra)
        assessment = by_subject.get(subject_id) or SubjectAssessment(results[subject_id].key, ())
        endpoints = results[subject_id]
        reasons = exclusions(compliance[subject_id], assessment, endpoints, min_evaluations)
        analysed.append(
            AnalysisSubject(
                subject_id=subject_id,
                arm=extra[arm_column],
                strata=tuple(extra[c] for c in strata_columns),
                info=info,
                assessment=assessment,
                endpoints=endpoints,
                evaluations=adequate_evaluations(assessment),
                per_protocol=not reasons,
                compliance=compliance[subject_id],
                exclusions=reasons,
            )
        )
    return tuple(analysed)
