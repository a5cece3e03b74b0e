"""``recist-review import SOURCE PROJECT --images URL``: the images into a reading archive (a real
Orthanc, STOW-RS), the URL recorded once without credentials, the hashes checked over DICOMweb.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import psycopg
import pydicom
import pytest
from deid.kit import HENRIETTA, leaks
from deid.kit import write_site_copy as site_copy
from orthanc_kit import PASSWORD, USER, Orthanc
from pg_server import PgDatabase

from reviewer_gui.cli import main
from reviewer_gui.deid import IMAGES
from reviewer_gui.dicom import SeriesCache, load_series
from reviewer_gui.pacs import fetch_studies
from reviewer_gui.store import open_project, open_store
from reviewer_gui.store.image_folder import IMAGES_FOLDER, images_location
from reviewer_gui.store.postgres import create_project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site copy (seeded PHI) and its folder import (with the key the archive imports use)."""
    root = tmp_path_factory.mktemp("site")
    site_copy(root / "site", HENRIETTA)
    assert main(["import", str(root / "site"), str(root / "folder-project")]) == 0
    return root


def archive_import(site: Path, orthanc: Orthanc, tmp_path: Path) -> Path:
    key = tmp_path / "key"
    shutil.copy(site / "folder-project.deid-key", key)
    project = tmp_path / "project"
    assert main(["import", str(site / "site"), str(project), "--images",
                 orthanc.url_with_credentials, "--key-file", str(key)]) == 0
    return project


def as_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader's own credentials, from the environment (never from the project)."""
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_USER", USER)
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_PASSWORD", PASSWORD)


def test_the_images_go_to_the_archive_and_load_from_it_with_the_readers_credentials(
        site: Path, own_orthanc: Orthanc, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        cache: SeriesCache) -> None:
    project = archive_import(site, own_orthanc, tmp_path)
    out = capsys.readouterr()
    assert PASSWORD not in out.out + out.err
    assert not (project / IMAGES).exists()  # nothing kept in the folder: the archive has it
    assert PASSWORD.encode() not in (project / "project.db").read_bytes()
    model, store = open_project(project / "project.db", create=False)
    with store:
        assert store.project_info(IMAGES_FOLDER) == own_orthanc.url  # no credentials
        assert images_location(store) == own_orthanc.url
        timepoints = [tp for case in model.case_ids for tp in model.timepoints(case)]
    assert [tp.label for tp in timepoints] == ["BASELINE", "FU1", "FU2", "FU3"]
    as_reader(monkeypatch)
    for tp in timepoints:
        assert tp.series is not None
        remote = load_series(own_orthanc.url, series_uid=tp.series.series_uid,
                             cache=cache)  # the reader's env credentials
        local = load_series(site / "folder-project" / tp.series.folder,
                            series_uid=tp.series.series_uid)
        assert remote.voxels.shape == local.voxels.shape
        assert np.array_equal(remote.voxels, local.voxels)
        assert remote.sop_instance_uids == local.sop_instance_uids
    held = tmp_path / "held"  # everything the archive holds, as stored: no seeded PHI
    held.mkdir()
    assert fetch_studies(own_orthanc.url, held) == sum(
        1 for _ in (site / "folder-project" / IMAGES).rglob("*.dcm"))
    assert leaks(held, HENRIETTA.strings()) == []


def test_the_recorded_hashes_are_checked_on_the_archive(
        site: Path, own_orthanc: Orthanc, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        cache: SeriesCache) -> None:
    project = archive_import(site, own_orthanc, tmp_path)
    capsys.readouterr()
    as_reader(monkeypatch)
    assert main(["audit", "verify", str(project / "project.db")]) == 0
    out = capsys.readouterr().out
    n_files = sum(1 for _ in (site / "folder-project" / IMAGES).rglob("*.dcm"))
    assert f"image files intact: {n_files} checked against their recorded SHA-256" in out
    db = sqlite3.connect(project / "project.db")
    study, = db.execute("SELECT study_uid FROM timepoint WHERE label = 'FU2'").fetchone()
    db.close()
    victim = load_series(own_orthanc.url, series_uid=_series_of(project, "FU2"), cache=cache)
    own_orthanc.delete_instance(victim.sop_instance_uids[3])
    assert main(["audit", "verify", str(project / "project.db")]) == 1
    out = capsys.readouterr().out
    broken = [line for line in out.splitlines() if "missing or altered" in line]
    assert len(broken) == 1 and f"({study}) on the archive {own_orthanc.url}" in broken[0]
    assert "/FU2/" in broken[0]
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_PASSWORD", "wrong")
    assert main(["audit", "verify", str(project / "project.db")]) == 1
    out = capsys.readouterr().out
    assert "could not be checked" in out and "HTTP 401" in out and "wrong" not in out


def _series_of(project: Path, label: str) -> str:
    db = sqlite3.connect(project / "project.db")
    try:
        found: str = db.execute("SELECT series_uid FROM timepoint WHERE label = ?",
                                (label,)).fetchone()[0]
    finally:
        db.close()
    return found


def test_the_location_is_one_setting(site: Path, own_orthanc: Orthanc, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    project = archive_import(site, own_orthanc, tmp_path)
    capsys.readouterr()
    key = str(tmp_path / "key")
    elsewhere = tmp_path / "shared"
    assert main(["import", str(site / "site"), str(project), "--images", str(elsewhere),
                 "--key-file", key]) == 2
    err = capsys.readouterr().err
    assert f"the image location is already {own_orthanc.url}" in err
    assert "nothing imported" in err and not elsewhere.exists()
    # without --images, the recorded archive (credentials from the environment: none here)
    assert main(["import", str(site / "site"), str(project), "--key-file", key]) == 0
    assert "0 study(ies) of 0 subject(s) imported" in capsys.readouterr().err


def test_an_archive_that_refuses_gets_no_timepoint_registered(
        site: Path, orthanc: Orthanc, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = orthanc.url_with_credentials.replace(f":{PASSWORD}@", ":nope@")
    project = tmp_path / "project"
    key = tmp_path / "key"
    shutil.copy(site / "folder-project.deid-key", key)
    assert main(["import", str(site / "site"), str(project), "--images", url,
                 "--key-file", str(key)]) == 2
    err = capsys.readouterr().err
    assert f"refused user '{USER}' (HTTP 401)" in err and "nope" not in err
    model, store = open_project(project / "project.db", create=False)
    with store:
        assert not model.case_ids  # no timepoint without its images in the archive
    assert not list(tmp_path.glob("**/*.dcm"))


def test_a_postgresql_project_with_its_images_in_the_archive(
        site: Path, own_orthanc: Orthanc, pg_database: PgDatabase, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, cache: SeriesCache) -> None:
    ada = "ada-password-1"
    create_project(pg_database.url, "ada", ada).close()
    key = tmp_path / "key"
    shutil.copy(site / "folder-project.deid-key", key)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{ada}\n"))
    assert main(["import", str(site / "site"), pg_database.location, "--images",
                 own_orthanc.url_with_credentials, "--key-file", str(key), "--admin", "ada",
                 "--password-stdin"]) == 0
    with open_store(pg_database.location, user="ada", password=ada) as store:
        assert images_location(store) == own_orthanc.url
        timepoints = store.load().subjects
    series = [tp.series for tps in timepoints.values() for tp in tps]
    assert len(series) == 4
    with psycopg.connect(pg_database.url) as db:
        texts = [str(v) for row in db.execute("SELECT value FROM recist.project_info")
                 for v in row]
    assert PASSWORD not in " ".join(texts)
    as_reader(monkeypatch)
    for ref in series:
        assert ref is not None
        volume = load_series(own_orthanc.url, series_uid=ref.series_uid, cache=cache)
        assert volume.voxels.shape[0] == 20 and not volume.warnings


def test_a_series_on_the_archive_carries_its_slice_thickness(
        site: Path, own_orthanc: Orthanc, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The study tree of an archive project lists a study's series by QIDO-RS (no files): each
    carries the Slice Thickness of its images, which the engine's 2 x slice thickness rule
    needs when the reader reads a timepoint on another series."""
    from reviewer_gui.pacs.archive import study_series
    from reviewer_gui.qt.studies import series_ref_for

    project = archive_import(site, own_orthanc, tmp_path)
    model, store = open_project(project / "project.db", create=False)
    with store:
        timepoints = [tp for case in model.case_ids for tp in model.timepoints(case)]
    as_reader(monkeypatch)
    for tp in timepoints:
        assert tp.series is not None
        local = site / "folder-project" / tp.series.folder
        header = pydicom.dcmread(next(local.rglob("*.dcm")), stop_before_pixels=True)
        (info,) = study_series(own_orthanc.url, tp.series.study_uid)
        assert not info.files and info.series_uid == tp.series.series_uid
        assert info.slice_thickness_mm == Decimal(str(header.SliceThickness))
        other = replace(info, series_uid="1.2.3.4")  # as another series of the study
        assert series_ref_for(other, tp.series).slice_thickness_mm == info.slice_thickness_mm
