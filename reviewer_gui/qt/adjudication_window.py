"""The adjudicator's window (issue 6 item 4; domain brief, "Blinded independent central
review"): the subjects whose two complete reads disagree, both reads side by side with the
images, and the adjudicator's signed choice of the final read.

Left: the subjects to adjudicate (case ids only, each with what disagrees), then the ones
adjudicated. Centre: why the subject was flagged (each trigger in words, timepoints by label
and day from the baseline, never a date), each read's endpoints, the two reads lesion by
lesion and timepoint by timepoint with every difference highlighted (:mod:`.adjudication_views`)
and the engine's reason for each reader's response at the chosen timepoint; under them the
decision. Right: the chosen timepoint's images, each reader's calipers on their own view at
the slice they measured (:mod:`.adjudication_images`).

Choosing a read opens :class:`DecisionDialog`: the reason (required) and the e-signature, name
and password entered again and the meaning of the signature (21 CFR 11.50, 11.200(a)); the
choice is ``AdjudicationDesk.decide``, an audited append-only record, and the chosen read is
the final one. The adjudicator sees reader names, never arm, site, real ids or real dates.
Only an adjudicator decides; the study administrator may look. The desk is typed
structurally (:class:`AdjudicationWork`): ``reviewer_gui.qt.adjudication_app`` builds it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QCloseEvent
from PyQt6.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reviewer_gui.reading import ReadingError, ReadView
from reviewer_gui.review.accounts import password_change_problem
from reviewer_gui.review.identity import AccountLocked, AuthenticationFailed, NotPermitted, Role

from .adjudication_dialog import DecisionDialog
from .adjudication_images import ReaderImages
from .adjudication_series import read_on_different_series
from .adjudication_texts import (
    TRIGGER_TITLES,
    CaseLike,
    Comparison,
    DecisionLike,
    endpoint_texts,
    trigger_lines,
)
from .adjudication_views import READER_COLOURS, ComparisonTable, EndpointsTable, why_text
from .dialogs import ERROR_STYLE, ChangePasswordDialog


class AdjudicationWork(Protocol):
    """What the window uses of the adjudicator's session and ``AdjudicationDesk``."""

    @property
    def user(self) -> str: ...
    @property
    def role(self) -> Role: ...
    def cases(self) -> Sequence[CaseLike]: ...
    def compare(self, case_id: str) -> Comparison: ...
    def read(self, case_id: str, reader: str) -> ReadView: ...
    def decide(self, case_id: str, chosen_reader: str, *, reason: str, name: str,
               password: str, meaning: str) -> DecisionLike: ...  # fmt: skip
    def change_password(self, current: str, new: str) -> None: ...
    def close(self) -> None: ...


def _rich(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


class AdjudicationWindow(QMainWindow):
    """The adjudication queue and the chosen subject's two reads, for one signed-in user."""

    def __init__(self, work: AdjudicationWork, *, database: Path) -> None:
        super().__init__()
        self.work, self.database = work, database
        self.dialog: DecisionDialog | None = None
        self.case_id: str | None = None
        self.comparison: Comparison | None = None
        self.reads: tuple[ReadView, ReadView] | None = None
        self.timepoint = 0
        self.lesion_id: str | None = None
        self._closed = False
        self.setWindowTitle(f"RECIST adjudication - {database.name} - signed in as "
                            f"{work.user} ({work.role.value})")  # fmt: skip
        self.flagged, self.adjudicated = QListWidget(), QListWidget()
        self.counts = _rich("")
        self.header = _rich("Choose a subject to adjudicate on the left.")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.endpoints = EndpointsTable()
        self.table = ComparisonTable()
        self.why = _rich("")
        self.decision = _rich("")
        self.choose = tuple(QPushButton() for _ in range(2))
        self.images = ReaderImages(database)
        self.message = QLabel()
        self._build()
        for index, button in enumerate(self.choose):
            button.clicked.connect(lambda _=False, k=index: self.choose_read(k))
        self.flagged.currentItemChanged.connect(self._case_chosen)
        self.adjudicated.currentItemChanged.connect(self._case_chosen)
        self.table.chosen.connect(self.show_place)
        self.refresh_cases()
        first = self.flagged.item(0)
        if first is not None:  # start at the first subject to adjudicate
            self.show_case(str(first.data(Qt.ItemDataRole.UserRole)))
        self.resize(1800, 1040)

    def _build(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(_rich("<b>To adjudicate</b>"))
        column.addWidget(self.flagged, 3)
        column.addWidget(_rich("<b>Adjudicated</b>"))
        column.addWidget(self.adjudicated, 2)
        column.addWidget(self.counts)
        for widget in (self.flagged, self.adjudicated):
            widget.setWordWrap(True)
        reads = QWidget()  # the two reads: endpoints, then lesion by lesion
        grids = QVBoxLayout(reads)
        grids.setContentsMargins(0, 0, 0, 0)
        grids.addWidget(self.endpoints)
        grids.addWidget(self.table, 1)
        about = QWidget()  # why flagged, why each response, the decision
        side = QVBoxLayout(about)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.header)
        side.addWidget(self.why)
        box = QGroupBox("Decision: whose read is final?")
        decide = QVBoxLayout(box)
        decide.addWidget(self.decision)
        for index, button in enumerate(self.choose):
            colour = READER_COLOURS[index].name()
            button.setStyleSheet(f"QPushButton {{ border: 2px solid {colour}; padding: 6px; "
                                 "font-weight: bold; }")  # fmt: skip
            decide.addWidget(button)
        side.addWidget(box)
        side.addStretch(1)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(reads)
        top.addWidget(about)
        top.setSizes([1000, 560])
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(self.images)
        main.setSizes([470, 530])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(main)
        split.setSizes([230, 1570])
        split.setStretchFactor(1, 1)
        self.setCentralWidget(split)
        bar = self.statusBar()
        assert bar is not None
        bar.addWidget(self.message, 1)
        menu = self.menuBar()
        assert menu is not None
        account = menu.addMenu("&Account")
        assert account is not None
        self.change_password_action = QAction("Change password…", self)
        self.change_password_action.triggered.connect(lambda _=False: self.change_password())
        account.addAction(self.change_password_action)

    # -- the queue -------------------------------------------------------------------------
    def refresh_cases(self) -> None:
        """The lists again, from the project as recorded now."""
        cases = list(self.work.cases())
        by_status: dict[str, list[CaseLike]] = {}
        for case in cases:
            by_status.setdefault(str(case.status), []).append(case)
        for widget, status in ((self.flagged, "flagged"), (self.adjudicated, "adjudicated")):
            widget.blockSignals(True)
            widget.clear()
            for case in by_status.get(status, []):
                widget.addItem(self._case_item(case))
            widget.blockSignals(False)
        waiting, agreed = (len(by_status.get(s, [])) for s in ("waiting", "agreed"))
        flagged = len(by_status.get("flagged", []))
        self.counts.setText(f"{flagged or 'nothing'} to adjudicate; {waiting} waiting for "
                            f"both reads; {agreed} agreed (reader 1's read is final)")
        self._mark_current()

    @staticmethod
    def _case_item(case: CaseLike) -> QListWidgetItem:
        if case.decision is not None and str(case.status) == "adjudicated":
            what = f"adjudicated: {case.decision.chosen_reader}'s read"
        else:
            what = "flagged: " + ", ".join(TRIGGER_TITLES.get(t.name, t.name).lower()
                                           for t in case.triggers)  # fmt: skip
        item = QListWidgetItem(f"{case.case_id}\n{what}")
        item.setData(Qt.ItemDataRole.UserRole, case.case_id)
        item.setToolTip(what)
        return item

    def _mark_current(self) -> None:
        for widget in (self.flagged, self.adjudicated):
            widget.blockSignals(True)
            widget.setCurrentRow(-1)
            for row in range(widget.count()):
                item = widget.item(row)
                if item is not None and item.data(Qt.ItemDataRole.UserRole) == self.case_id:
                    widget.setCurrentRow(row)
            widget.blockSignals(False)

    def _case_chosen(self, item: QListWidgetItem | None, _: object = None) -> None:
        if item is not None:
            self.show_case(str(item.data(Qt.ItemDataRole.UserRole)))

    # -- one subject -----------------------------------------------------------------------
    def show_case(self, case_id: str) -> None:
        """Both reads of ``case_id``, at the first place where they differ."""
        try:
            comparison = self.work.compare(case_id)
            readers = comparison.readers
            self.reads = (self.work.read(case_id, readers[0]), self.work.read(case_id, readers[1]))
        except ReadingError as error:
            self.say(str(error), error=True)
            return
        self.case_id, self.comparison = case_id, comparison
        self._mark_current()
        review = comparison.review
        lines = "".join(f"<li>{html.escape(line)}</li>"
                        for line in trigger_lines(review, comparison.timepoints))  # fmt: skip
        flagged = (f"<br>Flagged because the reads disagree:<ul style='margin:0'>{lines}</ul>"
                   if lines else "")  # fmt: skip
        self.header.setText(f"<span style='font-size:large'><b>{case_id}</b></span> - "
                            f"{review.status}: reads of {readers[0]} (reader 1) and "
                            f"{readers[1]} (reader 2){flagged}")  # fmt: skip
        self.endpoints.show_case(comparison)
        self.table.show_case(comparison)
        self.table.mark_series(read_on_different_series(self.reads, comparison.timepoints),
                               readers)  # fmt: skip
        self._show_decision(review)
        lesion_id, timepoint = self.table.first_difference()
        self.table.blockSignals(True)
        self.table.select(lesion_id, timepoint)
        self.table.blockSignals(False)
        self.show_place(lesion_id, timepoint)

    def show_place(self, lesion_id: object, timepoint: int) -> None:
        """The images of ``timepoint`` (an index; -1 keeps the one shown) at ``lesion_id``."""
        comparison, reads, case_id = self.comparison, self.reads, self.case_id
        if comparison is None or reads is None or case_id is None:
            return
        if timepoint >= 0:
            self.timepoint = min(timepoint, len(comparison.timepoints) - 1)
        self.lesion_id = lesion_id if isinstance(lesion_id, str) else None
        self.why.setText(why_text(comparison, self.timepoint))
        self.images.show_place(case_id, comparison.timepoints[self.timepoint],
                               comparison.readers, reads, self.lesion_id)  # fmt: skip

    def _show_decision(self, review: CaseLike) -> None:
        decision, status = review.decision, str(review.status)
        deciding = status == "flagged" and self.work.role is Role.ADJUDICATOR
        for index, button in enumerate(self.choose):
            reader = review.readers[index] if index < len(review.readers) else "?"
            button.setText(f"Choose {reader}'s read (reader {index + 1})...")
            button.setEnabled(deciding)
        if decision is not None and status == "adjudicated":
            when = decision.signed_at.astimezone(dt.UTC)
            self.decision.setText(
                f"<b>Decided:</b> {html.escape(decision.signed_by)} chose <b>"
                f"{html.escape(decision.chosen_reader)}'s read</b> as final on "
                f"{when:%Y-%m-%d %H:%M} UTC (audit record {decision.seq}).<br><b>Reason:</b> "
                f"{html.escape(decision.reason)}<br><b>Signature:</b> "
                f"{html.escape(decision.meaning)}")  # fmt: skip
        elif status == "flagged" and not deciding:
            self.decision.setText(f"Only the adjudicator decides: you are signed in as "
                                  f"{self.work.role.value}, to look.")  # fmt: skip
        elif status == "flagged":
            self.decision.setText("Compare the reads and their images, then choose the read "
                                  "that is right. You will give the reason and sign.")
        else:
            self.decision.setText(html.escape(review.note))

    def choose_read(self, index: int) -> None:
        """Open the decision dialog for the reader at ``index`` (0: reader 1)."""
        comparison, case_id = self.comparison, self.case_id
        if comparison is None or case_id is None:
            return
        chosen, other = comparison.readers[index], comparison.readers[1 - index]
        texts = endpoint_texts(comparison.review.endpoints.get(chosen), comparison.timepoints)
        summary = (f"{chosen}: progression {texts[0] or 'none'}; best overall response "
                   f"{texts[1] or '-'}.")  # fmt: skip

        def submit(reason: str, name: str, password: str, meaning: str) -> str | None:
            return self._decide(case_id, chosen, reason, name, password, meaning)

        self.dialog = DecisionDialog(case_id, chosen, other, summary, self.work.user, submit,
                                     self)  # fmt: skip
        self.dialog.open()

    def _decide(self, case_id: str, chosen: str, reason: str, name: str, password: str,
                meaning: str) -> str | None:  # fmt: skip
        try:
            decision = self.work.decide(case_id, chosen, reason=reason, name=name,
                                        password=password, meaning=meaning)  # fmt: skip
        except AuthenticationFailed as refused:
            if "own name" in str(refused) or isinstance(refused, AccountLocked):
                return str(refused)
            return ("Wrong name or password: not signed, nothing recorded. (Every attempt "
                    "is recorded in the project's audit trail.)")  # fmt: skip
        except (NotPermitted, ReadingError) as refused:
            return str(refused)
        self.refresh_cases()
        self.show_case(case_id)
        self.say(f"{case_id}: {decision.chosen_reader}'s read is final (adjudicated by "
                 f"{decision.signed_by}, audit record {decision.seq})")  # fmt: skip
        return None

    def change_password(self) -> ChangePasswordDialog:
        """Account -> Change password...: the signed-in user's own password."""
        user = self.work.user
        dialog = ChangePasswordDialog(user, lambda current, new, repeat: (
            password_change_problem(self.work.change_password, current, new, repeat)),
            parent=self)  # fmt: skip
        dialog.accepted.connect(lambda: self.say(
            f"Password of {user} changed (recorded in the audit trail)"))
        dialog.open()
        return dialog

    # -- housekeeping ----------------------------------------------------------------------
    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def loading(self) -> bool:
        return self.images.loading()

    def closeEvent(self, event: QCloseEvent | None) -> None:
        self.images.let_go()  # first: the loads stop at their next file or image, unread
        self.images.clear()
        if not self._closed:
            self._closed = True
            self.work.close()
        super().closeEvent(event)
