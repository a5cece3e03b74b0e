"""``recist export adtte`` (SRCSEQ of a progression, ADTF, OS, DOR, TTR) and ``recist export
adtr`` (sum of diameters, change from baseline and nadir), on small reads whose answers are
worked out by hand, on the example trial and against pharmaverse's ADTTE."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from cdisc_kit import PHARMAVERSE, RELUTH, Row, export, pharmaverse_inputs, read

from recist.cli import main

#: S1: PR at M2 (50 -> 30 mm, -40 %), PD at M4 (40 mm: +33 % and +10 mm over the nadir);
#: S2: SD at M2, dies on 2024-06-01.
MEASUREMENTS = (
    "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
    "S1,BASELINE,2024-01-10,T01,TARGET,liver,50\nS1,M2,2024-03-10,T01,TARGET,,30\n"
    "S1,M4,2024-05-10,T01,TARGET,,40\n"
    "S2,BASELINE,2024-01-12,T01,TARGET,lung,50\nS2,M2,2024-03-12,T01,TARGET,,48\n"
)
SUBJECTS = (
    "subject_id,randomization_date,death_date,new_therapy_date\n"
    "S1,2024-01-08,,\nS2,2024-01-09,2024-06-01,\n"
)


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    measurements, subjects = tmp_path / "m.csv", tmp_path / "s.csv"
    measurements.write_text(MEASUREMENTS)
    subjects.write_text(SUBJECTS)
    return measurements, subjects


def outcomes(rows: list[Row]) -> dict[tuple[str, str], tuple[str, ...]]:
    fields = ("STARTDT", "ADT", "CNSR", "EVNTDESC", "SRCDOM", "SRCVAR")
    return {(r["USUBJID"], r["PARAMCD"]): tuple(r[f] for f in fields) for r in rows}


def test_os_dor_and_ttr(small: tuple[Path, Path], tmp_path: Path) -> None:
    rows = export("adtte", *small, tmp_path / "adtte.csv", "--study-id", "ST")
    got = outcomes(rows)
    assert {k: v for k, v in got.items() if k[1] in ("OS", "DOR", "TTR")} == {
        ("S1", "OS"): ("2024-01-08", "2024-05-10", "1", "Alive", "ADRS", "ADT"),
        ("S2", "OS"): ("2024-01-09", "2024-06-01", "0", "Death", "ADSL", "DTHDT"),
        ("S1", "TTR"): ("2024-01-08", "2024-03-10", "0", "Response", "ADRS", "ADT"),
        ("S1", "DOR"): ("2024-03-10", "2024-05-10", "0", "Disease Progression", "ADRS", "ADT"),
    }  # S2 never responded: neither DOR nor TTR
    by_code = {(r["USUBJID"], r["PARAMCD"]): r for r in rows}
    assert by_code[("S1", "DOR")]["AVAL"] == str(
        (dt.date(2024, 5, 10) - dt.date(2024, 3, 10)).days + 1
    )
    assert (by_code[("S1", "OS")]["RSEVAL"], by_code[("S2", "OS")]["RSEVAL"]) == ("", "")
    # --confirm: the PR at M2 is not confirmed (PD follows): no responder, no DOR, no TTR
    confirmed = export("adtte", *small, tmp_path / "c.csv", "--study-id", "ST", "--confirm")
    assert not [r for r in confirmed if r["PARAMCD"] in ("DOR", "TTR")]


def test_os_needs_recorded_deaths(small: tuple[Path, Path], tmp_path: Path) -> None:
    subjects = tmp_path / "no-deaths.csv"
    subjects.write_text("subject_id,randomization_date\nS1,2024-01-08\nS2,2024-01-09\n")
    rows = export("adtte", small[0], subjects, tmp_path / "adtte.csv", "--study-id", "ST")
    assert {r["PARAMCD"] for r in rows} == {"RPFS", "TTP", "DOR", "TTR"}


def test_new_anticancer_therapy_ends_anl01fl(small: tuple[Path, Path], tmp_path: Path) -> None:
    small[1].write_text(SUBJECTS.replace("S1,2024-01-08,,", "S1,2024-01-08,,2024-04-01"))
    rows = export("adrs", *small, tmp_path / "adrs.csv", "--study-id", "ST")
    ovr = [(r["AVISIT"], r["ANL01FL"], r["ANL02FL"]) for r in rows
           if r["USUBJID"] == "S1" and r["PARAMCD"] == "OVR"]  # fmt: skip
    assert ovr == [("M2", "Y", "Y"), ("M4", "", "Y")]  # M4 after new therapy; PD included


def test_adtf_where_adt_is_imputed(small: tuple[Path, Path], tmp_path: Path) -> None:
    """As ``sdtm-import --impute-dates last`` writes it: S2's M2 was recorded as 2024-03."""
    lines = small[0].read_text().splitlines()
    rows = [lines[0] + ",date_imputed,sdtm_dtc"]
    for line in lines[1:]:
        imputed = line.startswith("S2,M2")
        date = line.split(",")[2]
        rows.append(
            line.replace(date, "2024-03-31") + ",Y,2024-03" if imputed else f"{line},N,{date}"
        )
    small[0].write_text("\n".join(rows) + "\n")
    adtte = export("adtte", *small, tmp_path / "adtte.csv", "--study-id", "ST")
    flags = {(r["USUBJID"], r["PARAMCD"]): (r["ADT"], r["ADTF"]) for r in adtte}
    assert flags[("S2", "TTP")] == ("2024-03-31", "D")  # censored at the imputed M2
    assert flags[("S2", "OS")] == ("2024-06-01", "")  # death: DTHDT, not imputed
    assert flags[("S1", "TTP")] == ("2024-05-10", "")
    adtr = export("adtr", *small, tmp_path / "adtr.csv", "--study-id", "ST")
    assert [(r["AVISIT"], r["ADTF"]) for r in adtr if r["USUBJID"] == "S2"] == [
        ("BASELINE", ""), ("M2", "D")
    ]  # fmt: skip


def test_progression_after_an_equivocal_new_lesion_points_at_the_pd_record(tmp_path: Path) -> None:
    """RLT-036: a new lesion equivocal at M4 (overall SD), present at M6 (PD); progression
    dates back to M4 (RECIST 1.1 section 4.3.2), where the OVR record is SD: SRCSEQ is the PD
    record's, which carries the progression."""
    subjects = RELUTH / "subjects.csv"
    measurements = RELUTH / "measurements.csv"
    adrs = export("adrs", measurements, subjects, tmp_path / "adrs.csv", "--study-id", "R")
    adtte = export("adtte", measurements, subjects, tmp_path / "adtte.csv", "--study-id", "R")
    mine = [r for r in adrs if r["USUBJID"] == "RLT-036"]
    ovr = {r["ADT"]: r["AVALC"] for r in mine if r["PARAMCD"] == "OVR"}
    for code in ("RPFS", "TTP"):
        (event,) = [r for r in adtte if r["USUBJID"] == "RLT-036" and r["PARAMCD"] == code]
        (source,) = [r for r in mine if r["ASEQ"] == event["SRCSEQ"]]
        assert (event["CNSR"], event["ADT"]) == ("0", "2023-01-18")
        assert (source["PARAMCD"], source["AVALC"], source["ADT"]) == ("PD", "Y", event["ADT"])
        assert ovr[event["ADT"]] == "SD"  # the record an ADT lookup would have found


def test_dor_agrees_with_admiralonco_s_rsd(tmp_path: Path) -> None:
    """admiralonco's duration of response (PARAMCD RSD: progression or death, from the first
    response) is our DOR; pharmaverse's ADTTE has it for the investigator's responders."""
    measurements, subjects = pharmaverse_inputs(tmp_path)
    rows = export("adtte", measurements, subjects, tmp_path / "adtte.csv", "--sd-min-days", "42",
                  "--confirm-days", "28", "--reader", "INVESTIGATOR")  # fmt: skip
    theirs = [{k: ("" if v == "NA" else v) for k, v in r.items()}
              for r in read(PHARMAVERSE / "adtte_onco_recist_subjects.csv")]  # fmt: skip
    fields = ("STARTDT", "ADT", "AVAL", "CNSR", "EVNTDESC", "CNSDTDSC", "SRCDOM", "SRCVAR")

    def dor(rows: list[Row], code: str) -> dict[str, tuple[str, ...]]:
        return {r["USUBJID"]: tuple(r[f] for f in fields) for r in rows if r["PARAMCD"] == code}

    assert dor(rows, "DOR") == dor(theirs, "RSD") and len(dor(rows, "DOR")) == 4


def test_os_agrees_with_admiralonco_but_for_the_censoring_date(tmp_path: Path) -> None:
    """By design: admiralonco censors OS at ADSL's LSTALVDT (last known alive), which our
    inputs do not have; we censor at the subject's last tumour assessment of any read, a day
    the subject was alive. (pharmaverse's LSTALVDT of 01-701-1115, 2013-01-23, is even before
    its WEEK 9 scan of 2013-02-01: the two come from different generators.)"""
    measurements, subjects = pharmaverse_inputs(tmp_path)
    lines = subjects.read_text().splitlines()
    subjects.write_text("\n".join([lines[0] + ",death_date", *(f"{x}," for x in lines[1:])]) + "\n")
    rows = export("adtte", measurements, subjects, tmp_path / "adtte.csv")
    adrs = export("adrs", measurements, subjects, tmp_path / "adrs.csv")
    theirs = {r["USUBJID"]: r for r in read(PHARMAVERSE / "adtte_onco_recist_subjects.csv")
              if r["PARAMCD"] == "OS"}  # fmt: skip
    later = [r for r in theirs.values() if r["ADT"] < max(a["ADT"] for a in adrs
             if a["USUBJID"] == r["USUBJID"] and a["PARAMCD"] == "OVR")]  # fmt: skip
    assert [r["USUBJID"] for r in later] == ["01-701-1115"]
    ours = {r["USUBJID"]: r for r in rows if r["PARAMCD"] == "OS"}
    assert set(ours) == set(theirs) and len(ours) == 8
    for subject, row in ours.items():
        assert (row["CNSR"], row["EVNTDESC"]) == (
            theirs[subject]["CNSR"],
            theirs[subject]["EVNTDESC"],
        )
        assert row["STARTDT"] == theirs[subject]["STARTDT"]
        last = max(a["ADT"] for a in adrs if a["USUBJID"] == subject and a["PARAMCD"] == "OVR")
        assert (row["ADT"], row["CNSDTDSC"]) == (last, "Last Tumor Assessment (last known alive)")


def _truncated(value: Fraction) -> Decimal:
    """A percentage to 0.01, toward zero (the toolkit's display rule), computed apart."""
    return (
        (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_DOWN
        )
        if value
        else Decimal("0.00")
    )


def test_adtr_sums_and_changes_on_the_example_trial(tmp_path: Path) -> None:
    measurements = RELUTH / "measurements.csv"
    adtr = export("adtr", measurements, RELUTH / "subjects.csv", tmp_path / "adtr.csv",
                  "--study-id", "RELUTH")  # fmt: skip
    responses = tmp_path / "responses.csv"
    assert main(["assess", str(measurements), "-o", str(responses)]) == 0
    engine = {(r["subject_id"], r["timepoint"]): r for r in read(responses)}
    assert len(adtr) == sum(1 for r in engine.values() if r["target_sum_mm"])
    previous: dict[str, list[Decimal]] = {}
    for row in adtr:
        mine = engine[(row["USUBJID"], row["AVISIT"])]
        aval, base = Decimal(row["AVAL"]), Decimal(row["BASE"])
        assert (aval, base) == (Decimal(mine["target_sum_mm"]), Decimal(mine["baseline_sum_mm"]))
        sums = previous.setdefault(row["USUBJID"], [])
        if row["ABLFL"] == "Y":
            assert (row["CHG"], row["PCHG"], row["NADIR"], sums) == ("", "", "", [])
        else:
            nadir = min(sums)
            assert Decimal(row["NADIR"]) == nadir
            assert (Decimal(row["CHG"]), Decimal(row["CHGNAD"])) == (aval - base, aval - nadir)
            change = Fraction(aval - base) * 100 / Fraction(base)
            assert Decimal(row["PCHG"]) == _truncated(change)
            assert row["PCHG"] == mine["change_from_baseline_pct"]
            if nadir:
                assert Decimal(row["PCHGNAD"]) == _truncated(
                    Fraction(aval - nadir) * 100 / Fraction(nadir)
                )
        sums.append(aval)
