"""The PostgreSQL project: the same tables as the SQLite file, and the server's own rules.

The tables are ``reviewer_gui.store.schema``'s, translated (``INTEGER`` -> ``bigint``,
``REAL`` -> ``double precision``, text compared byte by byte like SQLite's), in the schema
``recist`` of a database that holds one project. What SQLite leaves to our Python code the
server enforces here, for any client (psql included):

- **Group roles** per project (``recist_<db>_<hash>_reader|adjudicator|administrator``, all
  members of ``..._member``), and ``..._owner`` (NOLOGIN) owning every object; each study user
  is a LOGIN role (SCRAM-SHA-256) in one group. Only members may connect; nobody but the owner
  may create anything in the database (no CONNECT, CREATE or TEMP for PUBLIC).
- **Row-level security** on every table (:data:`POLICIES`): a reader sees the de-identified
  structure, their own read, their own account rows and their own audit records; an
  adjudicator sees both reads of a subject once both are complete (:func:`adjudicable`); the
  study administrator sees everything. A table without a policy here is refused at creation.
- **Append-only**: no UPDATE, DELETE or TRUNCATE is granted to anyone, and triggers refuse them
  even to the owner (``<table>_no_update|no_delete|no_truncate``). The one table outside the
  record, each user's registrations (schema 6, derived data), is made and protected by
  ``postgres.derived``: replaced in place, its rows its owner's alone.
- **The audit chain** is appended only by ``recist.append_audit`` (SECURITY DEFINER): it takes
  a transaction-level advisory lock, refuses an actor other than ``session_user``, computes the
  record's SHA-256 over the same canonical JSON as ``reviewer_gui.store.audit.record_hash``
  (so ``reviewer_gui.store.verify`` checks a PostgreSQL chain unchanged) and inserts it. The
  record's time is the server's clock, whatever the client says. (``chain_lock`` and
  ``chain_append`` do the locking and appending, the owner's functions only: the refused
  sign-in's record is appended by ``recist.sign_in_refused``, ``store.postgres.signin``.)
- **Logins** are created only by ``recist.create_login`` (SECURITY DEFINER, owner has
  CREATEROLE): for an administrator, with a SCRAM verifier computed by the client (the password
  never reaches the server), refusing a name that is already a role of the cluster. An
  administrator resets another user's password with ``recist.reset_login``; an account locks
  (NOLOGIN) by ``recist.set_login``, called by the user's own session at the lockout
  threshold, and only an administrator unlocks it; each concerns the project's logins only.
  A user changes their own password on the server (``ALTER ROLE``, which PostgreSQL allows
  every role) and may add only a version of their own ``app_user`` row that changes nothing
  else.
- **Live queues**: a committed signature or re-read notifies ``recist_reads`` (no payload: any
  role may LISTEN to any channel), so the adjudicator's queue refreshes without polling.
"""

from __future__ import annotations

import hashlib
import re

from reviewer_gui.store.schema import (
    ACCOUNT_INDEXES,
    ACCOUNT_TABLES,
    ADDED_TABLES,
    ALL_TABLES,
    IMAGE_INDEXES,
    IMAGE_TABLES,
    INDEXES,
    REVIEW_INDEXES,
    REVIEW_TABLES,
    SERIES_INDEXES,
    TABLES,
)

SCHEMA = "recist"
ROLES = ("reader", "adjudicator", "administrator")
#: The channel notified (NOTIFY, no payload) when a signature or a re-read is committed.
READS_CHANNEL = "recist_reads"
#: The advisory lock that serialises the audit chain's appends (per database).
CHAIN_LOCK = "hashtext('recist-review audit chain')"

#: The marker stored as a PostgreSQL user's ``password_hash``: the server authenticates them;
#: no password material is in the project's tables.
SERVER_PASSWORD = "postgresql:scram-sha-256"

_READER = "recist.is_role('reader')"
_ADJUDICATOR = "recist.is_role('adjudicator')"
_ADMIN = "recist.is_role('administrator')"


def _own_read(table: str) -> str:
    return (f"reader = session_user OR {_ADMIN} OR "
            f"({_ADJUDICATOR} AND recist.adjudicable({table}.case_id))")  # fmt: skip


def _write_own_read(table: str) -> str:
    return (f"reader = session_user AND {_READER} AND EXISTS (SELECT 1 FROM recist.change_log c"
            f" WHERE c.change_id = {table}.change_id AND c.reader = session_user)")  # fmt: skip


_READS = ("lesion_version", "observation_version", "signature", "reread", "series_choice")
_OBSERVATION = ("EXISTS (SELECT 1 FROM recist.observation_version o "
                "WHERE o.change_id = axis_measurement.change_id{})")  # fmt: skip

#: Per table: (who may read which rows, {group: which rows it may insert}). ``True`` = all.
POLICIES: dict[str, tuple[str, dict[str, str]]] = {
    # the administrator records two settings later: the image location (``store.image_folder``)
    # and, at the first import, the id (never the content) of its de-identification key
    "project_info": ("true", {"administrator": "key IN ('images_folder', 'deid_key')"}),
    "change_log": (
        f"reader IS NULL OR {_own_read('change_log')}",
        {"reader": "actor = session_user AND reader = session_user",
         "administrator": "actor = session_user AND reader IS NULL"}),
    "subject": ("true", {"administrator": "true"}),
    "timepoint": ("true", {"administrator": "true"}),
    **{t: (_own_read(t), {"reader": _write_own_read(t)}) for t in _READS},
    "axis_measurement": (_OBSERVATION.format(""), {
        "reader": "measured_by = session_user AND "
                  + _OBSERVATION.format(" AND o.reader = session_user")}),
    "app_user": (f"name = session_user OR {_ADMIN}", {  # a user changes only their password
        **{group: f"name = session_user AND must_change = 0 AND active = 1 AND password_hash "
                  f"= '{SERVER_PASSWORD}' AND role = recist.role_of(session_user)"
           for group in ROLES},
        "administrator": "true"}),
    "audit_record": (f"actor = session_user OR {_ADMIN}", {}),
    "adjudication_setting": (f"{_ADJUDICATOR} OR {_ADMIN}", {"administrator": "true"}),
    "subject_reference": (f"{_ADJUDICATOR} OR {_ADMIN}", {"administrator": "true"}),
    "adjudication": (f"{_ADJUDICATOR} OR {_ADMIN}",
                     {"adjudicator": "signed_by = session_user"}),
    "account_event": (f"name = session_user OR {_ADMIN}", {  # nobody unlocks themself
        **{group: "name = session_user AND event <> 'unlocked'" for group in ROLES},
        "administrator": "true"}),
    "account_setting": ("true", {"administrator": "true"}),
    # the de-identified images' SHA-256s (schema 4): study structure, recorded by the import
    "image_file": ("true", {"administrator": "true"}),
    "image_update": ("true", {"administrator": "true"}),
}  # fmt: skip



def role_prefix(database: str) -> str:
    """The project's group roles' prefix (role names are the cluster's, so unique per db)."""
    slug = re.sub(r"[^a-z0-9]+", "_", database.lower()).strip("_")[:28] or "db"
    return f"recist_{slug}_{hashlib.sha256(database.encode()).hexdigest()[:6]}"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A quoted SQL string literal (standard_conforming_strings, PostgreSQL's default)."""
    return "'" + text.replace("'", "''") + "'"


def _column_types(body: str) -> str:
    body = body.replace("INTEGER PRIMARY KEY AUTOINCREMENT",
                        "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")  # fmt: skip
    body = re.sub(r"\bINTEGER\b", "bigint", body)
    body = re.sub(r"\bREAL\b", "double precision", body)
    return re.sub(r"\bTEXT\b", 'text COLLATE "C"', body)


def table_statements() -> list[str]:
    """The tables and indexes (created by the owner, in schema ``recist``)."""
    bodies = {**TABLES, **REVIEW_TABLES, **ADDED_TABLES, **ACCOUNT_TABLES, **IMAGE_TABLES}
    missing = [t for t in ALL_TABLES if t not in POLICIES]
    if missing:
        raise RuntimeError(f"no row-level security policy for table(s) {', '.join(missing)}: "
                           "add them to reviewer_gui.store.postgres.ddl.POLICIES")  # fmt: skip
    statements = [f"CREATE TABLE {name} ({_column_types(bodies[name])}\n)" for name in ALL_TABLES]
    statements.append("CREATE TABLE store_version (application_id bigint NOT NULL, "
                      "schema_version integer NOT NULL, role_prefix text NOT NULL)")  # fmt: skip
    statements.extend((*INDEXES, *REVIEW_INDEXES, *SERIES_INDEXES, *ACCOUNT_INDEXES,
                       *IMAGE_INDEXES))
    return statements


def function_statements(prefix: str) -> list[str]:
    """The helper, chain and login functions (owned by the owner)."""
    member, owner = literal(prefix + "_member"), literal(prefix + "_owner")
    return [
        f"""CREATE FUNCTION is_role(p_role text) RETURNS boolean LANGUAGE sql STABLE
            SET search_path = recist, pg_temp AS $$
            SELECT pg_has_role(session_user, {literal(prefix)} || '_' || p_role, 'MEMBER') $$""",
        """CREATE FUNCTION adjudicable(p_case text) RETURNS boolean LANGUAGE sql STABLE
            SECURITY DEFINER SET search_path = recist, pg_temp AS $$
            SELECT (is_role('adjudicator') OR is_role('administrator'))
                   AND count(*) >= 2 FROM (
              SELECT s.reader FROM signature s
              WHERE s.case_id = p_case
                AND s.change_id = (SELECT max(x.change_id) FROM signature x WHERE x.case_id =
                    s.case_id AND x.reader = s.reader AND x.timepoint = s.timepoint)
                AND s.change_id > coalesce((SELECT max(r.change_id) FROM reread r WHERE
                    r.case_id = s.case_id AND r.reader = s.reader AND r.timepoint =
                    s.timepoint), 0)
              GROUP BY s.reader
              HAVING count(DISTINCT s.timepoint) =
                     (SELECT count(*) FROM timepoint t WHERE t.case_id = p_case)) complete $$""",
        """CREATE FUNCTION role_of(p_name text) RETURNS text LANGUAGE sql STABLE
            SECURITY DEFINER SET search_path = recist, pg_temp AS $$
            SELECT role FROM app_user WHERE name = p_name ORDER BY audit_seq DESC LIMIT 1 $$""",
        f"""CREATE FUNCTION project_login(p_name text) RETURNS boolean LANGUAGE sql STABLE
            SET search_path = recist, pg_temp AS $$
            SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p_name AND NOT r.rolsuper
                           AND pg_has_role(r.oid, {member}, 'MEMBER')
                           AND NOT pg_has_role(r.oid, {owner}, 'MEMBER')) $$""",
        """CREATE FUNCTION set_login(p_name text, p_login boolean) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = recist, pg_temp AS $$
            BEGIN
              IF NOT project_login(p_name) THEN
                RAISE EXCEPTION '% is not a user of this project', p_name
                  USING ERRCODE = '42501';
              END IF;
              IF NOT (is_role('administrator') OR (p_name = session_user AND NOT p_login)) THEN
                RAISE EXCEPTION 'only the study administrator unlocks an account'
                  USING ERRCODE = '42501';
              END IF;
              EXECUTE format('ALTER ROLE %I %s', p_name,
                             CASE WHEN p_login THEN 'LOGIN' ELSE 'NOLOGIN' END);
            END $$""",
        """CREATE FUNCTION reset_login(p_name text, p_verifier text) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = recist, pg_temp AS $$
            BEGIN
              IF NOT is_role('administrator') OR p_name = session_user
                 OR NOT project_login(p_name) THEN
                RAISE EXCEPTION 'only the study administrator resets another user''s password'
                  USING ERRCODE = '42501';
              END IF;
              IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
                RAISE EXCEPTION 'a SCRAM-SHA-256 verifier, never a password'
                  USING ERRCODE = '22023';
              END IF;
              EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', p_name, p_verifier);
            END $$""",
        f"""CREATE FUNCTION notify_reads() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              -- no payload: any role of the database may LISTEN to any channel
              PERFORM pg_notify({literal(READS_CHANNEL)}, '');
              RETURN NULL;
            END $$""",
        """CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION '% is append-only: add a new version, never change or delete a '
                'recorded row', TG_TABLE_NAME USING ERRCODE = '42501';
            END $$""",
        f"""CREATE FUNCTION chain_lock() RETURNS bigint LANGUAGE plpgsql
            SET search_path = recist, pg_temp AS $$
            BEGIN  -- the owner's functions only (granted to nobody)
              PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
              RETURN coalesce((SELECT max(seq) FROM audit_record), 0) + 1;
            END $$""",
        f"""CREATE FUNCTION lock_audit_chain() RETURNS bigint LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = recist, pg_temp AS $$
            BEGIN
              IF NOT (pg_has_role(session_user, {member}, 'MEMBER')
                      OR pg_has_role(session_user, {owner}, 'MEMBER')) THEN
                RAISE EXCEPTION '% is not a user of this reading project', session_user
                  USING ERRCODE = '42501';
              END IF;
              RETURN chain_lock();
            END $$""",
        """CREATE FUNCTION append_audit(p_actor text, p_action text, p_at text,
              p_change_id bigint, p_case_id text, p_reader text, p_timepoint text,
              p_lesion_id text, p_reason text, p_before text, p_after text)
            RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = recist, pg_temp AS $$
            BEGIN
              IF p_actor IS DISTINCT FROM session_user::text THEN
                RAISE EXCEPTION 'an audit record is appended by its actor only: % is signed '
                  'in, not %', session_user, p_actor USING ERRCODE = '42501';
              END IF;
              RETURN chain_append(p_actor, p_action, p_change_id, p_case_id, p_reader,
                                  p_timepoint, p_lesion_id, p_reason, p_before, p_after);
            END $$""",
        """CREATE FUNCTION chain_append(p_actor text, p_action text, p_change_id bigint,
              p_case_id text, p_reader text, p_timepoint text, p_lesion_id text,
              p_reason text, p_before text, p_after text)
            RETURNS bigint LANGUAGE plpgsql SET search_path = recist, pg_temp AS $$
            DECLARE  -- the owner's functions only (granted to nobody): append_audit checks
              v_seq bigint; v_prev text; v_content text; v_hash text; p_at text;
            BEGIN
              v_seq := chain_lock();
              -- the record's time is the server's, never the client's (p_at is ignored)
              p_at := to_char(clock_timestamp() AT TIME ZONE 'UTC',
                              'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
              v_prev := coalesce((SELECT hash FROM audit_record WHERE seq = v_seq - 1),
                                 repeat('0', 64));
              v_content := '{"action":' || j(p_action) || ',"actor":' || j(p_actor)
                || ',"after":' || j(p_after) || ',"at":' || j(p_at)
                || ',"before":' || j(p_before) || ',"case_id":' || j(p_case_id)
                || ',"change_id":' || coalesce(p_change_id::text, 'null')
                || ',"lesion_id":' || j(p_lesion_id) || ',"prev_hash":' || j(v_prev)
                || ',"reader":' || j(p_reader) || ',"reason":' || j(p_reason)
                || ',"seq":' || v_seq || ',"timepoint":' || j(p_timepoint) || '}';
              v_hash := encode(sha256(convert_to(v_content, 'UTF8')), 'hex');
              INSERT INTO audit_record (seq, at, actor, action, change_id, case_id, reader,
                  timepoint, lesion_id, reason, before, after, prev_hash, hash, seal)
                VALUES (v_seq, p_at, p_actor, p_action, p_change_id, p_case_id, p_reader,
                  p_timepoint, p_lesion_id, p_reason, p_before, p_after, v_prev, v_hash, NULL);
              RETURN v_seq;
            END $$""",
        """CREATE FUNCTION j(p text) RETURNS text LANGUAGE sql IMMUTABLE
            SET search_path = recist, pg_temp AS $$
            SELECT coalesce(to_json(p)::text, 'null') $$""",
        f"""CREATE FUNCTION create_login(p_name text, p_role text, p_verifier text)
            RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = recist, pg_temp AS $$
            BEGIN
              IF NOT (is_role('administrator')
                      OR pg_has_role(session_user, {owner}, 'MEMBER')) THEN
                RAISE EXCEPTION 'only the study administrator adds users' USING ERRCODE = '42501';
              END IF;
              IF p_role NOT IN ('reader', 'adjudicator', 'administrator') THEN
                RAISE EXCEPTION 'no role %', p_role USING ERRCODE = '22023';
              END IF;
              IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
                RAISE EXCEPTION 'a SCRAM-SHA-256 verifier, never a password'
                  USING ERRCODE = '22023';
              END IF;
              IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_name) THEN
                RAISE EXCEPTION 'a role named % exists already on this PostgreSQL server: '
                  'choose another user name', p_name USING ERRCODE = '42710';
              END IF;
              EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I, %I', p_name,
                             p_verifier, {literal(prefix)} || '_' || p_role, {member});
            END $$""",
    ]  # fmt: skip


def security_statements(prefix: str, database: str) -> list[str]:
    """Triggers, grants and row-level security policies (run by the owner)."""
    group = {role: ident(f"{prefix}_{role}") for role in (*ROLES, "member")}
    statements = [
        f"REVOKE ALL ON DATABASE {ident(database)} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {ident(database)} TO {group['member']}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {group['member']}",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {SCHEMA} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION is_role(text), adjudicable(text), j(text), "
        f"lock_audit_chain(), append_audit(text, text, text, bigint, text, text, text, text, "
        f"text, text, text) TO {group['member']}",
        f"GRANT EXECUTE ON FUNCTION create_login(text, text, text), reset_login(text, text) "
        f"TO {group['administrator']}",
        f"GRANT EXECUTE ON FUNCTION role_of(text), project_login(text), set_login(text, "
        f"boolean) TO {group['member']}",
    ]
    for table in (*ALL_TABLES, "store_version"):
        statements.append(f"GRANT SELECT ON {table} TO {group['member']}")
        statements.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for event, level in (("update", "ROW"), ("delete", "ROW"), ("truncate", "STATEMENT")):
            statements.append(f"CREATE TRIGGER {table}_no_{event} BEFORE {event.upper()} ON "
                              f"{table} FOR EACH {level} EXECUTE FUNCTION refuse_change()")
        visible, inserts = POLICIES.get(table, ("true", {}))
        statements.append(f"CREATE POLICY {table}_select ON {table} FOR SELECT "
                          f"TO {group['member']} USING ({visible})")  # fmt: skip
        for role, check in inserts.items():
            statements.append(f"GRANT INSERT ON {table} TO {group[role]}")
            statements.append(f"CREATE POLICY {table}_insert_{role} ON {table} FOR INSERT "
                              f"TO {group[role]} WITH CHECK ({check})")  # fmt: skip
    for table in ("signature", "reread"):  # a read completed or reopened: queues refresh
        statements.append(f"CREATE TRIGGER {table}_notify AFTER INSERT ON {table} "
                          "FOR EACH STATEMENT EXECUTE FUNCTION notify_reads()")
    statements.append(f"GRANT USAGE ON SEQUENCE change_log_change_id_seq TO "
                      f"{group['reader']}, {group['administrator']}")  # fmt: skip
    return statements
