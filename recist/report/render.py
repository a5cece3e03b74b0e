"""The report's files: one self-contained ``report.html`` (figures embedded as base64 PNG, no
external resource), the CSV tables behind it, and the figures as PNG files."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
from importlib import metadata

from recist.report.analysis import Analysis
from recist.report.figures import (
    arm_colours,
    kaplan_meier_figure,
    spider_figure,
    swimmer_figure,
    waterfall_figure,
)
from recist.report.flow import FLOW_FILE, flow_html
from recist.report.forest import forest_figure
from recist.report.labels import shown
from recist.report.primary import comparisons
from recist.report.settings import latest_date
from recist.report.tables import (
    EXCLUDED,
    EXCLUSIONS_FILE,
    PER_PROTOCOL,
    RANDOMIZED,
    ReportTable,
    p_value_text,
)

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 1400px;
       color: #222; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.6em; border-bottom: 2px solid #0072B2; padding-bottom: .3em; }
h2 { font-size: 1.3em; margin-top: 2em; color: #0b3c5d; }
table { border-collapse: collapse; margin: .6em 0 .3em; font-size: .82em; }
th, td { border: 1px solid #ccc; padding: .2em .45em; text-align: left; white-space: nowrap; }
td.wrap { white-space: normal; min-width: 18em; }
div.table { overflow-x: auto; }
th { background: #eef3f8; }
.num { text-align: right; }
.summary { background: #f3f8fc; border-left: 4px solid #0072B2; padding: .6em 1.2em; }
tr:nth-child(even) td { background: #fafafa; }
p.note { font-size: .85em; color: #555; margin-top: .2em; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: .9em; color: #444; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
dt { font-weight: bold; }
td.level0 { font-weight: bold; }
td.level1 { padding-left: 1.6em; }
td.level2 { padding-left: 3.2em; font-style: italic; }
"""


def csv_bytes(table: ReportTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return buffer.getvalue().encode("utf-8")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table_html(table: ReportTable, *, caption: bool = True) -> str:
    """The table for a clinical reader (``recist.report.labels``): labelled headers, p-values as
    ``0.011`` / ``<0.001``, ratios and statistics to two decimals; numeric columns
    right-aligned (header included). The CSV file keeps the names and the precision."""
    numeric = [
        all(_is_number(row[i]) or not row[i] for row in table.rows) and i > 0
        for i in range(len(table.columns))
    ]
    table = shown(table)

    def cell(tag: str, value: str, index: int) -> str:
        kind = "num" if numeric[index] else "wrap" if len(value) > 40 else ""
        attribute = f' class="{kind}"' if kind else ""
        return f"<{tag}{attribute}>{html.escape(value)}</{tag}>"

    head = "".join(cell("th", c, i) for i, c in enumerate(table.columns))
    body = "".join(
        "<tr>" + "".join(cell("td", v, i) for i, v in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    title = f"<h3>{html.escape(table.title)}</h3>" if caption else ""
    note = f'<p class="note">{html.escape(table.note)} (file: {table.filename})</p>'
    return f'{title}<div class="table"><table><tr>{head}</tr>{body}</table></div>{note}'


def exclusions_html(table: ReportTable, arms: tuple[str, ...]) -> str:
    """The per-protocol exclusions as a flow: randomized, excluded (each subject once), each
    reason indented (a major deviation's texts below it), per-protocol; n and % per arm."""
    groups = [*arms, "All arms"]
    head = (
        '<tr><th rowspan="2">Population / reason for exclusion</th>'
        + "".join(f'<th colspan="2" class="num">{html.escape(g)}</th>' for g in groups)
        + "</tr><tr>"
        + '<th class="num">n</th><th class="num">%</th>' * len(groups)
        + "</tr>"
    )
    body = []
    for reason, detail, *cells in table.rows:
        level = 0 if reason in (RANDOMIZED, EXCLUDED, PER_PROTOCOL) else 2 if detail else 1
        label = f"\u201c{detail}\u201d" if detail else reason
        label = label[0].upper() + label[1:]
        body.append(
            f'<tr><td class="level{level}">{html.escape(label)}</td>'
            + "".join(f'<td class="num">{html.escape(c)}</td>' for c in cells)
            + "</tr>"
        )
    note = f'<p class="note">{html.escape(table.note)} (file: {table.filename})</p>'
    return (
        f"<h3>{html.escape(table.title)}</h3>"
        f'<div class="table"><table>{head}{"".join(body)}</table></div>{note}'
    )


def figure_html(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _methods(analysis: Analysis) -> str:
    options = analysis.options
    settings = analysis.settings
    strata = " x ".join(analysis.strata_columns) or "none given"
    pairs = comparisons(analysis.arms)
    compared = "; ".join(f"{a} vs {c}" for a, c in pairs) or "none (one arm)"
    primary, other = (
        ("Cochran-Mantel-Haenszel test stratified by " + strata, "Pearson chi-square")
        if settings.primary_test == "cmh"
        else ("Pearson chi-square", "Cochran-Mantel-Haenszel test stratified by " + strata)
    )
    planned = analysis.sample_size
    items = {
        "Populations": "; ".join(
            f"{p.name} (n={len(p.subjects)}): {p.description}" for p in analysis.populations
        ),
        "Arms": " vs ".join(analysis.arms),
        "Comparisons": compared
        + (
            " (each arm against the control, the last arm; no multiplicity adjustment)"
            if len(pairs) > 1
            else " (differences and hazard ratios: first arm against the second)"
        )
        + (
            f"; log-rank tests compare all {len(analysis.arms)} arms together "
            f"({len(analysis.arms) - 1} df); no hazard ratio (two arms only); forest plot: "
            f"{pairs[0][0]} vs {pairs[0][1]}"
            if len(analysis.arms) > 2
            else ""
        ),
        "Disease control": f"overall response CR, PR, SD or non-CR/non-PD at the evaluable "
        f"assessment closest to day {options.dcr_day} (window +-{options.dcr_window} days), "
        "no progression or death before it",
        "Primary test": f"pre-specified (protocol settings, primary_test = "
        f"{settings.primary_test}): {primary}, two-sided alpha {settings.alpha:g}; "
        f"sensitivity: {other} (Fisher's exact test when an expected count is below 5)",
        "Sensitivity analyses": "disease control with a missing or NE landmark assessment by "
        "the protocol's rule (failure) and by a bracketing rule; rPFS with the FDA censoring "
        f"alternatives (progression at the next scheduled visit, every "
        f"{settings.assessment_interval_days} days; events after missed visits counted)",
        "Sample size": (
            f"{planned.per_arm} per arm, {planned.total} in total (two arms, 1:1), to detect a "
            "disease control "
            f"rate of {100 * settings.experimental_rate:g} % vs {100 * settings.control_rate:g} "
            f"% with {100 * settings.power:g} % power at two-sided {100 * settings.alpha:g} % "
            "(normal approximation, pooled variance under the null, no continuity correction; "
            f"power with {planned.per_arm} per arm: {100 * planned.achieved_power:.1f} %)"
        )
        if planned is not None
        else "",
        "Schedule": f"SD counts from day {options.sd_min_days}; confirmation of CR/PR "
        f"{'required' if options.confirm else 'not required (randomized trial)'}; an event "
        f"after a gap of more than {options.max_gap_days} days is censored",
        "Stratification": strata,
        "Statistics": "Clopper-Pearson exact CI (statsmodels); Newcombe hybrid score CI of "
        "differences (statsmodels); Pearson chi-square or Fisher's exact test (scipy); "
        "Cochran-Mantel-Haenszel test (statsmodels); Kaplan-Meier with log-log CI of the "
        "median, no rate beyond the last follow-up; stratified log-rank test; Cox hazard "
        "ratio (statsmodels), stratified only when every stratum holds both arms",
    }
    rows = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in items.items() if v
    )
    return f"<dl>{rows}</dl>"


def data_cutoff(analysis: Analysis) -> tuple[dt.date | None, str]:
    """The data cut-off of the protocol settings, else the latest date in the data."""
    if analysis.settings.data_cutoff is not None:
        return analysis.settings.data_cutoff, "protocol settings"
    latest = latest_date(analysis.populations[0].subjects)
    return latest[0] if latest else None, "latest date in the data; no data_cutoff in the settings"


def heading(analysis: Analysis, source: str) -> tuple[str, str]:
    """The report's title (study, cut-off) and the line under it (populations, source)."""
    cutoff, origin = data_cutoff(analysis)
    when = cutoff.isoformat() if cutoff is not None else "unknown"
    title = f"{analysis.settings.study_id}: RECIST 1.1 trial report, data cut-off {when}"
    populations = ", ".join(f"{p.name} (n={len(p.subjects)})" for p in analysis.populations)
    return title, f"Data cut-off: {when} ({origin}). Analysis populations: {populations}. {source}"


def _version() -> str:
    try:
        return f"recist-toolkit {metadata.version('recist-toolkit')}"
    except metadata.PackageNotFoundError:
        return "recist-toolkit"


def _ci(row: dict[str, str], low: str, high: str, unit: str = " %") -> str:
    lower, upper = row[low] or "NR", row[high] or "NR"
    return f"{lower} to {upper}{unit}"


def _p(text: str) -> str:
    return p_value_text(float(text), "p ")


def _summary(analysis: Analysis) -> str:
    """Key ITT results in a few sentences, each read off the tables below."""

    def rows(filename: str) -> list[dict[str, str]]:
        table = analysis.table(filename)
        records = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
        return [r for r in records if r["population"] == analysis.populations[0].name]

    lines = []
    for filename, label in (("dcr.csv", "Disease control"), ("orr.csv", "Objective response")):
        arms = "; ".join(
            f"{r['arm']} {r['count']}/{r['n']} = {r['pct']} % (95 % CI "
            f"{_ci(r, 'ci_lower_pct', 'ci_upper_pct')})"
            for r in rows(filename)
        )
        endpoint = "DCR" if filename == "dcr.csv" else "ORR"
        for c in rows("comparisons.csv"):
            if c["endpoint"] == endpoint and c["p_value"]:
                arms += (
                    f"; difference {c['difference_pct']} % (95 % CI "
                    f"{_ci(c, 'ci_lower_pct', 'ci_upper_pct')}), {c['test']} "
                    f"{_p(c['p_value'])}"
                )
        if endpoint == "DCR":
            for t in rows("primary_test.csv"):
                if t["role"] == "primary" and t["p_value"]:
                    arms += f"; primary test ({t['test']}) {_p(t['p_value'])}"
        lines.append(f"<b>{label}</b>: {html.escape(arms)}.")
    for endpoint in ("rPFS", "PFS"):
        medians = "; ".join(
            f"{r['arm']} {r['events']} events, median "
            + (f"{r['median_months']} months" if r["median_months"] else "not reached")
            for r in rows("survival.csv")
            if r["endpoint"] == endpoint
        )
        for t in rows("log_rank.csv"):
            if t["endpoint"] == endpoint and t["p_value"]:
                medians += f"; {t['test']} {_p(t['p_value'])}"
                if t["hazard_ratio"]:
                    medians += (
                        f", HR {float(t['hazard_ratio']):.2f} (95 % CI "
                        f"{float(t['hr_ci_lower']):.2f}-{float(t['hr_ci_upper']):.2f})"
                    )
        lines.append(f"<b>{endpoint}</b>: {html.escape(medians)}.")
    items = "".join(f"<li>{line}</li>" for line in lines)
    name = analysis.populations[0].name
    return f'<div class="summary"><p>Key results, {name} population:</p><ul>{items}</ul></div>'


def render_report(analysis: Analysis, *, title: str) -> dict[str, bytes]:
    """Every output file, by name: ``report.html``, the CSV tables and the figure PNGs."""
    colours = arm_colours(analysis.arms)
    itt = analysis.populations[0]
    figures: dict[str, tuple[bytes, str]] = {}
    for survival in analysis.survival:
        if survival.population == itt.name:
            name = f"km_{survival.endpoint.lower()}.png"
            figures[name] = (
                kaplan_meier_figure(survival, colours),
                f"Kaplan-Meier estimate of {survival.endpoint} by arm ({itt.name}), with the "
                "number at risk below the time axis.",
            )
    figures["waterfall.png"] = (
        waterfall_figure(itt.subjects, colours),
        "Best (lowest) % change from baseline in the sum of target diameters over all "
        "post-baseline assessments; subjects without one are not shown.",
    )
    figures["spider.png"] = (
        spider_figure(itt.subjects, analysis.arms),
        "% change from baseline in the sum of target diameters at each assessment.",
    )
    figures["swimmer.png"] = (
        swimmer_figure(itt.subjects, analysis.arms),
        "Follow-up of each subject, sorted by arm and rPFS time; markers: overall response "
        "at each assessment.",
    )
    if analysis.subgroups:
        first, control = comparisons(analysis.arms)[0]
        figures["forest.png"] = (
            forest_figure(analysis.subgroups, first, control),
            "Disease control difference and rPFS hazard ratio by level of each stratification "
            "factor (descriptive; table forest.csv).",
        )
    sections = [
        (
            "Analysis populations",
            [FLOW_FILE, EXCLUSIONS_FILE, "per_protocol_excluded_subjects.csv"],
            [],
        ),
        (
            "Disease control rate (primary endpoint)",
            ["dcr.csv", "primary_test.csv", "comparisons.csv", "dcr_sensitivity.csv"],
            [],
        ),
        ("Best overall response", ["best_overall_response.csv", "orr.csv"], ["waterfall.png"]),
        (
            "rPFS and PFS",
            [
                "survival.csv",
                "log_rank.csv",
                "number_at_risk.csv",
                "rpfs_sensitivity.csv",
            ],
            ["km_rpfs.png", "km_pfs.png"],
        ),
        (
            "Subgroups by stratification factor",
            ["forest.csv"] if analysis.subgroups else [],
            ["forest.png"] if analysis.subgroups else [],
        ),
        ("Tumour size and each subject's course", [], ["spider.png", "swimmer.png"]),
        ("Analysis dataset", ["subjects.csv"], []),
    ]
    title, subtitle = heading(analysis, title)
    body = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">{html.escape(subtitle)}</p>',
        _summary(analysis),
        "<h2>Methods</h2>",
        _methods(analysis),
    ]
    for section, tables, pictures in sections:
        if not tables and not pictures:
            continue
        body.append(f"<h2>{html.escape(section)}</h2>")
        body += [
            exclusions_html(analysis.table(name), analysis.arms)
            if name == EXCLUSIONS_FILE
            else flow_html(analysis.table(name))
            if name == FLOW_FILE
            else table_html(analysis.table(name))
            for name in tables
        ]
        body += [figure_html(figures[p][0], p, figures[p][1]) for p in pictures]
    body.append(f'<p class="note">Generated by recist report ({_version()}).</p>')
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
    files = {"report.html": page.encode("utf-8")}
    files.update({table.filename: csv_bytes(table) for table in analysis.tables})
    files.update({name: png for name, (png, _) in figures.items()})
    return files
