"""The adjudicator's decision dialog: one read chosen as final, with the reason and the
e-signature (name and password entered again, and the meaning of the signature; 21 CFR 11.50,
11.200(a)). The window (:mod:`.adjudication_window`) records the choice through
``AdjudicationDesk.decide``."""

from __future__ import annotations

import html
from collections.abc import Callable

from PyQt6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from .dialogs import _Form, _password_field

#: Meanings of an adjudicator's signature (21 CFR 11.50(a)(3)); another may be typed.
MEANINGS = (
    "Adjudicated: I chose this read as the final read",
    "Adjudicated after reviewing both reads and their images",
)



class DecisionDialog(_Form):
    """Choose one read as final: the reason and the e-signature. ``submit(reason, name,
    password, meaning)``: ``None`` when recorded, else what to say (the dialog stays open,
    the password cleared)."""

    def __init__(self, case_id: str, chosen: str, other: str, summary: str, signer: str,
                 submit: Callable[[str, str, str, str], str | None],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(
            f"Adjudicate {case_id}",
            f"<b>{html.escape(chosen)}'s read of {case_id} becomes the final read.</b><br>"
            f"{html.escape(summary)}<br>{html.escape(other)}'s read stays in the record but "
            "does not count. Say why, then sign: name and password again, and what your "
            "signature means. The decision is recorded in the audit trail and cannot be "
            "edited; if a reader re-reads later, the subject is compared again.",
            f"Sign: {chosen}'s read is final", parent)  # fmt: skip
        self.submit = submit
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("e.g. the FU2 node is unchanged on the soft-tissue "
                                       "window; progression is first seen at FU3")  # fmt: skip
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(4 * self.fontMetrics().height() + 12)
        self.name = QLineEdit(signer)
        self.password = _password_field()
        self.meaning = QComboBox()
        self.meaning.setEditable(True)
        self.meaning.addItems(MEANINGS)
        self.form.addRow("Reason (required)", self.reason)
        self.form.addRow("Name", self.name)
        self.form.addRow("Password", self.password)
        self.form.addRow("Meaning", self.meaning)
        self.reason.setFocus()

    def submit_form(self) -> None:
        reason, meaning = self.reason.toPlainText().strip(), self.meaning.currentText().strip()
        if not reason:
            self.show_error("Give the reason for your choice: it is part of the record.")
            self.reason.setFocus()
            return
        if not meaning:
            self.show_error("Say what your signature means (pick one, or type it).")
            return
        if not self.password.text():
            self.show_error("Enter your password again: the signature needs it.")
            self.password.setFocus()
            return
        self.settle(self.submit(reason, self.name.text().strip(), self.password.text(), meaning),
                    self.password)
