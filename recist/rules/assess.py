"""Assess one subject timepoint by timepoint (RECIST 1.1 sections 4.2-4.4).

The baseline is the earliest timepoint; timepoints are ordered by date (the earliest scan date
among their rows), never by their order in the input.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, localcontext

from recist.model import (
    Category,
    Lesion,
    LesionState,
    Measurement,
    Response,
    SubjectKey,
    Timepoint,
)
from recist.results import NewLesionOnset, SubjectAssessment, TimepointResult
from recist.rules.lesions import lesions_of, read_target
from recist.rules.new_lesions import new_lesions
from recist.rules.non_target import non_target_response
from recist.rules.overall import overall_response
from recist.rules.target import TargetContext, pct_change, target_response


def timepoints_of(rows: Iterable[Measurement]) -> list[Timepoint]:
    """Group rows by timepoint label; order by date (then label, for a stable tie-break)."""
    grouped: dict[str, list[Measurement]] = defaultdict(list)
    for row in rows:
        grouped[row.timepoint].append(row)
    timepoints = [
        Timepoint(label, min(r.date for r in tp_rows), tuple(tp_rows))
        for label, tp_rows in grouped.items()
    ]
    timepoints.sort(key=lambda tp: (tp.date, tp.label))
    return timepoints


def _by_lesion(rows: Iterable[Measurement]) -> dict[str, list[Measurement]]:
    grouped: dict[str, list[Measurement]] = defaultdict(list)
    for row in rows:
        grouped[row.lesion_id].append(row)
    return grouped


def baseline_lesions(
    lesions: dict[str, Lesion], baseline: Timepoint
) -> tuple[list[Lesion], list[Lesion]]:
    """The target and non-target lesions recorded at baseline, sorted by id."""
    at_baseline = {row.lesion_id for row in baseline.rows}
    chosen = [lesions[i] for i in sorted(at_baseline)]
    targets = [lesion for lesion in chosen if lesion.category is Category.TARGET]
    non_targets = [lesion for lesion in chosen if lesion.category is Category.NON_TARGET]
    return targets, non_targets


def new_lesion_onsets(timepoints: Sequence[Timepoint]) -> tuple[NewLesionOnset, ...]:
    """New lesions first recorded ``EQUIVOCAL`` and present at a later timepoint."""
    first_seen: dict[str, tuple[LesionState, dt.date]] = {}
    onsets: dict[str, NewLesionOnset] = {}
    for tp in timepoints:
        for row in sorted(tp.rows, key=lambda r: (r.date, r.lesion_id)):
            if row.category is not Category.NEW or row.state is LesionState.NOT_EVALUATED:
                continue
            first = first_seen.setdefault(row.lesion_id, (row.state, row.date))
            if (
                first[0] is LesionState.EQUIVOCAL
                and row.state is LesionState.PRESENT
                and row.lesion_id not in onsets
            ):
                onsets[row.lesion_id] = NewLesionOnset(row.lesion_id, first[1], tp.date)
    return tuple(sorted(onsets.values(), key=lambda o: (o.first_seen, o.lesion_id)))


def assess_subject(key: SubjectKey, rows: Iterable[Measurement]) -> SubjectAssessment:
    """Assess every timepoint of one subject (rows already checked, see ``checks``)."""
    rows = list(rows)
    with localcontext() as context:  # sums and threshold products exact for these diameters
        context.prec = exact_precision(rows)
        return _assess_subject(key, rows)


def exact_precision(rows: Sequence[Measurement]) -> int:
    """A decimal precision at which every sum of these diameters, and every product of such a
    sum with a threshold factor or another sum, is exact (at least Python's default 28): the
    digits from the largest diameter's leading digit to the smallest one's last, plus room
    for up to 10**6 lesions per sum, doubled for products. Only the percentages shown,
    quotients, are rounded (in ``recist.display``)."""
    values = [v for r in rows for v in (r.long_axis_mm, r.short_axis_mm) if v is not None]
    finite = [v for v in values if v.is_finite() and v != 0]
    if not finite:
        return 28
    exponents = [v.as_tuple().exponent for v in finite]
    lowest = min(e for e in exponents if isinstance(e, int))
    span = max(v.adjusted() for v in finite) - min(lowest, 0) + 1
    return max(28, 2 * (span + 6) + 4)


def _assess_subject(key: SubjectKey, rows: list[Measurement]) -> SubjectAssessment:
    timepoints = timepoints_of(rows)
    if not timepoints:
        return SubjectAssessment(key, ())
    lesions = lesions_of(rows)
    baseline = timepoints[0]
    targets, non_targets = baseline_lesions(lesions, baseline)

    base_lesion_rows = _by_lesion(baseline.rows)
    base_ctx = TargetContext(
        tuple(read_target(t, base_lesion_rows.get(t.lesion_id, ())) for t in targets),
        None,
        None,
        False,
    )
    baseline_sum = base_ctx.sum_mm if targets else None
    results = [
        TimepointResult(
            timepoint=baseline.label,
            date=baseline.date,
            is_baseline=True,
            target_sum_mm=baseline_sum,
            evaluated_sum_mm=base_ctx.evaluated_sum_mm if targets else None,
            baseline_sum_mm=baseline_sum,
            reason="baseline",
        )
    ]
    nadir: Decimal | None = baseline_sum
    previous_overall: Response | None = None
    for tp in timepoints[1:]:
        result = _assess_follow_up(
            tp, targets, non_targets, baseline_sum, nadir, previous_overall is Response.CR
        )
        results.append(result)
        previous_overall = result.overall_response
        if result.target_sum_mm is not None and (nadir is None or result.target_sum_mm < nadir):
            nadir = result.target_sum_mm
    return SubjectAssessment(key, tuple(results), new_lesion_onsets(timepoints))


def _assess_follow_up(
    tp: Timepoint,
    targets: Sequence[Lesion],
    non_targets: Sequence[Lesion],
    baseline_sum: Decimal | None,
    nadir: Decimal | None,
    after_cr: bool,
) -> TimepointResult:
    by_lesion = _by_lesion(tp.rows)
    reasons: list[str] = []
    target_sum: Decimal | None = None
    evaluated_sum: Decimal | None = None
    if targets:
        ctx = TargetContext(
            tuple(read_target(t, by_lesion.get(t.lesion_id, ())) for t in targets),
            baseline_sum,
            nadir,
            after_cr,
        )
        target, why = target_response(ctx)
        target_sum, evaluated_sum = ctx.sum_mm, ctx.evaluated_sum_mm
        reasons.append(f"target {why}")
    else:
        target = Response.NA
    non_target, why = non_target_response(
        [(lesion, by_lesion.get(lesion.lesion_id, [])) for lesion in non_targets],
        after_complete_response=after_cr,
    )
    reasons.append(f"non-target {why}")
    new, why = new_lesions(r for r in tp.rows if r.category is Category.NEW)
    reasons.append(why)
    overall, why = overall_response(target, non_target, new)
    reasons.insert(0, why)
    return TimepointResult(
        timepoint=tp.label,
        date=tp.date,
        is_baseline=False,
        target_sum_mm=target_sum,
        evaluated_sum_mm=evaluated_sum,
        baseline_sum_mm=baseline_sum,
        nadir_mm=nadir if targets else None,
        change_from_baseline_pct=_change(target_sum, baseline_sum),
        change_from_nadir_pct=_change(target_sum, nadir),
        target_response=target,
        non_target_response=non_target,
        new_lesions=new,
        overall_response=overall,
        reason="; ".join(reasons),
    )


def _change(value: Decimal | None, reference: Decimal | None) -> Decimal | None:
    if value is None or reference is None:
        return None
    return pct_change(value, reference)
