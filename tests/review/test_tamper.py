"""Tampering with the database behind the application's back (the sqlite3 shell, triggers
dropped first) is caught by the audit verification, which names the first broken record."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.store import SCHEMA_VERSION, Store, open_project
from reviewer_gui.store.audit import GENESIS, canonical, record_hash
from reviewer_gui.store.schema import ALL_TABLES
from reviewer_gui.store.verify import AuditReport, connect, verify

from .kit import ALICE, BOB, PLANE, add_case, mm, read_baseline, read_follow_up, seq_of

KEY = b"kept-apart-by-the-study-administrator"


def build(path: Path, *, audit_key: bytes | None = None) -> Path:
    """Two readers' baselines (alice's re-read once: T1 30 then 31 mm) and alice's M2."""
    project, store = open_project(path, RecistEngine(), audit_key=audit_key)
    with store:
        add_case(project)
        for key, target in ((ALICE, 30), (BOB, 32)):
            read_baseline(project, key, target)
            project.sign(key, "BASELINE")
        project.reread(ALICE, "BASELINE", reason="T1 on the wrong slice")
        project.measure(ALICE, "BASELINE", "T1", mm(31), PLANE)
        project.sign(ALICE, "BASELINE")
        read_follow_up(project, ALICE, "M2", 24)
        project.sign(ALICE, "M2")
    return path


def check(path: Path, **options: object) -> AuditReport:
    db = connect(path)
    try:
        return verify(db, **options)  # type: ignore[arg-type]
    finally:
        db.close()


def tamper(path: Path, *statements: str) -> None:
    """What someone with the sqlite3 shell does: drop the triggers, then edit."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA foreign_keys = OFF")
    for table in ALL_TABLES:
        for event in ("update", "delete"):
            db.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    for statement in statements:
        db.execute(statement)
    db.close()


def first_observation(path: Path) -> tuple[int, int]:
    """alice's first baseline measurement: its audit record and its change id."""
    seq = seq_of(path, "save-observation", reader="alice")
    change = sqlite3.connect(path).execute(
        "SELECT change_id FROM audit_record WHERE seq = ?", (seq,)).fetchone()[0]  # fmt: skip
    return seq, change


def test_an_untouched_project_verifies(tmp_path: Path) -> None:
    report = check(build(tmp_path / "p.db"))
    assert report.intact, report.problems
    assert report.first_broken is None
    db = sqlite3.connect(tmp_path / "p.db")
    last = db.execute("SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1").fetchone()
    assert report.head == f"{last[0]}:{last[1]}"
    assert report.records == last[0] == db.execute("SELECT count(*) FROM change_log").fetchone(
    )[0] + 1  # one record per change, and the project's creation


def edit_a_length(path: Path) -> tuple[int, str]:
    seq, change = first_observation(path)
    tamper(path, f"UPDATE axis_measurement SET length_mm = '12.0' WHERE change_id = {change}")
    return seq, "axis_measurement.length_mm was '30.0' when recorded, is '12.0' now"


def edit_a_length_and_its_record(path: Path) -> tuple[int, str]:
    seq, change = first_observation(path)
    after = sqlite3.connect(path).execute("SELECT after FROM audit_record WHERE seq = ?",
                                          (seq,)).fetchone()[0]  # fmt: skip
    forged = after.replace('"length_mm":"30.0"', '"length_mm":"12.0"')
    assert forged != after
    tamper(path, f"UPDATE axis_measurement SET length_mm = '12.0' WHERE change_id = {change}",
           f"UPDATE audit_record SET after = '{forged}' WHERE seq = {seq}")
    return seq, "no longer matches its hash: the record was edited"


def edit_a_reread_reason(path: Path) -> tuple[int, str]:
    seq = seq_of(path, "reread-timepoint")
    tamper(path, "UPDATE change_log SET reason = 'routine' WHERE kind = 'reread-timepoint'")
    return seq, "change_log.reason was 'T1 on the wrong slice' when recorded, is 'routine'"


def move_a_signature(path: Path) -> tuple[int, str]:
    seq = seq_of(path, "sign-timepoint", reader="bob")
    tamper(path, "UPDATE signature SET signed_by = 'alice' WHERE reader = 'bob'")
    return seq, "signature.signed_by was 'bob' when recorded, is 'alice' now"


def delete_a_record(path: Path) -> tuple[int, str]:
    seq = seq_of(path, "sign-timepoint", reader="bob")
    tamper(path, f"DELETE FROM audit_record WHERE seq = {seq}")
    return seq, f"record {seq} is missing (deleted)"


def delete_a_change_and_its_record(path: Path) -> tuple[int, str]:
    seq = seq_of(path, "sign-timepoint", reader="bob")
    change = f"(SELECT change_id FROM audit_record WHERE seq = {seq})"
    tamper(path, f"DELETE FROM signature WHERE change_id = {change}",
           f"DELETE FROM change_log WHERE change_id = {change}",
           f"DELETE FROM audit_record WHERE seq = {seq}")  # fmt: skip
    return seq, f"record {seq} is missing (deleted)"


def delete_a_signature_row(path: Path) -> tuple[int, str]:
    seq = seq_of(path, "sign-timepoint", reader="bob")
    tamper(path, "DELETE FROM signature WHERE reader = 'bob'")
    return seq, "signature had 1 row(s) when recorded, 0 now"


def swap_two_records(path: Path) -> tuple[int, str]:
    seq = seq_of(path, "sign-timepoint", reader="bob")
    tamper(path, f"UPDATE audit_record SET seq = -1 WHERE seq = {seq}",
           f"UPDATE audit_record SET seq = {seq} WHERE seq = {seq + 1}",
           f"UPDATE audit_record SET seq = {seq + 1} WHERE seq = -1")  # fmt: skip
    return seq, "does not follow record"


def swap_two_versions(path: Path) -> tuple[int, str]:
    """Make alice's first baseline length the current one again by swapping change ids."""
    seq, change = first_observation(path)
    later = sqlite3.connect(path).execute(
        "SELECT max(change_id) FROM axis_measurement a JOIN observation_version o "
        "USING (change_id) WHERE o.reader = 'alice' AND o.timepoint = 'BASELINE'").fetchone()[0]
    assert later != change
    swaps = ((-1, change), (change, later), (later, -1))
    tamper(path, *(f"UPDATE axis_measurement SET change_id = {a} WHERE change_id = {b}"
                   for a, b in swaps))  # fmt: skip
    return seq, "axis_measurement.end_col was 100.0 when recorded, is 102.0 now"


def insert_a_forged_record(path: Path) -> tuple[int, str]:
    """A forged record squeezed in between two, its own hash computed correctly."""
    seq = seq_of(path, "sign-timepoint", reader="bob")
    db = sqlite3.connect(path)
    names = [d[1] for d in db.execute("PRAGMA table_info(audit_record)")]
    rows = [dict(zip(names, r, strict=True))
            for r in db.execute("SELECT * FROM audit_record WHERE seq >= ? ORDER BY seq DESC",
                                (seq,))]  # fmt: skip
    db.close()
    shifts = [f"UPDATE audit_record SET seq = {r['seq'] + 1} WHERE seq = {r['seq']}"
              for r in rows]  # fmt: skip
    previous = sqlite3.connect(path).execute(
        "SELECT hash FROM audit_record WHERE seq = ?", (seq - 1,)).fetchone()[0]  # fmt: skip
    forged = {"seq": seq, "at": "2024-01-08T09:00:00+00:00", "actor": "bob", "action": "note",
              "change_id": None, "case_id": None, "reader": None, "timepoint": None,
              "lesion_id": None, "reason": "", "before": "{}", "after": "{}",
              "prev_hash": previous}  # fmt: skip
    forged["hash"] = record_hash(forged)
    values = ", ".join("NULL" if v is None else repr(str(v)) if isinstance(v, str) else str(v)
                       for v in forged.values())  # fmt: skip
    tamper(path, *shifts, f"INSERT INTO audit_record ({', '.join(forged)}) VALUES ({values})")
    return seq + 1, f"does not follow record {seq}"


TAMPERING: dict[str, Callable[[Path], tuple[int, str]]] = {
    "edit a measured length": edit_a_length,
    "edit a length and its record": edit_a_length_and_its_record,
    "edit a re-read's reason": edit_a_reread_reason,
    "move a signature to another reader": move_a_signature,
    "delete a record": delete_a_record,
    "delete a change and its record": delete_a_change_and_its_record,
    "delete a signature row": delete_a_signature_row,
    "reorder two records": swap_two_records,
    "reorder two versions of a measurement": swap_two_versions,
    "insert a forged record": insert_a_forged_record,
}


@pytest.mark.parametrize("how", TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_is_caught_at_the_first_broken_record(
    tmp_path: Path, how: Callable[[Path], tuple[int, str]]
) -> None:
    path = build(tmp_path / "p.db")
    assert check(path).intact
    seq, message = how(path)
    report = check(path)
    assert not report.intact
    assert report.first_broken == seq, report.problems
    first = [p for p in report.problems if p.seq == seq]
    assert any(message in str(p) for p in first), report.problems
    assert any("trigger" in str(p) and "missing" in str(p) for p in report.problems)


def test_rows_added_behind_the_applications_back_are_covered_by_no_record(
    tmp_path: Path,
) -> None:
    path = build(tmp_path / "p.db")
    tamper(path, "INSERT INTO change_log (kind, actor, at, case_id, reader, timepoint) VALUES "
           "('sign-timepoint', 'bob', '2024-03-05T10:00:00+00:00', 'CASE-7', 'bob', 'M2')",
           "INSERT INTO signature VALUES (last_insert_rowid(), 'CASE-7', 'bob', 'M2', 'bob', "
           "'2024-03-05T10:00:00+00:00', 'approved')")  # fmt: skip
    report = check(path)
    assert any("is covered by no audit record" in p.message and "signature" in p.message
               for p in report.problems), report.problems  # fmt: skip


def test_dropped_triggers_alone_are_reported(tmp_path: Path) -> None:
    path = build(tmp_path / "p.db")
    tamper(path)
    report = check(path)
    assert report.first_broken is None
    assert len(report.problems) == 2 * len(ALL_TABLES)


def rewrite_chain(path: Path) -> None:
    """The knowing forger: edit a value and recompute every hash from there on."""
    _, change = first_observation(path)
    tamper(path, f"UPDATE axis_measurement SET length_mm = '12.0' WHERE change_id = {change}")
    db = sqlite3.connect(path, isolation_level=None)
    names = [d[1] for d in db.execute("PRAGMA table_info(audit_record)")]
    previous = GENESIS
    for row in db.execute("SELECT * FROM audit_record ORDER BY seq").fetchall():
        record = dict(zip(names, row, strict=True))
        if record["change_id"] == change:
            after = json.loads(record["after"])
            after["axis_measurement"][0]["length_mm"] = "12.0"
            record["after"] = canonical(after)
        record["prev_hash"] = previous
        previous = record["hash"] = record_hash(record)
        db.execute("UPDATE audit_record SET after = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                   (record["after"], record["prev_hash"], record["hash"], record["seq"]))
    for table in ALL_TABLES:  # and put the triggers back
        for event in ("UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       "BEGIN SELECT RAISE(ABORT, 'append-only'); END")
    db.close()


def test_a_rewritten_chain_is_caught_by_the_seals_or_the_kept_head(tmp_path: Path) -> None:
    path = build(tmp_path / "p.db", audit_key=KEY)
    clean = check(path, key=KEY)
    assert clean.intact and clean.sealed and clean.seals_checked
    seq, _ = first_observation(path)
    rewrite_chain(path)
    assert check(path).intact  # the chain alone cannot tell: the algorithm is public
    sealed = check(path, key=KEY)
    assert sealed.first_broken == seq
    assert "seal does not match the audit key" in str(sealed.problems[0])
    kept = check(path, head=clean.head)
    assert kept.first_broken == int(clean.head.split(":")[0])
    assert "hash differs from the kept head" in str(kept.problems[0])


def test_a_cut_off_tail_is_caught_by_the_kept_head(tmp_path: Path) -> None:
    path = build(tmp_path / "p.db")
    head = check(path).head
    last = int(head.split(":")[0])
    tamper(path, f"DELETE FROM signature WHERE change_id = "
           f"(SELECT change_id FROM audit_record WHERE seq = {last})",
           f"DELETE FROM change_log WHERE change_id = "
           f"(SELECT change_id FROM audit_record WHERE seq = {last})",
           f"DELETE FROM audit_record WHERE seq = {last}")  # fmt: skip
    assert [p.seq for p in check(path).problems] == [None] * 2 * len(ALL_TABLES)
    report = check(path, head=head)
    assert report.first_broken == last
    assert "the trail was cut short" in str(report.problems[0])


def test_a_sealed_project_opens_only_with_its_key(tmp_path: Path) -> None:
    from reviewer_gui.store import StoreError

    path = build(tmp_path / "p.db", audit_key=KEY)
    with pytest.raises(StoreError, match="sealed"):
        Store.open(path)
    with pytest.raises(StoreError, match="wrong audit key"):
        Store.open(path, audit_key=b"another key")
    Store.open(path, audit_key=KEY).close()
    with pytest.raises(StoreError, match="not sealed"):
        Store.open(build(tmp_path / "plain.db"), audit_key=KEY)


def test_a_schema_1_project_gets_its_changes_chained_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    project, store = open_project(path, RecistEngine())
    with store:
        add_case(project)
        read_baseline(project, ALICE, 30)
        project.sign(ALICE, "BASELINE")
    tamper(path, *(f"DROP TABLE {t}" for t in ("audit_record", "app_user", "reread")),
           "PRAGMA user_version = 1")  # what a schema 1 file holds  # fmt: skip
    with Store.open(path) as upgraded:
        assert upgraded.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        state = upgraded.load()
    assert state == project.state
    report = check(path)
    assert [p for p in report.problems if "trigger" not in p.message] == []
    db = sqlite3.connect(path)
    actions = [r[0] for r in db.execute("SELECT action FROM audit_record ORDER BY seq")]
    kinds = [r[0] for r in db.execute("SELECT kind FROM change_log ORDER BY change_id")]
    assert actions == ["upgrade-schema", *kinds]
