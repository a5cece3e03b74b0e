"""A CONSORT-style flow of the subjects (CONSORT 2010, item 13a): per arm, how many were
randomized, scanned (a baseline tumour assessment), evaluable (at least one adequate
post-baseline evaluation, or progression documented) and per-protocol."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from recist.report.populations import AnalysisSubject, Population
from recist.report.tables import ReportTable


def scanned(subject: AnalysisSubject) -> bool:
    return subject.assessment.baseline is not None


def evaluable(subject: AnalysisSubject) -> bool:
    return scanned(subject) and (
        subject.evaluations > 0 or subject.endpoints.progression_date is not None
    )


#: Each stage of the flow, in order; each is a subset of the one before.
STAGES: dict[str, Callable[[AnalysisSubject], bool]] = {
    "randomized (ITT)": lambda s: True,
    "scanned: baseline tumour assessment": scanned,
    "evaluable: >= 1 adequate post-baseline evaluation or progression": evaluable,
    "per-protocol": lambda s: s.per_protocol,
}


FLOW_FILE = "flow.csv"


def flow_table(itt: Population, arms: Sequence[str]) -> ReportTable:
    """Subjects at each stage of ``STAGES`` per arm and in all arms."""
    rows = []
    for stage, keeps in STAGES.items():
        counts = [sum(keeps(s) for s in itt.arm(arm)) for arm in arms]
        rows.append((stage, *(str(c) for c in counts), str(sum(counts))))
    return ReportTable(
        FLOW_FILE,
        "Flow of subjects (CONSORT): randomized, scanned, evaluable, per-protocol",
        ("stage", *arms, "all arms"),
        tuple(rows),
        "Each stage counts the subjects of the stage above who meet it; the per-protocol "
        "reasons are listed under Analysis populations.",
    )


#: What the subjects lost between a stage and the next are, in the flow diagram.
LOST = (
    "no baseline tumour assessment",
    "no adequate post-baseline evaluation and no progression",
    "excluded from per-protocol (reasons below)",
)
_BOX = "border:1px solid #0072B2;border-radius:4px;padding:.3em .8em;background:#f3f8fc"
_LOSS = "color:#7a2e00;font-size:.85em"


def flow_html(table: ReportTable) -> str:
    """``flow.csv`` as a CONSORT-style diagram: one column per arm, a box per stage, and
    between boxes how many subjects the next stage loses and why."""
    arms = table.columns[1:]
    counts = [[int(c) for c in row[1:]] for row in table.rows]
    cells = ["<tr>" + "".join(f"<th>{html.escape(a)}</th>" for a in arms) + "</tr>"]
    for index, row in enumerate(table.rows):
        if index:
            lost = [
                before - after
                for before, after in zip(counts[index - 1], counts[index], strict=True)
            ]
            cells.append(
                "<tr>"
                + "".join(
                    f'<td style="text-align:center;border:none"><div>&darr;</div>'
                    f'<div style="{_LOSS}">{n} {html.escape(LOST[index - 1])}</div></td>'
                    for n in lost
                )
                + "</tr>"
            )
        cells.append(
            "<tr>"
            + "".join(
                f'<td style="text-align:center;border:none"><div style="{_BOX}">'
                f"{html.escape(row[0][0].upper() + row[0][1:])}: <b>{n}</b></div></td>"
                for n in counts[index]
            )
            + "</tr>"
        )
    note = f'<p class="note">{html.escape(table.note)} (file: {table.filename})</p>'
    return (
        f"<h3>{html.escape(table.title)}</h3>"
        f'<div class="table"><table>{"".join(cells)}</table></div>{note}'
    )
