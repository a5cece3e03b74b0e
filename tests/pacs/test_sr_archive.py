"""``recist-review export PROJECT --sr URL``: the SRs sent with STOW-RS to a real Orthanc instead of
written into a folder; refused in one line when the archive refuses, nothing left behind."""

from __future__ import annotations

import sqlite3
from io import BytesIO
from pathlib import Path

import pydicom
import pytest
from orthanc_kit import PASSWORD, Orthanc
from sr.kit import sample_project

from reviewer_gui.cli import main
from reviewer_gui.dicom._dicomweb import Connection, parse_server


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
