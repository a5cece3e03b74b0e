"""The words of a RECIST 1.1 read: lesion categories, lesion states, axes, organs.

The values are those of the measurement CSV contract (``docs/csv-format.md``, the
state table), so that what the reader picks is what the export writes. They mirror
``recist.model`` on purpose: the reading model must not import the engine (only
``reviewer_gui.engine_adapter`` does); a test checks that both vocabularies agree.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Category(StrEnum):
    """Lesion category: RECIST 1.1 section 3.3 (target, non-target), section 4.3.2 (new)."""

    TARGET = "TARGET"
    NON_TARGET = "NON-TARGET"
    NEW = "NEW"


class State(StrEnum):
    """A lesion's state at one timepoint (the contract's state table).

    ``PROGRESSION`` (unequivocal progression of a non-target lesion, RECIST 1.1 section 4.3.3)
    needs a free-text reason. A split target (section 4.3.1 note) is ``PRESENT`` with several
    measured fragments; ``MERGED`` is a target coalesced into another one, which carries the
    whole diameter.
    """

    PRESENT = "PRESENT"
    ABSENT = "ABSENT"
    TOO_SMALL = "TOO_SMALL"
    NOT_EVALUATED = "NOT_EVALUATED"
    MERGED = "MERGED"
    PROGRESSION = "PROGRESSION"
    EQUIVOCAL = "EQUIVOCAL"


#: Which states each category may take (the contract's state table).
ALLOWED_STATES: dict[Category, frozenset[State]] = {
    Category.TARGET: frozenset(
        {State.PRESENT, State.ABSENT, State.TOO_SMALL, State.NOT_EVALUATED, State.MERGED}
    ),
    Category.NON_TARGET: frozenset(
        {State.PRESENT, State.ABSENT, State.NOT_EVALUATED, State.PROGRESSION}
    ),
    Category.NEW: frozenset({State.PRESENT, State.NOT_EVALUATED, State.EQUIVOCAL}),
}


#: What a lesion's state can meaningfully be at baseline, where lesions are chosen and
#: measured (RECIST 1.1 sections 3.1-3.3): a target is measured (Present, by its diameter;
#: measurable means at least 10 mm, so never "too small"), a non-target is present. Absent,
#: merged, not evaluated, too small, progression and equivocal describe change since.
BASELINE_STATES: dict[Category, frozenset[State]] = {
    Category.TARGET: frozenset({State.PRESENT}),
    Category.NON_TARGET: frozenset({State.PRESENT}),
    Category.NEW: frozenset(),
}


def states_offered(category: Category, *, is_baseline: bool) -> frozenset[State]:
    """The states a reader is offered for a lesion of ``category`` (at baseline only those
    that mean something there, :data:`BASELINE_STATES`)."""
    return BASELINE_STATES[category] if is_baseline else ALLOWED_STATES[category]


class Provenance(StrEnum):
    """How a measured axis came to be: drawn by hand, or proposed by the one-click
    measurement (``reviewer_gui.viewer.propose_measurement``) and accepted as proposed, or
    proposed and then adjusted by the reader (a handle dragged before or after accepting)."""

    DRAWN = "drawn"
    PROPOSED = "proposed"
    ADJUSTED = "adjusted"


class Axis(StrEnum):
    """Which diameter a caliper measures: the longest diameter in the plane, or the longest
    diameter perpendicular to it (RECIST 1.1 section 3.2: nodes are followed by it)."""

    LONG = "long"
    SHORT = "short"


#: The organ pick list. Paired organs are one organ (RECIST 1.1 section 3.3: at most two
#: targets per organ); every lymph node is the organ "lymph node".
ORGANS: tuple[str, ...] = (
    "liver",
    "lung",
    "lymph node",
    "bone",
    "adrenal gland",
    "kidney",
    "spleen",
    "pancreas",
    "peritoneum",
    "pleura",
    "brain",
    "breast",
    "ovary",
    "soft tissue",
    "other",
)
NODE_ORGAN = "lymph node"

#: Lesion identifiers are the category's prefix and a number: T1, NT1, N1.
PREFIX: dict[Category, str] = {Category.TARGET: "T", Category.NON_TARGET: "NT", Category.NEW: "N"}
_LESION_ID = re.compile(r"^(NT|T|N)([1-9][0-9]*)$")


def parse_lesion_id(lesion_id: str) -> tuple[Category, int] | None:
    """``("NT", 3)`` style parse of a lesion id: its category by prefix and its number."""
    match = _LESION_ID.match(lesion_id)
    if match is None:
        return None
    category = next(c for c, p in PREFIX.items() if p == match.group(1))
    return category, int(match.group(2))


def lesion_order(lesion_id: str) -> tuple[int, int, str]:
    """Sort key: targets, non-targets, new lesions, each by number (T2 before T10)."""
    parsed = parse_lesion_id(lesion_id)
    if parsed is None:
        return (len(PREFIX), 0, lesion_id)
    category, number = parsed
    return (list(PREFIX).index(category), number, lesion_id)
