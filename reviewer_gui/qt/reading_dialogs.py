"""The reader's window's dialogs: the e-signature (or, without users, a confirmation), the
re-read and its reason, the user's own password change. One dialog at a time; when it
closes the keys go back to the image under the pointer.

:class:`ReadingDialogs` is the part of :class:`~.main_window.MainWindow` that opens them.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtWidgets import QDialog, QMainWindow

from reviewer_gui.reading import DEFAULT_MEANING
from reviewer_gui.review.accounts import password_change_problem

from .dialogs import ChangePasswordDialog, RereadDialog, SignatureDialog
from .reading_views import ReadingViews
from .session import ReadingSession


class ReadingDialogs(QMainWindow):
    """Signing, re-reading and the password change, as the main window offers them."""

    session: ReadingSession
    views: ReadingViews
    dialog: QDialog | None
    confirm: Callable[[str], bool]

    def who(self) -> str:
        raise NotImplementedError

    def show_message(self, text: str, error: bool) -> None:
        raise NotImplementedError

    def sign(self) -> None:
        """Ctrl+Return: sign the current timepoint (signed in: the signature dialog)."""
        session = self.session
        label, key, case_id = session.timepoint, session.key, session.case_id
        if label is None or key is None or case_id is None:
            return
        if session.read_only:
            self.show_message(f"{self.who()}: only the reader signs their own read", True)
            return
        if session.signed:
            self.show_message(f"{label} is signed already; a change needs a re-read (Ctrl+R)",
                              True)  # fmt: skip
            return
        signed_in = session.signed_in
        if signed_in is None:
            if self.confirm(f"Sign {case_id} {label} as {session.reader}?\n\n"
                            f"\"{DEFAULT_MEANING}\"\n\nA signed timepoint is locked: it "
                            "cannot be changed afterwards."):  # fmt: skip
                session.sign()
            return
        self._open_dialog(SignatureDialog(
            case_id, label, signed_in.user,
            lambda name, password, meaning: session.sign(name=name, password=password,
                                                         meaning=meaning), self))

    def reread(self) -> None:
        """Ctrl+R: reopen the current signed timepoint for a re-read, with a reason."""
        session = self.session
        read, label, case_id = session.read(), session.timepoint, session.case_id
        if read is None or label is None or case_id is None:
            return
        if session.read_only:
            self.show_message(f"{self.who()}: only the reader re-reads their own read", True)
            return
        signature = read.signatures.get(label)
        if signature is None:
            self.show_message(f"{label} is not signed: change it directly (a re-read is for "
                              "signed timepoints)", True)  # fmt: skip
            return
        signed = (f"signed by {signature.signed_by} on {signature.signed_at:%Y-%m-%d %H:%M} "
                  f"UTC (\"{signature.meaning}\")")  # fmt: skip
        self._open_dialog(RereadDialog(case_id, label, signed, session.reopens(),
                                       session.reread, self))  # fmt: skip

    def change_password(self) -> None:
        """Account -> Change password...: the signed-in user's own password (the current
        one, the new one twice); a change or refusal is an audit record."""
        signed_in = self.session.signed_in
        if signed_in is None:
            return
        dialog = ChangePasswordDialog(signed_in.user, lambda current, new, repeat: (
            password_change_problem(signed_in.change_password, current, new, repeat)),
            parent=self)  # fmt: skip
        dialog.accepted.connect(lambda: self.show_message(
            f"Password of {signed_in.user} changed (recorded in the audit trail)", False))
        self._open_dialog(dialog)

    def _open_dialog(self, dialog: QDialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.finished.connect(self._dialog_closed)
        dialog.open()

    def _dialog_closed(self) -> None:
        self.dialog = None
        self.activateWindow()  # the keys work here again at once
        self.views.focus_under_pointer()

