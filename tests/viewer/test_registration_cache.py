"""The registration job and its cache in the project (issue 17, item 2): computed once per pair
of series and inputs, found again on re-opening, recomputed when the inputs change under the
same UIDs, each user's own, and never an exception out of the worker's job. The cache is a
real project file (SQLite); ``tests/store`` runs the store's side on both backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from reviewer_gui.dicom import DicomLoadError
from reviewer_gui.store import Store
from reviewer_gui.store.derived import StoredRegistration, UserRegistrations
from reviewer_gui.viewer.registration import Registration
from reviewer_gui.viewer.registration_cache import (
    METHOD,
    RegistrationCache,
    RegistrationJob,
    RegistrationOutcome,
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


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.db") as opened:
        yield opened


def job(earlier: CaseSeries, follow: CaseSeries, cache: RegistrationCache | None = None, *,
        uids: tuple[str, str] = ("1.1", "1.2")) -> RegistrationJob:  # fmt: skip
    """The job as the GUI thread makes it: the pair looked up in the cache first."""
    found = () if cache is None else cache.candidates(*uids)
    return RegistrationJob("BASELINE", uids[0], uids[1], lambda: earlier, lambda: follow,
                           candidates=found)  # fmt: skip


def registered_and_kept(cache: RegistrationCache, earlier: CaseSeries,
                        follow: CaseSeries) -> RegistrationOutcome:  # fmt: skip
    """Looked up, run (the worker's part), kept: one request of the app, without Qt."""
    return cache.keep(run_registration(job(earlier, follow, cache)))


def test_registered_once_then_read_back_from_the_project(store: Store) -> None:
    earlier, follow, reg = series()
    alice = RegistrationCache(UserRegistrations(store, "alice"))
    first = registered_and_kept(alice, earlier, follow)
    assert not first.cached and first.error == "" and first.note == ""
    assert same(first.registration, reg)  # the same inputs: the same (seeded) registration
    assert first.geometry is not None
    assert first.geometry.sop_instance_uids == earlier.sop_instance_uids
    assert first.inputs_sha256 == inputs_digest(earlier, follow)
    [row] = store.registrations("alice", "1.1", "1.2")
    assert (row.inputs_sha256, row.method) == (first.inputs_sha256, METHOD)
    assert first.registration is not None
    assert json.loads(row.registration) == first.registration.to_dict()
    with Store.open(store.path, create=False) as reopened:  # another session, same project
        again = registered_and_kept(RegistrationCache(UserRegistrations(reopened, "alice")),
                                    earlier, follow)  # fmt: skip
    assert again.cached and again.registration == first.registration


def test_each_user_registers_their_own(store: Store) -> None:
    earlier, follow, _ = series()
    registered_and_kept(RegistrationCache(UserRegistrations(store, "alice")), earlier, follow)
    bob = RegistrationCache(UserRegistrations(store, "bob"))
    assert bob.candidates("1.1", "1.2") == ()
    theirs = registered_and_kept(bob, earlier, follow)
    assert not theirs.cached and theirs.registration is not None
    owners = [r.owner for u in ("alice", "bob") for r in store.registrations(u, "1.1", "1.2")]
    assert owners == ["alice", "bob"]


def test_other_voxels_under_the_same_uids_are_registered_again(store: Store) -> None:
    earlier, follow, _ = series()
    alice = RegistrationCache(UserRegistrations(store, "alice"))
    first = registered_and_kept(alice, earlier, follow)
    moved = replace(follow, voxels=np.ascontiguousarray(follow.voxels[:, :, ::-1]))
    assert inputs_digest(earlier, moved) != inputs_digest(earlier, follow)
    again = registered_and_kept(alice, earlier, moved)  # a candidate, of other inputs
    assert not again.cached and again.registration != first.registration
    [row] = store.registrations("alice", "1.1", "1.2")  # the pair's row replaced
    assert row.inputs_sha256 == inputs_digest(earlier, moved)


def test_a_candidate_of_another_method_is_not_used(store: Store) -> None:
    earlier, follow, reg = series()
    digest = inputs_digest(earlier, follow)
    store.keep_registration(StoredRegistration("alice", "1.1", "1.2", digest, "older method",
                                               json.dumps(reg.to_dict()), "2026-01-01"))
    alice = RegistrationCache(UserRegistrations(store, "alice"))
    outcome = registered_and_kept(alice, earlier, follow)
    assert not outcome.cached and same(outcome.registration, reg)
    assert [r.method for r in store.registrations("alice", "1.1", "1.2")] == [METHOD]


def test_a_damaged_row_is_recomputed_and_replaced(store: Store) -> None:
    earlier, follow, reg = series()
    digest = inputs_digest(earlier, follow)
    store.keep_registration(StoredRegistration("alice", "1.1", "1.2", digest, METHOD,
                                               '{"kind": "affine", "matrix": [1]}',
                                               "2026-01-01"))  # fmt: skip
    alice = RegistrationCache(UserRegistrations(store, "alice"))
    assert alice.candidates("1.1", "1.2") == ()  # it does not read back
    outcome = registered_and_kept(alice, earlier, follow)
    assert not outcome.cached and same(outcome.registration, reg)
    [row] = store.registrations("alice", "1.1", "1.2")
    assert Registration.from_dict(json.loads(row.registration)) == outcome.registration


def test_a_project_that_refuses_the_write_still_registers_and_says_why(store: Store) -> None:
    earlier, follow, reg = series()
    store.connection.execute("PRAGMA query_only = ON")  # as a file the OS will not write
    outcome = registered_and_kept(RegistrationCache(UserRegistrations(store, "alice")),
                                  earlier, follow)  # fmt: skip
    assert same(outcome.registration, reg) and outcome.error == ""
    assert outcome.note == (f"not kept in the project ({store.path}: not written (attempt to "
                            "write a readonly database))")  # fmt: skip
    assert store.registrations("alice", "1.1", "1.2") == []


def test_a_series_that_cannot_be_loaded_is_an_outcome_not_an_exception() -> None:
    _, follow, _ = series()

    def missing() -> CaseSeries:
        raise DicomLoadError("no DICOM files in /nowhere")

    outcome = run_registration(RegistrationJob("M2", "1.1", "1.2", missing, lambda: follow))
    assert outcome.registration is None and outcome.geometry is None
    assert outcome.error == "M2 cannot be loaded to register to: no DICOM files in /nowhere"


def test_a_single_slice_cannot_be_registered_and_says_so(store: Store) -> None:
    earlier, follow, _ = series()
    one = replace(follow, voxels=follow.voxels[:1])
    outcome = registered_and_kept(RegistrationCache(UserRegistrations(store, "alice")),
                                  earlier, one)  # fmt: skip
    assert outcome.registration is None
    assert outcome.error.startswith("it cannot be registered to BASELINE: a series of 1 slices")
    assert store.registrations("alice", "1.1", "1.2") == []  # nothing kept


def test_each_direction_of_a_pair_is_its_own_row(store: Store) -> None:
    earlier, follow, _ = series()
    alice = RegistrationCache(UserRegistrations(store, "alice"))
    registered_and_kept(alice, earlier, follow)
    assert alice.candidates("1.2", "1.1") == ()
