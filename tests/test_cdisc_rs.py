"""``recist export sdtm-rs`` (SDTM RS) on the example trial and the pharmaverse reads: VISITNUM
and RSEVAL filled, an equivocal new lesion kept as such (NEWLPROG), RSLNKGRP on the overall
response, RSDRVFL, and the numbers (RSSEQ, ADRS's ASEQ and RSSEQ, ADTTE's SRCSEQ) that
``--reader`` does not change."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from cdisc_kit import PHARMAVERSE, RELUTH, Row, export, pharmaverse_inputs, reluth_read_twice

from recist.cli import main

SUBJECTS = RELUTH / "subjects.csv"


@pytest.fixture(scope="module")
def rs(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    out = tmp_path_factory.mktemp("rs") / "rs.csv"
    return export("sdtm-rs", RELUTH / "measurements.csv", SUBJECTS, out, "--study-id", "RELUTH")


@pytest.fixture(scope="module")
def pharmaverse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return pharmaverse_inputs(tmp_path_factory.mktemp("pharmaverse"))


def test_visitnum_is_filled_one_number_per_visit_in_schedule_order(rs: list[Row]) -> None:
    assert len(rs) == 799  # 798 before, + the UNEQUIVOCAL record of RLT-036 at M6
    assert {(r["VISIT"], r["VISITNUM"]) for r in rs} == {
        ("M2", "2"), ("M4", "3"), ("M6", "4"), ("M8", "5"), ("M10", "6"), ("M12", "7")
    }  # fmt: skip  # BASELINE is 1 (ADTR); M10 after M8 by date, not by its text


def test_visitnum_of_the_input_is_kept(pharmaverse: tuple[Path, Path], tmp_path: Path) -> None:
    rows = export("sdtm-rs", *pharmaverse, tmp_path / "rs.csv")
    assert {(r["VISIT"], r["VISITNUM"]) for r in rows} == {
        ("WEEK 3", "2"), ("WEEK 6", "3"), ("WEEK 9", "4"), ("WEEK 12", "5")
    }  # fmt: skip  # pharmaverse's own VISITNUM (SCREENING is 1)
    text = pharmaverse[0].read_text().splitlines()  # the same, every VISITNUM times 10
    column = text[0].split(",").index("visitnum")
    scaled = tmp_path / "scaled.csv"
    scaled.write_text("\n".join([text[0], *(
        ",".join(f"{v}0" if i == column else v for i, v in enumerate(line.split(",")))
        for line in text[1:]
    )]) + "\n")  # fmt: skip
    rows = export("sdtm-rs", scaled, pharmaverse[1], tmp_path / "scaled-rs.csv")
    assert {r["VISITNUM"] for r in rows} == {"20", "30", "40", "50"}


def test_rseval_is_filled_and_a_setting(rs: list[Row], tmp_path: Path) -> None:
    assert {(r["RSEVAL"], r["RSEVALID"]) for r in rs} == {("INDEPENDENT ASSESSOR", "")}
    rows = export("sdtm-rs", RELUTH / "measurements.csv", SUBJECTS, tmp_path / "rs.csv",
                  "--study-id", "RELUTH", "--evaluator", "INVESTIGATOR")  # fmt: skip
    assert {(r["RSEVAL"], r["RSEVALID"]) for r in rows} == {("INVESTIGATOR", "")}


def test_an_equivocal_new_lesion_keeps_its_meaning(rs: list[Row]) -> None:
    """RLT-036: a new bone lesion equivocal at M4, present at M6 (RECIST 1.1 section 4.3.2)."""
    new = [(r["VISIT"], r["RSTESTCD"], r["RSORRES"], r["RSSTRESC"]) for r in rs
           if r["USUBJID"] == "RLT-036" and r["RSTESTCD"] in ("NEWLIND", "NEWLPROG")]  # fmt: skip
    assert new == [
        ("M2", "NEWLIND", "N", "N"),
        ("M4", "NEWLPROG", "EQUIVOCAL", "EQUIVOCAL"),
        ("M6", "NEWLIND", "Y", "Y"),
        ("M6", "NEWLPROG", "UNEQUIVOCAL", "UNEQUIVOCAL"),
    ]
    assert {r["RSSTRESC"] for r in rs if r["RSTESTCD"] == "NEWLIND"} == {"Y", "N"}
    assert [r["USUBJID"] for r in rs if r["RSTESTCD"] == "NEWLPROG"] == ["RLT-036"] * 2


def test_rslnkgrp_links_each_overall_response_to_its_read_and_visit(
    rs: list[Row], tmp_path: Path
) -> None:
    overall = [r for r in rs if r["RSTESTCD"] == "OVRLRESP"]
    assert all(r["RSLNKGRP"] == f"V{r['VISITNUM']}" for r in overall)
    assert not [r for r in rs if r["RSTESTCD"] != "OVRLRESP" and r["RSLNKGRP"]]
    twice = reluth_read_twice(tmp_path)
    rows = export("sdtm-rs", twice, SUBJECTS, tmp_path / "rs.csv", "--study-id", "RELUTH")
    groups = defaultdict(list)
    for row in rows:
        if row["RSLNKGRP"]:
            groups[(row["USUBJID"], row["RSLNKGRP"])].append(row)
    assert all(len(g) == 1 for g in groups.values())  # one overall response per link group
    assert ("RLT-036", "V4-READER 2") in groups


def test_rsdrvfl_says_whether_the_engine_derived_the_responses(
    rs: list[Row], tmp_path: Path
) -> None:
    assert {r["RSDRVFL"] for r in rs} == {"Y"}  # derived from measurements
    responses = tmp_path / "responses.csv"
    assert main(["assess", str(RELUTH / "measurements.csv"), "-o", str(responses)]) == 0
    rows = export("sdtm-rs", responses, SUBJECTS, tmp_path / "rs.csv", "--study-id", "RELUTH")
    assert {r["RSDRVFL"] for r in rows} == {""}  # the reader's own responses
    assert {r["RSTESTCD"] for r in rows} == {"OVRLRESP"}


@pytest.mark.parametrize("kind", ["sdtm-rs", "adrs", "adtte", "adtr"])
def test_reader_keeps_the_records_of_one_read_with_their_numbers(
    pharmaverse: tuple[Path, Path], tmp_path: Path, kind: str
) -> None:
    """With ``--reader`` a dataset is the full one's records of that read (and the subject's
    DEATH / OS), every number unchanged; only PARAM names the one evaluator left."""
    subjects = tmp_path / "subjects.csv"  # with deaths recorded: DEATH and OS, per subject
    lines = pharmaverse[1].read_text().splitlines()
    subjects.write_text("\n".join([f"{lines[0]},death_date", *(f"{x}," for x in lines[1:])]))
    every = export(kind, pharmaverse[0], subjects, tmp_path / "every.csv")
    one = export(kind, pharmaverse[0], subjects, tmp_path / "one.csv", "--reader", "RADIOLOGIST 1")
    reader = "TREVALID" if kind == "adtr" else "RSEVALID"
    evaluator = reader.replace("ID", "")

    def without_param(rows: list[Row]) -> list[Row]:
        return [{k: v for k, v in r.items() if k != "PARAM"} for r in rows]

    kept = [r for r in every if r[reader] == "RADIOLOGIST 1" or not r[evaluator]]
    assert without_param(one) == without_param(kept)
    assert len(one) < len(every) / 2
    if kind in ("adrs", "adtte"):
        assert len([r for r in one if not r[evaluator]]) == 8  # DEATH / OS of each subject
    if kind != "sdtm-rs":
        assert all(" by Radiologist 1" in r["PARAM"] for r in one if r[evaluator])
        assert not [r for r in every if " by " in r["PARAM"]]


def test_adrs_rsseq_points_at_the_overall_response_in_rs(
    pharmaverse: tuple[Path, Path], tmp_path: Path
) -> None:
    rs = export("sdtm-rs", *pharmaverse, tmp_path / "rs.csv")
    adrs = export("adrs", *pharmaverse, tmp_path / "adrs.csv")
    by_seq = {(r["USUBJID"], r["RSSEQ"]): r for r in rs}
    pointing = [r for r in adrs if r["RSSEQ"]]
    assert {r["PARAMCD"] for r in pointing} >= {"OVR", "BOR", "CBOR", "PD", "LSTA", "CCB"}
    for row in pointing:
        source = by_seq[(row["USUBJID"], row["RSSEQ"])]
        assert source["RSTESTCD"] == "OVRLRESP"
        assert (source["RSEVAL"], source["RSEVALID"]) == (row["RSEVAL"], row["RSEVALID"])
        assert (source["VISIT"], source["VISITNUM"]) == (row["AVISIT"], row["AVISITN"])
        if row["PARAMCD"] == "OVR":
            assert source["RSSTRESC"] == row["AVALC"]
    assert not [r for r in adrs if r["AVISIT"] and not r["RSSEQ"]]


def test_mdis_only_from_measurements(tmp_path: Path) -> None:
    """Measurable disease at baseline needs the baseline's lesions: a responses file has none."""
    responses = tmp_path / "responses.csv"
    assert main(["assess", str(RELUTH / "measurements.csv"), "-o", str(responses)]) == 0
    from_responses = export("adrs", responses, SUBJECTS, tmp_path / "a.csv", "--study-id", "R")
    measured = export("adrs", RELUTH / "measurements.csv", SUBJECTS, tmp_path / "b.csv",
                      "--study-id", "R")  # fmt: skip
    assert not [r for r in from_responses if r["PARAMCD"] == "MDIS"]
    mdis = {r["USUBJID"]: r["AVALC"] for r in measured if r["PARAMCD"] == "MDIS"}
    assert len(mdis) == 40 and set(mdis.values()) <= {"Y", "N"}
    baseline_targets = {line.split(",")[0] for line in
                        (RELUTH / "measurements.csv").read_text().splitlines()
                        if ",BASELINE," in line and ",TARGET," in line}  # fmt: skip
    assert {s for s, v in mdis.items() if v == "Y"} == baseline_targets


def test_rslnkgrp_is_tr_s_trlnkgrp_when_tr_has_one(tmp_path: Path) -> None:
    """pharmaverse's TR with a TRLNKGRP per read and visit (``A<VISITNUM>``, as in the CDISC
    supplement's examples): ``sdtm-import`` carries it, RS's overall response takes it."""
    with (PHARMAVERSE / "tr_onco_recist.csv").open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    for record in records:
        record["TRLNKGRP"] = f"A{record['VISITNUM']}"
    tr = tmp_path / "tr.csv"
    with tr.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    measurements = tmp_path / "measurements.csv"
    tu = str(PHARMAVERSE / "tu_onco_recist.csv")
    args = ["sdtm-import", tu, str(tr), "--impute-dates", "last", "-o", str(measurements)]
    assert main(args) == 0
    assert measurements.read_text().splitlines()[0].endswith(",evaluator,lnkgrp")
    (tmp_path / "subjects").mkdir()
    _, subjects = pharmaverse_inputs(tmp_path / "subjects")
    rows = export("sdtm-rs", measurements, subjects, tmp_path / "rs.csv")
    overall = [r for r in rows if r["RSTESTCD"] == "OVRLRESP"]
    assert len(overall) == 66
    assert all(r["RSLNKGRP"] == f"A{r['VISITNUM']}" for r in overall)
    plain = tmp_path / "plain.csv"
    assert main(["sdtm-import", tu, str(PHARMAVERSE / "tr_onco_recist.csv"), "--impute-dates",
                 "last", "-o", str(plain)]) == 0  # fmt: skip
    assert "lnkgrp" not in plain.read_text().splitlines()[0]  # no TRLNKGRP: no column
