"""``recist export adsl``: one record per subject of the subjects file, populations as the
report decides them, checked against the subjects file and the report's reference output."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from recist.cli import main

ROOT = Path(__file__).resolve().parent.parent
RELUTH = ROOT / "examples" / "reluth"
EXPECTED = ROOT / "tests" / "report_expected" / "reluth" / "subjects.csv"
Row = dict[str, str]


def read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def export(kind: str, out: Path, *more: str) -> list[Row]:
    args = ["export", kind, str(RELUTH / "measurements.csv"), "--subjects",
            str(RELUTH / "subjects.csv"), "--study-id", "RELUTH", "-o", str(out),
            *more]  # fmt: skip
    assert main(args) == 0
    return read(out) if out.suffix == ".csv" else []


@pytest.fixture(scope="module")
def adsl(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    out = tmp_path_factory.mktemp("adsl") / "adsl.csv"
    return export("adsl", out, "--strata", "dc_duration", "progression_type")


def test_one_record_per_subject_of_the_subjects_file(adsl: list[Row]) -> None:
    subjects = read(RELUTH / "subjects.csv")
    assert [r["USUBJID"] for r in adsl] == sorted(s["subject_id"] for s in subjects)
    by_id = {s["subject_id"]: s for s in subjects}
    for row in adsl:
        source = by_id[row["USUBJID"]]
        assert (row["STUDYID"], row["SUBJID"], row["ARM"], row["TRT01P"]) == (
            "RELUTH", source["subject_id"], source["arm"], source["arm"])
        assert row["RANDDT"] == source["randomization_date"]
        assert (row["STRAT1R"], row["STRAT2R"]) == (source["dc_duration"],
                                                    source["progression_type"])  # fmt: skip
        assert (row["DTHDT"], row["DTHFL"]) == (
            source["death_date"], "Y" if source["death_date"] else "")
        assert row["ITTFL"] == "Y"
    assert {(r["ARM"], r["ARMCD"]) for r in adsl} == {
        ("SURVEILLANCE", "SURVEILLANCE"), ("177Lu-PRRT", "177LU_PRRT")}
    assert sum(r["DTHFL"] == "Y" for r in adsl) == 4


def test_per_protocol_flag_is_the_report_s(adsl: list[Row]) -> None:
    """The report's reference output (before eligibility and deviations existed) judged on
    tumour data alone; the per-protocol set is that minus the subjects the file flags."""
    flagged = {s["subject_id"] for s in read(RELUTH / "subjects.csv")
               if s["eligible"] == "N" or s["major_protocol_deviation"]}  # fmt: skip
    expected = {r["subject_id"]: "N" if r["subject_id"] in flagged else r["per_protocol_flag"]
                for r in read(EXPECTED)}  # fmt: skip
    assert {r["USUBJID"]: r["PPROTFL"] for r in adsl} == expected
    reasons = {r["USUBJID"]: r["PPROTRS"] for r in adsl if r["PPROTFL"] == "N"}
    assert reasons == {
        "RLT-024": "major protocol deviation: wrong dose",
        "RLT-028": "major protocol deviation: wrong dose",
        "RLT-029": "major protocol deviation: PRRT given in the surveillance arm",
        "RLT-036": "not eligible; major protocol deviation: second PRRT cycle not given",
        "RLT-037": "not eligible",
    }
    assert all(r["PPROTRS"] == "" for r in adsl if r["PPROTFL"] == "Y")


def test_tumour_data_reasons(tmp_path: Path) -> None:
    measurements, subjects = tmp_path / "m.csv", tmp_path / "s.csv"
    measurements.write_text(
        "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
        "S1,BASELINE,2024-01-10,T01,TARGET,liver,30\nS1,M2,2024-03-10,T01,TARGET,,28\n"
    )
    subjects.write_text("subject_id,randomization_date,arm,armcd\nS1,2024-01-08,A,ARMA\n"
                        "S2,2024-01-09,B,ARMB\n")  # fmt: skip
    out = tmp_path / "adsl.csv"
    assert main(["export", "adsl", str(measurements), "--subjects", str(subjects),
                 "--study-id", "ST", "-o", str(out)]) == 0  # fmt: skip
    got = {r["USUBJID"]: (r["ARMCD"], r["PPROTFL"], r["PPROTRS"]) for r in read(out)}
    few = ("fewer than 2 adequate post-baseline evaluations (not NE), no progression "
           "documented")  # fmt: skip
    assert got == {
        "S1": ("ARMA", "N", few),
        "S2": ("ARMB", "N", f"no baseline tumour assessment; {few}"),
    }
    assert main(["export", "adsl", str(measurements), "--subjects", str(subjects),
                 "--study-id", "ST", "-o", str(out), "--pp-evaluations", "1"]) == 0  # fmt: skip
    assert [r["PPROTFL"] for r in read(out)] == ["Y", "N"]


def test_adtte_adsl_sources_point_at_adsl_variables(adsl: list[Row], tmp_path: Path) -> None:
    adtte = export("adtte", tmp_path / "adtte.csv")
    by_id = {r["USUBJID"]: r for r in adsl}
    from_adsl = [r for r in adtte if r["SRCDOM"] == "ADSL"]
    assert "DTHDT" in {r["SRCVAR"] for r in from_adsl} <= {"DTHDT", "RANDDT"}
    for row in from_adsl:
        assert by_id[row["USUBJID"]][row["SRCVAR"]] == row["ADT"]


def test_sas_transport(adsl: list[Row], tmp_path: Path) -> None:
    import pyreadstat

    export("adsl", tmp_path / "adsl.xpt", "--strata", "dc_duration", "progression_type")
    data, meta = pyreadstat.read_xport(str(tmp_path / "adsl.xpt"), output_format="dict")
    assert meta.table_name == "ADSL" and list(data) == list(adsl[0])
    assert meta.column_names_to_labels["STRAT1R"] == "Randomized Stratum 1: dc_duration"
    dates = [v.isoformat() if isinstance(v, dt.date) else "" for v in data["DTHDT"]]
    assert dates == [r["DTHDT"] for r in adsl]
    assert list(data["PPROTRS"]) == [r["PPROTRS"] for r in adsl]


def test_missing_subjects_or_arm_is_an_error_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "adsl.csv"
    out.write_text("kept\n")
    with pytest.raises(SystemExit) as stop:
        main(["export", "adsl", str(RELUTH / "measurements.csv"), "-o", str(out)])
    assert stop.value.code == 2 and "adsl needs --subjects" in capsys.readouterr().err
    subjects = tmp_path / "s.csv"
    subjects.write_text("subject_id,randomization_date\nRLT-001,2021-10-05\n")
    assert main(["export", "adsl", str(RELUTH / "measurements.csv"), "--subjects",
                 str(subjects), "--study-id", "S", "-o", str(out)]) == 2  # fmt: skip
    assert f"{subjects}:1: arm: no column 'arm'" in capsys.readouterr().err
    assert out.read_text() == "kept\n"


def test_arm_codes_must_name_one_arm_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements, subjects = tmp_path / "m.csv", tmp_path / "s.csv"
    measurements.write_text(
        "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
        "S1,BASELINE,2024-01-10,T01,TARGET,liver,30\n"
    )
    subjects.write_text("subject_id,randomization_date,arm\nS1,2024-01-08,Arm A\n"
                        "S2,2024-01-09,ARM-A\n")  # fmt: skip
    assert main(["export", "adsl", str(measurements), "--subjects", str(subjects),
                 "--study-id", "ST"]) == 2  # fmt: skip
    assert (f"{subjects}:3: armcd: ARMCD 'ARM_A' names the arms 'Arm A' and 'ARM-A' "
            "(subject 'S2')") in capsys.readouterr().err  # fmt: skip


@pytest.mark.parametrize("kind", ["adrs", "adtte"])
def test_adrs_and_adtte_carry_adsl_s_trt01p(adsl: list[Row], tmp_path: Path, kind: str) -> None:
    rows = export(kind, tmp_path / f"{kind}.csv")
    assert list(rows[0])[:3] == ["STUDYID", "USUBJID", "TRT01P"]
    planned = {r["USUBJID"]: r["TRT01P"] for r in adsl}
    assert all(r["TRT01P"] == planned[r["USUBJID"]] for r in rows)
    assert {r["TRT01P"] for r in rows} == {"SURVEILLANCE", "177Lu-PRRT"}


def test_no_trt01p_without_an_arm_column(tmp_path: Path) -> None:
    measurements, subjects = tmp_path / "m.csv", tmp_path / "s.csv"
    measurements.write_text(
        "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
        "S1,BASELINE,2024-01-10,T01,TARGET,liver,30\nS1,M2,2024-03-10,T01,TARGET,,28\n"
    )
    subjects.write_text("subject_id,randomization_date\nS1,2024-01-08\n")
    out = tmp_path / "adtte.csv"
    assert main(["export", "adtte", str(measurements), "--subjects", str(subjects),
                 "--study-id", "ST", "-o", str(out)]) == 0  # fmt: skip
    assert "TRT01P" not in read(out)[0]
