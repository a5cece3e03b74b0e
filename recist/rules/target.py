"""Target lesion response at a follow-up timepoint (RECIST 1.1 section 4.3.1).

The rules are tried in the contract's order, as a table of small functions: the first that
decides wins. Every threshold is applied to exact decimal values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from recist.display import fmt_mm, fmt_signed_mm, fmt_signed_pct
from recist.model import Response
from recist.rules.lesions import LesionReading, has_disappeared, has_reappeared

#: PD: the sum rises by at least 20 % over the nadir ...
PD_RELATIVE = Decimal("1.2")
#: ... and by at least 5 mm (RECIST 1.1 section 4.3.1).
PD_ABSOLUTE_MM = Decimal(5)
#: PR: the sum falls at least 30 % below the baseline sum.
PR_RELATIVE = Decimal("0.7")

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class TargetContext:
    """What the target response at one timepoint is decided from."""

    readings: tuple[LesionReading, ...]
    baseline_sum_mm: Decimal | None
    #: Smallest complete sum at the baseline or any earlier timepoint (None if none).
    nadir_mm: Decimal | None
    #: The previous timepoint's overall response was CR (the reappearance rule applies).
    after_complete_response: bool

    @property
    def evaluated_sum_mm(self) -> Decimal:
        """Sum over the evaluated targets only (used for the PD test when some are missing)."""
        return sum((r.diameter_mm for r in self.readings if r.diameter_mm is not None), Decimal(0))

    @property
    def complete(self) -> bool:
        return all(r.evaluated for r in self.readings)

    @property
    def sum_mm(self) -> Decimal | None:
        """The sum of diameters, or ``None`` when a target was not evaluated."""
        return self.evaluated_sum_mm if self.complete else None

    def missing(self) -> str:
        return ", ".join(r.lesion.lesion_id for r in self.readings if not r.evaluated)


def pct_change(value: Decimal, reference: Decimal) -> Decimal | None:
    """Exact percentage change from ``reference``; ``None`` when the reference is 0."""
    if reference == 0:
        return None
    return (value - reference) * _HUNDRED / reference


def reaches_pd(total: Decimal, nadir: Decimal) -> bool:
    """At least +20 % over the nadir and at least +5 mm (both, exactly)."""
    return total >= nadir * PD_RELATIVE and total - nadir >= PD_ABSOLUTE_MM


def reaches_pr(total: Decimal, baseline: Decimal) -> bool:
    """At least 30 % below the baseline sum (exactly)."""
    return baseline > 0 and total <= baseline * PR_RELATIVE


Outcome = tuple[Response, str] | None


def _reappearance(ctx: TargetContext) -> Outcome:
    if not ctx.after_complete_response:
        return None
    back = [r.lesion.lesion_id for r in ctx.readings if has_reappeared(r.lesion, r.rows)]
    if back:
        return Response.PD, f"PD: {', '.join(back)} reappeared after a complete response"
    return None


def _complete_response(ctx: TargetContext) -> Outcome:
    if all(has_disappeared(r.lesion, r.rows) for r in ctx.readings):
        nodes = " (nodal short axes < 10 mm)" if any(r.lesion.is_node for r in ctx.readings) else ""
        return Response.CR, f"CR: all targets disappeared{nodes}, sum {fmt_mm(ctx.sum_mm)} mm"
    return None


def _progression(ctx: TargetContext) -> Outcome:
    nadir = ctx.nadir_mm
    total = ctx.evaluated_sum_mm
    if nadir is None or not reaches_pd(total, nadir):
        return None
    what = f"{fmt_mm(total)} mm"
    if not ctx.complete:
        what = f"evaluated targets {what} ({ctx.missing()} not evaluated)"
    return (
        Response.PD,
        f"PD: {what} >= 1.2 x nadir {fmt_mm(nadir)} mm and {fmt_signed_mm(total - nadir)}",
    )


def _not_evaluated(ctx: TargetContext) -> Outcome:
    if ctx.complete:
        return None
    nadir = "" if ctx.nadir_mm is None else f" vs nadir {fmt_mm(ctx.nadir_mm)} mm"
    return (
        Response.NE,
        f"NE: {ctx.missing()} not evaluated; evaluated targets "
        f"{fmt_mm(ctx.evaluated_sum_mm)} mm{nadir} do not reach PD",
    )


def _partial_response(ctx: TargetContext) -> Outcome:
    baseline = ctx.baseline_sum_mm
    total = ctx.evaluated_sum_mm
    if baseline is None or not reaches_pr(total, baseline):
        return None
    change = pct_change(total, baseline)
    assert change is not None  # baseline > 0 in reaches_pr
    return (
        Response.PR,
        f"PR: {fmt_mm(total)} mm is {fmt_signed_pct(change)} from baseline "
        f"{fmt_mm(baseline)} mm (<= -30 %)",
    )


def _stable_disease(ctx: TargetContext) -> Outcome:
    total = ctx.evaluated_sum_mm
    parts = [f"SD: {fmt_mm(total)} mm"]
    if ctx.baseline_sum_mm is not None:
        change = pct_change(total, ctx.baseline_sum_mm)
        if change is not None:
            parts.append(
                f"is {fmt_signed_pct(change)} from baseline {fmt_mm(ctx.baseline_sum_mm)} mm "
                "(PR needs <= -30 %)"
            )
    if ctx.nadir_mm is not None:
        rise = pct_change(total, ctx.nadir_mm)
        rise_text = "" if rise is None else f"{fmt_signed_pct(rise)} and "
        parts.append(
            f"{rise_text}{fmt_signed_mm(total - ctx.nadir_mm)} from nadir "
            f"{fmt_mm(ctx.nadir_mm)} mm (PD needs >= +20 % and >= +5 mm)"
        )
    return Response.SD, "; ".join([" ".join(parts[:2]), *parts[2:]])


#: The contract's order: CR before PD, PD before NE, then PR, then SD. The reappearance rule
#: (after a complete response) overrides them all.
TARGET_RULES: tuple[Callable[[TargetContext], Outcome], ...] = (
    _reappearance,
    _complete_response,
    _progression,
    _not_evaluated,
    _partial_response,
    _stable_disease,
)


def target_response(ctx: TargetContext) -> tuple[Response, str]:
    """Decide the target response, returning it with the reason (the rule and its numbers)."""
    for rule in TARGET_RULES:
        outcome = rule(ctx)
        if outcome is not None:
            return outcome
    raise AssertionError("the SD rule always decides")  # pragma: no cover
