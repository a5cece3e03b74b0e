"""Two image views scrolled together by patient position (see ``SliceLink``)."""

from __future__ import annotations

from PyQt6.QtCore import QObject

from reviewer_gui.viewer import SliceLink
from reviewer_gui.viewer.view_link import ViewLink

from .image_view import ImageView


class LinkedViews(QObject):
    """Keeps `first` and `second` on the same patient position, also after either reloads.

    The link is by position along the slice normal (ImagePositionPatient, DICOM PS3.3
    C.7.6.2.1.1), never by slice index; ``offset_mm`` survives a reload. Zoom and pan are
    shared too (:class:`~reviewer_gui.viewer.view_link.ViewLink`: the same region of each
    image, magnified alike). With `same_window` a window/level chosen in either view applies
    to both.
    """

    def __init__(self, first: ImageView, second: ImageView, *, same_window: bool = True) -> None:
        super().__init__(first)
        self.first, self.second = first, second
        self.link: SliceLink | None = None
        self.view_link: ViewLink | None = None
        self.relink()
        first.volume_replaced.connect(self.relink)
        second.volume_replaced.connect(self.relink)
        if same_window:  # prior and current compared in one window/level
            second.set_window(first.viewport.window)
            first.window_changed.connect(second.set_window)
            second.window_changed.connect(first.set_window)

    def relink(self) -> None:
        """(Re)build the link on the views' current volumes."""
        offset = 0.0
        if self.link is not None:
            offset = self.link.offset_mm
            self.link.close()
        a, b = self.first, self.second
        if self.view_link is not None:
            self.view_link.close()
        self.view_link = ViewLink(a.viewport, b.viewport,
                                  lambda vp: (a if vp is a.viewport else b).update())
        self.link = SliceLink(a.viewport.nav, a.volume.image_positions_mm, a.volume.slice_normal,
                              b.viewport.nav, b.volume.image_positions_mm, b.volume.slice_normal,
                              offset_mm=offset)
        # Bring the second view to the first's position now, not only on the next scroll.
        b.viewport.nav.go_to_position(self.link.target_in_second(a.viewport.nav.index))
