"""Export measurements CSV... (Ctrl+E, Project menu): byte for byte what
``recist-review export`` writes for the reader of the window, written atomically; a blinded
reader exports only their own read (the command line's ``--user`` rule)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.qt import export_action
from reviewer_gui.qt.help_panel import help_html
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import ReadKey, State

from .helpers import record_truth
from .review_kit import PASSWORDS, copy_study, open_as, read_timepoint, samples

KEY = ReadKey("SUBJ-001", "alice")
CTRL = Qt.KeyboardModifier.ControlModifier


def read_and_sign_baseline(qtbot: QtBot, window: MainWindow) -> None:
    record_truth(window, KEY)
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    assert window.session.project.is_signed(KEY, "BASELINE"), window.message.text()


def test_the_export_action_writes_what_recist_review_export_writes(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    read_and_sign_baseline(qtbot, window)
    window.session.project.set_state(KEY, "M2", "NT1", State.PRESENT)  # unsigned: left out
    chosen = tmp_path / "from the app.csv"
    monkeypatch.setattr(export_action.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(chosen), "CSV files (*.csv)"))
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)  # asks where (the dialog, answered), writes
    assert chosen.is_file(), window.message.text()
    message = window.message.text()
    assert f"3 row(s) of alice's read exported to {chosen}" in message
    cli, every = tmp_path / "cli.csv", tmp_path / "every reader.csv"
    database = str(window.session.database)
    assert main(["export", database, "-o", str(cli), "--reader", "alice"]) == 0
    assert main(["export", database, "-o", str(every)]) == 0
    assert chosen.read_bytes() == cli.read_bytes() == every.read_bytes()
    assert chosen.read_text(encoding="utf-8").count("\n") == 4  # header and the 3 signed rows
    assert window.export_measurements(tmp_path / "direct.csv") == 3
    assert (tmp_path / "direct.csv").read_bytes() == cli.read_bytes()


def test_a_failed_export_says_why_and_leaves_nothing(qtbot: QtBot, window: MainWindow,
                                                     tmp_path: Path) -> None:  # fmt: skip
    nowhere = tmp_path / "no such folder" / "m.csv"
    assert window.export_measurements(nowhere) is None
    assert "not exported" in window.message.text() and "alice" in window.message.text()
    assert "#b00000" in window.message.styleSheet()
    read_and_sign_baseline(qtbot, window)
    assert window.export_measurements(nowhere) is None
    assert "not exported" in window.message.text() and "No such file" in window.message.text()
    assert not nowhere.parent.exists()
    written = tmp_path / "m.csv"
    written.write_text("an earlier export\n", encoding="utf-8")
    assert window.export_measurements(written) == 3  # replaced whole, no temporary left
    assert written.read_text(encoding="utf-8").startswith("subject_id,reader,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv", "reading.db",
                                                          "reading.db-shm", "reading.db-wal"]


def test_the_export_is_in_the_project_menu_and_the_help(window: MainWindow) -> None:
    action = window.actions_by_name["export"]
    assert action.text() == "Export measurements CSV…"
    assert action.shortcut().toString() == "Ctrl+E"
    menu = window.menuBar()
    assert menu is not None
    assert any(action in m.actions() for m in (a.menu() for a in menu.actions()) if m)
    html = help_html()
    for keys in ("Ctrl+E", "Ctrl+Shift+Down", "Ctrl+Shift+Up"):
        assert f"<code>{keys}</code>" in html


def test_a_blinded_reader_exports_only_their_own_read(
        qtbot: QtBot, prepared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    study = copy_study(prepared, tmp_path)
    patients = samples(study)
    for name in ("bob", "alice"):
        window = open_as(qtbot, study, name)
        case = window.session.case_id
        assert case is not None
        read_timepoint(window, patients[case])
        assert window.session.sign(name=name, password=PASSWORDS[name],
                                   meaning="Reviewed and approved as read") is None
        assert window.session.project.is_signed(ReadKey(case, name), "BASELINE")
        if name == "bob":
            window.close()
    app_csv = tmp_path / "alice from the app.csv"
    rows = window.export_measurements(app_csv)
    assert rows is not None and rows > 0, window.message.text()
    window.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["alice"] + "\n"))
    cli = tmp_path / "alice.csv"
    assert main(["export", str(study), "-o", str(cli), "--user", "alice",
                 "--password-stdin"]) == 0  # fmt: skip
    assert app_csv.read_bytes() == cli.read_bytes()
    readers = {line.split(",")[1] for line in app_csv.read_text(encoding="utf-8").splitlines()[1:]}
    assert readers == {"alice"}
