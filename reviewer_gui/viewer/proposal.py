"""One-click measurement in the viewer (issue 17): a key, then a click inside a lesion, and
the lesion's RECIST axes are proposed as an editable caliper, marked as proposed until the
reader decides.

:func:`propose_at` runs :func:`~.propose.propose_measurement` on the displayed slice at the
click and returns a :class:`Proposal` (a bidirectional caliper with both axes, flagged
``proposed``), or the reason there is none. The layer (:class:`~.tools.MeasurementLayer`)
holds at most one proposal: a drag of one of its end points adjusts it, Enter accepts it
(the caliper is then reported like any finished measurement, with :attr:`Proposal.kinds`
telling for each axis whether it was accepted as proposed or adjusted), Esc discards it.
Plain Python, no Qt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .geometry import PixelSpacing
from .measure import Bidirectional, Caliper
from .propose import propose_measurement
from .transform import Point

#: What :attr:`Proposal.kinds` says of an axis (the reading model's ``Provenance`` values).
ACCEPTED = "proposed"
ADJUSTED = "adjusted"
#: An end point moved less than this (image pixels) is where it was proposed.
SAME_PX = 1e-6

NO_LESION = ("no lesion found at the click (no edge against its surroundings, or larger "
             "than a lesion): click inside the lesion, or draw it by hand (C / B)")
HELP = "proposed: Enter accepts, drag an end to adjust, Esc discards"


@dataclass
class Proposal:
    """A proposed caliper and the axes as they were proposed (image coordinates)."""

    measurement: Bidirectional
    long: tuple[Point, Point]
    short: tuple[Point, Point]

    @property
    def kinds(self) -> tuple[str, str]:
        """(long axis, short axis): :data:`ACCEPTED` when the axis is where it was
        proposed, :data:`ADJUSTED` when the reader moved an end of it (dragging a long-axis
        end carries the short axis along, which adjusts it too)."""
        m = self.measurement
        return (_kind(m.long_axis, self.long), _kind(m.short_axis, self.short))


def _kind(now: tuple[Point, Point] | None, proposed: tuple[Point, Point]) -> str:
    if now is None:
        return ADJUSTED
    moved = max(math.dist(a, b) for a, b in zip(now, proposed, strict=True))
    return ACCEPTED if moved <= SAME_PX else ADJUSTED


def propose_at(spacing: PixelSpacing, pixels: npt.NDArray[np.int16] | npt.NDArray[np.float32],
               slice_index: int, point: Point) -> Proposal | str:  # fmt: skip
    """The proposal for a click at image ``point`` on slice ``slice_index`` (its HU
    ``pixels``), or why there is none (:data:`NO_LESION`)."""
    found = propose_measurement(pixels, (spacing.row_mm, spacing.col_mm), point)
    if found is None:
        return NO_LESION
    long = (found.long.start, found.long.end)
    short = (found.short.start, found.short.end)
    m = Caliper.restored(spacing, slice_index, long, short)
    assert isinstance(m, Bidirectional)
    m.proposed = True
    # the short axis as the caliper holds it (perpendicular in mm, rounding aside)
    kept = m.short_axis
    return Proposal(m, long, kept if kept is not None else short)
