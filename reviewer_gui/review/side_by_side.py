"""The adjudicator's side-by-side view of two reads, as plain data (Qt-free).

Both reads' lesion x timepoint grids (``reviewer_gui.reading.Grid``, computed by the RECIST
engine) aligned by timepoint and by lesion id: each row is one lesion id with each reader's
lesion (its category and location, or ``None`` when that reader has no such lesion), each
cell the two readers' entries at one timepoint with the slice each measured on (so a view
opens the image beside the figures); each column the two readers' sums and responses (RECIST
1.1 sections 4.3-4.4, Tables 1-2). The triggers that flagged the subject come with it, each
with its explanation. Lesion ids are each reader's own numbering (T1, NT1, N1...): the
location tells whether two readers' T1 are the same lesion.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import (
    GridCell,
    GridRow,
    Lesion,
    ReadingError,
    ReadKey,
    ReadView,
    Timepoint,
    TimepointColumn,
    lesion_order,
)
from reviewer_gui.review.adjudication import AdjudicationDesk, CaseReview


@dataclass(frozen=True, slots=True)
class ReadCell:
    """One reader's entry for a lesion at a timepoint, and the image it was measured on."""

    cell: GridCell
    slice_index: int | None = None
    sop_instance_uid: str | None = None


@dataclass(frozen=True, slots=True)
class LesionPair:
    """A lesion id in both reads: each reader's lesion and, per timepoint, each one's cell."""

    lesion_id: str
    lesions: tuple[Lesion | None, Lesion | None]
    cells: tuple[tuple[ReadCell | None, ReadCell | None], ...]


@dataclass(frozen=True, slots=True)
class SideBySide:
    """Everything the adjudicator compares for one subject (readers in reader order)."""

    review: CaseReview
    readers: tuple[str, str]
    timepoints: tuple[Timepoint, ...]
    columns: tuple[tuple[TimepointColumn, TimepointColumn], ...]
    lesions: tuple[LesionPair, ...]


def side_by_side(desk: AdjudicationDesk, case_id: str) -> SideBySide:
    """Both reads of a subject aligned (the subject needs two reads)."""
    review = desk.case(case_id)
    if len(review.readers) != 2:
        raise ReadingError(f"{case_id}: {review.note}; the side-by-side view needs two reads")
    state = desk.state()
    readers = (review.readers[0], review.readers[1])
    reads = tuple(state.reads[ReadKey(case_id, reader)] for reader in readers)
    engine = RecistEngine()
    grids = tuple(engine.grid(read) for read in reads)
    timepoints = state.subjects[case_id]
    columns = tuple((grids[0].column(tp.label), grids[1].column(tp.label)) for tp in timepoints)
    ids = sorted({*reads[0].lesions, *reads[1].lesions}, key=lesion_order)
    pairs = []
    for lesion_id in ids:
        cells = []
        for index, tp in enumerate(timepoints):
            cells.append((_cell(reads[0], grids[0].rows, lesion_id, tp.label, index),
                          _cell(reads[1], grids[1].rows, lesion_id, tp.label, index)))
        pairs.append(LesionPair(lesion_id, (reads[0].lesions.get(lesion_id),
                                            reads[1].lesions.get(lesion_id)), tuple(cells)))
    return SideBySide(review, readers, timepoints, columns, tuple(pairs))


def _cell(
    read: ReadView, rows: tuple[GridRow, ...], lesion_id: str, label: str, index: int
) -> ReadCell | None:
    if lesion_id not in read.lesions:
        return None
    grid_row = next(r for r in rows if r.lesion.lesion_id == lesion_id)
    cell = grid_row.cells[index]
    if cell is None:
        return None
    observation = read.observation(label, lesion_id)
    fragments = observation.fragments if observation else ()
    measured = fragments[0].long_axis if fragments else None
    return ReadCell(cell, measured.slice_index if measured else None,
                    measured.sop_instance_uid if measured else None)  # fmt: skip
