"""The lesion panel: add a lesion, set the chosen lesion's state, sign the timepoint.

Add: category (target / non-target, chosen at baseline, RECIST 1.1 section 3.3; new, at
follow-up, section 4.3.2), organ from the pick list plus free text, nodal (a lymph node is
followed by its short axis, section 3.1.1). States are the contract's state table, offered
only where the lesion's category allows them; unequivocal progression of a non-target
(section 4.3.3) needs the reason typed first. Once the timepoint is signed everything here is
disabled but "Re-read...", and the signature (who, when, meaning) is shown; signed in as an
adjudicator or the study administrator, everything is (read only). The slots only call the
model (through ``ReadingSession.attempt``).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_gui.reading import (
    NODE_ORGAN,
    ORGANS,
    Category,
    LesionRetired,
    LesionSaved,
    ObservationRetracted,
    ObservationSaved,
    State,
    TimepointReopened,
    TimepointSigned,
    erases_measurement,
    states_offered,
)

from .session import ReadingSession

#: State buttons: (state, label with its key).
STATE_BUTTONS = (
    (State.PRESENT, "Present (Ctrl+P)"), (State.ABSENT, "Absent (A)"),
    (State.TOO_SMALL, "Too small (S)"), (State.NOT_EVALUATED, "Not evaluated (E)"),
    (State.MERGED, "Merged (M)"), (State.PROGRESSION, "Unequivocal progression (P)"),
    (State.EQUIVOCAL, "Equivocal (Q)"),
)  # fmt: skip
CATEGORY_TEXT = {Category.TARGET: "Target", Category.NON_TARGET: "Non-target",
                 Category.NEW: "New lesion"}  # fmt: skip


class LesionPanel(QWidget):
    """Add lesions, set states, sign; enabled only where the model would accept."""

    def __init__(self, session: ReadingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        #: Asks the reader before an entry's diameters are dropped (the window's question).
        self.confirm: Callable[[str], bool] = lambda text: True
        layout = QVBoxLayout(self)
        self.add_box = self._build_add()
        layout.addWidget(self.add_box)
        self.add_box.setVisible(not session.read_only)  # an adjudicator adds nothing
        layout.addWidget(self._build_state())
        layout.addWidget(self._build_sign())
        layout.addStretch(1)
        session.place_changed.connect(self.refresh)
        session.lesion_changed.connect(self.refresh)
        session.refusal_changed.connect(self.refresh)
        events = session.project.events
        for signal in (events.lesion_saved, events.lesion_retired, events.observation_saved,
                       events.observation_retracted, events.timepoint_signed,
                       events.timepoint_reopened):  # fmt: skip
            signal.connect(self._changed)
        events.grid_changed.connect(self._grid_changed)  # findings come with the grid
        self.refresh()

    # -- building ------------------------------------------------------------------------
    def _build_add(self) -> QGroupBox:
        box = QGroupBox("Add a lesion")
        form = QFormLayout(box)
        self.category = QComboBox()
        for category, text in CATEGORY_TEXT.items():
            self.category.addItem(text, category)
        self.organ = QComboBox()
        self.organ.addItems(ORGANS)
        self.detail = QLineEdit()
        self.detail.setPlaceholderText("free text, e.g. segment VII, right lower lobe")
        self.nodal = QCheckBox("lymph node (measured by its short axis)")
        self.add_button = QPushButton("Add (Enter)")
        form.addRow("Category", self.category)
        form.addRow("Organ", self.organ)
        form.addRow("Location", self.detail)
        form.addRow("", self.nodal)
        form.addRow("", self.add_button)
        self.organ.currentTextChanged.connect(
            lambda organ: self.nodal.setChecked(organ == NODE_ORGAN))
        self.nodal.toggled.connect(self._nodal_toggled)
        self.add_button.clicked.connect(self.add_lesion)
        enter = QShortcut(QKeySequence("Return"), box)
        enter.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        enter.activated.connect(self.add_lesion)
        return box

    def _build_state(self) -> QGroupBox:
        box = QGroupBox("Chosen lesion")
        grid = QGridLayout(box)
        self.lesion_label = QLabel("no lesion chosen")
        self.lesion_label.setWordWrap(True)
        grid.addWidget(self.lesion_label, 0, 0, 1, 2)
        self.findings = QLabel()  # the chosen lesion's findings, beside its states
        self.findings.setTextFormat(Qt.TextFormat.PlainText)  # the engine's words, as written
        self.findings.setWordWrap(True)
        self.findings.setStyleSheet("QLabel { color: #b00000; font-weight: bold; }")
        grid.addWidget(self.findings, 5, 0, 1, 2)
        self.state_buttons: dict[State, QPushButton] = {}
        for k, (state, text) in enumerate(STATE_BUTTONS):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=state: self.set_state(s))
            self.state_buttons[state] = button
            grid.addWidget(button, 1 + k // 2, k % 2)
        row = 6
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("reason (required for unequivocal progression)")
        self.reason.returnPressed.connect(lambda: self.set_state(State.PROGRESSION))
        grid.addWidget(self.reason, row, 0, 1, 2)
        self.fragment_label = QLabel()
        self.fragment_label.setWordWrap(True)
        grid.addWidget(self.fragment_label, row + 1, 0, 1, 2)
        self.clear_button = QPushButton("Clear measurement (Del)")
        self.clear_button.clicked.connect(self.clear_measurement)
        self.retire_button = QPushButton("Withdraw (entry error)")
        self.retire_button.setToolTip("withdraw this lesion: it was entered by mistake (not "
                                      "the same as Absent, which says it has disappeared)")
        self.retire_button.clicked.connect(self.retire_lesion)
        grid.addWidget(self.clear_button, row + 2, 0)
        grid.addWidget(self.retire_button, row + 2, 1)
        return box

    def _build_sign(self) -> QGroupBox:
        box = QGroupBox("Signature")
        layout = QVBoxLayout(box)
        self.sign_status = QLabel()
        self.sign_status.setWordWrap(True)
        self.sign_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sign_button = QPushButton("Sign (Ctrl+Enter)")
        self.reread_button = QPushButton("Re-read... (Ctrl+R)")
        self.reread_button.setToolTip("reopen this signed timepoint for changes: asks the "
                                      "reason; the old values stay in the record")  # fmt: skip
        layout.addWidget(self.sign_status)
        layout.addWidget(self.sign_button)
        layout.addWidget(self.reread_button)
        return box

    # -- showing -------------------------------------------------------------------------
    def _changed(self, change: LesionSaved | LesionRetired | ObservationSaved
                 | ObservationRetracted | TimepointSigned | TimepointReopened) -> None:  # fmt: skip
        if change.key == self.session.key:
            self.refresh()

    def _grid_changed(self, key: object, grid: object) -> None:
        if key == self.session.key:
            self.refresh()

    def refresh(self) -> None:
        session = self.session
        read, current = session.read(), session.current()
        signed = session.signed or session.read_only  # nothing changes here either way
        is_baseline = read is not None and current is not None and read.baseline == current
        baseline_signed = read is not None and read.baseline is not None and (
            read.baseline.label in read.signatures)
        self.add_button.setEnabled(current is not None and not signed)
        for k in range(self.category.count()):  # categories the model would accept here
            category = self.category.itemData(k)
            allowed = (category is Category.NEW) != (is_baseline or not baseline_signed)
            item = self.category.model().item(k)  # type: ignore[union-attr]
            item.setEnabled(allowed)
        lesion = session.lesion()
        observation = None if read is None or lesion is None or current is None else (
            read.observation(current.label, lesion.lesion_id))
        if lesion is None:
            self.lesion_label.setText("No lesion chosen: click a row of the table, or ] / [.")
        else:
            node = ", node" if lesion.is_node and lesion.organ != NODE_ORGAN else ""
            now = "no entry yet" if observation is None else observation.state.value.lower()
            where = current.label if current else ""
            self.lesion_label.setText(
                f"<b>{lesion.lesion_id}</b> {CATEGORY_TEXT[lesion.category].lower()}, "
                f"{escape(lesion.location)}{node}<br>at {where}: {now}")  # fmt: skip
        self.findings.setText("\n".join(self.findings_of(lesion.lesion_id)) if lesion else "")
        editable = lesion is not None and current is not None and not signed and not (
            lesion.category is Category.NEW and is_baseline)
        offered = self.offered()
        for state, button in self.state_buttons.items():
            # never hidden: a button that comes and goes moves the images (issue 15, bug 5)
            button.setEnabled(editable and state in offered)
            button.setToolTip(self._why_not(state, offered, is_baseline))
        self.reason.setEnabled(editable and State.PROGRESSION in offered)
        self.clear_button.setEnabled(editable)
        self.retire_button.setEnabled(lesion is not None and not signed)
        self.fragment_label.setText(f"Measuring fragment {session.fragment!r} (Shift+S: next)"
                                    if session.fragment else "")  # fmt: skip
        self._show_signature(session.signed)

    def offered(self) -> frozenset[State]:
        """The states the chosen lesion may be given here (none of them for a target's
        Present: a target is present by being measured)."""
        session, read, current = self.session, self.session.read(), self.session.current()
        lesion = session.lesion()
        if lesion is None or read is None or current is None:
            return frozenset()
        states = states_offered(lesion.category, is_baseline=read.baseline == current)
        return states - {State.PRESENT} if lesion.category is Category.TARGET else states

    def _why_not(self, state: State, offered: frozenset[State], is_baseline: bool) -> str:
        lesion = self.session.lesion()
        if lesion is None or state in offered:
            return ""
        if state is State.PRESENT and lesion.category is Category.TARGET:
            return "a target is present by its measurement: draw it on the image"
        if is_baseline:
            return "not at baseline: lesions are chosen and measured there"
        return f"not a state of a {CATEGORY_TEXT[lesion.category].lower()}"

    def findings_of(self, lesion_id: str) -> list[str]:
        """The engine's findings about the lesion, and the last refused signature's."""
        session, key = self.session, self.session.key
        found: list[str] = []
        if key is not None:
            grid = session.project.grid(key)
            found += [f for row in grid.rows if row.lesion.lesion_id == lesion_id
                      for f in row.findings]  # fmt: skip
        if session.refusal is not None:
            found += session.refusal.findings.get(lesion_id, ())
        return list(dict.fromkeys(found))

    def _show_signature(self, signed: bool) -> None:
        session, read = self.session, self.session.read()
        label = session.timepoint or ""
        read_only = session.read_only
        if read is not None and signed:
            signature = read.signatures[label]
            self.sign_status.setText(
                f"<b>{label} signed</b> by {signature.signed_by} on "
                f"{signature.signed_at:%Y-%m-%d %H:%M} UTC<br>Meaning: "
                f"\u201c{escape(signature.meaning)}\u201d<br>Locked: read only."
                + ("" if read_only else " A change needs a re-read (with a reason)."))
        elif label and read_only:
            self.sign_status.setText(f"{label} is not signed by {session.reader} yet. You "
                                     "view this read; you cannot change it.")  # fmt: skip
        elif label:
            self.sign_status.setText(f"{label} is not signed: entries can still change")
        else:
            self.sign_status.setText("")
        self.sign_button.setEnabled(bool(label) and not signed and not read_only)
        self.sign_button.setText(f"Sign {label} (Ctrl+Enter)")
        self.reread_button.setEnabled(signed and not read_only)
        self.reread_button.setVisible(signed and not read_only)

    # -- acting --------------------------------------------------------------------------
    def start_adding(self, category: Category) -> None:
        """Prepare the form for ``category`` and put the focus on the organ (then Enter)."""
        self.category.setCurrentIndex(self.category.findData(category))
        self.organ.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _nodal_toggled(self, checked: bool) -> None:
        if checked and self.organ.currentText() != NODE_ORGAN:
            self.organ.setCurrentText(NODE_ORGAN)
        elif not checked and self.organ.currentText() == NODE_ORGAN:
            self.organ.setCurrentIndex(0)

    def add_lesion(self) -> None:
        session, key = self.session, self.session.key
        category = self.category.currentData()
        if key is None or not isinstance(category, Category):
            return
        lesion = session.attempt(lambda: session.project.add_lesion(
            key, category, self.organ.currentText(), detail=self.detail.text(),
            is_node=self.nodal.isChecked()))
        if lesion is not None:
            self.detail.clear()
            for field in (self.organ, self.detail):  # added: the keys go to the images again
                field.clearFocus()
            session.select_lesion(lesion.lesion_id)
            mark = "" if lesion.category is Category.TARGET else (
                "click it on the image to mark where it is, then ")  # fmt: skip
            session.message.emit(f"{lesion.lesion_id} added ({lesion.location}): {mark}"
                                 "measure it, or set its state", False)  # fmt: skip

    def set_state(self, state: State) -> None:
        session, key, label, lesion_id = (self.session, self.session.key,
                                          self.session.timepoint, self.session.lesion_id)
        if key is None or label is None or lesion_id is None:
            session.message.emit("choose a lesion first (click its row, or ] / [)", True)
            return
        read = session.read()
        if state not in self.offered():
            what = dict(STATE_BUTTONS)[state].split(" (")[0]
            at_baseline = read is not None and read.baseline == session.current()
            why = self._why_not(state, frozenset(), at_baseline)
            session.message.emit(f"{what} is not offered for {lesion_id} at {label}: {why}",
                                 True)  # fmt: skip
            return
        observation = None if read is None else read.observation(label, lesion_id)
        if erases_measurement(observation, state) and not self.confirm(
                f"{lesion_id} at {label} is measured. Set it to {state.value.lower()} and "
                "drop its diameters?"):  # fmt: skip
            return
        if state is State.PROGRESSION and not self.reason.text().strip():
            self.reason.setFocus(Qt.FocusReason.ShortcutFocusReason)
            session.message.emit(f"type why {lesion_id} progressed unequivocally, then Enter",
                                 False)  # fmt: skip
            return
        reason = self.reason.text() if state is State.PROGRESSION else ""
        done = session.attempt(
            lambda: session.project.set_state(key, label, lesion_id, state, reason=reason))
        if done is not None:
            self.reason.clear()

    def clear_measurement(self) -> None:
        session, key, label, lesion_id = (self.session, self.session.key,
                                          self.session.timepoint, self.session.lesion_id)
        if key is not None and label is not None and lesion_id is not None and self.confirm(
                f"Clear the measurement of {lesion_id} at {label}?"):  # fmt: skip
            session.attempt(lambda: session.project.clear_measurement(key, label, lesion_id))

    def retire_lesion(self) -> None:
        session, key, lesion_id = self.session, self.session.key, self.session.lesion_id
        if key is not None and lesion_id is not None:
            session.attempt(lambda: session.project.retire_lesion(key, lesion_id))
            read = session.read()
            if read is not None and lesion_id not in read.lesions:
                session.select_lesion(None)
