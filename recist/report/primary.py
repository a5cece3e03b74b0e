"""The pre-specified test of the primary endpoint and the sample size it was planned with.

- Cochran-Mantel-Haenszel test of disease control stratified by the randomization factors,
  without continuity correction (SAS PROC FREQ's "Nonzero Correlation" / CMH statistic for
  2 x 2 x K tables): ``statsmodels.stats.contingency_tables.StratifiedTable.test_null_odds``,
  with the Mantel-Haenszel common odds ratio and its Robins-Breslow-Greenland interval. A stratum
  holding one arm only, or a single subject, carries no information on the difference between
  arms and is left out (its variance term is zero); the report says how many.
- Unstratified Pearson chi-square, or Fisher's exact test when an expected count is below 5
  (``recist.report.statistics.compare_proportions``).
- Sample size per arm for two proportions (normal approximation, pooled variance under the null
  hypothesis, no continuity correction; Fleiss, Levin and Paik 2003, eq. 4.14 without the
  correction): ``n = (z_{1-a/2} sqrt(2 p q) + z_{1-b} sqrt(p1 q1 + p2 q2))^2 / (p1 - p2)^2``
  with ``p`` the mean of ``p1`` and ``p2``, rounded up.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from recist.report.populations import AnalysisSubject, Population
from recist.report.settings import ProtocolSettings
from recist.report.statistics import compare_proportions, exact_proportion
from recist.report.tables import ReportTable, num


@dataclass(frozen=True, slots=True)
class StratifiedTest:
    """A Cochran-Mantel-Haenszel test over the strata that hold both arms."""

    statistic: float | None
    p_value: float | None
    odds_ratio: float | None
    lower: float | None
    upper: float | None
    strata_used: int
    strata_total: int
    note: str = ""


#: One stratum's 2 x 2 table: (successes, failures) of the first arm, then of the second.
Stratum = tuple[int, int, int, int]


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def cmh_test(strata: Sequence[Stratum], alpha: float = 0.05) -> StratifiedTest:
    """The CMH test of the module doc over ``strata``; strata without both arms left out."""
    import numpy as np
    from statsmodels.stats.contingency_tables import (  # type: ignore[import-untyped]
        StratifiedTable,
    )

    used = [s for s in strata if s[0] + s[1] > 0 and s[2] + s[3] > 0]
    left_out = len(strata) - len(used)
    note = (
        f"{left_out} of {len(strata)} strata hold one arm only and do not contribute"
        if left_out
        else ""
    )
    informative = [s for s in used if 0 < s[0] + s[2] < sum(s)]
    if not informative:
        why = "no stratum holds both arms with both outcomes: the test is not defined"
        return StratifiedTest(
            None,
            None,
            None,
            None,
            None,
            len(used),
            len(strata),
            "; ".join(filter(None, (note, why))),
        )
    tables = [np.array([[a, b], [c, d]], dtype=float) for a, b, c, d in used]
    table = StratifiedTable(tables)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = table.test_null_odds(correction=False)
        odds = _finite(float(table.oddsratio_pooled))
        low, high = table.oddsratio_pooled_confint(alpha=alpha)
    # An odds ratio of 0 (no success in the first arm's informative strata) has no interval.
    lower, upper = (_finite(float(low)), _finite(float(high))) if odds else (None, None)
    return StratifiedTest(
        _finite(float(result.statistic)),
        _finite(float(result.pvalue)),
        odds,
        lower,
        upper,
        len(used),
        len(strata),
        note,
    )


def unstratified_test(strata: Sequence[Stratum]) -> tuple[str, float | None, float | None]:
    """The pooled 2 x 2 test: its name (chi-square or Fisher exact), statistic and p-value."""
    first = exact_proportion(sum(s[0] for s in strata), sum(s[0] + s[1] for s in strata))
    second = exact_proportion(sum(s[2] for s in strata), sum(s[2] + s[3] for s in strata))
    result = compare_proportions(first, second)
    return result.test, result.statistic, result.p_value


@dataclass(frozen=True, slots=True)
class SampleSize:
    per_arm: int
    total: int
    #: The power the rounded-up sample size gives (at least the power asked for).
    achieved_power: float


def sample_size(control: float, experimental: float, alpha: float, power: float) -> SampleSize:
    """Subjects per arm (1:1) for the two-sided test of ``experimental`` vs ``control``."""
    from scipy.stats import norm  # type: ignore[import-untyped]

    z_alpha = float(norm.ppf(1 - alpha / 2))
    z_beta = float(norm.ppf(power))
    mean = (control + experimental) / 2
    pooled = math.sqrt(2 * mean * (1 - mean))
    separate = math.sqrt(control * (1 - control) + experimental * (1 - experimental))
    difference = abs(experimental - control)
    per_arm = math.ceil(((z_alpha * pooled + z_beta * separate) / difference) ** 2)
    achieved = float(norm.cdf((difference * math.sqrt(per_arm) - z_alpha * pooled) / separate))
    return SampleSize(per_arm, 2 * per_arm, achieved)


def comparisons(arms: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs compared: each arm against the last one (the control): ``first - second``
    with two arms, ``A - C`` and ``B - C`` with three."""
    return [(arm, arms[-1]) for arm in arms[:-1]]


def strata_tables(
    subjects: Sequence[AnalysisSubject],
    first: str,
    control: str,
    success: Callable[[AnalysisSubject], bool],
) -> list[Stratum]:
    """One 2 x 2 table per stratum (sorted): successes and failures of each arm."""
    tables = []
    for stratum in sorted({s.stratum for s in subjects}):
        cells = []
        for arm in (first, control):
            members = [s for s in subjects if s.stratum == stratum and s.arm == arm]
            wins = sum(success(s) for s in members)
            cells += [wins, len(members) - wins]
        tables.append((cells[0], cells[1], cells[2], cells[3]))
    return tables


def primary_table(
    populations: Sequence[Population],
    arms: Sequence[str],
    factors: Sequence[str],
    settings: ProtocolSettings,
) -> ReportTable:
    """The pre-specified primary test of disease control and the sensitivity test."""
    rows = []
    for population in populations:
        for first, control in comparisons(arms):
            strata = strata_tables(
                population.subjects, first, control, lambda s: s.endpoints.dcr_6m
            )
            cmh = cmh_test(strata, settings.alpha)
            name, statistic, p_value = unstratified_test(strata)
            factor_text = " x ".join(factors)
            note = cmh.note
            if not factors:
                note = "; ".join(filter(None, (note, "no --strata given: one stratum")))
            tests = [
                (
                    "CMH",
                    factor_text,
                    f"{cmh.strata_used}/{cmh.strata_total}",
                    cmh.statistic,
                    cmh.p_value,
                    (cmh.odds_ratio, cmh.lower, cmh.upper),
                    note,
                ),
                (name, "", "", statistic, p_value, (None, None, None), ""),
            ]
            if settings.primary_test != "cmh":
                tests.reverse()
            for role, test in zip(("primary", "sensitivity"), tests, strict=True):
                label, used_factors, used, value, p, odds, why = test
                rows.append(
                    (
                        population.name,
                        f"{first} vs {control}",
                        role,
                        label,
                        used_factors,
                        used,
                        num(value),
                        num(p),
                        "" if p is None else ("yes" if p < settings.alpha else "no"),
                        *(num(v) for v in odds),
                        why,
                    )
                )
    return ReportTable(
        "primary_test.csv",
        "Primary analysis of disease control: the pre-specified test and its sensitivity test",
        (
            "population",
            "comparison",
            "role",
            "test",
            "factors",
            "strata_used",
            "statistic",
            "p_value",
            f"significant_at_{settings.alpha:g}",
            "mh_odds_ratio",
            "or_ci_lower",
            "or_ci_upper",
            "note",
        ),
        tuple(rows),
        f"Pre-specified in the protocol settings (primary_test = {settings.primary_test}), "
        f"two-sided alpha {settings.alpha:g}. CMH: Cochran-Mantel-Haenszel chi-square (1 df, no "
        "continuity correction) stratified by the randomization factors, with the "
        "Mantel-Haenszel common odds ratio (Robins-Breslow-Greenland CI); strata_used: strata "
        "holding both arms / all strata. chi-square: Pearson, no continuity correction; "
        "Fisher exact when an expected count is below 5.",
    )
