"""Shared inputs of the CDISC dataset tests: the pharmaverse data as the engine's inputs, the
example trial read twice, and one export through the CLI."""

from __future__ import annotations

import csv
from pathlib import Path

from recist.cli import main

ROOT = Path(__file__).resolve().parent.parent
PHARMAVERSE = ROOT / "tests" / "data" / "pharmaverse-recist"
RELUTH = ROOT / "examples" / "reluth"
Row = dict[str, str]


def read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def export(kind: str, measurements: Path, subjects: Path, out: Path, *more: str) -> list[Row]:
    """``recist export KIND`` of ``measurements`` with ``subjects`` into ``out``; its rows."""
    args = ["export", kind, str(measurements), "--subjects", str(subjects), "-o", str(out)]
    assert main([*args, *more]) == 0
    return read(out)


def pharmaverse_inputs(folder: Path) -> tuple[Path, Path]:
    """The pharmaverse TU + TR as a measurements file (dates imputed last) and a subjects file
    with admiralonco's randomization dates, written into ``folder``."""
    measurements, subjects = folder / "measurements.csv", folder / "subjects.csv"
    tu, tr = PHARMAVERSE / "tu_onco_recist.csv", PHARMAVERSE / "tr_onco_recist.csv"
    args = ["sdtm-import", str(tu), str(tr), "--impute-dates", "last", "-o", str(measurements)]
    assert main(args) == 0
    adrs = read(PHARMAVERSE / "adrs_onco_recist_subjects.csv")
    randomized = {r["USUBJID"]: r["RANDDT"] for r in adrs}
    subjects.write_text(
        "subject_id,randomization_date\n" + "".join(f"{s},{d}\n" for s, d in randomized.items())
    )
    return measurements, subjects


def reluth_read_twice(folder: Path) -> Path:
    """The example trial's measurements read by two central readers alike, in ``folder``."""
    rows = read(RELUTH / "measurements.csv")
    measurements = folder / "measurements.csv"
    with measurements.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["reader", *rows[0]])
        writer.writeheader()
        for reader in ("READER 1", "READER 2"):
            writer.writerows({"reader": reader, **row} for row in rows)
    return measurements
