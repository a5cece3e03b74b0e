"""The report's statistics, each delegated to scipy or statsmodels (nothing hand-written).

- Exact binomial (Clopper-Pearson) confidence interval of a proportion:
  ``statsmodels.stats.proportion.proportion_confint(method="beta")``.
- Difference of two independent proportions with Newcombe's hybrid score interval (Newcombe,
  Stat Med 1998;17:873-890, method 10): ``confint_proportions_2indep(method="newcomb")``. It
  keeps its coverage with small counts and proportions near 0 or 1, where the Wald interval
  does not.
- Comparison of two proportions: Pearson's chi-square test without continuity correction
  (``scipy.stats.chi2_contingency(correction=False)``, SAS PROC FREQ's "Chi-Square"), or
  Fisher's exact test, two-sided (``scipy.stats.fisher_exact``), when any expected count of the
  2 x 2 table is below 5 (Cochran's rule).
- Kaplan-Meier estimate, median and its 95 % confidence interval by inverting the log-log
  transformed pointwise test (Brookmeyer and Crowley 1982; SAS PROC LIFETEST's default):
  ``statsmodels.duration.survfunc.SurvfuncRight``.
- (Stratified) log-rank test: ``statsmodels.duration.survfunc.survdiff(strata=...)``.
- Hazard ratio from a (stratified) Cox model with Breslow ties:
  ``statsmodels.duration.hazard_regression.PHReg``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Two-sided confidence level of every interval in the report.
CONFIDENCE = 0.95
#: Cochran's rule: Fisher's exact test when an expected count is below this.
MIN_EXPECTED_FOR_CHI_SQUARE = 5.0


@dataclass(frozen=True, slots=True)
class Proportion:
    """``count`` of ``total`` with its exact (Clopper-Pearson) confidence interval."""

    count: int
    total: int
    estimate: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two proportions compared: ``first`` minus ``second``, and the test chosen."""

    difference: float | None
    lower: float | None
    upper: float | None
    test: str
    statistic: float | None
    p_value: float | None
    min_expected: float | None


@dataclass(frozen=True, slots=True)
class KaplanMeier:
    """A Kaplan-Meier curve: the survival probability just after each event time."""

    n: int
    events: int
    times: tuple[float, ...]
    survival: tuple[float, ...]
    median: float | None
    median_lower: float | None
    median_upper: float | None

    def at(self, time: float) -> float:
        """S(time): the estimate at the last event time on or before ``time``."""
        value = 1.0
        for event_time, probability in zip(self.times, self.survival, strict=True):
            if event_time > time:
                break
            value = probability
        return value


@dataclass(frozen=True, slots=True)
class LogRank:
    """A two-sided log-rank test (1 degree of freedom for two groups)."""

    chi_square: float | None
    p_value: float | None
    strata: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class HazardRatio:
    """Hazard ratio of a group against the reference group, with its Wald interval."""

    ratio: float | None
    lower: float | None
    upper: float | None


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def exact_proportion(count: int, total: int) -> Proportion:
    """``count / total`` with the exact Clopper-Pearson interval (None when ``total`` is 0)."""
    from statsmodels.stats.proportion import proportion_confint  # type: ignore[import-untyped]

    if total == 0:
        return Proportion(count, total, None, None, None)
    lower, upper = proportion_confint(count, total, alpha=1 - CONFIDENCE, method="beta")
    # statsmodels returns nan for the bound at 0 or 1 with some versions; the bound is exact.
    lower = 0.0 if count == 0 else float(lower)
    upper = 1.0 if count == total else float(upper)
    return Proportion(count, total, count / total, lower, upper)


def compare_proportions(first: Proportion, second: Proportion) -> Comparison:
    """``first`` minus ``second`` (Newcombe interval) and the 2 x 2 test of the module doc."""
    from scipy.stats import chi2_contingency, fisher_exact  # type: ignore[import-untyped]
    from scipy.stats.contingency import expected_freq  # type: ignore[import-untyped]
    from statsmodels.stats.proportion import (
        confint_proportions_2indep,
    )

    if first.total == 0 or second.total == 0:
        return Comparison(None, None, None, "none (an arm is empty)", None, None, None)
    table = [
        [first.count, first.total - first.count],
        [second.count, second.total - second.count],
    ]
    difference = first.count / first.total - second.count / second.total
    lower, upper = confint_proportions_2indep(
        first.count,
        first.total,
        second.count,
        second.total,
        method="newcomb",
        compare="diff",
        alpha=1 - CONFIDENCE,
    )
    min_expected = float(np.min(expected_freq(table)))
    if min_expected < MIN_EXPECTED_FOR_CHI_SQUARE:
        result = fisher_exact(table, alternative="two-sided")
        return Comparison(
            difference,
            float(lower),
            float(upper),
            "Fisher exact",
            None,
            float(result.pvalue),
            min_expected,
        )
    chi = chi2_contingency(table, correction=False)
    return Comparison(
        difference,
        float(lower),
        float(upper),
        "chi-square",
        float(chi.statistic),
        float(chi.pvalue),
        min_expected,
    )


def kaplan_meier(times: Sequence[float], events: Sequence[bool]) -> KaplanMeier:
    """Kaplan-Meier estimate with the median and its log-log 95 % confidence interval."""
    from statsmodels.duration.survfunc import SurvfuncRight  # type: ignore[import-untyped]

    n = len(times)
    n_events = sum(1 for e in events if e)
    if n == 0:
        return KaplanMeier(0, 0, (), (), None, None, None)
    fit = SurvfuncRight(np.asarray(times, dtype=float), np.asarray(events, dtype=float))
    median = lower = upper = None
    if n_events:
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            median = _finite(float(fit.quantile(0.5)))
            low, high = fit.quantile_ci(0.5, alpha=1 - CONFIDENCE, method="cloglog")
        lower, upper = _finite(float(low)), _finite(float(high))
    return KaplanMeier(
        n,
        n_events,
        tuple(float(t) for t in fit.surv_times),
        tuple(float(s) for s in fit.surv_prob),
        median,
        lower,
        upper,
    )


def number_at_risk(times: Sequence[float], at: Sequence[float]) -> list[int]:
    """Subjects still followed (event or censoring time on or after ``t``) at each ``t``."""
    return [sum(1 for time in times if time >= t) for t in at]


def log_rank(
    times: Sequence[float],
    events: Sequence[bool],
    groups: Sequence[str],
    strata: Sequence[str] | None = None,
) -> LogRank:
    """Log-rank test of equal survival between ``groups``, stratified when ``strata`` given."""
    from statsmodels.duration.survfunc import survdiff

    count = len(set(strata)) if strata is not None else 1
    if len(set(groups)) < 2:
        return LogRank(None, None, count, "needs two groups")
    if not any(events):
        return LogRank(None, None, count, "no event")
    try:
        chi_square, p_value = survdiff(
            np.asarray(times, dtype=float),
            np.asarray(events, dtype=float),
            np.asarray(groups),
            strata=None if strata is None else np.asarray(strata),
        )
    except np.linalg.LinAlgError:
        return LogRank(None, None, count, "no stratum has events in both groups")
    return LogRank(_finite(float(chi_square)), _finite(float(p_value)), count)


def hazard_ratio(
    times: Sequence[float],
    events: Sequence[bool],
    exposed: Sequence[bool],
    strata: Sequence[str] | None = None,
) -> HazardRatio:
    """Hazard ratio of ``exposed`` subjects (Cox model, Breslow ties, stratified when given)."""
    from statsmodels.duration.hazard_regression import PHReg  # type: ignore[import-untyped]

    if not any(events) or all(exposed) or not any(exposed):
        return HazardRatio(None, None, None)
    exog = np.asarray(exposed, dtype=float).reshape(-1, 1)
    model = PHReg(
        np.asarray(times, dtype=float),
        exog,
        status=np.asarray(events, dtype=float),
        strata=None if strata is None else np.asarray(strata),
        ties="breslow",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit()
    beta = float(fit.params[0])
    low, high = (float(v) for v in fit.conf_int(alpha=1 - CONFIDENCE)[0])
    if not all(math.isfinite(v) and abs(v) < 50 for v in (beta, low, high)):
        return HazardRatio(None, None, None)  # no finite estimate (e.g. no event in a group)
    return HazardRatio(math.exp(beta), math.exp(low), math.exp(high))
