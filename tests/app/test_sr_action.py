"""Project > Export DICOM SR...: what ``recist-review export --sr`` writes for the reader of
the window; a blinded reader exports only their own read, audited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.qt import sr_action
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import ReadKey
from reviewer_gui.sr import read_sr

from .helpers import record_truth
from .review_kit import PASSWORDS, audit_query, open_as, read_timepoint, samples

KEY = ReadKey("SUBJ-001", "alice")


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_menu_action_writes_what_export_sr_writes(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert window.export_sr(tmp_path / "nothing") == 0  # nothing signed yet: no file
    assert "nothing signed yet" in window.message.text()
    record_truth(window, KEY)
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.session.project.is_signed(KEY, "BASELINE"), window.message.text()
    chosen = tmp_path / "from the app"
    monkeypatch.setattr(sr_action.QFileDialog, "getExistingDirectory",
                        lambda *args, **kwargs: str(chosen))  # fmt: skip
    action = window.actions_by_name["export_sr"]
    assert action.text() == "Export DICOM SR…"
    action.trigger()  # asks where (the dialog, answered), writes
    assert names(chosen) == ["SUBJ-001_alice_01-BASELINE_SR.dcm"], window.message.text()
    assert f"1 DICOM SR file(s) of alice's read exported to {chosen}" in window.message.text()
    cli = tmp_path / "cli"
    assert main(["export", str(window.session.database), "--sr", str(cli), "--reader",
                 "alice"]) == 0  # fmt: skip
    assert names(cli) == names(chosen)
    app, command = (read_sr(folder / names(folder)[0]) for folder in (chosen, cli))
    assert app == command and len(app.entries) == 3
    assert window.export_sr(chosen) is None  # never over an existing file
    assert "no SR exported" in window.message.text() and "already there" in window.message.text()


def test_a_blinded_reader_exports_only_their_own_read(
    qtbot: QtBot, study: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patients = samples(study)
    for name in ("bob", "alice"):
        window = open_as(qtbot, study, name)
        case = window.session.case_id
        assert case is not None
        read_timepoint(window, patients[case])
        assert window.session.sign(name=name, password=PASSWORDS[name],
                                   meaning="Reviewed and approved as read") is None
        if name == "bob":
            window.close()
    assert window.export_sr(tmp_path / "app") == 1, window.message.text()
    window.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["alice"] + "\n"))
    assert main(["export", str(study), "--sr", str(tmp_path / "cli"), "--user", "alice",
                 "--password-stdin"]) == 0  # fmt: skip
    assert names(tmp_path / "app") == names(tmp_path / "cli")
    assert [read_sr(p).reader for p in (tmp_path / "app").iterdir()] == ["alice"]
    actors = [a for (a,) in audit_query(study, "SELECT actor FROM audit_record WHERE action "
                                        "= ? ORDER BY seq", "export-sr")]  # fmt: skip
    assert actors == ["alice", "alice"]  # the app's export and the command's
