"""The measurements on one image stack and the tool that draws the next one.

Routes pointer events: with the one-click tool (:data:`Tool.PROPOSE`) a click proposes the
lesion's axes (:mod:`.proposal`; at most one proposal at a time, which Enter accepts and Esc
discards); with the point tool (:data:`Tool.POINT`), or a click of a drawing tool while
:attr:`MeasurementLayer.click_marks`, a click marks where a lesion is (the point listeners get
it). Else a press near an end point of an unlocked measurement on the shown
slice drags that end point (:func:`.geometry.handle_to_grab`: only from on it while a drawing
awaits its short axis, never when two end points are nearly as near); else a bidirectional
measurement waiting for its short axis gets it; else the active tool starts a new
measurement. Drafts (a long axis still waiting for its short one) are dropped when the reader
moves on (:meth:`MeasurementLayer.drop_drafts`). Without a pixel spacing nothing is
started and :attr:`MeasurementLayer.message` says why (never pixels shown as mm).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

from .geometry import MeasurementRefused, PixelSpacing, handle_to_grab
from .measure import Bidirectional, Caliper, Phase
from .proposal import HELP, Proposal, propose_at
from .transform import Point, ViewTransform

Measurement = Caliper  # a Bidirectional is a Caliper with a short axis
Listener = Callable[[Measurement], None]
PointListener = Callable[[int, Point], None]  # (slice index, image point)
Pixels = npt.NDArray[np.int16] | npt.NDArray[np.float32]


class Tool(Enum):
    """What a left-drag on the image does."""

    CALIPER = "caliper"
    BIDIRECTIONAL = "bidirectional"
    PROPOSE = "one-click (proposed)"
    POINT = "location point"


@dataclass(frozen=True)
class Marker:
    """A lesion's location point on one slice (a non-target, a new lesion), shown as a
    small ring with its caption; ``locked`` when it can no longer change."""

    slice_index: int
    point: Point
    caption: str
    locked: bool = False


class MeasurementLayer:
    """Measurements on one stack (any slice); ``active`` is the one under the pointer.

    Change :attr:`items` only through :meth:`add`, :meth:`remove` and the pointer methods,
    and a measurement's ``slice_index`` only while it is in no layer: :meth:`on_slice` answers
    from an index by slice, rebuilt after each such change (each paint asks it, and a series
    can carry hundreds of measurements).
    """

    def __init__(self, spacing: PixelSpacing | None) -> None:
        self.spacing = spacing
        self.tool = Tool.CALIPER
        self.items: list[Measurement] = []
        self.active: Measurement | None = None
        self.message = ""  # the last refusal, for the status line
        self._listeners: list[Listener] = []
        self._point_listeners: list[PointListener] = []
        self._by_slice: dict[int, list[Measurement]] | None = None
        self.proposal: Proposal | None = None  # the one-click proposal awaiting a decision
        self.markers: list[Marker] = []  # lesions' location points (set by the app)
        #: A click (a press and release too short to draw) marks a location point, as the
        #: point tool does: the app sets it while the chosen lesion awaits its point.
        self.click_marks = False

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(measurement)` whenever a measurement is completed or edited."""
        self._listeners.append(listener)

    def subscribe_point(self, listener: PointListener) -> None:
        """Call ``listener(slice_index, (row, col))`` on each click of the point tool."""
        self._point_listeners.append(listener)

    def on_slice(self, slice_index: int) -> list[Measurement]:
        """The measurements drawn on slice `slice_index`, oldest first."""
        if self._by_slice is None:
            self._by_slice = {}
            for m in self.items:
                self._by_slice.setdefault(m.slice_index, []).append(m)
        return list(self._by_slice.get(slice_index, ()))

    def markers_on(self, slice_index: int) -> list[Marker]:
        """The location points marked on slice `slice_index`."""
        return [m for m in self.markers if m.slice_index == slice_index]

    def add(self, measurement: Measurement) -> None:
        """Show an existing measurement (e.g. the prior's, with ``locked = True``)."""
        self.items.append(measurement)
        self._by_slice = None

    def remove(self, measurement: Measurement) -> None:
        """Delete a measurement (no-op if it is not here)."""
        if measurement in self.items:
            self.items.remove(measurement)
            self._by_slice = None
        if self.active is measurement:
            self.active = None

    def accept(self) -> bool:
        """Enter: the proposal becomes a finished measurement, reported to the listeners with
        its axes' kinds (:attr:`Caliper.kinds`); True if there was one."""
        proposal, self.proposal = self.proposal, None
        if proposal is None:
            return False
        m = proposal.measurement
        m.proposed, m.kinds = False, proposal.kinds
        self.message = ""
        for listener in tuple(self._listeners):
            listener(m)
        return True

    def cancel(self) -> bool:
        """Escape: discard the proposal, or drop a measurement still being drawn; True if
        there was one."""
        if self.proposal is not None:
            self.remove(self.proposal.measurement)
            self.proposal = None
            return True
        pending = self.active or next((m for m in reversed(self.items)
                                       if not m.complete and not m.locked), None)
        if pending is None or pending.complete:
            return False
        self.remove(pending)
        return True

    def drop_drafts(self) -> bool:
        """Remove every unfinished, unlocked drawing (the reader moved to another lesion or
        timepoint); True if there was one."""
        drafts = [m for m in self.items if (not m.complete or m.proposed) and not m.locked]
        self.proposal = None
        for m in drafts:
            self.remove(m)
        return bool(drafts)

    def press(self, t: ViewTransform, x: float, y: float, slice_index: int,
              pixels: Pixels | None = None) -> bool:  # fmt: skip
        """Left button down at screen (x, y) on slice `slice_index` (its HU `pixels`, for
        the one-click tool); True if taken."""
        self.message = ""
        if self.tool is Tool.POINT:  # a click marks, never grabs an end point
            for listener in tuple(self._point_listeners):
                listener(slice_index, t.to_image(x, y))
            return True
        shown = self.on_slice(slice_index)
        waiting = [m for m in shown if m.phase == Phase.AWAIT_SHORT and not m.locked]
        editable = [m for m in reversed(shown) if not m.locked]
        hit = handle_to_grab(t, [m.handles for m in editable], x, y, drafting=bool(waiting))
        if hit is not None and editable[hit[0]].grab_handle(hit[1]):
            self.active = editable[hit[0]]
            return True
        if self.tool is Tool.PROPOSE:
            return self._propose(pixels, slice_index, t.to_image(x, y))
        if self.proposal is not None:  # a decision first: never a caliper drawn over it
            self.message = HELP
            return True
        if waiting:
            self.active = waiting[-1]
            return self.active.press(t, x, y)
        kind = Bidirectional if self.tool == Tool.BIDIRECTIONAL else Caliper
        try:
            measurement = kind(self.spacing, slice_index)
        except MeasurementRefused as refusal:
            self.message = str(refusal)
            return False
        measurement.press(t, x, y)
        self.add(measurement)
        self.active = measurement
        return True

    def _propose(self, pixels: Pixels | None, slice_index: int, at: Point) -> bool:
        if self.spacing is None or pixels is None:
            self.message = "no pixel spacing: nothing can be measured on this series"
            return True
        found = propose_at(self.spacing, pixels, slice_index, at)
        if isinstance(found, str):
            self.message = found
            return True
        if self.proposal is not None:  # a click elsewhere: this proposal replaces it
            self.remove(self.proposal.measurement)
        self.proposal = found
        self.add(found.measurement)
        return True

    def move(self, t: ViewTransform, x: float, y: float) -> bool:
        """Pointer moved with the left button held; True if a measurement changed."""
        if self.active is None:
            return False
        self.active.move(t, x, y)
        return True

    def release(self, t: ViewTransform, x: float, y: float) -> bool:
        """Left button up; True if a measurement changed."""
        m, self.active = self.active, None
        if m is None:
            return False
        m.release(t, x, y)
        if m.phase == Phase.EMPTY:
            self.remove(m)
            if self.click_marks:
                for marked in tuple(self._point_listeners):
                    marked(m.slice_index, t.to_image(x, y))
        elif m.proposed:  # adjusted, still awaiting Enter or Esc (its label says so)
            pass
        elif m.complete:
            for listener in tuple(self._listeners):
                listener(m)
        return True
