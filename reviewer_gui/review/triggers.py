"""When two complete reads of a subject need an adjudicator (domain brief, BICR section).

A blinded independent central review has two radiologists read every subject; when their
reads disagree on what the trial's endpoints depend on, an adjudicator reviews both and
chooses one. :func:`compare` applies the project's :class:`AdjudicationSettings` to the two
reads' endpoints (``reviewer_gui.engine_adapter.ReadEndpoints``, computed by the RECIST engine
with the project's schedule) and returns every :class:`Trigger` that fires:

- ``progression-date``: one read calls progression (RECIST 1.1 section 4.3, dated back to an
  equivocal new lesion's first sighting, section 4.3.2) and the other does not, or both do and
  the dates differ by more than ``tolerance_days``;
- ``landmark``: the reads differ at the landmark (day ``dcr_day`` +- ``dcr_window`` from the
  reference date), on disease control (CR, PR, SD or NON-CR/NON-PD without progression: the
  ReLUTH primary endpoint) or, with ``landmark_compare = "response"``, on the overall response
  of the landmark assessment (RECIST 1.1 Tables 1-2);
- ``best-response``: the best overall responses differ (RECIST 1.1 section 4.4).

ReLUTH defaults: every trigger on; a tolerance of 0 days (the readers read the same scans, so
any different progression date is a different timepoint, and one 8-week visit moves rPFS by
two months); the landmark compared on disease control at day 182 +- 28.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from reviewer_gui.engine_adapter import SCHEDULE_DEFAULTS, ReadEndpoints


class TriggerName(StrEnum):
    PROGRESSION_DATE = "progression-date"
    LANDMARK = "landmark"
    BEST_RESPONSE = "best-response"


class LandmarkCompare(StrEnum):
    DISEASE_CONTROL = "disease-control"
    RESPONSE = "response"


@dataclass(frozen=True, slots=True)
class AdjudicationSettings:
    """Which disagreements send a subject to adjudication, and the engine's schedule
    (``recist.EndpointOptions`` names: ``dcr_day``, ``dcr_window``, ``sd_min_days``...)."""

    progression_date: bool = True
    tolerance_days: int = 0
    landmark: bool = True
    landmark_compare: LandmarkCompare = LandmarkCompare.DISEASE_CONTROL
    best_response: bool = True
    schedule: Mapping[str, int | bool] = field(default_factory=lambda: dict(SCHEDULE_DEFAULTS))

    def __post_init__(self) -> None:
        if self.tolerance_days < 0:
            raise ValueError(f"tolerance_days must be 0 or more, not {self.tolerance_days}")
        unknown = set(self.schedule) - set(SCHEDULE_DEFAULTS)
        if unknown:
            raise ValueError(f"unknown schedule option(s): {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(SCHEDULE_DEFAULTS)}")  # fmt: skip
        for name, value in self.schedule.items():
            if isinstance(value, bool) is not isinstance(SCHEDULE_DEFAULTS[name], bool):
                raise ValueError(f"schedule option {name}: {value!r} is not a "
                                 f"{type(SCHEDULE_DEFAULTS[name]).__name__}")  # fmt: skip
            if not isinstance(value, bool) and value < 0:
                raise ValueError(f"schedule option {name} must be 0 or more, not {value}")

    def as_values(self) -> dict[str, object]:
        """Every setting by name, as stored (JSON values)."""
        values: dict[str, object] = {
            "progression_date": self.progression_date, "tolerance_days": self.tolerance_days,
            "landmark": self.landmark, "landmark_compare": self.landmark_compare.value,
            "best_response": self.best_response,
        }  # fmt: skip
        values.update({f"schedule.{k}": v for k, v in {**SCHEDULE_DEFAULTS,
                                                       **self.schedule}.items()})  # fmt: skip
        return values

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> AdjudicationSettings:
        """Settings from stored values (missing ones keep their defaults)."""
        plain = {k: v for k, v in values.items() if not k.startswith("schedule.")}
        schedule = {k.removeprefix("schedule."): v for k, v in values.items()
                    if k.startswith("schedule.")}  # fmt: skip
        known = {f.name for f in dataclasses.fields(cls)} - {"schedule"}
        unknown = set(plain) - known
        if unknown:
            raise ValueError(f"unknown adjudication setting(s): {', '.join(sorted(unknown))}")
        if "landmark_compare" in plain:
            plain["landmark_compare"] = LandmarkCompare(str(plain["landmark_compare"]))
        merged: dict[str, int | bool] = dict(SCHEDULE_DEFAULTS)
        for name, value in schedule.items():
            if not isinstance(value, int):
                raise ValueError(f"schedule option {name}: {value!r} is not a number")
            merged[name] = value
        return cls(**plain, schedule=merged)  # type: ignore[arg-type]

    def changed(self, **changes: object) -> AdjudicationSettings:
        """These settings with some changed (``schedule.NAME`` or ``dcr_day``... for the
        schedule); unknown names are refused."""
        values = self.as_values()
        for name, value in changes.items():
            key = f"schedule.{name}" if name in SCHEDULE_DEFAULTS else name
            if key not in values:
                raise ValueError(f"unknown adjudication setting {name!r}")
            values[key] = value
        return AdjudicationSettings.from_values(values)


def encode(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Trigger:
    """One disagreement that sends the subject to adjudication: what it is, each reader's
    value (in reader order), and the explanation the adjudicator reads."""

    name: TriggerName
    values: tuple[str, str]
    explanation: str

    def as_value(self) -> dict[str, object]:
        return {"name": self.name.value, "values": list(self.values),
                "explanation": self.explanation}  # fmt: skip


def _date(value: object) -> str:
    return "none" if value is None else str(value)


def compare(
    readers: tuple[str, str],
    first: ReadEndpoints,
    second: ReadEndpoints,
    settings: AdjudicationSettings,
) -> tuple[Trigger, ...]:
    """Every trigger that fires between two complete reads (empty: the reads agree)."""
    one, two = readers
    fired: list[Trigger] = []
    p1, p2 = first.progression_date, second.progression_date
    if settings.progression_date and (p1, p2) != (None, None):
        values = (_date(p1), _date(p2))
        if p1 is None or p2 is None:
            who, date, other = (one, p1, two) if p1 is not None else (two, p2, one)
            fired.append(Trigger(TriggerName.PROGRESSION_DATE, values,
                                 f"{who} calls progression on {date}; {other} calls none"))
        elif abs((p1 - p2).days) > settings.tolerance_days:
            fired.append(Trigger(TriggerName.PROGRESSION_DATE, values,
                                 f"progression dates differ by {abs((p1 - p2).days)} days "
                                 f"({one} {p1}, {two} {p2}); tolerance "
                                 f"{settings.tolerance_days} days"))  # fmt: skip
    if settings.landmark:
        fired.extend(_landmark(readers, first, second, settings))
    b1, b2 = first.best_overall_response, second.best_overall_response
    if settings.best_response and b1 != b2:
        fired.append(Trigger(TriggerName.BEST_RESPONSE, (b1, b2),
                             f"best overall response: {one} {b1}, {two} {b2}"))  # fmt: skip
    return tuple(fired)


def _landmark(
    readers: tuple[str, str],
    first: ReadEndpoints,
    second: ReadEndpoints,
    settings: AdjudicationSettings,
) -> list[Trigger]:
    day = settings.schedule.get("dcr_day", SCHEDULE_DEFAULTS["dcr_day"])
    window = settings.schedule.get("dcr_window", SCHEDULE_DEFAULTS["dcr_window"])
    where = f"at the landmark (day {day} +- {window})"
    if settings.landmark_compare is LandmarkCompare.DISEASE_CONTROL:
        d1, d2 = ("Y" if r.disease_control else "N" for r in (first, second))
        if d1 == d2:
            return []
        return [Trigger(TriggerName.LANDMARK, (d1, d2), f"disease control {where}: "
                        f"{readers[0]} {d1} ({_landmark_text(first)}), {readers[1]} {d2} "
                        f"({_landmark_text(second)})")]  # fmt: skip
    r1, r2 = (r.landmark_response or "none" for r in (first, second))
    if r1 == r2:
        return []
    return [Trigger(TriggerName.LANDMARK, (r1, r2), f"overall response {where}: "
                    f"{readers[0]} {_landmark_text(first)}, {readers[1]} "
                    f"{_landmark_text(second)}")]  # fmt: skip


def _landmark_text(read: ReadEndpoints) -> str:
    if read.landmark_timepoint is None:
        return "no evaluable assessment in the window"
    return f"{read.landmark_response} at {read.landmark_timepoint}"
