"""The adjudication triggers: each one on and off, tolerance boundaries, landmark modes."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewer_gui.engine_adapter import SCHEDULE_DEFAULTS, ReadEndpoints
from reviewer_gui.review.triggers import (
    AdjudicationSettings,
    LandmarkCompare,
    TriggerName,
    compare,
)

BASE = dt.date(2024, 1, 15)
READERS = ("alice", "bob")


def outcome(
    progression: int | None = None,
    bor: str = "SD",
    landmark: str | None = "SD",
    control: bool = True,
) -> ReadEndpoints:
    """A read's endpoints: progression ``progression`` days after the baseline (or none)."""
    pd = None if progression is None else BASE + dt.timedelta(days=progression)
    return ReadEndpoints(
        reference_date=BASE, progression_date=pd, best_overall_response=bor,
        landmark_timepoint=None if landmark is None else "M6", landmark_response=landmark,
        disease_control=control, rpfs_event=pd is not None, rpfs_date=pd or BASE,
        rpfs_days=(progression or 0) + 1, rpfs_reason="PD" if pd else "NO_EVENT",
        responses={}, reason="",
    )  # fmt: skip


def fired(first: ReadEndpoints, second: ReadEndpoints, **settings: object) -> list[str]:
    chosen = AdjudicationSettings().changed(**settings)
    return [t.name.value for t in compare(READERS, first, second, chosen)]


def test_reluth_defaults() -> None:
    settings = AdjudicationSettings()
    assert (settings.progression_date, settings.landmark, settings.best_response) == (
        True, True, True)  # fmt: skip
    assert settings.tolerance_days == 0
    assert settings.landmark_compare is LandmarkCompare.DISEASE_CONTROL
    assert dict(settings.schedule) == dict(SCHEDULE_DEFAULTS)
    assert (SCHEDULE_DEFAULTS["dcr_day"], SCHEDULE_DEFAULTS["dcr_window"]) == (182, 28)


@pytest.mark.parametrize(("first", "second", "tolerance", "fires"), [
    (120, 120, 0, False),  # same timepoint
    (120, 121, 0, True),  # one day apart, no tolerance
    (120, 134, 14, False),  # exactly at the tolerance: within
    (120, 135, 14, True),  # one day beyond it
    (135, 120, 14, True),  # either order
    (120, 183, 56, True),  # one 8-week visit later (63 days) beyond 56
    (120, 183, 63, False),
    (120, None, 365, True),  # one calls progression, the other none: always
    (None, 120, 365, True),
    (None, None, 0, False),  # neither calls progression
])  # fmt: skip
def test_progression_date_tolerance(
    first: int | None, second: int | None, tolerance: int, fires: bool
) -> None:
    names = fired(outcome(first), outcome(second), tolerance_days=tolerance, landmark=False,
                  best_response=False)  # fmt: skip
    assert names == (["progression-date"] if fires else [])


@pytest.mark.parametrize("enabled", [True, False])
def test_progression_date_trigger_can_be_turned_off(enabled: bool) -> None:
    names = fired(outcome(120), outcome(183), progression_date=enabled)
    assert ("progression-date" in names) is enabled


@pytest.mark.parametrize(("compare_on", "first", "second", "fires"), [
    ("disease-control", outcome(landmark="SD", control=True),
     outcome(landmark="PR", control=True), False),  # both controlled: agree on DCR
    ("response", outcome(landmark="SD", control=True),
     outcome(landmark="PR", control=True), True),  # ...but not on the response there
    ("disease-control", outcome(landmark="SD", control=True),
     outcome(landmark="PD", control=False), True),
    ("response", outcome(landmark="SD"), outcome(landmark="SD"), False),
    ("response", outcome(landmark=None, control=False),
     outcome(landmark="SD", control=True), True),  # no evaluable assessment in the window
    ("disease-control", outcome(landmark=None, control=False),
     outcome(landmark="NE", control=False), False),  # both failures
])  # fmt: skip
def test_landmark_modes(
    compare_on: str, first: ReadEndpoints, second: ReadEndpoints, fires: bool
) -> None:
    names = fired(first, second, landmark_compare=compare_on, progression_date=False,
                  best_response=False)  # fmt: skip
    assert names == (["landmark"] if fires else [])


@pytest.mark.parametrize("enabled", [True, False])
def test_landmark_trigger_can_be_turned_off(enabled: bool) -> None:
    names = fired(outcome(control=True), outcome(control=False), landmark=enabled)
    assert ("landmark" in names) is enabled


@pytest.mark.parametrize(("first", "second", "enabled", "fires"), [
    ("PR", "SD", True, True),
    ("PR", "SD", False, False),
    ("CR", "CR", True, False),
    ("NE", "SD", True, True),
])  # fmt: skip
def test_best_response_trigger(first: str, second: str, enabled: bool, fires: bool) -> None:
    names = fired(outcome(bor=first), outcome(bor=second), best_response=enabled)
    assert names == (["best-response"] if fires else [])


def test_every_trigger_fires_together_and_explains_itself() -> None:
    triggers = compare(READERS, outcome(120, "SD", "PD", False), outcome(183, "PR", "PD", True),
                       AdjudicationSettings())  # fmt: skip
    assert [t.name for t in triggers] == [TriggerName.PROGRESSION_DATE, TriggerName.LANDMARK,
                                          TriggerName.BEST_RESPONSE]  # fmt: skip
    assert triggers[0].values == ("2024-05-14", "2024-07-16")
    assert "differ by 63 days" in triggers[0].explanation
    assert "alice N" in triggers[1].explanation and "bob Y" in triggers[1].explanation
    assert triggers[2].explanation == "best overall response: alice SD, bob PR"


def test_the_landmark_explanation_uses_the_projects_schedule() -> None:
    settings = AdjudicationSettings().changed(dcr_day=168, dcr_window=21)
    (trigger,) = compare(READERS, outcome(control=True), outcome(control=False), settings)
    assert "day 168 +- 21" in trigger.explanation


@pytest.mark.parametrize(("changes", "message"), [
    ({"tolerance_days": -1}, "tolerance_days must be 0 or more"),
    ({"dcr_day": -5}, "dcr_day must be 0 or more"),
    ({"confirm": 3}, "confirm: 3 is not a bool"),
    ({"landmark_compare": "overall"}, "'overall' is not a valid LandmarkCompare"),
    ({"speed": 3}, "unknown adjudication setting 'speed'"),
])  # fmt: skip
def test_bad_settings_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AdjudicationSettings().changed(**changes)


def test_settings_survive_their_stored_form() -> None:
    settings = AdjudicationSettings().changed(tolerance_days=14, landmark_compare="response",
                                              dcr_day=168, confirm=True)  # fmt: skip
    again = AdjudicationSettings.from_values(settings.as_values())
    assert again == settings
    assert again.schedule["dcr_day"] == 168 and again.schedule["confirm"] is True
