"""Issue 14, fault injection: an import SIGKILLed at each of its write steps (a slice written,
a study moved into place, each statement of the registering transaction, the key's record)
leaves a project that verifies (chain, images), and a re-run completes it: the same
timepoints and files as an import never interrupted. Killed while it replaces a damaged
stored study, it leaves that study no worse, and a re-run repairs it."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reviewer_gui.deid import default_key_file, import_studies

from .faults import image_check, registered_files, timepoints, verified
from .kit import HENRIETTA
from .kit import write_site_copy as site_copy

CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import pydicom
    import reviewer_gui.deid.importer as importer
    from reviewer_gui.deid.key import DeidKey

    step, nth = sys.argv[3], int(sys.argv[4])
    seen = 0

    def hit():
        global seen
        seen += 1
        if seen == nth:
            os.kill(os.getpid(), signal.SIGKILL)

    def before(owner, name):
        original = getattr(owner, name)
        def wrapped(*args, **kwargs):
            hit()
            return original(*args, **kwargs)
        setattr(owner, name, wrapped)

    def after(owner, name):
        original = getattr(owner, name)
        def wrapped(*args, **kwargs):
            result = original(*args, **kwargs)
            hit()
            return result
        setattr(owner, name, wrapped)

    if step == "folders exchanged":
        import reviewer_gui.deid.resend as resend
        after(resend, "exchange")
    elif step == "slice written":
        after(pydicom.dataset.Dataset, "save_as")
    elif step == "before moving into place":
        before(Path, "rename")
    elif step == "after moving into place":
        after(Path, "rename")
    elif step == "key records the study":
        before(DeidKey, "record_study")
    elif step == "after the key's record":
        after(DeidKey, "record_study")
    else:  # an SQL statement of the project: killed just before it runs
        opened = importer.open_project
        def traced(*args, **kwargs):
            project, store = opened(*args, **kwargs)
            store.connection.set_trace_callback(
                lambda sql: hit() if sql.lstrip().upper().startswith(step.upper()) else None)
            return project, store
        importer.open_project = traced
    importer.import_studies(Path(sys.argv[1]), Path(sys.argv[2]))
    print("finished")
""")

KILL_POINTS = [
    ("slice written", 1), ("slice written", 30),
    ("before moving into place", 1), ("after moving into place", 2),
    ("INSERT INTO project_info", 1), ("INSERT INTO subject", 1),
    ("INSERT INTO timepoint", 1), ("INSERT INTO image_file", 2),
    ("INSERT INTO audit_record", 4), ("COMMIT", 4), ("COMMIT", 5),
    ("key records the study", 2), ("after the key's record", 3),
]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    site_copy(root, HENRIETTA)
    return root


@pytest.fixture(scope="module")
def uninterrupted(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    reading = tmp_path_factory.mktemp("clean") / "reading"
    import_studies(site, reading)
    return reading


@pytest.mark.parametrize(("step", "nth"), KILL_POINTS, ids=[f"{s} #{n}" for s, n in KILL_POINTS])
def test_an_import_killed_at_a_write_step_verifies_and_a_rerun_completes(
    site: Path, uninterrupted: Path, tmp_path: Path, step: str, nth: int
) -> None:
    reading = tmp_path / "reading"
    child = subprocess.run([sys.executable, "-c", CHILD, str(site), str(reading), step,
                            str(nth)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert child.returncode == -signal.SIGKILL, (child.stdout, child.stderr)
    status, out = verified(reading)
    assert status == 0, out  # the chain, the recorded images and the receipts hold
    _, problems, _ = image_check(reading)
    assert problems == ()
    report = import_studies(site, reading)
    assert report.incomplete == ()
    assert list(timepoints(reading).values()) == list(timepoints(uninterrupted).values())
    assert registered_files(reading) == registered_files(uninterrupted) == 80
    assert image_check(reading) == (80, (), ())
    assert sorted(p.name for p in (reading / ".incoming").iterdir()) == []
    assert verified(reading)[0] == 0


REPLACE_POINTS = [("slice written", 5), ("folders exchanged", 1),
                  ("INSERT INTO image_update", 3), ("COMMIT", 1)]  # fmt: skip


@pytest.mark.parametrize(("step", "nth"), REPLACE_POINTS,
                         ids=[f"{s} #{n}" for s, n in REPLACE_POINTS])  # fmt: skip
def test_an_import_killed_while_replacing_a_damaged_study_leaves_it_no_worse(
    site: Path, uninterrupted: Path, tmp_path: Path, step: str, nth: int
) -> None:
    reading = tmp_path / "reading"
    shutil.copytree(uninterrupted, reading)
    shutil.copy(default_key_file(uninterrupted), default_key_file(reading))
    stored = sorted((reading / "images").rglob("*.dcm"))[27]
    good = stored.read_bytes()
    stored.write_bytes(good[:-500])
    damaged = f"image file {stored.relative_to(reading).as_posix()} was altered"
    assert image_check(reading)[1][0].startswith(damaged)
    child = subprocess.run([sys.executable, "-c", CHILD, str(site), str(reading), step,
                            str(nth)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert child.returncode == -signal.SIGKILL, (child.stdout, child.stderr)
    _, problems, _ = image_check(reading)  # the chain intact, and at worst the same damage
    assert all(problem.startswith(damaged) for problem in problems), problems
    import_studies(site, reading)
    assert stored.read_bytes() == good
    assert image_check(reading) == (80, (), ())
    assert sorted(p.name for p in (reading / ".incoming").iterdir()) == []
    assert verified(reading)[0] == 0
