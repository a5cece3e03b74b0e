"""What ``sr-load`` refuses, in one line naming the SR file and the fix, loading nothing; and
blinding: a reader never sees an SR of another read (not through ``sr-load``, the SR export
or the Python API), and nobody loads one reader's read into another's draft."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import ReadKey
from reviewer_gui.review import NotPermitted, sign_in
from reviewer_gui.sr.migrate import SrLoadRefused, load_srs
from reviewer_gui.store import Store

from .kit import PASSWORDS
from .test_migrate import BOB, bobs_read, records, sr_load, study, study_template

__all__ = ["study", "study_template"]  # the fixtures


def changes(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT count(*) FROM change_log").fetchone()[0])
    finally:
        db.close()


def export_alices(monkeypatch: pytest.MonkeyPatch, study: Path, out: Path) -> list[Path]:
    """Alice's signed read of SUBJ-001 in this project, as the administrator exports it."""
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["ada"] + "\n"))
    assert main(["export", str(study), "--sr", str(out), "--user", "ada", "--password-stdin",
                 "--reader", "alice"]) == 0  # fmt: skip
    return sorted(out.iterdir())


def refused(capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for text in expected:
        assert text in err, err
    return err


def test_the_administrator_cannot_load_one_readers_read_into_anothers(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    alices = export_alices(monkeypatch, study, tmp_path / "alice")
    capsys.readouterr()
    before = changes(study)
    assert sr_load(monkeypatch, study, alices[:1]) == 2
    refused(capsys, str(alices[0]), "an SR of another reader's read of SUBJ-001",
            "a reader never sees another reader's read")  # fmt: skip
    assert changes(study) == before and bobs_read(study) is None
    assert not records(study, "load-sr")


def test_a_reader_cannot_load_an_sr_cli(
    exported: tuple[Path, Path], study: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _, folder = exported
    bobs_elsewhere = sorted(folder.glob("SUBJ-001_bob_*"))[:1]
    before = changes(study)
    for reader in ("alice", "bob"):  # into another's read, or into their own
        assert sr_load(monkeypatch, study, bobs_elsewhere, admin=reader) == 2
        refused(capsys, f"{reader} is signed in as reader: only the study administrator "
                "loads SRs")  # fmt: skip
    assert changes(study) == before
    assert [r["actor"] for r in records(study, "load-sr-refused")] == ["alice", "bob"]


def test_a_reader_cannot_load_an_sr_python_api(
    exported: tuple[Path, Path], study: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _, folder = exported
    alices = export_alices(monkeypatch, study, tmp_path / "alice")
    with sign_in(study, "bob", PASSWORDS["bob"], engine=RecistEngine()) as bob:
        for files in (alices[:1], sorted(folder.glob("SUBJ-001_bob_*"))[:1]):
            with pytest.raises(NotPermitted, match="only the study administrator"):
                load_srs(bob, "bob", files)
        with pytest.raises(NotPermitted, match="never see each other's read"):
            bob.read_of(ReadKey("SUBJ-001", "alice"))
        assert ReadKey("SUBJ-001", "alice") not in bob._project.state.reads
    with (sign_in(study, "ada", PASSWORDS["ada"], engine=RecistEngine()) as ada,
          pytest.raises(SrLoadRefused, match="another reader's read")):  # fmt: skip
        load_srs(ada, "bob", alices[:1])
    assert bobs_read(study) is None


def test_a_reader_cannot_export_another_readers_sr(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["bob"] + "\n"))
    assert main(["export", str(study), "--sr", str(tmp_path / "out"), "--user", "bob",
                 "--password-stdin", "--reader", "alice"]) == 2  # fmt: skip
    refused(capsys, "bob cannot export alice's reads")
    assert not (tmp_path / "out").exists()


def test_a_project_without_users_has_no_administrator_to_load(
    exported: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    project, folder = exported
    before = changes(project)
    assert sr_load(monkeypatch, project, sorted(folder.glob("SUBJ-001_bob_*"))[:1]) == 2
    refused(capsys, f"{project}: a project without users: sr-load is the study administrator's")
    assert changes(project) == before


@pytest.mark.parametrize("problem", ["not-dicom", "unknown-study", "has-entries", "twice",
                                     "not-a-reader", "no-file"])  # fmt: skip
def test_refused_in_one_line_naming_the_file(
    problem: str, exported: tuple[Path, Path], study: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _, folder = exported
    baseline = sorted(folder.glob("SUBJ-001_bob_01-*"))[0]
    files, reader, expected = [baseline], "bob", [str(baseline)]
    if problem == "not-dicom":
        files = [tmp_path / "notes.dcm"]
        files[0].write_text("not an SR", encoding="utf-8")
        expected = [str(files[0]), "not a readable DICOM SR"]
    elif problem == "unknown-study":  # SUBJ-002 is not a subject of this study
        files = [sorted(folder.glob("SUBJ-002_alice_01-*"))[0]]
        expected = [str(files[0]), "is not one timepoint of this project"]
    elif problem == "has-entries":
        assert sr_load(monkeypatch, study, files) == 0
        capsys.readouterr()
        expected.append("has entries already")
    elif problem == "twice":
        files = [baseline, baseline]
        expected.append("load one SR per timepoint")
    elif problem == "not-a-reader":
        reader, expected = "carol", ["'carol' is not an active reader", "alice, bob"]
    else:
        files = [tmp_path / "missing.dcm"]
        expected = [str(files[0]), "cannot read it"]
    before = changes(study)
    assert sr_load(monkeypatch, study, files, reader=reader) == 2
    refused(capsys, *expected)
    assert changes(study) == before
    with Store.open(study, create=False) as store:
        assert len([r for r in store.load().reads if r == BOB]) == (problem == "has-entries")


def test_one_lesion_per_measurement_and_identifiers_that_name_one(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from reviewer_gui.reading import Category, ReadingError
    from reviewer_gui.sr import read_sr
    from reviewer_gui.sr.assignments import Assignment, assign

    from .test_dcmjs_import import ohif_writes

    ohif = ohif_writes(tmp_path)
    entries = read_sr(ohif).entries
    length, bidirectional = sorted(entries, key=lambda e: e.tracking_identifier)[::-1]
    t1 = Assignment("T1", Category.TARGET, "liver")
    lesions = tmp_path / "lesions.csv"
    lesions.write_text("tracking,lesion_id,category,organ\n" + "".join(
        f"{e.tracking_uid},T1,TARGET,liver\n" for e in entries), encoding="utf-8")
    assert sr_load(monkeypatch, study, [ohif], "--lesions", str(lesions)) == 2
    refused(capsys, str(ohif), "lesion T1 is assigned to two measurements")
    assert bobs_read(study) is None
    by_identifier = assign(entries, {length.tracking_identifier: t1, bidirectional.tracking_uid:
                                     Assignment("T2", Category.TARGET, "lymph node")})
    assert {e.tracking_uid: e.lesion_id for e in by_identifier} == {
        length.tracking_uid: "T1", bidirectional.tracking_uid: "T2"}
    twice = (length, replace(length, tracking_uid="2.25.1"))  # two Lengths, one identifier
    with pytest.raises(ReadingError, match=r"2 measurements are .*: assign them by tracking UID"):
        assign(twice, {length.tracking_identifier: t1})
