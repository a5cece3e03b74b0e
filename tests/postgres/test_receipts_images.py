"""``audit verify`` on a PostgreSQL project checks what it checks on a project file: the image
files of the project's image folder against the SHA-256s recorded at import (missing, altered,
extra), and every e-signature receipt against the chain (receipts written by each signing
reader's machine to ``DBNAME.receipts`` in the image folder, or to the administrator's
setting). A restore of an older backup of the server loses signed records: the receipts,
outside the server, reveal it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import psycopg
import pytest
from pg_server import PgDatabase, copy_database

from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, ReadingProject, SeriesRef
from reviewer_gui.review import sign_in
from reviewer_gui.store.image_folder import set_images_folder
from reviewer_gui.store.images import folder_files, image_rows

from .kit import CASE, PASSWORDS, PLANE, Backend, Clock, mm

LABELS = {"BASELINE": dt.date(2024, 1, 8), "M2": dt.date(2024, 3, 4)}


def _folder(images: Path, label: str) -> str:
    return f"images/{CASE}/{label}"


def _project(database: PgDatabase, images: Path) -> None:
    """The kit's users; one case whose two timepoints were imported with their files (the
    ``image_file`` rows in the timepoint's own change, as ``recist-review import`` does)."""
    backend = Backend("postgres", database.location, database.url)
    backend.create()
    with backend.open("ada") as store:
        project = ReadingProject(store.load(), journal=store, clock=Clock())
        project.add_subject(CASE, by="ada")
        for number, (label, date) in enumerate(LABELS.items()):
            folder = images / _folder(images, label)
            folder.mkdir(parents=True)
            for k in range(3):
                (folder / f"IM{k:04d}.dcm").write_bytes(f"{label}-{k}-pixels".encode() * 50)
            files = folder_files(images, _folder(images, label))
            ref = SeriesRef(f"2.25.{number}1", f"2.25.{number}2", _folder(images, label))
            with store.attaching({"image_file": image_rows(files)}):
                project.add_timepoint(CASE, label, date, ref, by="ada")
        set_images_folder(store, images, "ada")


@pytest.fixture
def study(pg_database: PgDatabase, tmp_path: Path) -> tuple[str, Path]:
    images = tmp_path / "shared-drive"
    _project(pg_database, images)
    return pg_database.location, images


def verify(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           location: str, *extra: str) -> tuple[int, str]:  # fmt: skip
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORDS['ada']}\n"))
    status = main(["audit", "verify", location, "--admin", "ada", "--password-stdin", *extra])
    return status, capsys.readouterr().out


def sign_baseline(location: str) -> None:
    with sign_in(location, "alice", PASSWORDS["alice"], engine=RecistEngine()) as alice:
        alice.add_lesion(CASE, Category.TARGET, "liver")
        alice.measure(CASE, "BASELINE", "T1", mm(30), PLANE)
        alice.sign(CASE, "BASELINE", name="alice", password=PASSWORDS["alice"],
                   meaning="Reviewed and approved as read")  # fmt: skip


def test_the_image_files_are_checked_missing_altered_and_extra(
    study: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    location, images = study
    status, out = verify(monkeypatch, capsys, location)
    assert status == 0 and "image files intact: 6 checked against their recorded SHA-256" in out
    baseline, m2 = images / _folder(images, "BASELINE"), images / _folder(images, "M2")
    (baseline / "IM0001.dcm").unlink()
    (m2 / "IM0002.dcm").write_bytes(b"edited")
    (m2 / "IM0009.dcm").write_bytes(b"slipped in")
    status, out = verify(monkeypatch, capsys, location)
    assert status == 1 and "3 finding(s)" in out
    assert f"image file images/{CASE}/BASELINE/IM0001.dcm is missing" in out
    assert f"image file images/{CASE}/M2/IM0002.dcm was altered: 6 bytes" in out
    assert f"image file images/{CASE}/M2/IM0009.dcm is extra: the study {CASE} M2" in out
    status, out = verify(monkeypatch, capsys, location, "--skip-images")
    assert status == 0 and "image files: NOT checked (--skip-images)" in out


def test_no_image_folder_recorded_is_said(
    pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Backend("postgres", pg_database.location, pg_database.url).create()
    status, out = verify(monkeypatch, capsys, pg_database.location)
    assert status == 0
    assert "image files: NOT checked (the project records no image folder: recist-review " \
        "images URL DIR)" in out
    assert "note: no e-signature receipts: the project records neither a receipts file nor " \
        "an image folder" in out


def test_a_signature_leaves_its_receipt_in_the_image_folder_and_a_restored_backup_is_caught(
    study: tuple[str, Path], postgres_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    location, images = study
    database = location.rsplit("/", 1)[1]
    backup = f"{database}_backup"
    copy_database(postgres_url, database, backup)  # the nightly backup, before the signature
    try:
        sign_baseline(location)
        receipts = images / f"{database}.receipts"
        lines = receipts.read_text().splitlines()
        assert len(lines) == 1 and lines[0].endswith(f"sign {CASE}/alice/BASELINE")
        status, out = verify(monkeypatch, capsys, location)
        assert status == 0, out
        assert "e-signature receipts hold: 1 checked (latest: record" in out
        restored = location.rsplit("/", 1)[0] + f"/{backup}"
        status, out = verify(monkeypatch, capsys, restored, "--receipts", str(receipts))
        assert status == 1
        assert "is gone:" in out and "signed records were lost or cut off" in out
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{backup}" WITH (FORCE)')  # type: ignore[call-overload]


def test_the_administrator_sets_the_receipts_file(
    study: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    location, images = study
    kept = tmp_path / "tmf" / "study.receipts"
    kept.parent.mkdir()
    for admin, status in (("alice", 2), ("ada", 0)):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORDS[admin]}\n"))
        assert main(["audit", "receipts", location, "--file", str(kept), "--admin", admin,
                     "--password-stdin"]) == status  # fmt: skip
    assert "alice is not the study administrator" in capsys.readouterr().err
    sign_baseline(location)
    assert len(kept.read_text().splitlines()) == 1
    assert not list(images.glob("*.receipts"))
    status, out = verify(monkeypatch, capsys, location)
    assert status == 0 and "1 checked (latest: record" in out and str(kept) in out
