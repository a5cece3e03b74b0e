"""The ``recist`` command line: outputs, columns, errors (contract "Output 1/2", "Errors")."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_builders import read_csv, row, write_measurements

from recist.cli import main
from recist.io.writers import ASSESS_COLUMNS, ENDPOINT_COLUMNS

HEADER = (
    "subject_id,timepoint,date,lesion_id,category,location,is_node,long_axis_mm,"
    "short_axis_mm,state"
)
GOOD = f"""{HEADER}
S2,BASELINE,2024-01-01,T1,TARGET,liver,N,40,,
S2,M2,2024-02-26,T1,TARGET,liver,N,20,,
S1,M2,2024-02-27,T1,TARGET,,N,30,,
S1,BASELINE,2024-01-02,T1,TARGET,liver,N,30,,
S1,BASELINE,2024-01-02,NT1,NON-TARGET,bone,N,,,
S1,M2,2024-02-27,NT1,NON-TARGET,,,,,PROGRESSION
"""


def write(tmp_path: Path, text: str, name: str = "m.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_assess_writes_contract_columns_in_subject_then_date_order(tmp_path: Path) -> None:
    out = tmp_path / "responses.csv"
    assert main(["assess", str(write(tmp_path, GOOD)), "-o", str(out)]) == 0
    rows = read_csv(out)
    assert list(rows[0]) == list(ASSESS_COLUMNS)
    assert [(r["subject_id"], r["timepoint"]) for r in rows] == [
        ("S1", "BASELINE"), ("S1", "M2"), ("S2", "BASELINE"), ("S2", "M2")]
    assert rows[0]["target_sum_mm"] == rows[0]["baseline_sum_mm"] == "30.0"
    assert rows[0]["overall_response"] == rows[0]["nadir_mm"] == ""
    assert (rows[1]["target_response"], rows[1]["non_target_response"],
            rows[1]["new_lesions"], rows[1]["overall_response"]) == ("SD", "PD", "N", "PD")
    assert (rows[3]["change_from_baseline_pct"], rows[3]["overall_response"]) == ("-50.00", "PR")


def test_assess_to_stdout_and_explain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(write(tmp_path, GOOD)), "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(",overall_response,reason")
    assert "unequivocal progression of NT1" in lines[2]


def test_reader_column_follows_subject_id(tmp_path: Path) -> None:
    rows = [row("BASELINE", 0, "T1", long=30, reader=r) for r in ("B", "A")]
    rows += [row("M2", 56, "T1", long=36, reader="A"), row("M2", 56, "T1", long=20, reader="B")]
    path = write_measurements(tmp_path / "m.csv", rows, reader=True)
    out = tmp_path / "o.csv"
    assert main(["assess", str(path), "-o", str(out)]) == 0
    result = read_csv(out)
    assert list(result[0])[:2] == ["subject_id", "reader"]
    assert [(r["reader"], r["overall_response"]) for r in result] == [
        ("A", ""), ("A", "PD"), ("B", ""), ("B", "PR")]
    ends = tmp_path / "e.csv"
    assert main(["endpoints", str(path), "-o", str(ends)]) == 0
    assert [(r["reader"], r["bor"]) for r in read_csv(ends)] == [("A", "PD"), ("B", "PR")]


def test_endpoints_columns_and_subjects_file(tmp_path: Path) -> None:
    subjects = write(tmp_path, "subject_id,randomization_date,death_date,arm\n"
                     "S1,2024-01-05,,A\nS2,2024-01-03,2024-03-01,B\nS3,2024-01-04,,B\n", "s.csv")
    out = tmp_path / "e.csv"
    assert main(["endpoints", str(write(tmp_path, GOOD)), "--subjects", str(subjects),
                 "-o", str(out)]) == 0
    rows = {r["subject_id"]: r for r in read_csv(out)}
    assert list(next(iter(rows.values()))) == list(ENDPOINT_COLUMNS)
    assert (rows["S1"]["bor"], rows["S1"]["rpfs_event"], rows["S1"]["rpfs_date"],
            rows["S1"]["rpfs_days"]) == ("PD", "1", "2024-02-27", "54")
    assert (rows["S2"]["rpfs_reason"], rows["S2"]["rpfs_days"]) == ("DEATH", "59")
    assert (rows["S2"]["pfs_event"], rows["S2"]["pfs_reason"]) == ("0", "NO_EVENT")
    # S3 was randomized but never assessed: kept (ITT), censored at randomization.
    assert (rows["S3"]["bor"], rows["S3"]["dcr_6m"], rows["S3"]["rpfs_days"]) == ("NE", "N", "1")


def test_endpoints_from_responses_equal_endpoints_from_measurements(tmp_path: Path) -> None:
    measurements = write(tmp_path, GOOD)
    responses, direct, via = tmp_path / "r.csv", tmp_path / "d.csv", tmp_path / "v.csv"
    assert main(["assess", str(measurements), "-o", str(responses)]) == 0
    assert main(["endpoints", str(measurements), "-o", str(direct)]) == 0
    assert main(["endpoints", str(responses), "-o", str(via)]) == 0
    assert direct.read_text() == via.read_text()


def test_endpoint_options_change_the_result(tmp_path: Path) -> None:
    text = (f"{HEADER}\nS1,BASELINE,2024-01-01,T1,TARGET,liver,N,30,,\n"
            "S1,M1,2024-02-01,T1,TARGET,,N,29,,\n")
    path, out = write(tmp_path, text), tmp_path / "e.csv"
    assert main(["endpoints", str(path), "-o", str(out)]) == 0
    assert read_csv(out)[0]["bor"] == "NE"  # SD on day 31 < 42
    assert main(["endpoints", str(path), "--sd-min-days", "28", "-o", str(out)]) == 0
    assert read_csv(out)[0]["bor"] == "SD"


INVALID = [
    ("missing column", "subject_id,timepoint,date,lesion_id\nS1,B,2024-01-01,T1\n",
     "m.csv:1: category: missing required column 'category'"),
    ("bad date", f"{HEADER}\nS1,B,2024-13-01,T1,TARGET,liver,N,30,,\n",
     "m.csv:2: date: '2024-13-01' is not a date"),
    ("missing value", f"{HEADER}\nS1,,2024-01-01,T1,TARGET,liver,N,30,,\n",
     "m.csv:2: timepoint: missing value"),
    ("unknown category", f"{HEADER}\nS1,B,2024-01-01,T1,MAYBE,liver,N,30,,\n",
     "m.csv:2: category: unknown category 'MAYBE'"),
    ("unknown state", f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,liver,N,30,,GONE\n",
     "m.csv:2: state: unknown state 'GONE'"),
    ("state not allowed", f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,liver,N,30,,PROGRESSION\n",
     "m.csv:2: state: state PROGRESSION is not allowed for a TARGET lesion"),
    ("negative diameter", f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,liver,N,-3,,\n",
     "m.csv:2: long_axis_mm: '-3' is negative"),
    ("non-numeric diameter", f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,liver,N,12;5,,\n",
     "m.csv:2: long_axis_mm: '12;5' is not a number"),
    ("present target without diameter", f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,liver,N,,,\n",
     "m.csv:2: long_axis_mm: target 'T1' is PRESENT but has no long_axis_mm"),
    ("nodal target without short axis",
     f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,lymph node,Y,30,,\n",
     "m.csv:2: short_axis_mm: nodal target (followed by its short axis) 'T1' is PRESENT"),
    ("duplicate row", f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,liver,N,30,,\n"
     "S1,B,2024-01-01,T1,TARGET,liver,N,31,,\n",
     "m.csv:3: lesion_id: lesion 'T1' is already recorded at timepoint 'B' on line 2"),
    ("category changes", f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,liver,N,30,,\n"
     "S1,M2,2024-03-01,T1,NON-TARGET,,N,,,\n",
     "m.csv:3: category: lesion 'T1' is NON-TARGET here but TARGET on line 2"),
    ("new lesion at baseline", f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,liver,N,30,,\n"
     "S1,B,2024-01-01,N1,NEW,lung,N,,,\n",
     "m.csv:3: category: lesion 'N1' is NEW at the baseline 'B'"),
    ("baseline without location", f"{HEADER}\nS1,B,2024-01-01,T1,TARGET,,N,30,,\n",
     "m.csv:2: location: baseline row of lesion 'T1' has no location"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in INVALID],
                         ids=[c[0] for c in INVALID])
@pytest.mark.parametrize("command", ["assess", "endpoints"])
def test_invalid_input_exits_2_names_the_place_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str, command: str
) -> None:
    path = write(tmp_path, text)
    out = tmp_path / "out.csv"
    out.write_bytes(b"previous content\r\n\x00kept")
    assert main([command, str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}/{message}" in err, err
    assert out.read_bytes() == b"previous content\r\n\x00kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv", "out.csv"]


def test_every_problem_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (f"{HEADER}\nS1,B,2024-13-01,T1,TARGET,liver,N,30,,\n"
            "S1,B,2024-01-01,T2,WHAT,liver,N,x,,\n")
    assert main(["assess", str(write(tmp_path, text))]) == 2
    err = capsys.readouterr().err
    assert ":2: date:" in err and ":3: category:" in err and ":3: long_axis_mm:" in err


def test_header_is_case_insensitive_with_bom_blanks_and_unknown_columns(tmp_path: Path) -> None:
    text = ("\ufeff Subject_ID ,TIMEPOINT,Date,Lesion_ID,Category,Location,comment,Long_Axis_MM\n"
            " S1 ,BASELINE,2024-01-01,T1,target,liver,anything,30\n"
            "S1,M2,2024-03-01,T1,Target,,x,15\n")
    out = tmp_path / "o.csv"
    assert main(["assess", str(write(tmp_path, text)), "-o", str(out)]) == 0
    assert read_csv(out)[1]["overall_response"] == "PR"


@pytest.mark.parametrize("spelling", ["NON-TARGET", "NON_TARGET", "NONTARGET", "non-target"])
def test_category_spellings(tmp_path: Path, spelling: str) -> None:
    text = (f"{HEADER}\nS1,B,2024-01-01,NT1,{spelling},bone,N,,,\n"
            f"S1,M2,2024-03-01,NT1,{spelling},,N,,,ABSENT\n")
    out = tmp_path / "o.csv"
    assert main(["assess", str(write(tmp_path, text)), "-o", str(out)]) == 0
    assert read_csv(out)[1]["overall_response"] == "CR"


def test_validate_reports_baseline_conformance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [row("BASELINE", 0, f"T{i}", long=20, location=loc, line=i + 1)
            for i, loc in enumerate(["liver", "liver segment 7", "left lung", "right lung",
                                     "lung", "bone"], start=1)]
    rows += [
        row("BASELINE", 0, "T7", long=9.9, location="pancreas"),
        row("BASELINE", 0, "T8", long=11, location="spleen", thickness="6"),
        row("BASELINE", 0, "L1", long=30, short=14.9, node=True, location="lymph node"),
        row("BASELINE", 0, "NT1", "NON-TARGET", state="ABSENT", location="bone"),
    ]
    path = write_measurements(tmp_path / "m.csv", rows)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "9 target lesions at baseline, at most 5" in out
    assert "3 target lesions in lung (T3, T4, T5), at most 2 per organ" in out
    assert "T7: target long axis 9.9 mm < 10.0 mm" in out
    assert "T8: target long axis 11.0 mm < 12.0 mm (2 x slice thickness 6.0 mm)" in out
    assert "L1: nodal target short axis 14.9 mm < 15 mm" in out
    assert "NT1: non-target lesion is ABSENT at baseline" in out
    assert "in liver" not in out  # two liver targets are allowed


def test_validate_clean_file_exits_0(tmp_path: Path) -> None:
    assert main(["validate", str(write(tmp_path, GOOD))]) == 0


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv:0: file: cannot be read" in capsys.readouterr().err
