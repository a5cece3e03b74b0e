"""Writers of the contract's two outputs. A file is written whole or not at all: rows go to a
temporary file beside the target, which then replaces it in one rename (``recist.io.outputs``,
which also raises ``OutputError`` for a target that must not be replaced or cannot be
written)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from recist.display import fmt_mm, fmt_pct
from recist.io.outputs import replace_file, write_stdout
from recist.results import SubjectAssessment, SubjectEndpoints, TimeToEvent

ASSESS_COLUMNS = (
    "subject_id",
    "timepoint",
    "date",
    "target_sum_mm",
    "baseline_sum_mm",
    "nadir_mm",
    "change_from_baseline_pct",
    "change_from_nadir_pct",
    "target_response",
    "non_target_response",
    "new_lesions",
    "overall_response",
)
ENDPOINT_COLUMNS = (
    "subject_id",
    "bor",
    "dcr_6m",
    "rpfs_event",
    "rpfs_date",
    "rpfs_days",
    "rpfs_reason",
    "pfs_event",
    "pfs_date",
    "pfs_days",
    "pfs_reason",
)


def columns(base: Sequence[str], *, with_reader: bool, explain: bool) -> list[str]:
    """The output columns: ``reader`` right after ``subject_id``; ``reason`` last."""
    names = list(base)
    if with_reader:
        names.insert(1, "reader")
    if explain:
        names.append("reason")
    return names


def assessment_rows(
    assessments: Iterable[SubjectAssessment], *, with_reader: bool, explain: bool
) -> Iterable[list[str]]:
    """Output 1 rows, one per timepoint."""
    for assessment in assessments:
        key = assessment.key
        for tp in assessment.timepoints:
            row = [key.subject_id]
            if with_reader:
                row.append(key.reader or "")
            row += [
                tp.timepoint,
                tp.date.isoformat(),
                fmt_mm(tp.target_sum_mm),
                fmt_mm(tp.baseline_sum_mm),
                fmt_mm(tp.nadir_mm),
                fmt_pct(tp.change_from_baseline_pct),
                fmt_pct(tp.change_from_nadir_pct),
                tp.target_response.value if tp.target_response else "",
                tp.non_target_response.value if tp.non_target_response else "",
                tp.new_lesions.value if tp.new_lesions else "",
                tp.overall_response.value if tp.overall_response else "",
            ]
            if explain:
                row.append(tp.reason)
            yield row


def _tte(outcome: TimeToEvent) -> list[str]:
    return [
        "1" if outcome.event else "0",
        outcome.date.isoformat(),
        str(outcome.days),
        outcome.reason,
    ]


def endpoint_rows(
    endpoints: Iterable[SubjectEndpoints], *, with_reader: bool, explain: bool
) -> Iterable[list[str]]:
    """Output 2 rows, one per subject (and reader)."""
    for result in endpoints:
        row = [result.key.subject_id]
        if with_reader:
            row.append(result.key.reader or "")
        row += [result.best_overall_response.value, "Y" if result.dcr_6m else "N"]
        row += _tte(result.rpfs) + _tte(result.pfs)
        if explain:
            row.append(result.reason)
        yield row


def write_csv(destination: Path | None, header: Sequence[str], rows: Iterable[list[str]]) -> None:
    """Write a CSV to ``destination`` atomically, or to standard output when it is None;
    raises ``OutputError`` when it cannot (nothing changed)."""
    if destination is None:
        write_stdout(lambda stream: _write(stream, header, rows))
        return

    def write(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            _write(handle, header, rows)

    replace_file(destination, write)


def _write(stream: TextIO, header: Sequence[str], rows: Iterable[list[str]]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
