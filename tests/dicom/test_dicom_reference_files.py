"""Real DICOM files shipped by pydicom and pydicom-data (never downloaded)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from dicom_testkit import compress, pydicom_file
from pydicom.pixels.utils import pixel_array

from reviewer_gui.dicom import DicomLoadError, load_series
from reviewer_gui.dicom._pixels import _gdcm_read, decode_file


def _need(name: str) -> str:
    path = pydicom_file(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install pydicom-data)")
    return path


def test_ct_small_hu() -> None:
    path = _need("CT_small.dcm")
    ds = pydicom.dcmread(path)
    vol = load_series(path)
    expected = ds.pixel_array.astype(np.int32) * int(ds.RescaleSlope) + int(ds.RescaleIntercept)
    assert vol.shape == (1, 128, 128) and vol.warnings == ()
    np.testing.assert_array_equal(vol.voxels[0], expected)
    assert vol.spacing_mm[1:] == tuple(float(v) for v in ds.PixelSpacing)


def test_jpeg2000_ct_equals_its_uncompressed_twin() -> None:
    j2k, raw = load_series(_need("693_J2KR.dcm")), load_series(_need("693_UNCR.dcm"))
    assert j2k.transfer_syntaxes == (pydicom.uid.JPEG2000Lossless,)
    np.testing.assert_array_equal(j2k.voxels, raw.voxels)
    assert int(raw.voxels.min()) == -2000 - 1024  # signed 14-bit stored values


def test_jpeg_lossless_ct_slice_decodes() -> None:
    vol = load_series(_need("JPEG-LL.dcm"))
    assert vol.transfer_syntaxes == (pydicom.uid.JPEGLosslessSV1,)
    assert vol.shape == (1, 1024, 256)
    assert vol.warning_codes() == ["not-ct"]  # an NM image: values are not HU
    assert int(vol.voxels.max()) > int(vol.voxels.min())


@pytest.mark.parametrize("name", ["JPEG-LL.dcm", "bad_sequence.dcm",
                                  "JPGLosslessP14SV1_1s_1f_8b.dcm"])
def test_gdcm_reader_fast_path_equals_pydicoms_decoding(name: str) -> None:
    path = _need(name)
    fast = _gdcm_read(path)
    assert fast is not None
    np.testing.assert_array_equal(fast[0], pixel_array(path, raw=True))


def test_12_bit_jpeg_extended_is_not_left_to_gdcms_reader() -> None:
    path = _need("JPEG-lossy.dcm")
    with pytest.raises(DicomLoadError, match="cannot decode JPEG Extended"):
        decode_file(path, pydicom.uid.JPEGExtended12Bit)


def test_rle_mr_equals_its_uncompressed_twin() -> None:
    rle, raw = load_series(_need("MR_small_RLE.dcm")), load_series(_need("MR_small.dcm"))
    np.testing.assert_array_equal(rle.voxels, raw.voxels)


def test_enhanced_multiframe_ct(tmp_path: Path) -> None:
    path = _need("eCT_Supplemental.dcm")
    ds = pydicom.dcmread(path)
    vol = load_series(path)
    assert vol.shape == (2, 512, 512) and vol.warnings == ()
    frames = ds.PerFrameFunctionalGroupsSequence
    shared = ds.SharedFunctionalGroupsSequence[0]
    assert vol.slice_normal == (0.0, 0.0, -1.0)  # orientation [-1 0 0 0 1 0]: feet-wards
    along = sorted(-float(f.PlanePositionSequence[0].ImagePositionPatient[2]) for f in frames)
    assert list(vol.slice_positions_mm) == along
    assert vol.frame_numbers in ((1, 2), (2, 1))
    spacing = shared.PixelMeasuresSequence[0].PixelSpacing
    assert vol.spacing_mm[1:] == (float(spacing[0]), float(spacing[1]))
    for k, n in enumerate(vol.frame_numbers):
        group = frames[n - 1].get("PixelValueTransformationSequence") or (
            shared.PixelValueTransformationSequence)  # fmt: skip
        slope, intercept = float(group[0].RescaleSlope), float(group[0].RescaleIntercept)
        np.testing.assert_array_equal(vol.voxels[k], ds.pixel_array[n - 1] * slope + intercept)
    rle = tmp_path / "eCT_rle.dcm"  # the same, compressed: a multi-frame RLE file
    rle.write_bytes(Path(path).read_bytes())
    compress(rle, "rle")
    np.testing.assert_array_equal(load_series(rle, workers=1).voxels, vol.voxels)


def test_multiframe_without_geometry_is_skipped_with_a_reason(tmp_path: Path) -> None:
    vol = load_series([_need("emri_small.dcm"), _need("MR_small.dcm")])
    assert vol.warning_codes() == ["unsupported", "not-ct"]
    assert "functional groups" in vol.warnings[0].message
