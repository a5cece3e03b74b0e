"""Where the reader is in a reading project: subject, timepoint, lesion, fragment.

Every widget of the reviewer takes the project and this session. The session only holds
the reader's place and says when it moves; the reading itself changes only through the
model's methods (``ReadingProject``), whose events the widgets subscribe to. A refused
action (``ReadingError``) becomes a message for the status line, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PyQt6.QtCore import QObject, pyqtSignal

from reviewer_gui.reading import (
    Lesion,
    ReadingError,
    ReadingProject,
    ReadKey,
    ReadView,
    SigningRefused,
    Timepoint,
)

T = TypeVar("T")


class ReadingSession(QObject):
    """The reader's place. ``place_changed``: subject, timepoint or prior changed;
    ``lesion_changed``: another lesion chosen; ``message``: (text, is_error)."""

    place_changed = pyqtSignal()
    lesion_changed = pyqtSignal(str)
    message = pyqtSignal(str, bool)
    refusal_changed = pyqtSignal()

    def __init__(self, project: ReadingProject, reader: str, database: Path) -> None:
        super().__init__()
        self.project, self.reader, self.database = project, reader, database
        self.case_id: str | None = None
        self.timepoint: str | None = None
        self.lesion_id: str | None = None
        self.fragment = ""  # "" measures the lesion whole; a name measures one fragment
        self.prior_is_baseline = False  # compare with the baseline instead of the previous
        self.refusal: SigningRefused | None = None  # the last refused signature, shown

    # -- where we are ------------------------------------------------------------------
    @property
    def key(self) -> ReadKey | None:
        return None if self.case_id is None else ReadKey(self.case_id, self.reader)

    def read(self) -> ReadView | None:
        key = self.key
        return None if key is None else self.project.read(key)

    def timepoints(self) -> tuple[Timepoint, ...]:
        return () if self.case_id is None else self.project.timepoints(self.case_id)

    def labels(self) -> list[str]:
        return [tp.label for tp in self.timepoints()]

    def current(self) -> Timepoint | None:
        return next((tp for tp in self.timepoints() if tp.label == self.timepoint), None)

    def prior(self) -> Timepoint | None:
        """The timepoint shown beside the current one: the previous, or the baseline."""
        tps, labels = self.timepoints(), self.labels()
        if self.timepoint not in labels:
            return None
        index = labels.index(self.timepoint)
        if index == 0:
            return None
        return tps[0] if self.prior_is_baseline else tps[index - 1]

    def lesion(self) -> Lesion | None:
        read = self.read()
        return None if read is None or self.lesion_id is None else read.lesions.get(
            self.lesion_id)

    @property
    def signed(self) -> bool:
        key = self.key
        return key is not None and self.timepoint is not None and self.project.is_signed(
            key, self.timepoint)

    # -- moving ------------------------------------------------------------------------
    def go(self, case_id: str, timepoint: str | None = None) -> None:
        """Open a subject at ``timepoint`` (default: the first the reader has not signed)."""
        if case_id not in self.project.case_ids:
            self.message.emit(f"no subject {case_id!r} in this project", True)
            return
        labels = [tp.label for tp in self.project.timepoints(case_id)]
        if timepoint is None:
            key = ReadKey(case_id, self.reader)
            unsigned = [label for label in labels if not self.project.is_signed(key, label)]
            timepoint = unsigned[0] if unsigned else (labels[-1] if labels else None)
        if timepoint is not None and timepoint not in labels:
            self.message.emit(f"{case_id} has no timepoint {timepoint!r}", True)
            return
        changed_case = case_id != self.case_id
        self.case_id, self.timepoint = case_id, timepoint
        self.fragment, self.refusal = "", None
        if changed_case:
            self.lesion_id = None
        self.place_changed.emit()
        self.refusal_changed.emit()

    def step_timepoint(self, step: int) -> None:
        labels = self.labels()
        if self.case_id is None or self.timepoint not in labels:
            return
        index = labels.index(self.timepoint) + step
        if 0 <= index < len(labels):
            self.go(self.case_id, labels[index])

    def step_subject(self, step: int) -> None:
        cases = self.project.case_ids
        if not cases:
            return
        index = cases.index(self.case_id) + step if self.case_id in cases else 0
        if 0 <= index < len(cases):
            self.go(cases[index])

    def toggle_baseline(self) -> None:
        self.prior_is_baseline = not self.prior_is_baseline
        self.place_changed.emit()

    def select_lesion(self, lesion_id: str | None) -> None:
        if lesion_id == self.lesion_id:
            return
        self.lesion_id, self.fragment = lesion_id, ""
        self.lesion_changed.emit(lesion_id or "")

    def step_lesion(self, step: int) -> None:
        read = self.read()
        ids = [les.lesion_id for les in read.ordered_lesions] if read else []
        if not ids:
            return
        index = ids.index(self.lesion_id) + step if self.lesion_id in ids else 0
        self.select_lesion(ids[min(max(index, 0), len(ids) - 1)])

    def set_fragment(self, name: str) -> None:
        self.fragment = name.strip()
        where = f"fragment {self.fragment!r}" if self.fragment else "the whole lesion"
        self.message.emit(f"the next measurement of {self.lesion_id or 'the lesion'} is "
                          f"{where}", False)  # fmt: skip

    # -- acting ------------------------------------------------------------------------
    def attempt(self, action: Callable[[], T]) -> T | None:
        """Run a model action; a refusal becomes an error message (nothing changed)."""
        try:
            return action()
        except SigningRefused as refusal:
            self.refusal = refusal
            self.refusal_changed.emit()
            self.message.emit(str(refusal).splitlines()[0] + " see the findings beside "
                              "the lesions", True)  # fmt: skip
        except ReadingError as error:
            self.message.emit(str(error), True)
        return None

    def sign(self) -> bool:
        """Sign the current timepoint; on refusal the findings are kept for the grid."""
        key, label = self.key, self.timepoint
        if key is None or label is None:
            return False
        signature = self.attempt(lambda: self.project.sign(key, label))
        if signature is None:
            return False
        self.refusal = None
        self.refusal_changed.emit()
        self.message.emit(f"{label} signed by {signature.signed_by}: it is locked now", False)
        return True
