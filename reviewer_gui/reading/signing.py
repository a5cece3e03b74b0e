"""What must hold before a timepoint can be signed (apart from the engine's conformance).

RECIST 1.1 section 3.3: every baseline lesion is recorded at baseline, targets measured
(nodes by their short axis). Section 4.3: at follow-up every target is re-measured or given a
state (absent, too small, merged, not evaluated), every non-target is judged, and a new lesion
once recorded is followed. A target ``PRESENT`` without the diameter that counts has "neither
a value nor a state" and blocks signing. A core lab reads in date order: the baseline first,
then each follow-up against the baseline and the previous timepoint, each signed before the
next is read.
"""

from __future__ import annotations

from reviewer_gui.reading.errors import ReadingError
from reviewer_gui.reading.grid import Grid
from reviewer_gui.reading.records import ReadView, Timepoint
from reviewer_gui.reading.vocabulary import Category, State


def missing_entries(read: ReadView, timepoint: str) -> dict[str, tuple[str, ...]]:
    """Per lesion id (``""`` for the subject), what is missing at ``timepoint``."""
    labels = [tp.label for tp in read.timepoints]
    index = labels.index(timepoint)
    earlier = set(labels[:index])
    missing: dict[str, tuple[str, ...]] = {}
    lesions = read.ordered_lesions
    if index == 0 and not any(les.category is not Category.NEW for les in lesions):
        missing[""] = ("no lesion recorded at baseline: record the target and non-target "
                       "lesions first",)
    for lesion in lesions:
        observation = read.observation(timepoint, lesion.lesion_id)
        followed = lesion.category is not Category.NEW or any(
            (label, lesion.lesion_id) in read.observations for label in earlier
        )
        if lesion.category is Category.NEW and index == 0:
            continue
        if observation is None:
            if followed:
                what = "a value or a state" if lesion.category is Category.TARGET else "a state"
                missing[lesion.lesion_id] = (
                    f"{lesion.category.value} lesion has no entry at {timepoint}: give it "
                    f"{what}",
                )
            continue
        if (
            lesion.category is Category.TARGET
            and observation.state is State.PRESENT
            and observation.diameter_mm(lesion.is_node) is None
        ):
            axis = "short axis" if lesion.is_node else "long axis"
            missing[lesion.lesion_id] = (
                f"target is PRESENT at {timepoint} without its {axis}: measure it, or set "
                "its state (absent, too small, merged, not evaluated)",
            )
    never = [
        les.lesion_id
        for les in lesions
        if les.category is Category.NEW
        and not any(key[1] == les.lesion_id for key in read.observations)
    ]
    for lesion_id in never:
        missing[lesion_id] = ("new lesion has no observation: record it or retire it",)
    return missing


def engine_findings(grid: Grid, *, is_baseline: bool) -> dict[str, tuple[str, ...]]:
    """The engine's objections: baseline conformance findings (RECIST 1.1 sections 3.1-3.3,
    at baseline only) and rows it could not assess."""
    findings = grid.findings_by_lesion() if is_baseline else {}
    if grid.problems:
        findings[""] = (*findings.get("", ()), *grid.problems)
    return findings


def check_reading_order(read: ReadView, timepoint: Timepoint) -> None:
    """Refuse reading ``timepoint`` while an earlier timepoint of the read is not signed."""
    unsigned = [
        tp.label
        for tp in read.timepoints
        if tp.scan_date < timepoint.scan_date and tp.label not in read.signatures
    ]
    if not unsigned:
        return
    baseline = read.timepoints[0].label
    if unsigned[0] == baseline:
        raise ReadingError(f"sign the baseline {baseline} first: follow-ups are read against a "
                           "signed baseline")  # fmt: skip
    raise ReadingError(
        f"sign {unsigned[0]} first: follow-ups are read in date order, each against the "
        f"previous one ({', '.join(unsigned)} not signed yet)"
    )
