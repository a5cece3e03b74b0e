"""Target response, sums of diameters and nadir (contract "The rules"; RECIST 1.1 s. 4.3.1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from engine_builders import assess_one, at, day, row, target_series

from recist import Response
from recist.display import fmt_mm, fmt_pct

CR, PR, SD, PD, NE = Response.CR, Response.PR, Response.SD, Response.PD, Response.NE

# (id, targets per timepoint (baseline first), nodal flags, expected target response at the
# last timepoint, expected sum at the last timepoint ("" = not a complete sum))
CASES = [
    ("PR at exactly -30 %", [[60, 40], [42, 28]], (), PR, "70"),
    ("SD at -29.99 % (70.01 vs 100)", [[60, 40], [42.01, 28]], (), SD, "70.01"),
    ("PD at exactly +20 % and +5 mm", [[25], [25], [30]], (), PD, "30"),
    ("SD at +20 % with only +4.9 mm", [[24.5], [29.4]], (), SD, "29.4"),
    ("SD at +5 mm with only +10 %", [[50], [55]], (), SD, "55"),
    ("SD at +25 % with only +4.9 mm", [[19.6], [24.5]], (), SD, "24.5"),
    ("PD from nadir beats PR from baseline", [[50, 20], [20, 10], [37, 11]], (False, True),
     PD, "48"),
    ("CR: non-nodal targets absent", [[30, 20], ["ABSENT", "ABSENT"]], (), CR, "0"),
    ("CR: node below 10 mm keeps the sum above 0", [[50, 20], ["ABSENT", 9.9]], (False, True),
     CR, "9.9"),
    ("not CR: node at exactly 10 mm", [[50, 20], ["ABSENT", 10]], (False, True), PR, "10"),
    ("CR: nodal target too small to measure", [[50, 20], ["ABSENT", "TOO_SMALL"]],
     (False, True), CR, "5"),
    ("not CR: non-nodal target too small counts 5 mm", [[30, 20], ["TOO_SMALL", "ABSENT"]],
     (), PR, "5"),
    ("CR: merged counts as gone", [[30, 20], ["MERGED", "ABSENT"]], (), CR, "0"),
    ("merged contributes 0, the other carries it", [[20, 30], ["MERGED", 45]], (), SD, "45"),
    ("too small contributes 5 mm (35 = 0.7 x 50)", [[20, 30], ["TOO_SMALL", 30]], (), PR,
     "35"),
    ("NE: a target not evaluated", [[30, 30], [None, 28]], (), NE, ""),
    ("NE: every target missing is not CR", [[30, 30], [None, None]], (), NE, ""),
    ("PD on the evaluated targets although one is missing", [[30, 30], [None, 80]], (), PD, ""),
    ("NE when the partial sum does not reach PD", [[30, 30], [None, 40]], (), NE, ""),
]


@pytest.mark.parametrize(("sums", "nodes", "expected", "total"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_target_response_rules(
    sums: list[list[object]], nodes: tuple[bool, ...], expected: Response, total: str
) -> None:
    result = assess_one(target_series(*sums, node_of=nodes))  # type: ignore[arg-type]
    last = result.timepoints[-1]
    assert last.target_response is expected, last.reason
    assert last.target_sum_mm == (Decimal(total) if total else None)


def test_thresholds_use_exact_values_not_rounded_display() -> None:
    last = assess_one(target_series([100], [70.01])).timepoints[-1]
    assert last.target_response is SD
    assert last.change_from_baseline_pct == Decimal("-29.99")


def test_nadir_is_smallest_complete_sum_before_the_timepoint() -> None:
    # M2's partial sum (10 mm) is never a nadir: M4 is compared with the baseline's 60 mm.
    result = assess_one(target_series([30, 30], [10, None], [20, 20]))
    assert at(result, "M2").target_response is NE
    m4 = at(result, "M4")
    assert m4.nadir_mm == Decimal(60)
    assert m4.target_response is PR


def test_nadir_reported_is_the_one_compared_with() -> None:
    result = assess_one(target_series([50], [30], [40], [20]))
    assert [t.nadir_mm for t in result.follow_ups] == [Decimal(50), Decimal(30), Decimal(30)]
    assert at(result, "M4").target_response is PD  # 40 >= 1.2 x 30 and +10 mm
    assert at(result, "M4").change_from_nadir_pct == Decimal("33.33333333333333333333333333")


def test_baseline_row_carries_its_sum_and_no_responses() -> None:
    baseline = assess_one(target_series([30, 20], [20, 10])).timepoints[0]
    assert baseline.is_baseline
    assert baseline.target_sum_mm == baseline.baseline_sum_mm == Decimal(50)
    assert baseline.target_response is baseline.overall_response is None
    assert baseline.nadir_mm is None


def test_fragments_of_a_split_target_are_summed() -> None:
    rows = [
        row("BASELINE", 0, "T1", long=40),
        row("M2", 56, "T1", long=15, fragment="a"),
        row("M2", 56, "T1", long=13, fragment="b"),
        row("M4", 112, "T1", long=15, fragment="a"),
        row("M4", 112, "T1", long=13.1, fragment="b"),
    ]
    result = assess_one(rows)
    assert at(result, "M2").target_sum_mm == Decimal(28)
    assert at(result, "M2").target_response is PR  # 28 = 0.7 x 40
    assert at(result, "M4").target_sum_mm == Decimal("28.1")
    assert at(result, "M4").target_response is SD


def test_fragment_not_evaluated_makes_the_lesion_not_evaluated() -> None:
    rows = [
        row("BASELINE", 0, "T1", long=40),
        row("M2", 56, "T1", long=15, fragment="a"),
        row("M2", 56, "T1", state="NOT_EVALUATED", fragment="b"),
    ]
    assert assess_one(rows).timepoints[-1].target_response is NE


def test_nodal_target_is_followed_by_short_axis() -> None:
    rows = [
        row("BASELINE", 0, "N1", long=40, short=20, node=True, location="lymph node"),
        row("M2", 56, "N1", long=38, short=12, node=True),
    ]
    last = assess_one(rows).timepoints[-1]
    assert last.target_sum_mm == Decimal(12)
    assert last.target_response is PR


def test_follow_up_row_without_is_node_keeps_the_lesion_nodal() -> None:
    rows = [
        row("BASELINE", 0, "N1", long=40, short=20, node=True, location="lymph node"),
        row("M2", 56, "N1", long=38, short=12, node=False),
    ]
    assert assess_one(rows).timepoints[-1].target_sum_mm == Decimal(12)


@pytest.mark.parametrize(
    ("follow_ups", "nodes", "expected"),
    [
        ([["ABSENT"], [4.95]], (), PD),  # pharmaverse 01-701-1133: a 4.95 mm lesion is back
        ([["ABSENT"], ["TOO_SMALL"]], (), PD),
        ([[8], [14]], (True,), PD),  # node regrowth to >= 10 mm after CR
        ([[8], [11]], (True,), PD),  # +3 mm only: PD by reappearance, not by the sum
        ([[8], [9.5]], (True,), CR),  # still a normal node
        ([["ABSENT"], ["ABSENT"]], (), CR),
        ([["ABSENT"], [None]], (), NE),
    ],
    ids=["lesion 4.95 mm back", "too small back", "node 8->14", "node 8->11", "node 8->9.5",
         "stays absent", "not evaluated after CR"],
)
def test_reappearance_after_complete_response(
    follow_ups: list[list[object]], nodes: tuple[bool, ...], expected: Response
) -> None:
    baseline = [[20]] if nodes else [[30]]
    result = assess_one(target_series(*baseline, *follow_ups, node_of=nodes))  # type: ignore[arg-type]
    assert result.follow_ups[0].overall_response is CR
    assert result.follow_ups[-1].target_response is expected, result.follow_ups[-1].reason


def test_reappearance_rule_needs_previous_overall_cr() -> None:
    # Target CR but a non-target still present: overall PR, so a returning 4 mm lesion is
    # judged by the sum alone: 4 mm over nadir 0 is not +5 mm, and 4 mm is -86 % from 30 mm.
    rows = [
        *target_series([30], ["ABSENT"], [4]),
        row("BASELINE", 0, "NT1", "NON-TARGET", location="bone"),
        row("M2", 56, "NT1", "NON-TARGET"),
        row("M4", 112, "NT1", "NON-TARGET"),
    ]
    result = assess_one(rows)
    assert at(result, "M2").overall_response is PR
    assert at(result, "M4").target_response is PR


def test_pd_reason_names_the_numbers() -> None:
    last = assess_one(target_series([30], [30], [36])).timepoints[-1]
    assert "36.0 mm >= 1.2 x nadir 30.0 mm and +6.0 mm" in last.reason


def test_timepoint_date_is_its_earliest_scan_and_order_is_by_date_not_label() -> None:
    rows = [
        row("BASELINE", 0, "T1", long=30),
        row("UNSCHEDULED 1", 40, "T1", long=31),
        row("M2", 60, "T1", long=20), row("M2", 57, "T2", "NON-TARGET", location="bone"),
    ]
    rows.insert(0, row("BASELINE", 0, "T2", "NON-TARGET", location="bone"))
    rows.append(row("UNSCHEDULED 1", 40, "T2", "NON-TARGET"))
    result = assess_one(rows)
    assert [(t.timepoint, t.date) for t in result.timepoints] == [
        ("BASELINE", day(0)), ("UNSCHEDULED 1", day(40)), ("M2", day(57))]


def test_a_target_without_a_row_at_follow_up_is_not_evaluated() -> None:
    rows = [
        row("BASELINE", 0, "T1", long=30), row("BASELINE", 0, "T2", long=30, location="lung"),
        row("M2", 56, "T1", long=28),
    ]
    last = assess_one(rows).timepoints[-1]
    assert last.target_response is NE
    assert "T2 not evaluated" in last.reason


@pytest.mark.parametrize(
    ("recorded", "shown"),
    [("36", "36.0"), ("70.01", "70.01"), ("1" * 60, "1" * 60 + ".0"),
     ("1" * 40 + ".25", "1" * 40 + ".25")],
)  # fmt: skip
def test_millimetres_are_shown_as_recorded_however_many_digits(recorded: str, shown: str) -> None:
    assert fmt_mm(Decimal(recorded)) == shown


def test_a_sum_of_long_diameters_is_exact_and_shown_without_an_error() -> None:
    """Found by the input property test: two 29-digit diameters summed at the default 28-digit
    precision gave 2.0E+29, which fmt_mm could not show (decimal.InvalidOperation)."""
    nines = "9" * 29
    rows = [
        row("BASELINE", 0, "T1", long=nines),
        row("BASELINE", 0, "T2", long=nines, location="lung"),
        row("M2", 56, "T1", long=15),
        row("M2", 56, "T2", long=1),
    ]
    baseline, last = assess_one(rows).timepoints
    assert baseline.target_sum_mm == Decimal("1" + "9" * 28 + "8")
    assert fmt_mm(baseline.target_sum_mm) == "1" + "9" * 28 + "8.0"
    assert last.target_response is Response.PR and "1" + "9" * 28 + "8.0 mm" in last.reason
    assert fmt_mm(Decimal("2E+29")) == "2" + "0" * 29 + ".0"
    assert fmt_pct(Decimal("-1E+40")) == "-1" + "0" * 40 + ".00"


def test_a_percentage_of_many_digits_is_truncated_not_an_error() -> None:
    assert fmt_pct(Decimal("-" + "9" * 40 + ".999")) == "-" + "9" * 40 + ".99"
