"""What a person assigns to another tool's measurements before they enter a read: each
measurement's lesion id, category and organ (an OHIF or 3D Slicer SR knows none of them, or
only the organ), given by tracking UID or tracking identifier in a CSV file::

    tracking,lesion_id,category,organ,detail
    1.2.826.0.1.3680043.8.498.1234,T1,TARGET,liver,segment VII
    Measurement 2,NT1,NON-TARGET,bone,

Our own SRs carry them already; a row for one of their measurements overrides nothing.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reviewer_gui.reading import NODE_ORGAN, ORGANS, Category, ReadingError
from reviewer_gui.sr.reader import SrEntry

COLUMNS = ("tracking", "lesion_id", "category", "organ", "detail")


class AssignmentsError(ValueError):
    """The assignments file is unusable; the message names file, line and column."""


@dataclass(frozen=True, slots=True)
class Assignment:
    lesion_id: str
    category: Category
    organ: str
    detail: str = ""


def read_assignments(path: Path) -> dict[str, Assignment]:
    """Tracking UID or identifier -> assignment, from a CSV file with :data:`COLUMNS`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise AssignmentsError(f"{path}: cannot read it ({reason})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip() for c in rows[0][:4]] != list(COLUMNS[:4]):
        raise AssignmentsError(f"{path}:1: the header must be {','.join(COLUMNS)} (detail "
                               "optional)")  # fmt: skip
    found: dict[str, Assignment] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row] + [""] * (5 - len(row))
        tracking, lesion_id, category, organ, detail = cells[:5]
        where = f"{path}:{number}"
        if not tracking or not lesion_id:
            raise AssignmentsError(f"{where}: column tracking and lesion_id need a value (the "
                                   "measurement's tracking UID or identifier, e.g. T1)")
        if category not in {c.value for c in Category}:
            raise AssignmentsError(f"{where}: column category: {category!r} is not one of "
                                   f"{', '.join(c.value for c in Category)}")  # fmt: skip
        if organ not in ORGANS:
            raise AssignmentsError(f"{where}: column organ: {organ!r} is not one of "
                                   f"{', '.join(ORGANS)}")  # fmt: skip
        if tracking in found:
            raise AssignmentsError(f"{where}: {tracking} is assigned twice: one row per "
                                   "measurement")  # fmt: skip
        found[tracking] = Assignment(lesion_id, Category(category), organ, detail)
    return found


def assign(entries: Sequence[SrEntry], assignments: Mapping[str, Assignment]
           ) -> tuple[SrEntry, ...]:  # fmt: skip
    """``entries`` with their lesion id, category and organ: their own (our SRs), else the
    assignment of their tracking UID or identifier (``ReadingError`` naming a measurement
    that has neither)."""
    done: list[SrEntry] = []
    named = Counter(entry.tracking_identifier for entry in entries)
    for entry in entries:
        given = assignments.get(entry.tracking_uid)
        if given is None and entry.tracking_identifier in assignments:
            if named[entry.tracking_identifier] > 1:
                raise ReadingError(f"{named[entry.tracking_identifier]} measurements are "
                                   f"{entry.tracking_identifier}: assign them by tracking UID")
            given = assignments[entry.tracking_identifier]
        if given is None and not (entry.lesion_id and entry.category and entry.organ):
            raise ReadingError(
                f"measurement {entry.tracking_identifier or '?'} ({entry.tracking_uid}) has no "
                "lesion id, category and organ: assign them in a CSV file (--lesions, columns "
                f"{','.join(COLUMNS)})")  # fmt: skip
        if given is not None and not entry.lesion_id:
            entry = replace(entry, lesion_id=given.lesion_id, category=given.category,
                            organ=given.organ, detail=given.detail or entry.detail,
                            is_node=given.organ == NODE_ORGAN)  # fmt: skip
        if any(other.lesion_id == entry.lesion_id for other in done):
            raise ReadingError(f"lesion {entry.lesion_id} is assigned to two measurements: one "
                               "lesion id per measurement (a split target's fragments are "
                               "measured in the reader's window)")  # fmt: skip
        done.append(entry)
    return tuple(done)
