"""Sensitivity analyses of the primary endpoint and of rPFS.

Disease control at the landmark when the landmark assessment is missing or NE:

- **protocol rule**: a failure (``recist.rules.endpoints.disease_control``);
- **bracketing rule**: a success when the last adequate assessment before the landmark and the
  first one after it both show disease control (CR, PR, SD or non-CR/non-PD) with no
  progression and no death on or before the later one; else a failure.

rPFS with the alternative censoring rules of the FDA guidance "Clinical Trial Endpoints for the
Approval of Cancer Drugs and Biologics" (2018, table of PFS censoring options):

- **progression at the next scheduled visit**: a progression documented between scheduled
  visits is dated at the next visit of the protocol's schedule (every
  ``assessment_interval_days`` from randomization); deaths keep their date;
- **missed visits counted as events**: a progression or death after two or more missed visits,
  censored at the last adequate assessment by the primary rule (``MISSED_VISITS``), is an event
  on its own date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from recist.model import Response
from recist.report.populations import AnalysisSubject, Population
from recist.report.primary import comparisons
from recist.report.settings import ProtocolSettings
from recist.report.statistics import compare_proportions, exact_proportion
from recist.report.survival import SurvivalAnalysis
from recist.report.tables import ReportTable, months, num, pct
from recist.results import TimeToEvent
from recist.rules.endpoints import DISEASE_CONTROL, EndpointOptions, time_to_event

PROTOCOL_RULE = "protocol: missing/NE = failure"
BRACKETING_RULE = "bracketing"


def _adequate(subject: AnalysisSubject) -> list[tuple[dt.date, Response]]:
    return [
        (tp.date, tp.overall_response)
        for tp in subject.assessment.follow_ups
        if tp.overall_response is not None and tp.overall_response is not Response.NE
    ]


def bracketed_control(subject: AnalysisSubject, options: EndpointOptions) -> bool:
    """Disease control by the bracketing rule of the module doc."""
    endpoints = subject.endpoints
    randomized = subject.info.randomization_date
    if endpoints.landmark_assessment is not None or randomized is None:
        return endpoints.dcr_6m
    landmark = randomized + dt.timedelta(days=options.dcr_day)
    adequate = _adequate(subject)
    before = [(d, r) for d, r in adequate if d < landmark]
    after = [(d, r) for d, r in adequate if d > landmark]
    if not before or not after:
        return False
    (_, first), (later, second) = before[-1], after[0]
    if first not in DISEASE_CONTROL or second not in DISEASE_CONTROL:
        return False
    for stop in (endpoints.progression_date, subject.info.death_date):
        if stop is not None and stop <= later:
            return False
    return True


def dcr_rules(options: EndpointOptions) -> dict[str, Callable[[AnalysisSubject], bool]]:
    return {
        PROTOCOL_RULE: lambda s: s.endpoints.dcr_6m,
        BRACKETING_RULE: lambda s: bracketed_control(s, options),
    }


def dcr_sensitivity_table(
    populations: Sequence[Population], arms: Sequence[str], options: EndpointOptions
) -> ReportTable:
    """Disease control per arm and the difference by each rule, and how many subjects the
    bracketing rule reclassifies."""
    rows = []
    rules = dcr_rules(options)
    for population in populations:
        for first, control in comparisons(arms):
            for rule, success in rules.items():
                shares = []
                changed = 0
                for arm in (first, control):
                    members = population.arm(arm)
                    shares.append(exact_proportion(sum(success(s) for s in members), len(members)))
                    changed += sum(success(s) != s.endpoints.dcr_6m for s in members)
                result = compare_proportions(shares[0], shares[1])
                rows.append(
                    (
                        population.name,
                        rule,
                        f"{first} - {control}",
                        *(f"{p.count}/{p.total}" for p in shares),
                        *(pct(p.estimate) for p in shares),
                        pct(result.difference),
                        pct(result.lower),
                        pct(result.upper),
                        result.test,
                        num(result.p_value),
                        str(changed),
                    )
                )
    return ReportTable(
        "dcr_sensitivity.csv",
        "Sensitivity analysis: disease control when the landmark assessment is missing or NE",
        (
            "population",
            "rule",
            "difference",
            "first_arm_count",
            "control_arm_count",
            "first_arm_pct",
            "control_arm_pct",
            "difference_pct",
            "ci_lower_pct",
            "ci_upper_pct",
            "test",
            "p_value",
            "reclassified",
        ),
        tuple(rows),
        "Protocol rule: a missing or NE landmark assessment is a failure. "
        "Bracketing: the last adequate assessment before the landmark and the first after it "
        "both CR, PR, SD or non-CR/non-PD, no progression or death up to the later one. "
        "reclassified: subjects whose disease control differs from the protocol rule. "
        "Difference: Newcombe 95 % CI; unstratified chi-square or Fisher test.",
    )


MISSED_VISITS_AS_EVENTS = "missed visits counted as events"
NEXT_VISIT = "progression at the next scheduled visit"
PRIMARY_CENSORING = "primary censoring rule"


def at_next_visit(subject: AnalysisSubject, interval: int) -> TimeToEvent:
    """rPFS with a progression dated at the next scheduled visit (on or after its date)."""
    rpfs = subject.endpoints.rpfs
    randomized = subject.info.randomization_date
    if not rpfs.event or rpfs.reason != "PD" or randomized is None:
        return rpfs
    visit = math.ceil((rpfs.date - randomized).days / interval) * interval
    date = randomized + dt.timedelta(days=visit)
    return TimeToEvent(True, date, visit + 1, rpfs.reason)


def missed_visits_as_events(subject: AnalysisSubject, options: EndpointOptions) -> TimeToEvent:
    """rPFS with the event after missed visits counted on its own date."""
    rpfs = subject.endpoints.rpfs
    randomized = subject.info.randomization_date
    if rpfs.reason != "MISSED_VISITS" or randomized is None:
        return rpfs
    return time_to_event(
        [d for d, _ in _adequate(subject)],
        randomized,
        subject.endpoints.progression_date,
        subject.info,
        replace(options, max_gap_days=10**9),
        death_is_event=True,
    )


def censoring_alternatives(
    population: Population, options: EndpointOptions, settings: ProtocolSettings
) -> dict[str, Population]:
    """``population`` with rPFS by the primary rule and by each FDA alternative."""

    def with_rpfs(rule: Callable[[AnalysisSubject], TimeToEvent]) -> Population:
        subjects = tuple(
            replace(s, endpoints=replace(s.endpoints, rpfs=rule(s))) for s in population.subjects
        )
        return replace(population, subjects=subjects)

    return {
        PRIMARY_CENSORING: population,
        NEXT_VISIT: with_rpfs(lambda s: at_next_visit(s, settings.assessment_interval_days)),
        MISSED_VISITS_AS_EVENTS: with_rpfs(lambda s: missed_visits_as_events(s, options)),
    }


def changed_subjects(original: Population, alternative: Population) -> int:
    return sum(
        a.endpoints.rpfs != b.endpoints.rpfs
        for a, b in zip(original.subjects, alternative.subjects, strict=True)
    )


def rpfs_sensitivity_table(
    rows_by_rule: Sequence[tuple[str, int, SurvivalAnalysis]], arms: Sequence[str]
) -> ReportTable:
    """rPFS by each censoring rule: events and median per arm, log-rank test and hazard ratio
    (stratified when estimated, else unstratified: the ``hr`` column says which)."""
    rows = []
    for rule, changed, analysis in rows_by_rule:
        per_arm = []
        for curve in analysis.arms:
            per_arm += [str(curve.estimate.events), months(curve.estimate.median)]
        hazard, kind = analysis.hazard_shown()
        test = analysis.stratified or analysis.unstratified
        rows.append(
            (
                analysis.population,
                rule,
                str(changed),
                *per_arm,
                "stratified" if test is analysis.stratified else "unstratified",
                num(test.p_value),
                kind if hazard.ratio is not None else "",
                num(hazard.ratio),
                num(hazard.lower),
                num(hazard.upper),
            )
        )
    columns = ["population", "censoring_rule", "subjects_changed"]
    for arm in arms:
        columns += [f"{arm} events", f"{arm} median_months"]
    columns += ["log_rank", "p_value", "hr", "hazard_ratio", "hr_ci_lower", "hr_ci_upper"]
    return ReportTable(
        "rpfs_sensitivity.csv",
        "Sensitivity analysis of rPFS: the FDA censoring alternatives",
        tuple(columns),
        tuple(rows),
        "Primary: progression or death on its date; censored at the last adequate assessment "
        "after a new anticancer therapy or when the event follows two or more missed visits. "
        "Next scheduled visit: a progression is dated at the next visit of the schedule. Missed "
        "visits counted: the event after missed visits counts on its own date. "
        "subjects_changed: subjects whose rPFS differs from the primary rule.",
    )
