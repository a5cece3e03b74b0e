"""Enter submits the sign-in and e-signature dialogs, Esc cancels them (issue 15, bug 3):
typing the password and pressing Enter used to press Cancel (the first button of the focus
chain was the default), which quit the app at sign-in and left the timepoint unsigned."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.dialogs import (
    MEANINGS,
    ChangePasswordDialog,
    RereadDialog,
    SignatureDialog,
    SignInDialog,
)

Entered = list[tuple[str, ...]]


def opened(qtbot: QtBot, dialog: QWidget) -> None:
    qtbot.addWidget(dialog)
    dialog.open()  # type: ignore[attr-defined]
    qtbot.waitExposed(dialog)


def sign_in(entered: Entered) -> SignInDialog:
    return SignInDialog("trial.db", "alice", lambda *a: entered.append(a) or None)


def signature(entered: Entered) -> SignatureDialog:
    return SignatureDialog("SUBJ-001", "M2", "alice", lambda *a: entered.append(a) or None)


@pytest.mark.parametrize("make", [sign_in, signature])
def test_enter_in_the_password_field_submits(qtbot: QtBot, make: object) -> None:
    entered: Entered = []
    dialog = make(entered)  # type: ignore[operator]
    opened(qtbot, dialog)
    dialog.password.setFocus()
    qtbot.keyClicks(dialog.password, "a password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert entered and entered[0][:2] == ("alice", "a password")
    assert dialog.result() == dialog.DialogCode.Accepted and not dialog.isVisible()


def test_enter_in_the_meaning_box_signs_with_that_meaning(qtbot: QtBot) -> None:
    entered: Entered = []
    dialog = signature(entered)
    opened(qtbot, dialog)
    dialog.password.setText("a password")
    dialog.meaning.setFocus()
    qtbot.keyClick(dialog.meaning, Qt.Key.Key_Enter)
    assert entered == [("alice", "a password", MEANINGS[0])]


@pytest.mark.parametrize("make", [sign_in, signature])
def test_esc_cancels_without_submitting(qtbot: QtBot, make: object) -> None:
    entered: Entered = []
    dialog = make(entered)  # type: ignore[operator]
    opened(qtbot, dialog)
    qtbot.keyClicks(dialog.password, "a password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)
    assert entered == [] and dialog.result() == dialog.DialogCode.Rejected
    assert not dialog.isVisible()


def test_the_other_dialogs_submit_on_enter_too(qtbot: QtBot) -> None:
    entered: Entered = []
    reread = RereadDialog("SUBJ-001", "M2", "signed", ["M2"], lambda *a: entered.append(a))
    opened(qtbot, reread)
    qtbot.keyClicks(reread.reason, "wrong slice")
    qtbot.keyClick(reread.reason, Qt.Key.Key_Return)
    change = ChangePasswordDialog("alice", lambda *a: entered.append(a) or None)
    opened(qtbot, change)
    for field, text in ((change.current, "old"), (change.new, "new one"),
                        (change.repeat, "new one")):  # fmt: skip
        field.setText(text)
    qtbot.keyClick(change.repeat, Qt.Key.Key_Return)
    assert entered == [("wrong slice",), ("old", "new one", "new one")]
