"""Checks of single entries: a lesion's location, a state, a measurement's fragments.

The contract's state table (which state each category may take), RECIST 1.1 section 4.3.3
(unequivocal progression of a non-target is a judgement: the reason is required) and section
4.3.1's note on split lesions (a split target is recorded as fragments whose diameters sum).
"""

from __future__ import annotations

import math

from reviewer_gui.reading.errors import ReadingError
from reviewer_gui.reading.geometry import AxisMeasurement
from reviewer_gui.reading.records import Fragment, Lesion, Observation
from reviewer_gui.reading.vocabulary import (
    ALLOWED_STATES,
    BASELINE_STATES,
    NODE_ORGAN,
    ORGANS,
    PREFIX,
    Category,
    State,
    parse_lesion_id,
)


def who(name: str) -> str:
    """The name of who makes a change (never empty: every entry is attributable)."""
    name = name.strip()
    if not name:
        raise ReadingError("every change needs the name of who made it")
    return name


def check_lesion_id(category: Category, lesion_id: str, used: set[str]) -> str:
    """A lesion id fits its category (T1, NT1, N1...) and was never used in the read."""
    parsed = parse_lesion_id(lesion_id)
    if parsed is None or parsed[0] is not category:
        prefix = PREFIX[category]
        raise ReadingError(f"lesion id {lesion_id!r} does not fit a {category.value} lesion: "
                           f"use {prefix} and a number, e.g. {prefix}1")  # fmt: skip
    if lesion_id in used:
        raise ReadingError(f"lesion id {lesion_id} is already used in this read")
    return lesion_id


def check_location(organ: str, is_node: bool | None) -> bool:
    """Check a pick-list organ against the nodal flag; returns the nodal flag."""
    if organ not in ORGANS:
        raise ReadingError(f"unknown organ {organ!r}; pick one of {', '.join(ORGANS)} "
                           "(put anything more precise in the free text)")  # fmt: skip
    if is_node is None:
        return organ == NODE_ORGAN
    if is_node != (organ == NODE_ORGAN):
        raise ReadingError(f"a nodal lesion's organ is {NODE_ORGAN!r} and only a nodal lesion's; "
                           f"got organ {organ!r} with is_node={is_node}")  # fmt: skip
    return is_node


def check_state(lesion: Lesion, state: State, reason: str) -> tuple[State, str]:
    """The state if the lesion's category allows it, and the stripped reason."""
    state = State(state)
    if state not in ALLOWED_STATES[lesion.category]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED_STATES[lesion.category]))
        raise ReadingError(f"{state.value} is not a state of a {lesion.category.value} lesion; "
                           f"use one of {allowed}")  # fmt: skip
    reason = reason.strip()
    if state is State.PROGRESSION and not reason:
        raise ReadingError(
            f"unequivocal progression of {lesion.lesion_id} needs a reason: say what "
            "progressed (e.g. 'pleural effusion doubled, new nodularity')"
        )
    return state, reason


def check_baseline_state(lesion: Lesion, state: State, is_baseline: bool) -> None:
    """At baseline a lesion is chosen and measured (RECIST 1.1 sections 3.1-3.3): absent,
    merged, not evaluated, too small, progression and equivocal describe change since."""
    if is_baseline and state not in BASELINE_STATES[lesion.category]:
        offered = ", ".join(sorted(s.value for s in BASELINE_STATES[lesion.category]))
        raise ReadingError(f"{state.value} means nothing at baseline, where {lesion.lesion_id} "
                           f"is chosen: a {lesion.category.value} lesion is {offered} there "
                           "(measure it, or retire it if it was recorded by mistake)")


def check_point(lesion: Lesion, *, is_baseline: bool, where: tuple[float, float]) -> None:
    """A location point marks a non-target at baseline or a new lesion at a follow-up."""
    if not all(math.isfinite(v) for v in where):
        raise ReadingError(f"a lesion's point must be finite, got {where!r}")
    if lesion.category is Category.TARGET:
        raise ReadingError(f"{lesion.lesion_id} is a target: it is found by its caliper; "
                           "a point marks a non-target or a new lesion")  # fmt: skip
    if lesion.category is Category.NON_TARGET and not is_baseline:
        raise ReadingError(f"{lesion.lesion_id} is a non-target: mark it at baseline, where "
                           "it was chosen")  # fmt: skip
    if lesion.category is Category.NEW and is_baseline:
        raise ReadingError(f"{lesion.lesion_id} is a NEW lesion: a new lesion cannot be at "
                           "baseline")  # fmt: skip


def erases_measurement(observation: Observation | None, state: State) -> bool:
    """True when setting ``state`` drops recorded diameters (any state but Present of a
    measured lesion): the reader confirms first, never one key away."""
    return (observation is not None and observation.state is State.PRESENT
            and bool(observation.fragments) and state is not State.PRESENT)  # fmt: skip


def check_axes(long: AxisMeasurement, short: AxisMeasurement | None) -> None:
    """A short axis is never longer than the long axis (RECIST 1.1 section 3.2)."""
    if short is not None and short.length_mm > long.length_mm:
        raise ReadingError(f"the short axis ({short.length_mm} mm) is longer than the long "
                           f"axis ({long.length_mm} mm): swap them")  # fmt: skip


def with_fragment(
    lesion: Lesion, timepoint: str, previous: Observation | None, new: Fragment
) -> tuple[Fragment, ...]:
    """The fragments once ``new`` is recorded: a lesion is measured whole (one unnamed
    fragment) or in named fragments, never both; only a target splits."""
    kept = previous.fragments if previous is not None and previous.state is State.PRESENT else ()
    if new.name and lesion.category is not Category.TARGET:
        raise ReadingError("only a target lesion is recorded in fragments (a split lesion)")
    others = {f.name for f in kept} - {new.name}
    if others and ("" in others or not new.name):
        now = "whole" if "" in others else "in fragments " + ", ".join(sorted(others))
        wanted = "in fragments" if new.name else "whole"
        raise ReadingError(f"{lesion.lesion_id} at {timepoint} is measured {now}: clear its "
                           f"measurement first to measure it {wanted}")  # fmt: skip
    replaced = [new if f.name == new.name else f for f in kept]
    return tuple(replaced) if new.name in {f.name for f in kept} else (*kept, new)


def named(fragment: str) -> str:
    return f" of fragment {fragment!r}" if fragment else ""
