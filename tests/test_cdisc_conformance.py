"""Conformance checks written from the ADaMIG v1.3 and SDTMIG v3.4 rules our datasets must
meet, run on the example trial (one read, and read twice by two readers) and on the
pharmaverse data (three evaluators, and the investigator alone), for RS, ADRS, ADTTE, ADTR and
ADSL:

- variable names at most 8 characters (SAS V5 transport), the required variables present
  (ADaMIG section 3: BDS STUDYID, USUBJID, PARAMCD, PARAM, AVAL or AVALC; ADTTE adds STARTDT,
  ADT, CNSR; ADRS and ADTR AVISIT / AVISITN, ADY, ADTR ABLFL, BASE, CHG, PCHG; ADSL STUDYID,
  USUBJID, SUBJID, ARM, TRT01P, the population flags; SDTMIG RS: the identifiers, topic,
  results, VISITNUM, VISIT, RSDTC);
- SDTM RS: DOMAIN "RS", RSTESTCD a SAS name with one RSTEST, RSORRES, RSSTRESC and RSEVAL
  filled, RSLNKGRP on the overall response records only, RSSEQ unique within the subject;
- one VISITNUM per VISIT (RS) and one AVISITN per AVISIT (ADRS, ADTR), and back, never empty;
- PARCAT2 only with PARCAT1, PARCAT3 only with PARCAT2; ADY = ADT - STARTDT + 1 on or after
  STARTDT, ADT - STARTDT before (no day 0); ADTF "D" or "M", only with an ADT;
- ADTTE: SRCSEQ filled wherever SRCDOM / SRCVAR is ADRS.ADT for a read;
- PARAMCD at most 8 characters, a letter or underscore then letters, digits or underscores,
  one to one with PARAM; PARAM at most 200 characters;
- unique keys (ADSL: USUBJID; RS: subject, evaluator, RSTESTCD, VISITNUM; ADRS: subject,
  evaluator, PARAMCD, ADT, AVISIT; ADTTE: subject, evaluator, PARAMCD; ADTR: subject,
  evaluator, PARAMCD, AVISITN) and ASEQ unique within each subject, increasing in record
  order (ADaMIG: ASEQ makes a subject's records unique; it is numbered over every read of
  the input, so with ``--reader`` the numbers kept may have gaps);
- dates (``*DT``) ISO 8601 ``YYYY-MM-DD`` or empty; ``*DTC`` ISO 8601, partial allowed;
- ADTTE: CNSR in {0, 1}, AVAL = ADT - STARTDT + 1, AVALU DAYS;
- flags (``*FL``): "Y" or null; ITTFL, PPROTFL and SAFFL "Y" or "N" (population flags are
  never null);
- ADSL: DTHFL "Y" exactly when DTHDT is given; SAFFL "Y" exactly when TRTSDT is given;
  TRT01A equal to ACTARM (one period: the treatment is the arm), ACTARMCD empty exactly when
  ACTARM is, ARMNRS given exactly when ACTARM is empty; TRTEDT not before TRTSDT; AGEU
  "YEARS" exactly with an AGE, AGE a whole number.

ADSL's AGE, AGEU, SEX, RACE, ACTARM (and TRT01A, TRTSDT, SAFFL) are written only when the
subjects file has their columns (``ADSL_OPTIONAL``): the example trial's own file has none, so
ADSL is also checked on that file with the columns added and on the pharmaverse subjects.
SITEID is never written (no site column is read).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from cdisc_kit import (
    RELUTH,
    Row,
    export,
    pharmaverse_adsl_subjects,
    pharmaverse_inputs,
    reluth_adsl_subjects,
    reluth_read_twice,
)

SAS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,7}")
ISO_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
#: SDTM --DTC: ISO 8601, possibly partial (SDTMIG section 4.4.2).
ISO_DTC = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
REQUIRED = {
    "sdtm-rs": {
        "STUDYID",
        "DOMAIN",
        "USUBJID",
        "RSSEQ",
        "RSTESTCD",
        "RSTEST",
        "RSORRES",
        "RSSTRESC",
        "VISITNUM",
        "VISIT",
        "RSDTC",
    },
    "adrs": {
        "STUDYID",
        "USUBJID",
        "PARAMCD",
        "PARAM",
        "AVALC",
        "AVAL",
        "ADT",
        "ASEQ",
        "AVISIT",
        "AVISITN",
        "ADY",
    },
    "adtr": {
        "STUDYID",
        "USUBJID",
        "PARAMCD",
        "PARAM",
        "AVAL",
        "ADT",
        "ASEQ",
        "AVISIT",
        "AVISITN",
        "ABLFL",
        "BASE",
        "CHG",
        "PCHG",
    },
    "adtte": {"STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVAL", "STARTDT", "ADT", "CNSR", "ASEQ"},
    "adsl": {"STUDYID", "USUBJID", "SUBJID", "ARM", "TRT01P", "ITTFL", "PPROTFL"},
}
ADSL_OPTIONAL = {"AGE", "AGEU", "SEX", "RACE", "ACTARM", "TRT01A", "TRTSDT", "SAFFL"}
KEYS = {
    "sdtm-rs": ("USUBJID", "RSEVAL", "RSEVALID", "RSTESTCD", "VISITNUM"),
    "adrs": ("USUBJID", "RSEVAL", "RSEVALID", "PARAMCD", "ADT", "AVISIT"),
    "adtr": ("USUBJID", "TREVAL", "TREVALID", "PARAMCD", "AVISITN"),
    "adtte": ("USUBJID", "RSEVAL", "RSEVALID", "PARAMCD"),
    "adsl": ("USUBJID",),
}
#: Flags with values other than "Y" or null (population flags are never null).
FLAGS = {"ITTFL": ("Y", "N"), "PPROTFL": ("Y", "N"), "SAFFL": ("Y", "N"), "RSDRVFL": ("Y", "")}


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
            if name.endswith("DTC") and not ISO_DTC.fullmatch(row[name]):
                found.append(f"{row['USUBJID']} {name} {row[name]!r} is not ISO 8601")
            if name.endswith("FL") and row[name] not in FLAGS.get(name, ("Y", "")):
                found.append(f"{row['USUBJID']} {name} {row[name]!r}")
    found += _one_number_per_name(rows, ("VISITNUM", "VISIT"), ("AVISITN", "AVISIT"))
    found += _sequence(rows, {"sdtm-rs": "RSSEQ", "adsl": ""}.get(kind, "ASEQ"))
    if kind == "adsl":
        return found + [f"{r['USUBJID']} {p}" for r in rows for p in _adsl_problems(r)]
    if kind == "sdtm-rs":
        return found + _rs_problems(rows)
    return found + _bds_problems(kind, rows)


#: ADSL pairs that go together: (variable, the one it follows, how).
_ADSL_PAIRS = (
    ("DTHFL", "DTHDT", lambda flag, date: flag == ("Y" if date else "")),
    ("SAFFL", "TRTSDT", lambda flag, date: flag == ("Y" if date else "N")),
    ("TRT01A", "ACTARM", lambda treatment, arm: treatment == arm),
    ("ACTARMCD", "ACTARM", lambda code, arm: bool(code) == bool(arm)),
    ("ARMNRS", "ACTARM", lambda reason, arm: bool(reason) != bool(arm)),
    ("AGEU", "AGE", lambda unit, age: unit == ("YEARS" if age else "")),
    ("TRTEDT", "TRTSDT", lambda end, start: not end or (bool(start) and end >= start)),
)


def _adsl_problems(row: Row) -> list[str]:
    """What breaks ADSL's pairs (``_ADSL_PAIRS``) in one record; AGE a whole number."""
    found = [f"{a} {row[a]!r} with {b} {row[b]!r}" for a, b, agree in _ADSL_PAIRS
             if a in row and b in row and not agree(row[a], row[b])]  # fmt: skip
    if row.get("AGE") and not row["AGE"].isdigit():
        found.append(f"AGE {row['AGE']!r}")
    return found


def _one_number_per_name(rows: list[Row], *pairs: tuple[str, str]) -> list[str]:
    """One VISITNUM per VISIT, one AVISITN per AVISIT (and back)."""
    found = []
    for number, name in pairs:
        if number not in rows[0]:
            continue
        pairs_seen = {(r[number], r[name]) for r in rows if r[name]}
        for index in (0, 1):
            seen = Counter(pair[index] for pair in pairs_seen)
            found += [
                f"{(number, name)[index]} {v!r} has several" for v, n in seen.items() if n > 1
            ]
        found += [f"{number} empty for {name} {v!r}" for n, v in pairs_seen if not n]
    return found


def _sequence(rows: list[Row], name: str) -> list[str]:
    """--SEQ / ASEQ unique within each subject, increasing in record order."""
    if not name:
        return []
    sequence: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        sequence[row["USUBJID"]].append(int(row[name]))
    return [f"{s} {name} {q}" for s, q in sequence.items() if q != sorted(set(q)) or q[0] < 1]


def _rs_problems(rows: list[Row]) -> list[str]:
    """SDTMIG RS: DOMAIN RS, RSTESTCD a SAS name, one RSTEST per RSTESTCD, a result in
    RSORRES and RSSTRESC, RSEVAL filled, RSLNKGRP on OVRLRESP records only."""
    found = [f"{r['USUBJID']} DOMAIN {r['DOMAIN']!r}" for r in rows if r["DOMAIN"] != "RS"]
    tests: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        tests[row["RSTESTCD"]].add(row["RSTEST"])
        if not SAS_NAME.fullmatch(row["RSTESTCD"]):
            found.append(f"RSTESTCD {row['RSTESTCD']!r} is not 8 characters of a SAS name")
        if not (row["RSORRES"] and row["RSSTRESC"] and row["RSEVAL"]):
            found.append(f"{row['USUBJID']} {row['RSTESTCD']}: empty result or evaluator")
        if bool(row["RSLNKGRP"]) != (row["RSTESTCD"] == "OVRLRESP"):
            found.append(f"{row['USUBJID']} {row['RSTESTCD']} RSLNKGRP {row['RSLNKGRP']!r}")
    found += [f"RSTESTCD {c} has the RSTESTs {sorted(t)}" for c, t in tests.items() if len(t) > 1]
    return found


def _bds_problems(kind: str, rows: list[Row]) -> list[str]:
    """ADaMIG BDS: PARAMCD / PARAM, AVAL (or AVALC in ADRS), PARCATn only with PARCATn-1,
    ADY from ADT and STARTDT, ADTF D / M, and ADTTE's CNSR and AVAL."""
    found: list[str] = []
    params: dict[str, set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        params[row["PARAMCD"]].add(row["PARAM"])
        codes[row["PARAM"]].add(row["PARAMCD"])
        if not SAS_NAME.fullmatch(row["PARAMCD"]):
            found.append(f"PARAMCD {row['PARAMCD']!r} is not 8 characters of a SAS name")
        if len(row["PARAM"]) > 200:
            found.append(f"PARAM {row['PARAM']!r} is longer than 200 characters")
        if not (row["AVAL"] or row["AVALC"] if kind == "adrs" else row["AVAL"]):
            found.append(f"{row['USUBJID']} {row['PARAMCD']}: neither AVAL nor AVALC")
        for n in (2, 3):
            if row.get(f"PARCAT{n}") and not row[f"PARCAT{n - 1}"]:
                found.append(f"{row['USUBJID']} {row['PARAMCD']}: PARCAT{n} without PARCAT{n - 1}")
        if row.get("ADTF") and (row["ADTF"] not in ("D", "M") or not row["ADT"]):
            found.append(f"{row['USUBJID']} {row['PARAMCD']} ADTF {row['ADTF']!r}")
        if "ADY" in row and row["ADT"]:
            days = (dt.date.fromisoformat(row["ADT"]) - dt.date.fromisoformat(row["STARTDT"])).days
            if row["ADY"] != str(days + 1 if days >= 0 else days):
                found.append(f"{row['USUBJID']} {row['PARAMCD']} ADY {row['ADY']} for {days} days")
    found += [f"PARAMCD {c} has the PARAMs {sorted(p)}" for c, p in params.items() if len(p) > 1]
    found += [f"PARAM {p!r} has the PARAMCDs {sorted(c)}" for p, c in codes.items() if len(c) > 1]
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
            pointer = (row.get("SRCDOM"), row.get("SRCVAR")) == ("ADRS", "ADT")
            if pointer and row["RSEVAL"] and not row["SRCSEQ"].isdigit():
                found.append(f"{row['USUBJID']} {row['PARAMCD']}: SRCSEQ {row['SRCSEQ']!r}")
    return found


@pytest.fixture(scope="module")
def pharmaverse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return pharmaverse_inputs(tmp_path_factory.mktemp("pharmaverse"))


@pytest.fixture(scope="module")
def reluth_twice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return reluth_read_twice(tmp_path_factory.mktemp("reluth"))


@pytest.mark.parametrize("kind", ["sdtm-rs", "adrs", "adtte", "adtr", "adsl"])
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
        assert not ADSL_OPTIONAL & set(rows[0]), "the example's own file has no such column"
        assert ADSL_OPTIONAL.isdisjoint(REQUIRED["adsl"])


@pytest.mark.parametrize("subjects", ["example trial", "pharmaverse"])
def test_adsl_with_every_optional_column_conforms(tmp_path: Path, subjects: str) -> None:
    if subjects == "example trial":
        measurements, more = RELUTH / "measurements.csv", ["--study-id", "RELUTH"]
        path = reluth_adsl_subjects(tmp_path)
    else:
        measurements, _ = pharmaverse_inputs(tmp_path)
        path = pharmaverse_adsl_subjects(tmp_path)
        more = ["--study-id", "CDISCPILOT01", "--reader", "INVESTIGATOR"]
    rows = export("adsl", measurements, path, tmp_path / "adsl.csv", *more)
    assert conformance_problems("adsl", rows) == []
    assert ADSL_OPTIONAL - {"RACE"} <= set(rows[0])
    for kind in ("adrs", "adtte"):
        rows = export(kind, measurements, path, tmp_path / f"{kind}.csv", *more[:2])
        assert conformance_problems(kind, rows) == []


def test_the_adsl_checks_catch_what_they_check() -> None:
    good = {"STUDYID": "S", "USUBJID": "S1", "SUBJID": "S1", "AGE": "63", "AGEU": "YEARS",
            "ARM": "A", "ACTARM": "A", "ACTARMCD": "A", "ARMNRS": "", "TRT01P": "A",
            "TRT01A": "A", "TRTSDT": "2024-01-02", "TRTEDT": "2024-02-01", "DTHDT": "",
            "DTHFL": "", "ITTFL": "Y", "SAFFL": "Y", "PPROTFL": "Y"}  # fmt: skip
    assert conformance_problems("adsl", [good]) == []
    untreated = {**good, "ACTARM": "", "ACTARMCD": "", "TRT01A": "", "ARMNRS": "ASSIGNED, NOT "
                 "TREATED", "TRTSDT": "", "TRTEDT": "", "SAFFL": "N"}  # fmt: skip
    assert conformance_problems("adsl", [untreated]) == []
    broken = {
        "S1 DTHFL 'Y' with DTHDT ''": {"DTHFL": "Y"},
        "S1 DTHFL '' with DTHDT '2024-03-01'": {"DTHDT": "2024-03-01"},
        "S1 SAFFL 'N' with TRTSDT '2024-01-02'": {"SAFFL": "N"},
        "S1 TRT01A 'B' with ACTARM 'A'": {"TRT01A": "B"},
        "S1 ACTARMCD '' with ACTARM 'A'": {"ACTARMCD": ""},
        "S1 ARMNRS 'SCREEN FAILURE' with ACTARM 'A'": {"ARMNRS": "SCREEN FAILURE"},
        "S1 AGEU '' with AGE '63'": {"AGEU": ""},
        "S1 TRTEDT '2024-01-01' with TRTSDT '2024-01-02'": {"TRTEDT": "2024-01-01"},
        "S1 AGE '63.5'": {"AGE": "63.5"},
        "S1 SAFFL ''": {"SAFFL": "", "TRTSDT": "", "TRTEDT": ""},
    }
    for problem, change in broken.items():
        assert problem in conformance_problems("adsl", [{**good, **change}]), problem


@pytest.mark.parametrize("kind", ["sdtm-rs", "adrs", "adtte", "adtr"])
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


def test_the_rs_and_bds_checks_catch_what_they_check() -> None:
    """The SDTM RS rules and the BDS rules added for ADRS / ADTR each fail on a record that
    breaks them."""
    rs = {"STUDYID": "S", "DOMAIN": "RS", "USUBJID": "S1", "RSSEQ": "1", "RSLNKGRP": "V2",
          "RSTESTCD": "OVRLRESP", "RSTEST": "Overall Response", "RSORRES": "PR",
          "RSSTRESC": "PR", "RSDRVFL": "Y", "RSEVAL": "INDEPENDENT ASSESSOR", "RSEVALID": "",
          "VISITNUM": "2", "VISIT": "M2", "RSDTC": "2024-03"}  # fmt: skip
    target = {
        **rs,
        "RSSEQ": "2",
        "RSLNKGRP": "",
        "RSTESTCD": "TRGRESP",
        "RSTEST": "Target Response",
    }
    assert conformance_problems("sdtm-rs", [rs, target]) == []
    assert conformance_problems("sdtm-rs", [rs, {**target, "RSLNKGRP": "V2"}]) == [
        "S1 TRGRESP RSLNKGRP 'V2'"
    ]
    assert conformance_problems("sdtm-rs", [rs, {**target, "VISIT": "M4"}])[0].startswith(
        "VISITNUM '2' has several"
    )
    assert conformance_problems("sdtm-rs", [rs, {**target, "RSDTC": "2024-3-1"}]) == [
        "S1 RSDTC '2024-3-1' is not ISO 8601"
    ]
    assert conformance_problems("sdtm-rs", [rs, {**target, "RSSEQ": "1"}]) == ["S1 RSSEQ [1, 1]"]
    sums = {"STUDYID": "S", "USUBJID": "S1", "TREVAL": "I", "TREVALID": "", "PARAMCD": "SDIAM",
            "PARAM": "Target Lesions Sum of Diameters", "PARCAT1": "Target Lesion(s)",
            "PARCAT2": "I", "PARCAT3": "RECIST 1.1", "AVISIT": "BASELINE", "AVISITN": "1",
            "ADT": "2024-01-07", "ADY": "-1", "ADTF": "", "AVAL": "40", "ABLFL": "Y",
            "BASE": "40", "CHG": "", "PCHG": "", "ANL01FL": "Y", "STARTDT": "2024-01-08",
            "ASEQ": "1"}  # fmt: skip
    assert conformance_problems("adtr", [sums]) == []
    broken = {
        "S1 SDIAM: PARCAT3 without PARCAT2": {"PARCAT2": ""},
        "S1 SDIAM ADY 0 for -1 days": {"ADY": "0"},
        "S1 SDIAM ADTF 'Y'": {"ADTF": "Y"},
        "S1 ABLFL 'N'": {"ABLFL": "N"},
    }
    for problem, change in broken.items():
        assert conformance_problems("adtr", [{**sums, **change}]) == [problem]
