"""``recist sdtm-import``: SDTM TU + TR to a measurements file (the CSV contract's input 1).

Mapping (CDISC SDTMIG v3.4 TU/TR, RECIST 1.1 disease response supplement):
``USUBJID`` -> subject_id; ``--EVALID`` (else ``--EVAL``) -> reader; ``VISIT`` -> timepoint;
``TRDTC`` -> date; ``TRLNKID`` = ``TULNKID`` -> lesion_id (``T04.1`` -> lesion T04, fragment 1;
``T02/T03`` -> T02 carries the merged diameter, T03 is MERGED); ``TUORRES`` -> category;
``TULOC`` -> location (a lymph node -> is_node); ``LDIAM`` / ``LPERP`` -> long / short axis;
a target's 0 mm -> ABSENT (RECIST 1.1 section 4.3.2: a lesion that disappeared is recorded as
0 mm), "TOO SMALL TO MEASURE" -> TOO_SMALL; ``TUMSTATE`` -> state.
Extra columns (ignored by the engine, read by ``recist export``): ``study_id``, ``visitnum``,
``evaluator`` (``--EVAL``); with ``--impute-dates``, ``date_imputed`` (Y/N) and ``sdtm_dtc``;
when TR has TRLNKGRP values, ``lnkgrp`` (RS's RSLNKGRP of that read and visit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from recist.cdisc.datasets import Dataset, Record
from recist.cdisc.dates import Imputation, SdtmDate, parse_dtc
from recist.cdisc.results import AxisValue, Reading, TumorResults
from recist.cdisc.tumors import IdentifiedLesion, ReadKey, identify_lesions
from recist.io.table import FieldError, InputProblem, InvalidInput
from recist.model import ALLOWED_STATES, Category, LesionState, Measurement
from recist.rules.checks import check_rows

TU_COLUMNS = ("USUBJID", "TULNKID", "TULOC")
TR_COLUMNS = ("USUBJID", "TRLNKID", "TRTESTCD", "VISIT", "TRDTC")
#: Every column the import reads (a wider dataset's other columns are never held in memory).
TU_USED = (*TU_COLUMNS, "STUDYID", "VISIT", "VISITNUM", "TUDTC", "TUTESTCD", "TUORRES",
           "TUSTRESC", "TUEVAL", "TUEVALID")  # fmt: skip
TR_USED = (*TR_COLUMNS, "STUDYID", "VISITNUM", "TRSTAT", "TRORRES", "TRORRESU", "TRSTRESC",
           "TRSTRESN", "TRSTRESU", "TREVAL", "TREVALID", "TRLNKGRP")  # fmt: skip


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """One measurements row and where it came from."""

    measurement: Measurement
    date: SdtmDate
    study_id: str
    visitnum: str
    evaluator: str
    source: tuple[Dataset, Record]
    lesion_source: tuple[Dataset, Record]
    #: TR's TRLNKGRP of the result (empty when TR has none).
    link_group: str = ""


def import_tumor_results(
    tu: Dataset, tr: Dataset, imputation: Imputation | None = None
) -> list[ImportedRow]:
    """Map TU + TR to measurement rows; raises ``InvalidInput`` naming every bad record."""
    missing = [
        InputProblem(tu.name, 1, c, f"missing required column {c}")
        for c in TU_COLUMNS
        if c not in tu.columns
    ]
    if not {"TUORRES", "TUSTRESC"} & tu.columns:
        missing.append(InputProblem(tu.name, 1, "TUORRES", "missing required column TUORRES"))
    missing += [
        InputProblem(tr.name, 1, c, f"missing required column {c}")
        for c in TR_COLUMNS
        if c not in tr.columns
    ]
    if missing:
        raise InvalidInput(missing)
    lesions, problems = identify_lesions(tu)
    results = TumorResults(tr, lesions, imputation)
    problems += results.problems
    rows: list[ImportedRow] = []
    if not problems:
        rows = list(_rows(tu, tr, lesions, results, imputation, problems))
    if not problems:
        problems += _contract_problems(rows)
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: (p.file, p.line, p.column)))
    rows.sort(key=_order)
    return rows


def _order(row: ImportedRow) -> tuple[str, str, dt.date, str, str, str]:
    m = row.measurement
    return (m.subject_id, m.reader or "", m.date, m.timepoint, m.lesion_id, m.fragment)


def _rows(
    tu: Dataset,
    tr: Dataset,
    lesions: dict[ReadKey, dict[str, IdentifiedLesion]],
    results: TumorResults,
    imputation: Imputation | None,
    problems: list[InputProblem],
) -> Iterator[ImportedRow]:
    visit_dates: dict[tuple[ReadKey, str], SdtmDate] = {}
    for reading in results.readings.values():
        for date in reading.dates:
            index = (reading.key, reading.visit)
            if index not in visit_dates or date.date < visit_dates[index].date:
                visit_dates[index] = date
    seen = {(r.key, r.lesion.lesion_id) for r in results.readings.values()}
    for key, identified in lesions.items():
        for lesion in identified.values():
            if (key, lesion.lesion_id) in seen:
                continue
            if lesion.category is not Category.NEW:
                problems.append(
                    tu.problem(
                        lesion.record,
                        "TULNKID",
                        f"{lesion.category.value} lesion '{lesion.lesion_id}' of subject "
                        f"'{key[0]}' has no result in TR; add its TR records",
                    )
                )
                continue
            row = _new_lesion_row(tu, key, lesion, visit_dates, imputation, problems)
            if row is not None:
                yield row
    for reading in results.readings.values():
        scan = min(reading.dates, key=lambda d: d.date, default=None)
        scan = scan or visit_dates.get((reading.key, reading.visit))
        if scan is None:
            problems.append(
                tr.problem(reading.first, "TRDTC", f"no record of '{reading.visit}' has a date")
            )
            continue
        state = _state(tr, reading, problems)
        if state is None:
            continue
        long_mm = _mm(reading.long) if state is LesionState.PRESENT else None
        short_mm = _mm(reading.short) if state is LesionState.PRESENT else None
        yield _row(
            reading.key,
            reading.visit,
            scan,
            reading.lesion,
            reading.fragment,
            state,
            long_mm,
            short_mm,
            reading.study_id,
            reading.visitnum,
            reading.evaluator,
            (tr, reading.first),
            tu,
            reading.link_group,
        )


def _mm(value: tuple[AxisValue, Record] | None) -> AxisValue | None:
    return value[0] if value is not None and not isinstance(value[0], str) else None


def _state(tr: Dataset, reading: Reading, problems: list[InputProblem]) -> LesionState | None:
    """The contract's state of a reading (see the module docstring)."""
    lesion = reading.lesion
    explicit = reading.state[0] if reading.state else None
    governing = reading.short if lesion.is_node else reading.long
    measured = governing or reading.long or reading.short
    state: LesionState | None = explicit
    if lesion.category is Category.TARGET and explicit in (None, LesionState.PRESENT):
        if governing is None:
            test = "LPERP (short axis) for a nodal" if lesion.is_node else "LDIAM (long axis) for a"
            problems.append(
                tr.problem(
                    reading.first,
                    "TRTESTCD",
                    f"no {test} target: lesion '{lesion.lesion_id}' at '{reading.visit}' needs it",
                )
            )
            return None
        state = _measured_state(governing[0])
    elif explicit is None and measured is not None:
        state = _measured_state(measured[0])
        if state is LesionState.TOO_SMALL:
            state = LesionState.PRESENT  # only a target counts 5 mm
    if state is None:
        return None
    if state not in ALLOWED_STATES[lesion.category]:
        record = reading.state[1] if reading.state else reading.first
        problems.append(
            tr.problem(
                record,
                "TRSTRESC" if record.get("TRSTRESC") else "TRORRES",
                f"{state.value} is not a state of a {lesion.category.value} lesion "
                f"('{lesion.lesion_id}' at '{reading.visit}')",
            )
        )
        return None
    numbers = [v[0] for v in (reading.long, reading.short) if v and not isinstance(v[0], str)]
    if state in (LesionState.ABSENT, LesionState.MERGED) and explicit and any(numbers):
        problems.append(
            tr.problem(
                reading.first,
                "TRTESTCD",
                f"lesion '{lesion.lesion_id}' at '{reading.visit}' is {explicit.value} "
                "but has a diameter above 0 mm",
            )
        )
        return None
    return state


def _measured_state(value: AxisValue) -> LesionState:
    if value == "NOT_DONE":
        return LesionState.NOT_EVALUATED
    if value == "TOO_SMALL":
        return LesionState.TOO_SMALL
    return LesionState.ABSENT if value == 0 else LesionState.PRESENT


def _new_lesion_row(
    tu: Dataset,
    key: ReadKey,
    lesion: IdentifiedLesion,
    visit_dates: dict[tuple[ReadKey, str], SdtmDate],
    imputation: Imputation | None,
    problems: list[InputProblem],
) -> ImportedRow | None:
    """A NEW lesion identified in TU with no TR result: present at its TU visit."""
    date: SdtmDate | None = visit_dates.get((key, lesion.visit))
    if lesion.dtc:
        try:
            date = parse_dtc(lesion.dtc, imputation)
        except FieldError as error:
            problems.append(tu.problem(lesion.record, "TUDTC", str(error)))
            return None
    if not lesion.visit or date is None:
        problems.append(
            tu.problem(
                lesion.record,
                "VISIT" if not lesion.visit else "TUDTC",
                f"NEW lesion '{lesion.lesion_id}' has no TR result, so TU needs its VISIT "
                "and TUDTC (or TR results at that visit)",
            )
        )
        return None
    record = lesion.record
    return _row(
        key,
        lesion.visit,
        date,
        lesion,
        "",
        LesionState.PRESENT,
        None,
        None,
        record.get("STUDYID"),
        record.get("VISITNUM"),
        lesion.evaluator,
        (tu, record),
        tu,
    )


def _row(
    key: ReadKey,
    visit: str,
    date: SdtmDate,
    lesion: IdentifiedLesion,
    fragment: str,
    state: LesionState,
    long_mm: AxisValue | None,
    short_mm: AxisValue | None,
    study_id: str,
    visitnum: str,
    evaluator: str,
    source: tuple[Dataset, Record],
    tu: Dataset,
    link_group: str = "",
) -> ImportedRow:
    assert not isinstance(long_mm, str) and not isinstance(short_mm, str)
    measurement = Measurement(
        subject_id=key[0],
        reader=key[1],
        timepoint=visit,
        date=date.date,
        lesion_id=lesion.lesion_id,
        category=lesion.category,
        location=lesion.location,
        is_node=lesion.is_node,
        long_axis_mm=long_mm,
        short_axis_mm=short_mm,
        state=state,
        fragment=fragment,
        slice_thickness_mm=None,
    )
    return ImportedRow(
        measurement, date, study_id, visitnum, evaluator, source, (tu, lesion.record), link_group
    )


#: Where a contract column's problem points in SDTM: TU (the lesion) or TR (the result).
_SDTM_COLUMN = {
    "category": ("TU", "TUORRES"),
    "location": ("TU", "TULOC"),
    "lesion_id": ("TR", "TRLNKID"),
    "timepoint": ("TR", "VISIT"),
    "date": ("TR", "TRDTC"),
    "state": ("TR", "TRSTRESC"),
    "long_axis_mm": ("TR", "TRTESTCD"),
    "short_axis_mm": ("TR", "TRTESTCD"),
}


def _contract_problems(rows: list[ImportedRow]) -> list[InputProblem]:
    """The engine's own checks of the contract, reported against the SDTM records."""
    numbered = [r.measurement._replace(line=index + 1) for index, r in enumerate(rows)]
    problems = []
    for problem in check_rows(numbered):
        row = rows[problem.line - 1]
        domain, column = _SDTM_COLUMN.get(problem.column, ("TR", problem.column))
        dataset, record = row.lesion_source if domain == "TU" else row.source
        problems.append(InputProblem(dataset.name, record.line, column, problem.message))
    return problems
