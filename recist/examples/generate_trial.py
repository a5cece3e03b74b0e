"""Deterministic generator of a synthetic RECIST 1.1 trial shaped like ReLUTH (NCT04954820).

Subjects are randomized 1:1 (blocks of 4) to "177Lu-PRRT" (two more cycles, more shrinkage and
stability) or "SURVEILLANCE" (more progression). Each has a baseline scan a few days before
randomization, then a scan every ``interval_days`` (+- ``jitter_days``). Tumour kinetics are a
shrinkage curve plus exponential regrowth with measurement noise; scans stop after progression
(at most one scan after it). The first 40 subjects include a scripted showcase of every special
case a trial meets (complete response, split and merged targets, equivocal new lesion, ...),
and of the per-protocol exclusions (``eligible`` N, ``major_protocol_deviation`` text).

Standard library only; the output depends on ``(n_subjects, seed, options)`` and nothing else.
Measurement rows are streamed, so a 100 000-subject trial is written in constant memory::

    python -m recist.examples.generate_trial --subjects 40 --seed 2026 --out examples/reluth

(``recist example reluth DIR`` writes that same 40-subject trial.)
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import random
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TypedDict, Unpack

from recist.examples.trial_course import (
    ARM_PRRT,
    ARM_SURVEILLANCE,
    MEASUREMENT_COLUMNS,
    SHOWCASE,
    SUBJECT_COLUMNS,
    TrialDesign,
    simulate_subject,
    timepoint_label,
)

__all__ = [
    "ARM_PRRT",
    "ARM_SURVEILLANCE",
    "MEASUREMENT_COLUMNS",
    "SHOWCASE",
    "SUBJECT_COLUMNS",
    "TrialDesign",
    "TrialOptions",
    "generate_trial",
    "iter_measurement_rows",
    "iter_trial",
    "main",
    "protocol_compliance",
    "showcase_assignment",
    "timepoint_label",
    "write_trial",
]

SHOWCASE_POOL = 40
"""The showcase subjects are spread over the first this-many subjects."""

DEVIATIONS = {
    ARM_PRRT: ("wrong dose", "second PRRT cycle not given"),
    ARM_SURVEILLANCE: ("PRRT given in the surveillance arm",),
}
"""Major protocol deviations that can happen in each arm (``major_protocol_deviation``)."""
PROTOCOL_SHOWCASE: tuple[tuple[str, bool, str], ...] = (
    (ARM_PRRT, True, "wrong dose"),
    (ARM_PRRT, True, "wrong dose"),
    (ARM_PRRT, False, "second PRRT cycle not given"),
    (ARM_SURVEILLANCE, False, ""),
    (ARM_SURVEILLANCE, True, "PRRT given in the surveillance arm"),
)
"""Scripted (arm, eligible, major deviation) of the first 40 subjects; the others comply."""
NOT_ELIGIBLE_RATE = 0.03
DEVIATION_RATE = 0.05


class TrialOptions(TypedDict, total=False):
    """Keyword options of the generator; each is a field of :class:`TrialDesign`."""

    visits: int
    interval_days: int
    jitter_days: int
    first_randomization: date
    accrual_days: int
    targets: tuple[int, int]
    non_targets: tuple[int, int]
    max_scans_after_progression: int | None
    showcase: bool


def _design(options: TrialOptions) -> TrialDesign:
    design = TrialDesign(**options)
    if design.visits < 0 or design.interval_days < 7 or design.jitter_days < 0:
        raise ValueError("visits >= 0, interval_days >= 7 and jitter_days >= 0 are required")
    if design.jitter_days * 2 >= design.interval_days:
        raise ValueError("jitter_days must be below half of interval_days")
    low, high = design.targets
    if not 1 <= low <= high <= 5:
        raise ValueError("targets must satisfy 1 <= min <= max <= 5 (RECIST 1.1)")
    if not 0 <= design.non_targets[0] <= design.non_targets[1]:
        raise ValueError("non_targets must satisfy 0 <= min <= max")
    return design


def _block_arms(seed: int, block: int) -> list[str]:
    """Arms of one randomization block of 4 (1:1, permuted)."""
    arms = [ARM_PRRT, ARM_PRRT, ARM_SURVEILLANCE, ARM_SURVEILLANCE]
    random.Random(f"reluth:{seed}:block:{block}").shuffle(arms)
    return arms


def showcase_assignment(n_subjects: int, seed: int) -> dict[int, str]:
    """Map subject index -> showcase scenario, spread over the first 40 subjects.

    Each scenario goes to the next subject (in a seeded order) of its preferred arm, or of the
    other arm when none is left. With fewer subjects than scenarios, the last ones are left out.
    """
    pool = list(range(min(n_subjects, SHOWCASE_POOL)))
    random.Random(f"reluth:{seed}:showcase").shuffle(pool)
    arms = {index: _block_arms(seed, index // 4)[index % 4] for index in pool}
    assignment: dict[int, str] = {}
    for scenario, arm in SHOWCASE:
        if not pool:
            break
        chosen = next((index for index in pool if arms[index] == arm), pool[0])
        pool.remove(chosen)
        assignment[chosen] = scenario
    return assignment


def protocol_compliance(n_subjects: int, seed: int, showcase: bool) -> Iterator[tuple[str, str]]:
    """Per subject, the ``eligible`` (Y/N) and ``major_protocol_deviation`` values.

    With ``showcase``, the first 40 subjects carry exactly ``PROTOCOL_SHOWCASE`` (each row on
    the next subject of its arm in a seeded order); every other subject is not eligible with
    probability 3 % and has a major deviation of its arm with probability 5 %. Seeded apart
    from the tumour course, so the measurements do not depend on these columns.
    """
    scripted: dict[int, tuple[bool, str]] = {}
    pool = list(range(min(n_subjects, SHOWCASE_POOL))) if showcase else []
    random.Random(f"reluth:{seed}:protocol").shuffle(pool)
    arms = {index: _block_arms(seed, index // 4)[index % 4] for index in pool}
    for arm, eligible, deviation in PROTOCOL_SHOWCASE:
        chosen = next((index for index in pool if arms[index] == arm), None)
        if chosen is not None:
            pool.remove(chosen)
            scripted[chosen] = (eligible, deviation)
    for index in range(n_subjects):
        if index < SHOWCASE_POOL and showcase:
            eligible, deviation = scripted.get(index, (True, ""))
        else:
            rng = random.Random(f"reluth:{seed}:protocol:{index}")
            arm = _block_arms(seed, index // 4)[index % 4]
            eligible = rng.random() >= NOT_ELIGIBLE_RATE
            deviation = rng.choice(DEVIATIONS[arm]) if rng.random() < DEVIATION_RATE else ""
        yield ("Y" if eligible else "N", deviation)


def _iter_raw(
    n_subjects: int, seed: int, design: TrialDesign
) -> Iterator[tuple[list[str], list[list[str]]]]:
    """Yield (subject row, measurement rows) per subject, as lists in column order."""
    if n_subjects < 0:
        raise ValueError("n_subjects must be >= 0")
    width = max(3, len(str(n_subjects)))
    scenarios = showcase_assignment(n_subjects, seed) if design.showcase else {}
    arms: list[str] = []
    compliance = protocol_compliance(n_subjects, seed, design.showcase)
    for index in range(n_subjects):
        if index % 4 == 0:
            arms = _block_arms(seed, index // 4)
        subject, rows = simulate_subject(
            rng=random.Random(f"reluth:{seed}:subject:{index}"),
            subject_id=f"RLT-{index + 1:0{width}d}",
            arm=arms[index % 4],
            scenario=scenarios.get(index),
            design=design,
        )
        yield [*subject, *next(compliance)], rows


def iter_trial(
    n_subjects: int, seed: int, **options: Unpack[TrialOptions]
) -> Iterator[tuple[dict[str, str], list[dict[str, str]]]]:
    """Yield, per subject, its subjects.csv row and its measurements.csv rows (as dicts)."""
    for subject, rows in _iter_raw(n_subjects, seed, _design(options)):
        yield (
            dict(zip(SUBJECT_COLUMNS, subject, strict=True)),
            [dict(zip(MEASUREMENT_COLUMNS, row, strict=True)) for row in rows],
        )


def iter_measurement_rows(
    n_subjects: int, seed: int, **options: Unpack[TrialOptions]
) -> Iterator[dict[str, str]]:
    """Stream the measurement rows of the whole trial, subject by subject."""
    for _subject, rows in iter_trial(n_subjects, seed, **options):
        yield from rows


def generate_trial(
    n_subjects: int, seed: int, **options: Unpack[TrialOptions]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return (measurement rows, subject rows) of a synthetic trial, all values as strings.

    Options (keywords, see :class:`TrialDesign`): ``visits`` (6 follow-ups), ``interval_days``
    (56), ``jitter_days`` (7), ``first_randomization``, ``accrual_days``, ``targets`` ((1, 5)),
    ``non_targets`` ((0, 3)), ``max_scans_after_progression`` (1; None = keep scanning),
    ``showcase`` (True: script the special cases into the first 40 subjects).
    """
    measurements: list[dict[str, str]] = []
    subjects: list[dict[str, str]] = []
    for subject, rows in iter_trial(n_subjects, seed, **options):
        subjects.append(subject)
        measurements.extend(rows)
    return measurements, subjects


def write_trial(
    out_dir: str | Path, n_subjects: int, seed: int, **options: Unpack[TrialOptions]
) -> tuple[Path, Path, int]:
    """Write ``measurements.csv`` and ``subjects.csv`` into ``out_dir`` in one streaming pass.

    Returns the two paths and the number of measurement rows. Files are UTF-8 with ``\\n`` line
    ends, so the same arguments always give the same bytes.
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    measurements_path = directory / "measurements.csv"
    subjects_path = directory / "subjects.csv"
    design = _design(options)
    n_rows = 0
    with (
        measurements_path.open("w", encoding="utf-8", newline="") as measurements_file,
        subjects_path.open("w", encoding="utf-8", newline="") as subjects_file,
    ):
        measurement_writer = csv.writer(measurements_file, lineterminator="\n")
        subject_writer = csv.writer(subjects_file, lineterminator="\n")
        measurement_writer.writerow(MEASUREMENT_COLUMNS)
        subject_writer.writerow(SUBJECT_COLUMNS)
        for subject, rows in _iter_raw(n_subjects, seed, design):
            subject_writer.writerow(subject)
            measurement_writer.writerows(rows)
            n_rows += len(rows)
    return measurements_path, subjects_path, n_rows


def _parse_date(text: str) -> date:
    return date.fromisoformat(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write a synthetic trial to a directory; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--subjects", type=int, default=40, help="number of subjects (40)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    defaults = TrialDesign()
    parser.add_argument(
        "--visits",
        type=int,
        default=defaults.visits,
        help="follow-up timepoints after baseline (%(default)s)",
    )
    parser.add_argument(
        "--interval-days",
        type=int,
        default=defaults.interval_days,
        help="days between scheduled scans (%(default)s)",
    )
    parser.add_argument(
        "--targets",
        type=int,
        nargs=2,
        default=defaults.targets,
        metavar=("MIN", "MAX"),
        help="target lesions per subject (1 5)",
    )
    parser.add_argument(
        "--non-targets",
        type=int,
        nargs=2,
        default=defaults.non_targets,
        metavar=("MIN", "MAX"),
        help="non-target lesions per subject (0 3)",
    )
    parser.add_argument(
        "--keep-scanning", action="store_true", help="keep scanning after progression (benchmarks)"
    )
    parser.add_argument(
        "--first-randomization",
        type=_parse_date,
        default=defaults.first_randomization,
        help="ISO date (2021-09-01)",
    )
    args = parser.parse_args(argv)
    try:
        measurements_path, subjects_path, n_rows = write_trial(
            args.out,
            args.subjects,
            args.seed,
            visits=args.visits,
            interval_days=args.interval_days,
            targets=(args.targets[0], args.targets[1]),
            non_targets=(args.non_targets[0], args.non_targets[1]),
            max_scans_after_progression=None if args.keep_scanning else 1,
            first_randomization=args.first_randomization,
        )
    except ValueError as error:
        parser.error(str(error))
    print(f"wrote {n_rows} rows to {measurements_path} and {args.subjects} to {subjects_path}")
    return 0


def _ensure_dataclass_fields_match() -> None:
    """Guard: TrialOptions and TrialDesign must name the same options."""
    names = {field.name for field in dataclasses.fields(TrialDesign)}
    if names != set(TrialOptions.__annotations__):
        raise RuntimeError(f"TrialOptions and TrialDesign differ: {sorted(names)}")


_ensure_dataclass_fields_match()

if __name__ == "__main__":
    raise SystemExit(main())
