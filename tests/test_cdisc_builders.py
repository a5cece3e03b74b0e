"""Small SDTM TU / TR datasets for the ``recist.cdisc`` tests, written as real CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

TU_HEADER = (
    "STUDYID", "USUBJID", "TULNKID", "TUTESTCD", "TUORRES", "TUSTRESC", "TULOC", "VISITNUM",
    "VISIT", "TUDTC", "TUEVAL", "TUEVALID",
)  # fmt: skip
TR_HEADER = (
    "STUDYID", "USUBJID", "TRLNKID", "TRTESTCD", "TRORRES", "TRORRESU", "TRSTRESC", "TRSTRESN",
    "TRSTRESU", "TRSTAT", "VISITNUM", "VISIT", "TREVAL", "TREVALID", "TRDTC",
)  # fmt: skip
Row = dict[str, str]
VISITS = {"SCREENING": ("1", "2024-01-10"), "WEEK 8": ("2", "2024-03-06")}


def tu(lesion: str, category: str, location: str, visit: str = "SCREENING", **more: str) -> Row:
    """A TU identification record of the one subject S1, read by the investigator."""
    row = {"STUDYID": "ST1", "USUBJID": "S1", "TULNKID": lesion, "TUTESTCD": "TUMIDENT"}
    row |= {"TUORRES": category, "TUSTRESC": category, "TULOC": location}
    row |= {"VISITNUM": VISITS.get(visit, ("9", ""))[0], "VISIT": visit, "TUEVAL": "INVESTIGATOR"}
    return row | more


def tr(lesion: str, test: str, result: str, visit: str = "WEEK 8", **more: str) -> Row:
    """A TR result of subject S1 (investigator); a number is in mm."""
    numeric = result.replace(".", "", 1).isdigit()
    unit = "mm" if test != "TUMSTATE" else ""
    row = {"STUDYID": "ST1", "USUBJID": "S1", "TRLNKID": lesion, "TRTESTCD": test}
    row |= {"TRORRES": result, "TRORRESU": unit, "TRSTRESC": result, "TRSTRESU": unit}
    row |= {"TRSTRESN": result if numeric else "", "VISIT": visit, "TREVAL": "INVESTIGATOR"}
    visitnum, date = VISITS.get(visit, ("9", "2024-05-01"))
    return row | {"VISITNUM": visitnum, "TRDTC": date} | more


#: One subject: a liver target, a nodal target, a bone non-target; screening and week 8.
BASE_TU = [
    tu("T01", "TARGET", "LIVER"),
    tu("T02", "TARGET", "LYMPH NODE"),
    tu("NT01", "NON-TARGET", "BONE"),
]
BASE_TR = [
    tr("T01", "LDIAM", "30", "SCREENING"),
    tr("T02", "LDIAM", "25", "SCREENING"),
    tr("T02", "LPERP", "20", "SCREENING"),
    tr("NT01", "TUMSTATE", "PRESENT", "SCREENING"),
    tr("T01", "LDIAM", "20"),
    tr("T02", "LPERP", "12"),
    tr("NT01", "TUMSTATE", "PRESENT"),
]


def write_dataset(path: Path, header: tuple[str, ...], rows: list[Row]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
