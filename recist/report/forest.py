"""Subgroups by stratification factor: the disease-control difference (Newcombe 95 % CI) and the
unstratified rPFS hazard ratio (Cox, Breslow ties) of the first arm against the control, for
every level of every factor and overall, as a table and a forest plot. Subgroup estimates are
descriptive: the trial is not powered for them and no interaction test is made."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from recist.report.populations import AnalysisSubject
from recist.report.statistics import (
    Comparison,
    HazardRatio,
    compare_proportions,
    exact_proportion,
    hazard_ratio,
)
from recist.report.tables import DAYS_PER_MONTH, ReportTable, num, pct

if TYPE_CHECKING:
    from matplotlib.figure import Figure

OVERALL = "all subjects"


@dataclass(frozen=True, slots=True)
class Subgroup:
    factor: str
    level: str
    #: Subjects of the first arm and of the control arm.
    counts: tuple[int, int]
    dcr: Comparison
    hazard: HazardRatio


def subgroup(
    factor: str, level: str, members: Sequence[AnalysisSubject], first: str, control: str
) -> Subgroup:
    pair = [s for s in members if s.arm in (first, control)]
    shares = []
    for arm in (first, control):
        arm_members = [s for s in pair if s.arm == arm]
        shares.append(
            exact_proportion(sum(s.endpoints.dcr_6m for s in arm_members), len(arm_members))
        )
    try:
        hazard = hazard_ratio(
            [s.endpoints.rpfs.days / DAYS_PER_MONTH for s in pair],
            [s.endpoints.rpfs.event for s in pair],
            [s.arm == first for s in pair],
        )
    except np.linalg.LinAlgError:  # too few subjects or events in the subgroup for a Cox fit
        hazard = HazardRatio(None, None, None)
    return Subgroup(
        factor,
        level,
        (shares[0].total, shares[1].total),
        compare_proportions(shares[0], shares[1]),
        hazard,
    )


def subgroups(
    subjects: Sequence[AnalysisSubject], factors: Sequence[str], first: str, control: str
) -> list[Subgroup]:
    """Overall, then each level (sorted) of each factor, in the order of ``factors``."""
    found = [subgroup(OVERALL, "", subjects, first, control)]
    for index, factor in enumerate(factors):
        for level in sorted({s.strata[index] for s in subjects}):
            members = [s for s in subjects if s.strata[index] == level]
            found.append(subgroup(factor, level, members, first, control))
    return found


def forest_table(groups: Sequence[Subgroup], first: str, control: str) -> ReportTable:
    rows = tuple(
        (
            g.factor,
            g.level,
            str(g.counts[0]),
            str(g.counts[1]),
            pct(g.dcr.difference),
            pct(g.dcr.lower),
            pct(g.dcr.upper),
            num(g.hazard.ratio),
            num(g.hazard.lower),
            num(g.hazard.upper),
        )
        for g in groups
    )
    return ReportTable(
        "forest.csv",
        f"Subgroups by stratification factor ({first} vs {control}, ITT)",
        (
            "factor",
            "level",
            "first_arm_n",
            "control_arm_n",
            "dcr_difference_pct",
            "dcr_ci_lower_pct",
            "dcr_ci_upper_pct",
            "rpfs_hazard_ratio",
            "rpfs_hr_ci_lower",
            "rpfs_hr_ci_upper",
        ),
        rows,
        "Disease control difference with Newcombe 95 % CI; rPFS hazard ratio from an "
        "unstratified Cox model within the subgroup (empty: not estimable, e.g. no event in an "
        "arm). Descriptive: no interaction test, no multiplicity adjustment.",
    )


def forest_figure(groups: Sequence[Subgroup], first: str, control: str) -> bytes:
    """The forest plot as PNG."""
    from recist.report.figures import _png

    return _png(draw_forest(groups, first, control))


def draw_forest(groups: Sequence[Subgroup], first: str, control: str) -> Figure:
    """Two panels sharing the subgroup rows: DCR difference (%) and rPFS HR (log scale); row
    ``i`` of ``groups`` is drawn at y = ``i`` (a square at the estimate, a line for the CI)."""
    from recist.report.figures import _new_figure

    labels = [OVERALL if g.factor == OVERALL else f"{g.factor} = {g.level}" for g in groups]
    labels = [
        f"{text}  (n={g.counts[0]}/{g.counts[1]})" for text, g in zip(labels, groups, strict=True)
    ]
    figure = _new_figure(11.0, 1.4 + 0.42 * len(groups))
    dcr_axes, hr_axes = figure.subplots(1, 2, sharey=True)
    rows = range(len(groups))
    for row, g in zip(rows, groups, strict=True):
        colour = "black" if g.factor == OVERALL else "#0072B2"
        if g.dcr.difference is not None and g.dcr.lower is not None and g.dcr.upper is not None:
            dcr_axes.plot([100 * g.dcr.lower, 100 * g.dcr.upper], [row, row], color=colour)
            dcr_axes.plot(100 * g.dcr.difference, row, marker="s", color=colour)
        if g.hazard.ratio is not None and g.hazard.lower is not None and g.hazard.upper is not None:
            hr_axes.plot([g.hazard.lower, g.hazard.upper], [row, row], color=colour)
            hr_axes.plot(g.hazard.ratio, row, marker="s", color=colour)
        else:
            hr_axes.text(1.0, row, "not estimable", ha="center", va="center", fontsize=8)
    dcr_axes.axvline(0, color="#777777", linestyle="--", linewidth=1)
    hr_axes.axvline(1, color="#777777", linestyle="--", linewidth=1)
    hr_axes.set_xscale("log")
    dcr_axes.set_yticks(list(rows), labels, fontsize=9)
    dcr_axes.set_ylim(len(groups) - 0.5, -0.5)
    dcr_axes.set_xlabel(f"DCR difference (%, 95 % CI)\n{first} - {control}")
    hr_axes.set_xlabel(f"rPFS hazard ratio (95 % CI, log scale)\n{first} vs {control}")
    dcr_axes.set_title(f"<- favours {control} | favours {first} ->", fontsize=9)
    hr_axes.set_title(f"<- favours {first} | favours {control} ->", fontsize=9)
    for axes in (dcr_axes, hr_axes):
        axes.grid(axis="x", alpha=0.3)
    figure.suptitle("Forest plot by stratification factor (ITT; n = first arm / control arm)")
    return figure
