"""Operations on a lesion's mask done on its bounding box only, with the same result as
SimpleITK's on the whole window of +- 100 mm around the click (a lesion is a small part of it,
and the time per click went to the filters' passes over the rest: issue 17, "<= 100 ms per
click"; ``tests/viewer/test_propose_masks.py`` holds them equal to SimpleITK's)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import ndimage  # type: ignore[import-untyped]

#: The background's connectivity of a hole: by faces, as SimpleITK's BinaryFillhole
#: (``fullyConnected=False``, its default): background pixels meeting at a corner only are
#: two components, so a hole closed by a diagonal step of the mask is filled.
FACES = ndimage.generate_binary_structure(2, 1)


def box(mask: npt.NDArray[np.bool_], margin: tuple[int, int] = (0, 0)) -> tuple[slice, slice]:
    """`mask`'s bounding box widened by `margin` (rows, columns), within the array; an empty
    mask's is empty."""
    rows = np.flatnonzero(mask.any(axis=1))
    if len(rows) == 0:
        return slice(0, 0), slice(0, 0)
    cols = np.flatnonzero(mask.any(axis=0))
    return (slice(max(int(rows[0]) - margin[0], 0), int(rows[-1]) + margin[0] + 1),
            slice(max(int(cols[0]) - margin[1], 0), int(cols[-1]) + margin[1] + 1))  # fmt: skip


def filled(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """`mask` with its holes filled (background not connected by faces to the array's edge),
    as ``SimpleITK.BinaryFillhole``. On the mask's box: a background component that touches
    the box's side meets, across it, the background around the box, which reaches the
    array's edge; one that does not is enclosed in the box."""
    out = mask.copy()
    inside = box(mask)
    background, n = ndimage.label(~mask[inside], structure=FACES)
    if n == 0:
        return out
    edge = np.concatenate([background[0], background[-1], background[:, 0], background[:, -1]])
    outside = np.zeros(n + 1, dtype=bool)
    outside[edge] = True
    out[inside] |= ~outside[background]
    return out
