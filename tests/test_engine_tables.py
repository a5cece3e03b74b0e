"""Non-target and new-lesion responses, and RECIST 1.1 Tables 1 and 2 (section 4.4.1)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from engine_builders import assess_one, at, row

from recist import NewLesions, Response, TimepointResult
from recist.rules.overall import overall_response

CR, PR, SD, NN, PD, NE, NA = (
    Response.CR, Response.PR, Response.SD, Response.NON_CR_NON_PD, Response.PD, Response.NE,
    Response.NA,
)
Y, N, EQ = NewLesions.YES, NewLesions.NO, NewLesions.EQUIVOCAL

# RECIST 1.1 Table 1, row by row (target, non-target, new lesions -> overall), with the
# contract's NA for "no non-target lesions" and EQUIVOCAL counting as no new lesion.
TABLE_1 = [
    (CR, CR, N, CR), (CR, NA, N, CR),
    (CR, NN, N, PR), (CR, NE, N, PR),
    (PR, NN, N, PR), (PR, NE, N, PR), (PR, CR, N, PR), (PR, NA, N, PR),
    (SD, NN, N, SD), (SD, NE, N, SD), (SD, CR, N, SD), (SD, NA, N, SD),
    (NE, NN, N, NE), (NE, CR, N, NE), (NE, NA, N, NE), (NE, NE, N, NE),
    (PD, CR, N, PD), (PD, NN, N, PD), (PD, NE, N, PD), (PD, NA, N, PD), (PD, PD, Y, PD),
    (CR, PD, N, PD), (PR, PD, N, PD), (SD, PD, N, PD), (NE, PD, N, PD),
    (CR, CR, Y, PD), (PR, NN, Y, PD), (SD, NE, Y, PD), (NE, NA, Y, PD),
    (CR, CR, EQ, CR), (PR, NN, EQ, PR), (SD, NA, EQ, SD),
]
# Table 2: non-target disease only (target NA).
TABLE_2 = [
    (NA, CR, N, CR), (NA, NN, N, NN), (NA, NE, N, NE), (NA, PD, N, PD),
    (NA, CR, Y, PD), (NA, NN, Y, PD), (NA, NE, Y, PD), (NA, NN, EQ, NN),
]


@pytest.mark.parametrize(("target", "non_target", "new", "expected"), TABLE_1 + TABLE_2,
                         ids=[f"{t.value}+{n.value}+new {w.value}" for t, n, w, _ in
                              TABLE_1 + TABLE_2])
def test_overall_response_tables(
    target: Response, non_target: Response, new: NewLesions, expected: Response
) -> None:
    assert overall_response(target, non_target, new)[0] is expected


def _subject(
    non_targets_at_m2: list[tuple[str, str, bool, float | None]],
    new_at_m2: Sequence[str] = (),
    with_target: bool = True,
) -> TimepointResult:
    rows = []
    if with_target:
        rows += [row("BASELINE", 0, "T1", long=30), row("M2", 56, "T1", long=28)]
    for lesion, state, node, short in non_targets_at_m2:
        rows.append(row("BASELINE", 0, lesion, "NON-TARGET", short=18 if node else None,
                        node=node, location="lymph node" if node else "bone"))
        if state != "MISSING":
            rows.append(row("M2", 56, lesion, "NON-TARGET", state=state, node=node,
                            short=short))
    for number, state in enumerate(new_at_m2):
        rows.append(row("M2", 56, f"N{number}", "NEW", state=state))
    return at(assess_one(rows), "M2")


@pytest.mark.parametrize(
    ("non_targets", "expected"),
    [
        ([("NT1", "PROGRESSION", False, None), ("NT2", "NOT_EVALUATED", False, None)], PD),
        ([("NT1", "ABSENT", False, None), ("NT2", "NOT_EVALUATED", False, None)], NE),
        ([("NT1", "ABSENT", False, None), ("NT2", "MISSING", False, None)], NE),
        ([("NT1", "ABSENT", False, None), ("NT2", "PRESENT", True, 9.9)], CR),
        ([("NT1", "ABSENT", False, None), ("NT2", "PRESENT", True, 10)], NN),
        ([("NT1", "PRESENT", False, None)], NN),
        ([("NT1", "ABSENT", False, None), ("NT2", "ABSENT", True, None)], CR),
        ([], NA),
    ],
    ids=["progression wins", "not evaluated", "no row = not evaluated", "normal node",
         "node at 10 mm", "present", "all absent", "no non-targets"],
)
def test_non_target_response(
    non_targets: list[tuple[str, str, bool, float | None]], expected: Response
) -> None:
    assert _subject(non_targets).non_target_response is expected


@pytest.mark.parametrize(
    ("states", "expected", "overall"),
    [(["PRESENT", "EQUIVOCAL"], Y, PD), (["EQUIVOCAL"], EQ, SD), (["NOT_EVALUATED"], N, SD),
     ([], N, SD)],
    ids=["present", "equivocal only", "not evaluated", "none"],
)
def test_new_lesions(states: list[str], expected: NewLesions, overall: Response) -> None:
    result = _subject([], new_at_m2=states)
    assert result.new_lesions is expected
    assert result.overall_response is overall


def test_non_target_only_subject_uses_table_2() -> None:
    result = _subject([("NT1", "PRESENT", False, None)], with_target=False)
    assert result.target_response is NA
    assert result.target_sum_mm is None
    assert result.overall_response is NN


def test_non_target_reappearance_after_cr_is_progression() -> None:
    rows = [
        row("BASELINE", 0, "T1", long=30), row("BASELINE", 0, "NT1", "NON-TARGET",
                                                location="bone"),
        row("M2", 56, "T1", state="ABSENT"), row("M2", 56, "NT1", "NON-TARGET", state="ABSENT"),
        row("M4", 112, "T1", state="ABSENT"), row("M4", 112, "NT1", "NON-TARGET"),
    ]
    result = assess_one(rows)
    assert at(result, "M2").overall_response is CR
    assert at(result, "M4").non_target_response is PD
    assert at(result, "M4").overall_response is PD
