"""The report's figures (matplotlib, Agg backend), each returned as PNG bytes.

- Kaplan-Meier curves by arm with censoring ticks, medians, the log-rank p-value and a
  number-at-risk table aligned under the time axis;
- waterfall of each subject's best (lowest) % change from baseline in the sum of target
  diameters (RECIST 1.1 section 4.3.1), coloured by arm, with the PR (-30 %) and PD (+20 %)
  thresholds and the best overall response over each bar;
- spider plot: % change from baseline over time, one panel per arm;
- swimmer plot: each subject's follow-up as a bar with the overall response at every
  assessment, progression, death and the start of a new therapy.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from recist.model import Response
from recist.report.populations import AnalysisSubject
from recist.report.survival import ENDPOINTS, SurvivalAnalysis
from recist.report.tables import DAYS_PER_MONTH, p_value_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Okabe-Ito colours (readable with colour-vision deficiency), one per arm in order.
ARM_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
#: Response markers of the swimmer and spider plots: marker, face colour, label.
RESPONSE_MARKERS: dict[Response, tuple[str, str, str]] = {
    Response.CR: ("*", "#1B7837", "CR"),
    Response.PR: ("^", "#5AAE61", "PR"),
    Response.SD: ("o", "#FFFFFF", "SD"),
    Response.NON_CR_NON_PD: ("s", "#FFFFFF", "non-CR/non-PD"),
    Response.PD: ("X", "#D62728", "PD"),
    Response.NE: ("o", "#BBBBBB", "NE"),
}
PR_THRESHOLD = -30.0
PD_THRESHOLD = 20.0
MONTH_LABEL = "Months from randomization"


def arm_colours(arms: Sequence[str]) -> dict[str, str]:
    return {arm: ARM_COLOURS[i % len(ARM_COLOURS)] for i, arm in enumerate(arms)}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=130, bbox_inches="tight")
    return buffer.getvalue()


def _new_figure(width: float, height: float) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    return figure


def kaplan_meier_figure(analysis: SurvivalAnalysis, colours: dict[str, str]) -> bytes:
    """Kaplan-Meier curves with a number-at-risk table sharing the time axis (PNG)."""
    return _png(draw_kaplan_meier(analysis, colours))


def draw_kaplan_meier(analysis: SurvivalAnalysis, colours: dict[str, str]) -> Figure:
    """The figure of ``kaplan_meier_figure``."""
    from matplotlib.lines import Line2D

    rows = len(analysis.arms)
    figure = _new_figure(9.0, 5.4 + 0.32 * rows)
    curve_axes, table_axes = figure.subplots(
        2, 1, sharex=True, height_ratios=[5.0, 0.45 + 0.32 * rows]
    )
    longest = max((max(c.times, default=0.0) for c in analysis.arms), default=0.0)
    for curve in analysis.arms:
        colour = colours[curve.arm]
        estimate = curve.estimate
        xs = [0.0, *estimate.times, max(curve.times, default=0.0)]
        ys = [1.0, *estimate.survival, estimate.survival[-1] if estimate.survival else 1.0]
        median = "not reached" if estimate.median is None else f"{estimate.median:.1f} mo"
        label = f"{curve.arm} (n={estimate.n}, events={estimate.events}, median {median})"
        curve_axes.step(xs, ys, where="post", color=colour, linewidth=2, label=label)
        censored = [t for t, e in zip(curve.times, curve.events, strict=True) if not e]
        curve_axes.plot(
            censored,
            [estimate.at(t) for t in censored],
            linestyle="none",
            marker="|",
            markersize=9,
            markeredgewidth=1.5,
            color=colour,
        )
    text = f"log-rank: {p_value_text(analysis.unstratified.p_value, 'p ')}"
    if analysis.stratified is not None:
        text += f"\nstratified log-rank: {p_value_text(analysis.stratified.p_value, 'p ')}"
    hazard, kind = analysis.hazard_shown()
    if hazard.ratio is not None and hazard.lower is not None and hazard.upper is not None:
        text += f"\n{kind} HR {hazard.ratio:.2f} (95 % CI {hazard.lower:.2f}-{hazard.upper:.2f})"
        if analysis.stratified_hazard_note:
            text += "\n(stratified HR not estimable: one-arm strata)"
    curve_axes.text(
        0.98, 0.04, text, transform=curve_axes.transAxes, fontsize=10, va="bottom", ha="right"
    )
    curve_axes.set_ylim(-0.02, 1.04)
    curve_axes.set_ylabel(f"{analysis.endpoint} probability")
    curve_axes.set_title(
        f"{analysis.endpoint} ({ENDPOINTS[analysis.endpoint]}), {analysis.population} population",
        fontsize=12,
    )
    curve_axes.grid(alpha=0.3)
    handles, _ = curve_axes.get_legend_handles_labels()
    handles.append(
        Line2D(
            [], [], marker="|", color="#444444", linestyle="none", markersize=9, label="censored"
        )
    )
    curve_axes.legend(handles=handles, loc="lower left", fontsize=9)
    table_axes.set_xlim(-0.03 * longest, longest * 1.03 + 0.1)
    curve_axes.tick_params(labelbottom=True)
    curve_axes.set_xlabel(MONTH_LABEL)
    curve_axes.set_xticks(list(analysis.grid))
    table_axes.set_ylim(rows - 0.5, -0.9)
    table_axes.set_yticks(range(rows), [c.arm for c in analysis.arms])
    for tick, curve in zip(table_axes.get_yticklabels(), analysis.arms, strict=True):
        tick.set_color(colours[curve.arm])
    for row, curve in enumerate(analysis.arms):
        for t, count in zip(analysis.grid, curve.at_risk, strict=True):
            table_axes.text(t, row, str(count), ha="center", va="center", fontsize=10)
    table_axes.text(0, -0.85, "Number at risk", fontsize=9, ha="left", va="center", weight="bold")
    table_axes.tick_params(axis="x", bottom=False, labelbottom=False)
    table_axes.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom", "left"):
        table_axes.spines[side].set_visible(False)
    return figure


def best_change(subject: AnalysisSubject) -> float | None:
    """The subject's lowest % change from baseline in the sum of target diameters."""
    changes = [
        float(tp.change_from_baseline_pct)
        for tp in subject.assessment.follow_ups
        if tp.change_from_baseline_pct is not None
    ]
    return min(changes, default=None)


def waterfall_figure(subjects: Sequence[AnalysisSubject], colours: dict[str, str]) -> bytes:
    """Best % change from baseline per subject, largest increase on the left."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    measured = [(s, change) for s in subjects if (change := best_change(s)) is not None]
    measured.sort(key=lambda item: (-item[1], item[0].subject_id))
    figure = _new_figure(max(8.0, 0.22 * len(measured) + 2.0), 5.2)
    axes = figure.subplots()
    positions = range(len(measured))
    values = [change for _, change in measured]
    axes.bar(
        positions,
        values,
        color=[colours[s.arm] for s, _ in measured],
        width=0.8,
        edgecolor="white",
        linewidth=0.5,
    )
    for x, (subject, change) in zip(positions, measured, strict=True):
        label = subject.endpoints.best_overall_response.value
        offset = 2.0 if change >= 0 else -2.0
        axes.text(
            x,
            change + offset,
            label,
            ha="center",
            va="bottom" if change >= 0 else "top",
            fontsize=7,
            rotation=90,
        )
    axes.axhline(PD_THRESHOLD, color="#D62728", linestyle="--", linewidth=1)
    axes.axhline(PR_THRESHOLD, color="#1B7837", linestyle="--", linewidth=1)
    axes.axhline(0, color="black", linewidth=0.8)
    low = min([*values, PR_THRESHOLD, -40.0])
    high = max([*values, PD_THRESHOLD, 30.0])
    axes.set_ylim(low - 14, high + 14)
    axes.set_xlim(-0.8, len(measured) - 0.2)
    axes.set_xticks([])
    axes.set_xlabel(f"Subjects with a post-baseline target sum (n={len(measured)}), by best change")
    axes.set_ylabel("Best change from baseline\nin sum of target diameters (%)")
    axes.set_title("Waterfall plot: best % change in tumour size (label: best overall response)")
    handles: list[Patch | Line2D] = [
        Patch(color=colour, label=arm) for arm, colour in colours.items()
    ]
    handles.append(Line2D([], [], color="#D62728", linestyle="--", label="+20 % (PD threshold)"))
    handles.append(Line2D([], [], color="#1B7837", linestyle="--", label="-30 % (PR threshold)"))
    axes.legend(handles=handles, loc="upper right", fontsize=9)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def spider_figure(subjects: Sequence[AnalysisSubject], arms: Sequence[str]) -> bytes:
    """% change from baseline over time, one panel per arm."""
    from matplotlib.ticker import MultipleLocator

    colours = arm_colours(arms)
    figure = _new_figure(5.0 * len(arms) + 0.5, 5.0)
    panels = figure.subplots(1, len(arms), sharey=True, squeeze=False)[0]
    for axes, arm in zip(panels, arms, strict=True):
        members = [s for s in subjects if s.arm == arm]
        drawn = 0
        for subject in members:
            randomized = subject.info.randomization_date
            start = randomized or subject.assessment.timepoints[0].date
            points = [
                (
                    (tp.date - start).days / DAYS_PER_MONTH,
                    float(tp.change_from_baseline_pct or 0),
                    tp.overall_response,
                )
                for tp in subject.assessment.timepoints
                if tp.is_baseline or tp.change_from_baseline_pct is not None
            ]
            if len(points) < 2:
                continue
            drawn += 1
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            axes.plot(xs, ys, color=colours[arm], alpha=0.7, linewidth=1.2, marker=".")
            for x, y, response in points:
                if response is Response.PD:
                    axes.plot(x, y, marker="X", color="#D62728", markersize=7, linestyle="none")
        axes.axhline(PD_THRESHOLD, color="#D62728", linestyle="--", linewidth=1)
        axes.axhline(PR_THRESHOLD, color="#1B7837", linestyle="--", linewidth=1)
        axes.axhline(0, color="black", linewidth=0.8)
        axes.set_title(f"{arm} (n={drawn} with follow-up)", color=colours[arm], fontsize=12)
        axes.set_xlabel(MONTH_LABEL)
        axes.xaxis.set_major_locator(MultipleLocator(3))
        axes.grid(alpha=0.3)
    panels[0].set_ylabel("Change from baseline in sum of target diameters (%)")
    panels[-1].plot([], [], marker="X", color="#D62728", linestyle="none", label="PD")
    panels[-1].legend(loc="upper right", fontsize=9)
    figure.suptitle("Spider plot: % change in tumour size over time (dashed: +20 % / -30 %)")
    return _png(figure)


def swimmer_figure(subjects: Sequence[AnalysisSubject], arms: Sequence[str]) -> bytes:
    """Each subject's follow-up with the overall response at every assessment."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MultipleLocator

    colours = arm_colours(arms)
    ordered = sorted(
        subjects, key=lambda s: (arms.index(s.arm), -s.endpoints.rpfs.days, s.subject_id)
    )
    figure = _new_figure(10.0, 1.6 + 0.24 * len(ordered))
    axes = figure.subplots()
    for row, subject in enumerate(ordered):
        randomized = subject.info.randomization_date
        assert randomized is not None  # load_trial requires it

        def month(date: dt.date, start: dt.date = randomized) -> float:
            return (date - start).days / DAYS_PER_MONTH

        follow_ups = subject.assessment.follow_ups
        ends = [subject.endpoints.rpfs.days / DAYS_PER_MONTH]
        ends += [month(tp.date) for tp in follow_ups]
        for date in (subject.info.death_date, subject.info.new_therapy_date):
            if date is not None:
                ends.append(month(date))
        axes.barh(row, max(ends), color=colours[subject.arm], alpha=0.35, height=0.7)
        for tp in follow_ups:
            if tp.overall_response is None:
                continue
            marker, face, _ = RESPONSE_MARKERS[tp.overall_response]
            axes.plot(
                month(tp.date),
                row,
                marker=marker,
                markerfacecolor=face,
                markeredgecolor="#333333",
                markersize=8 if marker == "*" else 6,
                linestyle="none",
            )
        if subject.info.new_therapy_date is not None:
            axes.plot(
                month(subject.info.new_therapy_date),
                row,
                marker="|",
                color="#6A3D9A",
                markersize=12,
                markeredgewidth=2.5,
                linestyle="none",
            )
        if subject.info.death_date is not None:
            axes.plot(
                month(subject.info.death_date),
                row,
                marker="D",
                color="black",
                markersize=6,
                linestyle="none",
            )
        elif not subject.endpoints.rpfs.event:
            axes.annotate(
                "",
                xy=(max(ends) + 0.6, row),
                xytext=(max(ends), row),
                arrowprops={"arrowstyle": "->", "color": "#555555"},
            )
    axes.set_yticks(range(len(ordered)), [s.subject_id for s in ordered], fontsize=7)
    for tick, subject in zip(axes.get_yticklabels(), ordered, strict=True):
        tick.set_color(colours[subject.arm])
    axes.set_ylim(len(ordered) - 0.4, -0.6)
    axes.set_xlabel(MONTH_LABEL)
    axes.set_xlim(left=0)
    axes.xaxis.set_major_locator(MultipleLocator(3))
    axes.grid(axis="x", alpha=0.3)
    axes.set_title("Swimmer plot: each subject's course (bar: follow-up, coloured by arm)")
    handles: list[Patch | Line2D] = [
        Patch(color=colours[arm], alpha=0.35, label=arm) for arm in arms
    ]
    for marker, face, label in RESPONSE_MARKERS.values():
        handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                markerfacecolor=face,
                markeredgecolor="#333333",
                linestyle="none",
                label=label,
            )
        )
    handles.append(Line2D([], [], marker="D", color="black", linestyle="none", label="death"))
    handles.append(
        Line2D(
            [],
            [],
            marker="|",
            color="#6A3D9A",
            markeredgewidth=2.5,
            markersize=12,
            linestyle="none",
            label="new therapy",
        )
    )
    handles.append(
        Line2D(
            [],
            [],
            marker=r"$\rightarrow$",
            color="#555555",
            linestyle="none",
            markersize=12,
            label="no rPFS event (censored)",
        )
    )
    axes.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False
    )
    return _png(figure)
