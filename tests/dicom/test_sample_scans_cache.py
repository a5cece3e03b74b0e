"""The demo's sample scans in an installed package: generated on first use into the user's
cache, complete or absent, the same bytes as the checkout's committed copy."""

from __future__ import annotations

import filecmp
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer_gui.sample_scans import (
    CHECKOUT_COPY,
    SampleScansError,
    cache_root,
    sample_scans_folder,
)


def _same_tree(a: Path, b: Path) -> bool:
    compared = filecmp.dircmp(a, b, ignore=["README.md", "generate.py"])
    stack = [compared]
    while stack:
        node = stack.pop()
        if node.left_only or node.right_only or node.diff_files or node.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(node.left, node.right, node.common_files,
                                               shallow=False)  # fmt: skip
        if mismatch or errors:
            return False
        stack.extend(node.subdirs.values())
    return True


def test_a_checkout_uses_its_committed_copy() -> None:
    assert sample_scans_folder() == CHECKOUT_COPY


def test_generated_once_into_the_cache_with_the_committed_bytes(tmp_path: Path) -> None:
    folder = sample_scans_folder(tmp_path)
    assert folder.parent == tmp_path and folder.name.startswith("sample-scans-")
    assert _same_tree(folder, CHECKOUT_COPY)
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary left over
    mtime = (folder / "truth.csv").stat().st_mtime_ns
    assert sample_scans_folder(tmp_path) == folder  # second use: no new generation
    assert (folder / "truth.csv").stat().st_mtime_ns == mtime


def test_the_cache_follows_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_root() == tmp_path / "recist-toolkit"


def test_two_first_runs_at_once_end_with_one_complete_copy(tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; "
            "from reviewer_gui.sample_scans import sample_scans_folder; "
            "print(sample_scans_folder(Path(sys.argv[1])))")  # fmt: skip
    runs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                             text=True) for _ in range(2)]  # fmt: skip
    outputs = [run.communicate(timeout=120)[0].strip() for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs[0] == outputs[1]
    assert [p.name for p in tmp_path.iterdir()] == [Path(outputs[0]).name]
    assert _same_tree(Path(outputs[0]), CHECKOUT_COPY)


def test_a_killed_first_run_leaves_no_copy_and_the_next_completes(tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; "
            "from reviewer_gui.sample_scans import sample_scans_folder; "
            "sample_scans_folder(Path(sys.argv[1]))")  # fmt: skip
    run = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)])
    deadline = 200
    while deadline and not any(tmp_path.glob(".sample-scans-*/SUBJ-001")):
        deadline -= 1
        time.sleep(0.05)
    run.kill()
    run.wait()
    assert not any(p.name.startswith("sample-scans-") for p in tmp_path.iterdir())
    assert _same_tree(sample_scans_folder(tmp_path), CHECKOUT_COPY)


def test_an_unwritable_cache_is_one_message(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(SampleScansError, match="cannot write the sample scans there") as error:
        sample_scans_folder(tmp_path / "file" / "cache")
    assert "XDG_CACHE_HOME" in str(error.value) and "\n" not in str(error.value)
