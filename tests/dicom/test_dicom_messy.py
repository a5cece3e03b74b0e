"""The messy sample series: every problem it has is reported, and the HU still come out right."""

from __future__ import annotations

import numpy as np
import pytest
from dicom_testkit import SAMPLE_SCANS, gen
from pydicom.uid import RLELossless

from reviewer_gui.dicom import Volume, load_series

MESSY = SAMPLE_SCANS / "messy"


@pytest.fixture(scope="module")
def messy() -> Volume:
    return load_series(MESSY)


def test_each_problem_has_its_warning(messy: Volume) -> None:
    assert messy.warning_codes() == ["not-dicom", "duplicate-slice", "gap"]


def test_the_non_dicom_file_is_named(messy: Volume) -> None:
    warning = messy.warnings[0]
    assert warning.path is not None and warning.path.name == "Thumbs.db"
    assert "Thumbs.db" in str(warning) and "not a DICOM file" in str(warning)


def test_the_duplicate_names_both_files_and_is_dropped(messy: Volume) -> None:
    warning = messy.warnings[1]
    names = {p.name for p in MESSY.iterdir()}
    mentioned = {n for n in names if n in warning.message}
    assert len(mentioned) == 2
    assert len(set(messy.sop_instance_uids)) == len(messy.sop_instance_uids)
    assert messy.shape[0] == gen.MESSY_SLICES - 1  # the missing one, and no duplicate


def test_the_gap_says_where(messy: Volume) -> None:
    missing_z = gen.slice_positions(0, gen.MESSY_SLICES)[gen.MESSY_MISSING]
    message = messy.warnings[2].message
    assert f"{missing_z - gen.SLICE_MM:.2f}" in message
    assert f"{missing_z + gen.SLICE_MM:.2f}" in message
    assert "1 slice(s) missing" in message
    assert messy.spacing_mm[0] == gen.SLICE_MM  # the median, not the gap


def test_shuffled_names_are_sorted_by_position(messy: Volume) -> None:
    positions = list(messy.slice_positions_mm)
    assert positions == sorted(positions)
    expected = [z for i, z in enumerate(gen.slice_positions(0, gen.MESSY_SLICES))
                if i != gen.MESSY_MISSING]  # fmt: skip
    assert positions == expected
    assert [p.name for p in messy.files] != sorted(p.name for p in messy.files)


def test_hu_equal_the_generators_including_rle_and_own_rescale_slices(messy: Volume) -> None:
    assert RLELossless in messy.transfer_syntaxes
    _, expected = gen.messy_volume()
    expected = np.delete(expected, gen.MESSY_MISSING, axis=0)
    assert messy.voxels.dtype == np.int16
    np.testing.assert_array_equal(messy.voxels, expected)
