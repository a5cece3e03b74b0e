"""``recist export define``: the define.xml 2.1 of every dataset ``recist export`` writes,
checked structurally: well-formed, every variable of every dataset described (ItemRef, ItemDef
with its label and type, an origin, a derivation or a comment), lengths that agree with the
XPT files the same options write, codelists that hold the values present."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cdisc_kit import RELUTH, pharmaverse_inputs, read, reluth_adsl_subjects

from recist.cdisc.metadata import VARIABLES
from recist.cli import main

NS = {
    "odm": "http://www.cdisc.org/ns/odm/v1.3",
    "def": "http://www.cdisc.org/ns/def/v2.1",
    "xlink": "http://www.w3.org/1999/xlink",
}
KINDS = {"RS": "sdtm-rs", "ADRS": "adrs", "ADTTE": "adtte", "ADTR": "adtr", "ADSL": "adsl"}
RELUTH_ARGS = ["--study-id", "RELUTH", "--strata", "dc_duration", "gfr"]
#: define.xml's root, the export arguments and the folder of one case.
Case = tuple[ET.Element, list[str], Path]


def inputs(case: str, folder: Path) -> tuple[Path, Path, list[str]]:
    if case == "example trial":
        return RELUTH / "measurements.csv", RELUTH / "subjects.csv", RELUTH_ARGS
    if case == "example trial, every ADSL column":
        return RELUTH / "measurements.csv", reluth_adsl_subjects(folder), RELUTH_ARGS
    measurements, subjects = pharmaverse_inputs(folder)
    return measurements, subjects, ["--sd-min-days", "42"]


@pytest.fixture(
    scope="module", params=["example trial", "pharmaverse", "example trial, every ADSL column"]
)
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Case:
    folder = tmp_path_factory.mktemp("define")
    measurements, subjects, more = inputs(request.param, folder)
    define = folder / "define.xml"
    args = [str(measurements), "--subjects", str(subjects), *more]
    assert main(["export", "define", *args, "-o", str(define)]) == 0
    return ET.parse(define).getroot(), args, folder


def test_every_dataset_and_variable_is_described(case: Case) -> None:
    root, args, folder = case
    version = root.find("odm:Study/odm:MetaDataVersion", NS)
    assert version is not None and version.get(f"{{{NS['def']}}}DefineVersion") == "2.1.0"
    groups = {g.get("Name"): g for g in version.findall("odm:ItemGroupDef", NS)}
    with_adsl = "arm" in (Path(args[2]).read_text().splitlines()[0].split(","))
    assert set(groups) == {"RS", "ADRS", "ADTTE", "ADTR"} | ({"ADSL"} if with_adsl else set())
    items = {i.get("OID"): i for i in version.findall("odm:ItemDef", NS)}
    methods = {m.get("OID") for m in version.findall("odm:MethodDef", NS)}
    comments = {c.get("OID") for c in version.findall("def:CommentDef", NS)}
    codelists = {c.get("OID"): c for c in version.findall("odm:CodeList", NS)}
    for name, group in groups.items():
        rows = _export(KINDS[name], args, folder / f"{name}.csv")
        refs = group.findall("odm:ItemRef", NS)
        assert [items[r.get("ItemOID")].get("Name") for r in refs] == list(rows[0])
        klass = group.find("def:Class", NS)
        assert klass is not None and klass.get("Name") == (
            "FINDINGS" if name == "RS" else "SUBJECT LEVEL ANALYSIS DATASET" if name == "ADSL"
            else "BASIC DATA STRUCTURE")  # fmt: skip
        subclass = klass.find("def:SubClass", NS)
        assert (subclass is not None) == (name == "ADTTE")
        leaf = group.find("def:leaf", NS)
        assert leaf is not None and leaf.get(f"{{{NS['xlink']}}}href") == f"{name.lower()}.xpt"
        for ref in refs:
            item = items[ref.get("ItemOID")]
            variable = item.get("Name")
            label = item.find("odm:Description/odm:TranslatedText", NS)
            assert label is not None and label.text, variable
            origin = item.find("def:Origin", NS)
            assert origin is not None, variable
            kind = origin.get("Type")
            # ADaM takes what was collected from SDTM or the subjects file: a predecessor
            allowed = ("Collected", "Derived", "Assigned") if name == "RS" else (
                "Predecessor", "Derived", "Assigned")  # fmt: skip
            assert kind in allowed, f"{name}.{variable} {kind}"
            if kind == "Collected":
                assert origin.get(f"{{{NS['def']}}}Source") in ("Sponsor", "Vendor"), variable
            if kind == "Predecessor":
                assert origin.findtext("odm:Description/odm:TranslatedText", "", NS), variable
            if kind == "Derived":
                assert ref.get("MethodOID") in methods, f"{name}.{variable} has no derivation"
            else:
                comment = item.get(f"{{{NS['def']}}}CommentOID")
                assert comment in comments, f"{name}.{variable} has no comment"
            values = [r[variable] for r in rows]
            mandatory = "Yes" if all(values) else "No"
            assert ref.get("Mandatory") == mandatory, variable
            codelist = item.find("odm:CodeListRef", NS)
            if codelist is not None:
                listed = codelists[codelist.get("CodeListOID")]
                coded = {c.get("CodedValue") for c in listed}
                assert coded == {v for v in values if v}, variable
                if variable == "PARAMCD":
                    decodes = {
                        c.get("CodedValue"): c.findtext("odm:Decode/odm:TranslatedText", "", NS)
                        for c in listed
                    }
                    assert decodes == {r["PARAMCD"]: r["PARAM"] for r in rows}


def _export(kind: str, args: list[str], out: Path) -> list[dict[str, str]]:
    assert main(["export", kind, *args, "-o", str(out)]) == 0
    return read(out) if out.suffix == ".csv" else []


def test_lengths_agree_with_the_xpt(case: Case) -> None:
    import pyreadstat

    root, args, folder = case
    version = root.find("odm:Study/odm:MetaDataVersion", NS)
    assert version is not None
    items = {i.get("OID"): i for i in version.findall("odm:ItemDef", NS)}
    checked = 0
    for group in version.findall("odm:ItemGroupDef", NS):
        name = group.get("Name")
        xpt = folder / f"{str(name).lower()}.xpt"
        _export(KINDS[str(name)], args, xpt)
        _, meta = pyreadstat.read_xport(str(xpt), metadataonly=True)
        widths = meta.variable_storage_width
        labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
        for ref in group.findall("odm:ItemRef", NS):
            item = items[ref.get("ItemOID")]
            variable = str(item.get("Name"))
            text = item.find("odm:Description/odm:TranslatedText", NS)
            assert text is not None and labels[variable] == text.text
            if item.get("DataType") == "text":
                assert int(str(item.get("Length"))) == widths[variable], f"{name}.{variable}"
                checked += 1
            else:
                assert widths[variable] == 8  # SAS numbers (and dates) are 8-byte doubles
    assert checked > 40


def test_the_metadata_table_has_nothing_unused() -> None:
    """Every entry of ``recist.cdisc.metadata.VARIABLES`` names a variable some dataset
    writes (the table stays the datasets' own)."""
    from recist.cdisc.adrs import ADRS_COLUMNS
    from recist.cdisc.adsl import ADSL_VARIABLES
    from recist.cdisc.adtr import ADTR_COLUMNS
    from recist.cdisc.adtte import ADTTE_COLUMNS
    from recist.cdisc.rs import RS_COLUMNS

    tables = {"RS": RS_COLUMNS, "ADRS": ADRS_COLUMNS, "ADTTE": ADTTE_COLUMNS,
              "ADTR": ADTR_COLUMNS,
              "ADSL": ADSL_VARIABLES}  # fmt: skip
    written = {c.name for columns in tables.values() for c in columns} | {"STRATR"}
    for key in VARIABLES:
        dataset, _, name = key.rpartition(".")
        assert name in (written if not dataset else {c.name for c in tables[dataset]}), key


def test_define_needs_an_xml_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "define.csv"
    with pytest.raises(SystemExit) as stop:
        main(["export", "define", str(RELUTH / "measurements.csv"), "--study-id", "R",
              "-o", str(out)])  # fmt: skip
    assert stop.value.code == 2
    assert "define needs -o FILE.xml" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("kind", ["define", "adtr"])
def test_a_place_that_cannot_take_the_output_is_exit_2_and_touches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:  # fmt: skip
    import errno
    import os
    import tempfile

    argv = ["export", kind, str(RELUTH / "measurements.csv"), "--subjects",
            str(RELUTH / "subjects.csv"), "--study-id", "R"]  # fmt: skip
    suffix = ".xml" if kind == "define" else ".xpt"
    kept = tmp_path / f"kept{suffix}"
    kept.write_bytes(b"kept")
    cases = [
        (tmp_path / "missing" / f"out{suffix}", "does not exist (No such file or directory)"),
        (kept, "cannot write here (Permission denied)"),
    ]
    for target, words in cases:
        if target == kept:

            def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
                raise OSError(errno.EACCES, os.strerror(errno.EACCES))

            monkeypatch.setattr(tempfile, "mkstemp", refuse)
        assert main([*argv, "-o", str(target)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"{target}: ") and words in err and "Traceback" not in err, err
    assert kept.read_bytes() == b"kept"
    assert [p.name for p in tmp_path.iterdir()] == [kept.name]
