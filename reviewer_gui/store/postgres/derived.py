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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg

from reviewer_gui.store.base import StoreError
from reviewer_gui.store.derived import TABLE, StoredRegistration
from reviewer_gui.store.postgres.database import Database
from reviewer_gui.store.postgres.ddl import _column_types, ident
from reviewer_gui.store.postgres.reconnect import refusal
from reviewer_gui.store.schema import DERIVED_TABLES

#: The PostgreSQL tables this module adds to a project (the policy tests cover them).
TABLES = (TABLE,)
SELECT = "SELECT * FROM recist.my_registrations(?, ?)"
KEEP = "SELECT recist.keep_registration(?, ?, ?, ?, ?, ?)"
_OWN = "owner = session_user"
T = TypeVar("T")


class OwnRegistrations:
    """The PostgreSQL store's registrations: the signed-in login's, through the functions."""

    user: str
    _db: Database

    if TYPE_CHECKING:  # the store's (PostgresStore, ReconnectingStore)

        @property
        def location(self) -> str: ...

        def _query(self, sql: str, *parameters: Any) -> list[Any]: ...

        def _reading(self, read: Callable[[], T]) -> T: ...

    def registrations(self, owner: str, earlier_uid: str,
                      follow_up_uid: str) -> list[StoredRegistration]:  # fmt: skip
        """As ``SqlStore.registrations``, through ``recist.my_registrations``: the server
        gives a user their own rows only (another ``owner``'s: none)."""
        if owner != self.user:
            return []
        try:
            found = self._query(SELECT, earlier_uid, follow_up_uid)
        except psycopg.Error as error:
            raise StoreError(refusal(self.location, error)) from error
        return [StoredRegistration.of(row) for row in found]

    def keep_registration(self, registration: StoredRegistration) -> None:
        """As ``SqlStore.keep_registration``, through ``recist.keep_registration`` (the
        signed-in user's row only); replacing a row is idempotent, so it is done again once
        on a new connection if the connection was lost."""
        if registration.owner != self.user:
            raise StoreError(f"{self.location}: a registration is kept for the signed-in "
                             f"user ({self.user}) only, not {registration.owner}")  # fmt: skip
        try:
            self._reading(lambda: self._db.execute(KEEP, keep_values(registration)))
        except psycopg.Error as error:  # refused by the server (a CHECK)
            raise StoreError(refusal(self.location, error)) from error


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
