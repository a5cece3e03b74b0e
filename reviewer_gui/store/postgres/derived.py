"""The derived data of a PostgreSQL project (schema 6): each user's registrations, theirs
alone (``reviewer_gui.store.derived``).

The table is ``schema.DERIVED_TABLES``'s, translated like every other (``ddl``), in schema
``recist``. Unlike the record's tables it is not append-only (a user replaces their row of a
pair) and no audit record covers it. Row-level security makes every row its owner's: each
study user, whatever their group (reader, adjudicator, study administrator), selects,
inserts, updates and deletes only the rows whose ``owner`` is their own login
(``session_user``); a row for another name is refused before any key is compared, and the
primary key starts with the owner, so neither a query nor a conflicting insert shows whether
another user has a row, or how many. TRUNCATE is granted to nobody. The CHECKs bound each
column's length and the JSON (``recist.json_valid``), so the table is not a dumping ground.
"""

from __future__ import annotations

from reviewer_gui.store.derived import TABLE
from reviewer_gui.store.postgres.ddl import _column_types, ident
from reviewer_gui.store.schema import DERIVED_TABLES

#: The PostgreSQL tables this module adds to a project (the policy tests cover them).
TABLES = (TABLE,)
_OWN = "owner = session_user"


def statements(prefix: str) -> list[str]:
    """The JSON check, the table, its grants and policies (run by the owner, in ``recist``)."""
    member = ident(f"{prefix}_member")
    return [
        """CREATE FUNCTION json_valid(p text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE
            SET search_path = recist, pg_temp AS $$
            BEGIN
              PERFORM p::json;
              RETURN true;
            EXCEPTION WHEN invalid_text_representation THEN
              RETURN false;
            END $$""",
        "REVOKE ALL ON FUNCTION json_valid(text) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION json_valid(text) TO {member}",
        *(f"CREATE TABLE {name} ({_column_types(body)}\n)"
          for name, body in DERIVED_TABLES.items()),
        f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY",
        f"REVOKE ALL ON {TABLE} FROM PUBLIC",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {TABLE} TO {member}",
        f"CREATE POLICY {TABLE}_select ON {TABLE} FOR SELECT TO {member} USING ({_OWN})",
        f"CREATE POLICY {TABLE}_insert ON {TABLE} FOR INSERT TO {member} WITH CHECK ({_OWN})",
        f"CREATE POLICY {TABLE}_update ON {TABLE} FOR UPDATE TO {member} USING ({_OWN}) "
        f"WITH CHECK ({_OWN})",
        f"CREATE POLICY {TABLE}_delete ON {TABLE} FOR DELETE TO {member} USING ({_OWN})",
    ]  # fmt: skip
