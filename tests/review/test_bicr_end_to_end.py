"""End to end: the sample scans imported de-identified, two readers who read one subject
differently (alice calls progression at M4, bob at M6), the trigger, the adjudicator's signed
choice, the final CSV, and ``recist endpoints`` on it; readers kept out throughout."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from reading.kit import SAMPLE_SCANS, sample_lesions, truth_axes

from recist.cli import main as recist_main
from reviewer_gui.cli import main
from reviewer_gui.deid import DeidKey, default_key_file
from reviewer_gui.dicom import load_series
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, State, plane_of
from reviewer_gui.review import NotPermitted, Session, sign_in
from reviewer_gui.review.adjudication import AdjudicationDesk, Status
from reviewer_gui.review.triggers import TriggerName

from .conftest import PASSWORDS

MEANING = "Reviewed and approved as read"
#: The imported labels of the sample scans' timepoints (the import labels them by date).
LABELS = {"BASELINE": "BASELINE", "FU1": "M2", "FU2": "M4", "FU3": "M6"}
REAL_RANDOMIZATION = dt.date(2024, 1, 10)  # five days before SUBJ-001's baseline scan


def cli(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


def read_timepoint(session: Session, reading: Path, case: str, label: str,
                   progression: bool) -> None:  # fmt: skip
    """Measure SUBJ-001's lesions at one timepoint on the imported (de-identified) series, with
    the generator's geometry; the nodal non-target progresses unequivocally if asked."""
    sample = LABELS[label]
    ref = session.timepoints(case)[list(LABELS).index(label)].series
    assert ref is not None
    volume = load_series(reading / ref.folder / "S01", workers=1)
    for lesion in sample_lesions("SUBJ-001", sample):
        lesion_id: str = lesion.lesion_id  # type: ignore[attr-defined]
        if lesion_id not in session.read(case).lesions:
            session.add_lesion(case, Category(lesion.category), lesion.location,  # type: ignore[attr-defined]
                               lesion_id=lesion_id)  # fmt: skip
        long, short, plane = truth_axes("SUBJ-001", sample, lesion_id)
        here = plane_of(volume, plane.slice_index)
        assert here.pixel_spacing_mm == plane.pixel_spacing_mm  # same geometry, new UIDs
        session.measure(case, label, lesion_id, long, here, short_axis=short)
    if progression:
        session.set_state(case, label, "NT1", State.PROGRESSION,
                          reason="nodal non-target clearly enlarging")  # fmt: skip


def read_subject(project: Path, reading: Path, case: str, reader: str, pd_at: str) -> None:
    with sign_in(project, reader, PASSWORDS[reader], engine=RecistEngine()) as session:
        progressed = False
        for label in LABELS:
            progressed = progressed or label == pd_at
            read_timepoint(session, reading, case, label, progressed)
            session.sign(case, label, name=reader, password=PASSWORDS[reader], meaning=MEANING)


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


def test_two_readers_disagree_the_adjudicator_chooses_and_the_final_csv_is_the_chosen_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SAMPLE_SCANS / "SUBJ-001", tmp_path / "site" / "SUBJ-001")
    reading = tmp_path / "reading"
    assert cli(monkeypatch, "import", str(tmp_path / "site"), str(reading)) == 0
    project = reading / "project.db"
    ada = PASSWORDS["ada"]
    assert cli(monkeypatch, "users", "add", str(project), "ada", "--role", "administrator",
               "--password-stdin", stdin=f"{ada}\n") == 0  # fmt: skip
    for name, role in (("alice", "reader"), ("bob", "reader"), ("carol", "adjudicator")):
        assert cli(monkeypatch, "users", "add", str(project), name, "--role", role, "--admin",
                   "ada", "--password-stdin", stdin=f"{ada}\n{PASSWORDS[name]}\n") == 0
    with DeidKey.open(default_key_file(reading)) as key:
        case = key.case_ids()["SUBJ-001"]

    read_subject(project, reading, case, "alice", pd_at="FU2")  # progression at M4
    read_subject(project, reading, case, "bob", pd_at="FU3")  # progression at M6

    # The administrator gives the trial's randomization date (real id, real date).
    subjects = tmp_path / "subjects.csv"
    subjects.write_text(f"subject_id,randomization_date,arm\nSUBJ-001,{REAL_RANDOMIZATION},"
                        "A\nSUBJ-999,2024-02-01,B\n")  # fmt: skip
    assert cli(monkeypatch, "adjudication", "reference", str(project), str(subjects),
               "--key-file", str(default_key_file(reading)), "--user", "ada",
               "--password-stdin", stdin=f"{ada}\n") == 0  # fmt: skip

    with sign_in(project, "carol", PASSWORDS["carol"]) as carol:
        review = AdjudicationDesk(carol).case(case)
    assert review.status is Status.FLAGGED
    assert [t.name for t in review.triggers] == [TriggerName.PROGRESSION_DATE,
                                                 TriggerName.BEST_RESPONSE]  # fmt: skip
    alice, bob = review.endpoints["alice"], review.endpoints["bob"]
    timepoints = {tp.label: tp.scan_date for tp in read_dates(project, case)}
    assert (alice.progression_date, bob.progression_date) == (timepoints["FU2"],
                                                              timepoints["FU3"])  # fmt: skip
    assert (alice.best_overall_response, bob.best_overall_response) == ("SD", "PR")
    assert "progression dates differ by 63 days" in review.triggers[0].explanation
    # the reference is the shifted randomization date: 5 days before the baseline scan
    assert bob.reference_date == timepoints["BASELINE"] - dt.timedelta(days=5)
    assert bob.rpfs_days == (timepoints["FU3"] - bob.reference_date).days + 1 == 188

    # Readers are kept out of adjudication and of the final CSV.
    final = tmp_path / "final.csv"
    for reader in ("alice", "bob"):
        assert cli(monkeypatch, "export", str(project), "--final", "-o", str(final), "--user",
                   reader, "--password-stdin", stdin=f"{PASSWORDS[reader]}\n") == 2
        assert cli(monkeypatch, "adjudication", "list", str(project), "--user", reader,
                   "--password-stdin", stdin=f"{PASSWORDS[reader]}\n") == 2  # fmt: skip
        with sign_in(project, reader, PASSWORDS[reader]) as session, pytest.raises(NotPermitted):
            AdjudicationDesk(session)
    assert not final.exists()

    carol = PASSWORDS["carol"]
    assert cli(monkeypatch, "adjudication", "decide", str(project), case, "--choose", "bob",
               "--reason", "the M4 node is stable on soft-tissue window; PD is at M6",
               "--user", "carol", "--password-stdin", stdin=f"{carol}\n{carol}\n") == 0
    assert cli(monkeypatch, "export", str(project), "--final", "-o", str(final), "--user",
               "carol", "--password-stdin", stdin=f"{carol}\n") == 0  # fmt: skip
    bob_csv = tmp_path / "bob.csv"
    assert cli(monkeypatch, "export", str(project), "--reader", "bob", "-o", str(bob_csv),
               "--user", "ada", "--password-stdin", stdin=f"{ada}\n") == 0  # fmt: skip
    final_rows = rows_of(final)
    assert {row["reader"] for row in final_rows} == {"bob"}
    assert {row["final_basis"] for row in final_rows} == {"ADJUDICATED"}
    assert [{k: v for k, v in row.items() if k != "final_basis"} for row in final_rows] == (
        rows_of(bob_csv))  # fmt: skip

    endpoints = tmp_path / "endpoints.csv"
    assert recist_main(["endpoints", str(final), "-o", str(endpoints)]) == 0
    (result,) = rows_of(endpoints)
    assert (result["subject_id"], result["reader"], result["bor"]) == (case, "bob", "PR")
    assert (result["rpfs_event"], result["rpfs_reason"]) == ("1", "PD")
    assert result["rpfs_date"] == timepoints["FU3"].isoformat()
    assert result["rpfs_days"] == "183"  # baseline to M6 (182 days) + 1: no subjects file

    output = tmp_path / "qc"
    assert cli(monkeypatch, "agreement", str(project), "-o", str(output), "--user", "ada",
               "--password-stdin", stdin=f"{ada}\n") == 0  # fmt: skip
    (subject_row,) = rows_of(output / "agreement_subjects.csv")
    assert (subject_row["status"], subject_row["chosen_reader"]) == ("adjudicated", "bob")
    assert subject_row["progression_days_apart"] == "63"
    assert "flagged for adjudication: 1 (100.0 %)" in (output / "agreement.md").read_text()
    assert cli(monkeypatch, "audit", "verify", str(project)) == 0
    db = sqlite3.connect(project)
    actions = [r[0] for r in db.execute("SELECT action FROM audit_record ORDER BY seq")]
    db.close()
    assert {"set-reference-dates", "adjudicate", "export-final"} <= set(actions)
    assert "adjudicate-refused" not in actions


def read_dates(project: Path, case: str):  # type: ignore[no-untyped-def]
    with sign_in(project, "ada", PASSWORDS["ada"]) as ada:
        return ada.timepoints(case)
