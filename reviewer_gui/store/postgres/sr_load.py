"""The study administrator's one right on a reader's read: loading SRs of a read done
elsewhere into the reader's draft (``reviewer_gui.sr.migrate``, ``recist-review sr-load``).

Row-level security otherwise lets only a reader write their own read (``ddl.POLICIES``). These
statements (run by the owner after ``ddl.security_statements``) add, for the administrator's
group only, INSERT policies on ``change_log``, ``lesion_version``, ``observation_version`` and
``axis_measurement`` that hold only when:

- the row's change is the administrator's own (``actor``, ``recorded_by`` and ``measured_by``
  are ``session_user``), a saved lesion or observation (never a signature, re-read, series
  choice or retirement);
- the read is an active reader's (:func:`sr_loadable`, SECURITY DEFINER, checks the latest
  ``app_user`` version), at a timepoint where nobody else has recorded an observation and
  that is not signed; a lesion only when the read has no lesion of that id yet (the
  administrator adds lesions, never changes one).

A reader gains nothing (the policies and the function are the administrator group's); the
administrator cannot touch what a reader has entered or signed.
"""

from __future__ import annotations

from reviewer_gui.store.postgres.ddl import ident

_CHANGE = ("EXISTS (SELECT 1 FROM recist.change_log c WHERE c.change_id = {t}.change_id AND "
           "c.kind = '{kind}' AND c.actor = session_user AND c.case_id = {t}.case_id AND "
           "c.reader = {t}.reader AND c.lesion_id = {t}.lesion_id{more})")  # fmt: skip

#: Per table: what a row the administrator inserts into a reader's read must satisfy.
CHECKS = {
    "change_log": "actor = session_user AND reader IS NOT NULL AND kind IN ('save-lesion', "
                  "'save-observation') AND recist.sr_loadable(case_id, reader, timepoint)",
    "lesion_version": (
        "retired = 0 AND " + _CHANGE.format(t="lesion_version", kind="save-lesion", more="")
        + " AND NOT EXISTS (SELECT 1 FROM recist.lesion_version l WHERE l.case_id = "
        "lesion_version.case_id AND l.reader = lesion_version.reader AND l.lesion_id = "
        "lesion_version.lesion_id) AND recist.sr_loadable(case_id, reader, NULL)"),
    "observation_version": (
        "recorded_by = session_user AND coalesce(retracted, 0) = 0 AND " + _CHANGE.format(
            t="observation_version", kind="save-observation",
            more=" AND c.timepoint = observation_version.timepoint")
        + " AND recist.sr_loadable(case_id, reader, timepoint)"),
    "axis_measurement": (
        "measured_by = session_user AND EXISTS (SELECT 1 FROM recist.observation_version o "
        "WHERE o.change_id = axis_measurement.change_id AND o.recorded_by = session_user "
        "AND recist.sr_loadable(o.case_id, o.reader, o.timepoint))"),
}  # fmt: skip

_LOADABLE = """CREATE FUNCTION sr_loadable(p_case text, p_reader text, p_timepoint text)
    RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = recist, pg_temp AS $$
    SELECT is_role('administrator')
      AND EXISTS (SELECT 1 FROM app_user u WHERE u.name = p_reader AND u.role = 'reader'
                  AND u.active = 1 AND u.audit_seq = (SELECT max(v.audit_seq) FROM app_user v
                                                      WHERE v.name = p_reader))
      AND (p_timepoint IS NULL OR (
        NOT EXISTS (SELECT 1 FROM observation_version o WHERE o.case_id = p_case
                    AND o.reader = p_reader AND o.timepoint = p_timepoint
                    AND o.recorded_by <> session_user)
        AND NOT EXISTS (SELECT 1 FROM signature s WHERE s.case_id = p_case
                        AND s.reader = p_reader AND s.timepoint = p_timepoint
                        AND s.change_id > coalesce((SELECT max(r.change_id) FROM reread r
                            WHERE r.case_id = p_case AND r.reader = p_reader
                            AND r.timepoint = p_timepoint), 0)))) $$"""


def sr_load_statements(prefix: str) -> list[str]:
    """The function, grants and policies (run by the owner, search path ``recist``)."""
    admin = ident(f"{prefix}_administrator")
    statements = [_LOADABLE, "REVOKE ALL ON FUNCTION sr_loadable(text, text, text) FROM PUBLIC",
                  f"GRANT EXECUTE ON FUNCTION sr_loadable(text, text, text) TO {admin}"]
    for table, check in CHECKS.items():
        statements.append(f"GRANT INSERT ON {table} TO {admin}")
        statements.append(f"CREATE POLICY {table}_insert_sr_load ON {table} FOR INSERT "
                          f"TO {admin} WITH CHECK ({check})")  # fmt: skip
    return statements
