"""Where the reader is in a reading project: subject, timepoint, lesion, fragment.

Every widget of the reviewer takes the project and this session. The session only holds
the reader's place and says when it moves; the reading itself changes only through the
model's methods (``ReadingProject``, or on a project with users the signed-in review
session behind the same methods: :class:`~.signed_in.SignedInProject`), whose events the
widgets subscribe to. A refused action (``ReadingError``) becomes a message for the status
line, never a crash.

Signed in as a reader, the session is blinded (domain brief, BICR section): timepoints show
their label and day from baseline, never a date; and reading is sequential: a follow-up opens
once every earlier timepoint is signed (baseline first, then each follow-up in date order).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PyQt6.QtCore import QObject, pyqtSignal

from reviewer_gui.dicom import DicomLoadError, SeriesInfo
from reviewer_gui.reading import (
    DEFAULT_MEANING,
    Lesion,
    ReadingError,
    ReadingProject,
    ReadKey,
    ReadView,
    SeriesRef,
    SigningRefused,
    Timepoint,
)
from reviewer_gui.reading.signing import check_reading_order
from reviewer_gui.reading.undo import UndoHistory
from reviewer_gui.store import StoreError
from reviewer_gui.store.image_folder import file_images_location

from .signed_in import ReadingModel, SignedInProject
from .studies import series_ref_for, study_series

T = TypeVar("T")


NO_IMAGES = ("no image folder is recorded for this project: the study administrator records "
             "it (recist-review images URL DIR --admin NAME)")


class ReadingSession(QObject):
    """The reader's place. ``place_changed``: subject, timepoint or prior changed;
    ``lesion_changed``: another lesion chosen; ``message``: (text, is_error)."""

    place_changed = pyqtSignal()
    lesion_changed = pyqtSignal(str)
    message = pyqtSignal(str, bool)
    refusal_changed = pyqtSignal()

    def __init__(self, project: ReadingModel, reader: str, database: Path) -> None:
        super().__init__()
        self.project, self.reader, self.database = project, reader, database
        self.signed_in = project if isinstance(project, SignedInProject) else None
        # the folder series folders are relative to (None: a server project's, not recorded)
        self.images = (file_images_location(database) if self.signed_in is None
                       else self.signed_in.images)  # fmt: skip
        self.case_id: str | None = None
        self.timepoint: str | None = None
        self.lesion_id: str | None = None
        self.fragment = ""  # "" measures the lesion whole; a name measures one fragment
        self.prior_is_baseline = False  # compare with the baseline instead of the previous
        self.refusal: SigningRefused | None = None  # the last refused signature, shown
        self.study_series: dict[str, tuple[SeriesInfo, ...]] = {}  # by Study Instance UID
        self.histories: dict[ReadKey, UndoHistory] = {}  # each read's undoable entries
        self.place_changed.connect(self._follow_history)

    # -- undo / redo ---------------------------------------------------------------------
    def _follow_history(self) -> None:
        """Start recording the shown read's entries (for Ctrl+Z) when it is first shown."""
        key = self.key
        if key is not None and not self.read_only and key not in self.histories:
            self.histories[key] = UndoHistory(self.project, key)

    def undo(self, *, redo: bool = False) -> None:
        """Ctrl+Z (``redo``: Ctrl+Shift+Z): the read's last entry taken back (or put back)
        as a new version, through the model; refusals are said."""
        key = self.key
        history = None if key is None else self.histories.get(key)
        if history is None:
            self.message.emit("nothing to undo in this read", True)
            return
        step = self.attempt(history.redo if redo else history.undo)
        if step is not None:
            self.message.emit(f"{'redone' if redo else 'undone'}: {step.describe()} (the "
                              "record keeps every version)", False)  # fmt: skip

    # -- who we are --------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        """Signed in as an adjudicator or the study administrator: reads are only viewed."""
        return self.signed_in is not None and self.signed_in.read_only

    @property
    def sequential(self) -> bool:
        """A signed-in reader reads in date order, each timepoint signed before the next."""
        return self.signed_in is not None and not self.signed_in.read_only

    def when(self, timepoint: Timepoint, case_id: str | None = None) -> str:
        """When a timepoint (of ``case_id``, default the current subject) was scanned, as
        this session may show it: on a project with users, the day from the subject's
        baseline (intervals matter; dates could identify, though the import shifts them);
        else the scan date."""
        if self.signed_in is None:
            return f"{timepoint.scan_date:%Y-%m-%d}"
        case = case_id or self.case_id
        timepoints = self.project.timepoints(case) if case else ()
        baseline = timepoints[0].scan_date if timepoints else timepoint.scan_date
        return f"day {(timepoint.scan_date - baseline).days}"

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
        if timepoint is not None and self.sequential:
            key = ReadKey(case_id, self.reader)
            record = next(tp for tp in self.project.timepoints(case_id) if tp.label == timepoint)
            try:
                check_reading_order(self.project.read(key), record)
            except ReadingError as error:
                self.message.emit(f"{case_id} {timepoint} is not open yet: {error}", True)
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

    # -- the series a timepoint is read on -------------------------------------------------
    def image_folder(self) -> Path | str:
        """The folder the series folders are relative to, or the URL of the project's reading
        archive (``OSError``: none recorded)."""
        if self.images is None:
            raise OSError(NO_IMAGES)
        return self.images

    def series_list(self, timepoint: Timepoint) -> tuple[SeriesInfo, ...]:
        """Every image series of the timepoint's study (headers only, read once)."""
        ref = timepoint.series
        if ref is None:
            return ()
        if ref.study_uid not in self.study_series:
            try:
                self.study_series[ref.study_uid] = study_series(ref, self.image_folder())
            except (DicomLoadError, OSError) as error:
                self.message.emit(f"{timepoint.label}: cannot list its series: {error}", True)
                return ()
        return self.study_series[ref.study_uid]

    def read_on(self, case_id: str, timepoint: Timepoint) -> SeriesRef | None:
        """The series this session's reader reads ``timepoint`` of ``case_id`` on."""
        return self.project.read(ReadKey(case_id, self.reader)).series_of(timepoint.label)

    def describe(self, timepoint: Timepoint, series_uid: str) -> str:
        """A series as the reader knows it: its description (what the tree shows)."""
        info = next((i for i in self.series_list(timepoint) if i.series_uid == series_uid), None)
        if info is None:
            return "another series of the study"
        number = "" if info.series_number is None else f" (#{info.series_number})"
        return f"'{info.series_description or info.modality}'{number}"

    def choose_series(self, case_id: str, label: str, series_uid: str) -> bool:
        """Read ``label`` of ``case_id`` on another series of its study (saved at once; a
        refusal goes to the message line); shows that timepoint if it is not shown. Returns
        whether the timepoint is now read on that series."""
        timepoint = next((tp for tp in self.project.timepoints(case_id) if tp.label == label),
                         None)  # fmt: skip
        info = None if timepoint is None else next(
            (i for i in self.series_list(timepoint) if i.series_uid == series_uid), None)
        if timepoint is None or timepoint.series is None or info is None:
            self.message.emit(f"{case_id} {label}: no such series in its study", True)
            return False
        key, before = ReadKey(case_id, self.reader), self.read_on(case_id, timepoint)
        ref = series_ref_for(info, timepoint.series)
        if self.attempt(lambda: self.project.choose_series(key, label, ref)) is None:
            return False
        if case_id != self.case_id or label not in (self.timepoint, getattr(
                self.prior(), "label", None)):  # fmt: skip
            self.go(case_id, label)
        if before is not None and before.series_uid == ref.series_uid:
            self.message.emit(f"{label} is read on {self.describe(timepoint, series_uid)} "
                              "already", False)  # fmt: skip
            return True
        thickness = "" if ref.slice_thickness_mm is None else (
            f", {ref.slice_thickness_mm} mm slices")  # fmt: skip
        self.message.emit(f"{label} now read on {self.describe(timepoint, series_uid)}"
                          f"{thickness}, saved; measurements on other series are kept",
                          False)  # fmt: skip
        return True

    def step_series(self, step: int) -> None:
        """Read the current timepoint on the next (previous) series of its study."""
        current = self.current()
        if self.case_id is None or current is None:
            return
        found = self.series_list(current)
        read_on = self.read_on(self.case_id, current)
        uids = [i.series_uid for i in found]
        if len(uids) < 2 or read_on is None:
            self.message.emit(f"{current.label}: its study has no other series to read it on",
                              True)  # fmt: skip
            return
        index = uids.index(read_on.series_uid) if read_on.series_uid in uids else 0
        self.choose_series(self.case_id, current.label, uids[(index + step) % len(uids)])

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
        except (ReadingError, StoreError) as error:  # StoreError: e.g. the server lost
            self.message.emit(str(error), True)
        return None

    def sign(self, *, name: str = "", password: str = "",
             meaning: str = DEFAULT_MEANING) -> str | None:
        """Sign the current timepoint; on refusal the findings are kept for the grid. Signed
        in, the signature needs the signer's name and password again and its meaning.
        Returns what the signature dialog should say (a wrong name or password: nothing
        signed), else ``None`` (signed, or refused with the findings shown)."""
        key, label, project = self.key, self.timepoint, self.project
        if key is None or label is None:
            return None
        try:
            if self.signed_in is not None:
                signed_in = self.signed_in
                signature = self.attempt(lambda: signed_in.sign(
                    key, label, name=name, password=password, meaning=meaning))
            elif isinstance(project, ReadingProject):
                signature = self.attempt(lambda: project.sign(key, label, meaning=meaning))
            else:
                return None
        except PermissionError as refused:  # a wrong name or password (AuthenticationFailed)
            text = str(refused).removeprefix("sign: ")
            self.message.emit(f"{label} not signed: {text}", True)
            return f"Not signed: {text}. {label} stays unsigned; enter your own name and " \
                "password again."
        if signature is None:
            return None
        self.refusal = None
        self.refusal_changed.emit()
        self.message.emit(f"{label} signed by {signature.signed_by} ({signature.meaning}): "
                          "it is locked now", False)  # fmt: skip
        return None

    def reopens(self) -> tuple[str, ...]:
        """The timepoints a re-read of the current one reopens: it and every later signed."""
        read, label = self.read(), self.timepoint
        if read is None or label is None or label not in read.signatures:
            return ()
        labels = [tp.label for tp in read.timepoints]
        return tuple(x for x in labels[labels.index(label):] if x in read.signatures)

    def reread(self, reason: str) -> str | None:
        """Reopen the current (signed) timepoint for a re-read with ``reason``; returns what
        the re-read dialog should say, ``None`` when reopened."""
        key, label = self.key, self.timepoint
        if key is None or label is None:
            return None
        try:
            reopened = self.project.reread(key, label, reason=reason)
        except (ReadingError, StoreError) as error:
            return str(error)
        self.place_changed.emit()
        self.message.emit(f"re-read: {', '.join(reopened)} reopened ({reason}); the old values "
                          "and signatures stay in the record: sign again when done", False)
        return None
