"""The reading model's vocabulary is the contract's, as the engine spells it (the model keeps
its own copy because only the engine adapter may import ``recist``)."""

from __future__ import annotations

import recist
from recist.model import ALLOWED_STATES as ENGINE_ALLOWED_STATES
from reviewer_gui.reading import ALLOWED_STATES, Category, State, lesion_order


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
