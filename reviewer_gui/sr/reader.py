"""A TID 1500 Measurement Report back as entries of a read.

Our SRs (``reviewer_gui.sr.writer``) give back every lesion of the timepoint: its id,
category, organ and free text, its state and reason, and its measured fragments with both
axes (image, end points, length) and the signature. Another tool's SR (OHIF's Length and
Bidirectional, through dcmjs) gives its measurements: the tracking identifier and UID, the
axes and the finding site where it has one; the lesion id, category and state are then
unknown (``""`` / ``None``) and a person assigns them.

SCOORD Graphic Data is 32-bit floating point (FL): end points come back as the 32-bit
values that were written (:func:`float32`), lengths exactly (NUM values are decimal strings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset

from reviewer_gui.reading import (
    NODE_ORGAN,
    AxisMeasurement,
    Category,
    Point,
    ReadView,
    Segment,
    Signature,
    State,
)
from reviewer_gui.sr import codes as c

MEASUREMENTS = ("126010", "DCM")
GROUP = ("125007", "DCM")
TRACKING_ID = ("112039", "DCM")
TRACKING_UID = ("112040", "DCM")
FINDING = ("121071", "DCM")
FINDING_SITE = ("363698007", "SCT")
TIME_POINT_ID = ("126070", "DCM")
#: TID 1502's "Time Point" (UMLS), which dcmqi (3D Slicer) writes instead.
TIME_POINT = ("C2348792", "UMLS")
OBSERVER = ("121008", "DCM")


class NotAMeasurementReport(ValueError):
    """The file is not a TID 1500 Measurement Report; the message says what it is."""


@dataclass(frozen=True, slots=True)
class SrAxis:
    """One measured diameter: the image it lies on, its end points (our pixel indices: row,
    column, the first pixel's centre at 0, 0) and its length in mm."""

    sop_instance_uid: str
    segment: Segment
    length_mm: Decimal


@dataclass(frozen=True, slots=True)
class SrFragment:
    name: str
    long_axis: SrAxis
    short_axis: SrAxis | None = None


@dataclass(frozen=True, slots=True)
class SrEntry:
    """A lesion at the SR's timepoint (fragments in the order written)."""

    lesion_id: str
    category: Category | None
    organ: str | None
    detail: str
    is_node: bool
    state: State | None
    reason: str
    fragments: tuple[SrFragment, ...]
    tracking_uid: str
    tracking_identifier: str
    #: Measured values without end points on an image (3D Slicer's, through dcmqi: derived
    #: from a segmentation), ``(concept name, value)``: shown, never a diameter of the read.
    values: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class SrRead:
    """What an SR holds: subject (Patient ID), reader (the observer), timepoint, entries,
    signature (the verifying observer, with our meaning), and the timepoint's responses."""

    case_id: str
    reader: str
    timepoint: str
    entries: tuple[SrEntry, ...]
    signature: Signature | None
    responses: dict[str, str]


def read_sr(source: Path | Dataset) -> SrRead:
    """Read a TID 1500 SR (a file or a dataset)."""
    dataset = source if isinstance(source, Dataset) else pydicom.dcmread(source)
    templates = dataset.get("ContentTemplateSequence") or [Dataset()]
    if templates[0].get("TemplateIdentifier") != "1500":
        raise NotAMeasurementReport(f"{getattr(source, 'name', 'dataset')}: not a TID 1500 "
                                    "Measurement Report (no ContentTemplateSequence 1500)")
    root = list(dataset.get("ContentSequence", []))
    reader = next((_pn(i.PersonName) for i in root if _is(i, OBSERVER)), "")
    containers = [i for i in root if _is(i, MEASUREMENTS)]
    groups = [g for box in containers for g in box.get("ContentSequence", []) if _is(g, GROUP)]
    pieces: list[tuple[SrEntry, str]] = []
    timepoint, meaning, responses = "", "", {}
    for group in groups:
        items = list(group.get("ContentSequence", []))
        timepoint = timepoint or _text(items, TIME_POINT_ID) or _text(items, TIME_POINT)
        if _text(items, TRACKING_ID) == c.SUMMARY_TRACKING:
            meaning = _text(items, _key(c.SIGNATURE_MEANING))
            responses = {field: c.response_text(field, _code(items, _key(name)))
                         for field, name in c.RESPONSE_NAMES.items() if _code(items, _key(name))}
            continue
        pieces.append((_entry(items), _text(items, _key(c.LESION_ID))))
    return SrRead(str(dataset.get("PatientID", "")), reader, timepoint, _merge(pieces),
                  _signature(dataset, meaning), responses)  # fmt: skip


def _entry(items: list[Dataset]) -> SrEntry:
    finding = _code(items, FINDING)
    category = next((cat for cat, code in c.CATEGORY_FINDINGS.items() if c.same(finding, code)),
                    None)  # fmt: skip
    site = _code(items, FINDING_SITE)
    organ = next((o for o, code in c.ORGAN_SITES.items() if c.same(site, code)), None)
    state_code = _code(items, _key(c.STATE_NAME))
    state = next((s for s, code in c.STATE_VALUES.items() if c.same(state_code, code)), None)
    nums = {_meaning(i): axis for i in items
            if i.ValueType == "NUM" and i.RelationshipType == "CONTAINS"
            and (axis := _axis(i)) is not None}  # fmt: skip
    values = tuple((_meaning(i), value) for i in items
                   if i.ValueType == "NUM" and i.RelationshipType == "CONTAINS"
                   and _meaning(i) not in nums and (value := _value(i)) is not None)  # fmt: skip
    short = nums.pop("Short Axis", None)
    long = nums.get("Long Axis") or nums.get("Length") or next(iter(nums.values()), None)
    fragments: tuple[SrFragment, ...] = ()
    if long is not None:
        fragments = (SrFragment(_text(items, _key(c.FRAGMENT)), long, short),)
        state = state or State.PRESENT
    return SrEntry(
        lesion_id="", category=category, organ=organ,
        detail=_text(items, _key(c.LOCATION_DETAIL)), is_node=organ == NODE_ORGAN,
        state=state, reason=_text(items, _key(c.REASON)), fragments=fragments,
        tracking_uid=next((i.UID for i in items if _is(i, TRACKING_UID)), ""),
        tracking_identifier=_text(items, TRACKING_ID), values=values)  # fmt: skip


def _merge(pieces: Sequence[tuple[SrEntry, str]]) -> tuple[SrEntry, ...]:
    """One entry per lesion: our groups of one split target's fragments become one entry."""
    merged: dict[str, SrEntry] = {}
    anonymous = []
    for entry, lesion_id in pieces:
        if not lesion_id:
            anonymous.append(entry)
            continue
        if lesion_id in merged:
            first = merged[lesion_id]
            merged[lesion_id] = replace(first, fragments=first.fragments + entry.fragments)
        else:
            merged[lesion_id] = replace(entry, lesion_id=lesion_id)
    return (*merged.values(), *anonymous)


def _axis(num: Dataset) -> SrAxis | None:
    """A diameter: a NUM with its own SCOORD POLYLINE of two points on an image (an area's
    outline, a point or a NUM without coordinates is not one)."""
    value = _value(num)
    scoord = next((i for i in num.get("ContentSequence", []) if i.ValueType == "SCOORD"), None)
    if (value is None or scoord is None or scoord.get("GraphicType") != "POLYLINE"
            or len(scoord.GraphicData) != 4):  # fmt: skip
        return None
    x0, y0, x1, y1 = (float(v) for v in scoord.GraphicData)
    image = scoord.ContentSequence[0].ReferencedSOPSequence[0]
    segment = Segment(Point(y0 - 0.5, x0 - 0.5), Point(y1 - 0.5, x1 - 0.5))
    return SrAxis(str(image.ReferencedSOPInstanceUID), segment, value)


def _value(num: Dataset) -> Decimal | None:
    """A NUM's value (``None``: no value, e.g. dcmqi's NaN with a reason instead)."""
    measured = num.get("MeasuredValueSequence") or []
    return Decimal(str(measured[0].NumericValue)) if measured else None


def _signature(dataset: Dataset, meaning: str) -> Signature | None:
    verified = dataset.get("VerificationFlag") == "VERIFIED"
    if not verified or not dataset.get("VerifyingObserverSequence"):
        return None
    observer = dataset.VerifyingObserverSequence[0]
    at = dt.datetime.strptime(str(observer.VerificationDateTime)[:21], "%Y%m%d%H%M%S.%f")
    return Signature(_pn(observer.VerifyingObserverName), at.replace(tzinfo=dt.UTC), meaning)


def float32(segment: Segment) -> Segment:
    """``segment`` as SCOORD keeps it: each coordinate (+0.5) as a 32-bit float."""
    def keep(v: float) -> float:
        return float(np.float32(v + 0.5)) - 0.5

    return Segment(Point(keep(segment.start.row), keep(segment.start.col)),
                   Point(keep(segment.end.row), keep(segment.end.col)))  # fmt: skip


def _key(code: object) -> tuple[str, str]:
    return (code.value, code.scheme_designator)  # type: ignore[attr-defined]


def _is(item: Dataset, key: tuple[str, str]) -> bool:
    names = item.get("ConceptNameCodeSequence") or [Dataset()]
    return (names[0].get("CodeValue"), names[0].get("CodingSchemeDesignator")) == key


def _meaning(item: Dataset) -> str:
    return str(item.ConceptNameCodeSequence[0].CodeMeaning)


def _matching(items: list[Dataset], key: tuple[str, str]) -> Iterator[Dataset]:
    return (i for i in items if _is(i, key))


def _text(items: list[Dataset], key: tuple[str, str]) -> str:
    return next((str(i.TextValue) for i in _matching(items, key) if "TextValue" in i), "")


def _code(items: list[Dataset], key: tuple[str, str]) -> Dataset:
    found = next((i for i in _matching(items, key) if i.get("ConceptCodeSequence")), None)
    return found.ConceptCodeSequence[0] if found is not None else Dataset()


def _pn(value: object) -> str:
    return str(value).rstrip("^")


def entries_of(read: ReadView, label: str) -> tuple[SrEntry, ...]:
    """The entries of ``read`` at ``label`` as our SR keeps them (end points as 32-bit
    floats): what :func:`read_sr` gives back from the SR of that timepoint."""
    from reviewer_gui.sr.writer import tool_of, tracking_uid

    entries = []
    for lesion in read.ordered_lesions:
        observation = read.observation(label, lesion.lesion_id)
        if observation is None:
            continue
        fragments = tuple(SrFragment(f.name, _kept(f.long_axis),
                                     _kept(f.short_axis) if f.short_axis else None)
                          for f in observation.fragments)  # fmt: skip
        first = observation.fragments[0] if observation.fragments else None
        entries.append(SrEntry(
            lesion.lesion_id, lesion.category, lesion.organ, lesion.detail, lesion.is_node,
            observation.state, observation.reason, fragments,
            tracking_uid(read, lesion.lesion_id, first.name if first else ""),
            tool_of(lesion, first)))  # fmt: skip
    return tuple(entries)


def _kept(axis: AxisMeasurement) -> SrAxis:
    return SrAxis(axis.sop_instance_uid, float32(axis.segment), axis.length_mm)
