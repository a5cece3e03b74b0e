"""Helpers for the DICOM tests: the sample-scan generator, small series, transcoding."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from sample_generator import load_generator

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SCANS = REPO / "sample_scans"


gen = load_generator()


def pydicom_file(name: str) -> str | None:
    """A pydicom test file, never downloaded (the call would hang offline)."""
    return get_testdata_file(name, download=False)


def small_hu(n: int = 6, size: int = 32, seed: int = 1) -> npt.NDArray[np.int16]:
    """A small HU volume with a gradient and noise, values from -1000 to about 1200."""
    rng = np.random.default_rng(seed)
    base = np.linspace(-1000, 1200, size * size).reshape(size, size)
    vol = np.stack([base + 10 * k for k in range(n)]) + rng.normal(0, 20, (n, size, size))
    return np.clip(np.rint(vol), -1024, 3071).astype(np.int16)


Edit = Callable[[int, Dataset], None]


def write_small_series(folder: Path, hu: npt.NDArray[np.int16] | None = None, *,
                       z: Sequence[float] | None = None, key: str = "small",
                       signed: bool = False, edit: Edit | None = None,
                       syntax: str | None = None, names: Sequence[str] | None = None,
                       ) -> list[Path]:
    """Write `hu` as CT slices with the generator's headers; `edit(i, ds)` may change any.

    `syntax` compresses every slice: ``rle``, ``jpegls``, ``j2k`` (pydicom encoders) or
    ``jpeg-lossless`` (GDCM).
    """
    hu = small_hu() if hu is None else hu
    z = [5.0 * k for k in range(len(hu))] if z is None else z
    paths = []
    for i, zi in enumerate(z):
        ds = gen.make_slice(hu[i], subject_id="TEST-1", date="2024-01-01", series_key=key,
                            index=i, z=zi, signed=signed)
        if edit is not None:
            edit(i, ds)
        path = folder / (names[i] if names else f"s{i:03d}.dcm")
        gen.save(ds, path)
        if syntax:
            compress(path, syntax)
        paths.append(path)
    return paths


def compress(path: Path, syntax: str) -> None:
    """Re-encode a file in place, losslessly."""
    from pydicom.uid import JPEG2000Lossless, JPEGLSLossless, RLELossless

    if syntax == "jpeg-lossless":
        gen.to_jpeg_lossless(path)
        return
    uid = {"rle": RLELossless, "jpegls": JPEGLSLossless, "j2k": JPEG2000Lossless}[syntax]
    ds = pydicom.dcmread(path)
    ds.compress(uid, generate_instance_uid=False)
    ds.save_as(path)


def measure_extent(voxels: npt.NDArray[np.generic], k: int, row: int, col: int, axis: str,
                   threshold: float, above: bool) -> int:
    """Pixels in the run through (row, col) of slice k, along `axis`, on the lesion's side."""
    line = voxels[k, row, :] if axis == "x" else voxels[k, :, col]
    centre = col if axis == "x" else row
    inside = line > threshold if above else line < threshold
    if not inside[centre]:
        return 0
    lo = hi = centre
    while lo > 0 and inside[lo - 1]:
        lo -= 1
    while hi < len(line) - 1 and inside[hi + 1]:
        hi += 1
    return hi - lo + 1
