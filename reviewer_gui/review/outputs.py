"""The final measurement CSV of a blinded independent central review.

One read per subject, in the measurement CSV contract's format (``docs/csv-format.md``
input 1, ``reader`` column = whose read it is), ready for ``recist endpoints``: the read the
adjudicator chose, or reader 1's when the two reads agree (``reviewer_gui.review.adjudication``
says why). An optional column ``final_basis`` (``ADJUDICATED`` or ``AGREED``) says which; the
engine ignores it. Subjects still waiting for a read or for the adjudicator are left out and
listed. Only the adjudicator and the study administrator export it (a reader's session cannot
open the :class:`~reviewer_gui.review.adjudication.AdjudicationDesk`); each export is an audit
record. The per-reader CSVs are ``Session.export(reader=...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reviewer_gui.engine_adapter import EXPORT_COLUMNS, export_rows, write_table
from reviewer_gui.reading import ReadKey
from reviewer_gui.review.adjudication import AdjudicationDesk, Status

FINAL_COLUMNS = (*EXPORT_COLUMNS, "final_basis")


@dataclass(frozen=True, slots=True)
class FinalExport:
    """What the final CSV holds: rows written, the final reader and basis per subject, and
    the subjects left out with the reason."""

    rows: int
    final: dict[str, tuple[str, str]]  # case id -> (reader, ADJUDICATED | AGREED)
    left_out: dict[str, str]


def write_final_csv(desk: AdjudicationDesk, destination: Path | None) -> FinalExport:
    """Write the final measurement CSV atomically (standard output when ``destination`` is
    None)."""
    state = desk.state()
    rows: list[list[str]] = []
    final: dict[str, tuple[str, str]] = {}
    left_out: dict[str, str] = {}
    for review in desk.cases():
        reader = review.final_reader
        if reader is None:
            left_out[review.case_id] = f"{review.status.value}: {review.note}"
            continue
        basis = "ADJUDICATED" if review.status is Status.ADJUDICATED else "AGREED"
        final[review.case_id] = (reader, basis)
        read = state.reads[ReadKey(review.case_id, reader)]
        rows.extend([*row, basis] for row in export_rows([read], signed_only=True))
    write_table(destination, FINAL_COLUMNS, rows)
    desk.session._store.log_action("export-final", desk.session.user, after={"export": [{
        "file": str(destination or "-"), "rows": len(rows),
        "final": [f"{case}/{reader}/{basis}" for case, (reader, basis) in sorted(final.items())],
        "left_out": sorted(left_out)}]})  # fmt: skip
    return FinalExport(len(rows), final, left_out)
