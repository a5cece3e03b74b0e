"""Sensitivity analyses, Kaplan-Meier rates within follow-up, the stratified hazard ratio rule,
the forest plot's subgroups, the CONSORT flow and the clinical formatting, each recomputed
from the inputs or from the analysis dataset (``subjects.csv``) independently of the report.

The hand-made trial: randomized 2024-01-10 (landmark day 182 = 2024-07-10, window +-28 days),
one 40 mm liver target each, arm A or B, site north or south:

| subject | scans (day: sum) | protocol DCR | bracketing DCR | rPFS |
|---|---|---|---|---|
| A1 | 0: 40, 56: 38, 112: 38, 182: NE, 238: 37 | N | Y | censored |
| A2 | 0: 40, 56: 38, 112: 38, 182: NE, 238: 60 (PD) | N | N | PD day 238 |
| A3 | 0: 40, 56: 39, 182: 38, 238: 60 (PD) | Y | Y | PD day 238 |
| B1 | 0: 40, 56: 38, 200: 70 (PD after a 144-day gap) | N | N | censored (missed visits) |
| B2 | 0: 40, 56: 38, 112: 38, 182: 38, 280: 60 (PD) | Y | Y | PD day 280 |
| B3 | 0: 40, 100: 55 (PD) | N | N | PD day 100 |
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from statsmodels.duration.hazard_regression import PHReg  # type: ignore[import-untyped]

from recist.cli import main
from recist.report.analysis import Analysis, analyse_trial
from recist.report.inputs import load_trial
from recist.report.labels import shown
from recist.report.sensitivity import (
    BRACKETING_RULE,
    NEXT_VISIT,
    PROTOCOL_RULE,
    censoring_alternatives,
)
from recist.report.settings import ProtocolSettings
from recist.report.tables import p_value_text

RANDOMIZED = dt.date(2024, 1, 10)
HEADER = (
    "subject_id,timepoint,date,lesion_id,category,location,is_node,long_axis_mm,short_axis_mm,"
    "state,fragment,slice_thickness_mm"
)
COURSES: dict[str, list[tuple[int, str | None]]] = {
    "A1": [(0, "40"), (56, "38"), (112, "38"), (182, None), (238, "37")],
    "A2": [(0, "40"), (56, "38"), (112, "38"), (182, None), (238, "60")],
    "A3": [(0, "40"), (56, "39"), (182, "38"), (238, "60")],
    "B1": [(0, "40"), (56, "38"), (200, "70")],
    "B2": [(0, "40"), (56, "38"), (112, "38"), (182, "38"), (280, "60")],
    "B3": [(0, "40"), (100, "55")],
}
SITES = {"A1": "north", "A2": "south", "A3": "north", "B1": "south", "B2": "north", "B3": "south"}
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "reluth"
STRATA = ["dc_duration", "progression_type", "gfr", "intercurrent_line"]


def write(directory: Path) -> tuple[Path, Path]:
    lines = [HEADER]
    for subject, course in COURSES.items():
        for visit, (day, size) in enumerate(course):
            label = "BASELINE" if visit == 0 else f"V{visit}"
            date = (RANDOMIZED + dt.timedelta(days=day - 3 if day == 0 else day)).isoformat()
            state = "PRESENT" if size is not None else "NOT_EVALUATED"
            lines.append(f"{subject},{label},{date},T1,TARGET,liver,N,{size or ''},,{state},,3")
    measurements = directory / "measurements.csv"
    measurements.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subjects = directory / "subjects.csv"
    rows = ["subject_id,randomization_date,death_date,new_therapy_date,arm,site"]
    rows += [f"{s},{RANDOMIZED.isoformat()},,,{s[0]},{SITES[s]}" for s in COURSES]
    subjects.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return measurements, subjects


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    measurements, subjects = write(tmp_path_factory.mktemp("sensitivity"))
    trial = load_trial(measurements, subjects, strata_columns=["site"])
    return analyse_trial(trial, strata_columns=["site"])


def records(analysis: Analysis, filename: str) -> list[dict[str, str]]:
    table = analysis.table(filename)
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def test_bracketing_counts_an_ne_landmark_between_two_controls(small: Analysis) -> None:
    itt = {r["rule"]: r for r in records(small, "dcr_sensitivity.csv") if r["population"] == "ITT"}
    # A: protocol rule only A3; bracketing adds A1 (SD before and after), not A2 (PD after).
    assert itt[PROTOCOL_RULE]["first_arm_count"] == "1/3"
    assert itt[BRACKETING_RULE]["first_arm_count"] == "2/3"
    assert itt[BRACKETING_RULE]["control_arm_count"] == "1/3"
    assert (itt[PROTOCOL_RULE]["reclassified"], itt[BRACKETING_RULE]["reclassified"]) == ("0", "1")
    assert float(itt[BRACKETING_RULE]["difference_pct"]) == pytest.approx(100 / 3, abs=0.05)


def test_fda_censoring_alternatives(small: Analysis) -> None:
    table = {
        r["censoring_rule"]: r
        for r in records(small, "rpfs_sensitivity.csv")
        if r["population"] == "ITT"
    }
    primary = table["primary censoring rule"]
    # B1's progression follows a 144-day gap (> 126): censored, counted by the alternative.
    assert (primary["A events"], primary["B events"]) == ("2", "2")
    missed = table["missed visits counted as events"]
    assert (missed["A events"], missed["B events"], missed["subjects_changed"]) == ("2", "3", "1")
    # Next scheduled visit (every 56 days): PD on day 238 -> 280 (A2, A3), day 100 -> 112 (B3),
    # day 280 is a visit day (B2).
    moved = table["progression at the next scheduled visit"]
    assert moved["subjects_changed"] == "3"
    alternatives = censoring_alternatives(small.populations[0], small.options, ProtocolSettings())
    days = {
        s.subject_id: (s.endpoints.rpfs.event, s.endpoints.rpfs.days)
        for s in alternatives[NEXT_VISIT].subjects
    }
    assert days == {
        "A1": (False, 238 + 1),
        "A2": (True, 280 + 1),
        "A3": (True, 280 + 1),
        "B1": (False, 56 + 1),
        "B2": (True, 280 + 1),
        "B3": (True, 112 + 1),
    }


def km_by_hand(times: list[float], events: list[bool], at: float) -> float:
    survival = 1.0
    for t in sorted({t for t, e in zip(times, events, strict=True) if e and t <= at}):
        at_risk = sum(1 for u in times if u >= t)
        deaths = sum(1 for u, e in zip(times, events, strict=True) if e and u == t)
        survival *= 1 - deaths / at_risk
    return survival


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "out"
    argv = ["report", str(EXAMPLE / "measurements.csv"), "--subjects"]
    argv += [str(EXAMPLE / "subjects.csv"), "--strata", *STRATA, "-o", str(out)]
    assert main(argv) == 0
    return out


def test_no_kaplan_meier_rate_beyond_the_last_follow_up(example: Path) -> None:
    subjects = [s for s in rows(example / "subjects.csv")]
    for row in rows(example / "survival.csv"):
        if row["population"] != "ITT" or row["endpoint"] != "rPFS":
            continue
        arm = [s for s in subjects if s["arm"] == row["arm"]]
        times = [float(s["rpfs_months"]) for s in arm]
        events = [s["rpfs_event"] == "1" for s in arm]
        for month, column in ((6.0, "rate_6m_pct"), (12.0, "rate_12m_pct")):
            if max(times) < month:
                assert row[column] == ""
            else:
                assert float(row[column]) == pytest.approx(
                    100 * km_by_hand(times, events, month), abs=0.06
                )
    assert max(float(s["rpfs_months"]) for s in subjects) < 12  # the 12-month rates are empty


def test_stratified_hazard_ratio_only_when_every_stratum_holds_both_arms(
    example: Path, small: Analysis
) -> None:
    for row in rows(example / "log_rank.csv"):
        if row["test"] == "stratified log-rank":
            assert row["hazard_ratio"] == ""
            assert "stratified HR not estimated: 8 of 13 strata hold one arm only" in row["note"]
    stratified = [r for r in records(small, "log_rank.csv") if r["test"] == "stratified log-rank"]
    subjects = records(small, "subjects.csv")
    times = np.array([float(s["rpfs_months"]) for s in subjects])
    events = np.array([float(s["rpfs_event"]) for s in subjects])
    exposed = np.array([[1.0 if s["arm"] == "A" else 0.0] for s in subjects])
    sites = np.array([s["site"] for s in subjects])
    fit = PHReg(times, exposed, status=events, strata=sites, ties="breslow").fit()
    itt = next(r for r in stratified if r["population"] == "ITT" and r["endpoint"] == "rPFS")
    assert float(itt["hazard_ratio"]) == pytest.approx(math.exp(fit.params[0]), rel=5e-3)


def test_forest_rows_recomputed_per_level(example: Path) -> None:
    """Times in days from the engine (the CSV's months are rounded, which would merge ties)."""
    engine = load_trial(EXAMPLE / "measurements.csv", EXAMPLE / "subjects.csv")
    days = {s.subject_id: s.endpoints.rpfs.days for s in engine}
    subjects = rows(example / "subjects.csv")
    forest = rows(example / "forest.csv")
    assert forest[0]["factor"] == "all subjects"
    assert len(forest) == 1 + sum(len({s[f] for s in subjects}) for f in STRATA)
    for row in forest[1:]:
        members = [s for s in subjects if s[row["factor"]] == row["level"]]
        first = [s for s in members if s["arm"] == "177Lu-PRRT"]
        control = [s for s in members if s["arm"] == "SURVEILLANCE"]
        assert (row["first_arm_n"], row["control_arm_n"]) == (str(len(first)), str(len(control)))
        difference = sum(s["dcr"] == "Y" for s in first) / len(first) - sum(
            s["dcr"] == "Y" for s in control
        ) / len(control)
        assert float(row["dcr_difference_pct"]) == pytest.approx(100 * difference, abs=0.05)
        if row["rpfs_hazard_ratio"]:
            fit = PHReg(
                np.array([float(days[s["subject_id"]]) for s in members]),
                np.array([[1.0 if s["arm"] == "177Lu-PRRT" else 0.0] for s in members]),
                status=np.array([float(s["rpfs_event"]) for s in members]),
                ties="breslow",
            ).fit()
            assert float(row["rpfs_hazard_ratio"]) == pytest.approx(
                math.exp(fit.params[0]), rel=5e-3
            )


def test_consort_flow_recomputed_from_the_inputs(example: Path) -> None:
    measured = {r["subject_id"] for r in rows(EXAMPLE / "measurements.csv")}
    baseline = {
        r["subject_id"] for r in rows(EXAMPLE / "measurements.csv") if r["timepoint"] == "BASELINE"
    }
    subjects = rows(example / "subjects.csv")
    flow = {r["stage"]: r for r in rows(example / "flow.csv")}
    for arm in ("177Lu-PRRT", "SURVEILLANCE"):
        members = [s for s in subjects if s["arm"] == arm]
        stages = list(flow.values())
        assert stages[0][arm] == str(len(members))
        assert stages[1][arm] == str(sum(s["subject_id"] in baseline for s in members))
        evaluable = sum(
            s["subject_id"] in baseline and (int(s["adequate_evaluations"]) > 0 or s["bor"] == "PD")
            for s in members
        )
        assert stages[2][arm] == str(evaluable)
        per_protocol = sum(s["per_protocol_flag"] == "Y" for s in members)
        assert stages[3][arm] == str(per_protocol)
        page = (example / "report.html").read_text(encoding="utf-8")
        assert f"Per-protocol: <b>{per_protocol}</b>" in page
        assert f"{evaluable - per_protocol} excluded from per-protocol (reasons below)" in page
    assert measured <= {s["subject_id"] for s in subjects}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0108, "0.011"),
        (0.0009, "<0.001"),
        (0.00099, "<0.001"),
        (0.001, "0.001"),
        (0.2456, "0.246"),
        (0.9996, ">0.999"),
        (None, ""),
    ],
)
def test_p_values_for_a_clinical_reader(value: float | None, text: str) -> None:
    assert p_value_text(value) == text


def test_html_shows_labels_formatted_values_and_the_title(example: Path) -> None:
    page = (example / "report.html").read_text(encoding="utf-8")
    log_rank = rows(example / "log_rank.csv")
    cutoff = max(r["date"] for r in rows(EXAMPLE / "measurements.csv"))
    assert f"<h1>ReLUTH: RECIST 1.1 trial report, data cut-off {cutoff}</h1>" in page
    assert "Analysis populations: ITT (n=40), Per-protocol (n=35)" in page
    assert '<th class="num">p-value</th>' in page and ">p_value<" not in page
    first = log_rank[0]
    assert f'<td class="num">{p_value_text(float(first["p_value"]))}</td>' in page
    assert f'<td class="num">{float(first["hazard_ratio"]):.2f}</td>' in page
    assert "73 per arm, 146 in total" in page


def test_shown_keeps_the_csv_untouched(small: Analysis) -> None:
    table = small.table("log_rank.csv")
    display = shown(table)
    assert "p-value" in display.columns and "p_value" in table.columns
    assert len(display.rows) == len(table.rows)


def test_three_arms_compare_each_arm_with_the_control_and_say_so(tmp_path: Path) -> None:
    """Arms A, B, C (C the control, last in --arms): DCR A - C and B - C, recomputed from the
    analysis dataset; the methods name the comparisons; tiny subgroups are "not estimable"."""
    measurements, subjects = write(tmp_path)
    text = subjects.read_text(encoding="utf-8")
    for subject in ("A3", "B3"):
        text = text.replace(f"{subject},2024-01-10,,,{subject[0]}", f"{subject},2024-01-10,,,C")
    subjects.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["report", str(measurements), "--subjects", str(subjects), "--strata", "site"]
    assert main([*argv, "--arms", "A", "B", "C", "-o", str(out)]) == 0
    dataset = rows(out / "subjects.csv")

    def dcr(arm: str) -> float:
        members = [s for s in dataset if s["arm"] == arm]
        return sum(s["dcr"] == "Y" for s in members) / len(members)

    itt = [r for r in rows(out / "comparisons.csv") if r["population"] == "ITT"]
    found = {r["difference"]: r["difference_pct"] for r in itt if r["endpoint"] == "DCR"}
    assert found == {
        "A - C": f"{100 * (dcr('A') - dcr('C')):.1f}",
        "B - C": f"{100 * (dcr('B') - dcr('C')):.1f}",
    }
    primary = [r for r in rows(out / "primary_test.csv") if r["population"] == "ITT"]
    assert [(r["comparison"], r["role"]) for r in primary] == [
        ("A vs C", "primary"),
        ("A vs C", "sensitivity"),
        ("B vs C", "primary"),
        ("B vs C", "sensitivity"),
    ]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "A vs C; B vs C (each arm against the control, the last arm" in page
    assert "log-rank tests compare all 3 arms together (2 df)" in page
    assert all(r["rpfs_hazard_ratio"] == "" for r in rows(out / "forest.csv")[1:])
