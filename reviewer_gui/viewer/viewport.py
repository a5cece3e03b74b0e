"""One viewport's state and its response to input, with no GUI toolkit in sight.

A widget forwards mouse, wheel and key events here as plain values (screen coordinates,
:class:`Button`, key names) and paints what the state says: the window/levelled slice
(:meth:`Viewport.image`), the view transform, the measurements on the shown slice, the
readout and the scale bar. Mouse: left-drag measures with the active tool (or drags an end
point), right-drag adjusts window/level, middle-drag (or shift + left-drag) pans, the wheel
scrolls slices and ctrl + wheel zooms about the pointer. Keys: :data:`KEYS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum

import numpy as np
import numpy.typing as npt

from .geometry import PixelSpacing
from .navigation import SliceNavigator
from .scale_bar import choose_scale_bar
from .tools import MeasurementLayer, Tool
from .transform import ViewTransform
from .windowing import (
    DEFAULT_WINDOW,
    PRESETS,
    WindowDrag,
    WindowLevel,
    apply_window,
    apply_window_rgb32,
)

ZOOM_STEP = 1.25  # per ctrl + wheel notch or +/- key
PAGE = 10  # slices per Page Up / Page Down


class Button(Enum):
    """Mouse buttons, as the widget reports them."""

    LEFT = "left"
    RIGHT = "right"
    MIDDLE = "middle"


KEYS: dict[str, str] = {
    **{k: f"window: {wl.name} (W {wl.width:.0f} / L {wl.level:.0f})"
       for k, wl in PRESETS.items()},
    "Up": "previous slice (towards the head)",
    "Down": "next slice (towards the feet)",
    "PgUp": f"{PAGE} slices towards the head",
    "PgDown": f"{PAGE} slices towards the feet",
    "Home": "top slice",
    "End": "bottom slice",
    "+": "zoom in (toward the pointer)",
    "-": "zoom out (from the pointer)",
    "F": "fit the image to the viewport",
    "C": "caliper (long axis)",
    "B": "bidirectional (long axis, then perpendicular short axis)",
    "Esc": "cancel the measurement being drawn (or discard a proposed one)",
    "Enter": "accept the proposed measurement",
}


class Viewport:
    """The shown slice, window, zoom/pan and measurements of one image stack.

    `voxels` is slices x rows x columns of HU (``Volume.voxels``), `positions_mm` each slice's
    position along the slice normal (ascending), `spacing` the pixel spacing or ``None`` when
    the series has none (then nothing can be measured and no mm scale is shown).
    """

    def __init__(self, voxels: npt.NDArray[np.int16] | npt.NDArray[np.float32],
                 positions_mm: Sequence[float], spacing: PixelSpacing | None,
                 width: float = 512, height: float = 512) -> None:
        if voxels.ndim != 3 or voxels.shape[0] != len(positions_mm):
            raise ValueError(f"voxels {voxels.shape} do not match {len(positions_mm)} positions")
        self.voxels = voxels
        self.spacing = spacing
        self.nav = SliceNavigator(positions_mm)
        self.layer = MeasurementLayer(spacing)
        self.window = DEFAULT_WINDOW
        self.width, self.height = width, height
        self.fitted = True  # refit on resize until the reader zooms or pans
        self.transform = self._fit()
        self._grey = np.empty(voxels.shape[1:], dtype=np.uint8)
        self._rgb32 = np.empty(voxels.shape[1:], dtype=np.uint32)
        self._rendered: dict[str, tuple[int, WindowLevel]] = {}
        self._window_drag: WindowDrag | None = None
        self._pan_from: tuple[float, float] | None = None
        #: False in a read-only view (e.g. the adjudicator's): the readout says no tool.
        self.measuring = True
        self._view_listeners: list[Callable[[], None]] = []

    @property
    def rows(self) -> int:
        """Rows of a slice."""
        return int(self.voxels.shape[1])

    @property
    def cols(self) -> int:
        """Columns of a slice."""
        return int(self.voxels.shape[2])

    def _fit(self) -> ViewTransform:
        aspect = 1.0 if self.spacing is None else self.spacing.aspect
        return ViewTransform.fit(self.rows, self.cols, self.width, self.height, aspect)

    def fitted_transform(self) -> ViewTransform:
        """The transform that fits the whole image to the viewport."""
        return self._fit()

    def subscribe_view(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` whenever the reader zooms, pans or fits (not on a resize)."""
        self._view_listeners.append(listener)

    def unsubscribe_view(self, listener: Callable[[], None]) -> None:
        if listener in self._view_listeners:
            self._view_listeners.remove(listener)

    def _view_moved(self) -> None:
        for listener in tuple(self._view_listeners):
            listener()

    def set_transform(self, transform: ViewTransform, *, notify: bool = True) -> None:
        """Show the image with ``transform`` (zoomed or panned by the reader or a link)."""
        self.fitted, self.transform = False, transform
        if notify:
            self._view_moved()

    def image(self) -> npt.NDArray[np.uint8]:
        """The shown slice, window/levelled, in a buffer reused from frame to frame."""
        key = (self.nav.index, self.window)
        if self._rendered.get("grey") != key:
            apply_window(self.voxels[self.nav.index], self.window, out=self._grey)
            self._rendered["grey"] = key
        return self._grey

    def image_rgb32(self) -> npt.NDArray[np.uint32]:
        """As :meth:`image`, as 32-bit grey pixels (what the Qt view paints from)."""
        key = (self.nav.index, self.window)
        if self._rendered.get("rgb32") != key:
            apply_window_rgb32(self.voxels[self.nav.index], self.window, out=self._rgb32)
            self._rendered["rgb32"] = key
        return self._rgb32

    # -- view -------------------------------------------------------------------------------
    def resize(self, width: float, height: float) -> None:
        """The viewport's new size; the image stays fitted unless the reader zoomed/panned."""
        if self.fitted:
            self.width, self.height = width, height
            self.transform = self._fit()
            return
        self.transform = self.transform.panned((width - self.width) / 2,
                                               (height - self.height) / 2)
        self.width, self.height = width, height

    def fit(self, *, notify: bool = True) -> None:
        """Fit the whole image to the viewport again."""
        self.fitted, self.transform = True, self._fit()
        if notify:
            self._view_moved()

    def zoom(self, factor: float, x: float | None = None, y: float | None = None) -> None:
        """Zoom by `factor` about screen (x, y) (default: the viewport's centre): the image
        point under the pointer stays under it."""
        cx = self.width / 2 if x is None else x
        cy = self.height / 2 if y is None else y
        self.set_transform(self.transform.zoomed(factor, cx, cy))

    def set_window(self, window: WindowLevel) -> None:
        """Show the slice with `window`."""
        self.window = window

    # -- input ------------------------------------------------------------------------------
    def press(self, button: Button, x: float, y: float, *, shift: bool = False) -> bool:
        """A mouse button went down at (x, y); True if the view needs repainting."""
        if button == Button.RIGHT:
            self._window_drag = WindowDrag(x, y, self.window)
            return False
        if button == Button.MIDDLE or shift:
            self._pan_from = (x, y)
            return False
        taken = self.layer.press(self.transform, x, y, self.nav.index,
                                 self.voxels[self.nav.index])  # fmt: skip
        return taken or bool(self.layer.message)

    def move(self, x: float, y: float) -> bool:
        """The pointer moved with a button held; True if the view needs repainting."""
        if self._window_drag is not None:
            window = self._window_drag.at(x, y)
            changed, self.window = window != self.window, window
            return changed
        if self._pan_from is not None:
            px, py = self._pan_from
            self._pan_from = (x, y)
            self.set_transform(self.transform.panned(x - px, y - py))
            return True
        return self.layer.move(self.transform, x, y)

    def release(self, button: Button, x: float, y: float) -> bool:
        """A mouse button went up; True if the view needs repainting."""
        if button == Button.RIGHT and self._window_drag is not None:
            changed = self.move(x, y)
            self._window_drag = None
            return changed
        if self._pan_from is not None:
            changed = self.move(x, y)
            self._pan_from = None
            return changed
        return self.layer.release(self.transform, x, y)

    def wheel(self, notches: int, x: float, y: float, *, ctrl: bool = False) -> bool:
        """Wheel turned by `notches` (positive away from the reader); True if repaint needed.

        Plain: scroll towards the head for positive notches; with ctrl: zoom about (x, y).
        """
        if ctrl:
            self.zoom(ZOOM_STEP**notches, x, y)
            return True
        return self.nav.step(notches)

    def key(self, name: str, at: tuple[float, float] | None = None) -> bool:
        """A key from :data:`KEYS` (its name there); True if it was handled. ``at``: where
        the pointer is (screen), if over the viewport: +/- zoom toward it."""
        if name in PRESETS:
            self.window = PRESETS[name]
            return True
        steps = {"Up": 1, "Down": -1, "PgUp": PAGE, "PgDown": -PAGE}
        if name in steps:
            self.nav.step(steps[name])
        elif name in ("Home", "End"):
            self.nav.go_to(self.nav.count - 1 if name == "Home" else 0)
        elif name in ("+", "-"):
            self.zoom(ZOOM_STEP if name == "+" else 1 / ZOOM_STEP, *(at or (None, None)))
        elif name == "F":
            self.fit()
        elif name in ("C", "B"):
            self.layer.tool = Tool.CALIPER if name == "C" else Tool.BIDIRECTIONAL
        elif name == "Esc":
            self.layer.message = ""
            self.layer.cancel()
        elif name == "Enter":
            return self.layer.accept()
        else:
            return False
        return True

    # -- what to paint ----------------------------------------------------------------------
    def scale_bar(self, max_px: float, min_px: float = 20.0) -> tuple[float, float] | None:
        """(mm, screen pixels) of the horizontal scale bar, or None (no spacing / no room)."""
        if self.spacing is None:
            return None
        return choose_scale_bar(self.spacing.col_mm / self.transform.scale_x, max_px, min_px)

    def readout(self) -> list[str]:
        """Slice number, position, window and zoom, as the corner text shows them."""
        nav = self.nav
        # Slices are numbered from the head (1) to the feet, as radiologists count.
        number = nav.count - nav.index
        lines = [f"Slice {number}/{nav.count}   z {nav.position_mm:+.1f} mm",
                 self.window.label(), f"Zoom {self.transform.zoom:.2f}x   "
                 f"Tool: {self.layer.tool.value if self.measuring else 'none (read-only)'}"]
        if self.spacing is None:
            lines.append("No pixel spacing: measuring disabled")
        return lines
