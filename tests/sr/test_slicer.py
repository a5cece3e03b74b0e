"""3D Slicer's SRs: QuantitativeReporting writes TID 1500 through dcmqi, whose measurements
are derived from a segmentation (DICOM SEG): a tracking identifier and UID, a finding, a
finding site, and NUMs such as "Long Axis" and "Volume" without end points on an image.
Written here by dcmqi itself (``itkimage2segimage`` for the SEG, ``tid1500writer`` for the SR;
the ``dcmqi`` wheel of the dev extra). ``read_sr`` keeps what they hold; ``sr-load`` adds
their lesions to a reader's draft, and the reader measures them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pydicom
import pytest
import SimpleITK as sitk
from reading.kit import SAMPLE_SCANS

from reviewer_gui.reading import Category
from reviewer_gui.sr import read_sr

from .test_migrate import bobs_read, sr_load, study, study_template

__all__ = ["study", "study_template"]  # the fixtures

SERIES = SAMPLE_SCANS / "SUBJ-001" / "BASELINE"
SCT = "SCT"
LESIONS = [  # tracking identifier, UID, finding site, long axis, volume
    ("Lesion 1", "2.25.31415926535897932384626433832795028841", ("10200004", "Liver"), "21.5",
     "1804.2"),
    ("Lesion 2", "2.25.27182818284590452353602874713526624977", ("39607008", "Lung"), "14.25",
     "610.7"),
]  # fmt: skip


def dcmqi(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    assert found, (f"{name} is missing: pip install -e '.[dev]' installs dcmqi (CI does); "
                   "these tests never skip")  # fmt: skip
    return found


def code(value: str, meaning: str, scheme: str = SCT) -> dict[str, str]:
    return {"CodeValue": value, "CodingSchemeDesignator": scheme, "CodeMeaning": meaning}


def run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def slicer_writes(tmp: Path) -> Path:
    """A SEG of two lesions of SUBJ-001's baseline series, then the TID 1500 SR of their
    measurements, as QuantitativeReporting has dcmqi write them."""
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(SERIES)))
    image = reader.Execute()
    label = sitk.Image(image.GetSize(), sitk.sitkUInt8)
    label.CopyInformation(image)
    x, y, z = (size // 2 for size in image.GetSize())
    for value, dx in ((1, -30), (2, 30)):
        for i in range(-4, 5):
            for j in range(-4, 5):
                label[x + dx + i, y + j, z] = value
    sitk.WriteImage(label, str(tmp / "label.nrrd"))
    segments = [{"labelID": k, "SegmentDescription": name, "SegmentAlgorithmType": "MANUAL",
                 "SegmentedPropertyCategoryCodeSequence": code(
                     "49755003", "Morphologically Altered Structure"),
                 "SegmentedPropertyTypeCodeSequence": code("108369006", "Neoplasm")}
                for k, (name, *_) in enumerate(LESIONS, 1)]  # fmt: skip
    (tmp / "seg.json").write_text(json.dumps({
        "ContentCreatorName": "Reader^One", "ClinicalTrialSeriesID": "Session1",
        "ClinicalTrialTimePointID": "1", "ClinicalTrialCoordinatingCenterName": "Core lab",
        "SeriesDescription": "Segmentation", "SeriesNumber": "300", "InstanceNumber": "1",
        "segmentAttributes": [segments]}), encoding="utf-8")  # fmt: skip
    (tmp / "context").mkdir()
    seg = tmp / "context" / "seg.dcm"
    run(dcmqi("itkimage2segimage"), "--inputImageList", str(tmp / "label.nrrd"),
        "--inputDICOMDirectory", str(SERIES), "--inputMetadata", str(tmp / "seg.json"),
        "--outputDICOM", str(seg))  # fmt: skip
    source = pydicom.dcmread(sorted(SERIES.iterdir())[0], stop_before_pixels=True)
    groups = [{
        "TrackingIdentifier": name, "TrackingUniqueIdentifier": uid, "ReferencedSegment": k,
        "SourceSeriesForImageSegmentation": str(source.SeriesInstanceUID),
        "segmentationSOPInstanceUID": str(pydicom.dcmread(seg).SOPInstanceUID),
        "Finding": code("108369006", "Neoplasm"), "FindingSite": code(*site),
        "measurementItems": [
            {"value": long, "quantity": code("103339001", "Long Axis"),
             "units": code("mm", "millimeter", "UCUM")},
            {"value": volume, "quantity": code("118565006", "Volume"),
             "units": code("mm3", "cubic millimeter", "UCUM")}]}
        for k, (name, uid, site, long, volume) in enumerate(LESIONS, 1)]  # fmt: skip
    (tmp / "sr.json").write_text(json.dumps({
        "SeriesDescription": "Measurements", "SeriesNumber": "1001", "InstanceNumber": "1",
        "compositeContext": ["seg.dcm"], "imageLibrary": sorted(p.name for p in
                                                                SERIES.iterdir()),
        "observerContext": {"ObserverType": "PERSON", "PersonObserverName": "Reader^One"},
        "VerificationFlag": "UNVERIFIED", "CompletionFlag": "COMPLETE",
        "activitySession": "1", "timePoint": "1", "Measurements": groups}), encoding="utf-8")
    run(dcmqi("tid1500writer"), "--inputImageLibraryDirectory", str(SERIES),
        "--inputCompositeContextDirectory", str(tmp / "context"), "--inputMetadata",
        str(tmp / "sr.json"), "--outputDICOM", str(tmp / "slicer.dcm"))  # fmt: skip
    return tmp / "slicer.dcm"


def test_read_sr_keeps_slicers_measurements(tmp_path: Path) -> None:
    path = slicer_writes(tmp_path)
    assert pydicom.dcmread(path).StudyInstanceUID == pydicom.dcmread(
        sorted(SERIES.iterdir())[0], stop_before_pixels=True).StudyInstanceUID
    read = read_sr(path)
    assert read.case_id == "SUBJ-001" and read.reader == "Reader^One"
    assert read.signature is None and read.timepoint == "1"
    assert [(e.tracking_identifier, e.tracking_uid) for e in read.entries] == [
        (name, uid) for name, uid, *_ in LESIONS]
    for entry, (_, _, site, long, volume) in zip(read.entries, LESIONS, strict=True):
        assert entry.organ == site[1].lower() and entry.category is None  # a neoplasm
        assert entry.values == (("Long Axis", Decimal(long)), ("Volume", Decimal(volume)))
        assert entry.fragments == () and entry.state is None  # no end points on an image


def test_slicers_lesions_load_into_a_draft_for_the_reader_to_measure(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = slicer_writes(tmp_path)
    lesions = tmp_path / "lesions.csv"
    lesions.write_text("tracking,lesion_id,category,organ,detail\nLesion 1,T1,TARGET,liver,\n"
                       "Lesion 2,T2,TARGET,lung,right upper lobe\n", encoding="utf-8")
    assert sr_load(monkeypatch, study, [path], "--lesions", str(lesions)) == 0
    err = capsys.readouterr().err
    assert "T1, T2: the SR's values have no end points on an image: bob measures them" in err
    read = bobs_read(study)
    assert {k: (v.category, v.organ, v.detail) for k, v in read.lesions.items()} == {  # type: ignore[attr-defined]
        "T1": (Category.TARGET, "liver", ""), "T2": (Category.TARGET, "lung",
                                                    "right upper lobe")}  # fmt: skip
    assert not read.observations  # type: ignore[attr-defined]
