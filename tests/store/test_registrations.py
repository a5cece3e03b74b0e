"""Each user's registrations kept in the project (schema 6), on both backends: written and
read back, replaced, never another user's, bounded in size, and outside the audited record
(``audit verify`` passes with rows in it, and writing one appends no audit record)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ProjectLocation
from postgres.kit import Backend, add_case

from reviewer_gui.store import Store, StoreError
from reviewer_gui.store.derived import StoredRegistration

PAIR = ("1.2.826.0.1.3680043.8.498.1", "1.2.826.0.1.3680043.8.498.2")
AFFINE = json.dumps({"kind": "affine", "matrix": [1, 0, 0, 0, 1, 0, 0, 0, 1],
                     "translation": [1.5, -2.0, 0.0], "center": [0.0, 0.0, 0.0],
                     "quality": 0.9, "metric": -0.5})  # fmt: skip


def row(owner: str, *, digest: str = "a" * 64, **changed: str) -> StoredRegistration:
    made = StoredRegistration(owner, *PAIR, digest, "rigid+affine", AFFINE,
                              "2026-12-06T12:00:00+00:00")  # fmt: skip
    return replace(made, **changed)


@pytest.fixture
def backend(project_location: ProjectLocation) -> Backend:
    made = Backend(project_location.kind, str(project_location.empty()),
                   project_location.bootstrap)  # fmt: skip
    made.create()
    add_case(made)
    return made


def verified(backend: Backend) -> tuple[str, tuple[str, ...]]:
    """The audit trail's head and problems, as ``audit verify`` finds them."""
    report = backend.audit()
    return report.head, tuple(str(p) for p in report.problems)


def test_a_registration_is_kept_replaced_and_read_back_by_its_owner(backend: Backend) -> None:
    head, problems = verified(backend)
    assert problems == ()
    with backend.open("alice") as alice:
        assert alice.registrations("alice", *PAIR) == []
        alice.keep_registration(row("alice"))
        assert alice.registrations("alice", *PAIR) == [row("alice")]
        newer = row("alice", digest="b" * 64, created_at="2026-12-06T13:00:00+00:00")
        alice.keep_registration(newer)  # the pair's row replaced, not a second one
        assert alice.registrations("alice", *PAIR) == [newer]
        assert alice.registrations("alice", *reversed(PAIR)) == []  # the other direction
    with backend.open("bob") as bob:
        assert bob.registrations("bob", *PAIR) == []
        bob.keep_registration(row("bob"))  # the same pair: bob's own row
        assert bob.registrations("bob", *PAIR) == [row("bob")]
    with backend.open("alice") as alice:
        assert alice.registrations("alice", *PAIR) == [newer]
    assert verified(backend) == (head, ())  # not audited: no record appended, still intact


def test_the_table_is_not_a_dumping_ground(backend: Backend) -> None:
    too_big = json.dumps({"kind": "affine", "padding": "x" * 3000})
    wrong = [row("alice", registration=too_big), row("alice", registration="{not json"),
             row("alice", digest="a" * 65), row("alice", method=""),
             row("alice", method="m" * 257),
             row("alice", earlier_series_uid="1." * 40),
             row("alice", created_at="x" * 41)]  # fmt: skip
    with backend.open("alice") as alice:
        for refused in wrong:
            with pytest.raises(StoreError):
                alice.keep_registration(refused)
        assert alice.registrations("alice", *PAIR) == []
        alice.keep_registration(row("alice"))  # the store still writes after the refusals
        assert alice.registrations("alice", *PAIR) == [row("alice")]


def test_a_read_only_project_file_refuses_the_write_with_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    with Store.open(path) as store:
        store.connection.execute("PRAGMA query_only = ON")  # as a file the OS will not write
        with pytest.raises(StoreError, match=r"study\.db: not written \(attempt to write a "
                                             r"readonly database\)"):  # fmt: skip
            store.keep_registration(row("alice"))
        assert store.registrations("alice", *PAIR) == []
