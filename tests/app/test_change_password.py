"""Password change and lockout in the app: Account -> "Change password..." in the reviewer's
and the adjudicator's windows (the current password, the new one twice; rules refused with a
clear message), the sign-in dialog's message for a locked account (who unlocks it), and the
forced change of a password the study administrator reset, straight from the sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PREVIOUS_NOT_CHECKED, postgres_gap
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.adjudication_app import open_adjudication
from reviewer_gui.qt.app import sign_in_dialog
from reviewer_gui.qt.dialogs import ChangePasswordDialog
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.review import AccountLocked, AuthenticationFailed, reset_password, sign_in
from reviewer_gui.store import open_store

from .review_kit import PASSWORDS, audit_query, open_as

NEW = "alice-second-pass"


def actions(path: Path | str, actor: str) -> list[tuple[object, ...]]:
    return audit_query(path, "SELECT action, reason FROM audit_record WHERE actor = ? AND "
                       "action LIKE ? ORDER BY seq", actor, "%password%")  # fmt: skip


def fill(dialog: ChangePasswordDialog, current: str, new: str, repeat: str) -> None:
    dialog.current.setText(current)
    dialog.new.setText(new)
    dialog.repeat.setText(repeat)
    dialog.ok_button.click()


def test_the_reader_changes_their_password_from_the_account_menu(
    qtbot: QtBot, study: Path | str, tmp_path: Path
) -> None:
    window = open_as(qtbot, study, "alice")
    bar = window.menuBar()
    assert bar is not None and [a.text() for a in bar.actions()] == ["&Project", "&Account"]
    window.actions_by_name["change_password"].trigger()
    dialog = window.dialog
    assert isinstance(dialog, ChangePasswordDialog) and dialog.isVisible()
    assert dialog.user.text() == "alice" and "at least 12 characters" in dialog.intro.text()
    fill(dialog, "not-her-password", NEW, NEW)
    assert dialog.error.text().startswith("Wrong current password: not changed.")
    assert dialog.current.text() == dialog.new.text() == dialog.repeat.text() == ""
    fill(dialog, PASSWORDS["alice"], NEW, NEW + "x")
    assert dialog.error.text().startswith("The two new passwords differ")
    fill(dialog, PASSWORDS["alice"], "too-short", "too-short")
    assert dialog.error.text() == "Not changed: a password needs at least 12 characters."
    assert dialog.current.text() == PASSWORDS["alice"]  # kept: only the new one was wrong
    dialog.grab().save(str(tmp_path / "change-password.png"))
    fill(dialog, PASSWORDS["alice"], NEW, NEW)
    assert not dialog.isVisible() and window.dialog is None
    assert window.message.text() == "Password of alice changed (recorded in the audit trail)"
    window.close()
    assert actions(study, "alice") == [
        ("change-password-refused", "wrong password"),
        ("change-password-refused", "a password needs at least 12 characters"),
        ("change-password", "")]  # fmt: skip
    with pytest.raises(AuthenticationFailed):
        sign_in(study, "alice", PASSWORDS["alice"])
    sign_in(study, "alice", NEW).close()


def test_a_locked_account_is_told_who_unlocks_it_at_the_sign_in(
    qtbot: QtBot, study: Path | str, request: pytest.FixtureRequest
) -> None:
    opened: list[MainWindow] = []
    dialog = sign_in_dialog(study, opened.append)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.name.setText("alice")
    for _ in range(4):
        dialog.password.setText("a-wrong-guess")
        dialog.ok_button.click()
        assert dialog.error.text().startswith("Wrong name or password")
    dialog.password.setText("a-wrong-guess")
    dialog.ok_button.click()
    locked = ("Not signed in: alice's account is locked after repeated wrong passwords: the "
              "study administrator (ada) can unlock it (recist-review users unlock PROJECT.db "
              "alice --admin NAME).") if isinstance(study, Path) else (
        f"Not signed in: {study}: alice's account is locked after repeated wrong passwords: "
        "the study administrator can unlock it (recist-review users unlock URL alice --admin "
        "NAME).")  # a refused login sees no other user: the administrator is not named
    assert dialog.error.text() == locked
    dialog.password.setText(PASSWORDS["alice"])  # the right password changes nothing now
    dialog.ok_button.click()
    assert dialog.error.text() == locked and opened == [] and dialog.isVisible()
    with pytest.raises(AccountLocked):
        sign_in(study, "alice", PASSWORDS["alice"])


def test_a_reset_password_is_changed_from_the_sign_in_then_signs_in(
    qtbot: QtBot, study: Path | str, request: pytest.FixtureRequest
) -> None:
    postgres_gap(request, study, PREVIOUS_NOT_CHECKED)
    with open_store(study, user="ada", password=PASSWORDS["ada"], create=False) as store:
        reset_password(store, "alice", "temporary-from-ada", by=store.users()["ada"])
    opened: list[MainWindow] = []
    dialog = sign_in_dialog(study, opened.append)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.name.setText("alice")
    dialog.password.setText("temporary-from-ada")
    dialog.ok_button.click()
    assert dialog.error.text() == ("The study administrator reset your password: choose a "
                                   "new one first.")  # fmt: skip
    change = dialog.findChild(ChangePasswordDialog)
    assert change is not None and change.isVisible()
    assert "reset your password" in change.intro.text()
    assert change.current.text() == "temporary-from-ada" and opened == []
    fill(change, "temporary-from-ada", PASSWORDS["alice"], PASSWORDS["alice"])
    assert "differ from your current and previous" in change.intro.text()
    assert change.error.text().startswith("Not changed: the new password must differ")
    fill(change, "temporary-from-ada", NEW, NEW)
    assert not change.isVisible() and not dialog.isVisible() and len(opened) == 1
    window = opened[0]
    qtbot.addWidget(window)
    assert "signed in as alice (reader)" in window.windowTitle()
    window.close()


def test_the_adjudicator_changes_their_password_from_the_account_menu(
    qtbot: QtBot, study: Path
) -> None:
    window = open_adjudication(study, "carol", PASSWORDS["carol"])
    qtbot.addWidget(window)
    window.show()
    bar = window.menuBar()
    assert bar is not None and [a.text() for a in bar.actions()] == ["&Account"]
    window.change_password_action.trigger()
    dialog = window.findChild(ChangePasswordDialog)
    assert dialog is not None and dialog.isVisible() and dialog.user.text() == "carol"
    fill(dialog, PASSWORDS["carol"], "carol", "carol")
    assert dialog.error.text() == "Not changed: a password needs at least 12 characters."
    fill(dialog, PASSWORDS["carol"], "carol-second-pass", "carol-second-pass")
    assert not dialog.isVisible()
    assert window.message.text() == "Password of carol changed (recorded in the audit trail)"
    window.close()
    sign_in(study, "carol", "carol-second-pass").close()
