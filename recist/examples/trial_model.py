"""The synthetic trial's model: design options, lesions, per-arm kinetics and showcase scenarios.

A subject's tumour burden follows a shrinkage curve towards ``exp(-depth)`` with a time
constant ``tau`` (in visits), times exponential regrowth ``exp(growth * visit)``, times
log-normal measurement noise; each lesion scales the subject's depth and growth by its own
factor. Random events arrive by per-visit hazards; the showcase scenarios script them instead.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

MEASUREMENT_COLUMNS = (
    "subject_id", "timepoint", "date", "lesion_id", "category", "location", "is_node",
    "long_axis_mm", "short_axis_mm", "state", "fragment", "slice_thickness_mm",
)  # fmt: skip
SUBJECT_COLUMNS = (
    "subject_id", "randomization_date", "death_date", "new_therapy_date", "arm",
    "dc_duration", "progression_type", "gfr", "intercurrent_line",
    "eligible", "major_protocol_deviation",
)  # fmt: skip

ARM_PRRT = "177Lu-PRRT"
ARM_SURVEILLANCE = "SURVEILLANCE"
NODE = "lymph node"
TARGET_ORGANS = ("liver", NODE, "mesentery", "lung", "peritoneum", "pancreas")
TARGET_ORGAN_WEIGHTS = (8, 4, 2, 2, 2, 1)
NON_TARGET_SITES = ("liver", "bone", NODE, "peritoneum", "lung")
NON_TARGET_SITE_WEIGHTS = (3, 3, 3, 2, 1)
NEW_LESION_SITES = ("liver", "bone", "lung", "peritoneum")
SLICE_THICKNESSES_MM = (1.0, 1.5, 2.5, 3.0, 5.0)

SHOWCASE: tuple[tuple[str, str], ...] = (
    ("complete_response", ARM_PRRT),
    ("partial_response", ARM_PRRT),
    ("too_small_target", ARM_PRRT),
    ("absent_target", ARM_PRRT),
    ("split_target", ARM_PRRT),
    ("not_evaluated_target", ARM_PRRT),
    ("equivocal_new_lesion", ARM_PRRT),
    ("new_therapy_before_progression", ARM_PRRT),
    ("progression_by_sum", ARM_SURVEILLANCE),
    ("non_target_progression", ARM_SURVEILLANCE),
    ("new_lesion", ARM_SURVEILLANCE),
    ("merged_target", ARM_SURVEILLANCE),
    ("missed_visit", ARM_SURVEILLANCE),
    ("death_before_progression", ARM_SURVEILLANCE),
)
"""Scripted special cases (scenario, preferred arm), spread over the first 40 subjects."""


@dataclass(frozen=True)
class TrialDesign:
    """Schedule and size options of a synthetic trial (ReLUTH's values as defaults)."""

    visits: int = 6
    """Follow-up timepoints after baseline (6 x 8 weeks: one year)."""
    interval_days: int = 56
    jitter_days: int = 7
    first_randomization: date = date(2021, 9, 1)
    accrual_days: int = 730
    targets: tuple[int, int] = (1, 5)
    non_targets: tuple[int, int] = (0, 3)
    max_scans_after_progression: int | None = 1
    """Scans kept after the progression date (None: scanning goes on to the last visit)."""
    showcase: bool = True


@dataclass
class Lesion:
    """A lesion and the scripted events of its course (visits are 1-based follow-up indexes)."""

    lesion_id: str
    category: str
    location: str
    size_mm: float
    """Baseline measured axis: short axis of a node, long axis otherwise (one decimal)."""
    other_axis: float = 0.7
    """Ratio of the other axis to the measured one."""
    depth: float = 1.0
    growth: float = 1.0
    absent: bool = False
    absent_from: int | None = None
    too_small_from: int | None = None
    split_from: int | None = None
    merged_from: int | None = None
    absorbs: Lesion | None = None
    """The target lesion that coalesces into this one (this one then carries both)."""
    progression_from: int | None = None
    not_evaluated: set[int] = field(default_factory=set)
    first_visit: int = 0
    """NEW lesions: first visit seen; EQUIVOCAL until ``present_from``."""
    present_from: int = 0
    resolves: bool = False
    first_seen: date | None = None

    @property
    def is_node(self) -> bool:
        """A lymph node is measured and followed by its short axis."""
        return self.location == NODE


@dataclass
class Plan:
    """A subject's kinetics and event hazards (per follow-up visit)."""

    depth: float
    growth: float
    tau: float = 1.0
    noise: float = 0.03
    heterogeneity: float = 0.0
    new_lesion_hazard: float = 0.0
    non_target_progression_hazard: float = 0.0
    missed_visit_hazard: float = 0.0
    not_evaluated_hazard: float = 0.0
    off_study_hazard: float = 0.0
    death_hazard: float = 0.0
    death_after_progression: float = 0.0
    therapy_after_progression: float = 0.0
    scan_after_progression: float = 0.0
    missed: set[int] = field(default_factory=set)
    death_after: int | None = None
    therapy_after: int | None = None
    new_lesions: list[Lesion] = field(default_factory=list)


def _one_decimal(value: float) -> float:
    return round(value, 1)


def make_target(
    rng: random.Random, lesion_id: str, organ: str, low: float = 0.0, high: float = 0.0
) -> Lesion:
    """A measurable target: node short axis >= 15 mm, other long axis >= 10 mm."""
    if organ == NODE:
        size = rng.uniform(low, high) if high else 15.0 + min(rng.expovariate(1 / 6), 25.0)
        return Lesion(
            lesion_id,
            "TARGET",
            organ,
            max(15.0, _one_decimal(size)),
            other_axis=rng.uniform(1.1, 1.6),
        )
    size = rng.uniform(low, high) if high else 10.0 + min(rng.expovariate(1 / 18), 80.0)
    return Lesion(
        lesion_id, "TARGET", organ, max(10.0, _one_decimal(size)), other_axis=rng.uniform(0.55, 0.9)
    )


def make_non_target(rng: random.Random, lesion_id: str, site: str) -> Lesion:
    """A non-target: a pathological node (10 to < 15 mm) or an unmeasured lesion."""
    if site == NODE:
        return Lesion(
            lesion_id,
            "NON-TARGET",
            site,
            _one_decimal(rng.uniform(10.0, 14.9)),
            other_axis=rng.uniform(1.2, 1.6),
        )
    return Lesion(lesion_id, "NON-TARGET", site, 8.0)


def make_new_lesion(
    rng: random.Random, number: int, first_visit: int, equivocal: bool, site: str | None = None
) -> Lesion:
    """A new lesion first seen at ``first_visit``; an equivocal one is confirmed or resolves."""
    lesion = Lesion(
        f"NEW{number}",
        "NEW",
        site or rng.choice(NEW_LESION_SITES),
        _one_decimal(rng.uniform(6.0, 16.0)),
        first_visit=first_visit,
        present_from=first_visit,
    )
    if equivocal:
        lesion.present_from = first_visit + 1
        lesion.resolves = rng.random() < 0.35
    return lesion


def natural_subject(
    rng: random.Random, arm: str, design: TrialDesign, long_disease_control: bool
) -> tuple[Plan, list[Lesion]]:
    """Random kinetics and lesions by arm: PRRT shrinks more and progresses less."""
    if arm == ARM_PRRT:
        depth = rng.uniform(0.35, 1.0) if rng.random() < 0.22 else rng.uniform(0.0, 0.35)
        growth = rng.uniform(0.05, 0.12) if rng.random() < 0.2 else rng.uniform(-0.01, 0.03)
        hazards = (0.012, 0.01, 0.004)
    else:
        depth = rng.uniform(0.1, 0.4) if rng.random() < 0.08 else rng.uniform(0.0, 0.08)
        growth = rng.uniform(0.07, 0.16) if rng.random() < 0.3 else rng.uniform(0.0, 0.05)
        hazards = (0.03, 0.025, 0.008)
    if long_disease_control:
        depth *= 1.15
        growth *= 0.85
    plan = Plan(
        depth=depth,
        growth=growth,
        tau=rng.uniform(0.7, 2.0),
        noise=0.05,
        heterogeneity=0.3,
        new_lesion_hazard=hazards[0],
        non_target_progression_hazard=hazards[1],
        death_hazard=hazards[2],
        missed_visit_hazard=0.03,
        not_evaluated_hazard=0.015,
        off_study_hazard=0.01,
        death_after_progression=0.25,
        therapy_after_progression=0.6,
        scan_after_progression=0.5,
    )
    n_targets = rng.randint(*design.targets)
    n_non_targets = rng.randint(*design.non_targets)
    if n_targets + n_non_targets < 2:  # eligibility: at least two lesions
        n_non_targets = 1
    per_organ: Counter[str] = Counter()
    lesions: list[Lesion] = []
    for number in range(1, n_targets + 1):
        organ = rng.choices(TARGET_ORGANS, TARGET_ORGAN_WEIGHTS)[0]
        while per_organ[organ] >= 2:  # RECIST 1.1: at most 2 targets per organ
            organ = rng.choices(TARGET_ORGANS, TARGET_ORGAN_WEIGHTS)[0]
        per_organ[organ] += 1
        lesions.append(make_target(rng, f"T{number}", organ))
    for number in range(1, n_non_targets + 1):
        site = rng.choices(NON_TARGET_SITES, NON_TARGET_SITE_WEIGHTS)[0]
        lesions.append(make_non_target(rng, f"NT{number}", site))
    for lesion in lesions:
        lesion.depth = rng.uniform(1 - plan.heterogeneity, 1 + plan.heterogeneity)
        lesion.growth = rng.uniform(1 - 2 * plan.heterogeneity, 1 + 2 * plan.heterogeneity)
    return plan, lesions


def showcase_subject(rng: random.Random, scenario: str) -> tuple[Plan, list[Lesion]]:
    """Scripted kinetics, lesions and events of one showcase scenario (no random events)."""
    target, non_target = make_target, make_non_target
    if scenario == "complete_response":  # nodal targets shrink below 10 mm, the other vanishes
        plan = Plan(depth=1.4, growth=0.0)
        lesions = [
            target(rng, "T1", NODE, 15, 19),
            target(rng, "T2", NODE, 15, 19),
            target(rng, "T3", "liver", 10, 13),
        ]
        lesions[2].absent_from = 2
    elif scenario == "partial_response":
        plan = Plan(depth=0.8, growth=0.0)
        lesions = [
            target(rng, "T1", "liver", 20, 40),
            target(rng, "T2", "liver", 15, 30),
            target(rng, "T3", "mesentery", 20, 35),
            non_target(rng, "NT1", "bone"),
        ]
    elif scenario == "too_small_target":
        plan = Plan(depth=0.6, growth=0.0)
        lesions = [
            target(rng, "T1", "liver", 25, 40),
            target(rng, "T2", "lung", 10, 12),
            non_target(rng, "NT1", "liver"),
        ]
        lesions[1].too_small_from, lesions[1].depth = 2, 2.0
    elif scenario == "absent_target":
        plan = Plan(depth=0.4, growth=0.0)
        lesions = [
            target(rng, "T1", "liver", 10, 13),
            target(rng, "T2", "liver", 20, 35),
            target(rng, "T3", NODE, 16, 22),
            non_target(rng, "NT1", "peritoneum"),
        ]
        lesions[0].absent_from = 3
    elif scenario == "split_target":
        plan = Plan(depth=0.15, growth=0.0)
        lesions = [
            target(rng, "T1", "liver", 30, 45),
            target(rng, "T2", "mesentery", 15, 25),
            non_target(rng, "NT1", NODE),
        ]
        lesions[0].split_from = 3
    elif scenario == "not_evaluated_target":
        plan = Plan(depth=0.1, growth=0.0)
        lesions = [
            target(rng, "T1", "liver", 20, 30),
            target(rng, "T2", "lung", 12, 18),
            non_target(rng, "NT1", "bone"),
        ]
        lesions[1].not_evaluated = {3}
    elif scenario == "equivocal_new_lesion":  # EQUIVOCAL at visit 2, PRESENT at visit 3
        plan = Plan(depth=0.2, growth=0.0)
        lesions = [target(rng, "T1", "liver", 20, 35), target(rng, "T2", NODE, 16, 22)]
        plan.new_lesions = [make_new_lesion(rng, 1, 2, equivocal=True, site="bone")]
        plan.new_lesions[0].resolves = False
    elif scenario == "new_therapy_before_progression":
        plan = Plan(depth=0.05, growth=0.0, therapy_after=2)
        lesions = [
            target(rng, "T1", "liver", 15, 30),
            target(rng, "T2", "pancreas", 15, 25),
            non_target(rng, "NT1", "liver"),
        ]
        plan.new_lesions = [make_new_lesion(rng, 1, 3, equivocal=False, site="liver")]
    elif scenario == "progression_by_sum":  # >= 20 % and >= 5 mm over the nadir by visit 2-3
        plan = Plan(depth=0.0, growth=0.14, scan_after_progression=1.0, death_after_progression=1.0)
        lesions = [
            target(rng, "T1", "liver", 25, 45),
            target(rng, "T2", "liver", 20, 35),
            target(rng, "T3", NODE, 16, 24),
            non_target(rng, "NT1", "bone"),
        ]
    elif scenario == "non_target_progression":
        plan = Plan(depth=0.0, growth=0.0, therapy_after_progression=1.0)
        lesions = [
            target(rng, "T1", "liver", 15, 30),
            target(rng, "T2", "mesentery", 15, 30),
            non_target(rng, "NT1", "bone"),
            non_target(rng, "NT2", "peritoneum"),
        ]
        lesions[2].progression_from = 3
    elif scenario == "new_lesion":
        plan = Plan(depth=0.0, growth=0.0, scan_after_progression=1.0)
        lesions = [target(rng, "T1", "liver", 20, 35), target(rng, "T2", NODE, 15, 20)]
        plan.new_lesions = [make_new_lesion(rng, 1, 2, equivocal=False, site="liver")]
    elif scenario == "merged_target":  # T2 coalesces into T1, which carries both
        plan = Plan(depth=0.05, growth=0.0)
        lesions = [
            target(rng, "T1", "liver", 20, 30),
            target(rng, "T2", "liver", 15, 22),
            target(rng, "T3", "lung", 12, 20),
            non_target(rng, "NT1", "bone"),
        ]
        lesions[1].merged_from, lesions[0].absorbs = 3, lesions[1]
    elif scenario == "missed_visit":
        plan = Plan(depth=0.1, growth=0.0, missed={3})
        lesions = [
            target(rng, "T1", "liver", 15, 30),
            target(rng, "T2", "lung", 12, 20),
            non_target(rng, "NT1", NODE),
        ]
    elif scenario == "death_before_progression":
        plan = Plan(depth=0.0, growth=0.0, death_after=3)
        lesions = [
            target(rng, "T1", "liver", 15, 30),
            target(rng, "T2", NODE, 16, 22),
            non_target(rng, "NT1", "bone"),
        ]
    else:
        raise ValueError(f"unknown showcase scenario {scenario!r}")
    return plan, lesions
