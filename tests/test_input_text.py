"""Numbers and text (contract "Errors", format 1.1): only plain decimals for diameters; a column
named twice, an unbalanced quote, a NUL byte and bytes that are not UTF-8 are errors on the line
they are on; ``sdtm-import`` holds only the columns it needs, however wide the files."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from test_cdisc_builders import BASE_TR, BASE_TU, TR_HEADER, TU_HEADER
from test_cdisc_builders import write_dataset as write

from recist.cdisc.datasets import read_dataset
from recist.cdisc.sdtm_import import TR_COLUMNS, TR_USED
from recist.cli import main

HEADER = "subject_id,timepoint,date,lesion_id,category,location,is_node,long_axis_mm"
FIRST = "S1,BASELINE,2024-01-01,T1,TARGET,liver,N,30\n"
KEPT = b"previous output\r\nkept \x00 as it was"


def run(tmp_path: Path, content: bytes, *command: str) -> tuple[int, Path]:
    """Run ``recist COMMAND m.csv -o out.csv`` over an existing output."""
    path = tmp_path / "m.csv"
    path.write_bytes(content)
    out = tmp_path / "out.csv"
    out.write_bytes(KEPT)
    return main([*(command or ("assess",)), str(path), "-o", str(out)]), out


@pytest.mark.parametrize(
    "diameter",
    ["1e3", "1E3", "1_2", "\u0661\u0662", "\uff11\uff12", "+5", "1e999999999", "12.5.1", ".",
     "0x1F", "Infinity", "NaN", "1 2", "12,5"],
)  # fmt: skip
@pytest.mark.parametrize("column", ["long_axis_mm", "slice_thickness_mm"])
def test_only_plain_decimals_are_diameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], diameter: str, column: str
) -> None:
    long_axis = diameter if column == "long_axis_mm" else "30"
    thickness = diameter if column == "slice_thickness_mm" else "5"
    text = (f"{HEADER},slice_thickness_mm\n{FIRST.rstrip()},5\n"
            f'S1,M2,2024-03-01,T1,TARGET,,N,"{long_axis}","{thickness}"\n')  # fmt: skip
    status, out = run(tmp_path, text.encode())
    err = capsys.readouterr().err
    assert status == 2
    assert f"m.csv:3: {column}: '{diameter}' is not a number of millimetres" in err
    assert out.read_bytes() == KEPT


@pytest.mark.parametrize(
    ("diameter", "printed"),
    [("12", "12.0"), ("12.5", "12.5"), (".5", "0.5"), ("12.", "12.0"), ("007.250", "7.25")],
)
def test_plain_decimals_are_read_exactly(tmp_path: Path, diameter: str, printed: str) -> None:
    text = f"{HEADER}\n{FIRST}S1,M2,2024-03-01,T1,TARGET,,N,{diameter}\n"
    status, out = run(tmp_path, text.encode())
    assert status == 0
    assert out.read_text().splitlines()[2].split(",")[3] == printed


def test_a_column_named_twice_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"{HEADER}, LONG_AXIS_MM \n{FIRST.rstrip()},99\n"
    status, out = run(tmp_path, text.encode())
    err = capsys.readouterr().err
    assert status == 2
    assert "m.csv:1: LONG_AXIS_MM: the header names column 'long_axis_mm' twice" in err
    assert "(columns 8 and 9;" in err
    assert out.read_bytes() == KEPT


def test_blank_header_cells_are_not_duplicates(tmp_path: Path) -> None:
    text = f"{HEADER},,\n{FIRST.rstrip()},,\nS1,M2,2024-03-01,T1,TARGET,,N,15,,\n"
    status, out = run(tmp_path, text.encode())
    assert status == 0
    assert out.read_text().splitlines()[2].endswith(",PR")


def test_unbalanced_quote_is_an_error_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (f"{HEADER}\n{FIRST}" 'S1,M2,2024-03-01,T1,TARGET,"liver,N,15\n'
            "S1,M4,2024-05-01,T1,TARGET,,N,10\n")  # fmt: skip
    status, out = run(tmp_path, text.encode())
    err = capsys.readouterr().err
    assert status == 2
    assert "m.csv:3: file: a quote opened on this line is not closed on it" in err
    assert out.read_bytes() == KEPT


def test_a_quote_closed_rows_later_is_an_error_on_the_opening_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (f"{HEADER}\n{FIRST}" 'S1,M2,2024-03-01,T1,TARGET,"liver,N,15\n'
            'S1,M4,2024-05-01,T1,TARGET,",N,10\nS1,M6,2024-07-01,T1,TARGET,,N,10\n')  # fmt: skip
    status, _ = run(tmp_path, text.encode())
    assert status == 2
    assert "m.csv:3: file: a quote opened on this line is not closed" in capsys.readouterr().err


def test_quoted_values_on_one_line_are_fine(tmp_path: Path) -> None:
    text = f'{HEADER}\n"S1","BASELINE",2024-01-01,T1,TARGET,"liver, left lobe",N,"30"\n'
    status, out = run(tmp_path, text.encode())
    assert status == 0
    assert out.read_text().splitlines()[1].startswith("S1,BASELINE,2024-01-01,30.0")


@pytest.mark.parametrize("where", ["subject", "header"])
def test_nul_byte_is_an_error_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    header = HEADER.replace("date", "da\x00te") if where == "header" else HEADER
    second = "S\x001,M2,2024-03-01,T1,TARGET,,N,15\n"
    text = f"{header}\n{FIRST}{second}"
    status, out = run(tmp_path, text.encode())
    err = capsys.readouterr().err
    line = 1 if where == "header" else 3
    assert status == 2
    assert f"m.csv:{line}: file: contains a NUL byte" in err
    assert out.read_bytes() == KEPT


@pytest.mark.parametrize("filler", [0, 400])
def test_a_byte_that_is_not_utf8_is_reported_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], filler: int
) -> None:
    rows = "".join(f"S{i},BASELINE,2024-01-01,T1,TARGET,liver,N,30\n" for i in range(2, filler))
    latin1 = "S1,M2,2024-03-01,T1,TARGET,foie,N,1\xe92\n".encode("latin-1")
    text = f"{HEADER}\n{FIRST}{rows}".encode() + latin1
    status, out = run(tmp_path, text)
    line = text.count(b"\n")
    err = capsys.readouterr().err
    assert status == 2
    assert f"m.csv:{line}: file: is not UTF-8 text" in err
    assert out.read_bytes() == KEPT


def test_subjects_file_has_the_same_text_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements = tmp_path / "m.csv"
    measurements.write_text(f"{HEADER}\n{FIRST}")
    subjects = tmp_path / "subjects.csv"
    subjects.write_bytes(b"subject_id,death_date,Death_Date\nS1,2024-05-01,\n")
    assert main(["endpoints", str(measurements), "--subjects", str(subjects)]) == 2
    assert "subjects.csv:1: Death_Date: the header names column 'death_date' twice" in (
        capsys.readouterr().err
    )


def test_sdtm_import_of_a_very_wide_file_holds_only_the_columns_it_needs(tmp_path: Path) -> None:
    extra = [f"X{i}" for i in range(6000)]
    header = (*TR_HEADER, *extra)
    rows = [r for _ in range(100) for r in BASE_TR]
    path = write(tmp_path / "tr.csv", header, rows)
    tracemalloc.start()
    try:
        dataset = read_dataset(path, TR_COLUMNS, TR_USED)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(dataset.records) == len(rows)
    assert set(dataset.columns) >= set(extra)
    assert all(set(r.values) <= set(TR_USED) for r in dataset.records)
    assert peak < 8_000_000, peak  # padding each row to 6,000 columns would take > 48 MB


def test_sdtm_import_of_a_wide_file_gives_the_same_measurements(tmp_path: Path) -> None:
    narrow = tmp_path / "narrow"
    wide = tmp_path / "wide"
    for folder, extra in ((narrow, ()), (wide, tuple(f"X{i}" for i in range(500)))):
        folder.mkdir()
        tu_file = write(folder / "tu.csv", (*TU_HEADER, *extra), BASE_TU)
        tr_file = write(folder / "tr.csv", (*extra, *TR_HEADER), BASE_TR)
        assert main(["sdtm-import", str(tu_file), str(tr_file), "-o", str(folder / "m.csv")]) == 0
    assert (wide / "m.csv").read_bytes() == (narrow / "m.csv").read_bytes()
