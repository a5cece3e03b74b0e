"""E-signatures and re-reads in the app, signed in as a reader (21 CFR Part 11 spirit): Ctrl+Return
asks for the name, the password again and the meaning; a wrong password, another user's name
or no meaning signs nothing; once signed the timepoint shows who, when and what it means, and
is locked. Ctrl+R reopens it only with a reason, says which timepoints reopened, and the old
values stay in the record (the audit trail export)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.qt.dialogs import MEANINGS, RereadDialog, SignatureDialog
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Axis, Point, ReadKey, Segment, TimepointLocked
from reviewer_gui.store import open_store

from .helpers import ready
from .review_kit import CTRL, PASSWORDS, audit_query, open_as, read_timepoint, samples


def signature_dialog(qtbot: QtBot, window: MainWindow) -> SignatureDialog:
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    dialog = window.dialog
    assert isinstance(dialog, SignatureDialog), window.message.text()
    assert dialog.isVisible()
    return dialog


def sign(qtbot: QtBot, window: MainWindow, meaning: str = MEANINGS[0]) -> None:
    dialog = signature_dialog(qtbot, window)
    dialog.password.setText(PASSWORDS["alice"])
    dialog.meaning.setCurrentText(meaning)
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.error.text()
    assert "signed by alice" in window.message.text(), window.message.text()


def test_signing_needs_the_password_and_the_meaning(
    qtbot: QtBot, study: Path | str
) -> None:
    window = open_as(qtbot, study, "alice")
    session = window.session
    case = session.case_id
    assert case is not None
    key = ReadKey(case, "alice")
    read_timepoint(window, samples(study)[case])
    dialog = signature_dialog(qtbot, window)
    assert dialog.name.text() == "alice" and dialog.meaning.currentText() == MEANINGS[0]
    attempts = [("alice", "not-the-password", MEANINGS[0], "wrong name or password"),
                ("bob", PASSWORDS["bob"], MEANINGS[0], "sign with your own name (alice)"
                 if isinstance(study, Path) else "wrong name or password"),  # bob unseen
                ("alice", PASSWORDS["alice"], "  ", "Say what your signature means"),
                ("alice", "", MEANINGS[0], "Enter your password again")]  # fmt: skip
    for k, (name, password, meaning, said) in enumerate(attempts):
        dialog.name.setText(name)
        dialog.password.setText(password)
        dialog.meaning.setCurrentText(meaning)
        dialog.ok_button.click()
        assert dialog.isVisible() and said in dialog.error.text()
        if k < 2:  # refused by the session: typed again, never kept
            assert dialog.password.text() == ""
            assert "BASELINE not signed" in window.message.text()
        assert not session.project.is_signed(key, "BASELINE")
    dialog.name.setText("alice")
    dialog.password.setText(PASSWORDS["alice"])
    dialog.meaning.setCurrentText("Reviewed and approved as read, T2 borderline")  # free text
    dialog.ok_button.click()
    assert not dialog.isVisible() and window.dialog is None
    assert session.project.is_signed(key, "BASELINE")
    status = window.panel.sign_status.text()
    assert "BASELINE signed</b> by alice on " in status and " UTC" in status
    assert "Reviewed and approved as read, T2 borderline" in status and "Locked" in status
    header = window.grid.table.horizontalHeaderItem(1)
    assert header is not None and "signed" in header.text()
    assert not window.panel.sign_button.isEnabled() and window.panel.reread_button.isEnabled()
    with pytest.raises(TimepointLocked):
        session.project.clear_measurement(key, "BASELINE", "T1")
    window.close()
    with open_store(study, user="alice", password=PASSWORDS["alice"], create=False) as store:
        stored = store.load(reader="alice").reads[key].signatures["BASELINE"]
    assert (stored.signed_by, stored.meaning) == (
        "alice", "Reviewed and approved as read, T2 borderline")


def audit_trail(study: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                ) -> list[dict[str, str]]:  # fmt: skip
    """The trail as ``recist-review audit export`` writes it, exported by ada."""
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["ada"] + "\n"))
    output = tmp_path / "trail.csv"
    assert main(["audit", "export", str(study), "-o", str(output), "--admin", "ada",
                 "--password-stdin"]) == 0  # fmt: skip
    with output.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_a_reread_needs_a_reason_and_keeps_the_old_values(
        qtbot: QtBot, study: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_as(qtbot, study, "alice")
    session = window.session
    case = session.case_id
    assert case is not None
    key, patient = ReadKey(case, "alice"), samples(study)[case]
    read_timepoint(window, patient)
    sign(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Right, CTRL)  # FU1 opens now
    assert session.timepoint == "FU1"
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    read_timepoint(window, patient)
    sign(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Left, CTRL)
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    old = session.project.read(key).observation("BASELINE", "T1")
    assert old is not None
    old_mm = old.fragments[0].long_axis.length_mm
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL)
    dialog = window.dialog
    assert isinstance(dialog, RereadDialog) and dialog.isVisible()
    assert "With it, FU1 reopen too" in dialog.intro.text()
    assert "signed by alice" in dialog.intro.text()
    assert not dialog.ok_button.isEnabled()  # no reason, no re-read
    dialog.reason.setText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.reason.setText("T1 measured on the wrong slice")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert "BASELINE, FU1 reopened" in window.message.text()
    assert "old values" in window.message.text()
    assert not session.project.is_signed(key, "BASELINE")
    assert not session.project.is_signed(key, "FU1")
    assert window.panel.sign_button.isEnabled()
    view = window.views.current
    assert view is not None
    long = old.fragments[0].long_axis
    start = long.segment.start
    longer = Segment(start, Point(start.row, start.col + 2 * (long.segment.end.col - start.col)))
    session.project.set_axis(key, "BASELINE", "T1", Axis.LONG, longer)
    new = session.project.read(key).observation("BASELINE", "T1")
    assert new is not None and new.fragments[0].long_axis.length_mm != old_mm
    sign(qtbot, window, MEANINGS[2])
    window.close()
    trail = audit_trail(study, tmp_path, monkeypatch)
    reread = [r for r in trail if r["action"] == "reread-timepoint"]
    assert [r["reason"] for r in reread] == ["T1 measured on the wrong slice"]
    assert json.loads(reread[0]["before"])["signature"][0]["signed_by"] == "alice"
    remeasured = [r for r in trail if r["action"] == "save-observation"
                  and r["timepoint"] == "BASELINE" and r["before"]][-1]  # fmt: skip
    assert json.loads(remeasured["before"])["axis_measurement"][0]["length_mm"] == str(old_mm)
    lengths = [str(r[0]) for r in audit_query(
        study, "SELECT length_mm FROM axis_measurement ORDER BY change_id")]
    assert str(old_mm) in lengths  # superseded, never removed
