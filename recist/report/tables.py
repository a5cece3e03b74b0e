"""The report's tables: one ``ReportTable`` is one CSV file and one table of the HTML report.

Numbers are formatted once, here: percentages with one decimal, months with one decimal,
test statistics and p-values with four significant digits. Empty cells mean "not estimable"
(e.g. a median not reached).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from recist.model import Response
from recist.report.populations import AnalysisSubject, Population
from recist.report.protocol import DEVIATION_COLUMN, ELIGIBLE_COLUMN, ExclusionKind
from recist.report.statistics import (
    Comparison,
    Proportion,
    compare_proportions,
    exact_proportion,
)
from recist.rules.endpoints import RANK

#: Best overall response categories, best first (contract output 2, ``bor``).
BOR_ORDER: tuple[Response, ...] = tuple(sorted(RANK, key=lambda r: -RANK[r]))
OBJECTIVE_RESPONSE = frozenset({Response.CR, Response.PR})
#: Days per month (365.25 / 12), for reporting times in months.
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A table of the report, written as ``filename`` and shown under ``title``."""

    filename: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


def pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def num(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def p_value_text(value: float | None, prefix: str = "") -> str:
    """A p-value for a clinical reader: three decimals (``0.011``), ``<0.001`` below that;
    ``prefix`` (e.g. ``"p "``) gets ``= `` or ``< `` after it."""
    if value is None:
        return f"{prefix}not estimable" if prefix else ""
    if value < 0.001:
        return f"{prefix}< 0.001" if prefix else "<0.001"
    if value > 0.999:
        return f"{prefix}> 0.999" if prefix else ">0.999"
    return f"{prefix}= {value:.3f}" if prefix else f"{value:.3f}"


def months(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _proportion_row(population: str, arm: str, share: Proportion) -> tuple[str, ...]:
    return (
        population,
        arm,
        str(share.total),
        str(share.count),
        pct(share.estimate),
        pct(share.lower),
        pct(share.upper),
    )


def _comparison_row(
    population: str, endpoint: str, arms: Sequence[str], result: Comparison
) -> tuple[str, ...]:
    return (
        population,
        endpoint,
        f"{arms[0]} - {arms[1]}",
        pct(result.difference),
        pct(result.lower),
        pct(result.upper),
        result.test,
        num(result.statistic),
        num(result.p_value),
        num(result.min_expected),
    )


PROPORTION_COLUMNS = ("population", "arm", "n", "count", "pct", "ci_lower_pct", "ci_upper_pct")
COMPARISON_COLUMNS = (
    "population",
    "endpoint",
    "difference",
    "difference_pct",
    "ci_lower_pct",
    "ci_upper_pct",
    "test",
    "chi_square",
    "p_value",
    "min_expected_count",
)


def binary_tables(
    populations: Sequence[Population], arms: Sequence[str], dcr_day: int
) -> list[ReportTable]:
    """DCR at the landmark and objective response per arm, and their comparison."""
    dcr_rows: list[tuple[str, ...]] = []
    orr_rows: list[tuple[str, ...]] = []
    comparisons: list[tuple[str, ...]] = []
    for population in populations:
        dcr: list[Proportion] = []
        orr: list[Proportion] = []
        for arm in arms:
            members = population.arm(arm)
            dcr.append(exact_proportion(sum(s.endpoints.dcr_6m for s in members), len(members)))
            responders = sum(
                s.endpoints.best_overall_response in OBJECTIVE_RESPONSE for s in members
            )
            orr.append(exact_proportion(responders, len(members)))
            dcr_rows.append(_proportion_row(population.name, arm, dcr[-1]))
            orr_rows.append(_proportion_row(population.name, arm, orr[-1]))
        control = len(arms) - 1
        for endpoint, shares in (("DCR", dcr), ("ORR", orr)):
            for index in range(control):
                result = compare_proportions(shares[index], shares[control])
                pair = (arms[index], arms[control])
                comparisons.append(_comparison_row(population.name, endpoint, pair, result))
    return [
        ReportTable(
            "dcr.csv",
            f"Disease control at day {dcr_day} (CR, PR, SD or non-CR/non-PD), per arm",
            PROPORTION_COLUMNS,
            tuple(dcr_rows),
            "Exact Clopper-Pearson 95 % CI. A subject without an evaluable assessment in the "
            "landmark window is a failure.",
        ),
        ReportTable(
            "orr.csv",
            "Objective response (best overall response CR or PR), per arm",
            PROPORTION_COLUMNS,
            tuple(orr_rows),
            "Exact Clopper-Pearson 95 % CI; subjects without an evaluable response are "
            "non-responders.",
        ),
        ReportTable(
            "comparisons.csv",
            "Difference between arms",
            COMPARISON_COLUMNS,
            tuple(comparisons),
            "95 % CI of the difference: Newcombe hybrid score (Stat Med 1998, method 10). "
            "Test: Pearson's chi-square without continuity correction, or Fisher's exact test "
            "(two-sided) when an expected count is below 5 (min_expected_count).",
        ),
    ]


def bor_table(populations: Sequence[Population], arms: Sequence[str]) -> ReportTable:
    """Best overall response per arm: n (%) of each category, best first."""
    columns = ["population", "best_overall_response"]
    for arm in arms:
        columns += [f"{arm} n", f"{arm} %"]
    rows: list[tuple[str, ...]] = []
    for population in populations:
        by_arm = {arm: population.arm(arm) for arm in arms}
        for response in BOR_ORDER:
            row = [population.name, response.value]
            for arm in arms:
                members = by_arm[arm]
                count = sum(s.endpoints.best_overall_response is response for s in members)
                row += [str(count), pct(count / len(members)) if members else ""]
            rows.append(tuple(row))
        total = [population.name, "Total"]
        for arm in arms:
            total += [str(len(by_arm[arm])), "100.0" if by_arm[arm] else ""]
        rows.append(tuple(total))
    return ReportTable(
        "best_overall_response.csv",
        "Best overall response (RECIST 1.1 section 4.4), per arm",
        tuple(columns),
        tuple(rows),
        "NE: no evaluable response (including subjects never assessed after baseline).",
    )


def subjects_table(populations: Sequence[Population], strata: Sequence[str]) -> ReportTable:
    """The analysis dataset: one row per randomized subject."""
    itt, *others = populations
    members = {p.name: {s.subject_id for s in p.subjects} for p in others}
    rows = []
    for subject in itt.subjects:
        result = subject.endpoints
        changes = [
            tp.change_from_baseline_pct
            for tp in subject.assessment.follow_ups
            if tp.change_from_baseline_pct is not None
        ]
        rows.append(
            (
                subject.subject_id,
                subject.arm,
                *subject.strata,
                *("Y" if subject.subject_id in ids else "N" for ids in members.values()),
                str(subject.evaluations),
                result.best_overall_response.value,
                "Y" if result.dcr_6m else "N",
                f"{min(changes):.2f}" if changes else "",
                "1" if result.rpfs.event else "0",
                months(result.rpfs.days / DAYS_PER_MONTH),
                result.rpfs.reason,
                "1" if result.pfs.event else "0",
                months(result.pfs.days / DAYS_PER_MONTH),
                result.pfs.reason,
            )
        )
    flags = tuple(f"{name.lower().replace('-', '_')}_flag" for name in members)
    return ReportTable(
        "subjects.csv",
        "Analysis dataset (one row per randomized subject)",
        (
            "subject_id",
            "arm",
            *strata,
            *flags,
            "adequate_evaluations",
            "bor",
            "dcr",
            "best_change_from_baseline_pct",
            "rpfs_event",
            "rpfs_months",
            "rpfs_reason",
            "pfs_event",
            "pfs_months",
            "pfs_reason",
        ),
        tuple(rows),
        "Months = days / 30.4375; days count the randomization day as day 1 (ADaM).",
    )


EXCLUSIONS_FILE = "per_protocol_exclusions.csv"
RANDOMIZED = "randomized (ITT)"
EXCLUDED = "excluded from per-protocol (each subject once)"
PER_PROTOCOL = "per-protocol"


def _has_reason(kind: ExclusionKind, subject: AnalysisSubject) -> bool:
    return any(reason.kind is kind for reason in subject.exclusions)


def _has_deviation(text: str, subject: AnalysisSubject) -> bool:
    return subject.compliance.major_deviation == text


def exclusions_table(itt: Population, arms: Sequence[str], min_evaluations: int) -> ReportTable:
    """ITT subjects left out of the per-protocol set, per arm, and why (ICH E9 section 5.2.2;
    ICH E3 section 11.1): n and % of the arm's randomized subjects. A subject may meet several
    reasons; the "excluded" row counts each subject once."""
    groups = [*(itt.arm(arm) for arm in arms), itt.subjects]
    deviations: dict[str, int] = {}
    for subject in itt.subjects:
        for reason in subject.exclusions:
            if reason.kind is ExclusionKind.MAJOR_DEVIATION:
                deviations[reason.detail] = deviations.get(reason.detail, 0) + 1
    recorded = {
        ExclusionKind.NOT_ELIGIBLE: any(s.compliance.eligibility_recorded for s in itt.subjects),
        ExclusionKind.MAJOR_DEVIATION: any(s.compliance.deviations_recorded for s in itt.subjects),
    }
    rows: list[tuple[str, ...]] = []

    def add(reason: str, detail: str, count: Callable[[AnalysisSubject], bool]) -> None:
        row = [reason, detail]
        for members in groups:
            n = sum(count(s) for s in members)
            row += [str(n), pct(n / len(members)) if members else ""]
        rows.append(tuple(row))

    add(RANDOMIZED, "", lambda s: True)
    add(EXCLUDED, "", lambda s: bool(s.exclusions))
    for kind in ExclusionKind:
        label = kind.label(min_evaluations)
        if not recorded.get(kind, True):
            column = ELIGIBLE_COLUMN if kind is ExclusionKind.NOT_ELIGIBLE else DEVIATION_COLUMN
            label += f" (not recorded: no '{column}' column in the subjects file)"
        add(label, "", partial(_has_reason, kind))
        if kind is ExclusionKind.MAJOR_DEVIATION:
            for text in sorted(deviations, key=lambda t: (-deviations[t], t)):
                add(label, text, partial(_has_deviation, text))
    add(PER_PROTOCOL, "", lambda s: s.per_protocol)
    columns = ["reason", "major_protocol_deviation"]
    for arm in (*arms, "all arms"):
        columns += [f"{arm} n", f"{arm} %"]
    return ReportTable(
        EXCLUSIONS_FILE,
        "Subjects excluded from the per-protocol population, per arm, and why",
        tuple(columns),
        tuple(rows),
        "% of the subjects randomized to the arm. A subject may meet several reasons, so the "
        "reasons can add up to more than the excluded total, which counts each subject once. "
        "Eligibility and major protocol deviations are taken from the subjects file as "
        "recorded (to be decided before unblinding, ICH E9 section 5.2.2); a deviation's text "
        "is tallied as written. Progression documented before the required evaluations keeps "
        "a subject in the per-protocol population (no exclusion for outcome).",
    )


def excluded_subjects_table(
    itt: Population, arms: Sequence[str], min_evaluations: int
) -> ReportTable:
    """Listing of the subjects excluded from the per-protocol set (ICH E3 section 16.2.3)."""
    excluded = sorted(
        (s for s in itt.subjects if s.exclusions),
        key=lambda s: (arms.index(s.arm) if s.arm in arms else len(arms), s.subject_id),
    )
    rows = tuple(
        (
            s.subject_id,
            s.arm,
            "Y" if s.compliance.eligible else "N",
            s.compliance.major_deviation,
            "Y" if s.assessment.baseline is not None else "N",
            str(s.evaluations),
            "; ".join(r.kind.label(min_evaluations) for r in s.exclusions),
        )
        for s in excluded
    )
    return ReportTable(
        "per_protocol_excluded_subjects.csv",
        "Listing of subjects excluded from the per-protocol population",
        (
            "subject_id",
            "arm",
            "eligible",
            "major_protocol_deviation",
            "baseline_assessment",
            "adequate_evaluations",
            "reasons",
        ),
        rows,
        "adequate_evaluations: post-baseline assessments whose overall response is not NE.",
    )
