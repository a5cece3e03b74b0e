"""SDTM TR (Tumor/Lesion Results) records read as lesion readings: one per lesion (or
fragment) per visit per read, gathering its long axis, short axis and state.

CDISC RECIST 1.1 disease response supplement: ``LDIAM`` is the longest diameter (non-nodal
targets), ``LPERP`` the longest perpendicular, i.e. the short axis of a lymph node (``SAXIS``
and the older ``DIAMETER`` are accepted too); ``TUMSTATE`` / ``LNSTATE`` give the state of a
lesion judged without measurement; ``TRSTAT`` = "NOT DONE" marks a result that was not obtained;
``TRORRES`` = "TOO SMALL TO MEASURE" a lesion too small to measure (RECIST 1.1 section 4.3.2:
it counts 5 mm), while 0 mm is a lesion that disappeared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from recist.cdisc.datasets import Dataset, Record
from recist.cdisc.dates import Imputation, SdtmDate, parse_dtc
from recist.cdisc.tumors import IdentifiedLesion, ReadKey, read_key, resolve_link
from recist.io.table import FieldError, InputProblem, is_plain_decimal
from recist.model import LesionState

Axis = Literal["long", "short", "governing"]
#: What a measurement test gives: a number of mm, too small to measure, or not done.
AxisValue = Decimal | Literal["TOO_SMALL", "NOT_DONE"]

AXIS_TESTS: dict[str, Axis] = {
    "LDIAM": "long",
    "LPERP": "short",
    "SAXIS": "short",
    "DIAMETER": "governing",  # long axis, or short axis for a lymph node
}
STATE_TESTS = frozenset({"TUMSTATE", "LNSTATE"})
#: Derived summaries the engine recomputes itself.
IGNORED_TESTS = frozenset({"SUMDIAM"})
STATE_RESULTS: dict[str, LesionState] = {
    "PRESENT": LesionState.PRESENT,
    "PATHOLOGICAL": LesionState.PRESENT,
    "ABSENT": LesionState.ABSENT,
    "NON-PATHOLOGICAL": LesionState.ABSENT,  # a normal node (< 10 mm) counts as absent
    "UNEQUIVOCAL PROGRESSION": LesionState.PROGRESSION,
    "EQUIVOCAL": LesionState.EQUIVOCAL,
    "TOO SMALL TO MEASURE": LesionState.TOO_SMALL,
    "MERGED": LesionState.MERGED,
    "NOT EVALUABLE": LesionState.NOT_EVALUATED,
    "NOT EVALUATED": LesionState.NOT_EVALUATED,
    "NOT ASSESSED": LesionState.NOT_EVALUATED,
    "NE": LesionState.NOT_EVALUATED,
}
TOO_SMALL_TEXT = "TOO SMALL TO MEASURE"
_UNITS = {"": Decimal(1), "MM": Decimal(1), "CM": Decimal(10)}


@dataclass(slots=True)
class Reading:
    """One lesion (or fragment) at one visit of one read, from its TR records."""

    key: ReadKey
    visit: str
    lesion: IdentifiedLesion
    fragment: str
    first: Record
    long: tuple[AxisValue, Record] | None = None
    short: tuple[AxisValue, Record] | None = None
    state: tuple[LesionState, Record] | None = None
    dates: list[SdtmDate] = field(default_factory=list)
    visitnum: str = ""
    study_id: str = ""
    evaluator: str = ""
    link_group: str = ""


class TumorResults:
    """Gathers TR records into readings; ``problems`` lists every record that cannot map."""

    def __init__(
        self,
        tr: Dataset,
        lesions: dict[ReadKey, dict[str, IdentifiedLesion]],
        imputation: Imputation | None,
    ) -> None:
        self.tr = tr
        self.lesions = lesions
        self.imputation = imputation
        self.readings: dict[tuple[ReadKey, str, str, str], Reading] = {}
        self.problems: list[InputProblem] = []
        for record in tr.records:
            self._add(record)

    def fail(self, record: Record, column: str, message: str) -> None:
        self.problems.append(self.tr.problem(record, column, message))

    def _add(self, record: Record) -> None:
        test = record.get("TRTESTCD").upper()
        if test in IGNORED_TESTS:
            return
        if test not in AXIS_TESTS and test not in STATE_TESTS:
            known = ", ".join([*AXIS_TESTS, *sorted(STATE_TESTS)])
            self.fail(record, "TRTESTCD", f"unknown test '{test}'; expected one of {known}")
            return
        key, evaluator = read_key(record, "TR")
        link_id = record.get("TRLNKID")
        link = resolve_link(link_id, self.lesions.get(key, {}))
        if link is None:
            reader = f" (read {key[1]})" if key[1] else ""
            self.fail(
                record,
                "TRLNKID",
                f"no TU record identifies lesion '{link_id}' of subject '{key[0]}'{reader}; "
                "every TR result needs its lesion in TU (TULNKID)",
            )
            return
        visit = record.get("VISIT")
        if not visit:
            self.fail(record, "VISIT", "empty; give the visit (it is the timepoint)")
            return
        not_done = record.get("TRSTAT").upper() == "NOT DONE"
        date = self._date(record, not_done)
        value = "NOT_DONE" if not_done else self._value(record, test)
        if value is None or date is False:
            return
        reading = self._reading(key, visit, link.lesion_id, link.fragment, record, evaluator)
        if date is not None:
            reading.dates.append(date)
        if test in STATE_TESTS:
            state = LesionState.NOT_EVALUATED if value == "NOT_DONE" else value
            assert isinstance(state, LesionState)
            self._set_state(reading, state, record)
        else:
            assert not isinstance(value, LesionState)
            self._set_axis(reading, AXIS_TESTS[test], value, record)
        for other in link.merged:
            merged = self._reading(key, visit, other, "", record, evaluator)
            if date is not None:
                merged.dates.append(date)
            self._set_state(merged, LesionState.MERGED, record)

    def _date(self, record: Record, not_done: bool) -> SdtmDate | Literal[False] | None:
        text = record.get("TRDTC")
        if not text:
            if not_done:
                return None  # a scan not performed has no date (the visit's date is used)
            self.fail(record, "TRDTC", "empty; give the date of the scan (YYYY-MM-DD)")
            return False
        try:
            return parse_dtc(text, self.imputation)
        except FieldError as error:
            self.fail(record, "TRDTC", str(error))
            return False

    def _value(self, record: Record, test: str) -> AxisValue | LesionState | None:
        column = "TRSTRESC" if record.get("TRSTRESC") else "TRORRES"
        text = record.get(column)
        if test in STATE_TESTS:
            state = STATE_RESULTS.get(text.upper())
            if state is None:
                known = ", ".join(STATE_RESULTS)
                self.fail(
                    record, column, f"'{text}' is not a {test} result; expected one of {known}"
                )
            return state
        if TOO_SMALL_TEXT in (record.get("TRORRES").upper(), text.upper()):
            return "TOO_SMALL"
        if record.get("TRSTRESN"):
            column, unit_column = "TRSTRESN", "TRSTRESU"
        else:
            unit_column = "TRSTRESU" if column == "TRSTRESC" else "TRORRESU"
        text = record.get(column)
        if not text:
            self.fail(record, column, f"empty {test} result; give the diameter, or TRSTAT NOT DONE")
            return None
        if not is_plain_decimal(text):
            self.fail(
                record,
                column,
                f"'{text[:40]}' is not a diameter: a plain number of mm, 0 or more (digits with "
                "at most one decimal point)",
            )
            return None
        number = Decimal(text)
        unit = record.get(unit_column).upper()
        if unit not in _UNITS:
            self.fail(record, unit_column, f"unit '{unit}' is not mm or cm")
            return None
        return number * _UNITS[unit] if unit == "CM" else number

    def _reading(
        self,
        key: ReadKey,
        visit: str,
        lesion_id: str,
        fragment: str,
        record: Record,
        evaluator: str,
    ) -> Reading:
        index = (key, visit, lesion_id, fragment)
        reading = self.readings.get(index)
        if reading is None:
            lesion = self.lesions[key][lesion_id]
            reading = Reading(key, visit, lesion, fragment, record)
            reading.visitnum = record.get("VISITNUM")
            reading.link_group = record.get("TRLNKGRP")
            reading.study_id = record.get("STUDYID")
            reading.evaluator = evaluator
            self.readings[index] = reading
        return reading

    def _set_state(self, reading: Reading, state: LesionState, record: Record) -> None:
        if reading.state is not None and reading.state[0] is not state:
            self._conflict(reading, record, "state", reading.state[1])
            return
        reading.state = (state, record)

    def _set_axis(self, reading: Reading, axis: Axis, value: AxisValue, record: Record) -> None:
        if axis == "governing":
            axis = "short" if reading.lesion.is_node else "long"
        previous = reading.long if axis == "long" else reading.short
        if previous is not None:
            self._conflict(reading, record, f"{axis} axis", previous[1])
            return
        if axis == "long":
            reading.long = (value, record)
        else:
            reading.short = (value, record)

    def _conflict(self, reading: Reading, record: Record, what: str, first: Record) -> None:
        fragment = f" fragment {reading.fragment}" if reading.fragment else ""
        self.fail(
            record,
            "TRLNKID",
            f"a second {what} for lesion '{reading.lesion.lesion_id}'{fragment} at "
            f"'{reading.visit}' (first on line {first.line}); give one result per lesion and visit",
        )
