"""The rows a change adds, as the server stores them, known on the client before it asks.

A change's audit record carries, in its *after*, every row the change added exactly as stored
(``reviewer_gui.store.audit.change_rows`` reads them back inside the writing transaction). Read
back, that is one more round trip per action, taken while the writer waits. Yet the client sent
those values itself, and the server stores them unchanged: text as given (``COLLATE "C"``
compares, it does not alter), integers as given, a ``double precision`` column the IEEE double
the client sent (psycopg sends its shortest exact form; an integer becomes the same double as
Python's ``float``), and NULL for a column not given that has no default. So the PostgreSQL
store predicts the stored rows from the values it inserts and the table's columns, read from
the server's catalogue when the store opens (:meth:`StoredRows.read`).

The prediction refuses whatever it cannot be sure of (:meth:`StoredRows.rows` returns ``None``):
a column it does not know, a value of another Python type than the column's (``bool``, a
``Decimal``, a date), or an omitted column that has a default. The store then reads the rows
back, as before. A wrong prediction cannot go unnoticed either: ``audit verify`` compares each
record's *after* with the rows in the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewer_gui.store.audit import Row, Rows, canonical

#: The project's columns: table, column, type, whether it has a default (identity included).
COLUMNS = """
    SELECT c.relname, a.attname, format_type(a.atttypid, NULL),
           a.atthasdef OR a.attidentity <> ''
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum"""

#: How a column's type stores a Python value: the Python type(s) accepted, and the value read
#: back. Any other type is not predicted.
_STORED: dict[str, tuple[tuple[type, ...], type]] = {
    "bigint": ((int,), int),
    "integer": ((int,), int),
    "double precision": ((int, float), float),
    "text": ((str,), str),
}


class Unpredictable(Exception):
    """A value whose stored form this module does not predict."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    has_default: bool

    def stored(self, value: object) -> object:
        """``value`` as this column stores it (:class:`Unpredictable`: not known)."""
        if value is None:
            return None
        accepted, read_back = _STORED.get(self.type, ((), object))
        if type(value) not in accepted:  # exactly: a bool is an int, not stored as one
            raise Unpredictable(f"{self.name}: {type(value).__name__} into {self.type}")
        return read_back(value)


class StoredRows:
    """The columns of the project's tables, and the rows they store for given values."""

    def __init__(self, columns: Mapping[str, tuple[Column, ...]]) -> None:
        self._columns = dict(columns)

    @classmethod
    def read(cls, connection: Any, schema: str) -> StoredRows:
        """The columns of ``schema``'s tables, from the server's catalogue."""
        found: dict[str, list[Column]] = {}
        for table, name, kind, has_default in connection.execute(COLUMNS, (schema,)):
            found.setdefault(table, []).append(Column(name, kind, bool(has_default)))
        return cls({table: tuple(columns) for table, columns in found.items()})

    def row(self, table: str, values: Mapping[str, object]) -> Row:
        """The row ``table`` stores for ``values`` (every column, as ``SELECT *`` reads it)."""
        columns = self._columns.get(table)
        if not columns:
            raise Unpredictable(f"{table}: no such table known")
        unknown = set(values) - {c.name for c in columns}
        if unknown:
            raise Unpredictable(f"{table}: no column {', '.join(sorted(unknown))}")
        row: Row = {}
        for column in columns:
            if column.name not in values and column.has_default:
                raise Unpredictable(f"{table}.{column.name}: its default")
            row[column.name] = column.stored(values.get(column.name))
        return row

    def rows(self, added: Iterable[tuple[str, Mapping[str, object]]]) -> Rows | None:
        """The rows added, by table, each table's sorted as ``audit.change_rows`` sorts them;
        ``None`` when any of them is not predicted (read them back)."""
        found: Rows = {}
        try:
            for table, values in added:
                found.setdefault(table, []).append(self.row(table, values))
        except Unpredictable:
            return None
        return {table: sorted(rows, key=canonical) for table, rows in found.items()}
