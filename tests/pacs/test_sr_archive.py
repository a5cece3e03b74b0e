"""``recist-review export PROJECT --sr URL``: the SRs sent with STOW-RS to a real Orthanc instead of
written into a folder; refused in one line when the archive refuses, nothing left behind."""

from __future__ import annotations

import io
import json
import sqlite3
from io import BytesIO
from pathlib import Path

import pydicom
import pytest
from orthanc_kit import PASSWORD, Orthanc
from pg_server import PgDatabase
from postgres.test_sr_export import CASE, PASSWORDS, server_project
from reading.kit import SAMPLE_SCANS
from sr.kit import PASSWORDS as SR_PASSWORDS
from sr.kit import add_users, read_signed_in, sample_project, signed_in_add_sample_subject

from reviewer_gui.cli import main
from reviewer_gui.dicom._dicomweb import Connection, parse_server
from reviewer_gui.store import open_store
from reviewer_gui.store.image_folder import set_images_folder
from reviewer_gui.store.postgres import PostgresStore


def held_srs(orthanc: Orthanc) -> list[pydicom.Dataset]:
    conn = Connection(parse_server(orthanc.url_with_credentials))
    try:
        studies = conn.search("studies", {"ModalitiesInStudy": "SR"})
        uids = sorted(str(s["0020000D"]["Value"][0]) for s in studies)
        return [pydicom.dcmread(BytesIO(data)) for uid in uids
                for data in conn.stream(f"studies/{uid}", "fetching")
                if pydicom.dcmread(BytesIO(data), stop_before_pixels=True).Modality == "SR"]
    finally:
        conn.close()


def test_the_srs_go_to_the_archive(own_orthanc: Orthanc, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    sample_project(tmp_path / "project.db")
    assert main(["export", str(tmp_path / "project.db"), "--sr", str(tmp_path / "sr")]) == 0
    written = sorted((tmp_path / "sr").iterdir())
    capsys.readouterr()
    assert main(["export", str(tmp_path / "project.db"), "--sr",
                 own_orthanc.url_with_credentials]) == 0
    err = capsys.readouterr().err
    assert err.strip() == (f"recist-review: {len(written)} SR file(s) sent to "
                           f"{own_orthanc.url} (STOW-RS)")
    held = held_srs(own_orthanc)
    assert len(held) == len(written) == 12
    assert sorted(str(ds.SeriesDescription) for ds in held) == sorted(
        str(pydicom.dcmread(p).SeriesDescription) for p in written)
    for ds in held:
        assert ds.ContentTemplateSequence[0].TemplateIdentifier == "1500"
    db = sqlite3.connect(tmp_path / "project.db")
    sent, = db.execute("SELECT after FROM audit_record WHERE action = 'send-sr'").fetchone()
    db.close()
    assert own_orthanc.url in sent and PASSWORD not in sent


def test_an_archive_that_refuses_the_srs(orthanc: Orthanc, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    sample_project(tmp_path / "project.db")
    before = len(held_srs(orthanc))
    url = orthanc.url_with_credentials.replace(f":{PASSWORD}@", ":nope@")
    assert main(["export", str(tmp_path / "project.db"), "--sr", url]) == 2
    err = capsys.readouterr().err
    assert "refused user 'reader' (HTTP 401)" in err.splitlines()[0]
    assert "no SR was kept" in err and "nope" not in err
    assert len(held_srs(orthanc)) == before
    assert not list(tmp_path.glob("**/*_SR.dcm"))


@pytest.fixture
def server_study(pg_database: PgDatabase) -> str:
    """SUBJ-001 read and signed by alice and bob on a PostgreSQL project."""
    return server_project(pg_database)


def test_the_srs_of_a_postgresql_project_go_to_the_archive(
        server_study: str, own_orthanc: Orthanc, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """A reader of a server project sends their SRs (written from the project's image folder)
    to the archive; the audit record is theirs, on the server, without the archive's password."""
    with open_store(server_study, user="ada", password=PASSWORDS["ada"]) as store:
        set_images_folder(store, SAMPLE_SCANS, "ada")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["alice"] + "\n"))
    assert main(["export", server_study, "--sr", own_orthanc.url_with_credentials,
                 "--user", "alice", "--password-stdin"]) == 0  # fmt: skip
    assert capsys.readouterr().err.strip() == (
        f"recist-review: 4 SR file(s) sent to {own_orthanc.url} (STOW-RS)")
    held = held_srs(own_orthanc)
    assert sorted(str(ds.PatientID) for ds in held) == [CASE] * 4
    with open_store(server_study, user="ada", password=PASSWORDS["ada"]) as store:
        assert isinstance(store, PostgresStore)
        sent = [tuple(r) for r in store.database.execute(
            "SELECT actor, after FROM audit_record WHERE action = 'send-sr'")]  # fmt: skip
    assert len(sent) == 1 and sent[0][0] == "alice"
    assert own_orthanc.url in str(sent[0][1]) and PASSWORD not in str(sent[0][1])


def test_the_final_srs_go_to_the_archive_with_one_record_naming_it(
        own_orthanc: Orthanc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--final --sr URL``: the adjudicator's export-final-sr record names the archive (never
    the temporary folder the files were written in first, nor the password), once."""
    study = tmp_path / "study.db"
    add_users(study)
    signed_in_add_sample_subject(study)
    for reader in ("alice", "bob"):
        read_signed_in(study, reader, "SUBJ-001", "SUBJ-001")
    monkeypatch.setattr("sys.stdin", io.StringIO(SR_PASSWORDS["carol"] + "\n"))
    assert main(["export", str(study), "--sr", own_orthanc.url_with_credentials, "--final",
                 "--user", "carol", "--password-stdin"]) == 0  # fmt: skip
    assert sorted(str(ds.PatientID) for ds in held_srs(own_orthanc)) == ["SUBJ-001"] * 4
    with sqlite3.connect(study) as db:
        records = [(actor, json.loads(after)) for actor, action, after in db.execute(
            "SELECT actor, action, after FROM audit_record WHERE action IN "
            "('export-final-sr', 'send-sr')")]  # fmt: skip
    assert [actor for actor, _ in records] == ["carol"]
    export, = records[0][1]["export"]
    assert export["archive"] == own_orthanc.url and "folder" not in export
    assert len(export["files"]) == 4 and len(export["final"]) == 1
    assert PASSWORD not in json.dumps(records)
