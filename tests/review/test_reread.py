"""Locking and re-reads: a signed timepoint changes only through a re-read with a reason, the
old values and the old signature stay in the record, and the timepoint is signed again. Reading
is sequential: baseline first, then each follow-up in date order."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import (
    ReadingError,
    ReadingProject,
    State,
    TimepointLocked,
    TimepointReopened,
)
from reviewer_gui.store import Store, open_project
from reviewer_gui.store.verify import connect, verify

from .kit import ALICE, PLANE, add_case, mm, read_baseline, read_follow_up


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[tuple[ReadingProject, Store]]:
    project, store = open_project(tmp_path / "p.db", RecistEngine())
    add_case(project)
    read_baseline(project, ALICE, 30)
    project.sign(ALICE, "BASELINE")
    yield project, store
    store.close()


def test_a_locked_timepoint_is_changed_only_by_a_reread_with_a_reason(
    stored: tuple[ReadingProject, Store],
) -> None:
    project, store = stored
    with pytest.raises(TimepointLocked, match="locked"):
        project.measure(ALICE, "BASELINE", "T1", mm(35), PLANE)
    changes = store.connection.execute("SELECT count(*) FROM change_log").fetchone()[0]
    for reason in ("", "   "):
        with pytest.raises(ReadingError, match="needs a reason"):
            project.reread(ALICE, "BASELINE", reason=reason)
    assert store.connection.execute("SELECT count(*) FROM change_log").fetchone()[0] == changes
    assert project.is_signed(ALICE, "BASELINE")
    assert project.reread(ALICE, "BASELINE", reason="T1 measured on the wrong slice") == (
        "BASELINE",)
    assert not project.is_signed(ALICE, "BASELINE")
    project.measure(ALICE, "BASELINE", "T1", mm(35), PLANE)
    project.sign(ALICE, "BASELINE")
    db = store.connection
    # the old value and the old signature stay in the record, superseded
    assert [r[0] for r in db.execute("SELECT length_mm FROM axis_measurement "
                                     "ORDER BY change_id")] == ["30.0", "35.0"]  # fmt: skip
    assert db.execute("SELECT count(*) FROM signature").fetchone()[0] == 2
    assert db.execute("SELECT reason FROM change_log WHERE kind = 'reread-timepoint'").fetchall(
    ) == [("T1 measured on the wrong slice",)]
    reread = db.execute("SELECT reason, before FROM audit_record "
                        "WHERE action = 'reread-timepoint'").fetchone()  # fmt: skip
    assert reread[0] == "T1 measured on the wrong slice"
    assert json.loads(reread[1])["signature"][0]["signed_by"] == "alice"
    remeasured = db.execute("SELECT before, after FROM audit_record WHERE action = "
                            "'save-observation' ORDER BY seq DESC LIMIT 1").fetchone()  # fmt: skip
    assert json.loads(remeasured[0])["axis_measurement"][0]["length_mm"] == "30.0"
    assert json.loads(remeasured[1])["axis_measurement"][0]["length_mm"] == "35.0"
    assert project.grid(ALICE).column("BASELINE").target_sum_mm == 35


def test_a_reread_survives_reopening_the_project(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    project, store = open_project(path, RecistEngine())
    add_case(project)
    read_baseline(project, ALICE, 30)
    project.sign(ALICE, "BASELINE")
    project.reread(ALICE, "BASELINE", reason="recheck NT1")
    store.close()
    reopened, store = open_project(path, RecistEngine())
    with store:
        assert reopened.state == project.state
        assert not reopened.is_signed(ALICE, "BASELINE")
        reopened.set_state(ALICE, "BASELINE", "NT1", State.PRESENT)  # editable again
        reopened.sign(ALICE, "BASELINE")
    again, store = open_project(path, RecistEngine())
    with store:
        assert again.is_signed(ALICE, "BASELINE")


def test_a_reread_reopens_every_later_signed_timepoint(
    stored: tuple[ReadingProject, Store],
) -> None:
    project, store = stored
    read_follow_up(project, ALICE, "M2", 24)
    project.sign(ALICE, "M2")
    seen: list[TimepointReopened] = []
    project.events.timepoint_reopened.connect(seen.append)
    assert project.reread(ALICE, "BASELINE", reason="baseline T1 re-measured") == (
        "BASELINE", "M2")  # fmt: skip
    assert [c.timepoints for c in seen] == [("BASELINE", "M2")]
    assert not project.is_signed(ALICE, "M2")
    with pytest.raises(ReadingError, match="sign the baseline BASELINE first"):
        project.measure(ALICE, "M2", "T1", mm(20), PLANE)
    rows = store.connection.execute("SELECT timepoint FROM reread ORDER BY timepoint").fetchall()
    assert rows == [("BASELINE",), ("M2",)]
    with pytest.raises(ReadingError, match="not signed"):
        project.reread(ALICE, "M2", reason="again")


def test_a_reread_of_a_follow_up_leaves_the_earlier_ones_signed(
    stored: tuple[ReadingProject, Store],
) -> None:
    project, _ = stored
    read_follow_up(project, ALICE, "M2", 24)
    project.sign(ALICE, "M2")
    assert project.reread(ALICE, "M2", reason="NT1 was not evaluable") == ("M2",)
    assert project.is_signed(ALICE, "BASELINE")
    project.set_state(ALICE, "M2", "NT1", State.NOT_EVALUATED)
    project.sign(ALICE, "M2")
    column = project.grid(ALICE).column("M2")
    assert (column.non_target_response, column.overall_response) == ("NE", "SD")  # Table 1


def test_follow_ups_are_read_in_date_order(stored: tuple[ReadingProject, Store]) -> None:
    project, _ = stored
    with pytest.raises(ReadingError, match=r"sign M2 first: follow-ups are read in date order"):
        project.measure(ALICE, "M4", "T1", mm(20), PLANE)
    read_follow_up(project, ALICE, "M2", 24)
    with pytest.raises(ReadingError, match="sign M2 first"):
        project.set_state(ALICE, "M4", "NT1", State.PRESENT)
    project.sign(ALICE, "M2")
    read_follow_up(project, ALICE, "M4", 20)
    project.sign(ALICE, "M4")
    assert [project.is_signed(ALICE, tp) for tp in ("BASELINE", "M2", "M4")] == [True] * 3


def test_the_chain_covers_rereads_and_stays_intact(stored: tuple[ReadingProject, Store]) -> None:
    project, store = stored
    project.reread(ALICE, "BASELINE", reason="recheck")
    project.measure(ALICE, "BASELINE", "T1", mm(31), PLANE)
    project.sign(ALICE, "BASELINE")
    db = connect(store.path)
    try:
        report = verify(db)
        kinds = [r[0] for r in db.execute("SELECT action FROM audit_record ORDER BY seq")]
    finally:
        db.close()
    assert report.intact, report.problems
    assert kinds[0] == "create-project" and kinds[-3:] == [
        "reread-timepoint", "save-observation", "sign-timepoint"]  # fmt: skip
    changes = sqlite3.connect(store.path).execute("SELECT count(*) FROM change_log").fetchone()[0]
    assert report.records == changes + 1
