"""Crash safety: a process SIGKILLed right after saving a measurement, or in the middle of
a transaction, leaves a consistent file that holds every committed change and nothing of
the interrupted one."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, ImagePlane, Point, ReadKey, Segment, State
from reviewer_gui.store import open_project

from .kit import ADMIN

KEY = ReadKey("CASE-7", "alice")

CHILD_PRELUDE = """
import datetime as dt, os, signal, sys
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import ImagePlane, Point, ReadKey, Segment
from reviewer_gui.store import open_project

project, store = open_project(sys.argv[1], RecistEngine())
key = ReadKey("CASE-7", "alice")
plane = ImagePlane(11, "1.2.826.0.1.11", (0.78125, 0.78125))
"""


def prepared(tmp_path: Path) -> Path:
    """A project with one target measured at baseline (30 mm), committed and closed."""
    path = tmp_path / "crash.db"
    project, store = open_project(path, RecistEngine())
    project.add_subject("CASE-7", by=ADMIN)
    project.add_timepoint("CASE-7", "BASELINE", dt.date(2024, 1, 8), by=ADMIN)
    project.add_lesion(KEY, Category.TARGET, "liver")
    project.add_lesion(KEY, Category.NON_TARGET, "bone")
    project.set_state(KEY, "BASELINE", "NT1", State.PRESENT)
    plane = ImagePlane(11, "1.2.826.0.1.11", (0.78125, 0.78125))
    project.measure(KEY, "BASELINE", "T1", Segment(Point(50, 50), Point(50, 88.4)), plane)
    store.close()
    return path


def run_child(path: Path, body: str) -> subprocess.Popen[str]:
    code = CHILD_PRELUDE + textwrap.dedent(body)
    return subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def consistent(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def test_a_measurement_survives_a_sigkill_right_after_it_was_made(tmp_path: Path) -> None:
    path = prepared(tmp_path)
    child = run_child(path, """
        project.measure(key, "BASELINE", "T1", Segment(Point(50, 50), Point(50, 101.2)), plane)
        print("saved", flush=True)
        signal.pause()  # the reader carries on; the machine is killed under them
    """)  # fmt: skip
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "saved", child.stderr.read()  # type: ignore[union-attr]
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    consistent(path)
    project, store = open_project(path, RecistEngine())
    with store:
        observation = project.read(KEY).observation("BASELINE", "T1")
        assert observation is not None
        axis = observation.fragments[0].long_axis
        assert (axis.segment.end.col, str(axis.length_mm)) == (101.2, "40.0")
        assert axis.sop_instance_uid == "1.2.826.0.1.11" and axis.slice_index == 11
        assert project.grid(KEY).column("BASELINE").target_sum_mm == 40


@pytest.mark.parametrize(
    ("statement", "body"),
    [
        ("INSERT INTO axis_measurement", """
            project.measure(key, "BASELINE", "T1", Segment(Point(50, 50), Point(50, 120)), plane)
        """),
        ("COMMIT", """
            project.measure(key, "BASELINE", "T1", Segment(Point(50, 50), Point(50, 120)), plane)
        """),
        ("INSERT INTO signature", """
            project.sign(key, "BASELINE")
        """),
    ],
    ids=["measurement-rows", "before-commit", "signature"],
)  # fmt: skip
def test_a_sigkill_in_the_middle_of_a_transaction_leaves_nothing_of_it(
    tmp_path: Path, statement: str, body: str
) -> None:
    path = prepared(tmp_path)
    before_project, before_store = open_project(path, RecistEngine())
    before = before_project.state
    changes = before_store.connection.execute("SELECT count(*) FROM change_log").fetchone()[0]
    before_store.close()
    trap = textwrap.dedent(f"""
        def die_at(sql):
            if sql.lstrip().upper().startswith({statement!r}.upper()):
                os.kill(os.getpid(), signal.SIGKILL)
        store.connection.set_trace_callback(die_at)
    """)  # fmt: skip
    child = run_child(path, trap + textwrap.dedent(body) + 'print("not killed", flush=True)\n')
    out, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, (out, err)
    consistent(path)
    project, store = open_project(path, RecistEngine())
    with store:
        assert project.state == before  # the committed 30 mm is there, nothing of the rest
        assert store.connection.execute("SELECT count(*) FROM change_log").fetchone()[0] == (
            changes)
        observation = project.read(KEY).observation("BASELINE", "T1")
        assert observation is not None
        assert str(observation.fragments[0].long_axis.length_mm) == "30.0"
        project.sign(KEY, "BASELINE")  # and the project goes on from there
    assert not project.read(KEY).observations.keys() - {("BASELINE", "T1"), ("BASELINE", "NT1")}


def test_two_readers_saving_at_once_from_two_processes_both_keep_every_change(
    tmp_path: Path,
) -> None:
    path = prepared(tmp_path)
    body = """
        from reviewer_gui.reading import Category
        key = ReadKey("CASE-7", sys.argv[2])
        project.add_lesion(key, Category.TARGET, "liver")
        for i in range(25):
            project.measure(key, "BASELINE", "T1", Segment(Point(50, 50), Point(50, 60 + i)),
                            plane)
        print("done", flush=True)
    """
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD_PRELUDE + textwrap.dedent(body), str(path),
                          reader], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for reader in ("bob", "carol")
    ]  # fmt: skip
    for child in children:
        out, err = child.communicate(timeout=120)
        assert (child.returncode, out.strip()) == (0, "done"), err
    consistent(path)
    project, store = open_project(path, RecistEngine())
    with store:
        for reader in ("bob", "carol"):
            observation = project.read(ReadKey("CASE-7", reader)).observation("BASELINE", "T1")
            assert observation is not None
            assert str(observation.fragments[0].long_axis.length_mm) == "26.6"  # 34 px x 0.78
        versions = store.connection.execute(
            "SELECT reader, count(*) FROM observation_version WHERE lesion_id = 'T1' "
            "GROUP BY reader ORDER BY reader").fetchall()  # fmt: skip
        assert versions == [("alice", 1), ("bob", 25), ("carol", 25)]
