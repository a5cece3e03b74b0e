"""``load_series(..., on_file=...)``: a hook called with each file as it is read (headers,
then pixels), whose exception ends the load there: how a load in a worker thread is stopped
between two files (the reader closed the window)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dicom_testkit import small_hu, write_small_series

from reviewer_gui.dicom import load_series


class Enough(Exception):
    """What the hook raises to end the load (a stop the reader asked for)."""


class Reads:
    """Records the files read; raises :class:`Enough` at read number `stop_at` (1-based)."""

    def __init__(self, stop_at: int | None = None) -> None:
        self.stop_at = stop_at
        self.paths: list[Path] = []

    def __call__(self, path: Path) -> None:
        if self.stop_at is not None and len(self.paths) + 1 == self.stop_at:
            raise Enough(f"stopped before {path.name}")
        self.paths.append(path)


def test_each_file_is_reported_as_read_for_its_headers_then_for_its_pixels(
        tmp_path: Path) -> None:  # fmt: skip
    hu = small_hu(n=8, size=16)
    files = write_small_series(tmp_path, hu)
    reads = Reads()
    volume = load_series(tmp_path, on_file=reads)
    assert reads.paths == [*files, *files]  # the folder in name order; z order is name order
    np.testing.assert_array_equal(volume.voxels, load_series(tmp_path).voxels)
    np.testing.assert_array_equal(volume.voxels, hu)


@pytest.mark.parametrize("stop_at", [1, 5, 12, 16])  # headers (8 files), then pixels
def test_what_the_hook_raises_ends_the_load_before_the_next_file(
        tmp_path: Path, stop_at: int) -> None:  # fmt: skip
    files = write_small_series(tmp_path, small_hu(n=8, size=16))
    reads = Reads(stop_at)
    with pytest.raises(Enough, match="stopped before"):
        load_series(files, on_file=reads)
    assert reads.paths == [*files, *files][:stop_at - 1]  # not one file more


def test_a_stop_during_the_decoding_processes_cancels_the_rest_and_spoils_nothing(
        tmp_path: Path) -> None:  # fmt: skip
    """Compressed files are decoded in worker processes (pixels arrive there as they are
    decoded): a stop there ends the load, and the next load uses the processes again."""
    hu = small_hu(n=24, size=16)
    files = write_small_series(tmp_path, hu, syntax="rle")
    reads = Reads(stop_at=24 + 3)  # the third file of the pixel pass
    with pytest.raises(Enough):
        load_series(files, workers=2, on_file=reads)
    assert reads.paths == [*files, *files[:2]]
    again = load_series(files, workers=2)
    np.testing.assert_array_equal(again.voxels, hu)
    assert "decoder-processes" not in again.warning_codes()  # the pool was not broken
