"""Conformance checks written from the ADaMIG v1.3 rules our datasets must meet, run on the
example trial (one read, and read twice by two readers) and on the pharmaverse data (three
evaluators, and the investigator alone):

- variable names at most 8 characters (SAS V5 transport), the required variables present
  (ADaMIG section 3: BDS STUDYID, USUBJID, PARAMCD, PARAM, AVAL or AVALC; ADTTE adds STARTDT,
  ADT, CNSR; ADSL STUDYID, USUBJID, SUBJID, ARM, TRT01P, the population flags);
- PARAMCD at most 8 characters, a letter or underscore then letters, digits or underscores,
  one to one with PARAM; PARAM at most 200 characters;
- unique keys (ADSL: USUBJID; ADRS: subject, evaluator, PARAMCD, ADT, AVISIT; ADTTE: subject,
  evaluator, PARAMCD) and ASEQ unique within each subject, increasing in record order (ADaMIG:
  ASEQ makes a subject's records unique; it is numbered over every read of the input, so with
  ``--reader`` the numbers kept may have gaps);
- dates (``*DT``) ISO 8601 ``YYYY-MM-DD`` or empty;
- ADTTE: CNSR in {0, 1}, AVAL = ADT - STARTDT + 1, AVALU DAYS;
- flags: DTHFL "Y" or null; ITTFL and PPROTFL "Y" or "N" (population flags are never null).

ADSL's ADaMIG-required SITEID, AGE, AGEU, SEX, RACE and ACTARM are not there: the subjects
file records none of them. That gap is asserted (``ADSL_NOT_YET``) so it is closed knowingly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from cdisc_kit import RELUTH, Row, export, pharmaverse_inputs, reluth_read_twice

SAS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,7}")
ISO_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
REQUIRED = {
    "adrs": {"STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVALC", "AVAL", "ADT", "ASEQ"},
    "adtte": {"STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVAL", "STARTDT", "ADT", "CNSR", "ASEQ"},
    "adsl": {"STUDYID", "USUBJID", "SUBJID", "ARM", "TRT01P", "ITTFL", "PPROTFL"},
}
ADSL_NOT_YET = {"SITEID", "AGE", "AGEU", "SEX", "RACE", "ACTARM"}
KEYS = {
    "adrs": ("USUBJID", "RSEVAL", "RSEVALID", "PARAMCD", "ADT", "AVISIT"),
    "adtte": ("USUBJID", "RSEVAL", "RSEVALID", "PARAMCD"),
    "adsl": ("USUBJID",),
}



def conformance_problems(kind: str, rows: list[Row]) -> list[str]:
    """Every rule of the module docstring that ``rows`` break, in words."""
    assert rows, "an empty dataset proves nothing"
    found: list[str] = []
    names = list(rows[0])
    found += [f"variable name {n!r} is not a SAS V5 name" for n in names
              if not SAS_NAME.fullmatch(n)]  # fmt: skip
    found += [f"required {v} missing" for v in sorted(REQUIRED[kind] - set(names))]
    keys = Counter(tuple(r.get(k, "") for k in KEYS[kind]) for r in rows)
    found += [f"key {k} on {n} records" for k, n in keys.items() if n > 1]
    for row in rows:
        for name in names:
            if name.endswith("DT") and row[name] and not ISO_DATE.fullmatch(row[name]):
                found.append(f"{row['USUBJID']} {name} {row[name]!r} is not YYYY-MM-DD")
    if kind == "adsl":
        found += [f"{r['USUBJID']} DTHFL {r['DTHFL']!r}" for r in rows if r["DTHFL"] not in "Y"]
        found += [f"{r['USUBJID']} {f} {r[f]!r}" for r in rows for f in ("ITTFL", "PPROTFL")
                  if r[f] not in ("Y", "N")]  # fmt: skip
        return found
    params: dict[str, set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    sequence: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        params[row["PARAMCD"]].add(row["PARAM"])
        codes[row["PARAM"]].add(row["PARAMCD"])
        sequence[row["USUBJID"]].append(int(row["ASEQ"]))
        if not SAS_NAME.fullmatch(row["PARAMCD"]):
            found.append(f"PARAMCD {row['PARAMCD']!r} is not 8 characters of a SAS name")
        if len(row["PARAM"]) > 200:
            found.append(f"PARAM {row['PARAM']!r} is longer than 200 characters")
        if not (row["AVAL"] or row["AVALC"] if kind == "adrs" else row["AVAL"]):
            found.append(f"{row['USUBJID']} {row['PARAMCD']}: neither AVAL nor AVALC")
    found += [f"PARAMCD {c} has the PARAMs {sorted(p)}" for c, p in params.items() if len(p) > 1]
    found += [f"PARAM {p!r} has the PARAMCDs {sorted(c)}" for p, c in codes.items() if len(c) > 1]
    found += [
        f"{s} ASEQ {q}" for s, q in sequence.items()
        if q != sorted(set(q)) or q[0] < 1
    ]  # fmt: skip
    if kind == "adtte":
        for row in rows:
            days = (dt.date.fromisoformat(row["ADT"]) - dt.date.fromisoformat(row["STARTDT"])).days
            if row["CNSR"] not in ("0", "1"):
                found.append(f"{row['USUBJID']} {row['PARAMCD']} CNSR {row['CNSR']!r}")
            if int(row["AVAL"]) != days + 1 or row["AVALU"] != "DAYS":
                found.append(
                    f"{row['USUBJID']} {row['PARAMCD']} AVAL {row['AVAL']} {row['AVALU']} is "
                    f"not ADT - STARTDT + 1 = {days + 1} DAYS"
                )
    return found


@pytest.fixture(scope="module")
def pharmaverse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return pharmaverse_inputs(tmp_path_factory.mktemp("pharmaverse"))


@pytest.fixture(scope="module")
def reluth_twice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return reluth_read_twice(tmp_path_factory.mktemp("reluth"))


@pytest.mark.parametrize("kind", ["adrs", "adtte", "adsl"])
@pytest.mark.parametrize("readers", ["one read", "two readers"])
def test_example_trial_conforms(
    reluth_twice: Path, tmp_path: Path, kind: str, readers: str
) -> None:
    measurements = RELUTH / "measurements.csv" if readers == "one read" else reluth_twice
    more = ["--study-id", "RELUTH", "--strata", "dc_duration", "gfr"] if kind == "adsl" else []
    if kind == "adsl" and readers == "two readers":
        more += ["--reader", "READER 2"]  # ADSL's PPROTFL is judged on one read
    rows = export(kind, measurements, RELUTH / "subjects.csv", tmp_path / "out.csv",
                  *more or ["--study-id", "RELUTH"])  # fmt: skip
    assert conformance_problems(kind, rows) == []
    if kind == "adsl":
        assert not ADSL_NOT_YET & set(rows[0]), "update ADSL_NOT_YET and the docstring"
        assert ADSL_NOT_YET.isdisjoint(REQUIRED["adsl"])


@pytest.mark.parametrize("kind", ["adrs", "adtte"])
@pytest.mark.parametrize("reader", [None, "INVESTIGATOR"])
def test_pharmaverse_conforms(
    pharmaverse: tuple[Path, Path], tmp_path: Path, kind: str, reader: str | None
) -> None:
    more = ["--sd-min-days", "42", "--confirm-days", "28"]
    rows = export(kind, *pharmaverse, tmp_path / "out.csv",
                  *more, *(["--reader", reader] if reader else []))  # fmt: skip
    assert conformance_problems(kind, rows) == []


def test_the_checks_catch_what_they_check() -> None:
    """Each rule fails on a record that breaks it (so a green run means something)."""
    good = {"STUDYID": "S", "USUBJID": "S1", "RSEVAL": "", "RSEVALID": "", "PARAMCD": "TTP",
            "PARAM": "Time to progression", "STARTDT": "2024-01-01", "ADT": "2024-01-10",
            "AVAL": "10", "AVALU": "DAYS", "AVALC": "", "CNSR": "0", "ASEQ": "1"}  # fmt: skip
    assert conformance_problems("adtte", [good]) == []
    broken = [
        {**good, "CNSR": "2"},
        {**good, "AVAL": "9"},
        {**good, "ADT": "2024-1-10", "AVAL": "10"},
        {**good, "PARAMCD": "TIMETOPROG"},
    ]
    for row in broken:
        with pytest.raises((AssertionError, ValueError)):
            assert conformance_problems("adtte", [row]) == []
    twice = [good, {**good, "USUBJID": "S2", "PARAM": "Time to PD"}]
    assert conformance_problems("adtte", twice) == [
        "PARAMCD TTP has the PARAMs ['Time to PD', 'Time to progression']"
    ]
    assert conformance_problems("adtte", [good, {**good, "ASEQ": "2"}])[0].startswith("key ")
