"""The committed sample scans: reproducible, true to truth.csv, and read back exactly."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import numpy as np
import pydicom
import pytest
from dicom_testkit import SAMPLE_SCANS, gen, measure_extent

from reviewer_gui.dicom import find_series, load_series

CONTRACT_COLUMNS = [
    "subject_id", "timepoint", "date", "lesion_id", "category", "location", "is_node",
    "long_axis_mm", "short_axis_mm", "state", "slice_thickness_mm",
]  # fmt: skip
HOST_HU = {"liver": gen.HU["liver"], "lung": gen.HU["lung"], "lymph node": gen.HU["vfat"]}


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_generator_reproduces_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    gen.generate(tmp_path)
    committed = [p for p in _files(SAMPLE_SCANS)
                 if p.suffix not in (".py", ".md") and "__pycache__" not in p.parts]
    assert _files(tmp_path) == committed
    _, mismatch, errors = filecmp.cmpfiles(SAMPLE_SCANS, tmp_path, [str(p) for p in committed],
                                           shallow=False)
    assert mismatch == [] and errors == []


def test_committed_files_are_small() -> None:
    total = sum(p.stat().st_size for p in SAMPLE_SCANS.rglob("*") if p.is_file())
    assert total < 20 * 1024 * 1024


def test_truth_csv_is_in_the_contract_format_and_tells_the_three_stories() -> None:
    with (SAMPLE_SCANS / "truth.csv").open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == CONTRACT_COLUMNS
        rows = list(reader)
    subjects = {r["subject_id"] for r in rows}
    assert len(subjects) >= 3
    for subject in subjects:
        assert {r["timepoint"] for r in rows if r["subject_id"] == subject} == set(gen.TIMEPOINTS)

    def target_sum(subject: str, tp: str) -> float:
        return sum(float(r["short_axis_mm"] if r["is_node"] == "Y" else r["long_axis_mm"])
                   for r in rows if r["subject_id"] == subject and r["timepoint"] == tp
                   and r["category"] == "TARGET")  # fmt: skip

    assert target_sum("SUBJ-001", "M6") <= 0.7 * target_sum("SUBJ-001", "BASELINE")  # PR
    new = [r for r in rows if r["subject_id"] == "SUBJ-002" and r["category"] == "NEW"]
    assert {r["timepoint"] for r in new} == {"M4", "M6"}  # PD by a new lesion
    sd = [target_sum("SUBJ-003", tp) for tp in gen.TIMEPOINTS]
    assert all(0.7 * sd[0] < s < 1.2 * min(sd[: i + 1]) for i, s in enumerate(sd))  # SD
    assert any(r["is_node"] == "Y" and r["category"] == "TARGET"
               for r in rows if r["subject_id"] == "SUBJ-003")  # fmt: skip


def test_every_lesion_measured_on_the_loaded_voxels_matches_truth_within_one_pixel() -> None:
    checked = 0
    for subj in gen.subjects():
        for t, tp in enumerate(gen.TIMEPOINTS):
            vol = load_series(SAMPLE_SCANS / subj.subject_id / tp)
            assert vol.warnings == ()
            assert vol.spacing_mm == (gen.SLICE_MM, gen.PIXEL_MM, gen.PIXEL_MM)
            for les in subj.lesions[t]:
                cx, cy, cz = les.center
                k = vol.slice_positions_mm.index(cz)
                col = round((cx - vol.origin_mm[0]) / vol.spacing_mm[2])
                row = round((cy - vol.origin_mm[1]) / vol.spacing_mm[1])
                host = HOST_HU[les.location]
                threshold = (host + les.hu) / 2
                above = les.hu > host
                long_axis, short_axis = ("x", "y") if les.long_along == "x" else ("y", "x")
                for axis, truth in ((long_axis, les.long_mm), (short_axis, les.short_mm)):
                    n = measure_extent(vol.voxels, k, row, col, axis, threshold, above)
                    measured = n * gen.PIXEL_MM
                    assert abs(measured - truth) <= gen.PIXEL_MM, (subj.subject_id, tp,
                                                                   les.lesion_id, axis)
                checked += 1
    assert checked == 34


@pytest.mark.parametrize(("subject", "t"), [(0, 1), (1, 2), (2, 3)])
def test_hu_values_equal_the_generators(subject: int, t: int) -> None:
    subj = gen.subjects()[subject]
    zs = gen.slice_positions(subj.table_offsets_mm[t])
    expected = gen.render(zs, subj.lesions[t], gen.series_seed(subj.subject_id, t))
    vol = load_series(SAMPLE_SCANS / subj.subject_id / gen.TIMEPOINTS[t])
    assert vol.voxels.dtype == np.int16
    np.testing.assert_array_equal(vol.voxels, expected)
    assert list(vol.slice_positions_mm) == zs


def test_headers_are_complete_ct_image_storage() -> None:
    path = SAMPLE_SCANS / "SUBJ-001" / "BASELINE" / "IM0001.dcm"
    ds = pydicom.dcmread(path)
    assert ds.SOPClassUID == pydicom.uid.CTImageStorage
    for keyword in ("PatientID", "PatientName", "StudyInstanceUID", "SeriesInstanceUID",
                    "SOPInstanceUID", "FrameOfReferenceUID", "ImagePositionPatient",
                    "ImageOrientationPatient", "PixelSpacing", "SliceThickness",
                    "RescaleSlope", "RescaleIntercept", "StudyDate", "Modality"):  # fmt: skip
        assert keyword in ds, keyword
    for uid in (ds.SOPInstanceUID, ds.SeriesInstanceUID, ds.StudyInstanceUID):
        assert uid.is_valid
    assert ds.PatientIdentityRemoved == "YES"


def test_find_series_lists_every_study_and_skips_the_rest() -> None:
    catalog = find_series(SAMPLE_SCANS)
    assert len(catalog.series) == 13
    assert {s.patient_id for s in catalog.series} == {"SUBJ-001", "SUBJ-002", "SUBJ-003",
                                                      "SUBJ-MESSY"}  # fmt: skip
    studies = [s for s in catalog.series if s.patient_id == "SUBJ-001"]
    assert [s.study_date for s in studies] == ["20240115", "20240318", "20240513", "20240715"]
    assert all(s.n_images == 20 and (s.rows, s.columns) == (160, 160) for s in studies)
    skipped = {w.path.name for w in catalog.warnings if w.path is not None}
    assert {"generate.py", "truth.csv", "README.md", "Thumbs.db"} <= skipped
    assert all(w.code == "not-dicom" for w in catalog.warnings)
