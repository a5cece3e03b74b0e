"""load_series and find_series on small generated series: sorting, checks, rescale, syntaxes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
import pytest
from dicom_testkit import small_hu, write_small_series
from pydicom.dataset import Dataset

from reviewer_gui.dicom import DicomLoadError, find_series, load_series


def test_folder_and_file_list_give_the_same_volume(tmp_path: Path) -> None:
    hu = small_hu()
    paths = write_small_series(tmp_path, hu)
    a, b = load_series(tmp_path), load_series(reversed(paths))
    np.testing.assert_array_equal(a.voxels, hu)
    np.testing.assert_array_equal(b.voxels, hu)
    assert a.sop_instance_uids == b.sop_instance_uids
    assert a.spacing_mm == (5.0, 2.0, 2.0)
    assert a.voxels.dtype == np.int16 and a.warnings == ()


def test_slices_are_sorted_along_the_normal_not_by_name_or_number(tmp_path: Path) -> None:
    hu = small_hu()
    z = [25.0, 5.0, 15.0, 0.0, 20.0, 10.0]

    def scramble(i: int, ds: Dataset) -> None:
        ds.InstanceNumber = 100 - i

    write_small_series(tmp_path, hu, z=z, edit=scramble)
    vol = load_series(tmp_path)
    assert list(vol.slice_positions_mm) == sorted(z)
    np.testing.assert_array_equal(vol.voxels, hu[np.argsort(z)])


def test_coronal_slices_are_sorted_along_their_own_normal(tmp_path: Path) -> None:
    hu = small_hu(n=4)

    def coronal(i: int, ds: Dataset) -> None:
        ds.ImageOrientationPatient = [1, 0, 0, 0, 0, -1]  # normal = +y (posterior)
        ds.ImagePositionPatient = [-31, [9.0, -3.0, 3.0, -9.0][i], 40]

    write_small_series(tmp_path, hu, edit=coronal)
    vol = load_series(tmp_path)
    assert vol.slice_normal == (0.0, 1.0, 0.0)
    assert vol.slice_positions_mm == (-9.0, -3.0, 3.0, 9.0)
    np.testing.assert_array_equal(vol.voxels, hu[[3, 1, 2, 0]])
    assert vol.spacing_mm[0] == 6.0


def test_each_slice_uses_its_own_rescale_and_float32_when_not_integral(tmp_path: Path) -> None:
    hu = small_hu(n=3)

    def rescale(i: int, ds: Dataset) -> None:
        if i == 1:  # stored = (HU + 1024) * 2, slope 0.5
            ds.RescaleSlope, ds.BitsStored, ds.HighBit = "0.5", 16, 15
            ds.PixelData = ((hu[i].astype(np.int32) + 1024) * 2).astype(np.uint16).tobytes()

    write_small_series(tmp_path, hu, edit=rescale)
    vol = load_series(tmp_path)
    assert vol.voxels.dtype == np.float32
    np.testing.assert_array_equal(vol.voxels, hu.astype(np.float32))


def test_values_beyond_int16_fall_back_to_float32(tmp_path: Path) -> None:
    hu = small_hu(n=2)

    def big(i: int, ds: Dataset) -> None:
        ds.BitsStored, ds.HighBit, ds.RescaleIntercept = 16, 15, "0"
        ds.PixelData = np.full(hu[i].shape, 40000, np.uint16).tobytes()

    write_small_series(tmp_path, hu, edit=big)
    vol = load_series(tmp_path)
    assert vol.voxels.dtype == np.float32 and float(vol.voxels.max()) == 40000.0


def test_a_large_negative_intercept_falls_back_to_float32(tmp_path: Path) -> None:
    hu = small_hu(n=2)

    def shift(i: int, ds: Dataset) -> None:
        ds.RescaleIntercept = "-40000"
        ds.PixelData = np.full(hu[i].shape, 100, np.uint16).tobytes()

    write_small_series(tmp_path, hu, edit=shift)
    vol = load_series(tmp_path)
    assert vol.voxels.dtype == np.float32 and float(vol.voxels.min()) == -39900.0


def test_missing_rescale_is_reported(tmp_path: Path) -> None:
    def strip(i: int, ds: Dataset) -> None:
        if i == 2:
            del ds.RescaleSlope, ds.RescaleIntercept

    write_small_series(tmp_path, edit=strip)
    assert load_series(tmp_path).warning_codes() == ["no-rescale"]


def test_mixed_orientations_are_an_error(tmp_path: Path) -> None:
    def tilt(i: int, ds: Dataset) -> None:
        if i == 3:
            ds.ImageOrientationPatient = [1, 0, 0, 0, 0, -1]

    write_small_series(tmp_path, edit=tilt)
    with pytest.raises(DicomLoadError, match=r"mixed slice orientations.*one orientation"):
        load_series(tmp_path)


def test_mixed_sizes_are_an_error(tmp_path: Path) -> None:
    write_small_series(tmp_path, small_hu(n=3, size=32), key="a")
    hu = small_hu(n=1, size=16)
    write_small_series(tmp_path, hu, key="a", z=[40.0], names=["other.dcm"])
    with pytest.raises(DicomLoadError, match="different sizes"):
        load_series(tmp_path)


def test_mixed_pixel_spacings_are_an_error(tmp_path: Path) -> None:
    def zoom(i: int, ds: Dataset) -> None:
        if i == 0:
            ds.PixelSpacing = [1, 1]

    write_small_series(tmp_path, edit=zoom)
    with pytest.raises(DicomLoadError, match="mixed pixel spacings"):
        load_series(tmp_path)


def test_uneven_spacing_is_reported(tmp_path: Path) -> None:
    write_small_series(tmp_path, z=[0, 5, 10, 15.4, 20, 25])
    vol = load_series(tmp_path)
    assert vol.warning_codes() == ["uneven-spacing"]
    assert vol.slice_positions_mm[3] == 15.4


def test_a_gap_is_reported_with_the_number_of_missing_slices(tmp_path: Path) -> None:
    write_small_series(tmp_path, z=[0, 5, 10, 25, 30, 35])
    vol = load_series(tmp_path)
    assert vol.warning_codes() == ["gap"]
    assert "about 2 slice(s) missing" in vol.warnings[0].message


def test_two_images_at_one_position_keep_one_with_a_warning(tmp_path: Path) -> None:
    write_small_series(tmp_path, z=[0, 5, 10, 10, 15, 20])
    vol = load_series(tmp_path)
    assert vol.warning_codes() == ["duplicate-position"]
    assert vol.shape[0] == 5


def test_several_series_need_a_choice(tmp_path: Path) -> None:
    write_small_series(tmp_path, key="one")
    write_small_series(tmp_path, key="two", names=[f"t{i}.dcm" for i in range(6)])
    with pytest.raises(DicomLoadError, match=r"holds 2 series.*series_uid="):
        load_series(tmp_path)
    catalog = find_series(tmp_path)
    assert len(catalog.series) == 2 and catalog.warnings == ()
    chosen = catalog.series[1]
    vol = load_series(tmp_path, series_uid=chosen.series_uid)
    assert vol.series_uid == chosen.series_uid
    assert vol.warning_codes() == ["other-series"]
    assert load_series(chosen.files).warnings == ()
    with pytest.raises(DicomLoadError, match="is not in"):
        load_series(tmp_path, series_uid="1.2.3")


def test_unreadable_and_non_image_files_are_skipped_by_name(tmp_path: Path) -> None:
    paths = write_small_series(tmp_path)
    broken = tmp_path / "broken.dcm"
    broken.write_bytes(paths[0].read_bytes()[:400])  # cut inside the header
    report = Dataset()
    report.SOPClassUID = pydicom.uid.BasicTextSRStorage
    report.SOPInstanceUID = pydicom.uid.generate_uid()
    report.SeriesInstanceUID = pydicom.uid.generate_uid()
    report.Modality = "SR"
    report.save_as(tmp_path / "report.dcm", implicit_vr=True, little_endian=True,
                   enforce_file_format=True)  # fmt: skip
    (tmp_path / "notes.txt").write_text("not DICOM")
    vol = load_series(tmp_path)
    by_name = {w.path.name: w.code for w in vol.warnings if w.path is not None}
    assert by_name == {"broken.dcm": "unreadable", "report.dcm": "no-pixels",
                       "notes.txt": "not-dicom"}  # fmt: skip
    assert vol.shape[0] == 6


def test_truncated_pixel_data_is_an_error_naming_the_file(tmp_path: Path) -> None:
    paths = write_small_series(tmp_path)
    data = paths[2].read_bytes()
    paths[2].write_bytes(data[:-100])
    with pytest.raises(DicomLoadError, match=rf"{paths[2].name}: truncated pixel data"):
        load_series(tmp_path)
    assert len(find_series(tmp_path).series) == 1  # headers only: still listed


def test_nothing_to_load_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(DicomLoadError, match="no DICOM image"):
        load_series(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        load_series(tmp_path / "missing")


@pytest.mark.parametrize("syntax", ["rle", "jpegls", "j2k", "jpeg-lossless"])
@pytest.mark.parametrize("signed", [False, True])
def test_compressed_syntaxes_decode_to_the_same_hu(tmp_path: Path, syntax: str,
                                                   signed: bool) -> None:  # fmt: skip
    hu = small_hu(n=3)
    write_small_series(tmp_path, hu, syntax=syntax, signed=signed)
    vol = load_series(tmp_path, workers=1)
    assert vol.transfer_syntaxes[0] not in (pydicom.uid.ExplicitVRLittleEndian,)
    np.testing.assert_array_equal(vol.voxels, hu)


def test_many_compressed_files_decode_in_worker_processes(tmp_path: Path) -> None:
    hu = small_hu(n=20, size=24)
    write_small_series(tmp_path, hu, syntax="rle")
    vol = load_series(tmp_path, workers=2)
    np.testing.assert_array_equal(vol.voxels, hu)


def test_find_series_reads_no_pixel_data(tmp_path: Path) -> None:
    paths = write_small_series(tmp_path)
    for p in paths:  # pixel data cut off: only headers remain readable
        p.write_bytes(p.read_bytes()[: -32 * 32])
    catalog = find_series(tmp_path)
    assert [s.n_images for s in catalog.series] == [6]
    assert catalog.by_uid(catalog.series[0].series_uid).files == tuple(sorted(paths))
    with pytest.raises(KeyError, match="no series"):
        catalog.by_uid("1.2.3")


def test_nested_folders_are_searched(tmp_path: Path) -> None:
    write_small_series(tmp_path / "a" / "b")
    shutil.copytree(tmp_path / "a", tmp_path / "c")  # same files again: duplicates
    vol = load_series(tmp_path)
    assert vol.shape[0] == 6
    assert vol.warning_codes() == ["duplicate-slice"] * 6


def test_the_loader_never_imports_qt() -> None:
    code = ("import sys, reviewer_gui.dicom; "
            "sys.exit(any(m.split('.')[0] in ('PyQt6', 'PyQt5', 'PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_single_image_without_pixel_spacing_cannot_be_measured(tmp_path: Path) -> None:
    # Never pixels shown as millimetres: the volume says the spacing is unknown (issue 5).
    def drop_spacing(_: int, ds: Dataset) -> None:
        del ds.PixelSpacing

    write_small_series(tmp_path, small_hu(n=1), edit=drop_spacing)
    volume = load_series(tmp_path)
    assert volume.pixel_spacing_mm is None
    assert "no-pixel-spacing" in volume.warning_codes()


def test_pixel_spacing_is_reported_as_recorded(tmp_path: Path) -> None:
    write_small_series(tmp_path)
    volume = load_series(tmp_path)
    assert volume.pixel_spacing_mm == (volume.spacing_mm[1], volume.spacing_mm[2])
    assert "no-pixel-spacing" not in volume.warning_codes()
