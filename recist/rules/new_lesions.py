"""New lesions at a timepoint (RECIST 1.1 section 4.3.2)."""

from __future__ import annotations

from collections.abc import Iterable

from recist.model import LesionState, Measurement, NewLesions


def new_lesions(rows: Iterable[Measurement]) -> tuple[NewLesions, str]:
    """``Y`` when a new lesion is present; ``EQUIVOCAL`` when one is only equivocal; else ``N``.

    An equivocal new lesion does not change the timepoint's response (section 4.3.2): only a
    later unequivocal finding does, and progression is then dated back to its first sighting.
    """
    present: list[str] = []
    equivocal: list[str] = []
    for row in rows:
        if row.state is LesionState.PRESENT:
            present.append(row.lesion_id)
        elif row.state is LesionState.EQUIVOCAL:
            equivocal.append(row.lesion_id)
    if present:
        return NewLesions.YES, f"new lesion {', '.join(sorted(set(present)))} present"
    if equivocal:
        return (
            NewLesions.EQUIVOCAL,
            f"equivocal new lesion {', '.join(sorted(set(equivocal)))} (not PD unless confirmed)",
        )
    return NewLesions.NO, "no new lesion"
