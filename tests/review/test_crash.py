"""Crash safety of signatures and saves: a reader's process SIGKILLed in the middle of signing
or saving leaves a consistent file, nothing of the interrupted action, and a valid chain; killed
right after, the action and its audit record are both kept."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reviewer_gui.reading import ReadKey
from reviewer_gui.store import Store
from reviewer_gui.store.verify import connect, verify

from .conftest import PASSWORDS, open_as
from .kit import CASE
from .test_sessions import MEANING, read_baseline

CHILD = """
import os, signal, sys
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import ImagePlane, Point, Segment
from reviewer_gui.review import sign_in

session = sign_in(sys.argv[1], "alice", sys.argv[2], engine=RecistEngine())
plane = ImagePlane(11, "1.2.826.0.1.11", (0.5, 0.5))
"""
TRAP = """
def die_at(sql):
    if sql.lstrip().upper().startswith({statement!r}.upper()):
        os.kill(os.getpid(), signal.SIGKILL)
session._store.connection.set_trace_callback(die_at)
"""
SIGN = f"""
session.sign("{CASE}", "BASELINE", name="alice", password=sys.argv[2], meaning="{MEANING}")
"""
SAVE = f"""
session.measure("{CASE}", "BASELINE", "T1", Segment(Point(50, 40), Point(50, 120)), plane)
"""


@pytest.fixture
def study(sqlite_study: Path) -> Path:
    """A SIGKILL between the SQLite statements of an action: the file's own transactions
    (PostgreSQL's kill tests are in tests/postgres)."""
    return sqlite_study


def run_child(path: Path, body: str) -> subprocess.Popen[str]:
    code = CHILD + textwrap.dedent(body)
    return subprocess.Popen([sys.executable, "-c", code, str(path), PASSWORDS["alice"]],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def snapshot(path: Path) -> tuple[object, int, str]:
    """The reading state, the number of changes, and the chain's head."""
    with Store.open(path) as store:
        state = store.load()
        changes = store.connection.execute("SELECT count(*) FROM change_log").fetchone()[0]
    return state, changes, head(path)


def head(path: Path) -> str:
    db = connect(path)
    try:
        report = verify(db)
    finally:
        db.close()
    assert report.intact, report.problems
    return report.head


def consistent(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()


@pytest.fixture
def prepared(study: Path) -> Path:
    with open_as(study, "alice") as alice:
        read_baseline(alice, 30)
    return study


KILL_POINTS = [
    (SIGN, "INSERT INTO signature"), (SIGN, "INSERT INTO audit_record"), (SIGN, "COMMIT"),
    (SAVE, "INSERT INTO axis_measurement"), (SAVE, "INSERT INTO audit_record"), (SAVE, "COMMIT"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "statement"), KILL_POINTS,
                         ids=[f"{'sign' if b is SIGN else 'save'}: {s}" for b, s in KILL_POINTS])
def test_a_sigkill_in_the_middle_leaves_nothing_of_it_and_a_valid_chain(
    prepared: Path, body: str, statement: str
) -> None:
    before = snapshot(prepared)
    child = run_child(prepared, TRAP.format(statement=statement) + body + 'print("alive")\n')
    out, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, (out, err)
    consistent(prepared)
    assert snapshot(prepared)[:2] == before[:2]  # nothing of the interrupted action
    after_head = head(prepared)  # the chain verifies; the sign-in record before the kill stays
    assert int(after_head.split(":")[0]) == int(before[2].split(":")[0]) + 1
    with open_as(prepared, "alice") as alice:  # and the reading goes on from there
        alice.sign(CASE, "BASELINE", name="alice", password=PASSWORDS["alice"], meaning=MEANING)
    head(prepared)


@pytest.mark.parametrize("body", [SIGN, SAVE], ids=["signature", "save"])
def test_a_sigkill_right_after_keeps_the_action_and_its_record(prepared: Path, body: str) -> None:
    _, changes, _ = snapshot(prepared)
    child = run_child(prepared, body + 'print("done", flush=True)\nsignal.pause()\n')
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "done"
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    consistent(prepared)
    state, after, _ = snapshot(prepared)
    assert after == changes + 1
    read = state.reads[ReadKey(CASE, "alice")]  # type: ignore[attr-defined]
    if body is SIGN:
        assert read.signatures["BASELINE"].meaning == MEANING
    else:
        assert str(read.observation("BASELINE", "T1").fragments[0].long_axis.length_mm) == "40.0"


def test_two_readers_writing_at_once_keep_one_valid_chain(study: Path) -> None:
    body = """
        from reviewer_gui.reading import Category
        session.add_lesion("{case}", Category.TARGET, "liver")
        for i in range(20):
            session.measure("{case}", "BASELINE", "T1", Segment(Point(50, 40),
                            Point(50, 60 + i)), plane)
        session.close()
        print("done", flush=True)
    """
    code = CHILD.replace('"alice"', "sys.argv[3]") + textwrap.dedent(body.format(case=CASE))
    children = [subprocess.Popen([sys.executable, "-c", code, str(study), PASSWORDS[name], name],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for name in ("alice", "bob")]  # fmt: skip
    for child in children:
        out, err = child.communicate(timeout=120)
        assert (child.returncode, out.strip()) == (0, "done"), err
    consistent(study)
    head(study)
    db = sqlite3.connect(study)
    counts = db.execute("SELECT actor, count(*) FROM audit_record WHERE action = "
                        "'save-observation' GROUP BY actor ORDER BY actor").fetchall()  # fmt: skip
    assert counts == [("alice", 20), ("bob", 20)]
