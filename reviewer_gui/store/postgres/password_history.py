"""The passwords a PostgreSQL user had: a new one must differ from the current and the
previous one, as on a project file (``reviewer_gui.review.accounts``).

The server keeps only the current password's verifier (``pg_authid``, which no role of the
project can read). So every password set through the program (a new user's, a reset's
temporary one, a user's own change) is recorded in ``recist.password_verifier`` too: a
SCRAM-SHA-256 verifier computed by the client with a fresh salt (not the one the server
keeps), never the password. The table is append-only (the same triggers as every other) and
no role of the project may read or write it directly (row-level security, no grant): rows are
added only by ``recist.record_password`` (SECURITY DEFINER: for one's own name, or by the
study administrator for a login of the project, when adding a user or resetting a password),
and read only by ``recist.my_password_verifiers()``, which returns ``session_user``'s last two
verifiers and nobody else's. The client checks a candidate password against them
(:func:`~reviewer_gui.store.postgres.connect.scram_matches`: PBKDF2 and HMAC, on the client),
so a candidate password never travels in a statement.

A project created before this table has none: there only the current password is refused
(the server's sign-in check), as the README's threat model says.
"""

from __future__ import annotations

from reviewer_gui.store.postgres.ddl import ident, literal

#: The PostgreSQL-only tables this module adds to a project (the policy tests cover them).
TABLES = ("password_verifier",)

PRESENT = "SELECT to_regproc('recist.my_password_verifiers') IS NOT NULL"
RECORD = "SELECT recist.record_password(?, ?)"
RECENT = "SELECT verifier FROM recist.my_password_verifiers()"

#: A SCRAM-SHA-256 verifier: iterations:salt$StoredKey:ServerKey (base64).
_VERIFIER = r"'^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$'"


def statements(prefix: str) -> list[str]:
    """The table, its protection and its two functions (run by the owner, in ``recist``)."""
    member, owner = ident(f"{prefix}_member"), literal(f"{prefix}_owner")
    table = "password_verifier"
    return [
        f"""CREATE TABLE {table} (
            id bigserial PRIMARY KEY,
            name text COLLATE "C" NOT NULL,
            verifier text NOT NULL CHECK (verifier LIKE 'SCRAM-SHA-256$%'),
            set_by text COLLATE "C" NOT NULL DEFAULT session_user,
            at timestamptz NOT NULL DEFAULT clock_timestamp())""",
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"REVOKE ALL ON {table} FROM PUBLIC",  # no grant, and no row for anyone anyway:
        f"CREATE POLICY {table}_select ON {table} FOR SELECT USING (false)",
        *(f"CREATE TRIGGER {table}_no_{event} BEFORE {event.upper()} ON {table} FOR EACH "
          f"{level} EXECUTE FUNCTION refuse_change()"
          for event, level in (("update", "ROW"), ("delete", "ROW"), ("truncate", "STATEMENT"))),
        f"""CREATE FUNCTION record_password(p_name text, p_verifier text) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = recist, pg_temp AS $$
            BEGIN
              IF NOT (p_name = session_user OR pg_has_role(session_user, {owner}, 'MEMBER')
                      OR (is_role('administrator') AND project_login(p_name))) THEN
                RAISE EXCEPTION 'only the user, or the study administrator, records a '
                  'user''s password' USING ERRCODE = '42501';
              END IF;
              IF p_verifier !~ {_VERIFIER} THEN
                RAISE EXCEPTION 'a SCRAM-SHA-256 verifier, never a password'
                  USING ERRCODE = '22023';
              END IF;
              INSERT INTO {table} (name, verifier) VALUES (p_name, p_verifier);
            END $$""",
        f"""CREATE FUNCTION my_password_verifiers() RETURNS TABLE (verifier text)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = recist, pg_temp AS $$
            SELECT v.verifier FROM {table} v WHERE v.name = session_user
            ORDER BY v.id DESC LIMIT 2 $$""",
        "REVOKE ALL ON FUNCTION record_password(text, text), my_password_verifiers() "
        "FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION record_password(text, text), my_password_verifiers() "
        f"TO {member}",
    ]  # fmt: skip
