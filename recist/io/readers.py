"""Readers of the contract's three inputs: measurements, subjects, timepoint responses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from recist.io.table import (
    FieldError,
    InputProblem,
    InvalidInput,
    Table,
    parse_date,
    parse_mm,
    parse_yes_no,
)
from recist.model import Category, LesionState, Measurement, Response, SubjectInfo, SubjectKey
from recist.results import SubjectAssessment, TimepointResult
from recist.rules.checks import check_rows, subject_date_problems, timeline_problems

# The contract's columns (docs/csv-format.md, whose tables a test compares with these).
MEASUREMENT_COLUMNS = ("subject_id", "timepoint", "date", "lesion_id", "category")
MEASUREMENT_OPTIONAL_COLUMNS = (
    "reader", "location", "is_node", "long_axis_mm", "short_axis_mm", "state", "fragment",
    "slice_thickness_mm",
)  # fmt: skip
SUBJECT_COLUMNS = ("subject_id",)
SUBJECT_OPTIONAL_COLUMNS = ("randomization_date", "death_date", "new_therapy_date")
RESPONSE_COLUMNS = ("subject_id", "timepoint", "date", "overall_response")
RESPONSE_OPTIONAL_COLUMNS = ("reader",)

_CATEGORIES = {
    "TARGET": Category.TARGET,
    "NON-TARGET": Category.NON_TARGET,
    "NON_TARGET": Category.NON_TARGET,
    "NONTARGET": Category.NON_TARGET,
    "NEW": Category.NEW,
}
_RESPONSES = {r.value: r for r in Response if r is not Response.NA}
_RESPONSES.update({"NON-CR/NONPD": Response.NON_CR_NON_PD, "NONCR/NONPD": Response.NON_CR_NON_PD})

T = TypeVar("T")


def parse_category(text: str) -> Category:
    found = _CATEGORIES.get(text.upper().replace(" ", "-"))
    if found is None:
        raise FieldError(f"unknown category '{text}'; use TARGET, NON-TARGET or NEW")
    return found


def parse_state(text: str) -> LesionState:
    if not text:
        return LesionState.PRESENT
    try:
        return LesionState(text.upper().replace(" ", "_").replace("-", "_"))
    except ValueError:
        names = ", ".join(s.value for s in LesionState)
        raise FieldError(f"unknown state '{text}'; use one of {names} (empty = PRESENT)") from None


def parse_response(text: str) -> Response:
    found = _RESPONSES.get(text.upper().replace(" ", "").replace("_", "-"))
    if found is None:
        names = ", ".join(r.value for r in Response if r is not Response.NA)
        raise FieldError(f"unknown response '{text}'; use one of {names} (empty = baseline)")
    return found


class _Row:
    """Field access for one record, collecting problems instead of stopping at the first."""

    def __init__(
        self, table: Table, line: int, values: list[str], problems: list[InputProblem]
    ) -> None:
        self.table, self.line, self.values, self.problems = table, line, values, problems
        self.ok = True

    def text(self, name: str, required: bool = False) -> str:
        index = self.table.index(name)
        value = "" if index is None else self.values[index]
        if required and not value:
            self.fail(name, f"missing value; '{name}' is required on every row")
        return value

    def parsed(self, name: str, parse: Callable[[str], T], default: T, required: bool = False) -> T:
        text = self.text(name, required)
        if not text and required:
            return default
        try:
            return parse(text)
        except FieldError as error:
            self.fail(name, str(error))
            return default

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.problems.append(InputProblem(self.table.name, self.line, column, message))


_NO_DATE = dt.date(1, 1, 1)


def read_measurements(path: Path) -> tuple[list[Measurement], bool]:
    """Read and check a measurements file; returns the rows and whether it has readers.

    Raises ``InvalidInput`` with every problem (contract, "Errors"). Rows are parsed on a
    fast path; a row with any problem is parsed again field by field to name each problem.
    """
    table = Table(path, MEASUREMENT_COLUMNS)
    has_reader = table.has("reader")
    fast = _fast_measurement_parser(table, has_reader)
    problems: list[InputProblem] = []
    rows: list[Measurement] = []
    for line, values in table.rows():
        measurement = fast(line, values)
        if measurement is None:
            measurement = _checked_measurement(_Row(table, line, values, problems), has_reader)
        if measurement is not None:
            rows.append(measurement)
    problems.extend(InputProblem(table.name, p.line, p.column, p.message) for p in check_rows(rows))
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: (p.line, p.column)))
    return rows, has_reader


def _checked_measurement(row: _Row, has_reader: bool) -> Measurement | None:
    """Parse a row field by field, recording every problem; ``None`` when any."""
    measurement = Measurement(
        subject_id=row.text("subject_id", required=True),
        reader=row.text("reader") if has_reader else None,
        timepoint=row.text("timepoint", required=True),
        date=row.parsed("date", parse_date, _NO_DATE, required=True),
        lesion_id=row.text("lesion_id", required=True),
        category=row.parsed("category", parse_category, Category.TARGET, required=True),
        location=row.text("location"),
        is_node=row.parsed("is_node", parse_yes_no, False),
        long_axis_mm=row.parsed("long_axis_mm", parse_mm, None),
        short_axis_mm=row.parsed("short_axis_mm", parse_mm, None),
        state=row.parsed("state", parse_state, LesionState.PRESENT),
        fragment=row.text("fragment"),
        slice_thickness_mm=row.parsed("slice_thickness_mm", parse_mm, None),
        line=row.line,
    )
    return measurement if row.ok else None


def _fast_measurement_parser(
    table: Table, has_reader: bool
) -> Callable[[int, list[str]], Measurement | None]:
    """A parser for well-formed rows that returns ``None`` at the first sign of a problem
    (the caller then reports it precisely). Same results as ``_checked_measurement``."""
    at = table.index_or_blank
    i_subject, i_reader, i_timepoint, i_date = (
        at("subject_id"), at("reader"), at("timepoint"), at("date"))
    i_lesion, i_category, i_location, i_node = (
        at("lesion_id"), at("category"), at("location"), at("is_node"))
    i_long, i_short, i_state, i_fragment, i_thickness = (
        at("long_axis_mm"), at("short_axis_mm"), at("state"), at("fragment"),
        at("slice_thickness_mm"))
    words: dict[tuple[int, str], object] = {}
    # Repeated texts (ids, labels, locations) share one string object: less memory per row.
    texts: dict[str, str] = {}

    def shared(text: str) -> str:
        return texts.setdefault(text, text)

    def word(kind: int, text: str, parse: Callable[[str], T]) -> T:
        key = (kind, text)
        if key not in words:
            words[key] = parse(text)
        return words[key]  # type: ignore[return-value]

    def parse(line: int, values: list[str]) -> Measurement | None:
        try:
            subject, timepoint, lesion = values[i_subject], values[i_timepoint], values[i_lesion]
            if not (subject and timepoint and lesion and values[i_category]):
                return None
            return Measurement(
                shared(subject), shared(values[i_reader]) if has_reader else None,
                shared(timepoint), parse_date(values[i_date]), shared(lesion),
                word(0, values[i_category], parse_category), shared(values[i_location]),
                word(1, values[i_node], parse_yes_no),
                parse_mm(values[i_long]), parse_mm(values[i_short]),
                word(2, values[i_state], parse_state), shared(values[i_fragment]),
                parse_mm(values[i_thickness]), line,
            )
        except FieldError:
            return None

    return parse


def read_subjects(path: Path) -> dict[str, SubjectInfo]:
    """Read the subjects file (contract input 2), keyed by subject id."""
    table = Table(path, SUBJECT_COLUMNS)
    known = {*SUBJECT_COLUMNS, *SUBJECT_OPTIONAL_COLUMNS}
    extra_columns = [name for name in table.columns if name not in known and name]
    problems: list[InputProblem] = []
    subjects: dict[str, SubjectInfo] = {}
    first_line: dict[str, int] = {}
    for line, values in table.rows():
        row = _Row(table, line, values, problems)
        subject_id = row.text("subject_id", required=True)
        info = SubjectInfo(
            subject_id=subject_id,
            randomization_date=row.parsed("randomization_date", _optional_date, None),
            death_date=row.parsed("death_date", _optional_date, None),
            new_therapy_date=row.parsed("new_therapy_date", _optional_date, None),
            extra=tuple((name, row.text(name)) for name in extra_columns),
            line=line,
        )
        if row.ok:
            for problem in subject_date_problems(info, None):
                row.fail(problem.column, problem.message)
        if subject_id in subjects:
            row.fail(
                "subject_id",
                f"subject '{subject_id}' is already listed on line "
                f"{first_line[subject_id]}; give each subject one row",
            )
        elif row.ok:
            subjects[subject_id] = info
            first_line[subject_id] = line
    if problems:
        raise InvalidInput(problems)
    return subjects


def check_subject_dates(
    path: Path, subjects: Mapping[str, SubjectInfo], assessments: Iterable[SubjectAssessment]
) -> None:
    """Raise ``InvalidInput`` when a subject without a randomization date in the subjects
    file ``path`` died or started a new therapy before its baseline (the reference date)."""
    found: dict[tuple[int, str], InputProblem] = {}
    for assessment in assessments:
        info = subjects.get(assessment.key.subject_id)
        baseline = assessment.baseline
        if info is None or baseline is None:
            continue
        for problem in subject_date_problems(info, baseline.date):
            found.setdefault(
                (problem.line, problem.column),
                InputProblem(str(path), problem.line, problem.column, problem.message),
            )
    if found:
        raise InvalidInput(sorted(found.values(), key=lambda p: (p.line, p.column)))


def _optional_date(text: str) -> dt.date | None:
    return parse_date(text) if text else None


def read_responses(
    path: Path, subjects: Mapping[str, SubjectInfo] | None = None
) -> tuple[list[SubjectAssessment], bool]:
    """Read timepoint responses (contract input 3). A row with an empty ``overall_response``
    is the subject's baseline; a subject needs one, or a randomization date in ``subjects``."""
    table = Table(path, RESPONSE_COLUMNS)
    has_reader = table.has("reader")
    problems: list[InputProblem] = []
    grouped: dict[SubjectKey, dict[str, TimepointResult]] = {}
    lines: dict[tuple[SubjectKey, str], int] = {}
    first_line: dict[SubjectKey, int] = {}
    for line, values in table.rows():
        row = _Row(table, line, values, problems)
        key = SubjectKey(
            row.text("subject_id", required=True), row.text("reader") if has_reader else None
        )
        label = row.text("timepoint", required=True)
        date = row.parsed("date", parse_date, _NO_DATE, required=True)
        text = row.text("overall_response")
        response = row.parsed("overall_response", parse_response, Response.NE) if text else None
        if (key, label) in lines:
            row.fail(
                "timepoint",
                f"timepoint '{label}' of subject '{key.subject_id}' is "
                f"already on line {lines[(key, label)]}; give each timepoint one row",
            )
        if not row.ok:
            continue
        lines[(key, label)] = line
        first_line.setdefault(key, line)
        grouped.setdefault(key, {})[label] = TimepointResult(
            timepoint=label, date=date, is_baseline=response is None, overall_response=response
        )
    subjects = subjects or {}
    for key, tps in grouped.items():
        dated = {label: (tp.date, lines[(key, label)]) for label, tp in tps.items()}
        problems.extend(
            InputProblem(table.name, p.line, p.column, p.message)
            for p in timeline_problems(key.subject_id, dated)
        )
        info = subjects.get(key.subject_id)
        has_reference = info is not None and info.randomization_date is not None
        if not has_reference and not any(t.is_baseline for t in tps.values()):
            problems.append(
                InputProblem(
                    table.name,
                    first_line[key],
                    "overall_response",
                    f"subject '{key.subject_id}' has no baseline row (a row with an empty "
                    "overall_response) and no randomization_date in the subjects file; add one of "
                    "them so that days can be counted",
                )
            )
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: (p.line, p.column)))
    assessments = [
        SubjectAssessment(
            key, tuple(sorted(tps.values(), key=lambda t: (not t.is_baseline, t.date, t.timepoint)))
        )
        for key, tps in grouped.items()
    ]
    return assessments, has_reader


def is_responses_file(path: Path) -> bool:
    """True when the file is a responses file (has ``overall_response``, no ``lesion_id``)."""
    table = Table(path, ())
    table.close()
    return table.has("overall_response") and not table.has("lesion_id")
