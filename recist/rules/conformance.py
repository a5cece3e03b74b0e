"""Baseline conformance (RECIST 1.1 sections 3.1 and 3.3): findings, never silent fixes.

At most 5 target lesions and at most 2 per organ (all lymph nodes are one organ; paired organs
such as the lungs or kidneys are one organ); a non-nodal target needs a long axis of at least
10 mm (at least twice the slice thickness when that is above 5 mm); a nodal target a short axis
of at least 15 mm; baseline lesions must be seen (present) at baseline.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from recist.display import fmt_mm
from recist.model import Category, LesionState, Measurement
from recist.rules.assess import baseline_lesions, timepoints_of
from recist.rules.lesions import NORMAL_NODE_MM, lesions_of

MAX_TARGETS = 5
MAX_TARGETS_PER_ORGAN = 2
MIN_LONG_AXIS_MM = Decimal(10)
MIN_NODAL_SHORT_AXIS_MM = Decimal(15)
THIN_SLICE_MM = Decimal(5)

#: Words that name an organ whatever else the location says (paired organs are one organ).
_ORGAN_WORDS: tuple[tuple[str, str], ...] = (
    (r"lymph|\bnodes?\b|\bnodal\b|\bln\b", "lymph node"),
    (r"lung|pulmonary|\blobe\b", "lung"),
    (r"liver|hepatic", "liver"),
    (r"kidney|renal", "kidney"),
    (r"adrenal", "adrenal gland"),
    (r"ovar", "ovary"),
    (r"breast", "breast"),
    (r"testi", "testis"),
    (r"pleura", "pleura"),
    (r"bone|osseous|vertebra|rib\b|femur|pelvi", "bone"),
    (r"peritone|omentum|omental", "peritoneum"),
    (r"pancrea", "pancreas"),
    (r"spleen|splenic", "spleen"),
    (r"brain|cerebr", "brain"),
)
_LATERALITY = re.compile(r"\b(left|right|bilateral|l|r|upper|lower|middle)\b")


def organ_of(location: str, is_node: bool) -> str:
    """The organ a location belongs to, for the two-per-organ rule."""
    if is_node:
        return "lymph node"
    text = location.strip().lower()
    for pattern, organ in _ORGAN_WORDS:
        if re.search(pattern, text):
            return organ
    return " ".join(_LATERALITY.sub(" ", text).split()) or text


@dataclass(frozen=True, slots=True)
class Finding:
    """A baseline conformance finding about one lesion (or the subject when ``lesion_id`` is
    empty); ``line`` is the row it is about (0 when unknown)."""

    subject_id: str
    reader: str | None
    lesion_id: str
    line: int
    message: str


def baseline_findings(rows: Iterable[Measurement]) -> list[Finding]:
    """Conformance findings for one subject's (and reader's) rows."""
    rows = list(rows)
    timepoints = timepoints_of(rows)
    if not timepoints:
        return []
    first = rows[0]
    subject, reader = first.subject_id, first.reader
    baseline = timepoints[0]
    lesions = lesions_of(rows)
    targets, non_targets = baseline_lesions(lesions, baseline)
    base_rows: dict[str, list[Measurement]] = defaultdict(list)
    for row in baseline.rows:
        base_rows[row.lesion_id].append(row)
    findings: list[Finding] = []
    first_line = min(row.line for row in baseline.rows)

    def add(lesion_id: str, line: int, message: str) -> None:
        findings.append(Finding(subject, reader, lesion_id, line, message))

    if len(targets) > MAX_TARGETS:
        extra = ", ".join(t.lesion_id for t in targets[MAX_TARGETS:])
        add(
            "",
            first_line,
            f"{len(targets)} target lesions at baseline, at most {MAX_TARGETS} "
            f"allowed (e.g. make {extra} non-target)",
        )
    per_organ: dict[str, list[str]] = defaultdict(list)
    for target in targets:
        per_organ[organ_of(target.location, target.is_node)].append(target.lesion_id)
    for organ, ids in sorted(per_organ.items()):
        if len(ids) > MAX_TARGETS_PER_ORGAN:
            add(
                "",
                first_line,
                f"{len(ids)} target lesions in {organ} ({', '.join(ids)}), at most "
                f"{MAX_TARGETS_PER_ORGAN} per organ allowed",
            )
    for target in targets:
        for row in base_rows[target.lesion_id]:
            message = _measurability(row, target.is_node)
            if message:
                add(target.lesion_id, row.line, message)
    for lesion in non_targets:
        for row in base_rows[lesion.lesion_id]:
            if row.state is not LesionState.PRESENT:
                add(
                    lesion.lesion_id,
                    row.line,
                    f"non-target lesion is {row.state.value} at "
                    "baseline; a baseline lesion must be present",
                )
            elif (
                lesion.is_node
                and row.short_axis_mm is not None
                and (row.short_axis_mm < NORMAL_NODE_MM)
            ):
                add(
                    lesion.lesion_id,
                    row.line,
                    f"nodal non-target has a short axis of "
                    f"{fmt_mm(row.short_axis_mm)} mm < 10 mm: a normal node is not a lesion",
                )
    at_baseline = {t.lesion_id for t in targets} | {n.lesion_id for n in non_targets}
    for lesion_id, lesion in sorted(lesions.items()):
        if lesion.category is not Category.NEW and lesion_id not in at_baseline:
            line = min(r.line for r in rows if r.lesion_id == lesion_id)
            add(
                lesion_id,
                line,
                f"{lesion.category.value} lesion has no baseline row: it is "
                "ignored in responses (record it at baseline, or as NEW)",
            )
    return findings


def _measurability(row: Measurement, is_node: bool) -> str:
    if row.state is not LesionState.PRESENT:
        return (
            f"target lesion is {row.state.value} at baseline; a target must be measured at baseline"
        )
    if is_node:
        short = row.short_axis_mm
        if short is not None and short < MIN_NODAL_SHORT_AXIS_MM:
            return (
                f"nodal target short axis {fmt_mm(short)} mm < 15 mm: not measurable "
                "(make it non-target if pathological, 10-15 mm)"
            )
        return ""
    long_axis = row.long_axis_mm
    if long_axis is None:
        return ""
    minimum = MIN_LONG_AXIS_MM
    thickness = row.slice_thickness_mm
    if thickness is not None and thickness > THIN_SLICE_MM:
        minimum = max(minimum, 2 * thickness)
    if long_axis < minimum:
        basis = (
            f"2 x slice thickness {fmt_mm(thickness)} mm"
            if minimum != MIN_LONG_AXIS_MM
            else "10 mm"
        )
        return (
            f"target long axis {fmt_mm(long_axis)} mm < {fmt_mm(minimum)} mm ({basis}): "
            "not measurable"
        )
    return ""
