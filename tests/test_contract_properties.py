"""Properties of the contract that must hold for any valid input (Hypothesis).

- Row order never changes any output (timepoints are ordered by date, not by file order).
- A subject's results do not depend on the other subjects in the file.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from engine_builders import row, write_measurements
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recist import Measurement
from recist.cli import main

TARGET_STATES = ["PRESENT"] * 6 + ["ABSENT", "TOO_SMALL", "NOT_EVALUATED", "MERGED"]
NON_TARGET_STATES = ["PRESENT"] * 4 + ["ABSENT", "NOT_EVALUATED", "PROGRESSION"]
NEW_STATES = ["PRESENT", "EQUIVOCAL", "NOT_EVALUATED"]


@st.composite
def subject_rows(draw: st.DrawFn, subject: str) -> list[Measurement]:
    n_targets = draw(st.integers(0, 4))
    n_non_targets = draw(st.integers(0 if n_targets else 1, 2))
    visits = draw(st.integers(1, 5))
    days = sorted(draw(st.lists(st.integers(30, 400), min_size=visits - 1, max_size=visits - 1,
                                unique=True)))
    nodal = [draw(st.booleans()) for _ in range(n_targets)]
    size = st.integers(0, 600).map(lambda tenths: Decimal(tenths) / 10)
    rows: list[Measurement] = []
    for index, offset in enumerate([0, *days]):
        label = "BASELINE" if index == 0 else f"V{index}"
        for t in range(n_targets):
            state = "PRESENT" if index == 0 else draw(st.sampled_from(TARGET_STATES))
            value = draw(size) + (15 if index == 0 else 0)
            rows.append(row(label, offset, f"T{t}", state=state, node=nodal[t], subject=subject,
                            long=value + 5, short=value if nodal[t] else None,
                            location="lymph node" if nodal[t] else f"organ{t}"))
        for n in range(n_non_targets):
            state = "PRESENT" if index == 0 else draw(st.sampled_from(NON_TARGET_STATES))
            if draw(st.booleans()) or index == 0:
                rows.append(row(label, offset, f"NT{n}", "NON-TARGET", state=state,
                                subject=subject, location="bone"))
        if index and draw(st.integers(0, 4)) == 0:
            rows.append(row(label, offset + draw(st.integers(0, 3)), f"N{index}", "NEW",
                            state=draw(st.sampled_from(NEW_STATES)), subject=subject,
                            location="liver"))
    return rows


@st.composite
def trials(draw: st.DrawFn) -> list[Measurement]:
    count = draw(st.integers(1, 4))
    return [r for s in range(count) for r in draw(subject_rows(f"S{s}"))]


def run(tmp: Path, rows: list[Measurement], name: str) -> tuple[str, str]:
    path = write_measurements(tmp / f"{name}.csv", rows)
    outputs = []
    for command in ("assess", "endpoints"):
        out = tmp / f"{name}.{command}.csv"
        assert main([command, str(path), "-o", str(out), "--explain"]) == 0
        outputs.append(out.read_text())
    return outputs[0], outputs[1]


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(rows=trials(), seed=st.integers(0, 2**32))
def test_row_order_never_changes_any_output(
    tmp_path_factory: object, rows: list[Measurement], seed: int
) -> None:
    tmp = tmp_path_factory.mktemp("order")  # type: ignore[attr-defined]
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    assert run(tmp, rows, "ordered") == run(tmp, shuffled, "shuffled")


@SETTINGS
@given(rows=trials())
def test_a_subject_does_not_depend_on_other_subjects(
    tmp_path_factory: object, rows: list[Measurement]
) -> None:
    tmp = tmp_path_factory.mktemp("alone")  # type: ignore[attr-defined]
    together = run(tmp, rows, "all")
    for subject in sorted({r.subject_id for r in rows}):
        alone = run(tmp, [r for r in rows if r.subject_id == subject], subject)
        for combined, single in zip(together, alone, strict=True):
            header, *lines = combined.splitlines()
            expected = [header, *(line for line in lines if line.startswith(f"{subject},"))]
            assert single.splitlines() == expected
