"""A project with users opens through a sign-in: a wrong password is refused (and recorded),
a reader's window is their worklist (pseudonymous case ids and timepoint labels, in the
session's randomised order, no dates), reading is sequential, and an adjudicator views reads
without changing them (issue 6, items 2-3; domain brief, BICR section)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PyQt6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.qt.app import default_reader, sign_in_dialog
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category, ReadKey
from reviewer_gui.review import sign_in

from .review_kit import PASSWORDS, audit_query, open_as


def refusals(path: Path | str) -> list[tuple[object, ...]]:
    return audit_query(path, "SELECT actor, reason FROM audit_record WHERE action = "
                       "'sign-in-refused' ORDER BY seq")  # fmt: skip


def test_sign_in_is_refused_with_a_wrong_password(
    qtbot: QtBot, study: Path | str, request: pytest.FixtureRequest
) -> None:
    opened: list[MainWindow] = []
    dialog = sign_in_dialog(study, opened.append)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.name.text() == default_reader()  # the OS login, prefilled (issue 15)
    dialog.name.setText("alice")
    dialog.password.setText("not-her-password")
    dialog.ok_button.click()
    assert opened == [] and dialog.isVisible()
    assert "Wrong name or password" in dialog.error.text() and dialog.error.isVisibleTo(dialog)
    assert dialog.password.text() == ""
    assert refusals(study) == [("alice", "wrong password")]
    dialog.password.setText(PASSWORDS["alice"])
    dialog.ok_button.click()
    assert not dialog.isVisible() and len(opened) == 1
    window = opened[0]
    qtbot.addWidget(window)
    assert "signed in as alice (reader)" in window.windowTitle()
    assert window.session.reader == "alice"
    window.close()


def test_the_worklist_shows_only_case_ids_and_timepoint_labels(
        qtbot: QtBot, study: Path) -> None:
    with sign_in(study, "alice", PASSWORDS["alice"]) as session:
        worklist = session.worklist()
        dates = {f"{tp.scan_date:%Y-%m-%d}" for case in session.case_ids
                 for tp in session.timepoints(case)}  # fmt: skip
    window = open_as(qtbot, study, "alice")
    tree = window.tree
    cases: list[QTreeWidgetItem] = [tree.topLevelItem(k) for k in range(tree.topLevelItemCount())
                                    ]  # type: ignore[misc]
    assert [item.text(0) for item in cases] == [w.case_id for w in worklist]  # its order
    for item, work in zip(cases, worklist, strict=True):
        assert item.text(1) == f"0/{len(work.timepoints)} signed"
        children = [item.child(k) for k in range(item.childCount())]
        labels = [child.text(0).split()[0] for child in children if child is not None]
        assert labels == list(work.timepoints) == ["BASELINE", "FU1", "FU2", "FU3"]
        days = [child.text(0).split()[1:] for child in children if child is not None]
        assert days[0] == ["day", "0"] and all(d[0] == "day" for d in days)
        statuses = [child.text(1) for child in children if child is not None]
        assert statuses == ["to read", "later", "later", "later"]
        assert all("opens once BASELINE is signed" in child.toolTip(1)
                   for child in children[1:] if child is not None)
        for child in children:
            assert child is not None and not any(d in child.text(0) for d in dates)
    table = window.grid.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())
               ]  # type: ignore[union-attr]
    assert not any(d in h for h in headers for d in dates)
    view = window.views.current  # the image caption says what the tree says
    assert view is not None
    caption = view.title_lines()
    assert caption[1] == f"{window.session.case_id}   day 0"
    assert not any(d in line or d.replace("-", "") in line for line in caption for d in dates)
    window.close()


def test_reading_is_sequential_baseline_first(qtbot: QtBot, study: Path) -> None:
    window = open_as(qtbot, study, "alice")
    session = window.session
    assert session.timepoint == "BASELINE"  # the first timepoint to read
    case = session.case_id
    assert case is not None
    session.go(case, "FU1")
    assert session.timepoint == "BASELINE"
    assert "FU1 is not open yet: sign the baseline BASELINE first" in window.message.text()
    window.close()


def test_an_adjudicator_views_reads_but_changes_nothing(
    qtbot: QtBot, study: Path | str
) -> None:
    alice = open_as(qtbot, study, "alice")
    case = alice.session.case_id
    assert case is not None
    alice.session.project.add_lesion(ReadKey(case, "alice"), Category.TARGET, "liver")
    alice.close()
    carol = open_as(qtbot, study, "carol")
    assert "carol (adjudicator, read only)" in carol.windowTitle()
    assert carol.reader_choice is not None
    carol.reader_choice.setCurrentText("alice")
    carol.session.go(case, "BASELINE")
    panel = carol.panel
    assert not panel.add_button.isEnabled() and not panel.sign_button.isEnabled()
    if isinstance(study, Path):
        assert carol.grid.lesion_at(0) == "T1"  # alice's T1, viewed
        carol.session.select_lesion("T1")
        assert not any(b.isEnabled() for b in panel.state_buttons.values())
        assert not panel.retire_button.isEnabled()
        panel.retire_lesion()  # the slot called anyway: the session refuses
        assert "carol is signed in as adjudicator" in carol.message.text()
    else:  # the server shows the adjudicator a read once it is complete (row-level security)
        assert carol.grid.lesion_at(0) is None
    carol.sign()
    assert "only the reader signs" in carol.message.text()
    assert carol.dialog is None
    carol.close()


def test_the_free_reader_option_is_refused_on_a_project_with_users(
        study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--reader", "mallory", "open", str(study)]) == 2
    assert "has users: sign in" in capsys.readouterr().err


def test_users_are_shown_only_what_they_may_do(qtbot: QtBot, study: Path) -> None:
    """Issue 15, bug 8: a reader was offered Project > Add a folder of DICOM studies (Ctrl+D),
    which opened a file browser on the whole file system before refusing."""
    for user, editing in (("alice", True), ("carol", False)):
        window = open_as(qtbot, study, user)
        menu = window.menuBar()
        assert menu is not None
        entries = [a.text() for m in menu.actions() if (sub := m.menu()) is not None
                   for a in sub.actions()]  # fmt: skip
        assert not any("folder of DICOM" in text for text in entries), entries
        keys = {a.shortcut().toString() for a in window.actions()}
        assert "Ctrl+D" not in keys and "import_folder" not in window.actions_by_name
        assert "folder of DICOM" not in window.help.toPlainText()
        assert ("Ctrl+Return" in keys) is editing  # sign: the reader's, never carol's
        assert ("sign the current timepoint" in window.help.toPlainText()) is editing
        assert "Ctrl+D" not in window.views.placeholder.text()
        window.close()
