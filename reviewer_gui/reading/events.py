"""Typed changes of a reading project, and the events views subscribe to.

Every action on the model is one *change* (a frozen record): the model hands it to its
journal (the database) first, applies it only once the journal has kept it, then emits it.
Views connect to the signals of :class:`ReadingEvents` (the napari pattern: the model emits
typed events, views' slots only call model methods). The signals are psygnal's, a Qt-free
implementation of Qt's signals; callbacks on bound methods are held weakly, so a closed view
disconnects itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from psygnal import Signal

from reviewer_gui.reading.records import (
    Lesion,
    Observation,
    ReadKey,
    SeriesRef,
    Signature,
    Timepoint,
)


@dataclass(frozen=True, slots=True)
class SubjectAdded:
    case_id: str
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class TimepointAdded:
    case_id: str
    timepoint: Timepoint
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class LesionSaved:
    """A lesion added to a read, or its location / nodal status edited."""

    key: ReadKey
    lesion: Lesion
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class LesionRetired:
    """A lesion withdrawn from a read before any signed timepoint observed it (its id is never
    reused)."""

    key: ReadKey
    lesion: Lesion
    by: str
    at: dt.datetime

    @property
    def lesion_id(self) -> str:
        return self.lesion.lesion_id


@dataclass(frozen=True, slots=True)
class ObservationSaved:
    """A lesion's state and measurements at one timepoint (the whole observation, replacing
    the previous one, which the database keeps)."""

    key: ReadKey
    timepoint: str
    lesion_id: str
    observation: Observation
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class ObservationRetracted:
    """A lesion's first entry at a timepoint taken back (an undo): the lesion has no entry
    there again. The database keeps the retracted entry and adds a version flagged
    retracted that repeats its state."""

    key: ReadKey
    timepoint: str
    lesion_id: str
    observation: Observation
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class TimepointSigned:
    key: ReadKey
    timepoint: str
    signature: Signature
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class TimepointReopened:
    """A re-read: signed timepoints of a read unlocked for correction, with the reason
    (21 CFR Part 11 spirit: a signed record changes only with a recorded reason; the old
    values and the old signature stay in the record, superseded). ``timepoints`` is the one
    the reader re-reads, then every later signed one (each was read against it)."""

    key: ReadKey
    timepoints: tuple[str, ...]
    reason: str
    by: str
    at: dt.datetime

    @property
    def timepoint(self) -> str:
        """The timepoint the re-read was asked for."""
        return self.timepoints[0]


@dataclass(frozen=True, slots=True)
class SeriesChosen:
    """A reader's choice of the series of the timepoint's study to read it on (another
    reconstruction or contrast phase of the same study, DICOM PS3.3 C.7.3.1), replacing
    their previous choice, which the database keeps."""

    key: ReadKey
    timepoint: str
    series: SeriesRef
    by: str
    at: dt.datetime


Change = (
    SubjectAdded
    | TimepointAdded
    | LesionSaved
    | LesionRetired
    | ObservationSaved
    | ObservationRetracted
    | TimepointSigned
    | TimepointReopened
    | SeriesChosen
)


class ReadingEvents:
    """The signals of a reading project. ``changed`` carries every change; the others carry
    one kind each. ``grid_changed`` carries ``(ReadKey, Grid)`` after the engine recomputed a
    read's lesion x timepoint grid."""

    changed = Signal(object)
    subject_added = Signal(SubjectAdded)
    timepoint_added = Signal(TimepointAdded)
    lesion_saved = Signal(LesionSaved)
    lesion_retired = Signal(LesionRetired)
    observation_saved = Signal(ObservationSaved)
    observation_retracted = Signal(ObservationRetracted)
    timepoint_signed = Signal(TimepointSigned)
    timepoint_reopened = Signal(TimepointReopened)
    series_chosen = Signal(SeriesChosen)
    grid_changed = Signal(object, object)

    def emit(self, change: Change) -> None:
        """Emit ``change`` on its own signal, then on ``changed``."""
        specific = {
            SubjectAdded: self.subject_added,
            TimepointAdded: self.timepoint_added,
            LesionSaved: self.lesion_saved,
            LesionRetired: self.lesion_retired,
            ObservationSaved: self.observation_saved,
            ObservationRetracted: self.observation_retracted,
            TimepointSigned: self.timepoint_signed,
            TimepointReopened: self.timepoint_reopened,
            SeriesChosen: self.series_chosen,
        }[type(change)]
        specific.emit(change)
        self.changed.emit(change)
