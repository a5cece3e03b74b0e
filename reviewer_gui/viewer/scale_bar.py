"""The scale bar: a round length in mm (1-2-5 steps) that fits the space given.

Only drawn from a known pixel spacing (DICOM PixelSpacing (0028,0030), PS3.3 10.7.1.3):
without one there is no scale in mm at all.
"""

from __future__ import annotations

import math

STEPS = (1.0, 2.0, 5.0)


def choose_scale_bar(mm_per_screen_px: float, max_px: float,
                     min_px: float = 0.0) -> tuple[float, float] | None:
    """(length in mm, length in screen pixels) of the longest 1-2-5 bar up to `max_px`.

    ``None`` when even the shortest candidate (0.01 mm) is longer than `max_px`, or the
    longest that fits is shorter than `min_px` (too short to read).
    """
    if not (math.isfinite(mm_per_screen_px) and mm_per_screen_px > 0) or max_px <= 0:
        return None
    max_mm = max_px * mm_per_screen_px
    exponent = math.floor(math.log10(max_mm))
    for e in (exponent, exponent - 1):
        for step in reversed(STEPS):
            length = step * 10.0**e
            if length <= max_mm * (1 + 1e-9) and length >= 0.01:
                px = length / mm_per_screen_px
                return None if px < min_px else (length, px)
    return None


def format_mm(length_mm: float) -> str:
    """``50 mm``, ``0.5 mm``: no trailing zeros."""
    return f"{length_mm:g} mm"
