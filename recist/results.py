"""Typed, immutable results of the engine: what a timepoint and a subject come to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from recist.model import NewLesions, Response, SubjectKey


@dataclass(frozen=True, slots=True)
class TimepointResult:
    """The responses at one timepoint (RECIST 1.1 section 4.3), with the reason for each.

    Sums are exact. ``target_sum_mm`` is ``None`` when a target was not evaluated (a partial
    sum is not a sum of diameters); ``evaluated_sum_mm`` is the sum over the evaluated targets,
    the value the PD test uses in that case. At baseline the responses are ``None``.
    """

    timepoint: str
    date: dt.date
    is_baseline: bool
    target_sum_mm: Decimal | None = None
    evaluated_sum_mm: Decimal | None = None
    baseline_sum_mm: Decimal | None = None
    #: The nadir this timepoint was compared with.
    nadir_mm: Decimal | None = None
    change_from_baseline_pct: Decimal | None = None
    change_from_nadir_pct: Decimal | None = None
    target_response: Response | None = None
    non_target_response: Response | None = None
    new_lesions: NewLesions | None = None
    overall_response: Response | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class NewLesionOnset:
    """A new lesion first recorded equivocal and later present: progression dates back to
    ``first_seen`` (RECIST 1.1 section 4.3.2)."""

    lesion_id: str
    first_seen: dt.date
    confirmed_on: dt.date


@dataclass(frozen=True, slots=True)
class SubjectAssessment:
    """Every timepoint of one subject (and reader), in date order, baseline first."""

    key: SubjectKey
    timepoints: tuple[TimepointResult, ...]
    new_lesion_onsets: tuple[NewLesionOnset, ...] = ()

    @property
    def baseline(self) -> TimepointResult | None:
        first = self.timepoints[0] if self.timepoints else None
        return first if first is not None and first.is_baseline else None

    @property
    def follow_ups(self) -> tuple[TimepointResult, ...]:
        return tuple(t for t in self.timepoints if not t.is_baseline)


@dataclass(frozen=True, slots=True)
class TimeToEvent:
    """An rPFS or PFS outcome: ``event`` is True for an event, False when censored."""

    event: bool
    date: dt.date
    days: int
    reason: str


@dataclass(frozen=True, slots=True)
class SubjectEndpoints:
    """The subject-level endpoints (contract output 2)."""

    key: SubjectKey
    best_overall_response: Response
    dcr_6m: bool
    rpfs: TimeToEvent
    pfs: TimeToEvent
    #: Progression date (first PD, dated back to an equivocal new lesion's first sighting).
    progression_date: dt.date | None
    reason: str = ""
    #: The assessment that gave the best overall response (the first that counts as it; for
    #: PD, the first assessment on or after the progression date); None when there is none.
    best_response_at: TimepointResult | None = None
    #: The assessment the landmark disease control was judged on (None outside the window).
    landmark_assessment: TimepointResult | None = None
