"""Dates and timelines (contract "Errors", format 1.1): an ambiguous baseline, a BASELINE label
that is not the earliest timepoint, a death or new therapy before the reference date; and a
report whose statistics fail names the statistic instead of blaming the subjects file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_report_populations import write_trial

from recist.cli import main
from recist.model import SubjectInfo

HEADER = "subject_id,timepoint,date,lesion_id,category,location,is_node,long_axis_mm,state"
KEPT = b"previous output\nkept"


def run(tmp_path: Path, measurements: str, *more: str, command: str = "assess") -> int:
    path = tmp_path / "m.csv"
    path.write_text(measurements, encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_bytes(KEPT)
    return main([command, str(path), *more, "-o", str(out)])


@pytest.mark.parametrize("command", ["assess", "endpoints", "validate"])
def test_two_timepoints_on_the_earliest_date_are_an_ambiguous_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    text = (f"{HEADER}\nS1,BASELINE,2024-01-01,T1,TARGET,liver,N,30,\n"
            "S1,SCREENING,2024-01-01,T1,TARGET,liver,N,50,\n"
            "S1,M2,2024-03-01,T1,TARGET,,N,30,\n")  # fmt: skip
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_bytes(KEPT)
    argv = [command, str(path)] + (["-o", str(out)] if command != "validate" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert ("m.csv:3: date: timepoints 'BASELINE' and 'SCREENING' of subject 'S1' are both "
            "dated 2024-01-01, the subject's earliest date, so the baseline is ambiguous") in err
    assert out.read_bytes() == KEPT


def test_a_follow_up_row_on_the_baseline_date_makes_it_ambiguous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (f"{HEADER}\nS1,BASELINE,2024-01-01,T1,TARGET,liver,N,30,\n"
            "S1,M2,2024-03-01,T1,TARGET,,N,30,\nS1,M2,2024-01-01,NEW1,NEW,lung,N,,\n")  # fmt: skip
    assert run(tmp_path, text) == 2
    assert "m.csv:4: date: timepoints 'BASELINE' and 'M2'" in capsys.readouterr().err


@pytest.mark.parametrize("label", ["BASELINE", "baseline", " Baseline"])
def test_a_timepoint_labelled_baseline_must_be_the_earliest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str
) -> None:
    text = (f"{HEADER}\nS1,SCREEN,2023-12-01,T1,TARGET,liver,N,50,\n"
            f'S1,"{label}",2024-01-01,T1,TARGET,liver,N,30,\n'
            "S1,M2,2024-03-01,T1,TARGET,,N,30,\n")  # fmt: skip
    assert run(tmp_path, text) == 2
    err = capsys.readouterr().err
    assert (f"m.csv:3: timepoint: timepoint '{label.strip()}' of subject 'S1' is dated "
            "2024-01-01, after 'SCREEN' (2023-12-01, line 2)") in err


def test_distinct_dates_with_baseline_first_are_fine(tmp_path: Path) -> None:
    text = (f"{HEADER}\nS1,BASELINE,2024-01-01,T1,TARGET,liver,N,30,\n"
            "S1,M2,2024-03-01,T1,TARGET,,N,20,\n")  # fmt: skip
    assert run(tmp_path, text) == 0
    assert (tmp_path / "out.csv").read_text().splitlines()[2].endswith(",PR")


MEASUREMENTS = (f"{HEADER}\nS1,BASELINE,2024-01-05,T1,TARGET,liver,N,30,\n"
                "S1,M2,2024-03-01,T1,TARGET,,N,30,\n")  # fmt: skip


@pytest.mark.parametrize("column", ["death_date", "new_therapy_date"])
@pytest.mark.parametrize("command", ["endpoints", "export adtte", "export adrs"])
def test_death_or_new_therapy_before_randomization(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, command: str
) -> None:
    subjects = tmp_path / "subjects.csv"
    subjects.write_text(
        f"subject_id,randomization_date,{column}\nS0,2024-01-01,\nS1,2024-01-10,2024-01-09\n"
    )
    argv = [*command.split(), str(_measurements(tmp_path)), "--subjects", str(subjects)]
    assert main([*argv, "-o", str(tmp_path / "out.csv")]) == 2
    assert (f"subjects.csv:3: {column}: {column} 2024-01-09 of subject 'S1' is before the "
            "randomization_date 2024-01-10") in capsys.readouterr().err


def _measurements(tmp_path: Path) -> Path:
    path = tmp_path / "m.csv"
    path.write_text(MEASUREMENTS, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["endpoints", "export adtte"])
def test_death_before_baseline_without_randomization(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    subjects = tmp_path / "subjects.csv"
    subjects.write_text("subject_id,death_date\nS1,2024-01-04\n")
    out = tmp_path / "out.csv"
    out.write_bytes(KEPT)
    argv = [*command.split(), str(_measurements(tmp_path)), "--subjects", str(subjects)]
    assert main([*argv, "-o", str(out)]) == 2
    assert ("subjects.csv:2: death_date: death_date 2024-01-04 of subject 'S1' is before the "
            "baseline scan of 2024-01-05 (there is no randomization_date)"
            ) in capsys.readouterr().err  # fmt: skip
    assert out.read_bytes() == KEPT


def test_death_on_the_reference_date_is_day_1(tmp_path: Path) -> None:
    subjects = tmp_path / "subjects.csv"
    subjects.write_text("subject_id,death_date\nS1,2024-01-05\n")
    out = tmp_path / "out.csv"
    argv = ["endpoints", str(_measurements(tmp_path)), "--subjects", str(subjects)]
    assert main([*argv, "-o", str(out)]) == 0
    row = dict(zip(*(line.split(",") for line in out.read_text().splitlines()), strict=True))
    assert (row["rpfs_event"], row["rpfs_days"], row["rpfs_reason"]) == ("1", "1", "DEATH")


def test_report_refuses_a_death_before_randomization(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements, subjects = write_trial(tmp_path)
    text = subjects.read_text().replace("B2,2024-01-10,2024-04-19", "B2,2024-01-10,2023-12-31")
    subjects.write_text(text)
    argv = ["report", str(measurements), "--subjects", str(subjects), "-o", str(tmp_path / "o")]
    assert main(argv) == 2
    assert "subjects.csv:6: death_date: death_date 2023-12-31 of subject 'B2'" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "o").exists()


def test_report_statistics_failure_names_the_statistic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import recist.report.survival as survival

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValueError("the information matrix is singular")

    monkeypatch.setattr(survival, "hazard_ratio", refuse)
    measurements, subjects = write_trial(tmp_path)
    argv = ["report", str(measurements), "--subjects", str(subjects), "-o", str(tmp_path / "o")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert ("recist report: rPFS in the ITT population (Kaplan-Meier, log-rank, Cox) could not "
            "be computed (ValueError: the information matrix is singular)") in err
    assert ":0:" not in err and "arm:" not in err
    assert not (tmp_path / "o").exists()


def test_report_arms_option_error_names_the_arm_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements, subjects = write_trial(tmp_path)
    argv = ["report", str(measurements), "--subjects", str(subjects), "-o", str(tmp_path / "o")]
    assert main([*argv, "--arms", "A", "C"]) == 2
    assert "subjects.csv:1: arm: --arms A C does not list each arm once; the arms are: A, B" in (
        capsys.readouterr().err
    )


def test_subject_line_is_not_part_of_equality() -> None:
    first = SubjectInfo("S1", dt.date(2024, 1, 1), line=2)
    assert first == SubjectInfo("S1", dt.date(2024, 1, 1), line=9)
    assert first.line == 2


@pytest.mark.parametrize(("second", "message"), [
    ("S1,M2,2024-01-05,PD", "m.csv:3: date: timepoints 'BASELINE' and 'M2' of subject 'S1' are "
     "both dated 2024-01-05"),
    ("S1,BASELINE,2024-03-05,PD", "m.csv:3: timepoint: timepoint 'BASELINE' of subject 'S1' is "
     "dated 2024-03-05, after 'SCREEN' (2024-01-05, line 2)"),
])  # fmt: skip
def test_a_responses_file_has_the_same_timeline_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], second: str, message: str
) -> None:
    first = "SCREEN" if "BASELINE" in second else "BASELINE"
    text = f"subject_id,timepoint,date,overall_response\nS1,{first},2024-01-05,\n{second}\n"
    assert run(tmp_path, text, command="endpoints") == 2
    assert message in capsys.readouterr().err
    assert (tmp_path / "out.csv").read_bytes() == KEPT
