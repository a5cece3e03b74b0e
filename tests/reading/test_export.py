"""``recist-review export``: the contract's measurements CSV, written atomically, which
``recist assess`` turns into exactly what the grid showed."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from recist.cli import main as recist_main
from recist.display import fmt_mm, fmt_pct
from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import EXPORT_COLUMNS, RecistEngine
from reviewer_gui.reading import Axis, Point, ReadingProject, ReadKey, Segment, State
from reviewer_gui.store import open_project

from .kit import Clock, add_sample_subject, gen, read_sample_subject, read_timepoint

CONTRACT_COLUMNS = ("subject_id", "reader", "timepoint", "date", "lesion_id", "category",
                    "location", "is_node", "long_axis_mm", "short_axis_mm", "state",
                    "fragment", "slice_thickness_mm")  # fmt: skip


def second_opinion(project: ReadingProject, key: ReadKey) -> None:
    """Bob reads SUBJ-001 differently: T1 a little longer throughout, NT1 progressing at M6."""
    for label in gen.TIMEPOINTS:
        read_timepoint(project, key, label)
        long = project.read(key).observation(label, "T1").fragments[0].long_axis.segment  # type: ignore[union-attr]
        project.set_axis(key, label, "T1", Axis.LONG,
                         Segment(long.start, Point(long.end.row, long.end.col + 1.3)))  # fmt: skip
        if label == "M6":
            project.set_state(key, label, "NT1", State.PROGRESSION, reason="node doubled")
        project.sign(key, label)


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "reading.db"
    project, store = open_project(path, RecistEngine(), clock=Clock())
    for case_id in ("SUBJ-001", "SUBJ-002", "SUBJ-003"):
        add_sample_subject(project, case_id)
        read_sample_subject(project, ReadKey(case_id, "alice"))
    second_opinion(project, ReadKey("SUBJ-001", "bob"))
    dan = ReadKey("SUBJ-003", "dan")  # a read in progress: baseline signed, M2 a draft
    read_timepoint(project, dan, "BASELINE")
    project.sign(dan, "BASELINE")
    read_timepoint(project, dan, "M2")
    store.close()
    return path


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or ()), list(reader)


def test_recist_assess_on_the_export_reproduces_the_grid(project_file: Path,
                                                        tmp_path: Path) -> None:  # fmt: skip
    exported, assessed = tmp_path / "measurements.csv", tmp_path / "responses.csv"
    assert main(["export", str(project_file), "-o", str(exported)]) == 0
    assert recist_main(["assess", str(exported), "-o", str(assessed), "--explain"]) == 0
    _, responses = read_csv(assessed)
    project, store = open_project(project_file, RecistEngine())
    with store:
        expected = []
        for key in sorted(project.state.reads):
            for c in project.grid(key).columns:
                if not c.signed:
                    continue
                expected.append({
                    "subject_id": key.case_id, "reader": key.reader, "timepoint": c.label,
                    "date": c.scan_date.isoformat(), "target_sum_mm": fmt_mm(c.target_sum_mm),
                    "baseline_sum_mm": fmt_mm(c.baseline_sum_mm), "nadir_mm": fmt_mm(c.nadir_mm),
                    "change_from_baseline_pct": fmt_pct(c.change_from_baseline_pct),
                    "change_from_nadir_pct": fmt_pct(c.change_from_nadir_pct),
                    "target_response": c.target_response or "",
                    "non_target_response": c.non_target_response or "",
                    "new_lesions": c.new_lesions or "",
                    "overall_response": c.overall_response or "", "reason": c.reason,
                })  # fmt: skip
    assert responses == expected
    assert len(responses) == 3 * 4 + 4 + 1  # alice 3 x 4, bob 4, dan's signed baseline
    bob_m6 = next(r for r in responses if r["reader"] == "bob" and r["timepoint"] == "M6")
    assert bob_m6["overall_response"] == "PD" and "NT1" in bob_m6["reason"]


def test_the_export_is_the_contracts_measurement_csv_with_a_reader_column(
    project_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "alice.csv"
    assert main(["export", str(project_file), "-o", str(out), "--reader", "alice"]) == 0
    header, rows = read_csv(out)
    assert tuple(header[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert tuple(header) == EXPORT_COLUMNS
    assert {r["reader"] for r in rows} == {"alice"}
    with (Path(__file__).resolve().parents[2] / "sample_scans" / "truth.csv").open() as f:
        truth = list(csv.DictReader(f))
    assert len(rows) == len(truth)
    for want in truth:
        got = next(r for r in rows if (r["subject_id"], r["timepoint"], r["lesion_id"]) ==
                   (want["subject_id"], want["timepoint"], want["lesion_id"]))  # fmt: skip
        for column in ("date", "category", "location", "is_node", "state"):
            assert got[column] == want[column], (column, got, want)
        for column in ("long_axis_mm", "short_axis_mm", "slice_thickness_mm"):
            assert float(got[column]) == float(want[column]), (column, got, want)


def test_unsigned_timepoints_are_exported_only_on_request(
    project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed, drafts = tmp_path / "signed.csv", tmp_path / "drafts.csv"
    assert main(["export", str(project_file), "-o", str(signed), "--reader", "dan"]) == 0
    assert "1 unsigned timepoint(s) with entries left out" in capsys.readouterr().err
    assert {r["timepoint"] for r in read_csv(signed)[1]} == {"BASELINE"}
    assert main(["export", str(project_file), "-o", str(drafts), "--reader", "dan",
                 "--include-unsigned"]) == 0  # fmt: skip
    assert {r["timepoint"] for r in read_csv(drafts)[1]} == {"BASELINE", "M2"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reader", "zoe"], "no read by reader 'zoe'; readers: alice, bob, dan"),
        (["--project-is-missing"], "no such reading project file"),
        (["--project-is-text"], "not a reading project"),
    ],
)
def test_bad_input_writes_nothing_and_leaves_the_output_as_it_was(
    project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    args: list[str], message: str,
) -> None:  # fmt: skip
    out = tmp_path / "measurements.csv"
    out.write_text("previous export\n", encoding="utf-8")
    source = project_file
    if args == ["--project-is-missing"]:
        source, args = tmp_path / "nowhere.db", []
    elif args == ["--project-is-text"]:
        source, args = out, []
    assert main(["export", str(source), "-o", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "nothing written" in err
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["measurements.csv"]


def test_the_console_script_exports_to_standard_output(project_file: Path) -> None:
    script = Path(sys.executable).with_name("recist-review")
    result = subprocess.run([str(script), "export", str(project_file), "--reader", "bob"],
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(EXPORT_COLUMNS)
    assert len(lines) == 1 + 4 * 3
    assert "written to standard output" in result.stderr
