"""The reading model's vocabulary is the contract's, as the engine spells it (the model keeps
its own copy because only the engine adapter may import ``recist``)."""

from __future__ import annotations

import datetime as dt

import recist
from recist.model import ALLOWED_STATES as ENGINE_ALLOWED_STATES
from reviewer_gui.reading import (
    ALLOWED_STATES,
    Category,
    Observation,
    State,
    erases_measurement,
    lesion_order,
    states_offered,
)


def test_categories_and_states_are_the_engines() -> None:
    assert [c.value for c in Category] == [c.value for c in recist.Category]
    assert [s.value for s in State] == [s.value for s in recist.LesionState]


def test_the_state_table_is_the_engines() -> None:
    ours = {c.value: sorted(s.value for s in states) for c, states in ALLOWED_STATES.items()}
    engine = {c.value: sorted(s.value for s in states)
              for c, states in ENGINE_ALLOWED_STATES.items()}  # fmt: skip
    assert ours == engine


def test_lesions_are_listed_targets_first_by_number() -> None:
    ids = ["N1", "T10", "NT2", "T2", "NT10", "T1", "X"]
    assert sorted(ids, key=lesion_order) == ["T1", "T2", "T10", "NT2", "NT10", "N1", "X"]


def test_baseline_offers_only_presence_and_a_measured_lesion_is_not_erased_silently() -> None:
    for category in Category:
        assert states_offered(category, is_baseline=True) <= {State.PRESENT}
        assert states_offered(category, is_baseline=False) == ALLOWED_STATES[category]
    assert not erases_measurement(None, State.ABSENT)
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    empty = Observation(State.PRESENT, (), "", "alice", when)
    assert not erases_measurement(empty, State.ABSENT)
