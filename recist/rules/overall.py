"""Overall response at a timepoint: RECIST 1.1 Table 1 and Table 2 (section 4.4.1).

The tables are written out row by row as the paper prints them; an equivocal new lesion
counts as "no new lesion" (section 4.3.2).
"""

from __future__ import annotations

from recist.model import NewLesions, Response

CR, PR, SD, NN, PD, NE, NA = (
    Response.CR,
    Response.PR,
    Response.SD,
    Response.NON_CR_NON_PD,
    Response.PD,
    Response.NE,
    Response.NA,
)
_NON_PD = (CR, NN, NE, NA)

#: Table 1 - subjects with target (and possibly non-target) disease, no new lesion:
#: (target response, non-target response) -> overall response.
TABLE_1: dict[tuple[Response, Response], Response] = {
    (CR, CR): CR,
    (CR, NA): CR,
    (CR, NN): PR,
    (CR, NE): PR,
    **{(PR, nt): PR for nt in _NON_PD},
    **{(SD, nt): SD for nt in _NON_PD},
    **{(NE, nt): NE for nt in _NON_PD},
}

#: Table 2 - subjects with non-target disease only, no new lesion.
TABLE_2: dict[Response, Response] = {
    CR: CR,
    NN: NN,
    NE: NE,
}


def overall_response(
    target: Response, non_target: Response, new: NewLesions
) -> tuple[Response, str]:
    """Combine the three responses; the reason names the table row that decided."""
    progressed = [
        name
        for name, hit in (
            ("target PD", target is PD),
            ("non-target PD", non_target is PD),
            ("new lesion", new is NewLesions.YES),
        )
        if hit
    ]
    if progressed:
        return PD, "overall PD: " + " + ".join(progressed)
    if target is NA:
        result = TABLE_2[non_target]
        return result, f"overall {result.value}: Table 2, non-target {non_target.value}"
    result = TABLE_1[(target, non_target)]
    return (
        result,
        f"overall {result.value}: Table 1, target {target.value} + non-target {non_target.value}",
    )
