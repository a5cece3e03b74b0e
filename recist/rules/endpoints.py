"""Subject-level endpoints: best overall response, disease control at a landmark, rPFS and PFS.

Best overall response follows RECIST 1.1 section 4.4 (with the optional confirmation of
section 4.5 for single-arm trials); time-to-event censoring follows the contract, in the spirit
of the FDA guidance on cancer trial endpoints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from recist.model import Response, SubjectInfo
from recist.results import SubjectAssessment, SubjectEndpoints, TimepointResult, TimeToEvent

#: Best response ranking (contract: CR > PR > SD > NON-CR/NON-PD > PD > NE).
RANK: dict[Response, int] = {
    Response.CR: 5,
    Response.PR: 4,
    Response.SD: 3,
    Response.NON_CR_NON_PD: 2,
    Response.PD: 1,
    Response.NE: 0,
}
DISEASE_CONTROL = frozenset({Response.CR, Response.PR, Response.SD, Response.NON_CR_NON_PD})


@dataclass(frozen=True, slots=True)
class EndpointOptions:
    """Schedule parameters; the defaults are the ReLUTH protocol's."""

    confirm: bool = False
    confirm_days: int = 28
    max_ne_between: int = 1
    sd_min_days: int = 42
    dcr_day: int = 182
    dcr_window: int = 28
    max_gap_days: int = 126

    def __post_init__(self) -> None:
        for name in (
            "confirm_days",
            "max_ne_between",
            "sd_min_days",
            "dcr_day",
            "dcr_window",
            "max_gap_days",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, not {getattr(self, name)}")


#: The ReLUTH protocol's schedule.
DEFAULT_OPTIONS = EndpointOptions()


def assessed(assessment: SubjectAssessment) -> list[TimepointResult]:
    """Post-baseline timepoints that carry an overall response, in date order."""
    return [t for t in assessment.follow_ups if t.overall_response is not None]


def progression_date(assessment: SubjectAssessment) -> dt.date | None:
    """Date of the first PD, or of the first sighting of an equivocal new lesion later
    confirmed (RECIST 1.1 section 4.3.2), whichever is earlier."""
    first_pd = next(
        (t.date for t in assessed(assessment) if t.overall_response is Response.PD), None
    )
    dates = [o.first_seen for o in assessment.new_lesion_onsets]
    if first_pd is not None:
        dates.append(first_pd)
    return min(dates, default=None)


def best_overall_response(
    timepoints: Sequence[TimepointResult],
    reference: dt.date,
    progressed_on: dt.date | None,
    options: EndpointOptions,
) -> tuple[Response, str, TimepointResult | None]:
    """Best response up to the first progression (contract, output 2, ``bor``), with the
    reason and the assessment that gave it."""
    before_pd = [t for t in timepoints if progressed_on is None or t.date < progressed_on]
    best, why, where = Response.NE, "no evaluable response", None
    if progressed_on is not None:
        best, why = Response.PD, f"PD on {progressed_on.isoformat()}"
        where = next((t for t in timepoints if t.date >= progressed_on), None)
    for index, tp in enumerate(before_pd):
        response, note = _counted(before_pd, index, reference, options)
        if RANK[response] > RANK[best] or (where is None and response is best):
            best, why, where = response, f"{response.value} at {tp.timepoint} ({note})", tp
    return best, why, where


def counted_as(
    timepoints: Sequence[TimepointResult],
    index: int,
    reference: dt.date,
    options: EndpointOptions,
) -> Response:
    """What the assessment at ``index`` counts as toward the best overall response (RECIST 1.1
    sections 4.4 and 4.5): a CR/PR unconfirmed under ``options.confirm`` counts as SD (NE
    before ``sd_min_days``), an SD before ``sd_min_days`` as NE."""
    return _counted(timepoints, index, reference, options)[0]


def _counted(
    timepoints: Sequence[TimepointResult],
    index: int,
    reference: dt.date,
    options: EndpointOptions,
) -> tuple[Response, str]:
    """What one timepoint's response counts as toward the best response."""
    tp = timepoints[index]
    response = tp.overall_response
    assert response is not None
    day = (tp.date - reference).days
    sd_ok = day >= options.sd_min_days
    if response in (Response.CR, Response.PR):
        if not options.confirm:
            return response, f"day {day}"
        confirmed_at = _confirmation(timepoints, index, options)
        if confirmed_at is not None:
            return response, f"day {day}, confirmed at {confirmed_at}"
        if sd_ok:
            return Response.SD, f"day {day}, {response.value} not confirmed"
        return Response.NE, f"day {day}, {response.value} not confirmed"
    if response in (Response.SD, Response.NON_CR_NON_PD) and not sd_ok:
        return Response.NE, f"day {day} < {options.sd_min_days}"
    return response, f"day {day}"


def _confirmation(
    timepoints: Sequence[TimepointResult], index: int, options: EndpointOptions
) -> str | None:
    """Label of the assessment confirming the CR/PR at ``index`` (RECIST 1.1 section 4.5)."""
    first = timepoints[index]
    assert first.overall_response is not None
    needed = RANK[first.overall_response]
    not_evaluated = 0
    for later in timepoints[index + 1 :]:
        response = later.overall_response
        assert response is not None
        if response is Response.PD:
            return None
        if (later.date - first.date).days >= options.confirm_days and RANK[response] >= needed:
            return later.timepoint if not_evaluated <= options.max_ne_between else None
        if response is Response.NE:
            not_evaluated += 1
    return None


def disease_control(
    timepoints: Sequence[TimepointResult],
    reference: dt.date,
    progressed_on: dt.date | None,
    death: dt.date | None,
    options: EndpointOptions,
) -> tuple[bool, str, TimepointResult | None]:
    """Disease control at the landmark (contract, output 2, ``dcr_6m``), with the reason and
    the assessment it was judged on."""
    target = options.dcr_day
    window = [
        t
        for t in timepoints
        if t.overall_response is not Response.NE
        and abs((t.date - reference).days - target) <= options.dcr_window
    ]
    if not window:
        return False, f"no evaluable assessment within day {target} +- {options.dcr_window}", None
    chosen = min(window, key=lambda t: (abs((t.date - reference).days - target), t.date))
    response = chosen.overall_response
    assert response is not None
    where = f"{response.value} at {chosen.timepoint} (day {(chosen.date - reference).days})"
    if progressed_on is not None and progressed_on <= chosen.date:
        return False, f"{where}, after PD on {progressed_on.isoformat()}", chosen
    if death is not None and death <= chosen.date:
        return False, f"{where}, after death on {death.isoformat()}", chosen
    return response in DISEASE_CONTROL, where, chosen


def time_to_event(
    adequate: Sequence[dt.date],
    reference: dt.date,
    progressed_on: dt.date | None,
    info: SubjectInfo,
    options: EndpointOptions,
    *,
    death_is_event: bool,
) -> TimeToEvent:
    """rPFS (death is an event) or PFS (progression alone), with the contract's censoring."""
    candidates = [(progressed_on, 0, "PD")]
    if death_is_event:
        candidates.append((info.death_date, 1, "DEATH"))
    events = sorted((d, order, why) for d, order, why in candidates if d is not None)

    def outcome(event: bool, date: dt.date, reason: str) -> TimeToEvent:
        return TimeToEvent(event, date, (date - reference).days + 1, reason)

    def last_adequate(on_or_before: dt.date | None, strictly: bool = False) -> dt.date:
        kept = [
            d
            for d in adequate
            if on_or_before is None or d < on_or_before or (not strictly and d == on_or_before)
        ]
        return max(kept, default=reference)

    therapy = info.new_therapy_date
    if therapy is not None and (not events or therapy <= events[0][0]):
        return outcome(False, last_adequate(therapy), "NEW_THERAPY")
    if events:
        date, _, why = events[0]
        last = last_adequate(date, strictly=True)
        if (date - last).days > options.max_gap_days:
            return outcome(False, last, "MISSED_VISITS")
        return outcome(True, date, why)
    return outcome(False, last_adequate(None), "NO_EVENT")


def subject_endpoints(
    assessment: SubjectAssessment,
    info: SubjectInfo,
    reference: dt.date,
    options: EndpointOptions = DEFAULT_OPTIONS,
) -> SubjectEndpoints:
    """All endpoints of one subject (and reader) from its timepoint responses."""
    timepoints = assessed(assessment)
    progressed_on = progression_date(assessment)
    bor, bor_why, bor_at = best_overall_response(timepoints, reference, progressed_on, options)
    dcr, dcr_why, landmark = disease_control(
        timepoints, reference, progressed_on, info.death_date, options
    )
    adequate = [t.date for t in timepoints if t.overall_response is not Response.NE]
    rpfs = time_to_event(adequate, reference, progressed_on, info, options, death_is_event=True)
    pfs = time_to_event(adequate, reference, progressed_on, info, options, death_is_event=False)
    reason = f"BOR {bor_why}; DCR {'Y' if dcr else 'N'}: {dcr_why}"
    return SubjectEndpoints(
        assessment.key, bor, dcr, rpfs, pfs, progressed_on, reason, bor_at, landmark
    )
