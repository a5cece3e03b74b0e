"""One-click measurement: segment the lesion under a seed on one slice, propose its RECIST axes.

:func:`propose_measurement` grows the lesion from the seed with SimpleITK region growing on a
window around it, then measures the mask (:mod:`.axes`): the longest in-plane diameter and
the longest diameter perpendicular to it (RECIST 1.1). Two ways of growing are kept, compared
in ``benchmarks/propose_measurement.py``:

- ``"half_contrast"`` (the default): a ConfidenceConnected core gives the lesion's HU, a ring
  around it the host's; the lesion is then every pixel connected to the seed on the lesion's
  side of the half-contrast level (the edge a reader sees, where partial volume is half
  lesion), within the lesion's HU +- half the contrast so that it never runs into a third
  tissue on the far side.
- ``"confidence"``: SimpleITK's ConfidenceConnected alone (mean +- 2.5 standard deviations of
  the region, re-estimated twice), which stops before the partial-volume pixels.

No lesion at the seed (``None``): a contrast with the surroundings under
:data:`MIN_CONTRAST_HU`, fewer than :data:`MIN_PIXELS` pixels, or a region that reaches the
edge of the window of +- ``max_diameter_mm`` around the seed or is longer than
``max_diameter_mm`` (normal liver, fat, lung, air: organs, not lesions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import SimpleITK

from .axes import Axis, measure_mask

sitk: Any = SimpleITK  # its wrapped filters carry no annotations

Method = Literal["half_contrast", "confidence"]
METHODS: tuple[Method, ...] = ("half_contrast", "confidence")
MAX_DIAMETER_MM = 100.0  # larger regions are organs (or lesions to measure by hand)
MIN_CONTRAST_HU = 10.0  # lesion against its surroundings
MIN_PIXELS = 5
CONFIDENCE_MULTIPLIER = 2.5
CONFIDENCE_ITERATIONS = 2
#: The seed's neighbourhood that starts ConfidenceConnected: about 2 mm either side, so that
#: its first HU spread is the image's noise, not the few pixels of one fine-matrix grain.
SEED_MM = 2.0
RING_MM = (2.0, 6.0)  # the host's ring: between these dilations of the core (mm)


@dataclass(frozen=True)
class ProposedMeasurement:
    """The proposed long and (perpendicular) short axis of the lesion under the seed."""

    long: Axis
    short: Axis
    nodal: bool
    lesion_hu: float
    host_hu: float
    method: Method

    @property
    def diameter_mm(self) -> float:
        """The RECIST diameter: the short axis of a lymph node, the long axis otherwise."""
        return self.short.length_mm if self.nodal else self.long.length_mm


def propose_measurement(
    pixels: npt.ArrayLike,
    pixel_spacing_mm: Sequence[float],
    seed: Sequence[float],
    nodal: bool = False,
    *,
    method: Method = "half_contrast",
    max_diameter_mm: float = MAX_DIAMETER_MM,
) -> ProposedMeasurement | None:
    """Segment the lesion containing `seed` (row, column) on `pixels` (2-D, HU) and propose
    its axes, end points in (row, column) image coordinates; ``None`` if there is no lesion.

    `nodal` changes no pixel of the segmentation: it says which axis is the RECIST diameter
    (:attr:`ProposedMeasurement.diameter_mm`: a node's short axis). `max_diameter_mm` bounds
    what counts as a lesion (and the window searched, hence the time per click)."""
    hu = np.asarray(pixels)
    if hu.ndim != 2:
        raise ValueError(f"pixels must be one 2-D slice, got shape {hu.shape}")
    row_mm, col_mm = (float(s) for s in pixel_spacing_mm)
    if not (row_mm > 0 and col_mm > 0):
        raise ValueError(f"pixel spacing must be positive, got {pixel_spacing_mm}")
    r, c = round(float(seed[0])), round(float(seed[1]))
    if not (0 <= r < hu.shape[0] and 0 <= c < hu.shape[1]):
        return None
    # The window: any lesion up to max_diameter_mm that contains the seed fits inside it.
    hr, hc = int(np.ceil(max_diameter_mm / row_mm)) + 1, int(np.ceil(max_diameter_mm / col_mm)) + 1
    r0, c0 = max(r - hr, 0), max(c - hc, 0)
    window = np.ascontiguousarray(hu[r0:r + hr + 1, c0:c + hc + 1], dtype=np.float32)
    image = sitk.GetImageFromArray(window)
    seed_xy = [(c - c0, r - r0)]  # SimpleITK indexes (x, y) = (column, row)
    core = _confidence(image, seed_xy, max(1, round(SEED_MM / max(row_mm, col_mm))))
    if core is None:
        return None
    lesion_hu, host_hu = _contrast(window, core, (row_mm, col_mm))
    if abs(host_hu - lesion_hu) < MIN_CONTRAST_HU:
        return None
    if method == "half_contrast":
        half = abs(host_hu - lesion_hu) / 2
        grown = sitk.ConnectedThreshold(image, seedList=seed_xy, lower=lesion_hu - half,
                                        upper=lesion_hu + half)  # fmt: skip
        mask = sitk.GetArrayFromImage(sitk.BinaryFillhole(grown)).astype(bool)
    elif method == "confidence":
        mask = core
    else:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    if mask.sum() < MIN_PIXELS or _touches_edge(mask):
        return None
    axes = measure_mask(mask, (row_mm, col_mm), offset=(r0, c0))
    if axes is None or axes[0].length_mm > max_diameter_mm:
        return None
    return ProposedMeasurement(axes[0], axes[1], nodal, lesion_hu, host_hu, method)


def _confidence(
    image: SimpleITK.Image, seed_xy: list[tuple[int, int]], radius: int
) -> npt.NDArray[np.bool_] | None:
    """The lesion's core: ConfidenceConnected from the seed, holes filled (a necrotic centre,
    a node's fatty hilum); ``None`` if it leaks to the window's edge."""
    grown = sitk.ConfidenceConnected(image, seedList=seed_xy,
                                     numberOfIterations=CONFIDENCE_ITERATIONS,
                                     multiplier=CONFIDENCE_MULTIPLIER,
                                     initialNeighborhoodRadius=radius, replaceValue=1)  # fmt: skip
    mask: npt.NDArray[np.bool_] = sitk.GetArrayFromImage(sitk.BinaryFillhole(grown)) > 0
    if mask.sum() < MIN_PIXELS or _touches_edge(mask):
        return None
    return mask


def _contrast(window: npt.NDArray[np.float32], core: npt.NDArray[np.bool_],
              spacing: tuple[float, float]) -> tuple[float, float]:  # fmt: skip
    """(lesion, host) HU: medians of the core and of a ring around it, beyond the partial
    volume of its edge (:data:`RING_MM`)."""
    inner = sitk.GetArrayFromImage(_dilate(core, RING_MM[0], spacing)).astype(bool)
    outer = sitk.GetArrayFromImage(_dilate(core, RING_MM[1], spacing)).astype(bool)
    ring = outer & ~inner
    return float(np.median(window[core])), float(np.median(window[ring]))


def _dilate(
    mask: npt.NDArray[np.bool_], mm: float, spacing: tuple[float, float]
) -> SimpleITK.Image:
    radius = [max(1, round(mm / spacing[1])), max(1, round(mm / spacing[0]))]  # (x, y)
    dilated: SimpleITK.Image = sitk.BinaryDilate(sitk.GetImageFromArray(mask.astype(np.uint8)),
                                                 radius, sitk.sitkBall)  # fmt: skip
    return dilated


def _touches_edge(mask: npt.NDArray[np.bool_]) -> bool:
    return bool(mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())
