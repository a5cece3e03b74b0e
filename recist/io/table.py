"""Reading a contract CSV: header mapping, field parsers, and errors that name file:line: column.

All contract files are UTF-8 (a BOM is accepted), comma-separated, one header row, column names
case-insensitive with surrounding blanks ignored; unknown columns are ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
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


_MM_CACHE: dict[str, Decimal] = {}


def parse_mm(text: str) -> Decimal | None:
    """A diameter in millimetres: empty, or a plain non-negative decimal number (ASCII digits
    with at most one decimal point: no exponent, sign, digit-group separator or other digit)."""
    if not text:
        return None
    cached = _MM_CACHE.get(text)
    if cached is not None:
        return cached
    if not is_plain_decimal(text):
        raise FieldError(_not_mm(text))
    value = Decimal(text)
    if len(_MM_CACHE) < 100_000:
        _MM_CACHE[text] = value
    return value


def is_plain_decimal(text: str) -> bool:
    """ASCII digits with at most one decimal point (``12``, ``12.5``, ``.5``, ``12.``)."""
    return text.isascii() and text.replace(".", "", 1).isdigit()


def _not_mm(text: str) -> str:
    shown = text if len(text) <= 40 else text[:40] + "..."
    body = text[1:]
    if text[0] == "-" and is_plain_decimal(body):
        return f"'{shown}' is negative; a diameter is 0 mm or more"
    if "," in text:
        hint = "use a point as the decimal separator"
    elif not text.isascii() and any(c.isdigit() for c in text):
        hint = "write the digits 0-9"
    else:
        hint = "plain digits, at most one decimal point, e.g. 12.5: no exponent, sign or _"
    return f"'{shown}' is not a number of millimetres ({hint})"


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


class _BadLine(Exception):
    """A physical line that is not text a CSV reader should see (a NUL byte)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def _checked_lines(handle: Iterator[str]) -> Iterator[str]:
    """The file's lines, refusing a NUL byte (Python's csv module would keep it in a value)."""
    for number, text in enumerate(handle, start=1):
        if "\0" in text:
            raise _BadLine(number, "contains a NUL byte; save the file again as UTF-8 CSV text")
        yield text


class Table:
    """A CSV file read row by row with its columns mapped by name.

    ``rows()`` yields ``(line, values)`` with stripped values, padded to the header's width
    plus one trailing empty value. A NUL byte, bytes that are not UTF-8, a quote left open
    (a value running over several lines) and a column named twice are errors naming the line.
    """

    def __init__(
        self, path: Path, required: Sequence[str], keep: Collection[str] | None = None
    ) -> None:
        """Open ``path``; with ``keep`` (lower-case names), ``rows`` carries only those
        columns, so that the work per row is bounded by them, however wide the file."""
        self.path = path
        self.name = str(path)
        try:
            self._handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise InvalidInput(
                [InputProblem(self.name, 0, "file", f"cannot be read: {error.strerror}")]
            ) from None
        self._reader = csv.reader(_checked_lines(self._handle), strict=True)
        try:
            header = next(self._reader, [])
            if self._reader.line_num > 1:
                raise _BadLine(1, _QUOTE_OPEN)
        except (csv.Error, UnicodeDecodeError, _BadLine, OSError) as error:
            self._handle.close()
            raise InvalidInput([self._problem(error, 1)]) from None
        self.columns: dict[str, int] = {}
        problems: list[InputProblem] = []
        for index, raw in enumerate(header):
            name = raw.strip().lower()
            first = self.columns.setdefault(name, index)
            if first != index and name:
                problems.append(
                    InputProblem(
                        self.name,
                        1,
                        raw.strip(),
                        f"the header names column '{name}' twice (columns {first + 1} and "
                        f"{index + 1}; names are compared without case and surrounding "
                        "blanks); remove or rename one of them",
                    )
                )
        problems += [
            InputProblem(self.name, 1, c, f"missing required column '{c}' in the header")
            for c in required
            if c not in self.columns
        ]
        if problems:
            self._handle.close()
            raise InvalidInput(problems)
        self.names = frozenset(self.columns)
        self._picks: list[int] | None = None
        if keep is not None:
            kept = sorted((i, name) for name, i in self.columns.items() if name in keep)
            self._picks = [i for i, _ in kept]
            self.columns = {name: position for position, (_, name) in enumerate(kept)}

    def close(self) -> None:
        self._handle.close()

    def has(self, name: str) -> bool:
        return name in self.names

    def index(self, name: str) -> int | None:
        return self.columns.get(name)

    def index_or_blank(self, name: str) -> int:
        """The column's index, or -1 (always an empty value in ``rows``) when absent."""
        return self.columns.get(name, -1)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(line, stripped values)`` for every non-blank record."""
        reader = self._reader
        width = len(self.columns) and max(self.columns.values()) + 1
        picks = self._picks
        line = 1
        try:
            for record in reader:
                start = line + 1
                line = reader.line_num
                if line != start and any("\n" in v or "\r" in v for v in record):
                    raise _BadLine(start, _QUOTE_OPEN)
                if not record:
                    continue
                if picks is not None:
                    count = len(record)
                    values = [record[i].strip() if i < count else "" for i in picks]
                else:
                    values = [v.strip() for v in record]
                if len(values) < width:
                    values.extend([""] * (width - len(values)))
                values.append("")  # index -1 is always empty: see ``index_or_blank``
                if any(values):
                    yield start, values
        except (csv.Error, UnicodeDecodeError, _BadLine, OSError) as error:
            raise InvalidInput([self._problem(error, line + 1)]) from None
        finally:
            self._handle.close()

    def _problem(self, error: Exception, line: int) -> InputProblem:
        """The problem behind a reading error, on the line it is on."""
        if isinstance(error, _BadLine):
            return InputProblem(self.name, error.line, "file", error.message)
        if isinstance(error, UnicodeDecodeError):
            return InputProblem(
                self.name,
                _undecodable_line(self.path),
                "file",
                "is not UTF-8 text (a byte that is not UTF-8 on this line); save the file as "
                "UTF-8 CSV",
            )
        if isinstance(error, OSError):
            return InputProblem(self.name, line, "file", f"cannot be read: {error.strerror}")
        text = str(error)
        if "unexpected end of data" in text or "field larger than field limit" in text:
            return InputProblem(self.name, line, "file", _QUOTE_OPEN)
        return InputProblem(self.name, line, "file", f"is not valid CSV ({text})")


_QUOTE_OPEN = (
    "a quote opened on this line is not closed on it (an unbalanced quote: the rows after it "
    "would be read as one value); remove the stray \" or close the quote on this line"
)


def _undecodable_line(path: Path) -> int:
    """The 1-based number of the first line of ``path`` that is not UTF-8 (0 if none is)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0
