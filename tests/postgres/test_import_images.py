"""``recist-review import SOURCE postgresql://... --images DIR`` (issue 11, item 6): the study
administrator imports into a PostgreSQL project; the de-identified images go to DIR (a shared
drive), recorded once; a reader's session finds them there; the recorded hashes match the files.
A project folder takes ``--images DIR`` too."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import psycopg
import pytest
from deid.kit import HENRIETTA, leaks
from deid.kit import write_site_copy as site_copy
from pg_server import PgDatabase

from reviewer_gui.cli import main
from reviewer_gui.dicom import find_series
from reviewer_gui.review import sign_in
from reviewer_gui.store import open_store
from reviewer_gui.store.image_folder import IMAGES_FOLDER, images_location

from .kit import PASSWORDS


def run(monkeypatch: pytest.MonkeyPatch, *argv: object, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([str(a) for a in argv])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    site_copy(root / "site", HENRIETTA)
    assert main(["import", str(root / "site"), str(root / "folder-project")]) == 0
    return root


@pytest.fixture
def project(pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch) -> str:
    assert run(monkeypatch, "users", "add", pg_database.url, "ada", "--role", "administrator",
               "--password-stdin", stdin=f"{PASSWORDS['ada']}\n") == 0
    assert run(monkeypatch, "users", "add", pg_database.location, "alice", "--role", "reader",
               "--admin", "ada", "--password-stdin",
               stdin=f"{PASSWORDS['ada']}\n{PASSWORDS['alice']}\n") == 0
    return pg_database.location


def test_import_into_a_postgresql_project_with_an_image_folder(
        project: str, pg_database: PgDatabase, site: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared drive"
    key = tmp_path / "key"
    shutil.copy(site / "folder-project.deid-key", key)
    argv = ["import", site / "site", project, "--images", shared, "--key-file", key,
            "--admin", "ada", "--password-stdin"]
    assert run(monkeypatch, *argv, stdin=f"{PASSWORDS['ada']}\n") == 0
    assert f"4 study(ies) of 1 subject(s) imported into {project}, 0 already there" in (
        capsys.readouterr().err)
    # the same files as the folder import with the same key, under the recorded folder
    expected = sorted(p.relative_to(site / "folder-project")
                      for p in (site / "folder-project" / "images").rglob("*.dcm"))
    assert sorted(p.relative_to(shared) for p in (shared / "images").rglob("*.dcm")) == expected
    assert leaks(shared, HENRIETTA.strings()) == []
    with psycopg.connect(pg_database.url) as db:
        rows = db.execute("SELECT path, sha256 FROM recist.image_file").fetchall()
    recorded = {str(path): str(sha) for path, sha in rows}
    assert recorded == {p.as_posix(): hashlib.sha256((shared / p).read_bytes()).hexdigest()
                        for p in expected}
    with sign_in(project, "alice", PASSWORDS["alice"]) as alice:  # a reader finds them there
        assert alice.images_folder == shared
        case, = alice.case_ids
        for tp in alice.timepoints(case):
            assert tp.series is not None
            assert find_series(shared / tp.series.folder).by_uid(tp.series.series_uid).files
    # again: nothing new; another location: refused, nothing written
    assert run(monkeypatch, *argv, stdin=f"{PASSWORDS['ada']}\n") == 0
    assert "0 study(ies) of 0 subject(s) imported" in capsys.readouterr().err
    other = tmp_path / "other"
    argv[4] = other
    assert run(monkeypatch, *argv, stdin=f"{PASSWORDS['ada']}\n") == 2
    assert f"the image location is already {shared}" in capsys.readouterr().err
    assert not other.exists()


def test_a_postgresql_project_needs_an_image_location_and_its_administrator(
        project: str, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "key"
    assert run(monkeypatch, "import", site / "site", project, "--key-file", key,
               "--admin", "ada", "--password-stdin", stdin=f"{PASSWORDS['ada']}\n") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give --images DIR" in err and "nothing imported" in err
    assert run(monkeypatch, "import", site / "site", project, "--images", tmp_path / "d",
               "--key-file", key) == 2
    assert "say who (--admin NAME)" in capsys.readouterr().err
    assert run(monkeypatch, "import", site / "site", project, "--images", tmp_path / "d",
               "--key-file", key, "--admin", "alice", "--password-stdin",
               stdin=f"{PASSWORDS['alice']}\n") == 2
    assert "alice is not the study administrator" in capsys.readouterr().err
    assert run(monkeypatch, "import", site / "site", project, "--images", "relative/dir",
               "--key-file", key, "--admin", "ada", "--password-stdin",
               stdin=f"{PASSWORDS['ada']}\n") == 2
    assert "give the image folder as an absolute path" in capsys.readouterr().err
    assert not key.exists() and not (tmp_path / "d").exists()
    with open_store(project, user="ada", password=PASSWORDS["ada"]) as ada:
        assert images_location(ada) is None and not ada.load().subjects


def test_a_project_folder_with_its_images_on_a_shared_drive(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared"
    reading = tmp_path / "reading"
    key = tmp_path / "key"
    shutil.copy(site / "folder-project.deid-key", key)
    assert main(["import", str(site / "site"), str(reading), "--images", str(shared),
                 "--key-file", str(key)]) == 0
    assert not (reading / "images").exists() and (shared / "images").is_dir()
    with open_store(reading / "project.db") as store:
        assert store.project_info(IMAGES_FOLDER) == str(shared)
    capsys.readouterr()
    assert main(["audit", "verify", str(reading / "project.db")]) == 0
    out = capsys.readouterr().out
    assert "image files intact: " in out and " 0 checked" not in out
    victim = next((shared / "images").rglob("*.dcm"))
    victim.write_bytes(victim.read_bytes()[:-2] + b"\0\0")
    assert main(["audit", "verify", str(reading / "project.db")]) == 1
    assert "was altered" in capsys.readouterr().out
