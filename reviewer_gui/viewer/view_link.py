"""Zoom and pan shared by two viewports (prior and current), as their slices are shared.

Two timepoints' scans differ in size and pixel spacing, so the view is shared in the
images' own proportions: the zoom relative to the whole image fitted, and the image point
(as a fraction of its rows and columns) at the viewport's centre. Zooming on a lesion in the
current image shows the prior's same region at the same magnification, for the usual scans of
one protocol (the same field of view). Plain arithmetic, no Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .viewport import Viewport


@dataclass(frozen=True)
class SharedView:
    """A viewport's view in proportions: zoom over the fitted zoom; the centre's image point
    as fractions of the rows and columns."""

    zoom_over_fit: float
    row_fraction: float
    col_fraction: float
    fitted: bool


def shared_view(vp: Viewport) -> SharedView:
    """What another viewport needs to show the same view of its own image."""
    row, col = vp.transform.to_image(vp.width / 2, vp.height / 2)
    fit = vp.fitted_transform().zoom
    return SharedView(vp.transform.zoom / fit, (row + 0.5) / vp.rows, (col + 0.5) / vp.cols,
                      vp.fitted)


def show_view(vp: Viewport, view: SharedView) -> None:
    """Show ``view`` (another viewport's :func:`shared_view`) in ``vp``, silently."""
    if view.fitted:
        vp.fit(notify=False)
        return
    fitted = vp.fitted_transform()
    transform = fitted.zoomed(view.zoom_over_fit, vp.width / 2, vp.height / 2)
    x, y = transform.to_screen(view.row_fraction * vp.rows - 0.5,
                               view.col_fraction * vp.cols - 0.5)
    vp.set_transform(transform.panned(vp.width / 2 - x, vp.height / 2 - y), notify=False)


class ViewLink:
    """Keeps two viewports on one :class:`SharedView`: zooming or panning either moves the
    other; ``repaint(viewport)`` is called for the one that followed."""

    def __init__(self, first: Viewport, second: Viewport,
                 repaint: Callable[[Viewport], None] = lambda vp: None) -> None:  # fmt: skip
        self.first, self.second, self.repaint = first, second, repaint
        self.enabled = True
        self._on_first = lambda: self._follow(first, second)
        self._on_second = lambda: self._follow(second, first)
        first.subscribe_view(self._on_first)
        second.subscribe_view(self._on_second)

    def close(self) -> None:
        """Unlink for good (e.g. before linking a reloaded stack)."""
        self.first.unsubscribe_view(self._on_first)
        self.second.unsubscribe_view(self._on_second)

    def _follow(self, leader: Viewport, follower: Viewport) -> None:
        if self.enabled:
            show_view(follower, shared_view(leader))
            self.repaint(follower)
