"""The blinding test of issue 6, in the app: PHI seeded into the site's DICOM headers (names,
ids, institution, address, station, physicians, accession, descriptions, real dates) never
shows in a reader's window, whatever the reader opens: every subject and timepoint of the
worklist is visited, read and signed, and at each step every text of the window is walked
(title, labels, buttons, fields, pick lists, tree items with their series, table cells and
headers, tooltips, status bar, the signature dialog, and what the image views paint: series
title, readout, status line, orientation, measurement captions). Reader B's window then never
shows anything of reader A's read (domain brief, BICR section)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from deid.kit import date_spellings
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.qt.dialogs import SignatureDialog
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import ReadKey

from .helpers import ready
from .review_kit import (
    CTRL,
    PASSWORDS,
    PATIENTS,
    import_study,
    open_as,
    read_timepoint,
    samples,
    window_texts,
)
from .server_kit import server_study

ALICE_DETAIL = "alice-only segment 4471"
ALICE_MEANING = "Approved as read by the first reader 9921"


def phi() -> list[str]:
    needles = [s for patient in PATIENTS for s in patient.strings()]
    needles += [spelling for patient in PATIENTS for day in patient.real_dates()
                for spelling in date_spellings(day)]  # fmt: skip
    return needles


def leaks(window: MainWindow, needles: list[str]) -> list[tuple[str, str]]:
    """(needle, text) for every needle found, case-insensitively, in the window's texts."""
    tree = window.tree
    for k in range(tree.topLevelItemCount()):  # lists each timepoint's series (descriptions)
        subject = tree.topLevelItem(k)
        assert subject is not None
        subject.setExpanded(True)
        for j in range(subject.childCount()):
            timepoint = subject.child(j)
            assert timepoint is not None
            timepoint.setExpanded(True)
            assert timepoint.childCount() >= 1  # its series, listed
    texts = window_texts(window)
    assert any(w == window.session.case_id for w in texts)  # the walk sees the window
    return [(n, t) for t in texts for n in needles if n.lower() in t.lower()]


def sign_in_dialog_of(qtbot: QtBot, window: MainWindow, needles: list[str]) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    dialog = window.dialog
    assert isinstance(dialog, SignatureDialog), window.message.text()
    assert leaks(window, needles) == []  # the dialog is the window's child: walked too
    dialog.password.setText(PASSWORDS["alice"])
    dialog.meaning.setCurrentText(ALICE_MEANING)
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.error.text()


def exported(monkeypatch: pytest.MonkeyPatch, out: Path, *argv: str, password: str) -> str:
    """Run a ``recist-review`` export signed in with ``password``; the file's text."""
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert main([*argv, "-o", str(out), "--password-stdin"]) == 0
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("backend", ["file", "postgres"])
def test_no_phi_in_any_window_text_and_reader_b_never_sees_reader_a(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str,
        request: pytest.FixtureRequest) -> None:  # fmt: skip
    study = import_study(tmp_path)
    patients, needles = samples(study), phi()
    # on PostgreSQL (issue 11): the same study on the server, its images in the recorded folder
    project: Path | str = study if backend == "file" else server_study(
        study, request.getfixturevalue("pg_database"))  # fmt: skip
    alice = open_as(qtbot, project, "alice")
    session = alice.session
    visited = []
    for case_id in session.project.case_ids:  # the worklist, in its order
        session.go(case_id)
        for timepoint in session.project.timepoints(case_id):
            assert (session.case_id, session.timepoint) == (case_id, timepoint.label), \
                alice.message.text()
            qtbot.waitUntil(lambda: ready(alice), timeout=30_000)
            assert leaks(alice, needles) == []
            read_timepoint(alice, patients[case_id], detail=ALICE_DETAIL)
            assert leaks(alice, needles) == []
            sign_in_dialog_of(qtbot, alice, needles)
            assert session.project.is_signed(ReadKey(case_id, "alice"), timepoint.label)
            assert leaks(alice, needles) == []
            visited.append((case_id, timepoint.label))
            session.step_timepoint(1)
    assert len(visited) == 8  # two subjects, four timepoints each
    texts = "\n".join(window_texts(alice))
    assert ALICE_DETAIL in texts and ALICE_MEANING in texts  # what B must never see
    view = alice.views.current  # the walk finds what it looks for: a tooltip, an overlay
    assert view is not None
    alice.grid.why.setToolTip(f"see {PATIENTS[0].name}")
    view.title = f"CURRENT {PATIENTS[1].dates[0]:%d.%m.%Y}"
    assert {n for n, _ in leaks(alice, needles)} >= {PATIENTS[0].name, "05.02.2024"}
    alice.close()

    bob = open_as(qtbot, project, "bob")
    for case_id in bob.session.project.case_ids:
        bob.session.go(case_id)
        qtbot.waitUntil(lambda: ready(bob), timeout=30_000)
        assert bob.session.timepoint == "BASELINE"  # his own read starts at the baseline
        assert bob.grid.table.rowCount() == 7  # the summary rows only: no lesion of alice's
        seen = leaks(bob, [*needles, "alice", ALICE_DETAIL, ALICE_MEANING])
        assert seen == []
        assert bob.session.read() is not None and not bob.session.read().lesions  # type: ignore[union-attr]
    bob.close()

    # Nor in any export: alice's measurements, bob's (empty) read, the administrator's trail.
    mine = exported(monkeypatch, tmp_path / "alice.csv", "export", str(project), "--user",
                    "alice", password=PASSWORDS["alice"])  # fmt: skip
    assert mine.count("\n") == 1 + sum(1 for line in mine.splitlines() if ",alice," in line)
    assert ALICE_DETAIL in mine  # the export holds the read
    his = exported(monkeypatch, tmp_path / "bob.csv", "export", str(project), "--user", "bob",
                   password=PASSWORDS["bob"])  # fmt: skip
    trail = exported(monkeypatch, tmp_path / "trail.csv", "audit", "export", str(project),
                     "--admin", "ada", password=PASSWORDS["ada"])  # fmt: skip
    for text in (mine, his, trail):
        assert [n for n in needles if n.lower() in text.lower()] == []
    assert "alice" not in his and ALICE_DETAIL not in his
