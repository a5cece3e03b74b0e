"""``recist example reluth DIR``: the committed example trial, written by an installed package."""

from __future__ import annotations

from pathlib import Path

import pytest

from recist.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "reluth"


def test_writes_the_committed_example_byte_for_byte(tmp_path: Path) -> None:
    assert main(["example", "reluth", str(tmp_path / "new" / "trial")]) == 0
    for name in ("measurements.csv", "subjects.csv"):
        written = (tmp_path / "new" / "trial" / name).read_bytes()
        assert written == (EXAMPLE / name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "new" / "trial").iterdir()) == [
        "measurements.csv", "subjects.csv"]  # fmt: skip


def test_the_quick_start_runs_on_what_it_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["example", "reluth", str(tmp_path)]) == 0
    assert main(["assess", str(tmp_path / "measurements.csv"), "-o", str(tmp_path / "r.csv")]) == 0
    capsys.readouterr()
    assert main(["endpoints", str(tmp_path / "measurements.csv"),
                 "--subjects", str(tmp_path / "subjects.csv")]) == 0  # fmt: skip
    endpoints = capsys.readouterr().out.splitlines()
    assert endpoints[0].startswith("subject_id,bor,dcr_6m,") and len(endpoints) == 41


@pytest.mark.parametrize("existing", ["measurements.csv", "subjects.csv"])
def test_an_existing_file_is_never_replaced(
    tmp_path: Path, existing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / existing).write_bytes(b"mine\n")
    assert main(["example", "reluth", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert f"{tmp_path / existing} already exists" in error and "nothing written" in error
    assert (tmp_path / existing).read_bytes() == b"mine\n"
    assert [p.name for p in tmp_path.iterdir()] == [existing]


def test_a_file_in_place_of_the_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "trial").write_text("x", encoding="utf-8")
    assert main(["example", "reluth", str(tmp_path / "trial")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert (tmp_path / "trial").read_text(encoding="utf-8") == "x"
