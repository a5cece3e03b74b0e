"""``docs/csv-format.md`` cannot drift from the code: its column tables are parsed and compared
with the readers' and writers' column sets, and every column it calls required is refused when
missing while every optional one may be left out."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from recist.cdisc import adsl
from recist.io import readers, writers
from recist.io.table import InvalidInput
from recist.model import Measurement, SubjectInfo
from recist.report import protocol
from recist.report.inputs import load_trial

DOC = Path(__file__).resolve().parents[1] / "docs" / "csv-format.md"
_CELL = re.compile(r"^`([a-z_0-9]+)`$")


def _sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.MULTILINE)
    return {part.splitlines()[0].strip(): part for part in parts[1:]}


def _tables(section: str) -> list[list[list[str]]]:
    """Every markdown table of a section, as rows of cells (header row first, rule dropped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*section.splitlines(), ""]:
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= {"-", ":"} for cell in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def _columns(section_title: str, table: int = 0) -> dict[str, list[str]]:
    """Column name -> the rest of its row, for a section's ``column`` table."""
    section = _sections()[section_title]
    rows = [t for t in _tables(section) if t[0][0] == "column"][table]
    columns: dict[str, list[str]] = {}
    for cells in rows[1:]:
        match = _CELL.match(cells[0])
        assert match, f"{section_title}: '{cells[0]}' is not a `column_name` cell"
        columns[match.group(1)] = cells[1:]
    return columns


#: The "required" cells that make a column needed on some rows only.
_SOME_ROWS = {"on baseline rows", "for a present target"}


def _required(columns: dict[str, list[str]]) -> tuple[set[str], set[str]]:
    """(every row needs it, the file may leave it out); a column needed on some rows only
    (``_SOME_ROWS``) is in neither: its column may be absent only when no such row exists."""
    required = {name for name, rest in columns.items() if rest[0] == "yes"}
    optional = {name for name, rest in columns.items() if rest[0] == "no"}
    some = {name for name, rest in columns.items() if rest[0] in _SOME_ROWS}
    assert required | optional | some == set(columns), f"unknown 'required' cell in {columns}"
    return required, optional


def test_measurement_columns_are_the_readers() -> None:
    columns = _columns("Input 1: measurements")
    required, optional = _required(columns)
    assert required == set(readers.MEASUREMENT_COLUMNS)
    assert set(columns) - required == set(readers.MEASUREMENT_OPTIONAL_COLUMNS)
    assert optional < set(columns) - required
    # Every field of a parsed row comes from a documented column, and every column is read.
    assert set(Measurement._fields) - {"line"} == set(columns)


def test_subject_columns_are_the_readers() -> None:
    required, optional = _required(_columns("Input 2: subjects"))
    assert required == set(readers.SUBJECT_COLUMNS)
    assert optional == set(readers.SUBJECT_OPTIONAL_COLUMNS)
    fields = {f.name for f in dataclasses.fields(SubjectInfo)} - {"extra", "line"}
    assert fields == required | optional


def test_report_columns_are_the_reports() -> None:
    section = _sections()["Input 2: subjects"]
    table = next(t for t in _tables(section) if t[0][:2] == ["column", "read by"])
    names = {_CELL.match(row[0]).group(1) for row in table[1:]}  # type: ignore[union-attr]
    arm_default = load_trial.__kwdefaults__["arm_column"]  # type: ignore[index]
    assert names == {arm_default, protocol.ELIGIBLE_COLUMN, protocol.DEVIATION_COLUMN}


def test_adsl_columns_are_the_adsl_exports() -> None:
    section = _sections()["Input 2: subjects"]
    table = next(t for t in _tables(section) if t[0][:2] == ["column", "ADSL variables"])
    names = [_CELL.match(row[0]).group(1) for row in table[1:]]  # type: ignore[union-attr]
    assert names == list(adsl.SUBJECT_COLUMNS)


def test_response_columns_are_the_readers() -> None:
    required, optional = _required(_columns("Input 3: timepoint responses"))
    assert required == set(readers.RESPONSE_COLUMNS)
    assert optional == set(readers.RESPONSE_OPTIONAL_COLUMNS)


@pytest.mark.parametrize(
    ("title", "base"),
    [
        ("Output 1: `recist assess`", writers.ASSESS_COLUMNS),
        ("Output 2: `recist endpoints`", writers.ENDPOINT_COLUMNS),
    ],
)
def test_output_columns_are_the_writers_in_order(title: str, base: tuple[str, ...]) -> None:
    documented = list(_columns(title))
    assert documented == writers.columns(base, with_reader=True, explain=True)


_VALID_MEASUREMENTS = {
    "subject_id": "S1",
    "reader": "R1",
    "timepoint": "BASELINE",
    "date": "2024-01-10",
    "lesion_id": "T1",
    "category": "TARGET",
    "location": "liver",
    "is_node": "N",
    "long_axis_mm": "23.5",
    "short_axis_mm": "",
    "state": "PRESENT",
    "fragment": "",
    "slice_thickness_mm": "2.5",
}


def _write(path: Path, row: dict[str, str]) -> Path:
    path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n", encoding="utf-8")
    return path


def test_the_documented_example_row_names_every_measurement_column() -> None:
    assert set(_VALID_MEASUREMENTS) == set(_columns("Input 1: measurements"))


@pytest.mark.parametrize("column", sorted(_VALID_MEASUREMENTS))
def test_each_measurement_column_is_required_exactly_when_documented(
    tmp_path: Path, column: str
) -> None:
    _, optional = _required(_columns("Input 1: measurements"))
    # The one row is a present non-nodal target at baseline: it needs every column that
    # some rows need (a baseline row's location, a present target's long axis) except the
    # short axis, which only a node needs.
    row = {name: value for name, value in _VALID_MEASUREMENTS.items() if name != column}
    path = _write(tmp_path / "measurements.csv", row)
    if column not in optional and column != "short_axis_mm":
        with pytest.raises(InvalidInput) as error:
            readers.read_measurements(path)
        assert any(p.column == column for p in error.value.problems)
    else:
        rows, with_reader = readers.read_measurements(path)
        assert len(rows) == 1 and with_reader == (column != "reader")


@pytest.mark.parametrize("column", ["subject_id", "randomization_date", "death_date"])
def test_each_subject_column_is_required_exactly_when_documented(
    tmp_path: Path, column: str
) -> None:
    required, _ = _required(_columns("Input 2: subjects"))
    row = {
        "subject_id": "S1",
        "randomization_date": "2024-01-01",
        "death_date": "2024-09-01",
        "new_therapy_date": "",
    }
    del row[column]
    path = _write(tmp_path / "subjects.csv", row)
    if column in required:
        with pytest.raises(InvalidInput) as error:
            readers.read_subjects(path)
        assert any(p.column == column for p in error.value.problems)
    else:
        assert set(readers.read_subjects(path)) == {"S1"}


def test_the_format_version_is_stated_and_in_the_history() -> None:
    text = DOC.read_text(encoding="utf-8")
    version = re.search(r"\*\*Format version (\d+\.\d+)\.\*\*", text)
    assert version is not None
    history = _tables(_sections()["Versions"])[0]
    assert history[-1][0] == version.group(1)


def test_a_present_nodal_target_needs_the_short_axis(tmp_path: Path) -> None:
    columns = _columns("Input 1: measurements")
    assert columns["short_axis_mm"][0] == "for a present target"
    row = {**_VALID_MEASUREMENTS, "is_node": "Y", "location": "lymph node"}
    del row["short_axis_mm"]
    with pytest.raises(InvalidInput) as error:
        readers.read_measurements(_write(tmp_path / "measurements.csv", row))
    assert [p.column for p in error.value.problems] == ["short_axis_mm"]
