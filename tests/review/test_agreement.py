"""The reader-agreement report: Cohen's kappa against hand computation, progression status and
dates, adjudication rate and the adjudicator's choice per reader, and the files written."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pytest

from reviewer_gui.engine_adapter import ReadEndpoints
from reviewer_gui.review.adjudication import CaseReview, Decision, Status
from reviewer_gui.review.agreement import (
    ALL_FOLLOW_UPS,
    agreement_report,
    cohens_kappa,
    markdown,
    write_agreement,
)
from reviewer_gui.review.triggers import AdjudicationSettings, Trigger, TriggerName

Z95 = 1.959963984540054


def table_pairs(table: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [pair for pair, count in table.items() for _ in range(count)]


def hand_kappa(table: list[list[int]]) -> tuple[float, float]:
    """Cohen's kappa and its large-sample standard error (Fleiss, Cohen & Everitt 1969),
    written out from the formulas, as one would on paper."""
    n = sum(map(sum, table))
    p = [[cell / n for cell in row] for row in table]
    k = len(p)
    rows = [sum(p[i]) for i in range(k)]
    cols = [sum(p[i][j] for i in range(k)) for j in range(k)]
    po = sum(p[i][i] for i in range(k))
    pe = sum(rows[i] * cols[i] for i in range(k))
    kappa = (po - pe) / (1 - pe)
    a = sum(p[i][i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(k))
    b = (1 - kappa) ** 2 * sum(p[i][j] * (cols[i] + rows[j]) ** 2
                               for i in range(k) for j in range(k) if i != j)  # fmt: skip
    c = (kappa - pe * (1 - kappa)) ** 2
    return kappa, math.sqrt((a + b - c) / ((1 - pe) ** 2 * n))


def test_two_by_two_kappa_equals_the_hand_computed_one() -> None:
    # po = 35/50 = 0.7, pe = (25*30 + 25*20)/50^2 = 0.5, kappa = (0.7-0.5)/(1-0.5) = 0.4
    pairs = table_pairs({("PR", "PR"): 20, ("PR", "SD"): 5, ("SD", "PR"): 10, ("SD", "SD"): 15})
    result = cohens_kappa("M2", pairs)
    assert result.kappa == pytest.approx(0.4)
    assert result.agreement == pytest.approx(0.7)
    kappa, se = hand_kappa([[20, 5], [10, 15]])
    assert kappa == pytest.approx(0.4)
    assert result.se == pytest.approx(se)
    assert (result.low, result.high) == (pytest.approx(0.4 - Z95 * se),
                                         pytest.approx(0.4 + Z95 * se))  # fmt: skip
    assert (result.n, result.categories) == (50, ("PR", "SD"))


def test_three_category_kappa_in_recist_order() -> None:
    table = {("PD", "PD"): 6, ("SD", "SD"): 10, ("PR", "PR"): 4, ("SD", "PD"): 2,
             ("PR", "SD"): 3, ("PD", "SD"): 1}  # fmt: skip
    result = cohens_kappa("M4", table_pairs(table))
    assert result.categories == ("PR", "SD", "PD")
    # rows (reader 1) PR 7, SD 12, PD 7; columns PR 4, SD 14, PD 8; n 26; po = 20/26
    po, pe = 20 / 26, (7 * 4 + 12 * 14 + 7 * 8) / 26**2
    assert result.kappa == pytest.approx((po - pe) / (1 - pe))
    assert result.se == pytest.approx(hand_kappa([[4, 3, 0], [0, 10, 2], [0, 1, 6]])[1])


@pytest.mark.parametrize(("pairs", "note"), [
    ([], "no pair of complete reads"),
    ([("SD", "SD")] * 4, "kappa undefined: every rating is SD"),
])  # fmt: skip
def test_kappa_undefined_is_reported_not_invented(pairs: list[tuple[str, str]], note: str) -> None:
    result = cohens_kappa("M6", pairs)
    assert (result.kappa, result.low, result.note) == (None, None, note)


BASE = dt.date(2024, 1, 15)


def ends(responses: dict[str, str], pd_day: int | None = None) -> ReadEndpoints:
    pd = None if pd_day is None else BASE + dt.timedelta(days=pd_day)
    return ReadEndpoints(BASE, pd, "SD", "M6", responses.get("M6"), pd is None,
                         pd is not None, pd or BASE, (pd_day or 0) + 1,
                         "PD" if pd else "NO_EVENT", responses, "")  # fmt: skip


def case(case_id: str, status: Status, one: ReadEndpoints, two: ReadEndpoints,
         readers: tuple[str, str] = ("alice", "bob"), chosen: str | None = None,
         triggers: tuple[TriggerName, ...] = ()) -> CaseReview:  # fmt: skip
    decision = None if chosen is None else Decision(
        7, case_id, chosen, next(r for r in readers if r != chosen), "reason", (), "a", "b",
        "carol", dt.datetime(2025, 1, 6, tzinfo=dt.UTC), "meaning")  # fmt: skip
    fired = tuple(Trigger(name, ("", ""), "") for name in triggers)
    return CaseReview(case_id, readers, status, "", {readers[0]: one, readers[1]: two}, fired,
                      decision)  # fmt: skip


def cohort() -> list[CaseReview]:
    sd = {"M2": "SD", "M4": "SD", "M6": "SD"}
    return [
        case("C1", Status.AGREED, ends(sd), ends(sd)),
        case("C2", Status.AGREED, ends({**sd, "M6": "PD"}, 182), ends({**sd, "M6": "PD"}, 182)),
        case("C3", Status.ADJUDICATED, ends({**sd, "M4": "PD", "M6": "PD"}, 120),
             ends({**sd, "M6": "PD"}, 182), chosen="bob",
             triggers=(TriggerName.PROGRESSION_DATE, TriggerName.LANDMARK)),
        case("C4", Status.FLAGGED, ends({"M2": "PR", "M4": "PR"}), ends({"M2": "SD", "M4": "PR"}),
             readers=("alice", "dave"), triggers=(TriggerName.BEST_RESPONSE,)),
        case("C5", Status.WAITING, ends(sd), ends(sd)),  # counted nowhere
    ]  # fmt: skip


def test_the_report_over_a_cohort() -> None:
    report = agreement_report(cohort(), AdjudicationSettings().changed(tolerance_days=0))
    by_label = {k.label: k for k in report.timepoints}
    assert list(by_label) == ["M2", "M4", "M6", ALL_FOLLOW_UPS]
    assert (by_label["M2"].n, by_label["M2"].agreement) == (4, 0.75)
    assert by_label["M4"].kappa == pytest.approx(cohens_kappa("M4", [
        ("SD", "SD"), ("SD", "SD"), ("PD", "SD"), ("PR", "PR")]).kappa)  # fmt: skip
    assert by_label[ALL_FOLLOW_UPS].n == 4 + 4 + 3
    assert report.progression_status.n == 4
    assert report.progression_status.agreement == 1.0  # C2, C3 both progress; C1, C4 neither
    assert report.date_differences == (0, 62)
    assert report.within_tolerance == 1
    assert (report.complete, report.flagged, report.adjudicated) == (4, 2, 1)
    assert report.adjudication_rate == 0.5
    assert report.per_trigger == {"progression-date": 1, "landmark": 1, "best-response": 1}
    assert [(r.reader, r.subjects, r.adjudicated, r.chosen) for r in report.readers] == [
        ("alice", 4, 1, 0), ("bob", 3, 1, 1), ("dave", 1, 0, 0)]  # fmt: skip


def test_the_report_files(tmp_path: Path) -> None:
    report = agreement_report(cohort(), AdjudicationSettings())
    paths = write_agreement(report, tmp_path / "qc")
    assert [p.name for p in paths] == ["agreement_timepoints.csv", "agreement_subjects.csv",
                                       "agreement_readers.csv", "agreement.md"]  # fmt: skip
    with paths[0].open(newline="") as stream:
        kappas = {row["timepoint"]: row for row in csv.DictReader(stream)}
    assert kappas["M2"]["agreement_pct"] == "75.0" and kappas["progression"]["n"] == "4"
    assert kappas["M2"]["kappa"] == "0.000"  # reader 2 says SD throughout: no better than chance
    pooled = kappas[ALL_FOLLOW_UPS]
    assert float(pooled["kappa_ci_low"]) < float(pooled["kappa"]) < float(pooled["kappa_ci_high"])
    with paths[1].open(newline="") as stream:
        subjects = {row["subject_id"]: row for row in csv.DictReader(stream)}
    assert subjects["C3"]["progression_days_apart"] == "62"
    assert (subjects["C3"]["chosen_reader"], subjects["C3"]["final_reader"]) == ("bob", "bob")
    assert subjects["C1"]["final_reader"] == "alice" and subjects["C5"]["status"] == "waiting"
    with paths[2].open(newline="") as stream:
        readers = {row["reader"]: row for row in csv.DictReader(stream)}
    assert (readers["bob"]["chosen"], readers["bob"]["chosen_pct"]) == ("1", "100.0")
    text = paths[3].read_text()
    assert text == markdown(report)
    assert "flagged for adjudication: 2 (50.0 %)" in text
    assert "| bob | 3 | 1 | 1 | 100.0 |" in text
