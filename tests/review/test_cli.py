"""``recist-review users`` and ``recist-review audit`` on real project files."""

from __future__ import annotations

import csv
import io
import itertools
import sqlite3
from pathlib import Path

import pytest

from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.review import sign_in
from reviewer_gui.store.verify import EXPORT_COLUMNS

from .kit import CASE, DATES
from .test_tamper import tamper

ADA, ALICE = "admin-pass-1", "alice-pass-1"


def run(monkeypatch: pytest.MonkeyPatch, *argv: object, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([str(a) for a in argv])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "study.db"
    assert run(monkeypatch, "users", "add", path, "ada", "--role", "administrator",
               "--password-stdin", stdin=f"{ADA}\n") == 0  # fmt: skip
    assert run(monkeypatch, "users", "add", path, "alice", "--role", "reader", "--admin",
               "ada", "--password-stdin", stdin=f"{ADA}\n{ALICE}\n") == 0  # fmt: skip
    with sign_in(path, "ada", ADA) as ada:
        ada.add_subject(CASE)
        ada.add_timepoint(CASE, "BASELINE", DATES["BASELINE"])
    return path


def test_users_are_added_by_the_administrator_and_listed(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(monkeypatch, "users", "add", project, "bob", "--role", "reader", "--admin",
               "ada", "--password-stdin", stdin="wrong-pass-1\nbob-pass-123\n") == 2
    assert "wrong name or password" in capsys.readouterr().err
    assert run(monkeypatch, "users", "add", project, "bob", "--role", "reader",
               "--password-stdin", stdin="bob-pass-123\n") == 2
    assert "--admin NAME" in capsys.readouterr().err
    assert run(monkeypatch, "users", "add", project, "carol", "--role", "adjudicator",
               "--admin", "ada", "--password-stdin", stdin=f"{ADA}\ncarol-pass-1\n") == 0
    assert run(monkeypatch, "users", "list", project) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ada\tadministrator\tactive", "alice\treader\tactive", "carol\tadjudicator\tactive"]
    sign_in(project, "carol", "carol-pass-1").close()
    db = sqlite3.connect(project)
    refused = db.execute("SELECT actor, reason FROM audit_record WHERE action = "
                         "'sign-in-refused'").fetchall()  # fmt: skip
    assert refused == [("ada", "wrong password")]


def test_audit_verify_names_the_first_broken_record(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with sign_in(project, "alice", ALICE, engine=RecistEngine()) as alice:
        from reviewer_gui.reading import Category

        alice.add_lesion(CASE, Category.NON_TARGET, "bone")
    capsys.readouterr()
    assert run(monkeypatch, "audit", "verify", project) == 0
    out = capsys.readouterr().out
    assert "audit trail intact" in out and "not sealed" in out
    head = next(line.split()[1] for line in out.splitlines() if line.startswith("head "))
    seq = sqlite3.connect(project).execute(
        "SELECT seq FROM audit_record WHERE action = 'save-lesion'").fetchone()[0]  # fmt: skip
    tamper(project, "UPDATE lesion_version SET organ = 'liver'")
    assert run(monkeypatch, "audit", "verify", project, "--head", head) == 1
    out = capsys.readouterr().out
    assert f"first broken record: {seq}" in out
    assert f"record {seq}: the database no longer holds what it recorded: lesion_version.organ " \
        "was 'bone' when recorded, is 'liver' now" in out  # fmt: skip


def test_audit_export_writes_the_chain_for_the_administrator(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    output = tmp_path / "trail.csv"
    assert run(monkeypatch, "audit", "export", project, "-o", output) == 2
    assert "--admin NAME" in capsys.readouterr().err and not output.exists()
    assert run(monkeypatch, "audit", "export", project, "-o", output, "--admin", "alice",
               "--password-stdin", stdin=f"{ALICE}\n") == 2  # fmt: skip
    assert not output.exists()
    assert run(monkeypatch, "audit", "export", project, "-o", output, "--admin", "ada",
               "--password-stdin", stdin=f"{ADA}\n") == 0  # fmt: skip
    with output.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [r["seq"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))
    actions = [r["action"] for r in rows]
    assert actions[:4] == ["create-project", "add-user", "add-user", "sign-in"]
    assert {"add-subject", "add-timepoint", "sign-out"} <= set(actions)
    assert "scrypt$" not in output.read_text()
    db = sqlite3.connect(project)
    assert db.execute("SELECT actor FROM audit_record WHERE action = 'export-audit-trail'"
                      ).fetchall() == [("ada",)]  # fmt: skip


def test_a_project_sealed_with_a_key_file_is_verified_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "keys" / "audit.key"
    key.parent.mkdir()
    key.write_text("9f" * 32 + "\n")
    path = tmp_path / "sealed.db"
    assert run(monkeypatch, "users", "add", path, "ada", "--role", "administrator",
               "--password-stdin", "--audit-key-file", key, stdin=f"{ADA}\n") == 0
    assert run(monkeypatch, "users", "add", path, "bob", "--role", "reader", "--admin", "ada",
               "--password-stdin", stdin=f"{ADA}\nbob-pass-123\n") == 2  # no key: refused
    assert "sealed" in capsys.readouterr().err
    monkeypatch.setenv("RECIST_REVIEW_AUDIT_KEY_FILE", str(key))
    assert run(monkeypatch, "audit", "verify", path) == 0
    assert "seals checked" in capsys.readouterr().out
    monkeypatch.delenv("RECIST_REVIEW_AUDIT_KEY_FILE")
    assert run(monkeypatch, "audit", "verify", path) == 0
    assert "seals NOT checked" in capsys.readouterr().out


def test_export_on_a_project_with_users_goes_through_the_readers_session(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from .conftest import PASSWORDS, open_as
    from .test_sessions import read_baseline

    for name, target in (("alice", 30), ("bob", 32)):
        with open_as(study, name) as reader:
            read_baseline(reader, target)
    output = tmp_path / "out.csv"
    assert run(monkeypatch, "export", study, "-o", output, "--include-unsigned") == 2
    assert "sign in to export (--user NAME)" in capsys.readouterr().err and not output.exists()
    assert run(monkeypatch, "export", study, "-o", output, "--include-unsigned", "--user", "bob",
               "--reader", "alice", "--password-stdin", stdin=f"{PASSWORDS['bob']}\n") == 2
    assert "bob cannot export alice's reads" in capsys.readouterr().err
    assert not output.exists()
    assert run(monkeypatch, "export", study, "-o", output, "--include-unsigned", "--user", "bob",
               "--password-stdin", stdin=f"{PASSWORDS['bob']}\n") == 0
    with output.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {r["reader"] for r in rows} == {"bob"} and "30.0" not in output.read_text()
    assert run(monkeypatch, "export", study, "-o", output, "--include-unsigned", "--user", "ada",
               "--password-stdin", stdin=f"{PASSWORDS['ada']}\n") == 0
    with output.open(newline="") as stream:
        assert {r["reader"] for r in csv.DictReader(stream)} == {"alice", "bob"}
