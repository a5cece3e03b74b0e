"""``recist-review users passwd|reset|unlock|lockout`` and ``users list`` on real project
files: the study administrator resets, unlocks and sets the lockout; a user changes their own
password; messages never show a password; ``audit verify`` stays intact."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reviewer_gui.cli import main
from reviewer_gui.review import sign_in

from .accounts_kit import NEW, TEMPORARY, audit, events
from .conftest import PASSWORDS

ADA, ALICE = PASSWORDS["ada"], PASSWORDS["alice"]


def run(monkeypatch: pytest.MonkeyPatch, *argv: object, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([str(a) for a in argv])


def as_administrator(monkeypatch: pytest.MonkeyPatch, *argv: object) -> int:
    """A command a PostgreSQL project runs as its study administrator (``--admin``)."""
    project = argv[2]
    if isinstance(project, Path):
        return run(monkeypatch, *argv)
    return run(monkeypatch, *argv, "--admin", "ada", "--password-stdin", stdin=f"{ADA}\n")


def listed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           path: Path | str) -> dict[str, str]:  # fmt: skip
    capsys.readouterr()
    assert as_administrator(monkeypatch, "users", "list", path) == 0
    return {line.split("\t")[0]: line.split("\t")[2]
            for line in capsys.readouterr().out.splitlines()}  # fmt: skip


def test_passwd_changes_the_users_own_password(
    study: Path | str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "users", "passwd", study, "--user", "alice", "--password-stdin",
               stdin=f"{ALICE}\nshort\n") == 2  # fmt: skip
    err = capsys.readouterr().err
    assert err == "recist-review: a password needs at least 12 characters\n"
    assert run(monkeypatch, "users", "passwd", study, "--user", "alice", "--password-stdin",
               stdin=f"{ALICE}\n{NEW['alice']}\n") == 0  # fmt: skip
    assert capsys.readouterr().err == "recist-review: password of alice changed\n"
    sign_in(study, "alice", NEW["alice"]).close()
    assert as_administrator(monkeypatch, "audit", "verify", study) == 0
    out = capsys.readouterr().out
    assert out.startswith("audit trail intact")
    assert NEW["alice"] not in out and ALICE not in out


def test_passwd_on_a_terminal_asks_the_new_password_twice(
    study: Path | str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = iter([ALICE, NEW["alice"], NEW["bob"]])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["users", "passwd", str(study), "--user", "alice"]) == 2
    assert "the two new passwords differ: password not changed" in capsys.readouterr().err
    assert audit(study, "change-password") == []


def test_reset_then_the_user_must_change_it(
    study: Path | str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "users", "reset", study, "alice", "--admin", "bob",
               "--password-stdin", stdin=f"{PASSWORDS['bob']}\n{TEMPORARY}\n") == 2
    assert "bob is not the study administrator" in capsys.readouterr().err
    assert run(monkeypatch, "users", "reset", study, "alice", "--admin", "ada",
               "--password-stdin", stdin=f"{ADA}\n{TEMPORARY}\n") == 0  # fmt: skip
    assert "alice must change it at the next sign-in" in capsys.readouterr().err
    assert listed(monkeypatch, capsys, study)["alice"] == "active, must change password"
    assert run(monkeypatch, "export", study, "--user", "alice", "--password-stdin",
               stdin=f"{TEMPORARY}\n") == 2  # fmt: skip
    assert "the study administrator reset your password" in capsys.readouterr().err
    assert run(monkeypatch, "users", "passwd", study, "--user", "alice", "--password-stdin",
               stdin=f"{TEMPORARY}\n{NEW['alice']}\n") == 0  # fmt: skip
    assert listed(monkeypatch, capsys, study)["alice"] == "active"


def test_unlock_and_lockout_settings(
    study: Path | str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    assert run(monkeypatch, "users", "lockout", study, "--admin", "ada", "--password-stdin",
               stdin=f"{ADA}\n") == 0  # fmt: skip
    assert capsys.readouterr().out == "accounts lock after 5 consecutive failed password checks\n"
    assert run(monkeypatch, "users", "lockout", study, "--admin", "ada", "--attempts", "2",
               "--password-stdin", stdin=f"{ADA}\n") == 0  # fmt: skip
    assert "(was 5)" in capsys.readouterr().err
    for _ in range(2):
        assert run(monkeypatch, "export", study, "--user", "alice", "--password-stdin",
                   stdin="a-wrong-guess\n") == 2  # fmt: skip
    assert "alice's account is locked" in capsys.readouterr().err
    assert listed(monkeypatch, capsys, study)["alice"] == "active, locked"
    assert run(monkeypatch, "export", study, "--user", "alice", "--password-stdin",
               stdin=f"{ALICE}\n") == 2  # fmt: skip
    who = "(ada) " if isinstance(study, Path) else ""  # a refused login sees no other user
    assert f"the study administrator {who}can unlock it" in capsys.readouterr().err
    assert run(monkeypatch, "users", "unlock", study, "alice", "--admin", "ada", "--reason",
               "identity checked by phone", "--password-stdin", stdin=f"{ADA}\n") == 0
    assert "account of alice unlocked" in capsys.readouterr().err
    assert events(study, "alice")[-1] == ("unlocked", 0, 0)
    assert run(monkeypatch, "export", study, "--user", "alice", "--password-stdin",
               stdin=f"{ALICE}\n") == 0  # fmt: skip
    assert as_administrator(monkeypatch, "audit", "verify", study) == 0
