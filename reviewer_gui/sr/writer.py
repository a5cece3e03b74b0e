"""One signed timepoint of a read as a DICOM Comprehensive 3D SR holding a TID 1500
Measurement Report, written with highdicom.

Per lesion (per fragment of a split target) one TID 1501 Measurement Group: its Tracking
Identifier in Cornerstone3D's form (``Cornerstone3DTools@^0.1.0:Length`` for a long axis alone,
``...:Bidirectional`` with NUMs "Long Axis" and "Short Axis"), so OHIF v3 re-opens it as that
tool; a Tracking Unique Identifier that is the same at every timepoint of the read; the TID 1502
Time Point Context (Subject Time Point Identifier (126070, DCM) = the timepoint's label); the
RECIST category as its Finding, the organ as its Finding Site (SNOMED CT, with laterality when
the location's free text says left, right or bilateral); each axis a NUM in mm, RECIST 1.1 as
its method, INFERRED FROM its own SCOORD POLYLINE of two points SELECTED FROM the image; the
lesion's state as a coded qualitative evaluation; the lesion id, the location's free text, the
fragment and the state's reason as TEXT. One more group holds the timepoint's sums and
responses as the engine computed them. The reader's pseudonym is the observer; the signature
makes the document complete, final and verified by the signer at the signing time.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from decimal import ROUND_DOWN, Decimal

import highdicom as hd
import numpy as np
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.sr.coding import Code

from reviewer_gui.reading import (
    AxisMeasurement,
    Fragment,
    Lesion,
    Observation,
    ReadView,
    SeriesRef,
    Signature,
    TimepointColumn,
)
from reviewer_gui.sr import codes as c
from reviewer_gui.sr.images import ImagesMissing, SeriesHeaders

MANUFACTURER = "RECIST toolkit"
ORGANIZATION = "Blinded independent central review"
SERIES_NUMBER = 9901
_WORD = re.compile(r"[a-z]+")
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:recist-toolkit:recist-review:sr")


def tracking_uid(read: ReadView, lesion_id: str, fragment: str = "") -> str:
    """A lesion's (a fragment's) Tracking Unique Identifier: the same at every timepoint of
    the read, different in every other read."""
    return uid_of("tracking", read.key.case_id, read.key.reader, lesion_id, fragment)


def uid_of(*parts: str) -> str:
    """A UID derived from ``parts``: ``2.25.`` and a name-based UUID (RFC 4122 version 5) of
    them as an integer (PS3.5 B.2), so the same read exports the same UIDs."""
    return f"2.25.{uuid.uuid5(_NAMESPACE, chr(31).join(parts)).int}"


def timepoint_sr(
    read: ReadView, label: str, column: TimepointColumn, headers: SeriesHeaders
) -> hd.sr.Comprehensive3DSR:
    """The SR of ``read``'s signed timepoint ``label`` (``column``: its sums and responses).
    Raises ``ValueError`` for an unsigned timepoint, ``ImagesMissing`` without its images."""
    signature = read.signatures.get(label)
    if signature is None:
        raise ValueError(f"{read.key.case_id} {label} is not signed by {read.key.reader}: only "
                         "signed timepoints are written as SRs")  # fmt: skip
    index = [tp.label for tp in read.timepoints].index(label)
    timepoint = read.timepoints[index]
    series = read.series_of(label) or timepoint.series
    if series is None:
        raise ImagesMissing(f"{read.key.case_id} {label} has no images: an SR refers to the "
                            "images it measures; import the timepoint's study first")
    # No Time Point Order: it is a NUM, and Cornerstone3D takes a group's first NUM for the
    # measurement (the group then has no SCOORD for OHIF).
    context = hd.sr.TimePointContext(
        time_point=label, time_point_type=c.BASELINE if index == 0 else c.POSTTREATMENT,
        subject_time_point_identifier=label)  # fmt: skip
    evidence: dict[str, Dataset] = {}
    groups = []
    for lesion in read.ordered_lesions:
        observation = read.observation(label, lesion.lesion_id)
        if observation is not None:
            # a measurement recorded without its series lies on the imported one
            groups += _lesion_groups(read, lesion, observation, context, evidence,
                                     timepoint.series or series, headers)  # fmt: skip
    groups.append(_summary_group(read, column, signature, context))
    if not evidence:  # nothing measured: the study is still that of the timepoint's images
        first = next(iter(headers.of(series).values()))
        evidence[first.SOPInstanceUID] = first
    observer = hd.sr.ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(
            name=f"{read.key.reader}^"))  # one component: the family name  # fmt: skip
    report = hd.sr.MeasurementReport(
        observation_context=hd.sr.ObservationContext(observer_person_context=observer),
        procedure_reported=codes.SCT.ImagingProcedure, imaging_measurements=groups)  # fmt: skip
    sr = hd.sr.Comprehensive3DSR(
        evidence=list(evidence.values()), content=report[0],
        series_instance_uid=uid_of("series", read.key.case_id, read.key.reader, label),
        series_number=SERIES_NUMBER,
        sop_instance_uid=uid_of("sr", read.key.case_id, read.key.reader, label,
                                signature.signed_at.isoformat()),
        instance_number=index + 1, manufacturer=MANUFACTURER, is_complete=True, is_final=True,
        is_verified=True, verifying_observer_name=f"{signature.signed_by}^",
        verifying_organization=ORGANIZATION)  # fmt: skip
    charset = _character_set(sr)
    if charset is None:
        del sr.SpecificCharacterSet
    else:
        sr.SpecificCharacterSet = charset
    scheme = Dataset()  # PS3.3 C.12.1.1.4: the private coding scheme we use
    scheme.CodingSchemeDesignator = c.SCHEME
    scheme.CodingSchemeName = "RECIST 1.1 concepts of the RECIST toolkit"
    scheme.CodingSchemeResponsibleOrganization = MANUFACTURER
    sr.CodingSchemeIdentificationSequence = [scheme]
    sr.SeriesDescription = f"RECIST 1.1 read of {read.key.reader}"
    sr.ContentDate = _da(signature.signed_at)  # type: ignore[assignment]
    sr.ContentTime = _tm(signature.signed_at)  # type: ignore[assignment]
    sr.VerifyingObserverSequence[0].VerificationDateTime = _dt(signature.signed_at)
    return sr


def _lesion_groups(
    read: ReadView,
    lesion: Lesion,
    observation: Observation,
    context: hd.sr.TimePointContext,
    evidence: dict[str, Dataset],
    series: SeriesRef,
    headers: SeriesHeaders,
) -> list[hd.sr.MeasurementsAndQualitativeEvaluations]:
    fragments: tuple[Fragment | None, ...] = observation.fragments or (None,)
    groups = []
    for fragment in fragments:
        measurements = []
        tool = tool_of(lesion, fragment)
        if fragment is not None:
            axes = [(c.LONG_AXIS, fragment.long_axis), (c.SHORT_AXIS, fragment.short_axis)]
            if fragment.short_axis is None:
                axes = [(c.LENGTH, fragment.long_axis)]
            for concept, axis in axes:
                assert axis is not None
                image = headers.image(replace(series, series_uid=axis.series_uid
                                              or series.series_uid), axis.sop_instance_uid)
                evidence[image.SOPInstanceUID] = image
                measurements.append(_num(concept, axis, image))
        name = fragment.name if fragment else ""
        group = hd.sr.MeasurementsAndQualitativeEvaluations(
            tracking_identifier=hd.sr.TrackingIdentifier(
                uid=tracking_uid(read, lesion.lesion_id, name), identifier=tool),
            time_point_context=context,
            finding_type=c.CATEGORY_FINDINGS[lesion.category],
            finding_sites=[hd.sr.FindingSite(c.ORGAN_SITES[lesion.organ],
                                             laterality=laterality(lesion.detail))],
            measurements=measurements,
            qualitative_evaluations=[hd.sr.QualitativeEvaluation(
                c.STATE_NAME, c.STATE_VALUES[observation.state])])  # fmt: skip
        texts = [(c.LESION_ID, lesion.lesion_id), (c.LOCATION_DETAIL, lesion.detail),
                 (c.FRAGMENT, name), (c.REASON, observation.reason)]  # fmt: skip
        _add_texts(group, texts)
        groups.append(group)
    return groups


def tool_of(lesion: Lesion, fragment: Fragment | None) -> str:
    """The group's Tracking Identifier: Cornerstone3D's tool for a measurement (Bidirectional
    with a short axis, else Length), our words for a lesion given a state only."""
    if fragment is None:
        return f"RECIST 1.1 lesion {lesion.lesion_id}"
    return c.TOOL_BIDIRECTIONAL if fragment.short_axis else c.TOOL_LENGTH


def _num(name: Code, axis: AxisMeasurement, image: Dataset) -> hd.sr.Measurement:
    """A NUM in mm with its own SCOORD POLYLINE. SCOORD image coordinates are (column, row)
    from the top left hand corner of the top left pixel (PS3.3 C.18.6.1.1): a pixel centre
    is at +0.5 of our (row, col) pixel indices."""
    start, end = axis.segment.start, axis.segment.end
    points = np.array([[start.col + 0.5, start.row + 0.5], [end.col + 0.5, end.row + 0.5]])
    region = hd.sr.CoordinatesForMeasurement(
        graphic_type=hd.sr.GraphicTypeValues.POLYLINE, graphic_data=points,
        source_image=hd.sr.SourceImageForRegion(image.SOPClassUID, image.SOPInstanceUID))
    return hd.sr.Measurement(
        name=name, value=float(axis.length_mm), unit=c.MM, method=c.RECIST_1_1,
        referenced_coordinates=[region])  # fmt: skip


def _summary_group(
    read: ReadView, column: TimepointColumn, signature: Signature, context: hd.sr.TimePointContext
) -> hd.sr.MeasurementsAndQualitativeEvaluations:
    measurements = []
    for field, (name, unit) in c.SUMS.items():
        value = getattr(column, field)
        if value is not None:
            if unit == c.PERCENT:  # as the CSV shows them: two decimals, toward zero
                value = value.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            measurements.append(hd.sr.Measurement(name=name, value=float(value), unit=unit))
    evaluations = [hd.sr.QualitativeEvaluation(name, c.response_value(field, value))
                   for field, name in c.RESPONSE_NAMES.items()
                   if (value := getattr(column, field)) is not None]  # fmt: skip
    group = hd.sr.MeasurementsAndQualitativeEvaluations(
        tracking_identifier=hd.sr.TrackingIdentifier(
            uid=uid_of("summary", read.key.case_id, read.key.reader),
            identifier=c.SUMMARY_TRACKING),
        time_point_context=context, method=c.RECIST_1_1, measurements=measurements,
        qualitative_evaluations=evaluations)  # fmt: skip
    _add_texts(group, [(c.SIGNATURE_MEANING, signature.meaning)])
    return group


def _add_texts(group: hd.sr.MeasurementsAndQualitativeEvaluations,
               texts: list[tuple[Code, str]]) -> None:  # fmt: skip
    for name, value in texts:
        if value:
            group[0].ContentSequence.append(hd.sr.TextContentItem(
                name=name, value=value,
                relationship_type=hd.sr.RelationshipTypeValues.CONTAINS))  # fmt: skip


def laterality(detail: str) -> Code | None:
    """CID 244 laterality when the location's free text names one side (or both)."""
    words = set(_WORD.findall(detail.lower()))
    found = [code for word, code in c.LATERALITY.items() if word in words]
    return found[0] if len(found) == 1 else None


def _character_set(sr: Dataset) -> str | None:
    """None (the default repertoire) when every text is ASCII, Latin-1 (``ISO_IR 100``) when
    that holds them, else UTF-8 (``ISO_IR 192``): dcmtk checks the first two."""
    texts = [str(e.value) for e in _elements(sr) if e.VR in _TEXT_VRS and e.value]
    for name, codec in ((None, "ascii"), ("ISO_IR 100", "latin-1")):
        try:
            for text in texts:
                text.encode(codec)
        except UnicodeEncodeError:
            continue
        return name
    return "ISO_IR 192"


_TEXT_VRS = {"SH", "LO", "ST", "LT", "UT", "PN", "UC"}


def _elements(dataset: Dataset) -> Iterator[DataElement]:
    for element in dataset:
        if element.VR == "SQ":
            for item in element.value:
                yield from _elements(item)
        else:
            yield element


def _da(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y%m%d")


def _tm(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%H%M%S.%f")


def _dt(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S.%f+0000")
