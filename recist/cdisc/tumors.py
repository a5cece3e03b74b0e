"""SDTM TU (Tumor/Lesion Identification): which lesions each read identified, and what a
``--LNKID`` names (CDISC SDTMIG v3.4 section 6.3.12 and the RECIST 1.1 disease response
supplement: ``TULNKID`` links TU to TR's ``TRLNKID``; a split lesion's fragments are
``T04.1``, ``T04.2``; lesions that merged are ``T02/T03``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from recist.cdisc.datasets import Dataset, Record
from recist.io.table import InputProblem
from recist.model import Category

#: A read: the subject and the reader (``--EVALID`` when given, else ``--EVAL``).
ReadKey = tuple[str, str | None]

CATEGORIES: dict[str, Category] = {
    "TARGET": Category.TARGET,
    "NON-TARGET": Category.NON_TARGET,
    "NON_TARGET": Category.NON_TARGET,
    "NONTARGET": Category.NON_TARGET,
    "NEW": Category.NEW,
}
#: TUTESTCD of a lesion's identification, and of the records that describe a split or merge.
IDENTIFICATION_TESTS = frozenset({"", "TUMIDENT"})
SPLIT_MERGE_TESTS = frozenset({"TUSPLIT", "TUMERGE"})
_FRAGMENT = re.compile(r"^(.+)\.(\d+)$")


@dataclass(frozen=True, slots=True)
class IdentifiedLesion:
    """A lesion as TU identifies it for one read."""

    lesion_id: str
    category: Category
    location: str
    is_node: bool
    visit: str
    dtc: str
    evaluator: str
    record: Record


@dataclass(frozen=True, slots=True)
class Link:
    """What a ``--LNKID`` names: a lesion, one fragment of it, or lesions merged into it."""

    lesion_id: str
    fragment: str = ""
    merged: tuple[str, ...] = ()


def read_key(record: Record, prefix: str) -> tuple[ReadKey, str]:
    """The read a record belongs to, and its evaluator (``--EVAL``)."""
    evaluator = record.get(f"{prefix}EVAL")
    reader = record.get(f"{prefix}EVALID") or evaluator or None
    return (record.get("USUBJID"), reader), evaluator


def is_nodal(location: str) -> bool:
    """A lymph node (``TULOC`` "LYMPH NODE", "AXILLARY LYMPH NODE", ...): followed by its
    short axis (RECIST 1.1 section 3.1.2)."""
    return "LYMPH NODE" in location.upper()


def resolve_link(link_id: str, identified: Mapping[str, object]) -> Link | None:
    """The lesion(s) ``link_id`` names among the ``identified`` ones, or None."""
    if link_id in identified:
        return Link(link_id)
    if "/" in link_id:
        parts = tuple(part.strip() for part in link_id.split("/"))
        if len(parts) > 1 and all(part in identified for part in parts):
            return Link(parts[0], merged=parts[1:])
        return None
    match = _FRAGMENT.match(link_id)
    if match and match.group(1) in identified:
        return Link(match.group(1), fragment=match.group(2))
    return None


def identify_lesions(
    tu: Dataset,
) -> tuple[dict[ReadKey, dict[str, IdentifiedLesion]], list[InputProblem]]:
    """Every lesion identified per read, and the problems found in TU."""
    problems: list[InputProblem] = []
    candidates: dict[ReadKey, dict[str, Record]] = {}
    for record in tu.records:
        key, _ = read_key(record, "TU")
        link_id = record.get("TULNKID")
        if not key[0]:
            problems.append(tu.problem(record, "USUBJID", "empty; give the subject"))
            continue
        if not link_id:
            problems.append(tu.problem(record, "TULNKID", "empty; give the lesion's link id"))
            continue
        test = record.get("TUTESTCD").upper()
        if test in IDENTIFICATION_TESTS:
            seen = candidates.setdefault(key, {})
            if link_id in seen:
                problems.append(
                    tu.problem(
                        record,
                        "TULNKID",
                        f"lesion '{link_id}' of subject '{key[0]}' is already identified on "
                        f"line {seen[link_id].line}; identify each lesion once per read",
                    )
                )
            else:
                seen[link_id] = record
        elif test not in SPLIT_MERGE_TESTS:
            problems.append(
                tu.problem(
                    record,
                    "TUTESTCD",
                    f"unknown test '{test}'; expected TUMIDENT, TUSPLIT or TUMERGE",
                )
            )
    lesions: dict[ReadKey, dict[str, IdentifiedLesion]] = {}
    for key, records in candidates.items():
        for link_id, record in records.items():
            lesion = _identified(tu, record, link_id, problems)
            if lesion is not None:
                lesions.setdefault(key, {})[link_id] = lesion
    for record in tu.records:  # split and merge records must name identified lesions
        key, _ = read_key(record, "TU")
        if record.get("TUTESTCD").upper() in SPLIT_MERGE_TESTS and key[0]:
            link_id = record.get("TULNKID")
            if resolve_link(link_id, lesions.get(key, {})) is None:
                problems.append(
                    tu.problem(
                        record,
                        "TULNKID",
                        f"'{link_id}' names no lesion identified (TUMIDENT) for subject "
                        f"'{key[0]}'; a split is 'T04.1', a merge 'T02/T03'",
                    )
                )
    return lesions, problems


def _identified(
    tu: Dataset, record: Record, link_id: str, problems: list[InputProblem]
) -> IdentifiedLesion | None:
    column = "TUSTRESC" if record.get("TUSTRESC") else "TUORRES"
    result = record.get(column).upper()
    category = CATEGORIES.get(result)
    if category is None:
        problems.append(
            tu.problem(
                record,
                column,
                f"'{record.get(column)}' is not a RECIST 1.1 lesion category; "
                "expected TARGET, NON-TARGET or NEW",
            )
        )
        return None
    location = record.get("TULOC")
    if not location and category is not Category.NEW:
        problems.append(
            tu.problem(
                record, "TULOC", f"empty for the {category.value} lesion '{link_id}'; give its site"
            )
        )
        return None
    _, evaluator = read_key(record, "TU")
    return IdentifiedLesion(
        lesion_id=link_id,
        category=category,
        location=location,
        is_node=is_nodal(location),
        visit=record.get("VISIT"),
        dtc=record.get("TUDTC"),
        evaluator=evaluator,
        record=record,
    )
