"""The lesion x timepoint grid: what the reading's main table shows, as plain data.

Rows are lesions, columns timepoints. Each cell is the lesion's state and diameter there; each
column carries the sum of diameters, the change from baseline and from the nadir, and the
target, non-target, new-lesion and overall responses with the engine's reason (RECIST 1.1
sections 4.3-4.4, Tables 1-2). The engine computes it (``Engine``, implemented by
``reviewer_gui.engine_adapter``) from exactly the rows the export writes, so ``recist assess``
on the export gives the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from reviewer_gui.reading.records import Lesion, ReadView
from reviewer_gui.reading.vocabulary import State


@dataclass(frozen=True, slots=True)
class GridCell:
    """A lesion at a timepoint. ``diameter_mm`` is the measured diameter that counts (short
    axis of a node, else long axis; fragments summed); ``complete`` is False for a target
    ``PRESENT`` without that diameter (the engine then sees it as not evaluated)."""

    state: State
    diameter_mm: Decimal | None
    long_axis_mm: Decimal | None
    short_axis_mm: Decimal | None
    fragments: int
    complete: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class GridRow:
    """A lesion, its cells (``None`` where it was not observed) and the conformance findings
    about it (shown beside it)."""

    lesion: Lesion
    cells: tuple[GridCell | None, ...]
    findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TimepointColumn:
    """A timepoint's figures and responses, as the engine computed them (``None`` where the
    engine has nothing: e.g. no complete observation yet). ``is_nadir`` marks the timepoint
    whose sum is the nadir, the smallest complete sum so far (RECIST 1.1 section 4.3.1).
    ``change_from_baseline_shown`` and ``change_from_nadir_shown`` are the percentages as the
    engine prints them (``-29.95 %``: two decimals truncated toward zero, never rounded across
    a threshold); every window shows these, none formats the numbers itself."""

    label: str
    scan_date: dt.date
    is_baseline: bool
    signed: bool
    target_sum_mm: Decimal | None = None
    evaluated_sum_mm: Decimal | None = None
    baseline_sum_mm: Decimal | None = None
    nadir_mm: Decimal | None = None
    change_from_baseline_pct: Decimal | None = None
    change_from_nadir_pct: Decimal | None = None
    target_response: str | None = None
    non_target_response: str | None = None
    new_lesions: str | None = None
    overall_response: str | None = None
    reason: str = ""
    is_nadir: bool = False
    change_from_baseline_shown: str = ""
    change_from_nadir_shown: str = ""


@dataclass(frozen=True, slots=True)
class Grid:
    """One read's lesion x timepoint grid. ``findings`` are the subject-level baseline
    conformance findings; ``problems`` are rows the engine refused (should not happen: the
    model only builds valid rows; shown rather than hidden if it does)."""

    columns: tuple[TimepointColumn, ...]
    rows: tuple[GridRow, ...]
    findings: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def column(self, label: str) -> TimepointColumn:
        for column in self.columns:
            if column.label == label:
                return column
        raise KeyError(f"no timepoint {label!r} in the grid")

    def row(self, lesion_id: str) -> GridRow:
        for row in self.rows:
            if row.lesion.lesion_id == lesion_id:
                return row
        raise KeyError(f"no lesion {lesion_id!r} in the grid")

    def findings_by_lesion(self) -> dict[str, tuple[str, ...]]:
        """Every finding, keyed by lesion id (``""`` for findings about the subject)."""
        found = {row.lesion.lesion_id: row.findings for row in self.rows if row.findings}
        if self.findings:
            found[""] = self.findings
        return found


class Engine(Protocol):
    """What the reading model needs from the RECIST engine."""

    def grid(self, read: ReadView) -> Grid:
        """The read's grid, with baseline conformance findings attached to their lesions."""
        ...
