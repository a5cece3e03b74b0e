"""The synthetic-trial generator (examples/) and its committed 40-subject ReLUTH example.

Everything here reads the CSV files with the csv module and re-derives sums, nadirs and
progression on its own, independently of both the engine and the generator's internals.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from recist.examples import generate_trial as gen

ROOT = Path(__file__).resolve().parents[1]

EXAMPLE = ROOT / "examples" / "reluth"
ALLOWED_STATES = {
    "PRESENT": {"TARGET", "NON-TARGET", "NEW"},
    "ABSENT": {"TARGET", "NON-TARGET"},
    "TOO_SMALL": {"TARGET"},
    "NOT_EVALUATED": {"TARGET", "NON-TARGET", "NEW"},
    "MERGED": {"TARGET"},
    "PROGRESSION": {"NON-TARGET"},
    "EQUIVOCAL": {"NEW"},
}
STRATA = {
    "dc_duration": {"<18m", ">=18m"},
    "progression_type": {"radiological", "not radiological"},
    "gfr": {"<60", ">=60"},
    "intercurrent_line": {"yes", "no"},
    "arm": {"177Lu-PRRT", "SURVEILLANCE"},
}
DIAMETER = re.compile(r"\d+\.\d")
Row = dict[str, str]


def read_csv(path: Path) -> tuple[list[str], list[Row]]:
    """Header and rows of a CSV file, read with the standard library only."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def tenths(text: str) -> int:
    """A one-decimal diameter in tenths of a millimetre."""
    return round(float(text) * 10)


@dataclass
class Course:
    """One subject's timepoints re-evaluated from the CSV (sums in tenths of a mm)."""

    dates: list[date] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    progression: date | None = None
    by_sum: bool = False
    complete_response_with_nodes: bool = False
    partial_response: bool = False
    not_evaluated_without_progression: bool = False


def by_subject(rows: list[Row]) -> dict[str, dict[str, list[Row]]]:
    """Rows grouped by subject, then timepoint (timepoints ordered by date)."""
    grouped: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row["subject_id"]][row["timepoint"]].append(row)
    return {
        subject: dict(sorted(points.items(), key=lambda item: min(r["date"] for r in item[1])))
        for subject, points in grouped.items()
    }


def evaluate(timepoints: dict[str, list[Row]]) -> Course:
    """Re-derive sums, nadir, CR/PR and the progression date of one subject (RECIST 1.1)."""
    course = Course()
    baseline_sum = nadir = 0
    previous_cr = False
    first_seen: dict[str, date] = {}
    for index, (label, rows) in enumerate(timepoints.items()):
        scan_date = date.fromisoformat(min(row["date"] for row in rows))
        course.labels.append(label)
        course.dates.append(scan_date)
        total, complete, target_cr, reappeared, nodes_below_10 = 0, True, True, False, False
        non_target_cr, non_target_pd, new_present = True, False, False
        progression: date | None = None
        for row in rows:
            node, state, category = row["is_node"] == "Y", row["state"], row["category"]
            axis = row["short_axis_mm"] if node else row["long_axis_mm"]
            if category == "TARGET":
                value = {"ABSENT": 0, "MERGED": 0, "TOO_SMALL": 50}.get(state)
                value = tenths(axis) if state == "PRESENT" else value
                if value is None:
                    complete = target_cr = False
                    continue
                total += value
                normal = (
                    (state != "PRESENT" or value < 100) if node else state in ("ABSENT", "MERGED")
                )
                nodes_below_10 = nodes_below_10 or (node and state == "PRESENT" and value < 100)
                target_cr, reappeared = target_cr and normal, reappeared or not normal
            elif category == "NON-TARGET":
                normal = state == "ABSENT" or (node and state == "PRESENT" and tenths(axis) < 100)
                non_target_pd = non_target_pd or state == "PROGRESSION"
                non_target_cr = non_target_cr and normal
                reappeared = reappeared or (state != "NOT_EVALUATED" and not normal)
            else:
                first_seen.setdefault(row["lesion_id"], scan_date)
                if state == "PRESENT":
                    new_present = True
                    seen = first_seen[row["lesion_id"]]
                    progression = seen if progression is None else min(progression, seen)
        if index == 0:
            baseline_sum = nadir = total
            continue
        by_sum = total * 5 >= nadir * 6 and total - nadir >= 50
        if by_sum or non_target_pd or (previous_cr and reappeared):
            progression = min(progression or scan_date, scan_date)
        if complete:
            nadir = min(nadir, total)
        is_cr = target_cr and non_target_cr and not new_present and progression is None
        if course.progression is None:
            course.by_sum = course.by_sum or by_sum
            course.complete_response_with_nodes |= is_cr and nodes_below_10
            course.partial_response |= complete and not is_cr and total * 10 <= baseline_sum * 7
            course.not_evaluated_without_progression |= not complete and progression is None
            course.progression = progression
        previous_cr = is_cr
    return course


def contract_problems(header: list[str], rows: list[Row]) -> list[str]:
    """Every way the measurement rows break the CSV contract (or the trial's conventions)."""
    problems: list[str] = []
    if header != list(gen.MEASUREMENT_COLUMNS):
        problems.append(f"header {header}")
    seen_keys: set[tuple[str, str, str, str]] = set()
    lesion_facts: dict[tuple[str, str], tuple[str, str, str]] = {}
    for line, row in enumerate(rows, start=2):
        where = f"line {line}"
        for column in ("subject_id", "timepoint", "date", "lesion_id", "category", "location"):
            if not row[column]:
                problems.append(f"{where}: {column} empty")
        if len(row["date"]) != 10 or date.fromisoformat(row["date"]).isoformat() != row["date"]:
            problems.append(f"{where}: date {row['date']!r}")
        category, state = row["category"], row["state"]
        if category not in ALLOWED_STATES["PRESENT"] or category not in ALLOWED_STATES.get(
            state, set()
        ):
            problems.append(f"{where}: state {state!r} not allowed for {category!r}")
        if row["is_node"] not in ("Y", "N"):
            problems.append(f"{where}: is_node {row['is_node']!r}")
        for column in ("long_axis_mm", "short_axis_mm", "slice_thickness_mm"):
            if row[column] and not DIAMETER.fullmatch(row[column]):
                problems.append(f"{where}: {column} {row[column]!r} is not d.d mm")
        needed = "short_axis_mm" if row["is_node"] == "Y" else "long_axis_mm"
        if category == "TARGET" and state == "PRESENT" and not row[needed]:
            problems.append(f"{where}: PRESENT target without {needed}")
        if state not in ("PRESENT", "PROGRESSION") and (
            row["long_axis_mm"] or row["short_axis_mm"]
        ):
            problems.append(f"{where}: {state} row carries a diameter")
        if row["fragment"] and (category, state) != ("TARGET", "PRESENT"):
            problems.append(f"{where}: fragment on a {category} {state} row")
        key = (row["subject_id"], row["timepoint"], row["lesion_id"], row["fragment"])
        if key in seen_keys:
            problems.append(f"{where}: duplicate {key}")
        seen_keys.add(key)
        facts = (category, row["location"], row["is_node"])
        if lesion_facts.setdefault((row["subject_id"], row["lesion_id"]), facts) != facts:
            problems.append(f"{where}: lesion {row['lesion_id']} changes category or site")
    for subject, timepoints in by_subject(rows).items():
        dates = [{row["date"] for row in points} for points in timepoints.values()]
        if any(len(one) != 1 for one in dates) or len({d for one in dates for d in one}) != len(
            dates
        ):
            problems.append(f"{subject}: a timepoint with several dates, or two on one date")
        labels = list(timepoints)
        baseline_rows = timepoints[labels[0]]
        if labels[0] != "BASELINE" or any(row["category"] == "NEW" for row in baseline_rows):
            problems.append(f"{subject}: baseline is not BASELINE or has a NEW lesion")
        baseline_ids = {row["lesion_id"] for row in baseline_rows}
        for points in list(timepoints.values())[1:]:
            for row in points:
                if (row["category"] == "NEW") == (row["lesion_id"] in baseline_ids):
                    problems.append(f"{subject}: lesion {row['lesion_id']} not at baseline")
            fragments = Counter(row["lesion_id"] for row in points if row["fragment"])
            if any(count < 2 for count in fragments.values()):
                problems.append(f"{subject}: a split lesion with a single fragment")
    return problems


def baseline_problems(rows: list[Row]) -> list[str]:
    """RECIST 1.1 baseline conformance and ReLUTH eligibility (measurable, >= 2 lesions)."""
    problems: list[str] = []
    for subject, timepoints in by_subject(rows).items():
        baseline = next(iter(timepoints.values()))
        targets = [row for row in baseline if row["category"] == "TARGET"]
        per_organ = Counter(row["location"] for row in targets)
        if not 1 <= len(targets) <= 5 or max(per_organ.values()) > 2 or len(baseline) < 2:
            problems.append(f"{subject}: {len(targets)} targets, {per_organ}, {len(baseline)}")
        for row in targets:
            node = row["is_node"] == "Y"
            size = float(row["short_axis_mm"] if node else row["long_axis_mm"])
            if size < (15.0 if node else max(10.0, 2 * float(row["slice_thickness_mm"]))):
                problems.append(f"{subject}: target {row['lesion_id']} not measurable")
    return problems


def subject_problems(header: list[str], subjects: list[Row], rows: list[Row]) -> list[str]:
    """The subjects file: columns, values, and dates consistent with the scans."""
    problems = [] if header == list(gen.SUBJECT_COLUMNS) else [f"header {header}"]
    courses = by_subject(rows)
    if [s["subject_id"] for s in subjects] != sorted(courses):
        problems.append("subjects differ between the two files")
    for subject in subjects:
        problems += [
            f"{subject['subject_id']}: {k}" for k, v in STRATA.items() if subject[k] not in v
        ]
        timepoints = courses.get(subject["subject_id"], {})
        dates = sorted(row["date"] for points in timepoints.values() for row in points)
        randomization = subject["randomization_date"]
        if not dates or not all((day < randomization) == (day == dates[0]) for day in dates):
            problems.append(f"{subject['subject_id']}: baseline not the only scan before it")
        death, therapy = subject["death_date"], subject["new_therapy_date"]
        if death and (death < dates[-1] or (therapy and therapy > death)):
            problems.append(f"{subject['subject_id']}: death before a scan or a therapy")
        if therapy and therapy <= randomization:
            problems.append(f"{subject['subject_id']}: therapy before randomization")
    return problems


def special_cases(rows: list[Row], subjects: list[Row]) -> dict[str, list[str]]:
    """Subject ids showing each special case the example must contain."""
    cases: dict[str, list[str]] = defaultdict(list)
    for subject, timepoints in by_subject(rows).items():
        course = evaluate(timepoints)
        flat = [row for points in timepoints.values() for row in points]
        states = {(row["category"], row["state"]) for row in flat}
        new_states: dict[str, list[str]] = defaultdict(list)
        for row in flat:
            if row["category"] == "NEW":
                new_states[row["lesion_id"]].append(row["state"])
        after = sum(day > course.progression for day in course.dates) if course.progression else 0
        schedule = [gen.timepoint_label(visit, 56) for visit in range(len(course.labels) + 9)]
        skipped = course.labels != schedule[: len(course.labels)]
        for name, present in {
            "complete response, nodes < 10 mm": course.complete_response_with_nodes,
            "partial response": course.partial_response,
            "progression by sum": course.by_sum,
            "non-target PROGRESSION": ("NON-TARGET", "PROGRESSION") in states,
            "definite new lesion": any(s[0] == "PRESENT" for s in new_states.values()),
            "EQUIVOCAL then PRESENT": any(
                s[0] == "EQUIVOCAL" and "PRESENT" in s for s in new_states.values()
            ),
            "TOO_SMALL target": ("TARGET", "TOO_SMALL") in states,
            "ABSENT target": ("TARGET", "ABSENT") in states,
            "split target": any(row["fragment"] == "2" for row in flat),
            "MERGED target": ("TARGET", "MERGED") in states,
            "missed visit": skipped,
            "NOT_EVALUATED target, NE": course.not_evaluated_without_progression,
            "one scan after progression": after == 1,
            "more than one scan after progression": after > 1,
        }.items():
            if present:
                cases[name].append(subject)
    for column, name in (("death_date", "death"), ("new_therapy_date", "new therapy")):
        cases[name] = [s["subject_id"] for s in subjects if s[column]]
    return dict(cases)


REQUIRED_CASES = (
    "complete response, nodes < 10 mm", "partial response", "progression by sum",
    "non-target PROGRESSION", "definite new lesion", "EQUIVOCAL then PRESENT",
    "TOO_SMALL target", "ABSENT target", "split target", "MERGED target", "missed visit",
    "NOT_EVALUATED target, NE", "one scan after progression", "death", "new therapy",
)  # fmt: skip


def check_trial(directory: Path) -> dict[str, list[str]]:
    """Assert the files in ``directory`` obey the contract; return the special cases."""
    header, rows = read_csv(directory / "measurements.csv")
    subject_header, subjects = read_csv(directory / "subjects.csv")
    assert contract_problems(header, rows) == []
    assert baseline_problems(rows) == []
    assert subject_problems(subject_header, subjects, rows) == []
    return special_cases(rows, subjects)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        gen.write_trial(tmp_path / name, 25, seed)
    for file in ("measurements.csv", "subjects.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
        assert (tmp_path / "a" / file).read_bytes() != (tmp_path / "c" / file).read_bytes()


def test_committed_example_equals_a_fresh_generation(tmp_path: Path) -> None:
    assert gen.main(["--subjects", "40", "--seed", "2026", "--out", str(tmp_path)]) == 0
    for file in ("measurements.csv", "subjects.csv"):
        assert (EXAMPLE / file).read_bytes() == (tmp_path / file).read_bytes(), file


def test_in_memory_api_matches_the_written_files() -> None:
    measurements, subjects = gen.generate_trial(40, 2026)
    assert measurements == read_csv(EXAMPLE / "measurements.csv")[1]
    assert subjects == read_csv(EXAMPLE / "subjects.csv")[1]
    streamed = gen.iter_measurement_rows(40, 2026)
    assert next(streamed) == measurements[0] and iter(streamed) is streamed


def test_committed_example_obeys_the_contract_and_has_every_special_case() -> None:
    cases = check_trial(EXAMPLE)
    assert [name for name in REQUIRED_CASES if not cases.get(name)] == []
    assert len(cases["death"]) >= 2 and len(cases["new therapy"]) >= 2
    assert "more than one scan after progression" not in cases


@pytest.mark.parametrize("seed", [1, 77, 4242])
def test_every_seed_gives_a_valid_trial_with_every_special_case(tmp_path: Path, seed: int) -> None:
    gen.write_trial(tmp_path, 40, seed)
    cases = check_trial(tmp_path)
    assert [name for name in REQUIRED_CASES if not cases.get(name)] == []
    assert "more than one scan after progression" not in cases


def test_arms_differ_as_the_trial_expects(tmp_path: Path) -> None:
    gen.write_trial(tmp_path, 400, 5, showcase=False)
    _, rows = read_csv(tmp_path / "measurements.csv")
    arm = {s["subject_id"]: s["arm"] for s in read_csv(tmp_path / "subjects.csv")[1]}
    progressed: Counter[str] = Counter()
    responded: Counter[str] = Counter()
    for subject, timepoints in by_subject(rows).items():
        course = evaluate(timepoints)
        progressed[arm[subject]] += course.progression is not None
        responded[arm[subject]] += course.partial_response or course.complete_response_with_nodes
    assert Counter(arm.values()) == {"177Lu-PRRT": 200, "SURVEILLANCE": 200}
    assert progressed["177Lu-PRRT"] + 20 < progressed["SURVEILLANCE"]
    assert responded["177Lu-PRRT"] > responded["SURVEILLANCE"] + 20


def test_benchmark_shape_keeps_scanning_and_stays_valid(tmp_path: Path) -> None:
    options: gen.TrialOptions = {
        "visits": 9,
        "targets": (5, 5),
        "non_targets": (3, 3),
        "max_scans_after_progression": None,
        "showcase": False,
    }
    _, _, n_rows = gen.write_trial(tmp_path, 60, 3, **options)
    check_trial(tmp_path)
    assert 70 * 60 <= n_rows <= 90 * 60  # ~10 timepoints x 8 lesions per subject


def test_invalid_options_are_refused() -> None:
    with pytest.raises(ValueError):
        gen.generate_trial(3, 1, targets=(0, 6))
    with pytest.raises(ValueError):
        gen.generate_trial(3, 1, interval_days=10, jitter_days=7)
