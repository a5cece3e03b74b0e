"""Helpers for the import fault tests (issue 14): running ``recist-review`` in child
processes, checking a project with ``audit verify``, and damaging files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pydicom
from pydicom.uid import RLELossless

from reviewer_gui.deid import PROJECT_DB
from reviewer_gui.store import open_project
from reviewer_gui.store.images import check_images
from reviewer_gui.store.verify import connect, verify

CLI = "import sys; from reviewer_gui.cli import main; sys.exit(main(sys.argv[1:]))"


def run_cli(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``recist-review ARGS`` in a child process (a hang fails the test, never blocks it)."""
    return subprocess.run([sys.executable, "-c", CLI, *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)  # fmt: skip


def start_cli(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CLI, *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def timepoints(reading: Path) -> dict[str, list[str]]:
    """Case id -> its timepoint labels, as the project records them."""
    project, store = open_project(reading / PROJECT_DB, create=False)
    store.close()
    return {c: [tp.label for tp in project.timepoints(c)] for c in project.case_ids}


def verified(reading: Path) -> tuple[int, str]:
    """``audit verify``'s exit status and output (images and receipts included)."""
    done = run_cli("audit", "verify", reading / PROJECT_DB)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout


def image_check(reading: Path) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """Files checked, problems and notes of the image check, and the chain intact."""
    db = connect(reading / PROJECT_DB)
    try:
        assert verify(db).intact
        report = check_images(db, reading)
    finally:
        db.close()
    return report.checked, report.problems, report.notes


def truncate(path: Path, keep: int = 2000) -> None:
    """Cut a file short, as an interrupted transfer leaves it."""
    path.write_bytes(path.read_bytes()[:-keep])


def registered_files(reading: Path) -> int:
    """Image files under the registered timepoints' folders."""
    project, store = open_project(reading / PROJECT_DB, create=False)
    store.close()
    return sum(1 for c in project.case_ids for tp in project.timepoints(c)
               if tp.series is not None
               for p in (reading / tp.series.folder).rglob("*.dcm"))  # fmt: skip


def rle_garbled(path: Path) -> None:
    """Recompress a slice as RLE and garble its segment: it reads, but cannot decode."""
    dataset = pydicom.dcmread(path)
    dataset.compress(RLELossless)
    data = bytearray(dataset.PixelData)
    data[100:-8] = b"\x80" * (len(data) - 108)
    dataset.PixelData = bytes(data)
    dataset.save_as(path)
