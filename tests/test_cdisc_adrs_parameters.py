"""``recist export adrs``: admiralonco's derived parameters (PD, RSP, CB, CCB, BCP, CRSP, CBCP,
LSTA, MDIS, DEATH) and their ANL01FL / ANL02FL against pharmaverse's ADRS
(``adrs_onco_recist_subjects.csv``, made by admiralonco's ``ad_adrs.R`` template), run as
``test_cdisc_exports`` runs BOR / CBOR: ``sdtm-import --impute-dates last``, RANDDT as
``randomization_date``, ``--sd-min-days 42 --confirm-days 28 --reader INVESTIGATOR``; the
subjects file has an empty ``death_date`` column (DTHDT is NA for all eight subjects), so
DEATH is written.

By-design differences, each asserted below:
- RSEVAL of an "N" record: admiralonco builds it from ADSL (no evaluator); ours names the read
  it belongs to (ADRS is keyed by read). DEATH has no evaluator in both.
- CBCP of 01-701-1118: pharmaverse says N although its own CBOR is PR. The template derives
  CBCP with ``dataset_add = adrs`` inside the pipe that adds CBOR, so it reads ADRS before the
  CBOR records exist and every CBCP is N. Ours is Y, dated as CBOR (WEEK 6), so it carries
  the ANL02FL "Y" of that OVR record where theirs (an N from ADSL) has none.
- MDIS's PARCAT1: the template sets none (PARCAT2 and PARCAT3 only); ours is "Tumor
  Response", as ADaMIG wants PARCAT1 wherever PARCAT2 is used.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from recist.cli import main

DATA = Path(__file__).resolve().parent / "data" / "pharmaverse-recist"
ADMIRALONCO = ["--sd-min-days", "42", "--confirm-days", "28"]
NEW = ("PD", "RSP", "CB", "CCB", "BCP", "CRSP", "CBCP", "LSTA", "MDIS", "DEATH")
CBCP_BUG = ("01-701-1118", "CBCP")

Row = dict[str, str]


def read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: ("" if v == "NA" else v) for k, v in r.items()} for r in csv.DictReader(handle)]


PHARMAVERSE = read(DATA / "adrs_onco_recist_subjects.csv")
SUBJECTS = sorted({r["USUBJID"] for r in PHARMAVERSE})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("adrs-parameters")
    measurements, subjects = tmp / "measurements.csv", tmp / "subjects.csv"
    tu, tr = DATA / "tu_onco_recist.csv", DATA / "tr_onco_recist.csv"
    imported = ["sdtm-import", str(tu), str(tr), "--impute-dates", "last", "-o", str(measurements)]
    assert main(imported) == 0
    randomized = {r["USUBJID"]: (r["RANDDT"], r["DTHDT"]) for r in PHARMAVERSE}
    subjects.write_text(
        "subject_id,randomization_date,death_date\n"
        + "".join(f"{s},{r},{d}\n" for s, (r, d) in randomized.items())
    )
    return measurements, subjects


def export(inputs: tuple[Path, Path], out: Path, *more: str) -> list[Row]:
    measurements, subjects = inputs
    args = ["export", "adrs", str(measurements), "--subjects", str(subjects), "-o", str(out)]
    assert main([*args, *ADMIRALONCO, *more]) == 0
    return read(out) if out.suffix == ".csv" else []


@pytest.fixture(scope="module")
def investigator(inputs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    out = tmp_path_factory.mktemp("investigator") / "adrs.csv"
    return export(inputs, out, "--reader", "INVESTIGATOR")


@pytest.fixture(scope="module")
def every_read(inputs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    return export(inputs, tmp_path_factory.mktemp("every-read") / "adrs.csv")


def param(rows: list[Row], subject: str, code: str, reader: str = "") -> Row:
    (row,) = [
        r for r in rows
        if r["USUBJID"] == subject and r["PARAMCD"] == code
        and reader in ("", r["RSEVALID"] or r["RSEVAL"])
    ]  # fmt: skip
    return row


@pytest.mark.parametrize("code", NEW)
@pytest.mark.parametrize("subject", SUBJECTS)
def test_parameter_agrees_with_admiralonco(
    investigator: list[Row], subject: str, code: str
) -> None:
    ours, theirs = param(investigator, subject, code), param(PHARMAVERSE, subject, code)
    fields = ("PARAM", "AVALC", "AVAL", "ADT", "AVISIT", "ANL01FL", "ANL02FL")
    expected = {f: theirs[f] for f in fields}
    if (subject, code) == CBCP_BUG:
        assert (expected["AVALC"], param(PHARMAVERSE, subject, "CBOR")["AVALC"]) == ("N", "PR")
        expected |= {"AVALC": "Y", "AVAL": "1", "ADT": "2014-04-23", "AVISIT": "WEEK 6",
                     "ANL02FL": "Y"}  # fmt: skip
    assert {f: ours[f] for f in fields} == expected
    assert ours["PARCAT1"] == ("Reference Event" if code == "DEATH" else "Tumor Response")
    assert ours["STARTDT"] == theirs["RANDDT"]
    # By design: an N record names its read; admiralonco's (from ADSL) has no evaluator.
    assert ours["RSEVAL"] == ("" if code == "DEATH" else "INVESTIGATOR")
    assert theirs["RSEVAL"] in (ours["RSEVAL"], "")


@pytest.mark.parametrize("code", ["OVR", "BOR", "CBOR"])
def test_param_wording_is_admiralonco_s(investigator: list[Row], code: str) -> None:
    ours = {r["PARAM"] for r in investigator if r["PARAMCD"] == code}
    assert ours == {r["PARAM"] for r in PHARMAVERSE if r["PARAMCD"] == code}


def _reader(row: Row) -> str:
    return row["RSEVALID"] or row["RSEVAL"]


def _reads(rows: list[Row]) -> list[tuple[str, str]]:
    return sorted({(r["USUBJID"], _reader(r)) for r in rows if r["RSEVAL"]})


def test_every_read_has_each_parameter_once_and_death_once_per_subject(
    every_read: list[Row],
) -> None:
    reads = _reads(every_read)
    assert len(reads) == 24  # 8 subjects x investigator + 2 radiologists
    for subject, reader in reads:
        for code in ("BOR", "CBOR", "DCR6M", *NEW[:-1]):
            assert param(every_read, subject, code, reader)
    deaths = [
        (r["USUBJID"], r["RSEVAL"], r["AVALC"]) for r in every_read if r["PARAMCD"] == "DEATH"
    ]
    assert deaths == [(s, "", "N") for s in SUBJECTS]


def test_derived_parameters_follow_the_engine_s_results(every_read: list[Row]) -> None:
    """For all 24 reads: PD is the first OVR PD, RSP / BCP follow BOR, CB follows BOR's disease
    control, CRSP / CBCP follow CBOR, LSTA is the last OVR flagged ANL01FL."""
    for subject, reader in _reads(every_read):
        ovr = [
            r for r in every_read
            if r["PARAMCD"] == "OVR" and (r["USUBJID"], _reader(r)) == (subject, reader)
        ]  # fmt: skip
        bor, cbor = (
            param(every_read, subject, "BOR", reader),
            param(every_read, subject, "CBOR", reader),
        )
        first_pd = next((r for r in ovr if r["AVALC"] == "PD"), None)
        pd = param(every_read, subject, "PD", reader)
        assert (pd["AVALC"], pd["ADT"]) == (("Y", first_pd["ADT"]) if first_pd else ("N", ""))
        responded = bor["AVALC"] in ("CR", "PR")
        assert param(every_read, subject, "RSP", reader)["AVALC"] == ("Y" if responded else "N")
        assert param(every_read, subject, "BCP", reader)["ADT"] == (bor["ADT"] if responded else "")
        controlled = bor["AVALC"] in ("CR", "PR", "SD", "NON-CR/NON-PD")
        assert param(every_read, subject, "CB", reader)["AVALC"] == ("Y" if controlled else "N")
        confirmed = "Y" if cbor["AVALC"] in ("CR", "PR") else "N"
        for code in ("CRSP", "CBCP"):
            assert param(every_read, subject, code, reader)["AVALC"] == confirmed
        last = [r for r in ovr if r["ANL01FL"] == "Y"][-1]
        lsta = param(every_read, subject, "LSTA", reader)
        assert (lsta["AVISIT"], lsta["ADT"], lsta["AVALC"]) == (
            last["AVISIT"],
            last["ADT"],
            last["AVALC"],
        )


def test_death_from_the_subjects_file(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    measurements, _ = inputs
    subjects = tmp_path / "subjects.csv"
    dead, alive = SUBJECTS[0], SUBJECTS[1]
    subjects.write_text(
        f"subject_id,randomization_date,death_date\n{dead},2014-01-02,2014-05-01\n{alive},,\n"
    )
    rows = export((measurements, subjects), tmp_path / "adrs.csv", "--reader", "INVESTIGATOR")
    death = param(rows, dead, "DEATH")
    assert (death["AVALC"], death["AVAL"], death["ADT"], death["PARAM"]) == (
        "Y",
        "1",
        "2014-05-01",
        "Death",
    )
    assert (param(rows, alive, "DEATH")["AVALC"], param(rows, alive, "DEATH")["ADT"]) == ("N", "")


def test_no_death_records_without_a_death_date_column(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    measurements, _ = inputs
    subjects = tmp_path / "subjects.csv"
    subjects.write_text("subject_id,randomization_date\n" + "".join(f"{s},\n" for s in SUBJECTS))
    rows = export((measurements, subjects), tmp_path / "adrs.csv")
    assert rows and not [r for r in rows if r["PARAMCD"] == "DEATH"]


def test_sas_transport_round_trip_with_every_parameter(
    inputs: tuple[Path, Path], tmp_path: Path, every_read: list[Row]
) -> None:
    import pyreadstat

    export(inputs, tmp_path / "adrs.xpt")
    data, meta = pyreadstat.read_xport(str(tmp_path / "adrs.xpt"), output_format="dict")
    assert meta.table_name == "ADRS" and list(data) == list(every_read[0])
    assert {r["PARAMCD"] for r in every_read} >= {"OVR", "BOR", "CBOR", "DCR6M", *NEW}
    for name, values in data.items():
        got = [_text(v) for v in values]
        assert got == [r[name] for r in every_read], name


def _text(value: object) -> str:
    if isinstance(value, float):
        return "" if value != value else (str(int(value)) if value.is_integer() else str(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return "" if value is None else str(value)


def test_bad_death_date_leaves_the_output_untouched(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measurements, _ = inputs
    subjects, out = tmp_path / "subjects.csv", tmp_path / "adrs.csv"
    subjects.write_text(f"subject_id,death_date\n{SUBJECTS[0]},2014-13-01\n")
    out.write_text("kept\n")
    args = ["export", "adrs", str(measurements), "--subjects", str(subjects), "-o", str(out)]
    assert main(args) == 2
    assert f"{subjects}:2: death_date" in capsys.readouterr().err
    assert out.read_text() == "kept\n"


def test_rsseq_points_at_the_same_rs_record_as_admiralonco_s(
    inputs: tuple[Path, Path], investigator: list[Row], tmp_path: Path
) -> None:
    """Both carry RS's RSSEQ (of the overall response a record comes from); the numbers differ
    (our RS has four tests per visit and every read, pharmaverse's RS the overall responses),
    the records they point at do not: same visit and response, for every record that has one.
    (The CBCP of 01-701-1118, Y in ours, N without RSSEQ in theirs, is not among them.)
    """
    measurements, subjects = inputs
    out = tmp_path / "rs.csv"
    assert main(["export", "sdtm-rs", str(measurements), "--subjects", str(subjects),
                 "-o", str(out)]) == 0  # fmt: skip
    our_rs = {(r["USUBJID"], r["RSSEQ"]): r for r in read(out)}
    their_rs = {(r["USUBJID"], r["RSSEQ"]): r for r in read(DATA / "rs_onco_recist.csv")}
    pointing = [r for r in PHARMAVERSE if r["RSSEQ"]]
    for theirs in pointing:
        subject, code = theirs["USUBJID"], theirs["PARAMCD"]
        if code == "OVR":
            key = (subject, code, theirs["ADT"])
            (ours,) = [r for r in investigator if (r["USUBJID"], r["PARAMCD"], r["ADT"]) == key]
        else:
            ours = param(investigator, subject, code)
        mine, their = our_rs[(subject, ours["RSSEQ"])], their_rs[(subject, theirs["RSSEQ"])]
        assert (mine["RSTESTCD"], their["RSTESTCD"]) == ("OVRLRESP", "OVRLRESP")
        assert (mine["VISIT"], mine["RSSTRESC"], mine["RSEVAL"]) == (
            their["VISIT"], their["RSSTRESC"], their["RSEVAL"]
        )  # fmt: skip
    assert len(pointing) == 70
