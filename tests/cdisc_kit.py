"""Shared inputs of the CDISC dataset tests: the pharmaverse data as the engine's inputs, the
example trial read twice, and one export through the CLI."""

from __future__ import annotations

import csv
import datetime as dt
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


def pharmaverse_adsl_subjects(folder: Path) -> Path:
    """A subjects file of the pharmaverse subjects with the ADSL columns their ADaM data gives:
    arm and code, actual arm, randomization and treatment start dates, age and sex (from
    pharmaverseadam's ADRS and ADTTE, which carry these ADSL variables), in ``folder``."""
    dates = {r["USUBJID"]: (r["RANDDT"], r["TRTSDT"], r["DTHDT"])
             for r in read(PHARMAVERSE / "adrs_onco_recist_subjects.csv")}  # fmt: skip
    arms = {r["USUBJID"]: (r["ARM"], r["ARMCD"], r["ACTARM"], r["AGE"], r["SEX"])
            for r in read(PHARMAVERSE / "adtte_onco_recist_subjects.csv")}  # fmt: skip
    subjects = folder / "adsl_subjects.csv"
    with subjects.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subject_id", "randomization_date", "death_date", "arm", "armcd",
                         "actual_arm", "treatment_start_date", "age", "sex"])  # fmt: skip
        for subject, (randomized, start, death) in sorted(dates.items()):
            arm, code, actual, age, sex = arms[subject]
            writer.writerow([subject, randomized, "" if death == "NA" else death, arm, code,
                             actual, start, age, sex])  # fmt: skip
    return subjects


#: The example trial's subject who received the other arm's treatment (its major protocol
#: deviation says so) and the one this augmented file says was never treated.
CROSSED_OVER, NOT_TREATED = "RLT-029", "RLT-040"


def reluth_adsl_subjects(folder: Path) -> Path:
    """The example trial's subjects file with the optional ADSL columns: the arm received
    (RLT-029 received 177Lu-PRRT, RLT-040 nothing), treatment dates for the 177Lu-PRRT
    subjects (a week and nine weeks after randomization), age, sex and race (lower case, as a
    site may write them), in ``folder``."""
    rows = read(RELUTH / "subjects.csv")
    subjects = folder / "adsl_subjects.csv"
    more = ["actual_arm", "treatment_start_date", "treatment_end_date", "age", "sex", "race"]
    with subjects.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [*rows[0], *more])
        writer.writeheader()
        for number, row in enumerate(rows):
            actual = "177Lu-PRRT" if row["subject_id"] == CROSSED_OVER else row["arm"]
            actual = "" if row["subject_id"] == NOT_TREATED else actual
            randomized = dt.date.fromisoformat(row["randomization_date"])
            treated = actual == "177Lu-PRRT"
            start = randomized + dt.timedelta(days=7) if treated else None
            end = randomized + dt.timedelta(days=63) if treated else None
            writer.writerow({**row, "actual_arm": actual,
                             "treatment_start_date": start.isoformat() if start else "",
                             "treatment_end_date": end.isoformat() if end else "",
                             "age": str(50 + number), "sex": "fm"[number % 2],
                             "race": ("white", "asian", "")[number % 3]})  # fmt: skip
    return subjects
