"""Failed sign-ins on a PostgreSQL project: recorded and counted towards the lockout, as on a
project file (``reviewer_gui.review.lockout``).

On a project file the program checks the password, so it records a wrong one. On the server,
PostgreSQL checks it, and a refused login has no session to record anything with. So the
server has one more login, :data:`GATE` (one per cluster, shared by its projects), whose
password is public (:data:`GATE_PASSWORD`): it authenticates nobody and may do one thing,
call ``recist.sign_in_refused(name)`` in the databases of the projects (CONNECT and EXECUTE
only; no table, no row). The program calls it after the server refused a name and password.
The function, not the caller, decides what is recorded (SECURITY DEFINER, in one transaction
on the audit chain's lock): for a user of the project a ``sign-in-refused`` record and an
``account_event`` row with the consecutive failures, exactly the rows and record a project
file gets; at the project's threshold the login becomes NOLOGIN (locked) until the study
administrator unlocks it; a locked or deactivated account's refusal and an unknown name are
recorded without counting (a login made NOLOGIN by the server's administrator too).

What it cannot do: tell a wrong password from a claimed one. Anyone who reaches the server
could lock an account by calling it, as they could by typing wrong passwords; and a client
that never calls it (psql) is not counted: that is the server's to limit (``auth_delay`` in
``shared_preload_libraries``, the server log of failed logins watched). The gate sees the
system catalogs, as every login does (role names among them), and nothing of a project.
"""

from __future__ import annotations

from typing import Any

import psycopg

from reviewer_gui.store.postgres.connect import SignInRefused, display
from reviewer_gui.store.postgres.ddl import literal

#: The sign-in gate's login (one per cluster) and its public password (not a secret).
GATE = "recist_review_sign_in"
GATE_PASSWORD = "recist-review-sign-in-gate"


def gate_statements(prefix: str, database: str, gate_exists: bool) -> list[str]:
    """The function (created by the project's owner) and the gate's grants."""
    create_gate = [] if gate_exists else [
        f"CREATE ROLE {GATE} LOGIN PASSWORD {literal(GATE_PASSWORD)} NOSUPERUSER NOINHERIT "
        "NOCREATEDB NOCREATEROLE"]  # fmt: skip
    return [*create_gate, _FUNCTION.format(prefix=literal(prefix)),
            "REVOKE ALL ON FUNCTION sign_in_refused(text) FROM PUBLIC",
            f"GRANT USAGE ON SCHEMA recist TO {GATE}",
            f"GRANT EXECUTE ON FUNCTION sign_in_refused(text) TO {GATE}",
            *database_grants(database)]  # fmt: skip


def database_grants(database: str) -> list[str]:
    """What a copy of the database needs again (CONNECT is a database's, not its content's)."""
    return [f'GRANT CONNECT ON DATABASE "{database.replace(chr(34), chr(34) * 2)}" TO {GATE}']


def gate_exists(connection: psycopg.Connection[Any]) -> bool:
    return connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                              (GATE,)).fetchone() is not None  # fmt: skip


def record_refusal(url: str, name: str) -> str | None:
    """Tell the project at ``url`` that the server refused ``name``'s sign-in; what the
    account is after it (``failed``, ``locked``, ``deactivated``, ``disabled``: NOLOGIN given
    by the server's administrator, or ``unknown``), or ``None``
    when that could not be recorded (no gate on this server, the server gone)."""
    try:
        with psycopg.connect(url, user=GATE, password=GATE_PASSWORD, connect_timeout=10,
                             autocommit=True, application_name="recist-review") as gate:
            row = gate.execute("SELECT recist.sign_in_refused(%s)", (name,)).fetchone()
    except psycopg.Error:
        return None
    return None if row is None else str(row[0])


def refused_sign_in(url: str, user: str, refused: SignInRefused) -> SignInRefused:
    """The server refused ``user``: record it (:func:`record_refusal`); the refusal to
    raise, the locked account's when this one locked it."""
    if record_refusal(url, user) == "locked":  # by this refusal, or before it
        return SignInRefused(
            f"{display(url)}: {user}'s account is locked after repeated wrong passwords: the "
            f"study administrator can unlock it (recist-review users unlock URL {user} --admin "
            "NAME)")  # fmt: skip
    return refused


_FUNCTION = """CREATE FUNCTION sign_in_refused(p_name text) RETURNS text LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = recist, pg_temp AS $$
    DECLARE
      v_seq bigint; v_active bigint; v_limit bigint := 5; v_setting text;
      v_last bigint; v_event text; v_failures bigint; v_locked bigint;
      v_before text := '{{}}'; v_reason text; v_known boolean;
    BEGIN
      v_seq := chain_lock();
      SELECT active INTO v_active FROM app_user WHERE name = p_name
        ORDER BY audit_seq DESC LIMIT 1;
      v_known := v_active IS NOT NULL AND EXISTS (
        SELECT 1 FROM pg_roles r WHERE r.rolname = p_name AND NOT r.rolsuper
          AND pg_has_role(r.oid, {prefix} || '_member', 'MEMBER'));
      IF NOT v_known THEN  -- never the name itself: it may be a password typed there
        PERFORM chain_append('(unknown user)', 'sign-in-refused', NULL, NULL, NULL, NULL,
                             NULL, 'no such user', '{{}}', '{{}}');
        RETURN 'unknown';
      END IF;
      IF v_active = 0 THEN
        PERFORM chain_append(p_name, 'sign-in-refused', NULL, NULL, NULL, NULL, NULL,
                             'user deactivated', '{{}}', '{{}}');
        RETURN 'deactivated';
      END IF;
      SELECT audit_seq, event, failures, locked INTO v_last, v_event, v_failures, v_locked
        FROM account_event WHERE name = p_name ORDER BY audit_seq DESC LIMIT 1;
      IF v_locked = 1 THEN
        PERFORM chain_append(p_name, 'sign-in-refused', NULL, NULL, NULL, NULL, NULL,
                             'account locked', '{{}}', '{{}}');
        RETURN 'locked';
      END IF;
      IF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = p_name) THEN
        -- NOLOGIN given on the server by its administrator: no password was checked
        PERFORM chain_append(p_name, 'sign-in-refused', NULL, NULL, NULL, NULL, NULL,
                             'login disabled on the server', '{{}}', '{{}}');
        RETURN 'disabled';
      END IF;
      IF v_last IS NOT NULL THEN
        v_before := '{{"account_event":[{{"audit_seq":' || v_last || ',"event":'
          || j(v_event) || ',"failures":' || v_failures || ',"locked":' || v_locked
          || ',"name":' || j(p_name) || '}}]}}';
      END IF;
      SELECT value INTO v_setting FROM account_setting WHERE name = 'lockout_attempts'
        ORDER BY audit_seq DESC LIMIT 1;
      IF v_setting ~ '^[1-9][0-9]{{0,3}}$' THEN
        v_limit := v_setting::bigint;
      END IF;
      v_failures := coalesce(v_failures, 0) + 1;
      v_locked := CASE WHEN v_failures >= v_limit THEN 1 ELSE 0 END;
      INSERT INTO account_event (audit_seq, name, event, failures, locked)
        VALUES (v_seq, p_name, 'failed', v_failures, v_locked);
      v_reason := 'wrong password' || CASE WHEN v_locked = 1 THEN '; account locked after '
        || v_failures || ' consecutive failed password checks' ELSE '' END;
      PERFORM chain_append(p_name, 'sign-in-refused', NULL, NULL, NULL, NULL, NULL, v_reason,
        v_before, '{{"account_event":[{{"audit_seq":' || v_seq || ',"event":"failed",'
        || '"failures":' || v_failures || ',"locked":' || v_locked || ',"name":' || j(p_name)
        || '}}]}}');
      IF v_locked = 1 THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
        RETURN 'locked';
      END IF;
      RETURN 'failed';
    END $$"""
