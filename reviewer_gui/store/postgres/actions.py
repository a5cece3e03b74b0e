"""Which writes the server applied: a client-chosen id per writing transaction (issue 11, 4).

A connection can be lost while a transaction commits: the server may have committed it and
the answer never arrived. So every writing transaction of a PostgreSQL store ends with one
row of ``recist.applied_action``: the id the client chose for it (a random UUID) and the
audit record it appended, in the same transaction, so it exists if and only if the action
was applied. After reconnecting, the store looks the id up (:data:`LOOKUP`): found, the action
was applied once and is acknowledged now; not found, it was not applied and is reported as
not saved (the model then does not show it; the user does it again). The store never retries
a write by itself: a retry decided without the user could apply an action the user has
meanwhile given up on, and reporting it keeps one rule, "shown means saved".

Why an id and not a guess from the rows (the last ``change_log`` row of the user): an account
action, an export or an adjudicator's decision has no ``change_log`` row, and two writes of
the same user can look alike; the id answers for every kind of write with one primary key
lookup. Why a table of its own and not a field of the audit record: the audit records and
their hashes stay the same on both backends (a migrated file's chain, the exports), and the
table is PostgreSQL-only DDL, apart from the schema both backends share.

The table is append-only like every other (the same triggers), row-level secured (each user
inserts and sees only their own rows; the study administrator sees all), and holds nothing of
a read: an id, its user, the record's number and the server's time.
"""

from __future__ import annotations

from reviewer_gui.store.postgres.ddl import ident

#: The PostgreSQL-only tables this module adds to a project (the policy tests cover them).
TABLES = ("applied_action",)

#: The id row, last in a writing transaction; its record's number given, or (a change's
#: record, whose number the client did not wait for) the latest record the user may see:
#: their own just appended, since the transaction holds the chain's lock.
RECORD = ("INSERT INTO applied_action (action_id, seq) VALUES (?, coalesce(?::bigint, "
          "(SELECT max(seq) FROM audit_record)))")
LOOKUP = "SELECT seq FROM applied_action WHERE action_id = ?"
PRESENT = "SELECT to_regclass('recist.applied_action') IS NOT NULL"


def statements(prefix: str) -> list[str]:
    """The table, its protection and its grants (run by the owner, in schema ``recist``)."""
    member, admin = ident(f"{prefix}_member"), "recist.is_role('administrator')"
    table = "applied_action"
    return [
        f"""CREATE TABLE {table} (
            action_id uuid PRIMARY KEY,
            actor text COLLATE "C" NOT NULL DEFAULT session_user,
            seq bigint,
            at timestamptz NOT NULL DEFAULT clock_timestamp())""",
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        *(f"CREATE TRIGGER {table}_no_{event} BEFORE {event.upper()} ON {table} FOR EACH "
          f"{level} EXECUTE FUNCTION refuse_change()"
          for event, level in (("update", "ROW"), ("delete", "ROW"), ("truncate", "STATEMENT"))),
        f"GRANT SELECT, INSERT ON {table} TO {member}",
        f"CREATE POLICY {table}_select ON {table} FOR SELECT TO {member} "
        f"USING (actor = session_user OR {admin})",
        f"CREATE POLICY {table}_insert ON {table} FOR INSERT TO {member} "
        "WITH CHECK (actor = session_user)",
    ]  # fmt: skip
