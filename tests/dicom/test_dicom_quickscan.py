"""The fast header walk agrees with pydicom wherever it answers, and defers otherwise."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from dicom_testkit import SAMPLE_SCANS, pydicom_file, write_small_series
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from reviewer_gui.dicom import find_series
from reviewer_gui.dicom._headers import quick_frames, read_frames
from reviewer_gui.dicom._quickscan import quick_summary
from reviewer_gui.dicom._scan import _summary

REFERENCE = ["CT_small.dcm", "MR_small.dcm", "693_J2KR.dcm", "693_UNCR.dcm", "JPEG-LL.dcm",
             "MR_small_RLE.dcm", "eCT_Supplemental.dcm", "emri_small.dcm",
             "MR_small_bigendian.dcm", "image_dfl.dcm", "rtplan.dcm"]  # fmt: skip


def _files() -> list[Path]:
    files = sorted(p for p in SAMPLE_SCANS.rglob("*") if p.is_file())
    files += [Path(p) for name in REFERENCE if (p := pydicom_file(name)) is not None]
    return files


def test_quick_headers_equal_pydicoms_and_cover_the_sample_scans() -> None:
    quick = 0
    for path in _files():
        frames = quick_frames(path)
        if frames is not None:
            assert frames == read_frames(path, quick=False), path
            quick += 1
    assert quick >= 250  # every classic sample slice took the fast path


def test_quick_summaries_equal_pydicoms() -> None:
    for path in _files():
        summary = quick_summary(path)
        if summary is not None:
            assert summary == _summary(path, quick=False), path


def test_enhanced_big_endian_and_deflated_files_are_left_to_pydicom() -> None:
    for name in ("eCT_Supplemental.dcm", "MR_small_bigendian.dcm", "image_dfl.dcm"):
        path = pydicom_file(name)
        if path is None:
            pytest.skip(f"{name} not installed")
        assert quick_frames(Path(path)) is None


def test_undefined_length_sequences_are_skipped(tmp_path: Path) -> None:
    def nest(i: int, ds: Dataset) -> None:
        inner = Dataset()
        inner.CodeValue, inner.CodingSchemeDesignator = "X", "99TEST"
        item = Dataset()
        item.ReferencedSOPInstanceUID = "1.2.3"
        item.PurposeOfReferenceCodeSequence = Sequence([inner])
        item["PurposeOfReferenceCodeSequence"].is_undefined_length = True
        item.is_undefined_length_sequence_item = True
        ds.ReferencedImageSequence = Sequence([item, item])
        ds["ReferencedImageSequence"].is_undefined_length = True

    paths = write_small_series(tmp_path, edit=nest)
    assert pydicom.dcmread(paths[0])["ReferencedImageSequence"].is_undefined_length
    for path in paths:
        assert quick_frames(path) == read_frames(path, quick=False)
        assert quick_summary(path) == _summary(path, quick=False)
        assert quick_frames(path) is not None


def test_non_ascii_text_falls_back_to_pydicom(tmp_path: Path) -> None:
    def accent(i: int, ds: Dataset) -> None:
        ds.SeriesDescription = "Thorax coupes fines é"

    paths = write_small_series(tmp_path, edit=accent)
    assert quick_frames(paths[0]) is None and quick_summary(paths[0]) is None
    assert find_series(tmp_path).series[0].series_description == "Thorax coupes fines é"
