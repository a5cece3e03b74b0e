"""The PostgreSQL store's connection as ``reviewer_gui.store.audit`` and ``verify`` use it:
``?`` placeholders, rows as dictionaries, the project's tables and triggers by name."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from reviewer_gui.store.postgres.ddl import SCHEMA


class Database:
    """A psycopg connection with ``?`` placeholders (what ``audit`` and ``verify`` call)."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def execute(self, sql: str, parameters: Any = ()) -> psycopg.Cursor[Any]:
        # The store's SQL is built from its own constants (table and column names), never
        # from input: values always travel as parameters.
        return self.connection.execute(sql.replace("?", "%s"), tuple(parameters) or None)

    def rows(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        cursor = self.connection.cursor(row_factory=dict_row)
        return cursor.execute(sql.replace("?", "%s"), tuple(parameters) or None).fetchall()

    def schema_names(self, kind: str) -> set[str]:
        """The project's tables or triggers (``verify`` checks the protection is there)."""
        if kind == "table":
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = %s"
        else:
            sql = ("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
                   "AND t.tgenabled <> 'D'")  # fmt: skip
        return {r[0] for r in self.connection.execute(sql, (SCHEMA,))}

    def close(self) -> None:
        self.connection.close()
