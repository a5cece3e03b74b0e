"""The derived data of a PostgreSQL project (schema 6): each user's registrations, theirs
alone (``reviewer_gui.store.derived``).

The table is ``schema.DERIVED_TABLES``'s, translated like every other (``ddl``), in schema
``recist``. Unlike the record's tables it is not append-only (a user replaces their row of a
pair) and no audit record covers it. No role of the project may touch the table itself (no
grant): a user reads their rows through ``recist.my_registrations(earlier, follow_up)`` and
replaces their row of a pair through ``recist.keep_registration(...)``, both SECURITY DEFINER
and both for ``session_user`` only, whatever their group (reader, adjudicator, study
administrator). Row-level security is forced on the table, the owner's functions included:
every row is its owner's login's (``owner = session_user``) to see, write or delete. So a
user cannot name another's row, an insert never meets another user's key (the key starts
with the owner), and no plan of the table is theirs to EXPLAIN (a plan's "rows removed by
filter" would count other users' rows). The CHECKs bound each column's length and the JSON
(``recist.json_valid``), so the table is not a dumping ground.
"""

from __future__ import annotations

from typing import Any

from reviewer_gui.store.derived import TABLE, StoredRegistration
from reviewer_gui.store.postgres.ddl import _column_types, ident
from reviewer_gui.store.schema import DERIVED_TABLES

#: The PostgreSQL tables this module adds to a project (the policy tests cover them).
TABLES = (TABLE,)
SELECT = "SELECT * FROM recist.my_registrations(?, ?)"
KEEP = "SELECT recist.keep_registration(?, ?, ?, ?, ?, ?)"
_OWN = "owner = session_user"


def keep_values(registration: StoredRegistration) -> tuple[Any, ...]:
    """:data:`KEEP`'s parameters (the owner is the session's login, never a parameter)."""
    return (registration.earlier_series_uid, registration.follow_up_series_uid,
            registration.inputs_sha256, registration.method, registration.registration,
            registration.created_at)  # fmt: skip


def statements(prefix: str) -> list[str]:
    """The JSON check, the table, its policy and its two functions (run by the owner, in
    ``recist``)."""
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
        *(f"CREATE TABLE {name} ({_column_types(body)}\n)"
          for name, body in DERIVED_TABLES.items()),
        f"REVOKE ALL ON {TABLE} FROM PUBLIC",
        f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {TABLE} FORCE ROW LEVEL SECURITY",  # the functions' owner too
        f"CREATE POLICY {TABLE}_own ON {TABLE} USING ({_OWN}) WITH CHECK ({_OWN})",
        f"""CREATE FUNCTION my_registrations(p_earlier text, p_follow_up text)
            RETURNS SETOF {TABLE} LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = recist, pg_temp AS $$
            SELECT * FROM {TABLE} WHERE owner = session_user
              AND earlier_series_uid = p_earlier AND follow_up_series_uid = p_follow_up $$""",
        f"""CREATE FUNCTION keep_registration(p_earlier text, p_follow_up text,
              p_inputs_sha256 text, p_method text, p_registration text, p_created_at text)
            RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = recist, pg_temp AS $$
            DELETE FROM {TABLE} WHERE owner = session_user
              AND earlier_series_uid = p_earlier AND follow_up_series_uid = p_follow_up;
            INSERT INTO {TABLE} (owner, earlier_series_uid, follow_up_series_uid,
                inputs_sha256, method, registration, created_at)
              VALUES (session_user, p_earlier, p_follow_up, p_inputs_sha256, p_method,
                      p_registration, p_created_at) $$""",
        "REVOKE ALL ON FUNCTION my_registrations(text, text), keep_registration(text, text, "
        "text, text, text, text) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION my_registrations(text, text), keep_registration(text, "
        f"text, text, text, text, text) TO {member}",
    ]  # fmt: skip
