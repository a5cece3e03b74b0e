"""What the forest plot and the Kaplan-Meier figure draw, recomputed independently of the report:
each square and interval of the forest plot, and the Kaplan-Meier figure's log-rank p-value,
hazard ratio (unstratified, since a stratum of the example holds one arm only) and curve ends
(never drawn beyond an arm's last follow-up)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from statsmodels.duration.hazard_regression import PHReg  # type: ignore[import-untyped]

from recist.report.analysis import Analysis, analyse_trial
from recist.report.figures import arm_colours, draw_kaplan_meier
from recist.report.forest import draw_forest
from recist.report.inputs import load_trial
from recist.report.tables import DAYS_PER_MONTH, p_value_text

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "reluth"
STRATA = ["dc_duration", "progression_type", "gfr", "intercurrent_line"]
FIRST, CONTROL = "177Lu-PRRT", "SURVEILLANCE"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    trial = load_trial(
        EXAMPLE / "measurements.csv", EXAMPLE / "subjects.csv", strata_columns=STRATA
    )
    return analyse_trial(trial, strata_columns=STRATA)


def cox(times: list[float], events: list[bool], exposed: list[bool]) -> tuple[float, ...]:
    fit = PHReg(
        np.array(times),
        np.array([[1.0 if e else 0.0] for e in exposed]),
        status=np.array([1.0 if e else 0.0 for e in events]),
        ties="breslow",
    ).fit()
    beta, (low, high) = float(fit.params[0]), fit.conf_int()[0]
    return math.exp(beta), math.exp(low), math.exp(high)


def log_rank_p(times: list[float], events: list[bool], exposed: list[bool]) -> float:
    """Two-group log-rank test by hand: (O - E)^2 / V over the distinct event times."""
    observed = expected = variance = 0.0
    for t in sorted({u for u, e in zip(times, events, strict=True) if e}):
        at_risk = [(x, u) for u, x in zip(times, exposed, strict=True) if u >= t]
        n, n1 = len(at_risk), sum(1 for x, _ in at_risk if x)
        deaths = [x for u, e, x in zip(times, events, exposed, strict=True) if e and u == t]
        d, d1 = len(deaths), sum(deaths)
        observed += d1
        expected += d * n1 / n
        if n > 1:
            variance += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
    return math.erfc(math.sqrt((observed - expected) ** 2 / variance / 2))


def squares(axes: object) -> dict[int, float]:
    """The x of the square drawn on each row."""
    return {
        int(line.get_ydata()[0]): float(line.get_xdata()[0])
        for line in axes.get_lines()  # type: ignore[attr-defined]
        if line.get_marker() == "s"
    }


def test_forest_plot_draws_the_recomputed_estimates(analysis: Analysis) -> None:
    subjects = analysis.populations[0].subjects
    figure = draw_forest(analysis.subgroups, FIRST, CONTROL)
    dcr_axes, hr_axes = figure.axes
    dcr_squares, hr_squares = squares(dcr_axes), squares(hr_axes)
    rows = [(None, None)] + [
        (index, level)
        for index, _ in enumerate(STRATA)
        for level in sorted({s.strata[index] for s in subjects})
    ]
    assert len(rows) == len(analysis.subgroups)
    assert len(dcr_squares) == len(rows)
    for row, (index, level) in enumerate(rows):
        members = [s for s in subjects if index is None or s.strata[index] == level]
        rates = []
        for arm in (FIRST, CONTROL):
            in_arm = [s for s in members if s.arm == arm]
            rates.append(sum(s.endpoints.dcr_6m for s in in_arm) / len(in_arm))
        assert dcr_squares[row] == pytest.approx(100 * (rates[0] - rates[1]))
        times = [s.endpoints.rpfs.days / DAYS_PER_MONTH for s in members]
        events = [s.endpoints.rpfs.event for s in members]
        exposed = [s.arm == FIRST for s in members]
        events_by_arm = [
            sum(e for e, x in zip(events, exposed, strict=True) if x == first) for first in (1, 0)
        ]
        if row in hr_squares:
            assert hr_squares[row] == pytest.approx(cox(times, events, exposed)[0], rel=1e-6)
        else:  # not estimable: an arm without an event (the Cox estimate diverges)
            assert 0 in events_by_arm
    assert len(hr_squares) == 6  # 3 subgroups have no event in an arm


def test_kaplan_meier_figure_shows_the_unstratified_hr_and_stops_at_follow_up(
    analysis: Analysis,
) -> None:
    survival = next(s for s in analysis.survival if s.population == "ITT" and s.endpoint == "rPFS")
    figure = draw_kaplan_meier(survival, arm_colours(analysis.arms))
    curves = figure.axes[0]
    text = "\n".join(t.get_text() for t in curves.texts)
    subjects = analysis.populations[0].subjects
    times = [s.endpoints.rpfs.days / DAYS_PER_MONTH for s in subjects]
    events = [s.endpoints.rpfs.event for s in subjects]
    exposed = [s.arm == FIRST for s in subjects]
    hazard, low, high = cox(times, events, exposed)
    assert f"log-rank: {p_value_text(log_rank_p(times, events, exposed), 'p ')}" in text
    assert f"unstratified HR {hazard:.2f} (95 % CI {low:.2f}-{high:.2f})" in text
    assert "stratified HR not estimable" in text
    steps = [line for line in curves.get_lines() if line.get_drawstyle() == "steps-post"]
    for arm, line in zip((FIRST, CONTROL), steps, strict=True):
        last = max(t for t, s in zip(times, subjects, strict=True) if s.arm == arm)
        assert max(line.get_xdata()) == pytest.approx(last)
