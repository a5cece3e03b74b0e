"""Output files (contract "Errors", format 1.1): an output that would replace an input, a folder
holding the inputs, a directory, a device or a pipe, a missing folder, a read-only place, a full
disk and a closed or full standard output are exit 2 with one line naming the place and the fix,
and nothing is touched. Every command writes through ``recist.io.outputs``."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from test_cdisc_builders import BASE_TR, BASE_TU, TR_HEADER, TU_HEADER
from test_cdisc_builders import write_dataset as write_sdtm

from recist.cli import main
from recist.io import outputs
from recist.io.outputs import OutputError, add_files, replace_file, replace_folder

HEADER = "subject_id,timepoint,date,lesion_id,category,location,is_node,long_axis_mm"
MEASUREMENTS = (f"{HEADER}\nS1,BASELINE,2024-01-01,T1,TARGET,liver,N,30\n"
                "S1,M2,2024-03-01,T1,TARGET,,N,15\n")  # fmt: skip
SUBJECTS = "subject_id,randomization_date,arm\nS1,2024-01-01,A\n"
KEPT = b"previous output\r\nkept \x00 as it was"


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    paths = {"m": tmp_path / "m.csv", "subjects": tmp_path / "subjects.csv"}
    paths["m"].write_text(MEASUREMENTS)
    paths["subjects"].write_text(SUBJECTS)
    paths["tu"] = write_sdtm(tmp_path / "tu.csv", TU_HEADER, BASE_TU)
    paths["tr"] = write_sdtm(tmp_path / "tr.csv", TR_HEADER, BASE_TR)
    return paths


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def argv_for(command: str, paths: dict[str, Path]) -> list[str]:
    m, subjects = str(paths["m"]), str(paths["subjects"])
    return {
        "assess": ["assess", m],
        "endpoints": ["endpoints", m, "--subjects", subjects],
        "sdtm-import": ["sdtm-import", str(paths["tu"]), str(paths["tr"])],
        "export adrs": ["export", "adrs", m, "--subjects", subjects, "--study-id", "ST1"],
        "export adtte xpt": ["export", "adtte", m, "--subjects", subjects, "--study-id", "ST1"],
        "export adsl": ["export", "adsl", m, "--subjects", subjects, "--study-id", "ST1"],
        "export adsl xpt": ["export", "adsl", m, "--subjects", subjects, "--study-id", "ST1"],
    }[command]


COMMANDS = ["assess", "endpoints", "sdtm-import", "export adrs", "export adtte xpt",
            "export adsl", "export adsl xpt"]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_output_that_is_an_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], inputs: dict[str, Path], command: str
) -> None:
    before = snapshot(tmp_path)
    argv = argv_for(command, inputs)
    for target in argv[1:]:
        if not target.endswith(".csv"):
            continue
        assert main([*argv, "-o", target]) == 2
        err = capsys.readouterr().err
        assert f"{target}: is the input file {target}; write the output to another file" in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_output_that_is_a_link_to_the_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], inputs: dict[str, Path], link: str
) -> None:
    alias = tmp_path / "alias.csv"
    if link == "symlink":
        alias.symlink_to(inputs["m"])
    else:
        os.link(inputs["m"], alias)
    assert main(["assess", str(inputs["m"]), "-o", str(alias)]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert inputs["m"].read_text() == MEASUREMENTS


@pytest.mark.parametrize("nested", [False, True])
def test_report_into_a_folder_holding_an_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], nested: bool
) -> None:
    data = tmp_path / "trial" / ("data" if nested else "")
    data.mkdir(parents=True, exist_ok=True)
    (data / "m.csv").write_text(MEASUREMENTS)
    (data / "subjects.csv").write_text(SUBJECTS + "")
    before = snapshot(tmp_path)
    argv = ["report", str(data / "m.csv"), "--subjects", str(data / "subjects.csv")]
    assert main([*argv, "-o", str(tmp_path / "trial")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'trial'}: holds the input {data / 'm.csv'}" in err
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_output_that_is_a_directory_a_device_or_has_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], inputs: dict[str, Path], command: str
) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    suffix = ".xpt" if command.endswith("xpt") else ".csv"
    cases = [
        (str(tmp_path), "is a directory; give the name of a file to write"),
        (os.devnull, "is not a regular file (a device, a pipe or a socket)"),
        (str(fifo), "is not a regular file (a device, a pipe or a socket)"),
        (str(tmp_path / "missing" / f"out{suffix}"),
         f"the folder {tmp_path / 'missing'} does not exist (No such file or directory); "
         "create it"),
    ]  # fmt: skip
    before = snapshot(tmp_path)
    for target, message in cases:
        assert main([*argv_for(command, inputs), "-o", target]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"{target}: {message}"), err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert snapshot(tmp_path) == before


def test_report_into_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       inputs: dict[str, Path]) -> None:  # fmt: skip
    target = tmp_path / "report.html"
    target.write_bytes(KEPT)
    argv = ["report", str(inputs["m"]), "--subjects", str(inputs["subjects"])]
    assert main([*argv, "-o", str(target)]) == 2
    assert f"{target}: is not a folder" in capsys.readouterr().err
    assert target.read_bytes() == KEPT


@pytest.mark.parametrize(("code", "words"), [
    (errno.EROFS, "cannot write here (Read-only file system); choose a place you may write to"),
    (errno.EACCES, "cannot write here (Permission denied)"),
    (errno.ENOSPC, "the disk is full (No space left on device); free some space"),
])  # fmt: skip
@pytest.mark.parametrize("command", ["assess", "endpoints", "export adtte xpt", "export adsl"])
def test_a_place_that_cannot_be_written_is_exit_2_and_touches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], inputs: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch, code: int, words: str, command: str,
) -> None:  # fmt: skip
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(code, os.strerror(code))

    out = tmp_path / ("out.xpt" if command.endswith("xpt") else "out.csv")
    out.write_bytes(KEPT)
    before = snapshot(tmp_path)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert main([*argv_for(command, inputs), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{out}: {words}") and err.endswith("\nrecist: nothing written\n"), err
    assert snapshot(tmp_path) == before


def test_replace_file_failing_midway_leaves_the_old_file_and_no_temporary(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(KEPT)

    def half(temporary: Path) -> None:
        temporary.write_bytes(b"half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OutputError, match="the disk is full"):
        replace_file(target, half)
    assert snapshot(tmp_path) == {"out.csv": KEPT}


def run_cli(args: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "recist.cli", *args]
    return subprocess.run(command, text=True, timeout=120, **options)


@pytest.mark.parametrize("command", ["assess", "validate"])
def test_closed_standard_output(tmp_path: Path, inputs: dict[str, Path], command: str) -> None:
    inputs["m"].write_text(MEASUREMENTS.replace("liver,N,30", "liver,N,5"))  # a finding
    code = (f"import os, sys; os.close(1); sys.argv = ['recist', '{command}', "
            f"'{inputs['m']}']; from recist.cli import main; sys.exit(main())")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "standard output: is closed; redirect it to a file, or write with -o FILE" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["assess", "validate", "endpoints"])
def test_full_standard_output(tmp_path: Path, inputs: dict[str, Path], command: str) -> None:
    many = [f"S{i},BASELINE,2024-01-01,T1,TARGET,liver,N,5" for i in range(3000)]
    inputs["m"].write_text(HEADER + "\n" + "\n".join(many) + "\n")  # 3000 validate findings
    with open("/dev/full", "w") as full:
        done = run_cli([command, str(inputs["m"])], stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("standard output: the disk is full (No space left on device)")
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))
from recist.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", ["assess", "export adtte xpt"])
def test_file_size_limit_while_writing_keeps_the_old_output(
    tmp_path: Path, inputs: dict[str, Path], command: str
) -> None:
    many = [f"S{i},BASELINE,2024-01-01,T1,TARGET,liver,N,50" for i in range(400)]
    inputs["m"].write_text(HEADER + "\n" + "\n".join(many) + "\n")
    # With an arm column, every measured subject must be in the subjects file (as in ADSL).
    arms = "".join(f"S{i},2024-01-01,A\n" for i in range(400))
    inputs["subjects"].write_text(SUBJECTS.splitlines()[0] + "\n" + arms)
    out = tmp_path / ("out.xpt" if command.endswith("xpt") else "out.csv")
    out.write_bytes(KEPT)
    before = snapshot(tmp_path)
    code = LIMITED.replace("(LIMIT, LIMIT)", "(4096, 4096)")
    argv = [sys.executable, "-c", code, *argv_for(command, inputs), "-o", str(out)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"{out}: " in done.stderr and "Traceback" not in done.stderr
    assert snapshot(tmp_path) == before


def test_replace_folder_swaps_in_the_new_set(tmp_path: Path) -> None:
    target = tmp_path / "report"
    replace_folder(target, {"a.csv": b"old a", "b.png": b"old b"})
    replace_folder(target, {"a.csv": b"new a", "b.png": b"new b"})
    assert snapshot(target) == {"a.csv": b"new a", "b.png": b"new b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_replace_folder_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    target = tmp_path / "report"
    target.mkdir()
    (target / "notes.txt").write_bytes(KEPT)
    with pytest.raises(OutputError, match=r"holds notes\.txt, which this command does not write"):
        replace_folder(target, {"a.csv": b"new"})
    assert snapshot(tmp_path) == {"report/notes.txt": KEPT}


def test_outputs_module_is_the_one_writer() -> None:
    """Every module of the engine that writes a file does it through ``recist.io.outputs``."""
    root = Path(outputs.__file__).resolve().parents[1]
    writers = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "outputs.py"
        and any(word in p.read_text()
                for word in ("os.replace", "mkstemp", "mkdtemp", "os.rename", "os.link"))
    ]
    assert writers == []


def test_replace_folder_through_a_link_replaces_the_folder_it_points_to(tmp_path: Path) -> None:
    real = tmp_path / "real"
    replace_folder(real, {"a.csv": b"old"})
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    replace_folder(link, {"a.csv": b"new"})
    assert link.is_symlink() and snapshot(real) == {"a.csv": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_add_files_is_all_or_none_and_never_replaces(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "trial"

    def write(staging: Path) -> None:
        for name in ("a.csv", "b.csv"):
            (staging / name).write_bytes(b"example " + name.encode())

    def write_racing(staging: Path) -> None:
        write(staging)
        (folder / "b.csv").write_bytes(KEPT)  # another process made b.csv meanwhile

    with pytest.raises(OutputError, match=r"cannot be written \(File exists\)"):
        add_files(folder, ["a.csv", "b.csv"], write_racing)
    assert snapshot(folder) == {"b.csv": KEPT}
    with pytest.raises(OutputError, match=r"b\.csv already exists; give an empty or a new folder"):
        add_files(folder, ["a.csv", "b.csv"], write)
    (folder / "b.csv").unlink()
    add_files(folder, ["a.csv", "b.csv"], write)
    assert snapshot(folder) == {"a.csv": b"example a.csv", "b.csv": b"example b.csv"}
