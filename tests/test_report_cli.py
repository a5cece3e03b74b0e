"""``recist report`` end to end: the example ReLUTH trial gives a self-contained HTML report and
its CSV tables; bad input exits 2 naming file, line and column, and writes nothing."""

from __future__ import annotations

import base64
import csv
import re
from pathlib import Path

import pytest
from test_report_populations import write_trial

from recist.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "reluth"
STRATA = ["dc_duration", "progression_type", "gfr", "intercurrent_line"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FILES = {
    "report.html",
    "dcr.csv",
    "orr.csv",
    "comparisons.csv",
    "best_overall_response.csv",
    "survival.csv",
    "number_at_risk.csv",
    "log_rank.csv",
    "subjects.csv",
    "per_protocol_exclusions.csv",
    "per_protocol_excluded_subjects.csv",
    "km_rpfs.png",
    "km_pfs.png",
    "waterfall.png",
    "spider.png",
    "swimmer.png",
    "primary_test.csv",
    "dcr_sensitivity.csv",
    "rpfs_sensitivity.csv",
    "flow.csv",
    "forest.csv",
    "forest.png",
}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    argv = [
        "report",
        str(EXAMPLE / "measurements.csv"),
        "--subjects",
        str(EXAMPLE / "subjects.csv"),
        "--strata",
        *STRATA,
        "-o",
        str(out),
    ]
    assert main(argv) == 0
    return out


def test_example_report_writes_every_file(example_report: Path) -> None:
    assert {p.name for p in example_report.iterdir()} == FILES
    for name in FILES:
        if name.endswith(".png"):
            assert (example_report / name).read_bytes().startswith(PNG_MAGIC)


def test_html_is_self_contained_with_every_figure_embedded(example_report: Path) -> None:
    page = (example_report / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](https?:|//|file:)""", page)
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 6
    embedded = {base64.b64decode(data) for data in images}
    assert embedded == {(example_report / f).read_bytes() for f in FILES if f.endswith(".png")}
    for heading in ("Disease control rate", "Best overall response", "rPFS and PFS", "Methods"):
        assert heading in page
    assert "177Lu-PRRT" in page and "SURVEILLANCE" in page


def test_dcr_table_agrees_with_recist_endpoints(example_report: Path, tmp_path: Path) -> None:
    """The per-arm DCR counts equal the ``dcr_6m`` column of ``recist endpoints``."""
    endpoints = tmp_path / "endpoints.csv"
    argv = [
        "endpoints",
        str(EXAMPLE / "measurements.csv"),
        "--subjects",
        str(EXAMPLE / "subjects.csv"),
        "-o",
        str(endpoints),
    ]
    assert main(argv) == 0
    arms = {r["subject_id"]: r["arm"] for r in read(EXAMPLE / "subjects.csv")}
    expected: dict[str, list[int]] = {}
    for row in read(endpoints):
        counts = expected.setdefault(arms[row["subject_id"]], [0, 0])
        counts[0] += 1
        counts[1] += row["dcr_6m"] == "Y"
    dcr = {
        r["arm"]: [int(r["n"]), int(r["count"])]
        for r in read(example_report / "dcr.csv")
        if r["population"] == "ITT"
    }
    assert dcr == expected


def test_stratified_test_uses_every_stratum_column(example_report: Path) -> None:
    tests = read(example_report / "log_rank.csv")
    stratified = [r for r in tests if r["test"].startswith("stratified")]
    assert len(stratified) == 4  # 2 populations x rPFS, PFS
    assert all(r["factors"] == " x ".join(STRATA) for r in stratified)
    subjects = read(EXAMPLE / "subjects.csv")
    cells = {tuple(s[c] for c in STRATA) for s in subjects}
    assert all(r["strata"] == str(len(cells)) for r in stratified)
    assert all(0 <= float(r["p_value"]) <= 1 for r in tests)


def test_number_at_risk_starts_with_every_subject(example_report: Path) -> None:
    for row in read(example_report / "number_at_risk.csv"):
        if row["population"] == "ITT":
            assert row["month 0"] == "20"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(argv)
    return status, capsys.readouterr().err


def test_missing_strata_column_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    measurements, subjects = write_trial(tmp_path)
    out = tmp_path / "out"
    status, err = run(
        [
            "report",
            str(measurements),
            "--subjects",
            str(subjects),
            "--strata",
            "ecog",
            "-o",
            str(out),
        ],
        capsys,
    )
    assert status == 2
    assert f"{subjects}:1: ecog: no column 'ecog' (--strata)" in err
    assert not out.exists()


def test_subject_without_arm_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements, subjects = write_trial(tmp_path)
    subjects.write_text(
        subjects.read_text(encoding="utf-8").replace("A3,2024-01-10,,,A,", "A3,2024-01-10,,,,"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    status, err = run(
        ["report", str(measurements), "--subjects", str(subjects), "-o", str(out)], capsys
    )
    assert status == 2
    assert f"{subjects}:4: arm: subject 'A3' has no arm; fill it in" in err
    assert not out.exists()


def test_measured_subject_missing_from_subjects_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements, subjects = write_trial(tmp_path)
    lines = subjects.read_text(encoding="utf-8").splitlines()
    subjects.write_text("\n".join(line for line in lines if not line.startswith("B1")) + "\n")
    status, err = run(
        ["report", str(measurements), "--subjects", str(subjects), "-o", str(tmp_path / "o")],
        capsys,
    )
    assert status == 2
    assert re.search(
        rf"{re.escape(str(measurements))}:\d+: subject_id: subject 'B1' is not in", err
    )


def test_several_readers_need_reader_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements, subjects = write_trial(tmp_path)
    rows = measurements.read_text(encoding="utf-8").splitlines()
    doubled = [rows[0].replace("subject_id,", "subject_id,reader,")]
    for reader in ("R1", "R2"):
        doubled += [line.replace(",", f",{reader},", 1) for line in rows[1:]]
    measurements.write_text("\n".join(doubled) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["report", str(measurements), "--subjects", str(subjects), "-o", str(out)]
    status, err = run(argv, capsys)
    assert status == 2
    assert "subject 'A1' has reads by R1, R2" in err and "--reader" in err
    assert main([*argv, "--reader", "R2"]) == 0
    assert (out / "report.html").exists()


def test_unknown_arm_in_arms_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    measurements, subjects = write_trial(tmp_path)
    argv = ["report", str(measurements), "--subjects", str(subjects), "-o", str(tmp_path / "o")]
    status, err = run([*argv, "--arms", "A", "C"], capsys)
    assert status == 2 and "the arms are: A, B" in err
