"""Measurement tools as plain state machines: the caliper and the bidirectional tool.

RECIST 1.1 section 3.2 measures a lesion's longest diameter in the axial plane (a caliper)
and, for lymph nodes, the short axis perpendicular to it (section 3.1.1, "Malignant lymph
nodes"); the bidirectional tool draws both. Each tool gets screen points (press, move,
release) with the view transform in force, keeps its geometry in image coordinates (row, col
floats, so it survives zoom and pan) and reports millimetres from the pixel spacing. End
points stay draggable until the tool is locked (a signed timepoint, a prior's read-only
caliper). Without a pixel spacing a tool cannot be created: :class:`MeasurementRefused`.
"""

from __future__ import annotations

import math
from enum import Enum

from .geometry import (
    HIT_TOLERANCE_PX,
    PixelSpacing,
    handle_to_grab,
    nearest_handle,
    require_spacing,
)
from .transform import Point, ViewTransform

MIN_DRAG_PX = 3.0  # a press-release shorter than this (screen pixels) is a click, not a line


class Phase(Enum):
    """Where a tool is in its interaction."""

    EMPTY = "empty"  # nothing drawn yet (or a click too short to be a line)
    LONG = "drawing long axis"  # the caliper's only axis, the bidirectional's first
    AWAIT_SHORT = "awaiting short axis"  # bidirectional: long axis drawn, short to come
    SHORT = "drawing short axis"
    DONE = "done"
    EDITING = "editing"  # an end point is being dragged


class Caliper:
    """One segment: press at one end, drag, release at the other; ends re-draggable."""

    kind = "caliper"

    def __init__(self, spacing: PixelSpacing | None, slice_index: int) -> None:
        self.spacing = require_spacing(spacing)
        self.slice_index = slice_index
        self.phase = Phase.EMPTY
        self.locked = False
        self.caption = ""  # who the measurement belongs to (a lesion id), shown beside it
        #: A one-click proposal awaiting the reader's decision (drawn dashed, "proposed").
        self.proposed = False
        #: Once a proposal is accepted: (long, short) "proposed" or "adjusted" each (see
        #: :mod:`.proposal`); ``None`` for a measurement drawn by hand.
        self.kinds: tuple[str, str] | None = None
        self.points: list[Point] = []  # [start, end] in image (row, col)
        self._grabbed: int | None = None

    @classmethod
    def restored(cls, spacing: PixelSpacing | None, slice_index: int,
                 long_axis: tuple[Point, Point], short_axis: tuple[Point, Point] | None = None,
                 *, locked: bool = False, caption: str = "") -> Caliper:
        """A finished measurement rebuilt from stored end points (image coordinates): a
        bidirectional one when `short_axis` is given, else a caliper."""
        m = Bidirectional(spacing, slice_index) if short_axis else Caliper(spacing, slice_index)
        m.points, m.phase = [long_axis[0], long_axis[1]], Phase.DONE
        if isinstance(m, Bidirectional) and short_axis is not None:
            m.set_short_axis(*short_axis)
        m.locked, m.caption = locked, caption
        return m

    @property
    def handles(self) -> tuple[Point, ...]:
        """End points (image coordinates) that can be dragged."""
        return tuple(self.points)

    @property
    def long_axis(self) -> tuple[Point, Point] | None:
        """The segment, once there is one."""
        return (self.points[0], self.points[1]) if len(self.points) == 2 else None

    @property
    def long_mm(self) -> float | None:
        """Length of the segment in mm."""
        seg = self.long_axis
        return None if seg is None else self.spacing.distance_mm(*seg)

    @property
    def short_axis(self) -> tuple[Point, Point] | None:
        """A caliper has no short axis."""
        return None

    @property
    def short_mm(self) -> float | None:
        """A caliper has no short axis."""
        return None

    @property
    def complete(self) -> bool:
        """True once the measurement can be recorded."""
        return self.phase == Phase.DONE

    def grab(self, t: ViewTransform, x: float, y: float,
             tolerance_px: float = HIT_TOLERANCE_PX) -> bool:  # fmt: skip
        """Start dragging the end point under (x, y), if any (and not locked)."""
        hit = None if self.locked else nearest_handle(t, self.handles, x, y, tolerance_px)
        if hit is None:
            return False
        return self.grab_handle(hit[0])

    def grab_handle(self, index: int) -> bool:
        """Start dragging end point ``index`` of :attr:`handles` (not when locked)."""
        if self.locked or not 0 <= index < len(self.handles):
            return False
        self._grabbed, self.phase = index, Phase.EDITING
        return True

    def press(self, t: ViewTransform, x: float, y: float) -> bool:
        """Mouse button down at screen (x, y); True if the tool took the event."""
        if self.locked:
            return False
        if self.phase == Phase.EMPTY:
            p = t.to_image(x, y)
            self.points, self.phase = [p, p], Phase.LONG
            return True
        return self.phase == Phase.DONE and self.grab(t, x, y)

    def move(self, t: ViewTransform, x: float, y: float) -> None:
        """Pointer moved with the button held."""
        if self.phase == Phase.LONG:
            self.points[1] = t.to_image(x, y)
        elif self.phase == Phase.EDITING and self._grabbed is not None:
            self.points[self._grabbed] = t.to_image(x, y)

    def release(self, t: ViewTransform, x: float, y: float) -> None:
        """Button up: the segment is finished (or dropped if it was only a click)."""
        self.move(t, x, y)
        if self.phase == Phase.LONG:
            a, b = (t.to_screen(*p) for p in self.points)
            too_short = math.dist(a, b) < MIN_DRAG_PX
            self.points, self.phase = ([], Phase.EMPTY) if too_short else (self.points,
                                                                          Phase.DONE)
        elif self.phase == Phase.EDITING:
            self.phase, self._grabbed = Phase.DONE, None

    def notes(self) -> list[str]:
        """Problems the reader should see next to the measurement (none for a caliper)."""
        return []


class Bidirectional(Caliper):
    """Long axis (press-drag-release), then a short axis held perpendicular to it.

    The short axis is kept in millimetres relative to the long axis: ``_along`` is where its
    line crosses the long axis (a fraction of the long axis from its start), ``_across`` the
    signed distances (mm) of its two ends from the long axis. Perpendicularity is in patient
    space (mm), so it holds on non-square pixels; dragging a long-axis end carries the short
    axis along, dragging a short-axis end only changes its extent.
    """

    kind = "bidirectional"

    def __init__(self, spacing: PixelSpacing | None, slice_index: int) -> None:
        super().__init__(spacing, slice_index)
        self._along = 0.5
        self._across: list[float] = []

    def _frame(self) -> tuple[Point, Point, Point, float]:
        """Long axis start (mm), unit vector along it, unit vector across it, its length."""
        a, b = (self.spacing.to_mm(p) for p in self.points[:2])
        length = math.dist(a, b)
        u = ((b[0] - a[0]) / length, (b[1] - a[1]) / length) if length else (0.0, 1.0)
        return a, u, (u[1], -u[0]), length

    @property
    def handles(self) -> tuple[Point, ...]:
        """Long-axis ends, then short-axis ends once drawn."""
        return tuple(self.points[:2]) + (self.short_axis or ())

    @property
    def short_axis(self) -> tuple[Point, Point] | None:
        """The short axis' ends in image coordinates, once drawn."""
        if len(self._across) != 2:
            return None
        a, u, v, length = self._frame()
        foot = (a[0] + u[0] * self._along * length, a[1] + u[1] * self._along * length)
        ends = [self.spacing.to_image((foot[0] + v[0] * s, foot[1] + v[1] * s))
                for s in self._across]
        return (ends[0], ends[1])

    @property
    def short_mm(self) -> float | None:
        """Length of the short axis in mm."""
        return abs(self._across[1] - self._across[0]) if len(self._across) == 2 else None

    def set_short_axis(self, a: Point, b: Point) -> None:
        """Put the short axis' ends at image points `a` and `b` (a stored measurement)."""
        start, u, v, length = self._frame()
        offsets = [(p[0] - start[0], p[1] - start[1])
                   for p in (self.spacing.to_mm(a), self.spacing.to_mm(b))]
        alongs = [(d[0] * u[0] + d[1] * u[1]) / length if length else 0.5 for d in offsets]
        self._along = sum(alongs) / 2
        self._across = [d[0] * v[0] + d[1] * v[1] for d in offsets]

    def _locate(self, t: ViewTransform, x: float, y: float) -> tuple[float, float]:
        """(fraction along the long axis, mm across it) of screen point (x, y)."""
        a, u, v, length = self._frame()
        p = self.spacing.to_mm(t.to_image(x, y))
        d = (p[0] - a[0], p[1] - a[1])
        along = (d[0] * u[0] + d[1] * u[1]) / length if length else 0.5
        return along, d[0] * v[0] + d[1] * v[1]

    def press(self, t: ViewTransform, x: float, y: float) -> bool:
        """Draw the long axis, then (next press) the short axis; or grab an end point."""
        if self.locked:
            return False
        if self.phase == Phase.AWAIT_SHORT:
            hit = handle_to_grab(t, [self.handles], x, y, drafting=True)
            if hit is not None and self.grab_handle(hit[1]):  # from on an end only
                return True
            self._along, across = self._locate(t, x, y)
            self._across, self.phase = [across, across], Phase.SHORT
            return True
        return super().press(t, x, y)

    def move(self, t: ViewTransform, x: float, y: float) -> None:
        """Pointer moved with the button held (short-axis ends move across the long axis)."""
        grabbed = self._grabbed
        if self.phase == Phase.SHORT:
            self._across[1] = self._locate(t, x, y)[1]
        elif self.phase == Phase.EDITING and grabbed is not None and grabbed >= 2:
            self._across[grabbed - 2] = self._locate(t, x, y)[1]
        else:
            super().move(t, x, y)

    def release(self, t: ViewTransform, x: float, y: float) -> None:
        """Button up: long axis done (await the short one), or short axis done."""
        if self.phase == Phase.SHORT:
            self.move(t, x, y)
            ends = [t.to_screen(*p) for p in self.short_axis or ()]
            too_short = len(ends) == 2 and math.dist(*ends) < MIN_DRAG_PX
            self._across = [] if too_short else self._across
            self.phase = Phase.AWAIT_SHORT if too_short else Phase.DONE
            return
        was_editing = self.phase == Phase.EDITING
        super().release(t, x, y)
        if self.phase == Phase.DONE and (not was_editing or len(self._across) != 2):
            self.phase = Phase.AWAIT_SHORT

    def notes(self) -> list[str]:
        """RECIST 3.2 sanity: the short axis is the shorter one and crosses the long axis."""
        out: list[str] = []
        long_mm, short_mm = self.long_mm, self.short_mm
        if long_mm is not None and short_mm is not None:
            if short_mm > long_mm:
                out.append("short axis longer than long axis: redraw the longest diameter")
            lo, hi = sorted(self._across)
            if not (0.0 <= self._along <= 1.0 and lo <= 0.0 <= hi):
                out.append("short axis does not cross the long axis")
        return out
