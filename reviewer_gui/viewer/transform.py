"""The view transform: image pixel coordinates <-> screen coordinates, zoom, pan, fit.

Image coordinates are ``(row, col)`` floats with pixel centres on integers, as DICOM places
ImagePositionPatient at the centre of the first pixel (PS3.3 C.7.6.2.1.1): pixel ``(i, j)``
covers ``[i - 0.5, i + 0.5) x [j - 0.5, j + 0.5)``. Screen coordinates are ``(x, y)`` in
widget pixels, y down. Non-square pixels are shown in their true proportions: a screen pixel
spans the same millimetres horizontally and vertically.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

MIN_ZOOM = 0.05  # screen pixels per image pixel
MAX_ZOOM = 64.0
Point = tuple[float, float]


@dataclass(frozen=True)
class ViewTransform:
    """Screen ``x = offset_x + (col + 0.5) * scale_x``, ``y = offset_y + (row + 0.5) * scale_y``.

    ``offset_x, offset_y`` is where the image's top-left corner lands on the screen;
    ``scale_x, scale_y`` are screen pixels per image column and per image row (their ratio is
    the row spacing over the column spacing).
    """

    scale_x: float = 1.0
    scale_y: float = 1.0
    offset_x: float = 0.0
    offset_y: float = 0.0

    @classmethod
    def fit(cls, rows: int, cols: int, width: float, height: float,
            aspect: float = 1.0) -> ViewTransform:
        """The whole image, centred, as large as fits a `width` x `height` viewport.

        `aspect` is the row spacing over the column spacing (1 for square pixels).
        """
        if rows <= 0 or cols <= 0 or aspect <= 0:
            raise ValueError(f"cannot fit a {rows} x {cols} image with aspect {aspect}")
        scale = max(MIN_ZOOM, min(width / cols, height / (rows * aspect)))
        sx, sy = scale, scale * aspect
        return cls(sx, sy, (width - cols * sx) / 2, (height - rows * sy) / 2)

    @property
    def zoom(self) -> float:
        """Screen pixels per image pixel (along the finer pixel spacing)."""
        return min(self.scale_x, self.scale_y)

    def to_screen(self, row: float, col: float) -> Point:
        """Screen (x, y) of image point (row, col)."""
        return (self.offset_x + (col + 0.5) * self.scale_x,
                self.offset_y + (row + 0.5) * self.scale_y)

    def to_image(self, x: float, y: float) -> Point:
        """Image (row, col) under screen point (x, y)."""
        return ((y - self.offset_y) / self.scale_y - 0.5,
                (x - self.offset_x) / self.scale_x - 0.5)

    def image_rect(self, rows: int, cols: int) -> tuple[float, float, float, float]:
        """Screen rectangle (x, y, width, height) covered by a rows x cols image."""
        return (self.offset_x, self.offset_y, cols * self.scale_x, rows * self.scale_y)

    def panned(self, dx: float, dy: float) -> ViewTransform:
        """The image moved by (dx, dy) screen pixels."""
        return replace(self, offset_x=self.offset_x + dx, offset_y=self.offset_y + dy)

    def zoomed(self, factor: float, x: float, y: float) -> ViewTransform:
        """Zoomed by `factor` about screen point (x, y): the image point there stays there.

        The zoom is clamped to ``MIN_ZOOM``-``MAX_ZOOM`` screen pixels per image pixel.
        """
        if factor <= 0:
            raise ValueError(f"zoom factor must be positive, not {factor}")
        factor = min(max(factor, MIN_ZOOM / self.zoom), MAX_ZOOM / self.zoom)
        return ViewTransform(self.scale_x * factor, self.scale_y * factor,
                             x - (x - self.offset_x) * factor, y - (y - self.offset_y) * factor)
