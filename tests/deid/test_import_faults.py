"""Issue 14, section 1: no fault of the site's data or of concurrent runs loses images or
passes silently. Concurrent imports take turns; a damaged image keeps its study out (and a
re-send brings it in, or replaces a damaged stored one, audited); every stored image's SHA-256
is recorded and ``audit verify`` finds missing, extra and altered files; special files, the
wrong or a missing key file, and a missing Study Date are refused before anything is written."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pydicom
import pytest

from reviewer_gui.deid import IMAGES, PROJECT_DB, default_key_file, import_studies

from .faults import (
    image_check,
    registered_files,
    rle_garbled,
    run_cli,
    start_cli,
    timepoints,
    truncate,
    verified,
)
from .kit import HENRIETTA, MAXIMILIAN
from .kit import write_site_copy as site_copy

LABELS = ["BASELINE", "FU1", "FU2", "FU3"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two patients' site data (four studies of 20 slices each)."""
    root = tmp_path_factory.mktemp("site")
    site_copy(root, HENRIETTA)
    site_copy(root, MAXIMILIAN)
    return root


def study_folders(site: Path, patient: object) -> list[Path]:
    return sorted((site / patient.folder).iterdir())  # type: ignore[attr-defined]


# -- concurrent imports -----------------------------------------------------------------------


@pytest.mark.parametrize("trial", [1, 2])
def test_three_concurrent_imports_of_one_source_lose_nothing(
    site: Path, tmp_path: Path, trial: int
) -> None:
    reading = tmp_path / "reading"
    runs = [start_cli("import", site, reading) for _ in range(3)]
    outcomes = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert [status for status, *_ in outcomes] == [0, 0, 0], outcomes
    assert not any("Traceback" in err for *_, err in outcomes)
    assert sorted(map(sorted, timepoints(reading).values())) == [sorted(LABELS)] * 2
    assert registered_files(reading) == 2 * 4 * 20
    assert image_check(reading) == (160, (), ())
    status, out = verified(reading)
    assert status == 0 and "image files intact: 160 checked" in out, out
    assert "already there" in "".join(err for *_, err in outcomes)


def test_an_import_waits_for_the_one_holding_the_project(site: Path, tmp_path: Path) -> None:
    reading = tmp_path / "reading"
    reading.mkdir()
    with open(reading / ".import.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = start_cli("import", site, reading)
        assert waiting.stderr is not None
        said = waiting.stderr.readline()  # the run says it waits (however long it took to start)
        assert "another import into" in said and "is running: waiting" in said, said
        time.sleep(1)
        assert waiting.poll() is None  # still waiting for the lock
        assert not (reading / PROJECT_DB).exists() and not (reading / IMAGES).exists()
    _, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, said + err
    assert sum(map(len, timepoints(reading).values())) == 8


def test_an_unregistered_study_folder_is_removed_a_registered_one_never(
    site: Path, tmp_path: Path
) -> None:
    """What an interrupted run left (a folder moved into place, never registered) is removed
    by the next run; the folder of a registered timepoint is never removed."""
    reading = tmp_path / "reading"
    henrietta = tmp_path / "henrietta"
    site_copy(henrietta, HENRIETTA)
    held_back = tmp_path / "held"
    study_folders(henrietta, HENRIETTA)[-1].rename(held_back)
    assert import_studies(henrietta, reading).incomplete == ()
    (case,) = timepoints(reading)
    left = reading / IMAGES / case / "FU3"
    left.mkdir()
    (left / "stale.dcm").write_bytes(b"left by a killed run")
    held_back.rename(henrietta / HENRIETTA.folder / "2024-07-15")
    report = import_studies(henrietta, reading)
    assert [s.label for s in report.imported] == ["FU3"]
    assert not (left / "stale.dcm").exists() and len(list(left.rglob("*.dcm"))) == 20
    assert image_check(reading) == (80, (), ())


# -- damaged images ---------------------------------------------------------------------------


@pytest.mark.parametrize("damage", [truncate, rle_garbled], ids=["truncated", "undecodable"])
def test_a_damaged_slice_keeps_its_study_out_and_the_resend_brings_it_in(
    tmp_path: Path, damage: object
) -> None:
    source = tmp_path / "site"
    site_copy(source, HENRIETTA)
    site_copy(source, MAXIMILIAN)
    victim = sorted(study_folders(source, HENRIETTA)[1].iterdir())[7]
    good = victim.read_bytes()
    damage(victim)  # type: ignore[operator]
    reading = tmp_path / "reading"
    done = run_cli("import", source, reading)
    assert done.returncode == 2, done.stderr
    assert f"NOT IMPORTED: {victim}: " in done.stderr
    assert "(nor the later ones of this subject)" in done.stderr
    assert "have the site re-send it" in done.stderr and "Traceback" not in done.stderr
    labels = sorted(timepoints(reading).values(), key=len)
    assert labels == [["BASELINE"], LABELS]  # the other subject is complete
    assert list((reading / ".incoming").iterdir()) == []
    assert image_check(reading) == (100, (), ())
    victim.write_bytes(good)  # the site re-sends the slice
    again = run_cli("import", source, reading)
    assert again.returncode == 0, again.stderr
    assert sorted(timepoints(reading).values()) == [LABELS, LABELS]
    assert verified(reading)[0] == 0


def test_a_damaged_stored_study_is_replaced_by_the_resend_audited(site: Path,
                                                                  tmp_path: Path) -> None:
    reading = tmp_path / "reading"
    assert run_cli("import", site, reading).returncode == 0
    case = next(iter(timepoints(reading)))
    stored = sorted((reading / IMAGES / case / "FU1").rglob("*.dcm"))[4]
    good = stored.read_bytes()
    truncate(stored)
    status, out = verified(reading)
    assert status == 1 and f"image file {stored.relative_to(reading).as_posix()} was altered" \
        in out, out
    again = run_cli("import", site, reading)
    assert again.returncode == 0, again.stderr
    assert f"replaced: {case} FU1: {stored.relative_to(reading).as_posix()} was altered" \
        in again.stderr
    assert stored.read_bytes() == good  # the same source gives the same de-identified bytes
    assert verified(reading)[0] == 0
    db = sqlite3.connect(reading / PROJECT_DB)
    records = db.execute("SELECT actor, case_id, reason FROM audit_record WHERE action = "
                         "'replace-images'").fetchall()  # fmt: skip
    rows = db.execute("SELECT count(*) FROM image_update").fetchone()[0]
    db.close()
    assert len(records) == 1 and records[0][:2] == ("import", case)
    assert "replaced by the site's re-send" in records[0][2] and rows == 20


# -- image hashes -----------------------------------------------------------------------------


def damage_missing(reading: Path, victim: Path) -> str:
    victim.unlink()
    return "is missing (recorded at import"


def damage_altered(reading: Path, victim: Path) -> str:
    data = bytearray(victim.read_bytes())
    data[-100] ^= 0xFF  # one pixel: the file still reads and decodes
    victim.write_bytes(bytes(data))
    return "was altered"


def damage_extra(reading: Path, victim: Path) -> str:
    extra = victim.with_name("IM9999.dcm")
    shutil.copy(victim, extra)
    return f"image file {extra.relative_to(reading).as_posix()} is extra"


@pytest.mark.parametrize("damage", [damage_missing, damage_altered, damage_extra],
                         ids=["missing", "altered", "extra"])  # fmt: skip
def test_audit_verify_finds_missing_altered_and_extra_image_files(
    site: Path, tmp_path: Path, damage: object
) -> None:
    reading = tmp_path / "reading"
    assert run_cli("import", site, reading).returncode == 0
    assert verified(reading)[0] == 0
    case = next(iter(timepoints(reading)))
    victim = sorted((reading / IMAGES / case / "FU2").rglob("*.dcm"))[9]
    expected = damage(reading, victim)  # type: ignore[operator]
    status, out = verified(reading)
    assert status == 1 and expected in out, out
    assert "audit trail BROKEN" in out
    skipped = run_cli("audit", "verify", reading / PROJECT_DB, "--skip-images")
    assert skipped.returncode == 0 and "image files: NOT checked" in skipped.stdout


def test_every_stored_image_has_its_hash_in_the_timepoints_audit_record(
    site: Path, tmp_path: Path
) -> None:
    reading = tmp_path / "reading"
    assert run_cli("import", site, reading).returncode == 0
    db = sqlite3.connect(reading / PROJECT_DB)
    rows = db.execute("SELECT a.after FROM audit_record a JOIN timepoint t "
                      "ON t.change_id = a.change_id").fetchall()  # fmt: skip
    db.close()
    assert len(rows) == 8
    assert all(text.count('"sha256":') == 20 for (text,) in rows)


# -- refused before anything is written -------------------------------------------------------


def test_a_fifo_named_dcm_is_refused_at_once(site: Path, tmp_path: Path) -> None:
    source = tmp_path / "site"
    shutil.copytree(site / HENRIETTA.folder, source / HENRIETTA.folder)
    fifo = source / HENRIETTA.folder / "IM0099.dcm"
    os.mkfifo(fifo)
    reading = tmp_path / "reading"
    done = run_cli("import", source, reading, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (f"recist-review import: {fifo} (a named pipe): not a regular file; "
                           f"remove it from {source} (nothing imported)\n")  # fmt: skip
    assert not reading.exists() and not default_key_file(reading).exists()


def test_a_reimport_with_another_or_a_missing_key_file_is_refused(
    site: Path, tmp_path: Path
) -> None:
    reading = tmp_path / "reading"
    assert run_cli("import", site, reading).returncode == 0
    before = timepoints(reading)
    other = tmp_path / "elsewhere" / "other.key"
    done = run_cli("import", site, reading, "--key-file", other)
    assert done.returncode == 2 and not other.exists()
    assert "no such key file, but" in done.stderr and "give that key file" in done.stderr
    unrelated = tmp_path / "unrelated.key"
    assert run_cli("import", site, tmp_path / "other-project", "--key-file",
                   unrelated).returncode == 0  # fmt: skip
    done = run_cli("import", site, reading, "--key-file", unrelated)
    assert done.returncode == 2 and "not the key" in done.stderr, done.stderr
    default_key_file(reading).rename(tmp_path / "moved.key")
    done = run_cli("import", site, reading)
    assert done.returncode == 2 and "no such key file" in done.stderr
    assert not default_key_file(reading).exists()
    assert timepoints(reading) == before
    assert run_cli("import", site, reading, "--key-file", tmp_path / "moved.key").returncode == 0
    assert timepoints(reading) == before


def test_a_study_without_a_study_date_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    source = tmp_path / "site"
    site_copy(source, HENRIETTA)
    site_copy(source, MAXIMILIAN)
    last = study_folders(source, MAXIMILIAN)[-1]
    for path in last.iterdir():
        dataset = pydicom.dcmread(path)
        del dataset.StudyDate
        dataset.save_as(path)
    reading = tmp_path / "reading"
    done = run_cli("import", source, reading)
    assert done.returncode == 2
    assert "no Study Date, so the timepoints cannot be ordered" in done.stderr
    assert "(nothing imported)" in done.stderr
    assert not reading.exists() and not default_key_file(reading).exists()


def test_a_full_disk_mid_study_is_a_clear_message_and_a_rerun_completes(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reviewer_gui.cli import main

    reading = tmp_path / "reading"
    original = pydicom.dataset.Dataset.save_as
    calls = []

    def filling(self: pydicom.dataset.Dataset, *args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 30:
            raise OSError(errno.ENOSPC, "No space left on device", str(args[0]))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pydicom.dataset.Dataset, "save_as", filling)
    assert main(["import", str(site), str(reading)]) == 2
    err = capsys.readouterr().err
    assert "No space left on device; the study being written was not imported" in err
    assert list((reading / ".incoming").iterdir()) == []
    assert verified(reading)[0] == 0
    monkeypatch.setattr(pydicom.dataset.Dataset, "save_as", original)
    assert main(["import", str(site), str(reading)]) == 0
    assert sorted(timepoints(reading).values()) == [LABELS, LABELS]
    assert image_check(reading) == (160, (), ())


def test_studies_imported_before_hashes_get_them_and_a_damaged_one_is_replaced(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project imported by the previous release (no image hashes): a re-import checks every
    stored file, records the intact studies' hashes and replaces a damaged one, audited."""
    from contextlib import nullcontext

    from reviewer_gui.store import Store

    reading = tmp_path / "reading"
    with monkeypatch.context() as previous_release:
        previous_release.setattr(Store, "attaching", lambda self, rows: nullcontext())
        assert import_studies(site, reading).incomplete == ()
    checked, problems, notes = image_check(reading)
    assert (checked, problems, len(notes)) == (0, (), 8)
    assert all("imported before image hashes were recorded" in note for note in notes)
    case = next(iter(timepoints(reading)))
    stored = sorted((reading / IMAGES / case / "FU2").rglob("*.dcm"))[11]
    truncate(stored)
    report = import_studies(site, reading)
    assert report.imported == () and report.already_present == 8
    (replaced,) = report.replaced
    assert replaced.startswith(f"{case} FU2: {stored}: its pixel data do not decode (The "
                               "number of bytes of pixel data is less than expected (49200 "
                               "vs 51200 bytes)")  # fmt: skip
    assert replaced.endswith(": replaced by the re-send")
    assert image_check(reading) == (160, (), ())
    db = sqlite3.connect(reading / PROJECT_DB)
    actions = [r[0] for r in db.execute("SELECT action FROM audit_record WHERE action LIKE "
                                        "'%-images' ORDER BY seq")]  # fmt: skip
    db.close()
    assert sorted(actions) == ["record-images"] * 7 + ["replace-images"]
    assert verified(reading)[0] == 0

