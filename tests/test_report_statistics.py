"""The report's statistics against values published or computed independently.

Survival: the Freireich 6-MP leukemia remission data (Gehan, Biometrika 1965;52:203-223), the
textbook example of Kleinbaum and Klein, *Survival Analysis* (3rd ed., chapters 2-3): log-rank
chi-square 16.79 (p = 4.17e-5), medians 23 (6-MP) and 8 (placebo) weeks, Kaplan-Meier 6-MP
estimates 0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448 at weeks 6, 7, 10, 13, 16, 22, 23,
Cox hazard ratio placebo vs 6-MP 4.523 (95 % CI 2.027-10.094) with Breslow ties.
"""

from __future__ import annotations

import pytest
from scipy.stats import binom, chi2

from recist.report.statistics import (
    compare_proportions,
    exact_proportion,
    hazard_ratio,
    kaplan_meier,
    log_rank,
    number_at_risk,
)

# Weeks of remission; False = censored (Gehan 1965).
SIX_MP = [
    (6, True), (6, True), (6, True), (6, False), (7, True), (9, False), (10, True), (10, False),
    (11, False), (13, True), (16, True), (17, False), (19, False), (20, False), (22, True),
    (23, True), (25, False), (32, False), (32, False), (34, False), (35, False),
]  # fmt: skip
PLACEBO = [
    (t, True) for t in (1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23)
]
TIMES = [float(t) for t, _ in SIX_MP + PLACEBO]
EVENTS = [e for _, e in SIX_MP + PLACEBO]
GROUPS = ["6-MP"] * len(SIX_MP) + ["placebo"] * len(PLACEBO)


def test_freireich_log_rank_matches_the_textbook() -> None:
    result = log_rank(TIMES, EVENTS, GROUPS)
    assert result.chi_square == pytest.approx(16.79, abs=0.005)
    assert result.p_value == pytest.approx(4.17e-5, rel=0.01)


def test_freireich_kaplan_meier_and_medians() -> None:
    six_mp = kaplan_meier([float(t) for t, _ in SIX_MP], [e for _, e in SIX_MP])
    placebo = kaplan_meier([float(t) for t, _ in PLACEBO], [e for _, e in PLACEBO])
    published = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
    for week, survival in published.items():
        assert six_mp.at(week) == pytest.approx(survival, abs=0.0005)
    assert six_mp.at(5.9) == 1.0
    assert (six_mp.median, placebo.median) == (23.0, 8.0)
    assert (six_mp.n, six_mp.events, placebo.events) == (21, 9, 21)
    # Log-log interval: an observed event time below the median; upper bound not reached.
    assert six_mp.median_lower is not None and six_mp.median_lower < 23
    assert six_mp.median_upper is None
    assert placebo.median_lower is not None and placebo.median_upper is not None
    assert placebo.median_lower < 8 < placebo.median_upper


def test_freireich_cox_hazard_ratio_with_breslow_ties() -> None:
    result = hazard_ratio(TIMES, EVENTS, [g == "placebo" for g in GROUPS])
    assert result.ratio == pytest.approx(4.523, abs=0.001)
    assert result.lower == pytest.approx(2.027, abs=0.001)
    assert result.upper == pytest.approx(10.094, abs=0.001)


def test_stratified_log_rank_sums_within_strata() -> None:
    """Two strata, each: arm A fails at t=1, arm B at t=2. By hand, per stratum at t=1: n=2,
    d=1, E_A=1/2, V=1/4, O_A=1; stratified chi-square = (1/2+1/2)^2 / (1/4+1/4) = 2. Pooled
    (unstratified): at t=1 n=4, d=2, E_A=1, V=2(1/2)(1/2)(2/3)=1/3, O_A=2; chi-square 3."""
    times = [1.0, 2.0, 1.0, 2.0]
    events = [True] * 4
    groups = ["A", "B", "A", "B"]
    stratified = log_rank(times, events, groups, ["s1", "s1", "s2", "s2"])
    assert stratified.chi_square == pytest.approx(2.0)
    assert stratified.p_value == pytest.approx(chi2.sf(2.0, 1))
    assert stratified.strata == 2
    assert log_rank(times, events, groups).chi_square == pytest.approx(3.0)


def test_stratified_log_rank_with_one_stratum_is_the_plain_test() -> None:
    plain = log_rank(TIMES, EVENTS, GROUPS)
    one = log_rank(TIMES, EVENTS, GROUPS, ["all"] * len(TIMES))
    assert one.chi_square == pytest.approx(plain.chi_square)


@pytest.mark.parametrize(
    ("times", "events", "groups", "note"),
    [
        ([1.0, 2.0], [False, False], ["A", "B"], "no event"),
        ([1.0, 2.0], [True, True], ["A", "A"], "needs two groups"),
    ],
)
def test_log_rank_not_computable(
    times: list[float], events: list[bool], groups: list[str], note: str
) -> None:
    result = log_rank(times, events, groups)
    assert (result.chi_square, result.p_value, result.note) == (None, None, note)


@pytest.mark.parametrize(
    ("count", "total"), [(0, 10), (1, 10), (3, 10), (17, 20), (12, 20), (20, 20), (29, 73)]
)
def test_clopper_pearson_bounds_solve_the_binomial_tail_equations(count: int, total: int) -> None:
    """Definition: P(X >= x | L) = 2.5 % and P(X <= x | U) = 2.5 % (L = 0 when x = 0, U = 1
    when x = n)."""
    share = exact_proportion(count, total)
    assert share.estimate == pytest.approx(count / total)
    assert share.lower is not None and share.upper is not None
    if count == 0:
        assert share.lower == 0.0
    else:
        assert binom.sf(count - 1, total, share.lower) == pytest.approx(0.025, abs=1e-9)
    if count == total:
        assert share.upper == 1.0
    else:
        assert binom.cdf(count, total, share.upper) == pytest.approx(0.025, abs=1e-9)


def test_empty_arm_has_no_estimate() -> None:
    empty = exact_proportion(0, 0)
    assert (empty.estimate, empty.lower, empty.upper) == (None, None, None)
    result = compare_proportions(exact_proportion(3, 5), empty)
    assert result.difference is None and result.p_value is None


def test_newcombe_difference_interval_matches_newcombe_1998() -> None:
    """Newcombe (Stat Med 1998;17:873-890), example (a), 56/70 - 48/80: method 10 gives
    +0.0524 to +0.3339."""
    result = compare_proportions(exact_proportion(56, 70), exact_proportion(48, 80))
    assert result.difference == pytest.approx(0.2)
    assert result.lower == pytest.approx(0.0524, abs=5e-5)
    assert result.upper == pytest.approx(0.3339, abs=5e-5)


def test_chi_square_when_every_expected_count_is_at_least_5() -> None:
    """7/10 vs 3/10: every expected count is 5; by hand chi-square = 4 x 2^2/5 = 3.2."""
    result = compare_proportions(exact_proportion(7, 10), exact_proportion(3, 10))
    assert result.test == "chi-square"
    assert result.min_expected == pytest.approx(5.0)
    assert result.statistic == pytest.approx(3.2)
    assert result.p_value == pytest.approx(chi2.sf(3.2, 1))


def test_fisher_when_an_expected_count_is_below_5() -> None:
    """Fisher's tea-tasting table, 3/4 vs 1/4: two-sided p = 34/70 = 0.4857."""
    result = compare_proportions(exact_proportion(3, 4), exact_proportion(1, 4))
    assert result.test == "Fisher exact"
    assert result.min_expected == pytest.approx(2.0)
    assert result.statistic is None
    assert result.p_value == pytest.approx(34 / 70)


def test_fisher_handles_a_table_with_an_empty_column() -> None:
    result = compare_proportions(exact_proportion(10, 10), exact_proportion(10, 10))
    assert result.test == "Fisher exact" and result.p_value == pytest.approx(1.0)
    assert result.difference == 0.0


def test_number_at_risk_counts_subjects_followed_at_least_that_long() -> None:
    assert number_at_risk([1.0, 2.0, 2.0, 5.0], [0.0, 2.0, 3.0, 6.0]) == [4, 3, 1, 0]
