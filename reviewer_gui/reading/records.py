"""Immutable records of a reading project: subjects, timepoints, lesions, observations.

A reading project holds pseudonymous subjects (case ids only, never a name or a real patient
id), each with its timepoints (scans, ordered by date: the first is the baseline, RECIST 1.1
section 3.1). Each reader has an independent *read* of each subject: the lesions they chose
(identity kept across timepoints by ``lesion_id``), their observation of each lesion at each
timepoint, and their signature of each timepoint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from reviewer_gui.reading.geometry import AxisMeasurement
from reviewer_gui.reading.vocabulary import Category, State, lesion_order

#: The RECIST 1.1 default diameter of a target too small to measure (section 4.3.1 note).
TOO_SMALL_MM = Decimal(5)


class ReadKey(NamedTuple):
    """Whose read of which subject."""

    case_id: str
    reader: str


@dataclass(frozen=True, slots=True)
class SeriesRef:
    """The DICOM series a timepoint is read on (PS3.3 C.7.2.1 / C.7.3.1 UIDs), where its files
    are, and its reconstruction slice thickness (for the 2 x slice thickness rule)."""

    study_uid: str
    series_uid: str
    folder: str
    slice_thickness_mm: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Timepoint:
    """One assessment of a subject: its label (``BASELINE``, ``M2``...), scan date, series."""

    label: str
    scan_date: dt.date
    series: SeriesRef | None = None


@dataclass(frozen=True, slots=True)
class LesionPoint:
    """Where a lesion without a caliper (a non-target, a new lesion) can be found again: one
    point (image row, column, floats) on one slice of the series its timepoint is read on,
    set by a click at baseline (a non-target) or where the lesion was added (a new one)."""

    timepoint: str
    series_uid: str
    sop_instance_uid: str
    slice_index: int
    row: float
    col: float


@dataclass(frozen=True, slots=True)
class Lesion:
    """A lesion followed across timepoints; its category and nodal status never change once a
    signed timepoint has observed it. ``organ`` comes from the pick list, ``detail`` is free
    text (``"segment VII"``). ``point`` is where a non-target or new lesion was marked
    (:class:`LesionPoint`, ``None`` when not marked)."""

    lesion_id: str
    category: Category
    organ: str
    detail: str = ""
    is_node: bool = False
    point: LesionPoint | None = None

    @property
    def location(self) -> str:
        """The organ and the free text, as a reader reads them."""
        return f"{self.organ}, {self.detail}" if self.detail else self.organ


@dataclass(frozen=True, slots=True)
class Fragment:
    """The measured diameters of a lesion, or of one fragment of a split target (``name`` is
    empty for a lesion measured whole)."""

    name: str
    long_axis: AxisMeasurement
    short_axis: AxisMeasurement | None = None

    def diameter_mm(self, is_node: bool) -> Decimal | None:
        """The diameter that counts: the short axis of a node, else the long axis."""
        if is_node:
            return None if self.short_axis is None else self.short_axis.length_mm
        return self.long_axis.length_mm


@dataclass(frozen=True, slots=True)
class Observation:
    """A lesion at one timepoint: its state, its measured fragments (only when ``PRESENT``),
    the reason (required for ``PROGRESSION``), who recorded it and when."""

    state: State
    fragments: tuple[Fragment, ...]
    reason: str
    recorded_by: str
    recorded_at: dt.datetime

    def diameter_mm(self, is_node: bool) -> Decimal | None:
        """The measured diameter (fragments summed), ``None`` when some fragment lacks it."""
        values = [f.diameter_mm(is_node) for f in self.fragments]
        if not values or any(v is None for v in values):
            return None
        return sum((v for v in values if v is not None), Decimal(0))


@dataclass(frozen=True, slots=True)
class Signature:
    """A timepoint's signature: by whom, when, and what the signature means."""

    signed_by: str
    signed_at: dt.datetime
    meaning: str


@dataclass(frozen=True, slots=True)
class ReadView:
    """One reader's read of one subject, as the engine and the views see it.
    ``series_choices``: timepoint label -> the series of its study this reader chose to read
    it on (a timepoint without a choice is read on the series chosen at import)."""

    key: ReadKey
    timepoints: tuple[Timepoint, ...]
    lesions: Mapping[str, Lesion] = field(default_factory=dict)
    observations: Mapping[tuple[str, str], Observation] = field(default_factory=dict)
    signatures: Mapping[str, Signature] = field(default_factory=dict)
    retired: frozenset[str] = frozenset()
    series_choices: Mapping[str, SeriesRef] = field(default_factory=dict)

    @property
    def ordered_lesions(self) -> tuple[Lesion, ...]:
        """Targets, then non-targets, then new lesions, each by number."""
        return tuple(self.lesions[i] for i in sorted(self.lesions, key=lesion_order))

    def observation(self, timepoint: str, lesion_id: str) -> Observation | None:
        return self.observations.get((timepoint, lesion_id))

    @property
    def baseline(self) -> Timepoint | None:
        return self.timepoints[0] if self.timepoints else None

    def series_of(self, timepoint: str) -> SeriesRef | None:
        """The series this reader reads ``timepoint`` on: their choice, else the import's."""
        if timepoint in self.series_choices:
            return self.series_choices[timepoint]
        return next((tp.series for tp in self.timepoints if tp.label == timepoint), None)


@dataclass(frozen=True, slots=True)
class ProjectState:
    """Everything a reading project holds; what the database restores on reopening."""

    subjects: Mapping[str, tuple[Timepoint, ...]] = field(default_factory=dict)
    reads: Mapping[ReadKey, ReadView] = field(default_factory=dict)
