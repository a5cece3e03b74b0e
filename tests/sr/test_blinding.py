"""The blinding scan covers the SR files: PHI seeded into a site's DICOM headers (names, ids,
institution, physicians, accession, descriptions, real dates) and imported with
``recist-review import`` never reaches an SR, whoever exports it; a reader's SRs never hold
another reader's read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from deid.kit import HENRIETTA, date_spellings, leaks, write_site_copy

from reviewer_gui.cli import main
from reviewer_gui.deid import PROJECT_DB
from reviewer_gui.sr import read_sr
from reviewer_gui.store import Store

from .kit import PASSWORDS, add_users, read_signed_in

ALICE_DETAIL = "segment quokkaward"


def test_no_seeded_phi_in_any_sr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_site_copy(tmp_path / "site", HENRIETTA)
    assert main(["import", str(tmp_path / "site"), str(tmp_path / "reading")]) == 0
    project = tmp_path / "reading" / PROJECT_DB
    add_users(project)
    with Store.open(project, create=False) as store:
        (case_id,) = store.load().subjects
    read_signed_in(project, "alice", case_id, HENRIETTA.sample, detail=ALICE_DETAIL)
    read_signed_in(project, "bob", case_id, HENRIETTA.sample)
    folders = {}
    for user in ("alice", "bob", "ada"):
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS[user] + "\n"))
        folders[user] = tmp_path / f"sr-{user}"
        assert main(["export", str(project), "--sr", str(folders[user]), "--user", user,
                     "--password-stdin"]) == 0  # fmt: skip
    needles = [*HENRIETTA.strings(),
               *(s for day in HENRIETTA.real_dates() for s in date_spellings(day))]  # fmt: skip
    for user, folder in folders.items():
        assert len(list(folder.iterdir())) == (8 if user == "ada" else 4)
        assert leaks(folder, needles) == [], user
    for path in folders["bob"].iterdir():  # bob's SRs: his read only
        assert b"alice" not in path.read_bytes() and b"quokka" not in path.read_bytes()
    alice = [read_sr(p) for p in sorted(folders["alice"].iterdir())]
    assert {r.case_id for r in alice} == {case_id} and all(r.reader == "alice" for r in alice)
    assert all(e.detail == ALICE_DETAIL for r in alice for e in r.entries)
