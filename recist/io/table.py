"""Reading a contract CSV: header mapping, field parsers, and errors that name file:line: column.

All contract files are UTF-8 (a BOM is accepted), comma-separated, one header row, column names
case-insensitive with surrounding blanks ignored; unknown columns are ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem in an input file, printed as ``file:line: column: message``."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class InvalidInput(Exception):
    """The input breaks the contract; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class FieldError(ValueError):
    """A value that cannot be parsed; the message says what would be valid."""


_DATE_CACHE: dict[str, dt.date] = {}


def parse_date(text: str) -> dt.date:
    """An ISO 8601 calendar date, ``YYYY-MM-DD``."""
    cached = _DATE_CACHE.get(text)
    if cached is not None:
        return cached
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise FieldError(f"'{text}' is not a date; write it as YYYY-MM-DD (e.g. 2024-03-18)")
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(f"'{text}' is not a date; write it as YYYY-MM-DD") from None
    if len(_DATE_CACHE) < 100_000:
        _DATE_CACHE[text] = value
    return value


def parse_mm(text: str) -> Decimal | None:
    """A diameter in millimetres: empty, or a non-negative decimal number."""
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        hint = " (use a point as the decimal separator)" if "," in text else ""
        raise FieldError(f"'{text}' is not a number of millimetres{hint}") from None
    if not value.is_finite():
        raise FieldError(f"'{text}' is not a number of millimetres")
    if value < 0:
        raise FieldError(f"'{text}' is negative; a diameter is 0 mm or more")
    return value


_BOOLEAN = {
    "": False,
    "n": False,
    "no": False,
    "false": False,
    "0": False,
    "y": True,
    "yes": True,
    "true": True,
    "1": True,
}


def parse_yes_no(text: str) -> bool:
    """``Y``/``N`` (also yes/no/true/false/1/0, any case); empty means no."""
    try:
        return _BOOLEAN[text.lower()]
    except KeyError:
        raise FieldError(f"'{text}' is not Y or N") from None


class Table:
    """A CSV file read row by row with its columns mapped by name.

    ``rows()`` yields ``(line, values)`` with stripped values, padded to the header's width
    plus one trailing empty value.
    """

    def __init__(self, path: Path, required: Sequence[str]) -> None:
        self.path = path
        self.name = str(path)
        try:
            self._handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise InvalidInput(
                [InputProblem(self.name, 0, "file", f"cannot be read: {error.strerror}")]
            ) from None
        self._reader = csv.reader(self._handle)
        try:
            header = next(self._reader, [])
        except (csv.Error, UnicodeDecodeError) as error:
            self._handle.close()
            raise InvalidInput(
                [InputProblem(self.name, 1, "header", _decode_hint(error))]
            ) from None
        self.columns: dict[str, int] = {}
        for index, raw in enumerate(header):
            self.columns.setdefault(raw.strip().lower(), index)
        missing = [c for c in required if c not in self.columns]
        if missing:
            self._handle.close()
            raise InvalidInput(
                [
                    InputProblem(self.name, 1, c, f"missing required column '{c}' in the header")
                    for c in missing
                ]
            )

    def close(self) -> None:
        self._handle.close()

    def has(self, name: str) -> bool:
        return name in self.columns

    def index(self, name: str) -> int | None:
        return self.columns.get(name)

    def index_or_blank(self, name: str) -> int:
        """The column's index, or -1 (always an empty value in ``rows``) when absent."""
        return self.columns.get(name, -1)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(line, stripped values)`` for every non-blank record."""
        reader = self._reader
        width = len(self.columns) and max(self.columns.values()) + 1
        line = 1
        try:
            for record in reader:
                start = line + 1
                line = reader.line_num
                if not record:
                    continue
                values = [v.strip() for v in record]
                if len(values) < width:
                    values.extend([""] * (width - len(values)))
                values.append("")  # index -1 is always empty: see ``index_or_blank``
                if any(values):
                    yield start, values
        except (csv.Error, UnicodeDecodeError) as error:
            raise InvalidInput(
                [InputProblem(self.name, line + 1, "file", _decode_hint(error))]
            ) from None
        finally:
            self._handle.close()


def _decode_hint(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "is not UTF-8 text; save the file as UTF-8 CSV"
    return f"is not valid CSV ({error})"
