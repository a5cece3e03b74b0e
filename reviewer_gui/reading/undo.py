"""Undo and redo of a reader's entries on unsigned timepoints (Ctrl+Z, Ctrl+Shift+Z).

Nothing is ever taken back from the record: undoing an entry puts the lesion's previous
observation back through the model's own operations (its state, or its measurements drawn
again on the same slice with the same end points), which the store saves as new versions
with who and when, exactly like any entry; redoing puts the undone one back the same way.
A signed timepoint is locked, so the model refuses to undo there (a re-read reopens it).
Undoing a lesion's first entry at a timepoint retracts it (``retract_observation``: a new
version flagged retracted, the lesion has no entry there again); redoing records it again.

The history follows one read (``ReadKey``) through the model's ``observation_saved`` events:
it knows each lesion's observation at each timepoint, so every save is a step from the one
before to the one after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from reviewer_gui.reading.errors import ReadingError
from reviewer_gui.reading.events import ObservationRetracted, ObservationSaved, ReadingEvents
from reviewer_gui.reading.geometry import ImagePlane, Segment
from reviewer_gui.reading.records import Observation, ReadKey, ReadView
from reviewer_gui.reading.vocabulary import Provenance, State

LIMIT = 100  # steps kept per read


class Editable(Protocol):
    """The model operations an undo uses (``ReadingProject`` and the signed-in project)."""

    @property
    def events(self) -> ReadingEvents: ...
    def read(self, key: ReadKey) -> ReadView: ...
    def measure(self, key: ReadKey, timepoint: str, lesion_id: str, long_axis: Segment,
                plane: ImagePlane, *, short_axis: Segment | None = None,
                fragment: str = "", provenance: Provenance = Provenance.DRAWN,
                short_provenance: Provenance | None = None) -> Observation: ...  # fmt: skip
    def clear_measurement(self, key: ReadKey, timepoint: str, lesion_id: str, *,
                          fragment: str | None = None) -> Observation: ...  # fmt: skip
    def set_state(self, key: ReadKey, timepoint: str, lesion_id: str, state: State, *,
                  reason: str = "") -> Observation: ...  # fmt: skip
    def retract_observation(self, key: ReadKey, timepoint: str, lesion_id: str) -> None: ...


@dataclass(frozen=True)
class Step:
    """One saved entry: a lesion's observation at a timepoint, before and after."""

    timepoint: str
    lesion_id: str
    before: Observation | None  # None: the lesion had no entry there (a first entry)
    after: Observation

    def describe(self) -> str:
        return f"{self.lesion_id} at {self.timepoint}"


class UndoHistory:
    """The undoable steps of one read, newest last."""

    def __init__(self, project: Editable, key: ReadKey) -> None:
        self.project, self.key = project, key
        self.done: list[Step] = []
        self.undone: list[Step] = []
        self._replaying = False
        read = project.read(key)
        self._now: dict[tuple[str, str], Observation] = {
            (tp.label, lesion_id): observation for tp in read.timepoints
            for lesion_id in read.lesions
            if (observation := read.observation(tp.label, lesion_id)) is not None
        }  # fmt: skip
        project.events.observation_saved.connect(self._saved)
        project.events.observation_retracted.connect(self._retracted)

    def close(self) -> None:
        self.project.events.observation_saved.disconnect(self._saved)
        self.project.events.observation_retracted.disconnect(self._retracted)

    def _retracted(self, change: ObservationRetracted) -> None:
        if change.key == self.key:
            self._now.pop((change.timepoint, change.lesion_id), None)

    def _saved(self, change: ObservationSaved) -> None:
        if change.key != self.key:
            return
        where = (change.timepoint, change.lesion_id)
        before = self._now.get(where)
        self._now[where] = change.observation
        if self._replaying:
            return
        self.done.append(Step(change.timepoint, change.lesion_id, before, change.observation))
        del self.done[:-LIMIT]
        self.undone.clear()

    def undo(self) -> Step:
        """Put back the observation before the last step (a first entry: retract it);
        refused (``ReadingError``) when there is nothing to undo or the timepoint is signed."""
        if not self.done:
            raise ReadingError("nothing to undo in this read")
        step = self.done[-1]
        if step.before is None:
            self.project.retract_observation(self.key, step.timepoint, step.lesion_id)
        else:
            self._put(step, step.before)
        self.undone.append(self.done.pop())
        return step

    def redo(self) -> Step:
        """Put back the observation the last undo replaced."""
        if not self.undone:
            raise ReadingError("nothing to redo in this read")
        step = self.undone[-1]
        self._put(step, step.after)
        self.done.append(self.undone.pop())
        return step

    def _put(self, step: Step, observation: Observation) -> None:
        project, key = self.project, self.key
        self._replaying = True
        try:
            if observation.state is not State.PRESENT:
                project.set_state(key, step.timepoint, step.lesion_id, observation.state,
                                  reason=observation.reason)  # fmt: skip
                return
            project.clear_measurement(key, step.timepoint, step.lesion_id)
            for fragment in observation.fragments:
                axis = fragment.long_axis
                plane = ImagePlane(axis.slice_index, axis.sop_instance_uid,
                                   axis.pixel_spacing_mm, axis.series_uid)  # fmt: skip
                short = fragment.short_axis
                project.measure(key, step.timepoint, step.lesion_id, axis.segment, plane,
                                short_axis=None if short is None else short.segment,
                                fragment=fragment.name, provenance=axis.provenance,
                                short_provenance=None if short is None else short.provenance)
        finally:
            self._replaying = False
