"""The registration job and its cache (issue 17, item 2): computed once per pair of series and
inputs, found again on re-opening, recomputed when the inputs change under the same UIDs, and
never an exception out of the worker's job."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from reviewer_gui.dicom import DicomLoadError
from reviewer_gui.viewer.registration import Registration
from reviewer_gui.viewer.registration_cache import (
    CACHE_DIR_ENV,
    RegistrationCache,
    RegistrationJob,
    default_cache_dir,
    inputs_digest,
    run_registration,
)

from .case_series import CaseSeries, registered


@cache
def series() -> tuple[CaseSeries, CaseSeries, Registration]:
    earlier, follow, _, reg = registered("shift")
    return earlier, follow, reg


def same(a: Registration | None, b: Registration) -> bool:
    """The same registration, to the rounding of SimpleITK's multithreaded sums."""
    return a is not None and a.matrix == pytest.approx(b.matrix, abs=1e-6) and (
        a.translation == pytest.approx(b.translation, abs=1e-4))  # fmt: skip


def job(earlier: CaseSeries, follow: CaseSeries, *, uids: tuple[str, str] = ("1.1", "1.2"),
        ) -> RegistrationJob:  # fmt: skip
    return RegistrationJob("BASELINE", uids[0], uids[1], lambda: earlier, lambda: follow)


def test_registered_once_then_read_back(tmp_path: Path) -> None:
    earlier, follow, reg = series()
    store = RegistrationCache(tmp_path / "c")
    first = run_registration(job(earlier, follow), store)
    assert not first.cached and first.error == "" and first.note == ""
    assert same(first.registration, reg)  # the same inputs: the same (seeded) registration
    assert first.geometry is not None
    assert first.geometry.sop_instance_uids == earlier.sop_instance_uids
    again = run_registration(job(earlier, follow), RegistrationCache(tmp_path / "c"))
    assert again.cached and again.registration == first.registration
    entry = json.loads(store.path("1.1", "1.2").read_text(encoding="utf-8"))
    assert entry["inputs_sha256"] == inputs_digest(earlier, follow)
    assert (entry["earlier_series_uid"], entry["follow_up_series_uid"]) == ("1.1", "1.2")
    assert [p.name for p in (tmp_path / "c").iterdir()] == [store.path("1.1", "1.2").name]


def test_other_voxels_under_the_same_uids_are_registered_again(tmp_path: Path) -> None:
    earlier, follow, reg = series()
    store = RegistrationCache(tmp_path)
    store.put("1.1", "1.2", inputs_digest(earlier, follow), reg)
    moved = replace(follow, voxels=np.ascontiguousarray(follow.voxels[:, :, ::-1]))
    assert inputs_digest(earlier, moved) != inputs_digest(earlier, follow)
    assert store.get("1.1", "1.2", inputs_digest(earlier, moved)) is None
    assert store.get("1.1", "1.2", inputs_digest(earlier, follow)) == reg
    assert store.get("1.1", "9.9", inputs_digest(earlier, follow)) is None  # another pair


def test_a_damaged_entry_is_recomputed_and_replaced(tmp_path: Path) -> None:
    earlier, follow, reg = series()
    store = RegistrationCache(tmp_path)
    path = store.path("1.1", "1.2")
    path.write_text('{"earlier_series_uid": "1.1", "registration": {"kind"', encoding="utf-8")
    outcome = run_registration(job(earlier, follow), store)
    assert not outcome.cached and same(outcome.registration, reg)
    assert store.get("1.1", "1.2", inputs_digest(earlier, follow)) == outcome.registration


def test_an_unwritable_cache_still_registers_and_says_why(tmp_path: Path) -> None:
    earlier, follow, reg = series()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")  # a folder cannot be made under it
    outcome = run_registration(job(earlier, follow), RegistrationCache(blocked / "c"))
    assert same(outcome.registration, reg) and outcome.error == ""
    assert outcome.note.startswith(f"not cached ({blocked / 'c'}: ")
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_a_series_that_cannot_be_loaded_is_an_outcome_not_an_exception(tmp_path: Path) -> None:
    _, follow, _ = series()

    def missing() -> CaseSeries:
        raise DicomLoadError("no DICOM files in /nowhere")

    outcome = run_registration(RegistrationJob("M2", "1.1", "1.2", missing, lambda: follow),
                               RegistrationCache(tmp_path))  # fmt: skip
    assert outcome.registration is None and outcome.geometry is None
    assert outcome.error == "M2 cannot be loaded to register to: no DICOM files in /nowhere"


def test_a_single_slice_cannot_be_registered_and_says_so(tmp_path: Path) -> None:
    earlier, follow, _ = series()
    one = replace(follow, voxels=follow.voxels[:1])
    outcome = run_registration(job(earlier, one), RegistrationCache(tmp_path))
    assert outcome.registration is None
    assert outcome.error.startswith("it cannot be registered to BASELINE: a series of 1 slices")
    assert list(tmp_path.iterdir()) == []  # nothing cached


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:  # fmt: skip
    monkeypatch.delenv(CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "recist-toolkit" / "registration"
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    assert RegistrationCache().folder == tmp_path / "mine"


def test_each_direction_of_a_pair_is_its_own_entry() -> None:
    store = RegistrationCache(Path("/unused"))
    assert store.path("1.1", "1.2") != store.path("1.2", "1.1")
