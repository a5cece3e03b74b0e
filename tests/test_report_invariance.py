"""The optional per-protocol columns change nothing else.

``report_expected/`` holds what ``recist report`` writes for a subjects file without the
``eligible`` / ``major_protocol_deviation`` columns: the CSV tables and the HTML (images
stripped), for the example trial (``--strata`` as in the README) and for the hand-made trial of
``test_report_populations`` (``--strata site``). First written at commit ff3a35d, before those
columns existed; rewritten only by ``tests/report_expected/regenerate.py`` (``recist report``
itself) when the report's outputs change on purpose. A subjects file without the columns must
give those tables byte for byte; with them, ITT figures and the figures stay byte-identical and
per-protocol figures are those of the old per-protocol set minus the flagged subjects.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

import pytest
from test_report_populations import write_trial

from recist.cli import main
from recist.report.analysis import analyse_trial
from recist.report.inputs import load_trial
from recist.report.protocol import DEVIATION_COLUMN, ELIGIBLE_COLUMN
from recist.report.render import csv_bytes

EXPECTED = Path(__file__).resolve().parent / "report_expected"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "reluth"
STRATA = {
    "reluth": ["dc_duration", "progression_type", "gfr", "intercurrent_line"],
    "small": ["site"],
}
NEW_FILES = {"per_protocol_exclusions.csv", "per_protocol_excluded_subjects.csv"}
PNG_FILES = {
    "km_rpfs.png",
    "km_pfs.png",
    "waterfall.png",
    "spider.png",
    "swimmer.png",
    "forest.png",
}
#: Tables without a population column (the flow counts per-protocol subjects in its own row).
NO_POPULATION_COLUMN = {"flow.csv", "forest.csv"}
IMAGE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def without_new_columns(source: Path, target: Path) -> Path:
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    keep = [i for i, name in enumerate(rows[0]) if name not in (ELIGIBLE_COLUMN, DEVIATION_COLUMN)]
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([[r[i] for i in keep] for r in rows])
    return target


def inputs(case: str, directory: Path) -> tuple[Path, Path]:
    if case == "reluth":
        return EXAMPLE / "measurements.csv", EXAMPLE / "subjects.csv"
    return write_trial(directory)


def report(measurements: Path, subjects: Path, strata: list[str], out: Path) -> Path:
    argv = ["report", str(measurements), "--subjects", str(subjects), "--strata", *strata]
    assert main([*argv, "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module", params=["reluth", "small"])
def unflagged(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    case: str = request.param
    directory = tmp_path_factory.mktemp(case)
    measurements, subjects = inputs(case, directory)
    plain = without_new_columns(subjects, directory / "plain_subjects.csv")
    return case, report(measurements, plain, STRATA[case], directory / "out")


def test_without_the_new_columns_every_table_is_byte_identical_to_before(
    unflagged: tuple[str, Path],
) -> None:
    case, out = unflagged
    expected = EXPECTED / case
    tables = sorted(p.name for p in expected.glob("*.csv"))
    assert len(tables) == 13
    assert {p.name for p in out.iterdir()} == {*tables, *NEW_FILES, *PNG_FILES, "report.html"}
    assert [n for n in tables if (out / n).read_bytes() != (expected / n).read_bytes()] == []


def test_without_the_new_columns_the_html_keeps_every_table_and_the_summary(
    unflagged: tuple[str, Path],
) -> None:
    case, out = unflagged
    before = (EXPECTED / case / "report_without_images.html").read_text(encoding="utf-8")
    after = IMAGE.sub("data:image/png;base64,", (out / "report.html").read_text(encoding="utf-8"))
    blocks = re.findall(r"<table>.*?</table>", before) + re.findall(
        r'<div class="summary">.*?</div>', before
    )
    assert len(blocks) == 15 + 1  # every table (13 + the 2 per-protocol ones) and key results
    assert [b for b in blocks if b not in after] == []
    assert before.count("<figure>") == after.count("<figure>") == 6


def test_flags_leave_itt_and_figures_alone_and_drop_only_flagged_subjects(tmp_path: Path) -> None:
    """Example trial: its subjects file flags 5 subjects (eligible N or a major deviation)."""
    strata = STRATA["reluth"]
    measurements, subjects = inputs("reluth", tmp_path)
    flagged = report(measurements, subjects, strata, tmp_path / "flagged")
    plain_subjects = without_new_columns(subjects, tmp_path / "plain.csv")
    plain = report(measurements, plain_subjects, strata, tmp_path / "plain")
    for name in PNG_FILES:
        assert (flagged / name).read_bytes() == (plain / name).read_bytes(), name
    with subjects.open(encoding="utf-8", newline="") as handle:
        marked = {
            r["subject_id"]
            for r in csv.DictReader(handle)
            if r[ELIGIBLE_COLUMN] == "N" or r[DEVIATION_COLUMN]
        }
    assert len(marked) == 5
    # The old per-protocol set minus the flagged subjects, analysed by the same functions.
    old = load_trial(measurements, plain_subjects, strata_columns=strata)
    expected = analyse_trial(
        [
            dataclasses.replace(s, per_protocol=s.per_protocol and s.subject_id not in marked)
            for s in old
        ],
        strata_columns=strata,
    )
    for table in expected.tables:
        if table.filename not in NEW_FILES:
            assert (flagged / table.filename).read_bytes() == csv_bytes(table), table.filename
    for name in (EXPECTED / "reluth").glob("*.csv"):
        if name.name == "subjects.csv":
            continue
        if name.name in NO_POPULATION_COLUMN:
            if name.name == "forest.csv":  # ITT only
                assert (flagged / name.name).read_bytes() == name.read_bytes()
            continue
        with (
            name.open(encoding="utf-8") as before,
            (flagged / name.name).open(encoding="utf-8") as after,
        ):
            itt_before = [line for line in before if line.startswith("ITT,")]
            itt_after = [line for line in after if line.startswith("ITT,")]
        assert itt_before == itt_after and itt_before, name.name


def test_example_reasons_table_agrees_with_the_subjects_file(tmp_path: Path) -> None:
    measurements, subjects = inputs("reluth", tmp_path)
    out = report(measurements, subjects, STRATA["reluth"], tmp_path / "out")
    with subjects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (out / "per_protocol_exclusions.csv").open(encoding="utf-8", newline="") as handle:
        table = {(r["reason"], r["major_protocol_deviation"]): r for r in csv.DictReader(handle)}
    for arm in ("177Lu-PRRT", "SURVEILLANCE"):
        members = [r for r in rows if r["arm"] == arm]
        not_eligible = sum(r[ELIGIBLE_COLUMN] == "N" for r in members)
        deviations = sum(bool(r[DEVIATION_COLUMN]) for r in members)
        excluded = sum(r[ELIGIBLE_COLUMN] == "N" or bool(r[DEVIATION_COLUMN]) for r in members)
        assert table[("not eligible", "")][f"{arm} n"] == str(not_eligible)
        assert table[("major protocol deviation", "")][f"{arm} n"] == str(deviations)
        # Every example subject has a baseline and enough evaluations (or progression).
        assert table[("excluded from per-protocol (each subject once)", "")][f"{arm} n"] == str(
            excluded
        )
        assert table[("per-protocol", "")][f"{arm} n"] == str(len(members) - excluded)
        for text in {r[DEVIATION_COLUMN] for r in members if r[DEVIATION_COLUMN]}:
            count = sum(r[DEVIATION_COLUMN] == text for r in members)
            assert table[("major protocol deviation", text)][f"{arm} n"] == str(count)
    assert table[("excluded from per-protocol (each subject once)", "")]["all arms n"] == "5"
