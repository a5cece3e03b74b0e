"""rPFS and PFS by arm: Kaplan-Meier estimates, number at risk, (stratified) log-rank tests and
the hazard ratio, for each population. Times are months from randomization (contract output 2,
``*_days`` / 30.4375)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from recist.report.populations import AnalysisSubject, Population
from recist.report.statistics import (
    HazardRatio,
    KaplanMeier,
    LogRank,
    hazard_ratio,
    kaplan_meier,
    log_rank,
    number_at_risk,
)
from recist.report.tables import DAYS_PER_MONTH, ReportTable, months, num, pct
from recist.results import TimeToEvent

#: The time-to-event endpoints: name and what the event is.
ENDPOINTS: dict[str, str] = {
    "rPFS": "radiological progression or death",
    "PFS": "radiological progression",
}


def outcome(subject: AnalysisSubject, endpoint: str) -> TimeToEvent:
    return subject.endpoints.rpfs if endpoint == "rPFS" else subject.endpoints.pfs


@dataclass(frozen=True, slots=True)
class ArmCurve:
    arm: str
    times: tuple[float, ...]
    events: tuple[bool, ...]
    estimate: KaplanMeier
    at_risk: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SurvivalAnalysis:
    """One endpoint in one population: the curves and the comparison between arms."""

    population: str
    endpoint: str
    arms: tuple[ArmCurve, ...]
    #: Times (months) of the number-at-risk table.
    grid: tuple[float, ...]
    unstratified: LogRank
    stratified: LogRank | None
    #: Cox hazard ratio of the first arm against the second, unstratified and stratified; the
    #: stratified one only when every stratum holds both arms (``stratified_hazard_note`` says
    #: why not otherwise).
    hazard: HazardRatio
    stratified_hazard: HazardRatio | None
    stratified_hazard_note: str = ""

    def hazard_shown(self) -> tuple[HazardRatio, str]:
        """The hazard ratio the figure and the summary show: stratified when estimated."""
        if self.stratified_hazard is not None and self.stratified_hazard.ratio is not None:
            return self.stratified_hazard, "stratified"
        return self.hazard, "unstratified"


def risk_grid(longest: float) -> tuple[float, ...]:
    """Number-at-risk times: every 3 months (6 or 12 for long follow-up), from 0."""
    step = 3.0 if longest <= 36 else 6.0 if longest <= 72 else 12.0
    return tuple(step * i for i in range(math.ceil(longest / step) + 1))


def analyse(
    population: Population,
    endpoint: str,
    arms: Sequence[str],
    stratified: bool,
) -> SurvivalAnalysis:
    """Kaplan-Meier per arm; log-rank (and stratified log-rank) and Cox HR of arm 1 vs 2."""
    subjects = [s for s in population.subjects if s.arm in arms]
    times = [outcome(s, endpoint).days / DAYS_PER_MONTH for s in subjects]
    events = [outcome(s, endpoint).event for s in subjects]
    groups = [s.arm for s in subjects]
    grid = risk_grid(max(times, default=0.0))
    curves = []
    for arm in arms:
        arm_times = tuple(t for t, g in zip(times, groups, strict=True) if g == arm)
        arm_events = tuple(e for e, g in zip(events, groups, strict=True) if g == arm)
        curves.append(
            ArmCurve(
                arm,
                arm_times,
                arm_events,
                kaplan_meier(arm_times, arm_events),
                tuple(number_at_risk(arm_times, grid)),
            )
        )
    strata = [s.stratum for s in subjects] if stratified else None
    stratified_test = None
    lone: list[str] = []
    if strata is not None:
        stratified_test = log_rank(times, events, groups, strata)
        arms_in: dict[str, set[str]] = {}
        for stratum, group in zip(strata, groups, strict=True):
            arms_in.setdefault(stratum, set()).add(group)
        lone = [stratum for stratum, present in arms_in.items() if len(present) < 2]
        if lone:
            left_out = sum(1 for stratum in strata if stratum in lone)
            note = (
                f"{len(lone)} of {len(arms_in)} strata hold one arm only: their {left_out} "
                "subjects do not contribute"
            )
            stratified_test = replace(
                stratified_test, note="; ".join(n for n in (stratified_test.note, note) if n)
            )
    exposed = [g == arms[0] for g in groups]
    two_arms, none = len(arms) == 2, HazardRatio(None, None, None)
    stratified_hazard, why_not = None, ""
    if strata is not None and two_arms and not lone:
        stratified_hazard = hazard_ratio(times, events, exposed, strata)
    elif strata is not None and two_arms:
        why_not = (
            f"stratified HR not estimated: {len(lone)} of {len(set(strata))} strata hold one "
            "arm only (the unstratified HR is shown)"
        )
    return SurvivalAnalysis(
        population.name,
        endpoint,
        tuple(curves),
        grid,
        log_rank(times, events, groups),
        stratified_test,
        hazard_ratio(times, events, exposed) if two_arms else none,
        stratified_hazard,
        why_not,
    )


def estimable_rate(curve: ArmCurve, month: float) -> float | None:
    """S(month), or None beyond the arm's last follow-up (nobody left at risk: no estimate)."""
    if not curve.times or max(curve.times) < month:
        return None
    return curve.estimate.at(month)


def survival_tables(
    analyses: Sequence[SurvivalAnalysis], arms: Sequence[str], strata: Sequence[str]
) -> list[ReportTable]:
    """Median table, number at risk, and tests."""
    medians = []
    at_risk = []
    tests = []
    widest = max((len(a.grid) for a in analyses), default=0)
    for analysis in analyses:
        for curve in analysis.arms:
            estimate = curve.estimate
            medians.append(
                (
                    analysis.population,
                    analysis.endpoint,
                    curve.arm,
                    str(estimate.n),
                    str(estimate.events),
                    str(estimate.n - estimate.events),
                    months(estimate.median),
                    months(estimate.median_lower),
                    months(estimate.median_upper),
                    pct(estimable_rate(curve, 6.0)),
                    pct(estimable_rate(curve, 12.0)),
                )
            )
            counts = [str(c) for c in curve.at_risk]
            counts += [""] * (widest - len(counts))
            at_risk.append((analysis.population, analysis.endpoint, curve.arm, *counts))
        none = HazardRatio(None, None, None)
        tested = [("log-rank (unstratified)", analysis.unstratified, analysis.hazard)]
        if analysis.stratified is not None:
            label = "stratified log-rank"
            tested.append((label, analysis.stratified, analysis.stratified_hazard or none))
        for label, test, hazard in tested:
            note = test.note
            if test is analysis.stratified and analysis.stratified_hazard_note:
                note = "; ".join(n for n in (note, analysis.stratified_hazard_note) if n)
            tests.append(
                (
                    analysis.population,
                    analysis.endpoint,
                    label,
                    " x ".join(strata) if test is analysis.stratified else "",
                    str(test.strata),
                    num(test.chi_square),
                    num(test.p_value),
                    num(hazard.ratio),
                    num(hazard.lower),
                    num(hazard.upper),
                    note,
                )
            )
    grid = max(analyses, key=lambda a: len(a.grid)).grid if analyses else ()
    hr_label = f"{arms[0]} vs {arms[1]}" if len(arms) == 2 else ""
    return [
        ReportTable(
            "survival.csv",
            "rPFS and PFS: Kaplan-Meier estimates per arm (months from randomization)",
            (
                "population",
                "endpoint",
                "arm",
                "n",
                "events",
                "censored",
                "median_months",
                "ci_lower_months",
                "ci_upper_months",
                "rate_6m_pct",
                "rate_12m_pct",
            ),
            tuple(medians),
            "rPFS event: " + ENDPOINTS["rPFS"] + "; PFS event: " + ENDPOINTS["PFS"] + ". 95 % CI "
            "of the median by the log-log method (Brookmeyer-Crowley); empty = not reached. "
            "Rates at 6 and 12 months: empty when nobody in the arm is followed that long (no "
            "estimate beyond the last follow-up).",
        ),
        ReportTable(
            "number_at_risk.csv",
            "Number at risk",
            ("population", "endpoint", "arm", *(f"month {t:g}" for t in grid)),
            tuple(at_risk),
            "Subjects whose event or censoring time is on or after the month shown.",
        ),
        ReportTable(
            "log_rank.csv",
            "Comparison of arms: log-rank tests and hazard ratio",
            (
                "population",
                "endpoint",
                "test",
                "factors",
                "strata",
                "chi_square",
                "p_value",
                "hazard_ratio",
                "hr_ci_lower",
                "hr_ci_upper",
                "note",
            ),
            tuple(tests),
            f"Hazard ratio {hr_label}: Cox model, Breslow ties, stratified like the test on the "
            "same row (the stratified one only when every stratum holds both arms); Wald 95 % "
            "CI. Strata: the cross-classification of "
            + (" x ".join(strata) or "(none given)")
            + "; a stratum with one arm only contributes nothing to a stratified test.",
        ),
    ]
