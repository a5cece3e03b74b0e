"""``recist-review sr-load``: the study administrator loads the SRs of a read done elsewhere
(another project's, OHIF's) into a reader's draft read; the entries stay told apart (entered
by the administrator), each file is an audit record with its SOP Instance UID and SHA-256,
and the reader reviews and signs the read as their own."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pydicom
import pytest

from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, ReadKey, State
from reviewer_gui.review import sign_in
from reviewer_gui.sr import entries_of, read_sr, sr_name
from reviewer_gui.sr.migrate import loaded_entries
from reviewer_gui.store import Store

from .kit import MEANING, PASSWORDS, add_users, read_signed_in, signed_in_add_sample_subject
from .test_dcmjs_import import ohif_writes

BOB = ReadKey("SUBJ-001", "bob")


@pytest.fixture(scope="module")
def study_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blinded review of SUBJ-001 on the sample scans: alice has read and signed it, bob
    has not started."""
    path = tmp_path_factory.mktemp("study") / "study.db"
    add_users(path)
    signed_in_add_sample_subject(path)
    read_signed_in(path, "alice", "SUBJ-001", "SUBJ-001")
    return path


@pytest.fixture
def study(study_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "study.db"
    shutil.copy(study_template, copy)
    return copy


def sr_load(monkeypatch: pytest.MonkeyPatch, study: Path, files: list[Path], *more: str,
            admin: str = "ada", reader: str = "bob") -> int:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS[admin] + "\n"))
    return main(["sr-load", str(study), *map(str, files), "--reader", reader, "--admin", admin,
                 "--password-stdin", *more])  # fmt: skip


def records(study: Path, action: str) -> list[sqlite3.Row]:
    db = sqlite3.connect(study)
    db.row_factory = sqlite3.Row
    try:
        return db.execute("SELECT * FROM audit_record WHERE action = ? ORDER BY seq",
                          (action,)).fetchall()  # fmt: skip
    finally:
        db.close()


def bobs_read(study: Path) -> object:
    with Store.open(study, create=False) as store:
        return store.load().reads.get(BOB)


def test_another_projects_read_loads_into_a_readers_draft_and_the_reader_signs_it(
    exported: tuple[Path, Path], study: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    other_project, folder = exported
    with Store.open(other_project, create=False) as store:
        elsewhere = store.load().reads[BOB]
    baseline = folder / sr_name(elsewhere, "BASELINE")
    assert sr_load(monkeypatch, study, [baseline]) == 0
    assert "loaded into bob's draft read of SUBJ-001 BASELINE" in capsys.readouterr().err
    read = bobs_read(study)
    assert entries_of(read, "BASELINE") == entries_of(elsewhere, "BASELINE")  # type: ignore[arg-type]
    assert not read.signatures  # type: ignore[attr-defined]
    # told apart: every entry is the administrator's, until bob changes it
    assert loaded_entries(read) == {("BASELINE", lid): "ada" for lid in elsewhere.lesions}  # type: ignore[arg-type]
    (record,) = records(study, "load-sr")
    assert (record["actor"], record["reader"], record["case_id"], record["timepoint"]) == (
        "ada", "bob", "SUBJ-001", "BASELINE")
    assert f"loaded by ada from SR file {baseline.name} into bob's draft" in record["reason"]
    (detail,) = json.loads(record["after"])["sr_load"]
    assert detail["sha256"] == hashlib.sha256(baseline.read_bytes()).hexdigest()
    assert detail["sop_instance_uid"] == pydicom.dcmread(baseline).SOPInstanceUID
    first, last = detail["records"]
    db = sqlite3.connect(study)
    try:
        covered = db.execute("SELECT DISTINCT c.actor, c.reader FROM audit_record a JOIN "
                             "change_log c USING (change_id) WHERE a.seq BETWEEN ? AND ?",
                             (first, last)).fetchall()  # fmt: skip
    finally:
        db.close()
    assert covered == [("ada", "bob")] and last - first + 1 == 2 * len(elsewhere.lesions)
    # the follow-up waits for the reader's signature of the baseline (reading order)
    m2 = folder / sr_name(elsewhere, "M2")
    assert sr_load(monkeypatch, study, [m2]) == 2
    assert f"{m2}: sign the baseline BASELINE first" in capsys.readouterr().err
    with sign_in(study, "bob", PASSWORDS["bob"], engine=RecistEngine()) as bob:
        bob.sign("SUBJ-001", "BASELINE", name="bob", password=PASSWORDS["bob"], meaning=MEANING)
    assert sr_load(monkeypatch, study, [m2]) == 0
    read = bobs_read(study)
    assert read.signatures["BASELINE"].signed_by == "bob"  # type: ignore[attr-defined]
    assert entries_of(read, "M2") == entries_of(elsewhere, "M2")  # type: ignore[arg-type]
    assert main(["audit", "verify", str(study)]) == 0  # the chain holds every loaded row


def test_ohifs_measurements_load_once_a_person_assigned_their_lesions(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    ohif = ohif_writes(tmp_path)
    entries = {e.tracking_identifier.rsplit(":", 1)[-1]: e for e in read_sr(ohif).entries}
    assert sr_load(monkeypatch, study, [ohif]) == 2
    err = capsys.readouterr().err
    assert f"{ohif}: measurement" in err and "--lesions" in err and len(err.splitlines()) == 1
    assert bobs_read(study) is None  # nothing loaded
    lesions = tmp_path / "lesions.csv"
    lesions.write_text("tracking,lesion_id,category,organ,detail\n"
                       f"{entries['Length'].tracking_uid},T1,TARGET,liver,segment VII\n"
                       f"{entries['Bidirectional'].tracking_uid},T2,TARGET,lymph node,\n",
                       encoding="utf-8")  # fmt: skip
    assert sr_load(monkeypatch, study, [ohif], "--lesions", str(lesions)) == 0
    read = bobs_read(study)
    t1, t2 = (read.observation("BASELINE", lid) for lid in ("T1", "T2"))  # type: ignore[attr-defined]
    assert read.lesions["T1"].detail == "segment VII" and read.lesions["T2"].is_node  # type: ignore[attr-defined]
    assert t1.state is State.PRESENT and t1.fragments[0].short_axis is None
    assert t1.fragments[0].long_axis.length_mm == entries["Length"].fragments[0].long_axis.length_mm
    bidirectional = entries["Bidirectional"].fragments[0]
    assert t2.fragments[0].long_axis.length_mm == bidirectional.long_axis.length_mm
    assert t2.fragments[0].short_axis.length_mm == bidirectional.short_axis.length_mm  # type: ignore[union-attr]
    assert t1.recorded_by == "ada" and t1.fragments[0].long_axis.measured_by == "ada"
    # the reader's own change is theirs: no longer told apart as loaded
    with sign_in(study, "bob", PASSWORDS["bob"], engine=RecistEngine()) as bob:
        bob.set_state("SUBJ-001", "BASELINE", "T1", State.PRESENT)  # keeps the measurement
        bob.add_lesion("SUBJ-001", Category.NON_TARGET, "bone", lesion_id="NT1")
        read = bob.read("SUBJ-001")
    assert loaded_entries(read) == {("BASELINE", "T2"): "ada"}
    assert read.observation("BASELINE", "T1").recorded_by == "bob"  # type: ignore[union-attr]


def test_a_lesions_file_with_a_bad_row_is_one_line_naming_it(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    lesions = tmp_path / "lesions.csv"
    lesions.write_text("tracking,lesion_id,category,organ\nabc,T1,TARGET,spleen-ish\n",
                       encoding="utf-8")  # fmt: skip
    assert sr_load(monkeypatch, study, [ohif_writes(tmp_path)], "--lesions", str(lesions)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"recist-review: {lesions}:2: column organ: 'spleen-ish'")
    assert len(err.splitlines()) == 1 and "Traceback" not in err
