"""Reading a timepoint on another series of its study: a change of the read like any other
(saved at once, restored on reopening, audited, locked by the signature, per reader), and
the slice thickness the engine's measurability rule uses follows the series each measurement
lies on (RECIST 1.1 section 3.1.1: 10 mm, or twice the slice thickness when that is more).
Real SQLite files, no Qt."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from reviewer_gui.engine_adapter import RecistEngine, export_rows
from reviewer_gui.reading import (
    Category,
    ImagePlane,
    Point,
    ReadingError,
    ReadingProject,
    ReadKey,
    Segment,
    SeriesRef,
    State,
    TimepointLocked,
)
from reviewer_gui.review import Role, add_user, sign_in
from reviewer_gui.store import Store, open_project
from reviewer_gui.store.verify import connect, verify

CASE = "CASE-9"
ALICE, BOB = ReadKey(CASE, "alice"), ReadKey(CASE, "bob")
STUDY = {"BASELINE": "1.2.826.0.1.100", "M2": "1.2.826.0.1.200"}
#: Each study's series as imported (5 mm portal venous) and a 10 mm reconstruction.
PORTAL = {label: SeriesRef(uid, f"{uid}.3", f"images/{CASE}/{label}", Decimal(5))
          for label, uid in STUDY.items()}  # fmt: skip
THICK = {label: SeriesRef(uid, f"{uid}.5", f"images/{CASE}/{label}", Decimal(10))
         for label, uid in STUDY.items()}  # fmt: skip
DATES = {"BASELINE": dt.date(2024, 1, 8), "M2": dt.date(2024, 3, 4)}
CODE_COLUMNS = ("subject_id", "reader", "timepoint", "lesion_id", "long_axis_mm",
                "slice_thickness_mm")  # fmt: skip


def plane(series: SeriesRef, slice_index: int = 11) -> ImagePlane:
    """A slice of ``series`` with two pixels per millimetre."""
    return ImagePlane(slice_index, f"{series.series_uid}.{slice_index}", (0.5, 0.5),
                      series.series_uid)  # fmt: skip


def mm(length: float) -> Segment:
    return Segment(Point(50.0, 40.0), Point(50.0, 40.0 + 2 * length))


def add_case(project: ReadingProject) -> None:
    project.add_subject(CASE, by="admin")
    for label, date in DATES.items():
        project.add_timepoint(CASE, label, date, PORTAL[label], by="admin")


def read_baseline(project: ReadingProject, key: ReadKey, target_mm: float,
                  series: SeriesRef) -> None:  # fmt: skip
    project.add_lesion(key, Category.TARGET, "liver")
    project.add_lesion(key, Category.NON_TARGET, "bone")
    project.measure(key, "BASELINE", "T1", mm(target_mm), plane(series))
    project.set_state(key, "BASELINE", "NT1", State.PRESENT)


def audit(path: Path, action: str) -> list[dict[str, object]]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute(
            "SELECT * FROM audit_record WHERE action = ? ORDER BY seq", (action,))]
    finally:
        db.close()


def intact(path: Path) -> bool:
    db = connect(path)
    try:
        report = verify(db)
    finally:
        db.close()
    assert report.problems == (), report.problems
    return report.intact


def test_a_choice_is_saved_at_once_restored_on_reopening_and_audited(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    project, store = open_project(path, RecistEngine())
    with store:
        add_case(project)
        assert project.read(ALICE).series_of("BASELINE") == PORTAL["BASELINE"]
        project.choose_series(ALICE, "BASELINE", THICK["BASELINE"])
        project.choose_series(ALICE, "BASELINE", THICK["BASELINE"])  # the same: nothing new
        assert project.read(ALICE).series_of("BASELINE") == THICK["BASELINE"]
        assert project.read(ALICE).series_of("M2") == PORTAL["M2"]
    reopened, store = open_project(path, RecistEngine())
    with store:
        assert reopened.read(ALICE).series_of("BASELINE") == THICK["BASELINE"]
        assert reopened.state == project.state
        reopened.choose_series(ALICE, "BASELINE", PORTAL["BASELINE"])  # back to the import's
    records = audit(path, "choose-series")
    assert [(r["actor"], r["reader"], r["timepoint"]) for r in records] == [
        ("alice", "alice", "BASELINE"), ("alice", "alice", "BASELINE")]
    first, second = (json.loads(str(r["after"]))["series_choice"][0] for r in records)
    assert (first["series_uid"], first["slice_thickness_mm"]) == (THICK["BASELINE"].series_uid,
                                                                  "10")
    assert json.loads(str(records[1]["before"])) == {"series_choice": [first]}
    assert second["series_uid"] == PORTAL["BASELINE"].series_uid
    assert intact(path)
    with Store.open(path) as again:
        assert again.load().reads[ALICE].series_of("BASELINE") == PORTAL["BASELINE"]


def test_a_signed_timepoint_keeps_its_series_until_a_re_read(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    project, store = open_project(path, RecistEngine())
    with store:
        add_case(project)
        read_baseline(project, ALICE, 30, PORTAL["BASELINE"])
        project.sign(ALICE, "BASELINE")
        changes = store.connection.execute("SELECT count(*) FROM change_log").fetchone()[0]
        with pytest.raises(TimepointLocked, match=r"signed by alice .* re-read"):
            project.choose_series(ALICE, "BASELINE", THICK["BASELINE"])
        assert store.connection.execute("SELECT count(*) FROM change_log").fetchone()[0] == (
            changes)
        assert project.read(ALICE).series_of("BASELINE") == PORTAL["BASELINE"]
        project.reread(ALICE, "BASELINE", reason="T1 is clearer on the 10 mm series")
        project.choose_series(ALICE, "BASELINE", THICK["BASELINE"])
        assert project.read(ALICE).series_of("BASELINE") == THICK["BASELINE"]
    assert intact(path)


@pytest.mark.parametrize(("series", "message"), [
    (SeriesRef("1.2.826.0.1.999", "1.2.826.0.1.999.1", "elsewhere"), "not of CASE-9 BASELINE"),
    (THICK["M2"], "not of CASE-9 BASELINE"),
])  # fmt: skip
def test_a_series_of_another_study_is_refused(tmp_path: Path, series: SeriesRef,
                                              message: str) -> None:  # fmt: skip
    project = ReadingProject(engine=RecistEngine())
    add_case(project)
    with pytest.raises(ReadingError, match=message):
        project.choose_series(ALICE, "BASELINE", series)


def test_a_follow_up_series_waits_for_the_signed_baseline() -> None:
    project = ReadingProject(engine=RecistEngine())
    add_case(project)
    with pytest.raises(ReadingError, match="sign the baseline BASELINE first"):
        project.choose_series(ALICE, "M2", THICK["M2"])


def test_each_reader_reads_on_their_own_choice(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    with Store.open(path) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, "admin-pass-1", by=None)
        for name in ("alice", "bob"):
            add_user(store, name, Role.READER, f"{name}-pass-123", by=admin)
    with sign_in(path, "ada", "admin-pass-1") as ada:
        ada.add_subject(CASE)
        for label, date in DATES.items():
            ada.add_timepoint(CASE, label, date, PORTAL[label])
    with sign_in(path, "bob", "bob-pass-123", engine=RecistEngine()) as bob:
        bob.choose_series(CASE, "BASELINE", THICK["BASELINE"])
        assert bob.read(CASE).series_of("BASELINE") == THICK["BASELINE"]
    with sign_in(path, "alice", "alice-pass-123", engine=RecistEngine()) as alice:
        assert alice.read(CASE).series_of("BASELINE") == PORTAL["BASELINE"]
        alice.choose_series(CASE, "BASELINE", PORTAL["BASELINE"])  # hers already: no record
    with Store.open(path) as store:
        assert store.load(reader="alice").reads == {}  # nothing of bob's comes with hers
        assert store.load(reader="bob").reads[BOB].series_of("BASELINE") == THICK["BASELINE"]
    assert [r["actor"] for r in audit(path, "choose-series")] == ["bob"]
    assert intact(path)


def test_the_slice_thickness_follows_the_series_each_lesion_was_measured_on(
        tmp_path: Path) -> None:  # fmt: skip
    path = tmp_path / "p.db"
    project, store = open_project(path, RecistEngine())
    with store:
        add_case(project)
        read_baseline(project, ALICE, 15, PORTAL["BASELINE"])  # 15 mm >= 10 mm: measurable
        assert "T1" not in project.grid(ALICE).findings_by_lesion()
        project.choose_series(ALICE, "BASELINE", THICK["BASELINE"])
        assert "T1" not in project.grid(ALICE).findings_by_lesion()  # still on the 5 mm series
        with pytest.raises(ReadingError, match="choose the series in the study tree first"):
            project.measure(ALICE, "BASELINE", "T1", mm(15), plane(PORTAL["BASELINE"]))
        project.measure(ALICE, "BASELINE", "T1", mm(15), plane(THICK["BASELINE"]))
        findings = " ".join(project.grid(ALICE).findings_by_lesion()["T1"])
        assert "20" in findings, findings  # 2 x 10 mm: too small to be a target
        project.add_lesion(ALICE, Category.TARGET, "lung")
        project.choose_series(ALICE, "BASELINE", PORTAL["BASELINE"])
        project.measure(ALICE, "BASELINE", "T2", mm(12), plane(PORTAL["BASELINE"]))
        rows = {row[4]: row for row in export_rows([project.read(ALICE)], signed_only=False)}
    assert (rows["T1"][8], rows["T1"][12]) == ("15.0", "10")  # measured on the 10 mm series
    assert (rows["T2"][8], rows["T2"][12]) == ("12.0", "5")
    assert rows["NT1"][12] == "5"  # not measured: the series the timepoint is read on
    reopened, store = open_project(path, RecistEngine())
    with store:
        t1 = reopened.read(ALICE).observation("BASELINE", "T1")
        assert t1 is not None
        axis = t1.fragments[0].long_axis
        assert (axis.series_uid, axis.slice_thickness_mm) == (THICK["BASELINE"].series_uid,
                                                              Decimal(10))
        assert reopened.grid(ALICE).findings_by_lesion() == (
            project.grid(ALICE).findings_by_lesion())
    assert intact(path)


def test_a_project_written_before_series_choices_opens_and_its_chain_still_holds(
        tmp_path: Path) -> None:  # fmt: skip
    path = tmp_path / "old.db"
    legacy = ReadKey("CASE-1", "alice")
    project, store = open_project(path, RecistEngine())
    with store:
        add_case(project)
        project.add_subject(legacy.case_id, by="admin")
        project.add_timepoint(legacy.case_id, "BASELINE", DATES["BASELINE"], by="admin")
        project.add_lesion(legacy, Category.TARGET, "liver")
        project.measure(legacy, "BASELINE", "T1", mm(30), ImagePlane(11, "1.2.3.11", (0.5, 0.5)))
    db = sqlite3.connect(path, isolation_level=None)  # what a file of the previous release is
    for statement in ("DROP TABLE series_choice", "ALTER TABLE axis_measurement DROP COLUMN "
                      "series_uid", "ALTER TABLE axis_measurement DROP COLUMN "
                      "slice_thickness_mm"):  # fmt: skip
        db.execute(statement)
    db.close()
    assert intact(path)  # verified before any opening for writing
    reopened, store = open_project(path, RecistEngine())
    with store:
        t1 = reopened.read(legacy).observation("BASELINE", "T1")
        assert t1 is not None and t1.fragments[0].long_axis.length_mm == Decimal("30.0")
        assert t1.fragments[0].long_axis.series_uid == ""
        reopened.choose_series(ALICE, "BASELINE", THICK["BASELINE"])
    assert intact(path)
    with Store.open(path) as again:
        assert again.load().reads[ALICE].series_of("BASELINE") == THICK["BASELINE"]


def test_a_measurement_recorded_without_its_series_lies_on_the_imported_series() -> None:
    project = ReadingProject(engine=RecistEngine())
    add_case(project)
    project.add_lesion(ALICE, Category.TARGET, "liver")
    project.measure(ALICE, "BASELINE", "T1", mm(30), plane(PORTAL["BASELINE"]))
    read = project.read(ALICE)
    observation = read.observation("BASELINE", "T1")
    assert observation is not None
    old = replace(observation.fragments[0].long_axis, series_uid="", slice_thickness_mm=None)
    legacy = replace(read, observations={("BASELINE", "T1"): replace(
        observation, fragments=(replace(observation.fragments[0], long_axis=old),))},
        series_choices={"BASELINE": THICK["BASELINE"]})  # fmt: skip
    assert [row[12] for row in export_rows([legacy], signed_only=False)] == ["5"]
