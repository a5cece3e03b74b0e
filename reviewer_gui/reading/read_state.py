"""The mutable state of one read inside :class:`~reviewer_gui.reading.ReadingProject`."""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewer_gui.reading.events import (
    Change,
    LesionRetired,
    LesionSaved,
    ObservationRetracted,
    ObservationSaved,
    SeriesChosen,
    TimepointReopened,
    TimepointSigned,
)
from reviewer_gui.reading.records import (
    Lesion,
    Observation,
    ReadKey,
    ReadView,
    SeriesRef,
    Signature,
    Timepoint,
)
from reviewer_gui.reading.vocabulary import PREFIX, Category, parse_lesion_id


@dataclass
class ReadState:
    """Lesions, observations (by timepoint label and lesion id), signatures, retired ids,
    and the series chosen to read timepoints on (by label)."""

    lesions: dict[str, Lesion] = field(default_factory=dict)
    observations: dict[tuple[str, str], Observation] = field(default_factory=dict)
    signatures: dict[str, Signature] = field(default_factory=dict)
    retired: set[str] = field(default_factory=set)
    series: dict[str, SeriesRef] = field(default_factory=dict)

    @classmethod
    def of(cls, view: ReadView) -> ReadState:
        return cls(dict(view.lesions), dict(view.observations), dict(view.signatures),
                   set(view.retired), dict(view.series_choices))  # fmt: skip

    def view(self, key: ReadKey, timepoints: tuple[Timepoint, ...]) -> ReadView:
        return ReadView(key, timepoints, dict(self.lesions), dict(self.observations),
                        dict(self.signatures), frozenset(self.retired),
                        dict(self.series))  # fmt: skip

    def next_id(self, category: Category) -> str:
        """The category's next number, never reusing a retired lesion's id."""
        numbers = [
            parsed[1]
            for lesion_id in (*self.lesions, *self.retired)
            if (parsed := parse_lesion_id(lesion_id)) is not None and parsed[0] is category
        ]
        return f"{PREFIX[category]}{max(numbers, default=0) + 1}"

    def apply(self, change: Change) -> None:
        if isinstance(change, LesionSaved):
            self.lesions[change.lesion.lesion_id] = change.lesion
        elif isinstance(change, LesionRetired):
            del self.lesions[change.lesion_id]
            self.retired.add(change.lesion_id)
            for slot in [s for s in self.observations if s[1] == change.lesion_id]:
                del self.observations[slot]
        elif isinstance(change, ObservationSaved):
            self.observations[(change.timepoint, change.lesion_id)] = change.observation
        elif isinstance(change, ObservationRetracted):
            self.observations.pop((change.timepoint, change.lesion_id), None)
        elif isinstance(change, TimepointSigned):
            self.signatures[change.timepoint] = change.signature
        elif isinstance(change, TimepointReopened):
            for label in change.timepoints:
                self.signatures.pop(label, None)
        elif isinstance(change, SeriesChosen):
            self.series[change.timepoint] = change.series
        else:
            raise TypeError(f"not a change of a read: {change!r}")
