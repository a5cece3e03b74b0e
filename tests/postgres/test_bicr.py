"""End to end on PostgreSQL, the readers in separate processes at once: the sample subject's
scans, alice calling progression at M4 and bob at M6, the trigger, the adjudicator's signed
choice, the final CSV and ``recist endpoints`` on it; readers kept out; the chain verified.

(The de-identifying import of a PostgreSQL project's images is a later step of issue 11: the
timepoints here point at the sample scans themselves.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pg_server import PgDatabase
from reading.kit import gen, series_ref, subject

from recist.cli import main as recist_main
from reviewer_gui.cli import main
from reviewer_gui.review import sign_in
from reviewer_gui.review.adjudication import AdjudicationDesk, Status
from reviewer_gui.review.triggers import TriggerName

from .kit import PASSWORDS, Backend

REPO = Path(__file__).resolve().parents[2]
CASE = "SUBJ-001"

READER = """
import sys
from reading.kit import gen, sample_lesions, truth_axes
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, State
from reviewer_gui.review import sign_in
location, name, password, pd_at = sys.argv[1:5]
with sign_in(location, name, password, engine=RecistEngine()) as session:
    print("ready", flush=True)
    sys.stdin.readline()
    progressed = False
    for label in gen.TIMEPOINTS:
        progressed = progressed or label == pd_at
        for lesion in sample_lesions("SUBJ-001", label):
            if lesion.lesion_id not in session.read("SUBJ-001").lesions:
                session.add_lesion("SUBJ-001", Category(lesion.category), lesion.location,
                                   lesion_id=lesion.lesion_id)
            long, short, plane = truth_axes("SUBJ-001", label, lesion.lesion_id)
            session.measure("SUBJ-001", label, lesion.lesion_id, long, plane, short_axis=short)
        if progressed:
            session.set_state("SUBJ-001", label, "NT1", State.PROGRESSION,
                              reason="nodal non-target clearly enlarging")
        session.sign("SUBJ-001", label, name=name, password=password,
                     meaning="Reviewed and approved as read")
"""


def cli(monkeypatch: pytest.MonkeyPatch, *argv: object, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([str(a) for a in argv])


def _readers_at_once(location: str, pd_at: dict[str, str]) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "tests"), str(REPO)])}
    readers = [subprocess.Popen([sys.executable, "-c", READER, location, name, PASSWORDS[name],
                                 label], cwd=REPO, env=env, text=True, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for name, label in pd_at.items()]  # fmt: skip
    for reader in readers:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "ready"
    for reader in readers:
        assert reader.stdin is not None
        reader.stdin.write("go\n")
        reader.stdin.flush()
    for reader in readers:
        _, errors = reader.communicate(timeout=600)
        assert reader.returncode == 0, errors


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


def test_two_reader_processes_the_adjudicator_and_the_final_csv_on_the_server(
    pg_database: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = pg_database.location
    Backend("postgres", location, pg_database.url).create()
    with sign_in(location, "ada", PASSWORDS["ada"]) as ada:
        ada.add_subject(CASE)
        for label, date in zip(gen.TIMEPOINTS, subject(CASE).dates, strict=True):  # type: ignore[attr-defined]
            ada.add_timepoint(CASE, label, dt.date.fromisoformat(date), series_ref(CASE, label))
    _readers_at_once(location, {"alice": "M4", "bob": "M6"})

    with sign_in(location, "carol", PASSWORDS["carol"]) as carol:
        review = AdjudicationDesk(carol).case(CASE)
    assert review.status is Status.FLAGGED
    assert [t.name for t in review.triggers] == [TriggerName.PROGRESSION_DATE,
                                                 TriggerName.BEST_RESPONSE]  # fmt: skip
    final = tmp_path / "final.csv"
    for reader in ("alice", "bob"):
        assert cli(monkeypatch, "export", location, "--final", "-o", final, "--user", reader,
                   "--password-stdin", stdin=f"{PASSWORDS[reader]}\n") == 2  # fmt: skip
    assert not final.exists()
    carol = PASSWORDS["carol"]
    assert cli(monkeypatch, "adjudication", "decide", location, CASE, "--choose", "bob",
               "--reason", "the M4 node is stable; PD is at M6", "--user", "carol",
               "--password-stdin", stdin=f"{carol}\n{carol}\n") == 0  # fmt: skip
    assert cli(monkeypatch, "export", location, "--final", "-o", final, "--user", "carol",
               "--password-stdin", stdin=f"{carol}\n") == 0  # fmt: skip
    assert {row["reader"] for row in _rows(final)} == {"bob"}
    endpoints = tmp_path / "endpoints.csv"
    assert recist_main(["endpoints", str(final), "-o", str(endpoints)]) == 0
    (result,) = _rows(endpoints)
    assert (result["subject_id"], result["reader"], result["bor"]) == (CASE, "bob", "PR")
    assert (result["rpfs_event"], result["rpfs_reason"]) == ("1", "PD")
    assert cli(monkeypatch, "audit", "verify", location, "--admin", "ada", "--password-stdin",
               stdin=f"{PASSWORDS['ada']}\n") == 0  # fmt: skip
