"""define.xml 2.1 (CDISC Define-XML v2.1, ODM 1.3.2) of the datasets ``recist export`` writes.

Written from the ``OutputDataset`` objects that write the XPT files (one source of truth): the
dataset name and label, each column's name, label and type, and from the values: a text
variable's Length is its longest value in bytes (at least 1, what SAS transport stores), a
number's Length its most digits (DataType integer, or float with SignificantDigits), a date is
an integer with DisplayFormat DATE9. (a SAS date, as the XPT writes it). Codelists list the
values present (PARAMCD decoded by PARAM, RSTESTCD by RSTEST). Origins, derivations and
comments, dataset classes, structures and keys: ``recist.cdisc.metadata``. A Derived variable
has a MethodDef (its derivation), any other a CommentDef (where it comes from); a Collected one
names its def:Source, a Predecessor its predecessor.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from recist.cdisc.datasets import Column, OutputDataset, Value
from recist.cdisc.metadata import DATASETS, describe
from recist.io.outputs import replace_file

ODM = "http://www.cdisc.org/ns/odm/v1.3"
DEF = "http://www.cdisc.org/ns/def/v2.1"
XLINK = "http://www.w3.org/1999/xlink"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STANDARDS = {"SDTM": ("STD.SDTMIG", "SDTMIG", "3.4"), "ADaM": ("STD.ADAMIG", "ADaMIG", "1.3")}
DECODES = {"PARAMCD": "PARAM", "RSTESTCD": "RSTEST"}


def _o(tag: str) -> str:
    return f"{{{ODM}}}{tag}"


def _d(tag: str) -> str:
    return f"{{{DEF}}}{tag}"


def _text(parent: ET.Element, words: str, tag: str = "Description") -> ET.Element:
    element = ET.SubElement(parent, _o(tag))
    translated = ET.SubElement(element, _o("TranslatedText"), {XML_LANG: "en"})
    translated.text = words
    return element


def text_length(values: list[Value]) -> int:
    """The length SAS transport stores for a text variable: its longest value in bytes."""
    return max([1, *(len(_csv(v).encode("utf-8")) for v in values)])


def _csv(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _number_type(values: list[Value]) -> tuple[str, int, int]:
    """DataType, Length (digits) and SignificantDigits (decimals) of a numeric variable."""
    numbers = [Decimal(str(v)) for v in values if v is not None]
    decimals = max(
        [0, *(-e for n in numbers if isinstance(e := n.as_tuple().exponent, int) and e < 0)]
    )
    digits = max([1, *(len(n.as_tuple().digits) for n in numbers)])
    return ("float" if decimals else "integer"), max(digits, decimals + 1), decimals


def define_xml(datasets: list[OutputDataset], created: dt.datetime | None = None) -> ET.Element:
    """The ODM element of define.xml describing ``datasets``."""
    for prefix, uri in (("", ODM), ("def", DEF), ("xlink", XLINK)):
        ET.register_namespace(prefix, uri)
    when = (created or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    study = next((str(d.rows[0][0]) for d in datasets if d.rows), "STUDY")
    odm = ET.Element(_o("ODM"), {
        "ODMVersion": "1.3.2", "FileType": "Snapshot", "FileOID": f"DEFINE.{study}",
        "CreationDateTime": when, "Originator": "recist", "SourceSystem": "recist",
        _d("Context"): "Submission",
    })  # fmt: skip
    study_element = ET.SubElement(odm, _o("Study"), {"OID": f"STUDY.{study}"})
    globals_ = ET.SubElement(study_element, _o("GlobalVariables"))
    for tag, value in (("StudyName", study), ("StudyDescription", study), ("ProtocolName", study)):
        ET.SubElement(globals_, _o(tag)).text = value
    version = ET.SubElement(study_element, _o("MetaDataVersion"), {
        "OID": f"MDV.{study}", "Name": f"{study} RECIST 1.1 datasets",
        _d("DefineVersion"): "2.1.0",
    })  # fmt: skip
    standards = ET.SubElement(version, _d("Standards"))
    for oid, name, number in STANDARDS.values():
        ET.SubElement(standards, _d("Standard"), {
            "OID": oid, "Name": name, "Type": "IG", "Version": number, "Status": "Final",
        })  # fmt: skip
    items, codelists, methods, comments = [], [], [], []
    for dataset in datasets:
        group = _item_group(version, dataset)
        for order, column in enumerate(dataset.columns, start=1):
            values = [row[order - 1] for row in dataset.rows]
            oid = f"IT.{dataset.name}.{column.name}"
            meta = describe(dataset.name, column.name)
            keys = DATASETS[dataset.name].keys
            ref = {"ItemOID": oid, "OrderNumber": str(order),
                   "Mandatory": "Yes" if values and all(v not in (None, "") for v in values)
                   else "No"}  # fmt: skip
            if column.name in keys:
                ref["KeySequence"] = str(keys.index(column.name) + 1)
            derived = meta.origin == "Derived"
            if derived:
                ref["MethodOID"] = f"MT.{dataset.name}.{column.name}"
                methods.append((ref["MethodOID"], column, meta.text))
            ET.SubElement(group, _o("ItemRef"), ref)
            item = _item(dataset, column, values, oid)
            if not derived:
                item.set(_d("CommentOID"), f"COM.{dataset.name}.{column.name}")
                comments.append((f"COM.{dataset.name}.{column.name}", meta.text))
            if meta.codelist and any(v not in (None, "") for v in values):
                codelist = f"CL.{dataset.name}.{column.name}"
                ET.SubElement(item, _o("CodeListRef"), {"CodeListOID": codelist})
                codelists.append((codelist, dataset, column))
            kind = meta.origin
            if kind == "Collected" and not DATASETS[dataset.name].sdtm:
                kind = "Predecessor"
            origin = ET.SubElement(item, _d("Origin"), {"Type": kind})
            if kind == "Collected":
                origin.set(_d("Source"), meta.source)
            if kind == "Predecessor":
                _text(origin, meta.text)
            items.append(item)
        klass = ET.SubElement(group, _d("Class"), {"Name": DATASETS[dataset.name].klass})
        if DATASETS[dataset.name].subclass:
            ET.SubElement(klass, _d("SubClass"), {"Name": DATASETS[dataset.name].subclass})
        ET.SubElement(group, _d("leaf"), {
            "ID": f"LF.{dataset.name}", f"{{{XLINK}}}href": f"{dataset.name.lower()}.xpt",
        }).append(_title(f"{dataset.name.lower()}.xpt"))  # fmt: skip
    version.extend(items)
    for oid, dataset, column in codelists:
        version.append(_codelist(oid, dataset, column))
    for oid, column, words in methods:
        method = ET.SubElement(version, _o("MethodDef"), {
            "OID": oid, "Name": f"Algorithm to derive {column.name}", "Type": "Computation",
        })  # fmt: skip
        _text(method, words)
    for oid, words in comments:
        _text(ET.SubElement(version, _d("CommentDef"), {"OID": oid}), words)
    return odm


def _title(words: str) -> ET.Element:
    title = ET.Element(_d("title"))
    title.text = words
    return title


def _item_group(version: ET.Element, dataset: OutputDataset) -> ET.Element:
    meta = DATASETS[dataset.name]
    standard = STANDARDS["SDTM" if meta.sdtm else "ADaM"][0]
    group = ET.SubElement(version, _o("ItemGroupDef"), {
        "OID": f"IG.{dataset.name}", "Name": dataset.name, "SASDatasetName": dataset.name,
        "Repeating": "No" if dataset.name == "ADSL" else "Yes",
        "IsReferenceData": "No", "Purpose": "Tabulation" if meta.sdtm else "Analysis",
        _d("Structure"): meta.structure, _d("StandardOID"): standard,
        _d("ArchiveLocationID"): f"LF.{dataset.name}",
        **({"Domain": dataset.name} if meta.sdtm else {}),
    })  # fmt: skip
    _text(group, dataset.label)
    return group


def _item(dataset: OutputDataset, column: Column, values: list[Value], oid: str) -> ET.Element:
    attributes = {"OID": oid, "Name": column.name, "SASFieldName": column.name}
    if column.kind == "char":
        attributes |= {"DataType": "text", "Length": str(text_length(values))}
    elif column.kind == "date":
        attributes |= {"DataType": "integer", "Length": "8", _d("DisplayFormat"): "DATE9."}
    else:
        kind, digits, decimals = _number_type(values)
        attributes |= {"DataType": kind, "Length": str(digits)}
        if decimals:
            attributes["SignificantDigits"] = str(decimals)
    item = ET.Element(_o("ItemDef"), attributes)
    _text(item, column.label)
    return item


def _codelist(oid: str, dataset: OutputDataset, column: Column) -> ET.Element:
    names = [c.name for c in dataset.columns]
    index = names.index(column.name)
    decode = names.index(DECODES[column.name]) if DECODES.get(column.name) in names else None
    found: dict[str, str] = {}
    for row in dataset.rows:
        value = _csv(row[index])
        if value and value not in found:
            found[value] = _csv(row[decode]) if decode is not None else ""
    data_type = "text" if column.kind == "char" else "integer"
    codelist = ET.Element(_o("CodeList"), {
        "OID": oid, "Name": f"{dataset.name} {column.name}", "DataType": data_type,
    })  # fmt: skip
    for order, (value, words) in enumerate(sorted(found.items()), start=1):
        if decode is not None:
            item = ET.SubElement(codelist, _o("CodeListItem"), {
                "CodedValue": value, "OrderNumber": str(order),
            })  # fmt: skip
            _text(item, words, "Decode")
        else:
            ET.SubElement(codelist, _o("EnumeratedItem"), {
                "CodedValue": value, "OrderNumber": str(order),
            })  # fmt: skip
    return codelist


def write_define(datasets: list[OutputDataset], destination: Path) -> None:
    """Write the define.xml of ``datasets`` to ``destination`` (replaced in one rename)."""
    tree = ET.ElementTree(define_xml(datasets))
    ET.indent(tree)
    replace_file(
        destination, lambda temporary: tree.write(temporary, encoding="UTF-8", xml_declaration=True)
    )
