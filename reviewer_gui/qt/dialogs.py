"""The reviewer's dialogs of identity: sign in, e-signature, re-read (21 CFR Part 11 spirit).

- :class:`SignInDialog`: the study account's name (the operating-system account prefilled, the
  cursor in the password field; the reader overtypes it on a shared workstation) and password,
  before a project with users opens.
- :class:`SignatureDialog`: signing a timepoint is an electronic signature: the signer's name
  and password entered again (21 CFR 11.200(a)) and what the signature means (11.50: picked
  from a list, or typed); the timepoint is then locked.
- :class:`RereadDialog`: reopening a signed timepoint needs a reason; it says which
  timepoints reopen and that the old values stay in the record.
- :class:`ChangePasswordDialog`: the user's own password changed (21 CFR 11.300(b)): the
  current one, the new one twice; what is wrong is said by the Qt-free
  ``reviewer_gui.review.accounts.password_change_problem`` the ``submit`` callback calls.

Each dialog hands what was entered to a ``submit`` callback, which returns ``None`` when done
(the dialog closes) or the message to show (the dialog stays open, the password cleared).
They are shown with ``open()`` (window-modal, never a nested event loop).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

#: Meanings of a reader's signature (21 CFR 11.50(a)(3)); the reader may type another.
MEANINGS = (
    "Reviewed and approved as read",
    "I am the author of these measurements and assessments",
    "Reviewed and approved after a re-read",
)
ERROR_STYLE = "QLabel { color: #b00000; font-weight: bold; }"


class _Form(QDialog):
    """Intro text, a form, a red error line, OK / Cancel; OK calls :meth:`submit_form`."""

    def __init__(self, title: str, intro: str, ok_text: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # wrapped text fits
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = QPushButton(ok_text)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.submit_form)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Enter submits, Esc cancels: the default is set once the button is inside the dialog
        # (before, Qt made the first button of the focus chain, Cancel, the default).
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None
        cancel.setAutoDefault(False)
        self.ok_button.setDefault(True)

    def submit_form(self) -> None:
        raise NotImplementedError

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.adjustSize()

    def settle(self, problem: str | None, password: QLineEdit | None = None) -> bool:
        """Close when the submission went through (`problem` is None) and return True; else
        show `problem` and return False, with `password` (if given) cleared and focused so
        the password is typed again, never kept."""
        if problem is None:
            self.accept()
            return True
        self.show_error(problem)
        if password is not None:
            password.clear()
            password.setFocus(Qt.FocusReason.OtherFocusReason)
        return False


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class SignInDialog(_Form):
    """Sign in to a project with users. ``submit(name, password)``: ``None`` when signed in,
    else what to say (e.g. "wrong name or password")."""

    def __init__(self, project: str, default_name: str,
                 submit: Callable[[str, str], str | None],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(
            "Sign in - RECIST reviewer",
            f"<b>{project}</b><br>This reading project has users: sign in with the name and "
            "password the study administrator gave you. Everything you record is attributed "
            "to you.", "Sign in", parent)  # fmt: skip
        self.submit = submit
        self.name = QLineEdit(default_name)
        self.password = _password_field()
        self.form.addRow("Name", self.name)
        self.form.addRow("Password", self.password)
        (self.password if default_name else self.name).setFocus()

    def submit_form(self) -> None:
        self.settle(self.submit(self.name.text().strip(), self.password.text()), self.password)


class SignatureDialog(_Form):
    """Sign one timepoint. ``submit(name, password, meaning)``: ``None`` when signed (or
    when signing was refused for the read's content: the window shows why), else what to say
    (a wrong name or password, a missing meaning)."""

    def __init__(self, case_id: str, timepoint: str, signer: str,
                 submit: Callable[[str, str, str], str | None],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(
            f"Sign {case_id} {timepoint}",
            f"<b>Electronic signature of {case_id} {timepoint}</b><br>Enter your password "
            "again and say what your signature means. Once signed, the timepoint is locked: "
            "changing it later is a re-read, with a reason.",
            f"Sign and lock {timepoint}", parent)  # fmt: skip
        self.submit = submit
        self.name = QLineEdit(signer)
        self.password = _password_field()
        self.meaning = QComboBox()
        self.meaning.setEditable(True)  # pick one, or type another
        self.meaning.addItems(MEANINGS)
        self.meaning.setToolTip("what your signature means (21 CFR 11.50): pick one, or "
                                "type your own")  # fmt: skip
        self.form.addRow("Name", self.name)
        self.form.addRow("Password", self.password)
        self.form.addRow("Meaning", self.meaning)
        self.password.setFocus()

    def submit_form(self) -> None:
        meaning = self.meaning.currentText().strip()
        if not meaning:
            self.show_error("Say what your signature means (pick one from the list, or "
                            "type it).")  # fmt: skip
            return
        if not self.password.text():
            self.show_error("Enter your password again: a signature needs it.")
            self.password.setFocus()
            return
        self.settle(self.submit(self.name.text().strip(), self.password.text(), meaning),
                    self.password)


class RereadDialog(_Form):
    """Reopen a signed timepoint (and the later signed ones) for a re-read. ``submit(reason)``:
    ``None`` when reopened, else what to say."""

    def __init__(self, case_id: str, timepoint: str, signed: str, reopens: Sequence[str],
                 submit: Callable[[str], str | None],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        later = [label for label in reopens if label != timepoint]
        with_later = (f" With it, {', '.join(later)} reopen too: each was read against "
                      f"{timepoint}." if later else "")  # fmt: skip
        super().__init__(
            f"Re-read {case_id} {timepoint}",
            f"<b>Re-read of {case_id} {timepoint}</b><br>{timepoint} was {signed}. A re-read "
            f"reopens it for changes.{with_later} The old values and signatures stay in the "
            "record; sign again when done. Say why the signed read changes.",
            "Reopen for re-read", parent)  # fmt: skip
        self.submit = submit
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. T2 measured on the wrong slice")
        self.form.addRow("Reason (required)", self.reason)
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip())))
        self.reason.setFocus()

    def submit_form(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.show_error("A re-read needs a reason.")
            return
        self.settle(self.submit(reason))


class ChangePasswordDialog(_Form):
    """Change the signed-in user's own password. ``submit(current, new, repeat)``: ``None``
    when changed, else what to say (the password fields are cleared). ``forced``: the study
    administrator reset the password, which must be changed before anything else (the current
    field then holds the password just entered)."""

    def __init__(self, user: str, submit: Callable[[str, str, str], str | None], *,
                 forced: bool = False, current: str = "",
                 parent: QWidget | None = None) -> None:  # fmt: skip
        why = ("<b>The study administrator reset your password.</b> Choose a new one before "
               "you continue; only you will know it." if forced else
               f"<b>Change the password of {user}.</b>")  # fmt: skip
        super().__init__(
            f"Change password - {user}",
            f"{why}<br>The new password needs at least 12 characters, cannot be your name, "
            "and must differ from your current and previous password. The change is recorded "
            "in the audit trail (never the password).", "Change password", parent)  # fmt: skip
        self.submit = submit
        self.user = QLabel(user)
        self.current = _password_field()
        self.current.setText(current)
        self.new = _password_field()
        self.repeat = _password_field()
        self.form.addRow("Name", self.user)
        self.form.addRow("Current password", self.current)
        self.form.addRow("New password", self.new)
        self.form.addRow("New password again", self.repeat)
        (self.new if current else self.current).setFocus()

    def submit_form(self) -> None:
        problem = self.submit(self.current.text(), self.new.text(), self.repeat.text())
        self.settle(problem)
        if problem is None:
            return
        for field in (self.new, self.repeat):
            field.clear()
        if problem.startswith(("Wrong current", "Enter your current")):
            self.current.clear()
            self.current.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.new.setFocus(Qt.FocusReason.OtherFocusReason)
