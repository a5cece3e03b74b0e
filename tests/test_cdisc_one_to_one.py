"""PARAMCD and PARAM one to one in ADRS and ADTTE when several evaluators read the same
subjects (ADaMIG v1.3 section 3.3.4): PARAM evaluator-free, the evaluator in PARCAT2 (ADRS,
admiralonco's variable for it), RSEVAL and RSEVALID; with one evaluator PARAM keeps
admiralonco's words (`` by Investigator``)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from cdisc_kit import RELUTH, Row, export, pharmaverse_inputs, reluth_read_twice


def one_to_one(rows: list[Row]) -> None:
    params: dict[str, set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        params[row["PARAMCD"]].add(row["PARAM"])
        codes[row["PARAM"]].add(row["PARAMCD"])
    assert {c: p for c, p in params.items() if len(p) > 1} == {}
    assert {p: c for p, c in codes.items() if len(c) > 1} == {}


@pytest.fixture(scope="module")
def pharmaverse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return pharmaverse_inputs(tmp_path_factory.mktemp("pharmaverse"))


@pytest.fixture(scope="module")
def reluth_with_readers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example trial read twice (two central readers, the same measurements)."""
    return reluth_read_twice(tmp_path_factory.mktemp("reluth")), RELUTH / "subjects.csv"


@pytest.mark.parametrize("kind", ["adrs", "adtte"])
def test_pharmaverse_three_evaluators(
    pharmaverse: tuple[Path, Path], tmp_path: Path, kind: str
) -> None:
    rows = export(kind, *pharmaverse, tmp_path / f"{kind}.csv")
    one_to_one(rows)
    reads = {(r["RSEVAL"], r["RSEVALID"]) for r in rows if r["RSEVAL"]}
    assert reads == {("INVESTIGATOR", ""), ("INDEPENDENT ASSESSOR", "RADIOLOGIST 1"),
                     ("INDEPENDENT ASSESSOR", "RADIOLOGIST 2")}  # fmt: skip
    assert not [r for r in rows if " by " in r["PARAM"]]
    if kind == "adrs":
        ovr = [r for r in rows if r["PARAMCD"] == "OVR"]
        assert {r["PARAM"] for r in ovr} == {"Overall Response"}
        assert {(r["RSEVAL"], r["PARCAT2"]) for r in ovr} == {
            ("INVESTIGATOR", "Investigator"),
            ("INDEPENDENT ASSESSOR", "Independent Assessor"),
        }
        keys = [(r["USUBJID"], r["PARCAT2"], r["RSEVALID"], r["PARAMCD"], r["ADT"], r["AVISIT"])
                for r in rows]  # fmt: skip
        assert len(keys) == len(set(keys))  # the evaluator variables tell the records apart


@pytest.mark.parametrize("kind", ["adrs", "adtte"])
def test_pharmaverse_one_evaluator_keeps_admiralonco_s_words(
    pharmaverse: tuple[Path, Path], tmp_path: Path, kind: str
) -> None:
    rows = export(kind, *pharmaverse, tmp_path / f"{kind}.csv", "--reader", "INVESTIGATOR")
    one_to_one(rows)
    assert {r["PARAM"] for r in rows if r["PARAMCD"] != "DEATH"} and all(
        r["PARAM"].count(" by Investigator") == 1 for r in rows if r["RSEVAL"]
    )


@pytest.mark.parametrize("kind", ["adrs", "adtte"])
def test_example_trial_with_readers(
    reluth_with_readers: tuple[Path, Path], tmp_path: Path, kind: str
) -> None:
    rows = export(kind, *reluth_with_readers, tmp_path / f"{kind}.csv", "--study-id", "RELUTH")
    one_to_one(rows)
    # no evaluator column: RSEVAL is --evaluator's default, the reader RSEVALID
    assert {(r["RSEVAL"], r["RSEVALID"]) for r in rows if r["RSEVAL"]} == {
        ("INDEPENDENT ASSESSOR", "READER 1"), ("INDEPENDENT ASSESSOR", "READER 2")
    }  # fmt: skip
    by_reader = defaultdict(list)
    numbers = ("RSEVALID", "ASEQ", "SRCSEQ", "RSSEQ")  # numbered over both reads of a subject
    for row in rows:
        if row["RSEVAL"]:
            by_reader[row["RSEVALID"]].append({k: v for k, v in row.items() if k not in numbers})
    assert by_reader["READER 1"] == by_reader["READER 2"]  # the same read, twice
    one_reader = export(kind, *reluth_with_readers, tmp_path / "one.csv", "--study-id", "RELUTH",
                        "--reader", "READER 1")  # fmt: skip
    one_to_one(one_reader)
    assert all(r["PARAM"].endswith(" by Reader 1") or " by Reader 1 " in r["PARAM"]
               for r in one_reader if r["RSEVAL"])  # fmt: skip
