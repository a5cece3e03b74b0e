"""``export --sr`` in a blinded review: the CSV export's access rules. A reader exports only
their own read; the adjudicator and the study administrator every read; ``--final`` the final
read of each subject, for them only; every export is an audit record."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from reviewer_gui.cli import main

from .kit import PASSWORDS, add_users, read_signed_in, signed_in_add_sample_subject


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SUBJ-001 on the sample scans, read identically by alice and bob (the reads agree)."""
    path = tmp_path_factory.mktemp("study") / "study.db"
    add_users(path)
    signed_in_add_sample_subject(path)
    for reader in ("alice", "bob"):
        read_signed_in(path, reader, "SUBJ-001", "SUBJ-001")
    return path


def export(monkeypatch: pytest.MonkeyPatch, study: Path, out: Path, user: str,
           *more: str) -> int:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS[user] + "\n"))
    return main(["export", str(study), "--sr", str(out), "--user", user, "--password-stdin",
                 *more])  # fmt: skip


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def audit(study: Path, action: str) -> list[tuple[str, str]]:
    db = sqlite3.connect(study)
    try:
        return db.execute("SELECT actor, after FROM audit_record WHERE action = ?",
                          (action,)).fetchall()  # fmt: skip
    finally:
        db.close()


def test_a_reader_exports_only_their_own_read(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert export(monkeypatch, study, tmp_path / "alice", "alice") == 0
    assert names(tmp_path / "alice") == [f"SUBJ-001_alice_0{i}-{label}_SR.dcm" for i, label
                                         in enumerate(("BASELINE", "M2", "M4", "M6"), 1)]
    assert export(monkeypatch, study, tmp_path / "bob", "alice", "--reader", "bob") == 2
    assert "alice cannot export bob's reads" in capsys.readouterr().err
    assert not (tmp_path / "bob").exists()
    assert any(actor == "alice" and "SUBJ-001_alice_01-BASELINE_SR.dcm" in after
               for actor, after in audit(study, "export-sr"))  # fmt: skip


def test_the_adjudicator_exports_every_read_or_one_readers(
        study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    assert export(monkeypatch, study, tmp_path / "all", "carol") == 0
    assert len(names(tmp_path / "all")) == 8
    assert export(monkeypatch, study, tmp_path / "bob", "ada", "--reader", "bob") == 0
    assert all("_bob_" in name for name in names(tmp_path / "bob"))


def test_final_is_for_the_adjudicator_and_administrator(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert export(monkeypatch, study, tmp_path / "final", "carol", "--final") == 0
    final = names(tmp_path / "final")
    assert len(final) == 4 and len({name.split("_")[1] for name in final}) == 1  # one read
    assert audit(study, "export-final-sr")
    assert export(monkeypatch, study, tmp_path / "no", "alice", "--final") == 2
    assert main(["export", str(study), "--sr", str(tmp_path / "no"), "--final"]) == 2
    assert "sign in as the adjudicator" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()
