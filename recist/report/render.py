"""The report's files: one self-contained ``report.html`` (figures embedded as base64 PNG, no
external resource), the CSV tables behind it, and the figures as PNG files."""

from __future__ import annotations

import base64
import csv
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
from recist.report.tables import ReportTable

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 1200px;
       color: #222; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.6em; border-bottom: 2px solid #0072B2; padding-bottom: .3em; }
h2 { font-size: 1.3em; margin-top: 2em; color: #0b3c5d; }
table { border-collapse: collapse; margin: .6em 0 .3em; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: right; }
th { background: #eef3f8; }
td:first-child, th:first-child, td.text { text-align: left; }
tr:nth-child(even) td { background: #fafafa; }
p.note { font-size: .85em; color: #555; margin-top: .2em; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: .9em; color: #444; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
dt { font-weight: bold; }
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
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        cells = "".join(
            f"<td>{html.escape(v)}</td>"
            if _is_number(v) or not v
            else f'<td class="text">{html.escape(v)}</td>'
            for v in row
        )
        body.append(f"<tr>{cells}</tr>")
    title = f"<h3>{html.escape(table.title)}</h3>" if caption else ""
    note = f'<p class="note">{html.escape(table.note)} (file: {table.filename})</p>'
    return f"{title}<table><tr>{head}</tr>{''.join(body)}</table>{note}"


def figure_html(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _methods(analysis: Analysis) -> str:
    options = analysis.options
    strata = " x ".join(analysis.strata_columns) or "none given"
    items = {
        "Populations": "; ".join(
            f"{p.name} (n={len(p.subjects)}): {p.description}" for p in analysis.populations
        ),
        "Arms": " vs ".join(analysis.arms)
        + " (differences and hazard ratios: first arm against the second)",
        "Disease control": f"overall response CR, PR, SD or non-CR/non-PD at the evaluable "
        f"assessment closest to day {options.dcr_day} (window +-{options.dcr_window} days), "
        "no progression or death before it",
        "Schedule": f"SD counts from day {options.sd_min_days}; confirmation of CR/PR "
        f"{'required' if options.confirm else 'not required (randomized trial)'}; an event "
        f"after a gap of more than {options.max_gap_days} days is censored",
        "Stratification": strata,
        "Statistics": "Clopper-Pearson exact CI (statsmodels); Newcombe hybrid score CI of "
        "differences (statsmodels); Pearson chi-square or Fisher's exact test (scipy); "
        "Kaplan-Meier with log-log CI of the median, stratified log-rank test and Cox hazard "
        "ratio (statsmodels)",
    }
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in items.items())
    return f"<dl>{rows}</dl>"


def _version() -> str:
    try:
        return f"recist-toolkit {metadata.version('recist-toolkit')}"
    except metadata.PackageNotFoundError:
        return "recist-toolkit"


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
    sections = [
        ("Disease control rate (primary endpoint)", ["dcr.csv", "comparisons.csv"], []),
        ("Best overall response", ["best_overall_response.csv", "orr.csv"], ["waterfall.png"]),
        (
            "rPFS and PFS",
            ["survival.csv", "log_rank.csv", "number_at_risk.csv"],
            ["km_rpfs.png", "km_pfs.png"],
        ),
        ("Tumour size and each subject's course", [], ["spider.png", "swimmer.png"]),
        ("Analysis dataset", ["subjects.csv"], []),
    ]
    body = [f"<h1>{html.escape(title)}</h1>", "<h2>Methods</h2>", _methods(analysis)]
    for heading, tables, pictures in sections:
        body.append(f"<h2>{html.escape(heading)}</h2>")
        body += [table_html(analysis.table(name)) for name in tables]
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
