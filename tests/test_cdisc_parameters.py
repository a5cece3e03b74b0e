"""ADTTE parameter names: TTP for progression alone, RPFS for progression or death, PFS never
for an endpoint that censors deaths; the mapping is a setting (``--parameter``)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from recist.cdisc.parameters import DEFAULT_PARAMETERS, Parameter, parameters, parse_parameter
from recist.cli import main

MEASUREMENTS = (
    "subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
    "S1,BASELINE,2024-01-10,T01,TARGET,liver,30\nS1,M2,2024-03-10,T01,TARGET,,40\n"
    "S2,BASELINE,2024-01-12,T01,TARGET,lung,30\nS2,M2,2024-03-12,T01,TARGET,,30\n"
)
SUBJECTS = "subject_id,randomization_date,death_date\nS1,2024-01-08,\nS2,2024-01-09,2024-04-01\n"


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    measurements, subjects = tmp_path / "m.csv", tmp_path / "s.csv"
    measurements.write_text(MEASUREMENTS)
    subjects.write_text(SUBJECTS)
    return measurements, subjects


def adtte(inputs: tuple[Path, Path], out: Path, *more: str) -> list[dict[str, str]]:
    args = ["export", "adtte", str(inputs[0]), "--subjects", str(inputs[1]), "--study-id", "ST"]
    assert main([*args, "-o", str(out), *more]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_defaults_death_is_an_event_of_rpfs_and_censors_ttp(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    rows = adtte(inputs, tmp_path / "adtte.csv")
    got = {(r["USUBJID"], r["PARAMCD"]): (r["PARAM"], r["CNSR"], r["EVNTDESC"]) for r in rows}
    rpfs = "Radiological Progression-Free Survival (progression or death)"
    ttp = "Time to progression (the protocol's PFS: progression only)"
    assert got == {
        ("S1", "RPFS"): (rpfs, "0", "Disease Progression"),
        ("S1", "TTP"): (ttp, "0", "Disease Progression"),
        ("S2", "RPFS"): (rpfs, "0", "Death"),
        ("S2", "TTP"): (ttp, "1", "Last Tumor Assessment"),
        ("S1", "OS"): ("Overall Survival", "1", "Alive"),  # the subjects file records deaths
        ("S2", "OS"): ("Overall Survival", "0", "Death"),
    }  # no response: neither DOR nor TTR


def test_the_mapping_is_a_setting(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    rows = adtte(inputs, tmp_path / "adtte.csv", "--parameter", "pfs=RADTTP:Time to rad. PD",
                 "--parameter", "rpfs=PFS")  # fmt: skip
    assert {(r["PARAMCD"], r["PARAM"]) for r in rows} == {
        ("RADTTP", "Time to rad. PD"),
        ("PFS", DEFAULT_PARAMETERS["rpfs"].name),
        ("OS", "Overall Survival"),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pfs=PFS", "counts deaths as events"),
        ("pfs=TOOLONGCD", "at most 8 characters"),
        ("efs=EFS", "ENDPOINT one of rpfs, pfs, os, dor, ttr"),
        ("pfs", "ENDPOINT one of rpfs, pfs, os, dor, ttr"),
    ],
)
def test_bad_parameter_is_refused_and_nothing_written(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    text: str, message: str,
) -> None:  # fmt: skip
    out = tmp_path / "adtte.csv"
    out.write_text("kept\n")
    with pytest.raises(SystemExit) as stop:
        main(["export", "adtte", str(inputs[0]), "--study-id", "S", "-o", str(out),
              "--parameter", text])  # fmt: skip
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
    assert out.read_text() == "kept\n"
    with pytest.raises(ValueError, match=message):
        parse_parameter(text)


def test_two_endpoints_cannot_share_a_paramcd(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValueError, match="share a PARAMCD"):
        parameters({"pfs": Parameter("RPFS2", "x"), "rpfs": Parameter("RPFS2", "y")})
    with pytest.raises(SystemExit) as stop:
        main(["export", "adtte", str(inputs[0]), "--study-id", "S", "--parameter", "pfs=X",
              "--parameter", "rpfs=X"])  # fmt: skip
    assert stop.value.code == 2
    assert "share a PARAMCD" in capsys.readouterr().err
