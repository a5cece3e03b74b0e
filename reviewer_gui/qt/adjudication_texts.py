"""What the adjudication window says in words, and the review data it shows, typed
structurally (domain brief, BICR section).

The data is ``reviewer_gui.review.side_by_side.SideBySide`` and ``...adjudication.CaseReview``;
the Protocols here let the widgets use them without importing the review package's
engine-backed modules. Dates never reach the adjudicator as dates: each becomes its
timepoint and day from the baseline (:func:`day_of`, :func:`in_words`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from reviewer_gui.reading import GridCell, Lesion, Timepoint, TimepointColumn

TRIGGER_TITLES = {"progression-date": "Date of progression", "landmark": "Landmark",
                  "best-response": "Best overall response"}  # fmt: skip
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


# -- the data, typed structurally --------------------------------------------------------
class TriggerLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def values(self) -> tuple[str, str]: ...
    @property
    def explanation(self) -> str: ...


class DecisionLike(Protocol):
    @property
    def seq(self) -> int: ...
    @property
    def chosen_reader(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def signed_by(self) -> str: ...
    @property
    def signed_at(self) -> dt.datetime: ...
    @property
    def meaning(self) -> str: ...


class EndpointsLike(Protocol):
    @property
    def progression_date(self) -> dt.date | None: ...
    @property
    def best_overall_response(self) -> str: ...
    @property
    def landmark_timepoint(self) -> str | None: ...
    @property
    def landmark_response(self) -> str | None: ...
    @property
    def disease_control(self) -> bool: ...
    @property
    def rpfs_days(self) -> int: ...
    @property
    def rpfs_reason(self) -> str: ...


class CaseLike(Protocol):
    """A subject's adjudication status (``CaseReview``)."""

    @property
    def case_id(self) -> str: ...
    @property
    def readers(self) -> tuple[str, ...]: ...
    @property
    def status(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def endpoints(self) -> Mapping[str, EndpointsLike]: ...
    @property
    def triggers(self) -> Sequence[TriggerLike]: ...
    @property
    def decision(self) -> DecisionLike | None: ...


class ReadCellLike(Protocol):
    @property
    def cell(self) -> GridCell: ...


class LesionPairLike(Protocol):
    @property
    def lesion_id(self) -> str: ...
    @property
    def lesions(self) -> tuple[Lesion | None, Lesion | None]: ...
    @property
    def cells(self) -> Sequence[tuple[ReadCellLike | None, ReadCellLike | None]]: ...


class Comparison(Protocol):
    """Both reads of a subject aligned (``SideBySide``)."""

    @property
    def review(self) -> CaseLike: ...
    @property
    def readers(self) -> tuple[str, str]: ...
    @property
    def timepoints(self) -> Sequence[Timepoint]: ...
    @property
    def columns(self) -> Sequence[tuple[TimepointColumn, TimepointColumn]]: ...
    @property
    def lesions(self) -> Sequence[LesionPairLike]: ...


# -- words ---------------------------------------------------------------------------------
def day_of(timepoints: Sequence[Timepoint], day: dt.date) -> str:
    """A date as the adjudicator may see it: the timepoint scanned that day and the day from
    the baseline ("FU2 (day 119)"), never the (shifted) date itself."""
    if not timepoints:
        return "a date"
    label = next((tp.label for tp in timepoints if tp.scan_date == day), None)
    offset = f"day {(day - timepoints[0].scan_date).days}"
    return f"{label} ({offset})" if label else offset


def in_words(text: str, timepoints: Sequence[Timepoint]) -> str:
    """``text`` (a trigger's explanation, an engine reason) with every ISO date replaced by
    its timepoint and day from the baseline."""

    def swap(found: re.Match[str]) -> str:
        try:
            return day_of(timepoints, dt.date.fromisoformat(found.group(0)))
        except ValueError:
            return "a date"

    return _ISO_DATE.sub(swap, text).replace("+-", "±")


def trigger_lines(case: CaseLike, timepoints: Sequence[Timepoint]) -> list[str]:
    """Each trigger that flagged the subject, titled, in words."""
    lines = []
    for trigger in case.triggers:
        title, text = TRIGGER_TITLES.get(trigger.name, trigger.name), in_words(
            trigger.explanation, timepoints)  # fmt: skip
        if text.lower().startswith(title.lower()):  # "best overall response: alice SD..."
            text = text[len(title):].lstrip(": ")
        lines.append(f"{title}: {text}")
    return lines


def endpoint_texts(found: EndpointsLike | None, timepoints: Sequence[Timepoint]) -> list[str]:
    """Progression, best overall response, landmark and rPFS of one read, in words."""
    if found is None:
        return ["", "", "", ""]
    progression = ("none" if found.progression_date is None
                   else day_of(timepoints, found.progression_date))  # fmt: skip
    landmark = ("no assessment in the window" if found.landmark_timepoint is None else
                f"{found.landmark_response} at {found.landmark_timepoint}")  # fmt: skip
    control = "yes" if found.disease_control else "no"
    return [progression, found.best_overall_response, f"{landmark}; disease control {control}",
            f"day {found.rpfs_days} ({found.rpfs_reason})"]
