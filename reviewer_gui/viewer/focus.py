"""Bringing a view to a lesion: centred, magnified so that it fills a useful part of the
view, in its organ's window (issue 15: ``]`` / ``[`` on a small lesion needed zoom then pan
every time, and a lung lesion was shown in the soft-tissue window). Plain arithmetic, no Qt.
"""

from __future__ import annotations

from collections.abc import Sequence

from .transform import Point
from .viewport import Viewport
from .windowing import DEFAULT_WINDOW, PRESETS, WindowLevel

#: The window a lesion is read in, by organ (the reading model's pick list); others: soft
#: tissue.
ORGAN_WINDOWS: dict[str, WindowLevel] = {
    "lung": PRESETS["3"], "liver": PRESETS["2"], "bone": PRESETS["4"], "brain": PRESETS["6"],
}  # fmt: skip
FILL = 0.25  # the lesion's larger extent, as a share of the view's smaller side
MAX_OVER_FIT = 6.0  # never magnified more than this over the whole image fitted


def window_for(organ: str) -> WindowLevel:
    """The window a lesion in ``organ`` is shown in."""
    return ORGAN_WINDOWS.get(organ, DEFAULT_WINDOW)


def focus_on(vp: Viewport, points: Sequence[Point], *, fill: float = FILL) -> None:
    """Centre ``vp`` on the image ``points`` (a measurement's end points) and magnify so
    that their extent spans ``fill`` of the view's smaller side: never less than the whole
    image fitted, never more than :data:`MAX_OVER_FIT` times it. Silent (no view
    listeners: each linked view is focused on its own lesion)."""
    if not points:
        return
    rows, cols = [p[0] for p in points], [p[1] for p in points]
    fitted = vp.fitted_transform()
    extent = max((max(rows) - min(rows)) * fitted.scale_y,
                 (max(cols) - min(cols)) * fitted.scale_x, 1.0)  # screen px when fitted
    factor = min(max(fill * min(vp.width, vp.height) / extent, 1.0), MAX_OVER_FIT)
    transform = fitted.zoomed(factor, vp.width / 2, vp.height / 2)
    x, y = transform.to_screen((min(rows) + max(rows)) / 2, (min(cols) + max(cols)) / 2)
    vp.set_transform(transform.panned(vp.width / 2 - x, vp.height / 2 - y), notify=False)
