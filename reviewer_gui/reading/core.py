"""The core of a reading project: its subjects and reads, what they answer, and how a change
is kept, applied and announced.

:class:`ProjectCore` holds the state; :class:`~reviewer_gui.reading.ReadingProject` adds
the reader's and the administrator's actions, each of which checks itself and then commits
one change (``reviewer_gui.reading.events``) here: the journal (the SQLite store) keeps it
first, then it is applied, emitted, and the engine recomputes the lesion x timepoint grid of
the reads it touched. A change the journal refuses is not applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from reviewer_gui.reading import signing
from reviewer_gui.reading.errors import ReadingError, TimepointLocked
from reviewer_gui.reading.events import (
    Change,
    ReadingEvents,
    SubjectAdded,
    TimepointAdded,
)
from reviewer_gui.reading.grid import Engine, Grid
from reviewer_gui.reading.read_state import ReadState
from reviewer_gui.reading.records import (
    Lesion,
    Observation,
    ProjectState,
    ReadKey,
    ReadView,
    Timepoint,
)
from reviewer_gui.reading.vocabulary import Category


def utc_now() -> dt.datetime:
    """The current time in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


class Journal(Protocol):
    """Where changes are kept before they are applied (``reviewer_gui.store.Store``)."""

    def record(self, change: Change) -> None: ...


class ProjectCore:
    """Pseudonymous subjects, their timepoints, and each reader's independent read."""

    def __init__(
        self,
        state: ProjectState | None = None,
        *,
        engine: Engine | None = None,
        journal: Journal | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        state = state or ProjectState()
        self.events = ReadingEvents()
        self._engine, self._journal, self._clock = engine, journal, clock
        self._subjects = {case: list(tps) for case, tps in state.subjects.items()}
        self._reads = {key: ReadState.of(view) for key, view in state.reads.items()}
        self._grids: dict[ReadKey, Grid] = {}
        self._entering: str | None = None

    @contextmanager
    def entered_by(self, person: str) -> Iterator[None]:
        """Lesions and observations recorded inside are ``person``'s entries in the read
        (``by``, ``recorded_by``, ``measured_by``), not its reader's: the study administrator
        loading a read done elsewhere into a reader's draft (``reviewer_gui.sr.migrate``). The
        reader signs the read; what they change afterwards is theirs."""
        self._entering = person
        try:
            yield
        finally:
            self._entering = None

    def _entered_by(self, key: ReadKey) -> str:
        return self._entering or key.reader

    # -- queries -------------------------------------------------------------------------

    @property
    def case_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._subjects))

    def timepoints(self, case_id: str) -> tuple[Timepoint, ...]:
        """The subject's timepoints in date order (the first is the baseline)."""
        return tuple(self._subject(case_id))

    def readers(self, case_id: str) -> tuple[str, ...]:
        return tuple(sorted(k.reader for k in self._reads if k.case_id == case_id))

    def read(self, key: ReadKey) -> ReadView:
        """A reader's read of a subject (empty until the reader records something)."""
        timepoints = self.timepoints(key.case_id)
        read = self._reads.get(key)
        return ReadView(key, timepoints) if read is None else read.view(key, timepoints)

    @property
    def state(self) -> ProjectState:
        """Everything the project holds, as immutable records."""
        return ProjectState(
            subjects={case: tuple(tps) for case, tps in self._subjects.items()},
            reads={key: self.read(key) for key in self._reads},
        )

    def grid(self, key: ReadKey) -> Grid:
        """The read's lesion x timepoint grid, computed by the engine."""
        if key not in self._grids:
            self._grids[key] = self._require_engine().grid(self.read(key))
        return self._grids[key]

    def is_signed(self, key: ReadKey, timepoint: str) -> bool:
        read = self._reads.get(key)
        return read is not None and timepoint in read.signatures

    # -- internals -----------------------------------------------------------------------

    def _commit(self, change: Change) -> None:
        if self._journal is not None:
            self._journal.record(change)  # raises: nothing applied
        touched = self._apply(change)
        self.events.emit(change)
        for key in touched:
            self._grids.pop(key, None)
            if self._engine is not None:
                self.events.grid_changed.emit(key, self.grid(key))

    def _apply(self, change: Change) -> list[ReadKey]:
        if isinstance(change, SubjectAdded):
            self._subjects[change.case_id] = []
            return []
        if isinstance(change, TimepointAdded):
            tps = self._subjects[change.case_id]
            tps.append(change.timepoint)
            tps.sort(key=lambda tp: tp.scan_date)
            return [k for k in self._reads if k.case_id == change.case_id]
        read = self._reads.setdefault(change.key, ReadState())
        read.apply(change)
        return [change.key]

    def _subject(self, case_id: str) -> list[Timepoint]:
        if case_id not in self._subjects:
            raise ReadingError(f"no subject {case_id!r} in this project")
        return self._subjects[case_id]

    def _timepoint(self, case_id: str, label: str) -> Timepoint:
        for tp in self._subject(case_id):
            if tp.label == label:
                return tp
        known = ", ".join(tp.label for tp in self._subject(case_id)) or "none yet"
        raise ReadingError(f"{case_id} has no timepoint {label!r} (timepoints: {known})")

    def _lesion(self, key: ReadKey, lesion_id: str) -> Lesion:
        read = self._reads.get(key)
        if read is None or lesion_id not in read.lesions:
            raise ReadingError(f"{key.reader}'s read of {key.case_id} has no lesion {lesion_id}")
        return read.lesions[lesion_id]

    def _unlocked_lesion(self, key: ReadKey, lesion_id: str) -> Lesion:
        lesion = self._lesion(key, lesion_id)
        read = self._reads[key]
        for (label, observed), _ in read.observations.items():
            if observed == lesion_id and label in read.signatures:
                raise TimepointLocked(f"{lesion_id} is recorded at {label}, which is signed: "
                                      "the lesion can no longer change")  # fmt: skip
        return lesion

    def _refuse_if_signed(self, key: ReadKey, timepoint: str, consequence: str) -> None:
        """:class:`TimepointLocked` naming who signed `timepoint` and when, then
        `consequence`, if this reader has signed it."""
        signature = self.read(key).signatures.get(timepoint)
        if signature is not None:
            raise TimepointLocked(
                f"{key.case_id} {timepoint} was signed by {signature.signed_by} at "
                f"{signature.signed_at:%Y-%m-%d %H:%M} UTC {consequence}")

    def _editable(
        self, key: ReadKey, timepoint: str, lesion_id: str
    ) -> tuple[Lesion, Observation | None]:
        record = self._timepoint(key.case_id, timepoint)
        lesion = self._lesion(key, lesion_id)
        read = self.read(key)
        self._refuse_if_signed(key, timepoint, "and is locked; changing it needs a re-read")
        if lesion.category is Category.NEW and record == read.baseline:
            raise ReadingError(f"{lesion_id} is a NEW lesion: a new lesion cannot be at baseline")
        signing.check_reading_order(read, record)
        return lesion, read.observation(timepoint, lesion_id)

    def _require_engine(self) -> Engine:
        if self._engine is None:
            raise ReadingError("this project was opened without the RECIST engine")
        return self._engine

