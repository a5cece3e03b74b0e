"""SimpleITK's ``DiscreteGaussian`` of a float32 slice, the same bits, in numpy: its kernels
(Lindeberg's discrete Gaussian, as SimpleITK builds them) taken once from SimpleITK itself,
then applied along the rows, stored in float32, then along the columns, each sum in float64
from the kernel's first tap to its last, the slice's edge extended (ITK's zero-flux Neumann
condition), as ITK does. A third of a millisecond where SimpleITK took 3-4 on a 289 x 289
window (issue 17, "<= 100 ms per click"); ``tests/viewer/test_propose_masks.py`` holds the
two equal bit for bit."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import SimpleITK

sitk: Any = SimpleITK  # its wrapped filters carry no annotations

MAXIMUM_KERNEL_WIDTH = 32  # SimpleITK's defaults, as propose.py called it
MAXIMUM_ERROR = 0.01


@cache
def kernel(variance_mm2: float, spacing_mm: float) -> npt.NDArray[np.float64]:
    """SimpleITK's 1-D kernel for `variance_mm2` on pixels of `spacing_mm`: its response to
    an impulse along x (y's variance 0: a kernel of one tap of 1)."""
    impulse = np.zeros((1, 2 * MAXIMUM_KERNEL_WIDTH + 1))
    impulse[0, MAXIMUM_KERNEL_WIDTH] = 1.0
    image = sitk.GetImageFromArray(impulse)
    image.SetSpacing((spacing_mm, 1.0))
    response = sitk.GetArrayFromImage(sitk.DiscreteGaussian(
        image, [variance_mm2, 0.0], MAXIMUM_KERNEL_WIDTH, MAXIMUM_ERROR, True))[0]
    taps = np.flatnonzero(response)
    out: npt.NDArray[np.float64] = response[taps[0]:taps[-1] + 1]
    if (len(out) % 2 == 0 or taps[0] + len(out) // 2 != MAXIMUM_KERNEL_WIDTH
            or not np.array_equal(out, out[::-1])):  # fmt: skip
        raise ValueError(f"an asymmetric Gaussian kernel from SimpleITK: {out}")
    return out


def _along(values: npt.NDArray[np.float32], taps: npt.NDArray[np.float64],
           axis: int) -> npt.NDArray[np.float64]:  # fmt: skip
    radius = len(taps) // 2
    pad = [(0, 0), (0, 0)]
    pad[axis] = (radius, radius)
    extended = np.pad(values, pad, mode="edge").astype(np.float64)
    n = values.shape[axis]
    out = np.zeros(values.shape, dtype=np.float64)
    for i, tap in enumerate(taps):
        out += tap * (extended[i:i + n] if axis == 0 else extended[:, i:i + n])
    return out


def discrete_gaussian(values: npt.NDArray[np.float32], variance_mm2: float,
                      spacing_mm: Sequence[float]) -> npt.NDArray[np.float32]:  # fmt: skip
    """``SimpleITK.DiscreteGaussian(image, variance_mm2, 32, 0.01, True)`` of the float32
    slice `values`, its pixels `spacing_mm` (row, column) apart."""
    rows = _along(values, kernel(variance_mm2, float(spacing_mm[0])), 0).astype(np.float32)
    out: npt.NDArray[np.float32] = _along(rows, kernel(variance_mm2, float(spacing_mm[1])),
                                          1).astype(np.float32)  # fmt: skip
    return out
