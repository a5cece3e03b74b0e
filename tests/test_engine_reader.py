"""The measurements reader: its fast path gives exactly what the field-by-field path gives."""

from __future__ import annotations

from pathlib import Path

from engine_builders import write_measurements
from hypothesis import HealthCheck, given, settings
from test_contract_properties import trials

from recist import Measurement
from recist.io.readers import _checked_measurement, _fast_measurement_parser, _Row
from recist.io.table import Table


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=trials())
def test_fast_and_checked_parsers_agree(tmp_path_factory: object, rows: list[Measurement]) -> None:
    path = write_measurements(tmp_path_factory.mktemp("r") / "m.csv", rows)  # type: ignore[attr-defined]
    table = Table(Path(path), ("subject_id",))
    fast = _fast_measurement_parser(table, has_reader=False)
    for line, values in table.rows():
        problems: list[object] = []
        checked = _checked_measurement(_Row(table, line, values, problems), False)  # type: ignore[arg-type]
        assert fast(line, values) == checked
        assert checked is not None and not problems


def test_reader_strips_blanks_and_keeps_line_numbers_across_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n\n"
                    ' S1 , BASELINE ,2024-01-01, T1 ,TARGET, liver ," 30.5 "\n', encoding="utf-8")
    table = Table(path, ())
    fast = _fast_measurement_parser(table, has_reader=False)
    ((line, values),) = list(table.rows())
    parsed = fast(line, values)
    assert parsed is not None
    assert (parsed.subject_id, parsed.lesion_id, parsed.location, str(parsed.long_axis_mm),
            parsed.line) == ("S1", "T1", "liver", "30.5", 3)
