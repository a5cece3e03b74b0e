"""Populations, disease control and best response tables on a small hand-made trial.

Seven subjects, one 40 mm liver target each, randomized on 2024-01-10 to arm A or B:

| subject | course (sum of diameters) | BOR | DCR | adequate evaluations | PP |
|---|---|---|---|---|---|
| A1 | 40, 38, 38, 36 | SD | Y | 3 | yes |
| A2 | 40, 50 (+25 %, +10 mm) | PD | N | 1, progression | yes |
| A3 | baseline only | NE | N | 0 | no |
| B1 | 40, 26, 25, 24 (-35 %) | PR | Y | 3 | yes |
| B2 | 40, 39, dies on day 100 | SD | N | 1 | no |
| B3 | randomized, never scanned | NE | N | 0 | no |
| B4 | 40, not evaluated, 39, 39 | SD | Y | 2 | yes |
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from recist.report.analysis import Analysis, analyse_trial, trial_arms
from recist.report.inputs import load_trial

HEADER = (
    "subject_id,timepoint,date,lesion_id,category,location,is_node,long_axis_mm,short_axis_mm,"
    "state,fragment,slice_thickness_mm"
)
#: Scan dates: baseline, then about months 2, 4 and 6 after randomization (2024-01-10).
DATES = ("2024-01-05", "2024-03-06", "2024-05-01", "2024-07-10")
COURSES: dict[str, list[str | None]] = {
    "A1": ["40", "38", "38", "36"],
    "A2": ["40", "50"],
    "A3": ["40"],
    "B1": ["40", "26", "25", "24"],
    "B2": ["40", "39"],
    "B4": ["40", None, "39", "39"],
}
SUBJECTS = """subject_id,randomization_date,death_date,new_therapy_date,arm,site
A1,2024-01-10,,,A,north
A2,2024-01-10,,,A,south
A3,2024-01-10,,,A,north
B1,2024-01-10,,,B,south
B2,2024-01-10,2024-04-19,,B,north
B3,2024-01-10,,,B,south
B4,2024-01-10,,,B,north
"""


def write_trial(directory: Path) -> tuple[Path, Path]:
    lines = [HEADER]
    labels = ("BASELINE", "M2", "M4", "M6")
    for subject, course in COURSES.items():
        for label, date, size in zip(labels, DATES, course, strict=False):
            state = "PRESENT" if size is not None else "NOT_EVALUATED"
            lines.append(f"{subject},{label},{date},T1,TARGET,liver,N,{size or ''},,{state},,3")
    measurements = directory / "measurements.csv"
    measurements.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subjects = directory / "subjects.csv"
    subjects.write_text(SUBJECTS, encoding="utf-8")
    return measurements, subjects


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    measurements, subjects = write_trial(tmp_path_factory.mktemp("trial"))
    trial = load_trial(measurements, subjects, strata_columns=["site"])
    return analyse_trial(trial, strata_columns=["site"])


def rows(analysis: Analysis, filename: str) -> list[dict[str, str]]:
    table = analysis.table(filename)
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def test_populations_follow_the_documented_rule(analysis: Analysis) -> None:
    itt, per_protocol = analysis.populations
    assert [s.subject_id for s in itt.subjects] == ["A1", "A2", "A3", "B1", "B2", "B3", "B4"]
    assert [s.subject_id for s in per_protocol.subjects] == ["A1", "A2", "B1", "B4"]
    evaluations = {s.subject_id: s.evaluations for s in itt.subjects}
    assert evaluations == {"A1": 3, "A2": 1, "A3": 0, "B1": 3, "B2": 1, "B3": 0, "B4": 2}


@pytest.mark.parametrize(
    ("population", "arm", "n", "count", "pct"),
    [
        ("ITT", "A", "3", "1", "33.3"),
        ("ITT", "B", "4", "2", "50.0"),
        ("Per-protocol", "A", "2", "1", "50.0"),
        ("Per-protocol", "B", "2", "2", "100.0"),
    ],
)
def test_disease_control_per_arm(
    analysis: Analysis, population: str, arm: str, n: str, count: str, pct: str
) -> None:
    row = next(
        r for r in rows(analysis, "dcr.csv") if (r["population"], r["arm"]) == (population, arm)
    )
    assert (row["n"], row["count"], row["pct"]) == (n, count, pct)
    assert float(row["ci_lower_pct"]) <= float(pct) <= float(row["ci_upper_pct"])


def test_itt_dcr_comparison_uses_fisher_for_small_counts(analysis: Analysis) -> None:
    """[[1, 2], [2, 2]]: hypergeometric probabilities 4, 18, 12, 1 (/35); every table is as
    likely or less than the observed one (18/35), so the two-sided p is 1."""
    row = next(
        r
        for r in rows(analysis, "comparisons.csv")
        if (r["population"], r["endpoint"]) == ("ITT", "DCR")
    )
    assert row["difference"] == "A - B"
    assert row["difference_pct"] == "-16.7"
    assert row["test"].startswith("Fisher")
    assert float(row["p_value"]) == pytest.approx(1.0)


def test_best_overall_response_table(analysis: Analysis) -> None:
    table = {
        (r["population"], r["best_overall_response"]): (r["A n"], r["B n"])
        for r in rows(analysis, "best_overall_response.csv")
    }
    assert table[("ITT", "PR")] == ("0", "1")
    assert table[("ITT", "SD")] == ("1", "2")
    assert table[("ITT", "PD")] == ("1", "0")
    assert table[("ITT", "NE")] == ("1", "1")
    assert table[("ITT", "Total")] == ("3", "4")
    assert table[("Per-protocol", "NE")] == ("0", "0")
    assert table[("Per-protocol", "Total")] == ("2", "2")


def test_objective_response(analysis: Analysis) -> None:
    orr = {(r["population"], r["arm"]): (r["count"], r["n"]) for r in rows(analysis, "orr.csv")}
    assert orr[("ITT", "A")] == ("0", "3")
    assert orr[("ITT", "B")] == ("1", "4")


def test_survival_counts_events_per_arm(analysis: Analysis) -> None:
    survival = {
        (r["population"], r["endpoint"], r["arm"]): (r["n"], r["events"])
        for r in rows(analysis, "survival.csv")
    }
    # rPFS events: A2's progression; B2's death. PFS: progression only.
    assert survival[("ITT", "rPFS", "A")] == ("3", "1")
    assert survival[("ITT", "rPFS", "B")] == ("4", "1")
    assert survival[("ITT", "PFS", "B")] == ("4", "0")
    tests = [r for r in rows(analysis, "log_rank.csv") if r["population"] == "ITT"]
    assert [r["test"] for r in tests[:2]] == [
        "log-rank (unstratified)",
        "stratified log-rank",
    ]
    assert (tests[1]["factors"], tests[1]["strata"]) == ("site", "2")


def test_analysis_dataset(analysis: Analysis) -> None:
    by_id = {r["subject_id"]: r for r in rows(analysis, "subjects.csv")}
    assert by_id["B4"]["per_protocol_flag"] == "Y"
    assert by_id["B2"]["per_protocol_flag"] == "N"
    assert by_id["B1"]["best_change_from_baseline_pct"] == "-40.00"
    assert by_id["B3"]["best_change_from_baseline_pct"] == ""
    assert (by_id["B2"]["rpfs_event"], by_id["B2"]["rpfs_reason"]) == ("1", "DEATH")


def test_per_protocol_evaluations_is_a_parameter(tmp_path: Path) -> None:
    measurements, subjects = write_trial(tmp_path)
    trial = load_trial(measurements, subjects, min_evaluations=3)
    per_protocol = analyse_trial(trial, min_evaluations=3).populations[1]
    assert [s.subject_id for s in per_protocol.subjects] == ["A1", "A2", "B1"]


def test_arm_order(analysis: Analysis) -> None:
    subjects = analysis.populations[0].subjects
    assert trial_arms(subjects) == ("A", "B")
    assert trial_arms(subjects, ["B", "A"]) == ("B", "A")
    with pytest.raises(ValueError, match="the arms are: A, B"):
        trial_arms(subjects, ["B", "C"])


def test_csv_tables_parse_back(analysis: Analysis, tmp_path: Path) -> None:
    from recist.report.render import csv_bytes

    table = analysis.table("dcr.csv")
    path = tmp_path / table.filename
    path.write_bytes(csv_bytes(table))
    with path.open(encoding="utf-8", newline="") as handle:
        assert [tuple(r) for r in csv.reader(handle)] == [table.columns, *table.rows]
