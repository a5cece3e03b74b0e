"""Non-target response at a follow-up timepoint (RECIST 1.1 section 4.3.3)."""

from __future__ import annotations

from collections.abc import Sequence

from recist.model import Lesion, LesionState, Measurement, Response
from recist.rules.lesions import has_disappeared, has_reappeared

NonTargetReading = tuple[Lesion, Sequence[Measurement]]


def non_target_response(
    readings: Sequence[NonTargetReading], *, after_complete_response: bool
) -> tuple[Response, str]:
    """Decide the non-target response with its reason.

    In order: ``PD`` if any lesion shows unequivocal progression (or, after a complete
    response, has come back); ``NE`` if any was not evaluated; ``CR`` if all are absent or
    normal nodes (short axis < 10 mm); else ``NON-CR/NON-PD``. ``NA`` without non-targets.
    """
    if not readings:
        return Response.NA, "NA: no non-target lesions at baseline"
    progressed = [
        lesion.lesion_id
        for lesion, rows in readings
        if any(row.state is LesionState.PROGRESSION for row in rows)
    ]
    if progressed:
        return Response.PD, f"PD: unequivocal progression of {', '.join(progressed)}"
    if after_complete_response:
        back = [lesion.lesion_id for lesion, rows in readings if has_reappeared(lesion, rows)]
        if back:
            return Response.PD, f"PD: {', '.join(back)} reappeared after a complete response"
    missing = [
        lesion.lesion_id
        for lesion, rows in readings
        if not rows or any(row.state is LesionState.NOT_EVALUATED for row in rows)
    ]
    if missing:
        return Response.NE, f"NE: {', '.join(missing)} not evaluated"
    present = [lesion.lesion_id for lesion, rows in readings if not has_disappeared(lesion, rows)]
    if not present:
        return Response.CR, "CR: all non-target lesions absent (nodes < 10 mm)"
    return Response.NON_CR_NON_PD, f"NON-CR/NON-PD: {', '.join(present)} present"
