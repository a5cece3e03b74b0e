"""SDTM / ADaM datasets on disk: CSV or SAS transport (``.xpt``), read and written.

Reading: column names are matched case-insensitively; values are stripped text. In CSV files
written by R (``write.csv``, as pharmaverse ships them) a bare ``NA`` is a missing value and
reads as empty. In a ``.xpt`` file the "line" of a record is its 1-based record number.

Writing: CSV (UTF-8) or SAS transport version 5 (the FDA's submission format) through
pyreadstat; either way to a temporary file beside the target, then one rename, so that an
existing output is never half-overwritten.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from recist.io.outputs import replace_file
from recist.io.table import InputProblem, InvalidInput, Table
from recist.io.writers import write_csv

Value = str | int | Decimal | dt.date | None
Kind = Literal["char", "num", "date"]


@dataclass(frozen=True, slots=True)
class Record:
    """One record of an input dataset: ``line`` in the file and values by upper-case name."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True, slots=True)
class Dataset:
    """An input dataset: its file name (as given), column names (upper case) and records."""

    name: str
    columns: frozenset[str]
    records: tuple[Record, ...]

    def problem(self, record: Record, column: str, message: str) -> InputProblem:
        return InputProblem(self.name, record.line, column, message)


def read_dataset(
    path: Path, required: Sequence[str], used: Collection[str] | None = None
) -> Dataset:
    """Read a CSV or ``.xpt`` dataset; raises ``InvalidInput`` naming any missing column.
    With ``used`` (upper-case names), records keep only those columns: the work and memory
    are bounded by the columns needed, however wide the file."""
    keep = None if used is None else {name.upper() for name in used} | set(required)
    if path.suffix.lower() == ".xpt":
        columns, records = _read_xpt(path, keep)
    else:
        columns, records = _read_csv(path, keep)
    missing = [c for c in required if c not in columns]
    if missing:
        raise InvalidInput(
            [InputProblem(str(path), 1, c, f"missing required column {c}") for c in missing]
        )
    return Dataset(str(path), frozenset(columns), tuple(records))


def _read_csv(path: Path, keep: set[str] | None) -> tuple[list[str], list[Record]]:
    table = Table(path, (), None if keep is None else {name.lower() for name in keep})
    names = {index: name.upper() for name, index in table.columns.items()}
    every = [name.upper() for name in table.names]
    records = [
        Record(
            line,
            {name: ("" if values[i] == "NA" else values[i]) for i, name in names.items()},
        )
        for line, values in table.rows()
    ]
    return every, records


def _read_xpt(path: Path, keep: set[str] | None) -> tuple[list[str], list[Record]]:
    import pyreadstat  # heavy: only for .xpt

    try:
        _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
        every = [str(name).upper() for name in meta.column_names]
        wanted = [n for n in meta.column_names if keep is None or str(n).upper() in keep]
        data, _ = pyreadstat.read_xport(str(path), output_format="dict", usecols=wanted)
    except Exception as error:  # pyreadstat raises its own ReadstatError and OSError
        raise InvalidInput(
            [InputProblem(str(path), 0, "file", f"is not a readable SAS transport file: {error}")]
        ) from None
    assert isinstance(data, dict)
    columns = {str(name).upper(): list(values) for name, values in data.items()}
    count = max((len(v) for v in columns.values()), default=0)
    records = [
        Record(index + 1, {name: _text(values[index]) for name, values in columns.items()})
        for index in range(count)
    ]
    return every, records


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


@dataclass(frozen=True, slots=True)
class Column:
    """An output variable: name, label (SAS, at most 40 characters) and kind."""

    name: str
    label: str
    kind: Kind = "char"


@dataclass(frozen=True, slots=True)
class OutputDataset:
    """A dataset to write: SAS name (``RS``, ``ADRS``...), label, columns and rows."""

    name: str
    label: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_dataset(dataset: OutputDataset, destination: Path | None) -> None:
    """Write ``dataset`` as CSV (or to stdout), or as SAS transport v5 when it ends in .xpt."""
    if destination is not None and destination.suffix.lower() == ".xpt":
        replace_file(destination, lambda temporary: _write_xpt(dataset, temporary))
        return
    write_csv(
        destination,
        [c.name for c in dataset.columns],
        ([_csv_text(v) for v in row] for row in dataset.rows),
    )


def _write_xpt(dataset: OutputDataset, path: Path) -> None:
    import pyreadstat  # heavy: only for .xpt

    pd: Any = importlib.import_module("pandas")  # untyped without pandas-stubs

    data: dict[str, list[object]] = {}
    formats: dict[str, str] = {}
    for index, column in enumerate(dataset.columns):
        values = [row[index] for row in dataset.rows]
        if column.kind == "char":
            data[column.name] = ["" if v is None else str(v) for v in values]
        elif column.kind == "num":
            data[column.name] = [math.nan if v is None else float(str(v)) for v in values]
        else:
            data[column.name] = [pd.NaT if v is None else pd.Timestamp(str(v)) for v in values]
            formats[column.name] = "DATE9."
    frame = pd.DataFrame(data, columns=[c.name for c in dataset.columns])
    for column in dataset.columns:
        if column.kind == "date":
            frame[column.name] = frame[column.name].dt.date
    try:
        pyreadstat.write_xport(
            frame,
            str(path),
            file_label=dataset.label[:40],
            column_labels={c.name: c.label[:40] for c in dataset.columns},
            table_name=dataset.name,
            file_format_version=5,
            variable_format=formats or None,
        )
    except (pyreadstat.PyreadstatError, pyreadstat.ReadstatError) as error:
        raise OSError(f"SAS transport writer: {error}") from None
