"""Malformed input never gives a traceback (Hypothesis): measurement and subjects files made of
random bytes, other encodings, broken quoting, odd numbers and dates make every command exit
0, 1 or 2, and when it does not succeed an existing output is left byte for byte as it was."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recist.cli import main

MEASUREMENT_COLUMNS = ["subject_id", "timepoint", "date", "lesion_id", "category"]
SUBJECT_COLUMNS = ["subject_id", "randomization_date", "death_date", "new_therapy_date", "arm"]
WORDS = [
    "S1", "S2", "BASELINE", "baseline", "M2", "M4", "2024-01-01", "2024-01-01", "2024-03-01",
    "2023-12-31", "2024-13-01", "2024-02-30", "T1", "T2", "NT1", "N1", "TARGET", "NON-TARGET",
    "NEW", "liver", "lymph node", "Y", "N", "", "", "PRESENT", "ABSENT", "PROGRESSION",
    "EQUIVOCAL", "TOO_SMALL", "MERGED", "NOT_EVALUATED", "A", "B", "R1",
]  # fmt: skip
ODD_NUMBERS = ["1e999999999", "1e3", "1_2", "\u0661\u0662", "+5", "-0", ".", "1,5", "NaN",
               "Infinity", "0x10", "12.5.1", "\uff15", " 7 ", "9" * 60]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-32"]
KEPT = b"previous output\r\nkept \x00 byte for byte\n"

numbers = st.one_of(
    st.integers(-10, 10**6).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.floats().map(repr),
    st.sampled_from(ODD_NUMBERS),
)
fields = st.one_of(st.sampled_from(WORDS), numbers, st.text(max_size=6))


@st.composite
def quoted(draw: st.DrawFn, value: str) -> str:
    """A field as it may appear in a file: bare, quoted, or with a quote left open."""
    how = draw(st.sampled_from(["bare", "bare", "bare", "quoted", "open", "stray"]))
    if how == "quoted":
        return '"' + value.replace('"', '""') + '"'
    if how == "open":
        return '"' + value
    if how == "stray":
        return value + '"' + draw(st.text(max_size=2))
    return value


def valid_measurements(draw: st.DrawFn) -> list[list[str]]:
    """A valid measurements table: subjects with a baseline and two follow-ups."""
    rows = [["subject_id", "timepoint", "date", "lesion_id", "category", "location", "is_node",
             "long_axis_mm", "short_axis_mm", "state", "slice_thickness_mm"]]  # fmt: skip
    size = st.integers(0, 999).map(lambda tenths: str(tenths / 10))
    for subject in range(draw(st.integers(1, 3))):
        for label, date in (("BASELINE", "2024-01-0"), ("M2", "2024-03-0"), ("M4", "2024-05-0")):
            day = f"{date}{subject + 1}"
            rows.append([f"S{subject}", label, day, "T1", "TARGET", "liver", "N",
                         str(10 + float(draw(size))), "", "", "5"])  # fmt: skip
            rows.append([f"S{subject}", label, day, "L1", "TARGET", "lymph node", "Y",
                         draw(size), draw(size), "", ""])  # fmt: skip
            rows.append([f"S{subject}", label, day, "NT1", "NON-TARGET", "bone", "N", "", "",
                         draw(st.sampled_from(["", "ABSENT", "PROGRESSION"])), ""])  # fmt: skip
    return rows


def valid_subjects(draw: st.DrawFn) -> list[list[str]]:
    """A valid subjects table for ``valid_measurements``."""
    rows = [list(SUBJECT_COLUMNS)]
    for subject in range(draw(st.integers(1, 3))):
        death = draw(st.sampled_from(["", "2024-06-01", "2024-02-01"]))
        rows.append([f"S{subject}", "2023-12-30", death, "", draw(st.sampled_from("AB"))])
    return rows


FAULTS = ["diameter", "diameter", "value", "values", "header", "quote", "encoding", "bytes",
          "random bytes", "none"]  # fmt: skip


@st.composite
def csv_files(draw: st.DrawFn, columns: list[str]) -> bytes:
    """A valid file with one kind of fault: a diameter written oddly, a value (or a few)
    replaced by an odd number, date or any text, a column named twice, a quote opened or
    stray, another encoding, a few damaged bytes; or random bytes."""
    fault = draw(st.sampled_from(FAULTS))
    if fault == "random bytes":
        return draw(st.binary(max_size=400))
    measurements = columns is not SUBJECT_COLUMNS
    table = valid_measurements(draw) if measurements else valid_subjects(draw)
    body = range(1, len(table))
    if fault == "diameter" and measurements:
        row = draw(st.sampled_from([i for i in body if table[i][3] in ("T1", "L1")]))
        column = draw(st.sampled_from([7, 8, 10]))  # long axis, short axis, slice thickness
        table[row][column] = draw(st.one_of(st.sampled_from(ODD_NUMBERS), numbers))
    elif fault in ("value", "values", "quote", "diameter"):
        for _ in range(1 if fault != "values" else draw(st.integers(2, 4))):
            row, cell = draw(st.sampled_from(body)), draw(st.integers(0, len(table[0]) - 1))
            value = table[row][cell] if fault == "quote" else draw(fields)
            table[row][cell] = draw(quoted(value)) if fault == "quote" else value
    elif fault == "header":
        name = draw(st.sampled_from(table[0])).upper() + draw(st.sampled_from(["", " "]))
        for row in table:
            row.append(name if row is table[0] else draw(fields))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(",".join(row) for row in table) + newline
    encoding = draw(st.sampled_from(ENCODINGS)) if fault == "encoding" else "utf-8"
    data = text.encode(encoding, "replace")
    if fault == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


def check(command: list[str], measurements: bytes, subjects: bytes | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "m.csv").write_bytes(measurements)
        argv = [command[0], str(root / "m.csv"), *command[1:]]
        if subjects is not None:
            (root / "subjects.csv").write_bytes(subjects)
            argv += ["--subjects", str(root / "subjects.csv")]
        if command[0] != "validate":
            (root / "out.csv").write_bytes(KEPT)
            argv += ["-o", str(root / "out.csv")]
        status = main(argv)  # any exception here is a traceback for the user: the test fails
        assert status in (0, 1, 2)
        if command[0] != "validate" and status != 0:
            assert (root / "out.csv").read_bytes() == KEPT
        assert (root / "m.csv").read_bytes() == measurements
        expected = {"m.csv", "out.csv"} | ({"subjects.csv"} if subjects is not None else set())
        assert {p.name for p in root.iterdir()} <= expected  # no temporary file left


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@SETTINGS
@given(measurements=csv_files(MEASUREMENT_COLUMNS))
def test_assess_never_crashes_and_keeps_the_output(measurements: bytes) -> None:
    check(["assess", "--explain"], measurements, None)


@SETTINGS
@given(measurements=csv_files(MEASUREMENT_COLUMNS))
def test_validate_never_crashes(measurements: bytes) -> None:
    check(["validate"], measurements, None)


@SETTINGS
@given(measurements=csv_files(MEASUREMENT_COLUMNS), subjects=csv_files(SUBJECT_COLUMNS))
def test_endpoints_never_crash_and_keep_the_output(measurements: bytes, subjects: bytes) -> None:
    check(["endpoints", "--confirm"], measurements, subjects)


@SETTINGS
@given(subjects=csv_files(SUBJECT_COLUMNS))
def test_a_malformed_subjects_file_beside_good_measurements(subjects: bytes) -> None:
    good = ("subject_id,timepoint,date,lesion_id,category,location,long_axis_mm\n"
            "S1,BASELINE,2024-01-01,T1,TARGET,liver,30\nS1,M2,2024-03-01,T1,TARGET,,15\n"
            "S2,BASELINE,2024-01-02,T1,TARGET,lung,40\nS2,M2,2024-03-02,T1,TARGET,,50\n")
    check(["endpoints"], good.encode(), subjects)
