"""The one-click measurement gives the same axes as the reference: clicks over every lesion class
(``reviewer_gui.sample_scans.lesion_classes``) and every method, whose results the code of
main at 3d5405c (before the work for speed of issue 17's "<= 100 ms per click") stored in
``test_propose_reference.json``. A change for speed alone must leave every end point, length
and HU within :data:`TOLERANCE`; a change meant to move results regenerates the file::

    python tests/viewer/test_propose_reference.py --write

and says in its commit which results moved and why.

The clicks: per class, instances 0-2, each at its centre and at the first 3 of the benchmark's
12 inner-half seeds (``benchmarks/assist.py``), with the default method; the centre of instance
0 of each class with every other method; the slowest clicks of ``benchmarks/click_time.py`` on
main (seeds near a small blurred lesion's edge, whose first core leaks into the liver), and
clicks on no lesion (``None``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reviewer_gui.sample_scans import lesion_classes as lc
from reviewer_gui.viewer.propose import METHODS, ProposedMeasurement, propose_measurement

REFERENCE = Path(__file__).with_suffix(".json")
TOLERANCE = 1e-6  # mm for end points and lengths, HU for the lesion's and host's HU
INSTANCES = range(3)
SEEDS = 3  # of the benchmark's 12 inner-half seeds (benchmarks/assist.py: SEEDS_PER_LESION)
#: (class, instance, (row, column)): the slowest clicks on main (benchmarks/click_time.py) and
#: clicks on no lesion (the liver far from any lesion, fat, air, the body wall).
EXTRA = [("partial_volume", 7, (248, 197)), ("partial_volume", 7, (246, 195)),
         ("partial_volume", 1, (246, 229)), ("partial_volume", 4, (243, 176)),
         ("organ_edge", 46, None), ("ellipse", 0, (300, 120)), ("ellipse", 0, (10, 10)),
         ("ellipse", 0, (256, 30))]  # fmt: skip


@cache
def case(lesion_class: str, instance: int) -> lc.LesionCase:
    return lc.make(lesion_class, instance)


Click = tuple[str, str, str, int, tuple[int, int]]  # group, method, class, instance, seed


def clicks() -> Iterator[Click]:
    """Every reference click; its group: its class, or "extra" (:data:`EXTRA`)."""
    for name in lc.CLASSES:
        for instance in INSTANCES:
            c = case(name, instance)
            inner = c.inner_half_seeds(12, np.random.default_rng(instance))[:SEEDS]
            for seed in [c.seed, *inner]:
                yield name, "interpolated", name, instance, seed
        for method in METHODS[1:]:
            yield name, method, name, 0, case(name, 0).seed
    for name, instance, at in EXTRA:
        yield "extra", "interpolated", name, instance, at or case(name, instance).seed


def result(p: ProposedMeasurement | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"long": [*p.long.start, *p.long.end, p.long.length_mm],
            "short": [*p.short.start, *p.short.end, p.short.length_mm],
            "hu": [p.lesion_hu, p.host_hu]}  # fmt: skip


def propose(method: str, name: str, instance: int, seed: tuple[int, int]) -> dict[str, Any] | None:
    c = case(name, instance)
    return result(propose_measurement(c.pixels, c.spacing_mm, seed, c.nodal,
                                      method=method))  # type: ignore[arg-type]  # fmt: skip


def reference() -> list[dict[str, Any]]:
    stored: list[dict[str, Any]] = json.loads(REFERENCE.read_text(encoding="utf-8"))["clicks"]
    return stored


def test_the_reference_covers_every_class_and_method_and_no_lesion() -> None:
    stored = reference()
    assert [(r["group"], r["method"], r["class"], r["instance"], tuple(r["seed"]))
            for r in stored] == list(clicks())  # fmt: skip
    assert {r["class"] for r in stored} == set(lc.CLASSES)
    assert {r["method"] for r in stored} == set(METHODS)
    assert any(r["result"] is None for r in stored)
    assert sum(r["result"] is not None for r in stored) >= 0.9 * len(stored)


@pytest.mark.parametrize("group", (*lc.CLASSES, "extra"))
def test_every_click_gives_the_reference_axes(group: str) -> None:
    stored = [r for r in reference() if r["group"] == group]
    assert stored
    for r in stored:
        got = propose(r["method"], r["class"], r["instance"], tuple(r["seed"]))
        where = f"{r['method']} {r['class']}-{r['instance']} at {r['seed']}"
        if r["result"] is None or got is None:
            assert got == r["result"], where
            continue
        spacing = np.tile(case(r["class"], r["instance"]).spacing_mm, 2)
        for axis in ("long", "short"):
            ends = (np.subtract(got[axis][:4], r["result"][axis][:4])) * spacing
            assert np.abs(ends).max() <= TOLERANCE, (where, axis, got[axis], r["result"][axis])
            assert got[axis][4] == pytest.approx(r["result"][axis][4], abs=TOLERANCE), where
        assert got["hu"] == pytest.approx(r["result"]["hu"], abs=TOLERANCE), where


def write(commit: str) -> None:
    out = [{"group": g, "method": m, "class": n, "instance": i, "seed": list(s),
            "result": propose(m, n, i, s)} for g, m, n, i, s in clicks()]  # fmt: skip
    lines = ",\n".join(json.dumps(click) for click in out)  # one click a line
    REFERENCE.write_text(f'{{"code": {json.dumps(commit)}, "clicks": [\n{lines}\n]}}\n',
                         encoding="utf-8")  # fmt: skip
    print(f"{len(out)} clicks written to {REFERENCE}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the one-click reference results.")
    parser.add_argument("--write", metavar="COMMIT", required=True,
                        help="the commit of the code measured (stored in the file)")
    args = parser.parse_args(argv)
    write(args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
