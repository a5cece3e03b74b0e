"""Fault injection for ``recist report``: a kill -9 at every write step, or a file-size limit
(a full disk) while writing, leaves the old set of files or the new set, never a mix, and a
re-run completes. The kills happen in child processes; ``STEPS`` are the system calls of
``recist.io.outputs`` that a kill can fall between."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_report_populations import write_trial

from recist.cli import main
from recist.io.outputs import replace_folder

#: Run in a child: count the write steps, and kill the process with SIGKILL just before the
#: K-th (K = 0: never). Prints the number of steps when it was not killed.
KILL_AT_STEP = """
import os, shutil, signal, sys, tempfile
from recist.io import outputs

kill_at, steps = int(sys.argv[1]), 0

def step(function):
    def counted(*args, **kwargs):
        global steps
        steps += 1
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return counted

for module, name in [(os, "fsync"), (os, "chmod"), (os, "rename"), (os, "replace"),
                     (tempfile, "mkdtemp"), (shutil, "rmtree"), (outputs, "_exchange")]:
    setattr(module, name, step(getattr(module, name)))
BODY
print(steps, file=sys.stderr)
"""
REPLACE = """
import json, pathlib
files = {k: v.encode() for k, v in json.loads(sys.argv[3]).items()}
outputs.replace_folder(pathlib.Path(sys.argv[2]), files)
"""
REPORT = """
from recist.cli import main
status = main(sys.argv[2:])
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def child(body: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = KILL_AT_STEP.replace("BODY", body)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=300)  # fmt: skip


OLD = {"report.html": "old html", "dcr.csv": "old dcr", "km_pfs.png": "old png"}
NEW = {"report.html": "new html", "dcr.csv": "new dcr", "km_pfs.png": "new png"}


@pytest.mark.parametrize("existing", [True, False])
def test_a_kill_at_every_write_step_leaves_the_old_or_the_new_set(
    tmp_path: Path, existing: bool
) -> None:
    old = {k: v.encode() for k, v in OLD.items()} if existing else {}
    new = {k: v.encode() for k, v in NEW.items()}
    clean = child(REPLACE, "0", str(tmp_path / "count"), json.dumps(NEW))
    steps = int(clean.stderr.split()[-1])
    assert steps >= 2 * len(NEW) + 3  # a sync and a chmod per file, the folder, the swap
    seen = set()
    for kill_at in range(1, steps + 1):
        target = tmp_path / str(kill_at) / "report"
        target.parent.mkdir()
        if existing:
            replace_folder(target, old)
        done = child(REPLACE, str(kill_at), str(target), json.dumps(NEW))
        assert done.returncode == -signal.SIGKILL, done.stderr
        state = snapshot(target)
        assert state in (old, new), (kill_at, state)
        seen.add("new" if state == new else "old")
        replace_folder(target, new)  # the re-run completes
        assert snapshot(target) == new
    assert seen == {"old", "new"}  # kills fell both before and after the swap


def run_report(out: Path, measurements: Path, subjects: Path, *more: str) -> list[str]:
    return ["report", str(measurements), "--subjects", str(subjects), "-o", str(out), *more]


@pytest.fixture(scope="module")
def trial(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The small trial, and its report with --pp-evaluations 1 (the old set) in ``old``."""
    folder = tmp_path_factory.mktemp("trial")
    measurements, subjects = write_trial(folder)
    old = folder / "old"
    assert main(run_report(old, measurements, subjects, "--pp-evaluations", "1")) == 0
    return measurements, subjects, old


@pytest.fixture(scope="module")
def report_steps(trial: tuple[Path, Path, Path], tmp_path_factory: pytest.TempPathFactory) -> int:
    """The number of write steps of the small trial's report."""
    measurements, subjects, _ = trial
    out = tmp_path_factory.mktemp("count") / "report"
    return int(child(REPORT, "0", *run_report(out, measurements, subjects)).stderr.split()[-1])


def tables(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: content for name, content in files.items() if name.endswith(".csv")}


@pytest.mark.parametrize("where", ["first", "swap", "after swap"])
def test_report_killed_while_writing_then_rerun(
    tmp_path: Path, trial: tuple[Path, Path, Path], report_steps: int, where: str
) -> None:
    measurements, subjects, old_folder = trial
    old = snapshot(old_folder)
    fresh = tmp_path / "fresh"
    assert main(run_report(fresh, measurements, subjects)) == 0
    new = snapshot(fresh)
    assert tables(new) != tables(old)
    steps = report_steps
    kill_at = {"first": 1, "swap": steps - 2, "after swap": steps}[where]
    target = tmp_path / "report"
    replace_folder(target, old)
    done = child(REPORT, str(kill_at), *run_report(target, measurements, subjects))
    assert done.returncode == -signal.SIGKILL, done.stderr
    state = snapshot(target)
    expected = old if where != "after swap" else new
    assert set(state) == set(expected) and tables(state) == tables(expected)
    assert main(run_report(target, measurements, subjects)) == 0
    assert set(snapshot(target)) == set(new) and tables(snapshot(target)) == tables(new)


def test_report_with_a_full_disk_keeps_the_old_set_then_reruns(
    tmp_path: Path, trial: tuple[Path, Path, Path]
) -> None:
    measurements, subjects, old_folder = trial
    target = tmp_path / "report"
    replace_folder(target, snapshot(old_folder))
    code = ("import resource, signal, sys\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))\n"
            "from recist.cli import main\nsys.exit(main(sys.argv[1:]))\n")  # fmt: skip
    argv = [sys.executable, "-c", code, *run_report(target, measurements, subjects)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"{target}: the file is larger than this place allows")
    assert "Traceback" not in done.stderr
    assert snapshot(target) == snapshot(old_folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no temporary folder left
    assert main(run_report(target, measurements, subjects)) == 0
    assert tables(snapshot(target)) != tables(snapshot(old_folder))
