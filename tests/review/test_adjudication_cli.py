"""``recist-review adjudication settings|show|list|reference`` and ``export --final`` refusals."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reviewer_gui.cli import main

from .conftest import PASSWORDS
from .test_adjudication import SHRINKING, read_case


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, user: str, extra: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORDS[user]}\n{extra}"))
    return main([*argv, "--user", user, "--password-stdin"])


def test_settings_are_shown_to_the_adjudicator_and_changed_by_the_administrator(
    study: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "adjudication", "settings", str(study), user="carol") == 0
    shown = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert (shown["tolerance_days"], shown["landmark_compare"], shown["schedule.dcr_day"]) == (
        "0", "disease-control", "182")  # fmt: skip
    assert run(monkeypatch, "adjudication", "settings", str(study), "--tolerance-days", "14",
               user="carol") == 2  # fmt: skip
    assert "only the administrator changes the adjudication settings" in capsys.readouterr().err
    assert run(monkeypatch, "adjudication", "settings", str(study), "--tolerance-days", "14",
               "--no-landmark-trigger", "--dcr-day", "168", "--reason", "charter v2",
               user="ada") == 0  # fmt: skip
    shown = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert (shown["tolerance_days"], shown["landmark"], shown["schedule.dcr_day"]) == (
        "14", "false", "168")  # fmt: skip
    assert run(monkeypatch, "adjudication", "settings", str(study), "--tolerance-days", "-1",
               user="ada") == 2  # fmt: skip
    assert "tolerance_days must be 0 or more" in capsys.readouterr().err


def test_list_and_show_explain_the_triggers(
    study: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    read_case(study, "alice", SHRINKING, pd_at="M4")
    read_case(study, "bob", SHRINKING)
    capsys.readouterr()
    assert run(monkeypatch, "adjudication", "list", str(study), user="carol") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("CASE-7\tflagged\talice,bob\t-\talice calls progression on")
    assert run(monkeypatch, "adjudication", "show", str(study), "CASE-7", user="carol") == 0
    out = capsys.readouterr().out
    assert "trigger best-response: best overall response: alice SD, bob PR" in out
    assert "M4\t2024-05-06\t20.0\tPD\t20.0\tPR" in out
    assert "  M4\talice: PROGRESSION\tbob: PRESENT" in out
    assert run(monkeypatch, "adjudication", "decide", str(study), "CASE-7", "--choose", "bob",
               "--reason", "no unequivocal progression", user="carol",
               extra="wrong-password-1\n") == 2  # fmt: skip
    assert "adjudicate: wrong name or password" in capsys.readouterr().err


def test_reference_dates_need_the_key_and_the_administrator(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    subjects = tmp_path / "subjects.csv"
    subjects.write_text("subject_id,randomization_date\nSUBJ-1,2024-13-01\n")
    key = tmp_path / "missing.deid-key"
    assert run(monkeypatch, "adjudication", "reference", str(study), str(subjects),
               "--key-file", str(key), user="ada") == 2  # fmt: skip
    assert "missing.deid-key: no such de-identification key" in capsys.readouterr().err
    assert not key.exists()  # never created by asking
    assert run(monkeypatch, "adjudication", "reference", str(study), str(subjects),
               "--key-file", str(key), user="carol") == 2  # fmt: skip
    assert "only the study administrator gives reference dates" in capsys.readouterr().err


def test_the_final_export_needs_a_signed_in_adjudicator_or_administrator(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    final = tmp_path / "final.csv"
    assert main(["export", str(study), "--final", "-o", str(final)]) == 2
    assert "sign in as the adjudicator or the study administrator" in capsys.readouterr().err
    read_case(study, "alice", SHRINKING)
    read_case(study, "bob", SHRINKING)
    assert run(monkeypatch, "export", str(study), "--final", "-o", str(final), user="ada") == 0
    assert {line.split(",")[1] for line in final.read_text().splitlines()[1:]} == {"alice"}
    assert final.read_text().splitlines()[1].endswith(",AGREED")
