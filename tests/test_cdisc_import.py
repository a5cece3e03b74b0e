"""``recist sdtm-import``: the TU/TR mapping rule by rule, partial dates, and every error case
(exit 2, ``file:line: column: message``, an existing output left exactly as it was)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cdisc_builders import BASE_TR, BASE_TU, TR_HEADER, TU_HEADER, Row, read_rows, tr, tu
from test_cdisc_builders import write_dataset as write

from recist.cli import main

KEPT = "an earlier output that must survive\n"


def run(tmp: Path, tu_rows: list[Row], tr_rows: list[Row], *extra: str) -> tuple[int, Path]:
    out = tmp / "measurements.csv"
    out.write_text(KEPT)
    tu_file = write(tmp / "tu.csv", TU_HEADER, tu_rows)
    tr_file = write(tmp / "tr.csv", TR_HEADER, tr_rows)
    return main(["sdtm-import", str(tu_file), str(tr_file), "-o", str(out), *extra]), out


def rows_at(out: Path, timepoint: str) -> dict[tuple[str, str], Row]:
    return {
        (r["lesion_id"], r["fragment"]): r for r in read_rows(out) if r["timepoint"] == timepoint
    }


def test_base_mapping(tmp_path: Path) -> None:
    status, out = run(tmp_path, BASE_TU, BASE_TR)
    assert status == 0
    rows = read_rows(out)
    assert list(rows[0]) == [
        "subject_id", "reader", "timepoint", "date", "lesion_id", "category", "location",
        "is_node", "long_axis_mm", "short_axis_mm", "state", "fragment", "study_id",
        "visitnum", "evaluator",
    ]  # fmt: skip
    node = rows_at(out, "SCREENING")[("T02", "")]
    assert (node["is_node"], node["long_axis_mm"], node["short_axis_mm"]) == ("Y", "25", "20")
    assert (node["reader"], node["evaluator"], node["study_id"]) == ("INVESTIGATOR",) * 2 + ("ST1",)
    week8 = rows_at(out, "WEEK 8")
    assert {k[0]: (r["date"], r["state"], r["visitnum"]) for k, r in week8.items()} == {
        "T01": ("2024-03-06", "PRESENT", "2"),
        "T02": ("2024-03-06", "PRESENT", "2"),
        "NT01": ("2024-03-06", "PRESENT", "2"),
    }


# Each case replaces the week-8 records of one lesion and expects its week-8 rows as
# {(lesion, fragment): (state, long_axis_mm, short_axis_mm)}.
MAPPING = [
    ("0 mm target -> ABSENT (RECIST 1.1 4.3.2)", [], [tr("T01", "LDIAM", "0")],
     {("T01", ""): ("ABSENT", "", "")}),
    ("too small to measure, standardized to 5 mm", [],
     [tr("T01", "LDIAM", "5", TRORRES="TOO SMALL TO MEASURE", TRSTRESC="5")],
     {("T01", ""): ("TOO_SMALL", "", "")}),
    ("TRSTAT NOT DONE without a date -> NOT_EVALUATED on the visit's date", [],
     [tr("T01", "LDIAM", "", TRSTAT="NOT DONE", TRDTC="")],
     {("T01", ""): ("NOT_EVALUATED", "", "")}),
    ("split T01.1 / T01.2 -> fragments of T01", [],
     [tr("T01.1", "LDIAM", "12"), tr("T01.2", "LDIAM", "9.5")],
     {("T01", "1"): ("PRESENT", "12", ""), ("T01", "2"): ("PRESENT", "9.5", "")}),
    ("merged T01/T03 -> T01 carries the diameter, T03 MERGED",
     [tu("T03", "TARGET", "LUNG")], [tr("T01/T03", "LDIAM", "41")],
     {("T01", ""): ("PRESENT", "41", ""), ("T03", ""): ("MERGED", "", "")}),
    ("unequivocal progression of a non-target", [],
     [tr("NT01", "TUMSTATE", "UNEQUIVOCAL PROGRESSION")],
     {("NT01", ""): ("PROGRESSION", "", "")}),
    ("absent non-target", [], [tr("NT01", "TUMSTATE", "ABSENT")],
     {("NT01", ""): ("ABSENT", "", "")}),
    ("equivocal new lesion", [tu("NEW01", "NEW", "LUNG", "WEEK 8")],
     [tr("NEW01", "TUMSTATE", "EQUIVOCAL")], {("NEW01", ""): ("EQUIVOCAL", "", "")}),
    ("new lesion in TU only -> PRESENT at its visit", [tu("NEW01", "NEW", "", "WEEK 8")], [],
     {("NEW01", ""): ("PRESENT", "", "")}),
    ("a diameter in cm is converted to mm", [],
     [tr("T01", "LDIAM", "2.1", TRORRESU="cm", TRSTRESU="cm")],
     {("T01", ""): ("PRESENT", "21.0", "")}),
    ("DIAMETER of a lymph node is its short axis", [], [tr("T02", "DIAMETER", "8")],
     {("T02", ""): ("PRESENT", "", "8")}),
    ("LNSTATE NON-PATHOLOGICAL of a nodal non-target -> ABSENT",
     [tu("NT02", "NON-TARGET", "INGUINAL LYMPH NODE")],
     [tr("NT02", "LNSTATE", "PRESENT", "SCREENING"), tr("NT02", "LNSTATE", "NON-PATHOLOGICAL")],
     {("NT02", ""): ("ABSENT", "", "")}),
]  # fmt: skip


@pytest.mark.parametrize(("tu_more", "week8", "expected"), [c[1:] for c in MAPPING],
                         ids=[c[0] for c in MAPPING])  # fmt: skip
def test_mapping(tmp_path: Path, tu_more: list[Row], week8: list[Row], expected: dict) -> None:
    replaced = {r["TRLNKID"].split(".")[0].split("/")[0] for r in week8}
    kept = [r for r in BASE_TR if r["VISIT"] == "SCREENING" or r["TRLNKID"] not in replaced]
    baseline_of_new = [tr(r["TULNKID"], "LDIAM", "15", "SCREENING") for r in tu_more
                       if r["TUORRES"] == "TARGET"]  # fmt: skip
    status, out = run(tmp_path, BASE_TU + tu_more, kept + baseline_of_new + week8)
    assert status == 0
    week = rows_at(out, "WEEK 8")
    got = {k: (r["state"], r["long_axis_mm"], r["short_axis_mm"]) for k, r in week.items()}
    assert {k: got.get(k) for k in expected} == expected
    assert all(r["date"] == "2024-03-06" for r in week.values())


def test_reader_is_evalid_else_eval_and_absent_without_either(tmp_path: Path) -> None:
    radiologist = [
        r | {"TREVAL": "INDEPENDENT ASSESSOR", "TREVALID": "RADIOLOGIST 1"} for r in BASE_TR
    ]
    tu_rad = [r | {"TUEVAL": "INDEPENDENT ASSESSOR", "TUEVALID": "RADIOLOGIST 1"} for r in BASE_TU]
    status, out = run(tmp_path, BASE_TU + tu_rad, BASE_TR + radiologist)
    assert status == 0
    reads = {(r["reader"], r["evaluator"]) for r in read_rows(out)}
    assert reads == {("INVESTIGATOR", "INVESTIGATOR"), ("RADIOLOGIST 1", "INDEPENDENT ASSESSOR")}
    no_eval = [{k: v for k, v in r.items() if not k.endswith(("EVAL", "EVALID"))} for r in BASE_TR]
    status, out = run(tmp_path, [{**r, "TUEVAL": ""} for r in BASE_TU], no_eval)
    assert status == 0
    assert "reader" not in read_rows(out)[0]


@pytest.mark.parametrize(
    ("imputation", "dtc", "expected"),
    [
        ("first", "2024-03", "2024-03-01"),
        ("middle", "2024-03", "2024-03-15"),
        ("last", "2024-02", "2024-02-29"),
        ("first", "2024", "2024-01-01"),
        ("middle", "2024", "2024-06-30"),
        ("last", "2024", "2024-12-31"),
    ],
)
def test_impute_dates(tmp_path: Path, imputation: str, dtc: str, expected: str) -> None:
    week8 = [r | {"TRDTC": dtc} if r["VISIT"] == "WEEK 8" else r for r in BASE_TR]
    status, out = run(tmp_path, BASE_TU, week8, "--impute-dates", imputation)
    assert status == 0
    rows = read_rows(out)
    assert {
        (r["date"], r["date_imputed"], r["sdtm_dtc"]) for r in rows if r["timepoint"] == "WEEK 8"
    } == {(expected, "Y", dtc)}
    assert {r["date_imputed"] for r in rows if r["timepoint"] == "SCREENING"} == {"N"}


def _week8(lesion: str, **change: str) -> list[Row]:
    """BASE_TR with the week-8 record of ``lesion`` changed (TR line 6, 7 or 8)."""
    return [r | change if r["VISIT"] == "WEEK 8" and r["TRLNKID"] == lesion else r for r in BASE_TR]


# (id, TU rows, TR rows, file, line, column, words of the message)
ERRORS = [
    ("partial date", BASE_TU, _week8("T01", TRDTC="2024-03"), "tr", 6, "TRDTC", "partial date"),
    ("impossible date", BASE_TU, _week8("T01", TRDTC="2024-02-30"), "tr", 6, "TRDTC", "calendar"),
    ("unknown TUORRES", [BASE_TU[0] | {"TUORRES": "MEASURABLE", "TUSTRESC": ""}, *BASE_TU[1:]],
     BASE_TR, "tu", 2, "TUORRES", "not a RECIST 1.1 lesion category"),
    ("TR lesion not in TU", BASE_TU, _week8("T01", TRLNKID="T09"), "tr", 6, "TRLNKID",
     "no TU record identifies lesion 'T09'"),
    ("merge with an unknown lesion", BASE_TU, _week8("T01", TRLNKID="T01/T07"), "tr", 6,
     "TRLNKID", "no TU record"),
    ("unknown TRTESTCD", BASE_TU, _week8("T01", TRTESTCD="VOLUME"), "tr", 6, "TRTESTCD",
     "unknown test 'VOLUME'"),
    ("unknown TUMSTATE result", BASE_TU, _week8("NT01", TRSTRESC="GONE", TRORRES="GONE"), "tr", 8,
     "TRSTRESC", "'GONE' is not a TUMSTATE result"),
    ("non-numeric LDIAM", BASE_TU,
     _week8("T01", TRSTRESC="twelve", TRORRES="twelve", TRSTRESN=""), "tr", 6, "TRSTRESC",
     "'twelve' is not a diameter"),
    ("negative LDIAM", BASE_TU, _week8("T01", TRSTRESC="-4", TRSTRESN="-4"), "tr", 6, "TRSTRESN",
     "is not a diameter"),
    ("unknown unit", BASE_TU, _week8("T01", TRSTRESU="in"), "tr", 6, "TRSTRESU", "not mm or cm"),
    ("progression of a target", BASE_TU,
     [*BASE_TR, tr("T01", "TUMSTATE", "UNEQUIVOCAL PROGRESSION")], "tr", 9, "TRSTRESC",
     "PROGRESSION is not a state of a TARGET lesion"),
    ("nodal target without its short axis", BASE_TU, _week8("T02", TRTESTCD="LDIAM"), "tr", 7,
     "TRTESTCD", "no LPERP (short axis)"),
    ("two long axes", BASE_TU, [*BASE_TR, tr("T01", "LDIAM", "21")], "tr", 9, "TRLNKID",
     "a second long axis"),
    ("absent with a diameter", BASE_TU, [*BASE_TR, tr("T01", "TUMSTATE", "ABSENT")], "tr", 6,
     "TRTESTCD", "is ABSENT but has a diameter"),
    ("empty VISIT", BASE_TU, _week8("T01", VISIT=""), "tr", 6, "VISIT", "empty"),
    ("target without a site", [BASE_TU[0] | {"TULOC": ""}, *BASE_TU[1:]], BASE_TR, "tu", 2,
     "TULOC", "give its site"),
    ("TU lesion never measured", [*BASE_TU, tu("T05", "TARGET", "LUNG")], BASE_TR, "tu", 5,
     "TULNKID", "has no result in TR"),
    ("new lesion at baseline (the contract's check)", [*BASE_TU, tu("NEW01", "NEW", "LUNG")],
     [*BASE_TR, tr("NEW01", "TUMSTATE", "PRESENT", "SCREENING")], "tu", 5, "TUORRES",
     "is NEW at the baseline"),
    ("duplicate identification", [*BASE_TU, BASE_TU[0]], BASE_TR, "tu", 5, "TULNKID",
     "already identified on line 2"),
    ("missing column", BASE_TU, [{k: v for k, v in r.items() if k != "TRDTC"} for r in BASE_TR],
     "tr", 1, "TRDTC", "missing required column TRDTC"),
]  # fmt: skip


@pytest.mark.parametrize(("tu_rows", "tr_rows", "file", "line", "column", "words"),
                         [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])  # fmt: skip
def test_errors(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tu_rows: list[Row],
    tr_rows: list[Row],
    file: str,
    line: int,
    column: str,
    words: str,
) -> None:
    header = (
        TR_HEADER if column != "TRDTC" or line != 1 else tuple(h for h in TR_HEADER if h != "TRDTC")
    )
    out = tmp_path / "measurements.csv"
    out.write_text(KEPT)
    tu_file = write(tmp_path / "tu.csv", TU_HEADER, tu_rows)
    tr_file = write(tmp_path / "tr.csv", header, tr_rows)
    status = main(["sdtm-import", str(tu_file), str(tr_file), "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 2
    assert f"{tmp_path / (file + '.csv')}:{line}: {column}: " in err
    assert words in err
    assert out.read_text() == KEPT
