"""The example generator's per-protocol columns: ``eligible`` (Y/N) and
``major_protocol_deviation`` (a deviation possible in the subject's arm), scripted in the first
40 subjects and seeded apart from the tumour course."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest

from recist.examples import generate_trial as gen
from recist.examples.trial_course import simulate_subject

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "reluth"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def scripted(subjects: list[dict[str, str]]) -> Counter[tuple[str, bool, str]]:
    return Counter(
        (s["arm"], s["eligible"] == "Y", s["major_protocol_deviation"])
        for s in subjects
        if s["eligible"] == "N" or s["major_protocol_deviation"]
    )


def test_committed_example_flags_exactly_the_scripted_subjects() -> None:
    subjects = rows(EXAMPLE / "subjects.csv")
    assert list(subjects[0])[-2:] == ["eligible", "major_protocol_deviation"]
    assert {s["eligible"] for s in subjects} == {"Y", "N"}
    assert scripted(subjects) == Counter(gen.PROTOCOL_SHOWCASE)
    assert [s["subject_id"] for s in subjects if s["eligible"] == "N"] == ["RLT-036", "RLT-037"]


@pytest.mark.parametrize("seed", [1, 77, 4242])
def test_every_seed_scripts_the_exclusions(seed: int) -> None:
    _, subjects = gen.generate_trial(40, seed)
    assert scripted(subjects) == Counter(gen.PROTOCOL_SHOWCASE)


def test_rates_and_arms_beyond_the_showcase() -> None:
    _, subjects = gen.generate_trial(1000, 9, showcase=False, visits=1)
    not_eligible = sum(s["eligible"] == "N" for s in subjects)
    deviations = [s for s in subjects if s["major_protocol_deviation"]]
    assert 10 <= not_eligible <= 55  # 3 % of 1000
    assert 25 <= len(deviations) <= 80  # 5 % of 1000
    for subject in deviations:
        assert subject["major_protocol_deviation"] in gen.DEVIATIONS[subject["arm"]]


def test_compliance_columns_are_appended_and_seeded_apart() -> None:
    """Each subject's measurements and other columns are what ``simulate_subject`` gives from
    the subject's own seed: the compliance draws never touch the tumour course (so the
    committed measurements did not change when the columns were added)."""
    measurements, subjects = gen.generate_trial(12, 5)
    scenarios = gen.showcase_assignment(12, 5)
    expected_rows: list[list[str]] = []
    for index, subject in enumerate(subjects):
        alone, course = simulate_subject(
            rng=random.Random(f"reluth:5:subject:{index}"),
            subject_id=subject["subject_id"],
            arm=subject["arm"],
            scenario=scenarios.get(index),
            design=gen.TrialDesign(),
        )
        assert [subject[c] for c in gen.SUBJECT_COLUMNS[:-2]] == alone
        expected_rows += course
    assert [[m[c] for c in gen.MEASUREMENT_COLUMNS] for m in measurements] == expected_rows
    compliance = list(gen.protocol_compliance(12, 5, True))
    assert [(s["eligible"], s["major_protocol_deviation"]) for s in subjects] == compliance
