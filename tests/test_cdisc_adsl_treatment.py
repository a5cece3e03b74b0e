"""ADSL's treatment, treatment-date and demographic variables from the optional subjects-file
columns (``recist.cdisc.subject_level``), the same treatment in ADRS / ADTTE / ADTR, and the
overlap with pharmaverse's ADaM data."""

from __future__ import annotations

from pathlib import Path

import pytest
from cdisc_kit import (
    CROSSED_OVER,
    NOT_TREATED,
    PHARMAVERSE,
    RELUTH,
    Row,
    export,
    pharmaverse_adsl_subjects,
    pharmaverse_inputs,
    read,
    reluth_adsl_subjects,
)

from recist.cli import main

NEW = {"AGE", "AGEU", "SEX", "RACE", "ACTARM", "ACTARMCD", "ARMNRS", "TRT01A", "TRTSDT",
       "TRTEDT", "SAFFL"}  # fmt: skip


@pytest.fixture(scope="module")
def subjects(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return reluth_adsl_subjects(tmp_path_factory.mktemp("subjects"))


@pytest.fixture(scope="module")
def adsl(subjects: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    out = tmp_path_factory.mktemp("adsl") / "adsl.csv"
    return export("adsl", RELUTH / "measurements.csv", subjects, out, "--study-id", "RELUTH")


def test_values_come_from_the_subjects_file(adsl: list[Row], subjects: Path) -> None:
    source = {r["subject_id"]: r for r in read(subjects)}
    assert list(adsl[0])[:14] == [
        "STUDYID", "USUBJID", "SUBJID", "AGE", "AGEU", "SEX", "RACE", "ARM", "ARMCD", "ACTARM",
        "ACTARMCD", "ARMNRS", "TRT01P", "TRT01A"]  # fmt: skip
    codes = {"SURVEILLANCE": "SURVEILLANCE", "177Lu-PRRT": "177LU_PRRT", "": ""}
    for row in adsl:
        given = source[row["USUBJID"]]
        assert (row["AGE"], row["AGEU"]) == (given["age"], "YEARS")
        assert (row["SEX"], row["RACE"]) == (given["sex"].upper(), given["race"].upper())
        assert row["ACTARM"] == row["TRT01A"] == given["actual_arm"]
        assert row["ACTARMCD"] == codes[given["actual_arm"]]
        assert (row["TRTSDT"], row["TRTEDT"]) == (
            given["treatment_start_date"],
            given["treatment_end_date"],
        )
        assert row["SAFFL"] == ("Y" if given["treatment_start_date"] else "N")
    by_id = {r["USUBJID"]: r for r in adsl}
    crossed = by_id[CROSSED_OVER]
    assert (crossed["ARM"], crossed["TRT01P"], crossed["ACTARM"], crossed["ACTARMCD"]) == (
        "SURVEILLANCE",
        "SURVEILLANCE",
        "177Lu-PRRT",
        "177LU_PRRT",
    )
    untreated = by_id[NOT_TREATED]
    assert (untreated["ARM"], untreated["ACTARM"], untreated["TRT01A"], untreated["ARMNRS"],
            untreated["SAFFL"]) == ("177Lu-PRRT", "", "", "ASSIGNED, NOT TREATED", "N")  # fmt: skip
    assert {r["USUBJID"] for r in adsl if r["ARMNRS"]} == {NOT_TREATED}
    # The surveillance arm has no study drug: no treatment start, so outside the safety set.
    assert {r["SAFFL"] for r in adsl if r["ACTARM"] == "SURVEILLANCE"} == {"N"}
    assert sum(r["SAFFL"] == "Y" for r in adsl) == sum(
        r["ACTARM"] == "177Lu-PRRT" for r in adsl) == 20  # fmt: skip


def test_without_the_columns_no_variable_is_guessed(tmp_path: Path) -> None:
    """The example trial's own subjects file has none of the columns: ADSL has none of the
    variables (no ACTARM copied from ARM, no SAFFL), ADRS and ADTTE no TRT01A."""
    subjects = RELUTH / "subjects.csv"
    rows = export("adsl", RELUTH / "measurements.csv", subjects, tmp_path / "adsl.csv",
                  "--study-id", "RELUTH")  # fmt: skip
    assert not NEW & set(rows[0])
    for kind in ("adrs", "adtte"):
        rows = export(kind, RELUTH / "measurements.csv", subjects, tmp_path / f"{kind}.csv",
                      "--study-id", "RELUTH")  # fmt: skip
        assert "TRT01P" in rows[0] and "TRT01A" not in rows[0]


def test_each_column_alone(tmp_path: Path) -> None:
    """A column present gives its variables, and no others."""
    measurements = tmp_path / "m.csv"
    measurements.write_text(
        "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
        "S1,BASELINE,2024-01-10,T01,TARGET,liver,30\n"
    )
    expected = {"actual_arm": {"ACTARM", "ACTARMCD", "ARMNRS", "TRT01A"},
                "treatment_start_date": {"TRTSDT", "SAFFL"}, "age": {"AGE", "AGEU"},
                "sex": {"SEX"}, "race": {"RACE"}}  # fmt: skip
    values = {"actual_arm": "A", "treatment_start_date": "2024-01-09", "age": "70", "sex": "F",
              "race": "WHITE"}  # fmt: skip
    for column, variables in expected.items():
        subjects = tmp_path / f"{column}.csv"
        subjects.write_text(f"subject_id,randomization_date,arm,{column}\n"
                            f"S1,2024-01-08,A,{values[column]}\n")  # fmt: skip
        rows = export("adsl", measurements, subjects, tmp_path / "adsl.csv", "--study-id", "S")
        assert NEW & set(rows[0]) == variables, column


BAD = {
    "actual_arm": ("B", "actual_arm: 'B' is not an arm of the trial (A); write the arm the "
                   "subject received, or leave it empty if not treated"),
    "treatment_start_date": ("2024-13-01", "treatment_start_date: '2024-13-01' is not a date; "
                             "write it as YYYY-MM-DD"),
    "treatment_end_date": ("2024-01-01", "treatment_end_date: treatment ended on 2024-01-01, "
                           "before it started on 2024-01-09; correct either date"),
    "age": ("63.5", "age: '63.5' is not an age; write the age in whole years (e.g. 63)"),
    "sex": ("", "sex: no sex given; write M, F, U (unknown) or INTERSEX"),
    "race": ("CAUCASIAN", "race: 'CAUCASIAN' is not a CDISC race; write one of: AMERICAN "
             "INDIAN OR ALASKA NATIVE, ASIAN"),
    "death_date": ("2024-01-08", "treatment_start_date: treatment started on 2024-01-09, "
                   "after death on 2024-01-08; correct either date"),
}  # fmt: skip


@pytest.mark.parametrize("kind", ["adsl", "adtte"])
@pytest.mark.parametrize("column", sorted(BAD))
def test_a_bad_value_names_file_line_column_and_fix_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, kind: str
) -> None:
    measurements, subjects, out = tmp_path / "m.csv", tmp_path / "s.csv", tmp_path / "o.csv"
    measurements.write_text(
        "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
        "S1,BASELINE,2024-01-10,T01,TARGET,liver,30\n"
    )
    good = {"subject_id": "S2", "randomization_date": "2024-01-08", "death_date": "",
            "arm": "A", "actual_arm": "A", "treatment_start_date": "2024-01-09",
            "treatment_end_date": "2024-03-01", "age": "63", "sex": "M",
            "race": "ASIAN"}  # fmt: skip
    bad = {**good, "subject_id": "S1", column: BAD[column][0]}
    subjects.write_text(",".join(good) + "\n" + ",".join(good.values()) + "\n" +
                        ",".join(bad.values()) + "\n")  # fmt: skip
    out.write_text("kept\n")
    args = ["export", kind, str(measurements), "--subjects", str(subjects), "--study-id", "S"]
    assert main([*args, "-o", str(out)]) == 2
    error = capsys.readouterr().err
    assert f"{subjects}:3: {BAD[column][1]}" in error
    assert error.count(f"{subjects}:") == 1 and "Traceback" not in error
    assert out.read_text() == "kept\n"


def test_a_treated_subject_needs_its_actual_arm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements, subjects = tmp_path / "m.csv", tmp_path / "s.csv"
    measurements.write_text(
        "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
        "S1,BASELINE,2024-01-10,T01,TARGET,liver,30\n"
    )
    subjects.write_text("subject_id,randomization_date,arm,actual_arm,treatment_start_date\n"
                        "S1,2024-01-08,A,,2024-01-09\nS2,2024-01-08,A,,\n")  # fmt: skip
    assert main(["export", "adsl", str(measurements), "--subjects", str(subjects),
                 "--study-id", "S"]) == 2  # fmt: skip
    assert capsys.readouterr().err.splitlines()[:-1] == [
        f"{subjects}:2: actual_arm: treatment started on 2024-01-09 but no actual arm is given; "
        "write the arm the subject received"
    ]


@pytest.mark.parametrize("kind", ["adrs", "adtte", "adtr"])
def test_bds_datasets_carry_adsl_s_treatment(
    adsl: list[Row], subjects: Path, tmp_path: Path, kind: str
) -> None:
    """TRT01P and TRT01A right after USUBJID, equal to ADSL's for every record; ADRS and
    ADTTE hold the ADSL subjects, every one of them (ADTR only those with tumour results)."""
    rows = export(kind, RELUTH / "measurements.csv", subjects, tmp_path / f"{kind}.csv",
                  "--study-id", "RELUTH")  # fmt: skip
    assert list(rows[0])[:4] == ["STUDYID", "USUBJID", "TRT01P", "TRT01A"]
    treatment = {r["USUBJID"]: (r["TRT01P"], r["TRT01A"]) for r in adsl}
    assert all((r["TRT01P"], r["TRT01A"]) == treatment[r["USUBJID"]] for r in rows)
    subjects_of = {r["USUBJID"] for r in rows}
    assert subjects_of == set(treatment) if kind != "adtr" else subjects_of <= set(treatment)
    assert {r["TRT01A"] for r in rows if r["USUBJID"] == CROSSED_OVER} == {"177Lu-PRRT"}
    by_id = {r["USUBJID"]: r for r in adsl}
    from_adsl = [r for r in rows if r.get("SRCDOM") == "ADSL"]
    assert all(by_id[r["USUBJID"]][r["SRCVAR"]] == r["ADT"] for r in from_adsl)


@pytest.mark.parametrize("kind", ["adrs", "adtte", "adtr"])
def test_bds_refuses_a_subject_adsl_would_not_have(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    measurements, subjects = tmp_path / "m.csv", tmp_path / "s.csv"
    measurements.write_text(
        "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
        "S1,BASELINE,2024-01-10,T01,TARGET,liver,30\nS3,BASELINE,2024-01-10,T01,TARGET,liver,30\n"
    )
    subjects.write_text("subject_id,randomization_date,arm\nS1,2024-01-08,A\nS2,2024-01-08,\n")
    assert main(["export", kind, str(measurements), "--subjects", str(subjects),
                 "--study-id", "S"]) == 2  # fmt: skip
    assert capsys.readouterr().err.splitlines()[:-1] == [
        f"{subjects}:3: arm: subject 'S2' has no arm; fill it in",
        f"{measurements}:3: subject_id: subject 'S3' is not in {subjects}; add it with its arm "
        "and randomization date",
    ]


def test_pharmaverse_adsl_where_it_overlaps(tmp_path: Path) -> None:
    """pharmaverseadam's ADRS and ADTTE carry ADSL's ARM, ARMCD, ACTARM, ACTARMCD, AGE, SEX,
    RANDDT, TRTSDT and DTHDT of the 8 RECIST subjects: our ADSL of a subjects file holding what
    those variables were derived from gives the same values, and SAFFL "Y" for each (all have a
    TRTSDT; admiral's SAFFL is "received a dose"). ADTTE's TRT01P / TRT01A equal pharmaverse's
    ARM / ACTARM of the subject (admiralonco's ADTTE template merges ARM and ACTARM from ADSL).
    By design, without an ``armcd`` column our ARMCD is the arm in capitals, not the sponsor's
    code ("Pbo")."""
    measurements, _ = pharmaverse_inputs(tmp_path)
    subjects = pharmaverse_adsl_subjects(tmp_path)
    ours = export("adsl", measurements, subjects, tmp_path / "adsl.csv",
                  "--study-id", "CDISCPILOT01", "--reader", "INVESTIGATOR")  # fmt: skip
    theirs_tte = read(PHARMAVERSE / "adtte_onco_recist_subjects.csv")
    theirs_rs = read(PHARMAVERSE / "adrs_onco_recist_subjects.csv")
    shared = ("ARM", "ARMCD", "ACTARM", "ACTARMCD", "AGE", "SEX", "STUDYID")
    expected = {r["USUBJID"]: {k: r[k] for k in shared} for r in theirs_tte}
    for r in theirs_rs:
        expected[r["USUBJID"]].update(
            RANDDT=r["RANDDT"], TRTSDT=r["TRTSDT"], DTHDT="" if r["DTHDT"] == "NA" else r["DTHDT"]
        )
    assert len(ours) == len(expected) == 8
    for row in ours:
        assert {k: row[k] for k in expected[row["USUBJID"]]} == expected[row["USUBJID"]]
        assert (row["SAFFL"], row["DTHFL"], row["ITTFL"]) == ("Y", "", "Y")
    adtte = export("adtte", measurements, subjects, tmp_path / "adtte.csv")
    arms = {r["USUBJID"]: (r["ARM"], r["ACTARM"]) for r in theirs_tte}
    assert {(r["USUBJID"], r["TRT01P"], r["TRT01A"]) for r in adtte} == {
        (s, *arm) for s, arm in arms.items()}  # fmt: skip
    plain = tmp_path / "no_armcd.csv"
    lines = subjects.read_text().splitlines()
    plain.write_text("\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 4)
                               for line in lines) + "\n")  # fmt: skip
    codes = export("adsl", measurements, plain, tmp_path / "adsl2.csv",
                   "--study-id", "CDISCPILOT01", "--reader", "INVESTIGATOR")  # fmt: skip
    assert {(r["ARMCD"], r["ACTARMCD"]) for r in codes} == {
        ("PLACEBO", "PLACEBO"), ("XANOMELINE_HIGH_DOSE", "XANOMELINE_HIGH_DOSE"),
        ("XANOMELINE_LOW_DOSE", "XANOMELINE_LOW_DOSE")}  # fmt: skip


def test_every_problem_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A subject the report's population refuses and a bad optional value: both reported."""
    measurements, subjects = tmp_path / "m.csv", tmp_path / "s.csv"
    measurements.write_text(
        "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
        "S1,BASELINE,2024-01-10,T01,TARGET,liver,30\n"
    )
    subjects.write_text("subject_id,randomization_date,arm,age\nS1,,A,x\n")
    assert main(["export", "adsl", str(measurements), "--subjects", str(subjects),
                 "--study-id", "S"]) == 2  # fmt: skip
    columns = [line.split(": ")[1] for line in capsys.readouterr().err.splitlines()[:-1]]
    assert columns == ["randomization_date", "age"]
