"""One subject's course through the trial: scans, measurement rows and its own progression.

The course keeps a running RECIST 1.1 evaluation (sum of diameters in tenths of a millimetre,
nadir, complete response, progression date) so that scanning stops after progression, as it
does in a trial: at most ``max_scans_after_progression`` scans after the progression date.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from recist.examples.trial_model import (
    ARM_PRRT,
    ARM_SURVEILLANCE,
    MEASUREMENT_COLUMNS,
    SHOWCASE,
    SLICE_THICKNESSES_MM,
    SUBJECT_COLUMNS,
    Lesion,
    Plan,
    TrialDesign,
    make_new_lesion,
    natural_subject,
    showcase_subject,
)

__all__ = [
    "ARM_PRRT",
    "ARM_SURVEILLANCE",
    "MEASUREMENT_COLUMNS",
    "SHOWCASE",
    "SUBJECT_COLUMNS",
    "TrialDesign",
    "simulate_subject",
    "timepoint_label",
]

ABSENT_BELOW_MM = 2.5
TOO_SMALL_BELOW_MM = 5.0
TOO_SMALL_TENTHS = 50  # RECIST default contribution of a lesion too small to measure
NORMAL_NODE_TENTHS = 100  # a node with a short axis below 10 mm is normal
SPLIT_FRAGMENTS = (0.6, 0.5)  # fragment long axes as shares of the lesion's modelled size
MERGED_SHARE = 0.9  # share of the absorbed lesion's diameter added to the carrier


def timepoint_label(visit: int, interval_days: int) -> str:
    """``BASELINE``, then ``M2``, ``M4``, ... (4-week months) or ``W6``, ``W12``, ... (weeks)."""
    if visit == 0:
        return "BASELINE"
    if interval_days % 28 == 0:
        return f"M{visit * interval_days // 28}"
    return f"W{visit * interval_days // 7}"


def _tenths(mm: float) -> int:
    return round(mm * 10)


def _since(visit: int, first_visit: int | None) -> bool:
    """Whether a scripted event starting at ``first_visit`` (None: never) applies at ``visit``."""
    return first_visit is not None and visit >= first_visit


def _text(tenths: int | None) -> str:
    return "" if tenths is None else f"{tenths // 10}.{tenths % 10}"


class _Course:
    """A subject's scans, with its own running evaluation (sum, nadir, CR, progression)."""

    def __init__(
        self,
        rng: random.Random,
        subject_id: str,
        design: TrialDesign,
        plan: Plan,
        lesions: list[Lesion],
    ) -> None:
        self.rng = rng
        self.subject_id = subject_id
        self.design = design
        self.plan = plan
        self.targets = [lesion for lesion in lesions if lesion.category == "TARGET"]
        self.non_targets = [lesion for lesion in lesions if lesion.category == "NON-TARGET"]
        self.new_lesions = list(plan.new_lesions)
        self.rows: list[list[str]] = []
        self.nadir = 0
        self.previous_cr = False
        self.progression: date | None = None
        self._scan: tuple[str, str, str] = ("", "", "")

    def _row(
        self,
        lesion: Lesion,
        state: str,
        long_axis: int | None = None,
        short_axis: int | None = None,
        fragment: str = "",
    ) -> None:
        label, scan_date, slice_mm = self._scan
        self.rows.append([
            self.subject_id, label, scan_date, lesion.lesion_id, lesion.category,
            lesion.location, "Y" if lesion.is_node else "N", _text(long_axis),
            _text(short_axis), state, fragment, slice_mm,
        ])  # fmt: skip

    def _start_scan(self, visit: int, scan_date: date) -> None:
        slice_mm = f"{self.rng.choice(SLICE_THICKNESSES_MM):.1f}"
        label = timepoint_label(visit, self.design.interval_days)
        self._scan = (label, scan_date.isoformat(), slice_mm)

    def _factor(self, lesion: Lesion, visit: int) -> float:
        """Size at ``visit`` relative to baseline: shrinkage, regrowth, measurement noise."""
        plan = self.plan
        shrinkage = plan.depth * lesion.depth * (1.0 - math.exp(-visit / plan.tau))
        regrowth = plan.growth * lesion.growth * visit
        return math.exp(regrowth - shrinkage + self.rng.gauss(0.0, plan.noise))

    def _axes(self, lesion: Lesion, measured_mm: float) -> tuple[int, int]:
        """(long, short) axes in tenths from the measured axis (short for a node)."""
        measured, other = _tenths(measured_mm), _tenths(measured_mm * lesion.other_axis)
        return (other, measured) if lesion.is_node else (measured, other)

    def baseline(self, scan_date: date) -> None:
        """Record the baseline scan: every target measured, every non-target present."""
        self._start_scan(0, scan_date)
        for lesion in self.targets:
            long_axis, short_axis = self._axes(lesion, lesion.size_mm)
            self._row(lesion, "PRESENT", long_axis, short_axis)
            self.nadir += short_axis if lesion.is_node else long_axis
        for lesion in self.non_targets:
            if lesion.is_node:
                self._row(lesion, "PRESENT", *self._axes(lesion, lesion.size_mm))
            else:
                self._row(lesion, "PRESENT")

    def _target(self, lesion: Lesion, visit: int, unevaluated: bool) -> tuple[str, int | None]:
        """Record a target at a follow-up; returns its state and contribution (None: NE)."""
        if unevaluated or visit in lesion.not_evaluated:
            self._row(lesion, "NOT_EVALUATED")
            return "NOT_EVALUATED", None
        if _since(visit, lesion.merged_from):
            self._row(lesion, "MERGED")
            return "MERGED", 0
        factor = self._factor(lesion, visit)
        if lesion.is_node:  # a node keeps a short axis, normal below 10 mm
            long_axis, short_axis = self._axes(lesion, max(4.0, lesion.size_mm * factor))
            self._row(lesion, "PRESENT", long_axis, short_axis)
            return "PRESENT", short_axis
        size_mm = lesion.size_mm * factor
        absorbed = lesion.absorbs
        if absorbed and _since(visit, absorbed.merged_from):
            size_mm += MERGED_SHARE * absorbed.size_mm * self._factor(absorbed, visit)
        if lesion.absent or size_mm < ABSENT_BELOW_MM or _since(visit, lesion.absent_from):
            lesion.absent = True
            self._row(lesion, "ABSENT")
            return "ABSENT", 0
        if size_mm < TOO_SMALL_BELOW_MM or _since(visit, lesion.too_small_from):
            self._row(lesion, "TOO_SMALL")
            return "TOO_SMALL", TOO_SMALL_TENTHS
        if _since(visit, lesion.split_from):
            total = 0
            for number, share in enumerate(SPLIT_FRAGMENTS, start=1):
                long_axis, short_axis = self._axes(lesion, size_mm * share)
                self._row(lesion, "PRESENT", long_axis, short_axis, fragment=str(number))
                total += long_axis
            return "PRESENT", total
        long_axis, short_axis = self._axes(lesion, size_mm)
        self._row(lesion, "PRESENT", long_axis, short_axis)
        return "PRESENT", long_axis

    def _non_target(self, lesion: Lesion, visit: int, unevaluated: bool) -> tuple[str, bool]:
        """Record a non-target at a follow-up; returns its state and whether it is normal."""
        if unevaluated or visit in lesion.not_evaluated:
            self._row(lesion, "NOT_EVALUATED")
            return "NOT_EVALUATED", False
        factor = self._factor(lesion, visit)
        if factor >= 2.0 and lesion.progression_from is None:  # unequivocal growth
            lesion.progression_from = visit
        progressed = _since(visit, lesion.progression_from)
        state = "PROGRESSION" if progressed else "PRESENT"
        if lesion.is_node:
            long_axis, short_axis = self._axes(lesion, max(3.0, lesion.size_mm * factor))
            self._row(lesion, state, long_axis, short_axis)
            return state, not progressed and short_axis < NORMAL_NODE_TENTHS
        if not progressed and (lesion.absent or (factor < 0.4 and self.rng.random() < 0.5)):
            lesion.absent = True
            self._row(lesion, "ABSENT")
            return "ABSENT", True
        self._row(lesion, state)
        return state, False

    def _new_lesions(self, visit: int, scan_date: date) -> list[Lesion]:
        """Record the new lesions seen at a follow-up; returns those that are PRESENT."""
        present: list[Lesion] = []
        for lesion in self.new_lesions:
            if visit < lesion.first_visit or (lesion.resolves and visit > lesion.first_visit):
                continue
            if lesion.first_seen is None:
                lesion.first_seen = scan_date
            if visit < lesion.present_from:
                self._row(lesion, "EQUIVOCAL")
                continue
            grown = lesion.size_mm * math.exp(0.15 * (visit - lesion.present_from))
            long_axis, short_axis = self._axes(lesion, grown)
            self._row(lesion, "PRESENT", long_axis, short_axis)
            present.append(lesion)
        return present

    def follow_up(self, visit: int, scan_date: date) -> bool:
        """Record one follow-up scan; True when progression is first found at it."""
        rng, plan = self.rng, self.plan
        self._start_scan(visit, scan_date)
        unevaluated: Lesion | None = None
        if rng.random() < plan.not_evaluated_hazard:
            unevaluated = rng.choice(self.targets + self.non_targets)
        if self.non_targets and rng.random() < plan.non_target_progression_hazard:
            lesion = rng.choice(self.non_targets)
            lesion.progression_from = lesion.progression_from or visit
        if rng.random() < plan.new_lesion_hazard:
            equivocal = rng.random() < 0.3
            number = len(self.new_lesions) + 1
            self.new_lesions.append(make_new_lesion(rng, number, visit, equivocal))

        sum_evaluated, complete, target_cr, reappeared = 0, True, True, False
        for lesion in self.targets:
            state, value = self._target(lesion, visit, lesion is unevaluated)
            if value is None:
                complete = target_cr = False
                continue
            sum_evaluated += value
            if lesion.is_node:
                normal = state != "PRESENT" or value < NORMAL_NODE_TENTHS
                target_cr, reappeared = target_cr and normal, reappeared or not normal
            elif state not in ("ABSENT", "MERGED"):
                target_cr, reappeared = False, True
        non_target_cr, non_target_pd = True, False
        for lesion in self.non_targets:
            state, normal = self._non_target(lesion, visit, lesion is unevaluated)
            non_target_pd = non_target_pd or state == "PROGRESSION"
            non_target_cr = non_target_cr and normal
            reappeared = reappeared or (state != "NOT_EVALUATED" and not normal)
        present_new = self._new_lesions(visit, scan_date)

        progression: date | None = None
        by_sum = sum_evaluated * 5 >= self.nadir * 6 and sum_evaluated - self.nadir >= 50
        if by_sum or non_target_pd or (self.previous_cr and reappeared):
            progression = scan_date
        for lesion in present_new:  # dated at the first (possibly equivocal) observation
            seen = lesion.first_seen or scan_date
            progression = seen if progression is None else min(progression, seen)
        if complete:
            self.nadir = min(self.nadir, sum_evaluated)
        self.previous_cr = target_cr and non_target_cr and progression is None
        if progression is not None and self.progression is None:
            self.progression = progression
            return True
        return False

    def _scans_allowed_after(self, scan_date: date) -> int | None:
        """Scans still allowed once progression is found at ``scan_date`` (None: no limit)."""
        cap = self.design.max_scans_after_progression
        if cap is None:
            return None
        allowed = min(cap, 1 if self.rng.random() < self.plan.scan_after_progression else 0)
        if self.progression is not None and self.progression < scan_date:
            allowed -= 1  # progression dated back: this scan already comes after it
        return allowed

    def run(self, randomization: date) -> tuple[date | None, date | None]:
        """Scan the subject from baseline to the end; returns (death date, new therapy date)."""
        rng, plan, design = self.rng, self.plan, self.design
        last_scan = randomization - timedelta(days=rng.randint(2, 14))
        self.baseline(last_scan)
        death: date | None = None
        therapy: date | None = None
        remaining: int | None = None
        for visit in range(1, design.visits + 1):
            jitter = rng.randint(-design.jitter_days, design.jitter_days)
            scan_date = randomization + timedelta(days=visit * design.interval_days + jitter)
            if visit in plan.missed or rng.random() < plan.missed_visit_hazard:
                continue
            found = self.follow_up(visit, scan_date)
            last_scan = scan_date
            if self.progression is not None:
                if found:
                    remaining = self._scans_allowed_after(scan_date)
                elif remaining is not None:
                    remaining -= 1
                if remaining is not None and remaining <= 0:
                    break
                continue
            if visit == plan.death_after or rng.random() < plan.death_hazard:
                gap = rng.randint(7, max(7, design.interval_days - 7))
                death = scan_date + timedelta(days=gap)
                break
            if visit == plan.therapy_after:
                therapy = scan_date + timedelta(days=rng.randint(7, 21))
            elif therapy is None and rng.random() < plan.off_study_hazard:
                therapy = scan_date + timedelta(days=rng.randint(7, 30))
                break
        if self.progression is not None:
            if therapy is None and rng.random() < plan.therapy_after_progression:
                therapy = last_scan + timedelta(days=rng.randint(7, 45))
            if death is None and rng.random() < plan.death_after_progression:
                death = max(last_scan, therapy or last_scan) + timedelta(days=rng.randint(30, 300))
        return death, therapy


def simulate_subject(
    *, rng: random.Random, subject_id: str, arm: str, scenario: str | None, design: TrialDesign
) -> tuple[list[str], list[list[str]]]:
    """Simulate one subject; returns its subjects.csv row and measurements.csv rows (lists)."""
    strata = [
        ">=18m" if rng.random() < 0.55 else "<18m",
        "radiological" if rng.random() < 0.8 else "not radiological",
        ">=60" if rng.random() < 0.7 else "<60",
        "yes" if rng.random() < 0.3 else "no",
    ]
    randomization = design.first_randomization + timedelta(days=rng.randint(0, design.accrual_days))
    if scenario is None:
        plan, lesions = natural_subject(rng, arm, design, strata[0] == ">=18m")
    else:
        plan, lesions = showcase_subject(rng, scenario)
    course = _Course(rng, subject_id, design, plan, lesions)
    death, therapy = course.run(randomization)
    subject = [
        subject_id, randomization.isoformat(), death.isoformat() if death else "",
        therapy.isoformat() if therapy else "", arm, *strata,
    ]  # fmt: skip
    return subject, course.rows
