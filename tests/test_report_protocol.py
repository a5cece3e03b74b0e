"""Per-protocol exclusions from the subjects file's optional ``eligible`` and
``major_protocol_deviation`` columns (ICH E9 section 5.2.2), on the hand-made trial of
``test_report_populations`` (its docstring has each subject's course):

| subject | tumour data | per-protocol without the new columns |
|---|---|---|
| A1, B1 | >= 3 adequate evaluations | yes |
| A2 | progression at the first evaluation | yes (never excluded for outcome) |
| A3 | baseline only | no: fewer than 2 evaluations |
| B2 | one evaluation, then death | no: fewer than 2 evaluations |
| B3 | never scanned | no: no baseline and fewer than 2 evaluations |
| B4 | NE, then 2 evaluations | yes |
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_report_populations import SUBJECTS, write_trial

from recist.cli import main
from recist.io.table import InvalidInput
from recist.report.analysis import Analysis, analyse_trial
from recist.report.inputs import load_trial
from recist.report.populations import AnalysisSubject, is_per_protocol
from recist.report.protocol import Exclusion, ExclusionKind
from recist.report.render import render_report

NOT_ELIGIBLE = Exclusion(ExclusionKind.NOT_ELIGIBLE)
NO_BASELINE = Exclusion(ExclusionKind.NO_BASELINE)
FEW = Exclusion(ExclusionKind.FEW_EVALUATIONS)


def deviation(text: str) -> Exclusion:
    return Exclusion(ExclusionKind.MAJOR_DEVIATION, text)


def with_columns(flags: dict[str, tuple[str, str]], rows: list[str] | None = None) -> str:
    """``SUBJECTS`` with ``eligible`` and ``major_protocol_deviation`` (empty unless flagged)."""
    header, *lines = SUBJECTS.splitlines()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*header.split(","), "Eligible ", " MAJOR_PROTOCOL_DEVIATION"])
    for line in rows if rows is not None else lines:
        subject_id = line.split(",")[0]
        writer.writerow([*line.split(","), *flags.get(subject_id, ("", ""))])
    return out.getvalue()


def load(
    tmp_path: Path, flags: dict[str, tuple[str, str]], min_evaluations: int = 2
) -> dict[str, AnalysisSubject]:
    measurements, subjects = write_trial(tmp_path)
    subjects.write_text(with_columns(flags), encoding="utf-8")
    trial = load_trial(measurements, subjects, min_evaluations=min_evaluations)
    return {s.subject_id: s for s in trial}


@pytest.mark.parametrize(
    ("subject", "eligible", "text", "expected"),
    [
        ("A1", "", "", ()),
        ("A1", "Y", "", ()),
        ("A1", "yes", "", ()),
        ("A1", "TRUE", "", ()),
        ("A1", "1", "", ()),
        ("A1", "N", "", (NOT_ELIGIBLE,)),
        ("A1", "no", "", (NOT_ELIGIBLE,)),
        ("A1", "0", "", (NOT_ELIGIBLE,)),
        ("A1", "", "wrong dose", (deviation("wrong dose"),)),
        ("A1", "n", "  wrong \t dose ", (NOT_ELIGIBLE, deviation("wrong dose"))),
        ("A2", "", "", ()),  # progression at the first evaluation keeps the subject
        ("A2", "N", "", (NOT_ELIGIBLE,)),
        ("A2", "Y", "second cycle not given", (deviation("second cycle not given"),)),
        ("A3", "", "", (FEW,)),
        ("A3", "Y", "wrong dose", (deviation("wrong dose"), FEW)),
        ("B2", "", "", (FEW,)),  # death is not an evaluation
        ("B3", "", "", (NO_BASELINE, FEW)),
        ("B3", "N", "wrong arm", (NOT_ELIGIBLE, deviation("wrong arm"), NO_BASELINE, FEW)),
        ("B4", "", "", ()),
        ("B4", "Y", 'Dose, "reduced"', (deviation('Dose, "reduced"'),)),
    ],
)
def test_exclusion_rules(
    tmp_path: Path, subject: str, eligible: str, text: str, expected: tuple[Exclusion, ...]
) -> None:
    trial = load(tmp_path, {subject: (eligible, text)})
    analysed = trial[subject]
    assert analysed.exclusions == expected
    assert analysed.per_protocol is (not expected)
    tumour_reasons = {NO_BASELINE, FEW} & set(expected)
    assert is_per_protocol(analysed.assessment, analysed.endpoints) is (not tumour_reasons)
    others = {s.subject_id: s.per_protocol for s in trial.values() if s.subject_id != subject}
    (tmp_path / "plain").mkdir()
    unflagged = load(tmp_path / "plain", {})
    assert others == {k: unflagged[k].per_protocol for k in others}


def test_evaluations_needed_is_the_pp_evaluations_parameter(tmp_path: Path) -> None:
    trial = load(tmp_path, {}, min_evaluations=3)
    assert trial["B4"].exclusions == (FEW,)  # 2 adequate evaluations
    assert trial["A1"].exclusions == ()


#: A1: not eligible + wrong dose; A3: wrong dose + baseline only; B1: another deviation;
#: B3: not eligible + never scanned; B2 (death after one evaluation) unflagged.
FLAGS = {
    "A1": ("N", "wrong dose"),
    "A3": ("Y", "wrong dose"),
    "B1": ("", "second cycle not given"),
    "B3": ("N", ""),
}
EXCLUDED = "excluded from per-protocol (each subject once)"
DEVIATION = "major protocol deviation"
EVALUATIONS = "fewer than 2 adequate post-baseline evaluations (not NE), no progression documented"


@pytest.fixture(scope="module")
def flagged(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    directory = tmp_path_factory.mktemp("flagged")
    measurements, subjects = write_trial(directory)
    subjects.write_text(with_columns(FLAGS), encoding="utf-8")
    return analyse_trial(load_trial(measurements, subjects))


def test_reasons_table_counts_each_reason_and_each_subject_once(flagged: Analysis) -> None:
    table = flagged.table("per_protocol_exclusions.csv")
    assert table.columns == (
        "reason",
        "major_protocol_deviation",
        "A n",
        "A %",
        "B n",
        "B %",
        "all arms n",
        "all arms %",
    )
    assert table.rows == (
        ("randomized (ITT)", "", "3", "100.0", "4", "100.0", "7", "100.0"),
        (EXCLUDED, "", "2", "66.7", "3", "75.0", "5", "71.4"),
        ("not eligible", "", "1", "33.3", "1", "25.0", "2", "28.6"),
        ("major protocol deviation", "", "2", "66.7", "1", "25.0", "3", "42.9"),
        ("major protocol deviation", "wrong dose", "2", "66.7", "0", "0.0", "2", "28.6"),
        (DEVIATION, "second cycle not given", "0", "0.0", "1", "25.0", "1", "14.3"),
        ("no baseline tumour assessment", "", "0", "0.0", "1", "25.0", "1", "14.3"),
        (EVALUATIONS, "", "1", "33.3", "2", "50.0", "3", "42.9"),
        ("per-protocol", "", "1", "33.3", "1", "25.0", "2", "28.6"),
    )  # fmt: skip


def test_listing_names_every_excluded_subject_with_its_reasons(flagged: Analysis) -> None:
    table = flagged.table("per_protocol_excluded_subjects.csv")
    assert [row[0] for row in table.rows] == ["A1", "A3", "B1", "B2", "B3"]
    by_id = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    assert by_id["A1"]["reasons"] == "not eligible; major protocol deviation"
    assert by_id["A1"]["major_protocol_deviation"] == "wrong dose"
    assert by_id["B3"]["reasons"] == f"not eligible; no baseline tumour assessment; {EVALUATIONS}"
    assert (by_id["B3"]["eligible"], by_id["B3"]["baseline_assessment"]) == ("N", "N")
    assert by_id["B2"]["adequate_evaluations"] == "1"


def test_per_protocol_analysis_drops_the_flagged_subjects(flagged: Analysis) -> None:
    itt, per_protocol = flagged.populations
    assert [s.subject_id for s in per_protocol.subjects] == ["A2", "B4"]
    assert len(itt.subjects) == 7
    dcr = {
        (r[0], r[1]): (r[2], r[3]) for r in flagged.table("dcr.csv").rows
    }  # (population, arm): (n, count)
    assert dcr[("Per-protocol", "A")] == ("1", "0")  # A2 progressed
    assert dcr[("Per-protocol", "B")] == ("1", "1")
    assert dcr[("ITT", "A")] == ("3", "1") and dcr[("ITT", "B")] == ("4", "2")
    table = flagged.table("subjects.csv")
    column = table.columns.index("per_protocol_flag")
    flags = {r[0]: r[column] for r in table.rows}
    assert flags == {"A1": "N", "A2": "Y", "A3": "N", "B1": "N", "B2": "N", "B3": "N", "B4": "Y"}


def test_html_shows_the_reasons_as_a_flow(tmp_path: Path) -> None:
    flags = {**FLAGS, "B1": ("", "dose <b>reduced</b> & delayed")}
    measurements, subjects = write_trial(tmp_path)
    subjects.write_text(with_columns(flags), encoding="utf-8")
    page = render_report(analyse_trial(load_trial(measurements, subjects)), title="t")
    html = page["report.html"].decode("utf-8")
    section = html[html.index("<h2>Analysis populations</h2>") : html.index("<h2>Disease")]
    assert '<th colspan="2" class="num">A</th><th colspan="2" class="num">B</th>' in section
    assert '<td class="level0">Excluded from per-protocol (each subject once)</td>' in section
    assert '<td class="level1">Not eligible</td>' in section
    assert "\u201cdose &lt;b&gt;reduced&lt;/b&gt; &amp; delayed\u201d" in section
    assert "<b>reduced" not in section
    assert "(file: per_protocol_exclusions.csv)" in section
    rows = list(csv.reader(io.StringIO(page["per_protocol_exclusions.csv"].decode("utf-8"))))
    assert rows[6][:2] == [DEVIATION, "dose <b>reduced</b> & delayed"]


def test_absent_columns_are_said_to_be_not_recorded(tmp_path: Path) -> None:
    measurements, subjects = write_trial(tmp_path)
    reasons = [r[0] for r in analyse_trial(load_trial(measurements, subjects)).table(
        "per_protocol_exclusions.csv"
    ).rows]  # fmt: skip
    assert "not eligible (not recorded: no 'eligible' column in the subjects file)" in reasons
    assert (
        "major protocol deviation (not recorded: no 'major_protocol_deviation' column in the "
        "subjects file)"
    ) in reasons


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "eligible",
            "maybe",
            "eligible: 'maybe' is not Y or N (subject 'A2'); write Y if the subject met every "
            "entry criterion, N if not (empty also means eligible)",
        ),
        ("eligible", "Y?", "eligible: 'Y?' is not Y or N (subject 'A2')"),
        *(
            (
                "major_protocol_deviation",
                answer,
                f"major_protocol_deviation: '{answer}' is not a description (subject 'A2'); "
                "leave it empty when there is no major protocol deviation, else describe it "
                "(e.g. 'wrong dose')",
            )
            for answer in ("N", "no", "Y", "None", "n/a", "0")
        ),
    ],
)
def test_invalid_values_exit_2_naming_file_line_column_and_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, value: str, message: str
) -> None:
    measurements, subjects = write_trial(tmp_path)
    flag = (value, "") if column == "eligible" else ("", value)
    subjects.write_text(with_columns({"A2": flag}), encoding="utf-8")
    out = tmp_path / "out"
    argv = ["report", str(measurements), "--subjects", str(subjects), "-o", str(out)]
    assert main(argv) == 2
    assert f"{subjects}:3: {message}" in capsys.readouterr().err  # A2 is on line 3
    assert not out.exists()


def test_every_invalid_value_is_named_and_earlier_output_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements, subjects = write_trial(tmp_path)
    out = tmp_path / "out"
    argv = ["report", str(measurements), "--subjects", str(subjects), "-o", str(out)]
    assert main(argv) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    subjects.write_text(with_columns({"A1": ("maybe", ""), "B4": ("Y", "no")}), encoding="utf-8")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{subjects}:2: eligible: 'maybe'" in err
    assert f"{subjects}:8: major_protocol_deviation: 'no'" in err
    with pytest.raises(InvalidInput) as raised:
        load_trial(measurements, subjects)
    assert [(p.line, p.column) for p in raised.value.problems] == [
        (2, "eligible"),
        (8, "major_protocol_deviation"),
    ]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


ROW_ORDER_FLAGS = {**FLAGS, "B2": ("", "wrong dose"), "B4": ("Y", "Wrong dose")}


@pytest.fixture(scope="module")
def reference_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    measurements, subjects = write_trial(tmp_path_factory.mktemp("order"))
    subjects.write_text(with_columns(ROW_ORDER_FLAGS), encoding="utf-8")
    trial = load_trial(measurements, subjects, strata_columns=["site"])
    analysis = analyse_trial(trial, strata_columns=["site"])
    return render_report(analysis, title="row order")


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(order=st.permutations(SUBJECTS.splitlines()[1:]))
def test_row_order_of_the_subjects_file_changes_no_output(
    tmp_path: Path, reference_files: dict[str, bytes], order: list[str]
) -> None:
    measurements, subjects = write_trial(tmp_path)
    subjects.write_text(with_columns(ROW_ORDER_FLAGS, order), encoding="utf-8")
    trial = load_trial(measurements, subjects, strata_columns=["site"])
    analysis = analyse_trial(trial, strata_columns=["site"])
    files = render_report(analysis, title="row order")
    assert files.keys() == reference_files.keys()
    assert [name for name in files if files[name] != reference_files[name]] == []
