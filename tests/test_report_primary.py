"""The pre-specified primary test (CMH stratified by the randomization factors), its sensitivity
test, the sample size and the protocol settings file.

Published example: Mantel's penicillin-and-rabbits data (R, ``stats::mantelhaen.test``
documentation, ``Rabbits``): Mantel-Haenszel X-squared = 3.9286 (continuity-corrected), p =
0.04747, common odds ratio 7 with 95 % CI 1.026713-47.725133."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import StratifiedTable  # type: ignore[import-untyped]

from recist.cli import main
from recist.report.analysis import Analysis, analyse_trial
from recist.report.inputs import load_trial
from recist.report.primary import cmh_test, sample_size
from recist.report.settings import ProtocolSettings

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "reluth"
STRATA = ["dc_duration", "progression_type", "gfr", "intercurrent_line"]
#: Rabbits: per penicillin level, (cured, died) with no delay, then (cured, died) delayed.
RABBITS = [(0, 6, 0, 5), (3, 3, 0, 6), (6, 0, 2, 4), (5, 1, 6, 0), (2, 0, 5, 0)]


def cmh_by_hand(tables: list[tuple[int, int, int, int]], correction: bool = False) -> float:
    """Mantel-Haenszel chi-square: (|sum a - E a| - c)^2 / sum Var a, hypergeometric moments."""
    observed = expected = variance = 0.0
    for a, b, c, d in tables:
        n = a + b + c + d
        if n < 2:
            continue
        observed += a
        expected += (a + b) * (a + c) / n
        variance += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))
    return (abs(observed - expected) - (0.5 if correction else 0.0)) ** 2 / variance


def chi2_1df_p(statistic: float) -> float:
    return math.erfc(math.sqrt(statistic / 2))


def test_cmh_reproduces_the_published_rabbits_example() -> None:
    assert cmh_by_hand(RABBITS, correction=True) == pytest.approx(3.9286, abs=5e-5)
    assert chi2_1df_p(cmh_by_hand(RABBITS, correction=True)) == pytest.approx(0.04747, abs=5e-6)
    result = cmh_test(RABBITS)
    assert result.statistic == pytest.approx(cmh_by_hand(RABBITS), rel=1e-12)
    assert result.p_value == pytest.approx(chi2_1df_p(cmh_by_hand(RABBITS)), rel=1e-9)
    assert result.odds_ratio == pytest.approx(7.0)
    assert result.lower == pytest.approx(1.026713, abs=5e-7)
    assert result.upper == pytest.approx(47.725133, abs=5e-6)
    assert (result.strata_used, result.strata_total, result.note) == (5, 5, "")


cells = st.integers(min_value=0, max_value=12)


@given(st.lists(st.tuples(cells, cells, cells, cells), min_size=1, max_size=6))
def test_cmh_agrees_with_statsmodels_and_the_formula(
    tables: list[tuple[int, int, int, int]],
) -> None:
    result = cmh_test(tables)
    both_arms = [t for t in tables if t[0] + t[1] and t[2] + t[3]]
    informative = [t for t in both_arms if 0 < t[0] + t[2] < sum(t)]
    assert result.strata_used == len(both_arms)
    assert result.strata_total == len(tables)
    if not informative:
        assert result.statistic is None and result.p_value is None
        return
    reference = StratifiedTable([np.array([[a, b], [c, d]]) for a, b, c, d in both_arms])
    expected = reference.test_null_odds(correction=False)
    assert result.statistic == pytest.approx(float(expected.statistic), rel=1e-9)
    assert result.statistic == pytest.approx(cmh_by_hand(tables), rel=1e-9)
    assert result.p_value == pytest.approx(float(expected.pvalue), rel=1e-9, abs=1e-300)


def test_sample_size_is_73_per_arm_recomputed_with_the_standard_library() -> None:
    normal = NormalDist()
    p1, p2, alpha, power = 0.65, 0.85, 0.05, 0.80
    mean = (p1 + p2) / 2
    za, zb = normal.inv_cdf(1 - alpha / 2), normal.inv_cdf(power)
    needed = za * math.sqrt(2 * mean * (1 - mean)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    per_arm = math.ceil((needed / (p2 - p1)) ** 2)

    def power_with(n: int) -> float:
        spread = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
        return normal.cdf(
            ((p2 - p1) * math.sqrt(n) - za * math.sqrt(2 * mean * (1 - mean))) / spread
        )

    planned = sample_size(p1, p2, alpha, power)
    assert (planned.per_arm, planned.total) == (per_arm, 2 * per_arm) == (73, 146)
    assert power_with(72) < power <= power_with(73)
    assert planned.achieved_power == pytest.approx(power_with(73), rel=1e-9)
    assert sample_size(0.5, 0.5 + 0.2, 0.05, 0.9).per_arm > sample_size(0.5, 0.7, 0.05, 0.8).per_arm


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("primary") / "out"
    argv = ["report", str(EXAMPLE / "measurements.csv"), "--subjects"]
    argv += [str(EXAMPLE / "subjects.csv"), "--strata", *STRATA, "-o", str(out)]
    assert main(argv) == 0
    return out


def test_primary_cmh_recomputed_from_the_analysis_dataset(report: Path) -> None:
    subjects = rows(report / "subjects.csv")
    primary = {(r["population"], r["role"]): r for r in rows(report / "primary_test.csv")}
    for population, keep in (("ITT", lambda s: True), ("Per-protocol", lambda s: s == "Y")):
        kept = [s for s in subjects if keep(s["per_protocol_flag"])]
        strata: dict[tuple[str, ...], list[int]] = {}
        for s in kept:
            cell = strata.setdefault(tuple(s[c] for c in STRATA), [0, 0, 0, 0])
            offset = 0 if s["arm"] == "177Lu-PRRT" else 2
            cell[offset + (0 if s["dcr"] == "Y" else 1)] += 1
        tables = [(a, b, c, d) for a, b, c, d in strata.values()]
        row = primary[(population, "primary")]
        assert row["test"] == "CMH"
        assert float(row["statistic"]) == pytest.approx(cmh_by_hand(tables), rel=5e-4)
        assert float(row["p_value"]) == pytest.approx(chi2_1df_p(cmh_by_hand(tables)), rel=5e-4)
        used = sum(1 for t in tables if t[0] + t[1] and t[2] + t[3])
        assert row["strata_used"] == f"{used}/{len(tables)}"
        assert row["significant_at_0.05"] == ("yes" if float(row["p_value"]) < 0.05 else "no")
        assert primary[(population, "sensitivity")]["test"] in {"chi-square", "Fisher exact"}


def test_the_primary_test_is_the_pre_specified_one_whatever_the_p_values(report: Path) -> None:
    """In the example the unstratified test has the smaller p-value; CMH stays primary."""
    primary = {(r["population"], r["role"]): r for r in rows(report / "primary_test.csv")}
    itt_primary, itt_sensitivity = primary[("ITT", "primary")], primary[("ITT", "sensitivity")]
    assert float(itt_sensitivity["p_value"]) < float(itt_primary["p_value"])
    assert itt_primary["test"] == "CMH"


@pytest.fixture(scope="module")
def example_subjects() -> tuple[object, ...]:
    return load_trial(EXAMPLE / "measurements.csv", EXAMPLE / "subjects.csv", strata_columns=STRATA)


def roles(analysis: Analysis) -> dict[str, tuple[str, str]]:
    table = analysis.table("primary_test.csv")
    found = {}
    for row in table.rows:
        record = dict(zip(table.columns, row, strict=True))
        if record["population"] == "ITT":
            found[record["role"]] = (record["test"], record["p_value"])
    return found


def test_primary_test_chi_square_swaps_the_roles_and_keeps_the_figures(
    example_subjects: tuple[object, ...],
) -> None:
    trial = example_subjects
    default = roles(analyse_trial(trial, strata_columns=STRATA))  # type: ignore[arg-type]
    swapped = roles(
        analyse_trial(
            trial,  # type: ignore[arg-type]
            strata_columns=STRATA,
            settings=ProtocolSettings(primary_test="chi-square"),
        )
    )
    assert default["primary"] == swapped["sensitivity"]
    assert default["sensitivity"] == swapped["primary"]


def run_with(tmp_path: Path, settings: str) -> tuple[int, Path]:
    protocol = tmp_path / "protocol.toml"
    protocol.write_text(settings, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["report", str(EXAMPLE / "measurements.csv"), "--subjects"]
    argv += [str(EXAMPLE / "subjects.csv"), "--protocol", str(protocol), "-o", str(out)]
    return main(argv), out


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ('study_id = "X"\nalpha = 5\n', ":2: alpha: alpha = 5 is not valid"),
        ('primary_test = "wilcoxon"\n', ':1: primary_test: primary_test = "wilcoxon" is not'),
        ("power = 0.8\nsample = 3\n", ":2: sample: unknown setting 'sample'"),
        ("alpha = 0.05\nstudy_id = \n", ":2: --protocol: not valid TOML"),
        ("data_cutoff = 2024-13-01\n", ":1: --protocol: not valid TOML"),
        ("control_rate = 0.7\nexperimental_rate = 0.7\n", ":2: experimental_rate: "),
    ],
)
def test_bad_settings_exit_2_naming_file_line_key_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: str, expected: str
) -> None:
    status, out = run_with(tmp_path, settings)
    error = capsys.readouterr().err
    assert status == 2
    assert f"protocol.toml{expected}" in error
    assert "Traceback" not in error
    assert not out.exists()


def test_settings_reach_the_report(tmp_path: Path) -> None:
    settings = 'study_id = "RLT-2"\ndata_cutoff = 2024-08-31\ncontrol_rate = 0.5\n'
    status, out = run_with(tmp_path, settings + "experimental_rate = 0.7\n")
    assert status == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h1>RLT-2: RECIST 1.1 trial report, data cut-off 2024-08-31</h1>" in page
    expected = sample_size(0.5, 0.7, 0.05, 0.8)
    assert f"{expected.per_arm} per arm, {expected.total} in total" in page
    assert expected.per_arm == 93  # (1.96 * 0.6928 + 0.8416 * 0.6782)^2 / 0.2^2 = 92.998


def test_the_example_protocol_file_holds_the_defaults() -> None:
    from recist.report.settings import DEFAULT_SETTINGS, read_settings

    assert read_settings(EXAMPLE / "protocol.toml") == DEFAULT_SETTINGS


def test_a_missing_settings_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = [
        "report",
        str(EXAMPLE / "measurements.csv"),
        "--subjects",
        str(EXAMPLE / "subjects.csv"),
    ]
    status = main([*argv, "--protocol", str(tmp_path / "sap.toml"), "-o", str(out)])
    error = capsys.readouterr().err
    assert status == 2
    assert f"{tmp_path / 'sap.toml'}:0: --protocol: cannot read the file" in error
    assert not out.exists()


def test_data_after_the_cut_off_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latest = max(r["date"] for r in rows(EXAMPLE / "measurements.csv"))
    status, out = run_with(tmp_path, 'study_id = "X"\ndata_cutoff = 2024-06-30\n')
    error = capsys.readouterr().err
    assert status == 2
    assert "protocol.toml:2: data_cutoff: the data go beyond the cut-off 2024-06-30" in error
    assert f"has a date {latest}" in error
    assert not out.exists()
