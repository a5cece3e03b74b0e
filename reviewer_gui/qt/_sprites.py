"""Overlay pieces drawn once into small images and then only blended (a "sprite" each).

Painting the overlay from scratch on every scroll step (laying out text, stroking
antialiased lines and circles) cost more than the slice itself; the pieces mostly stay the
same from one slice to the next, so each is rasterised once per look and device pixel ratio:

- a line of text on its translucent box (:meth:`Sprites.get`, :meth:`Sprites.draw`);
- the end-point handle of an editable measurement (:meth:`Sprites.handle`);
- the mm scale bar with its label (:meth:`Sprites.scale_bar`).

Blending a sprite is one small image draw. Each sprite is drawn at the same sub-pixel offset
as the direct drawing would be, so the picture is the same up to rounding of the blend
(``tests/viewer/test_overlay_qt.py`` compares them pixel by pixel).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import NamedTuple

from PyQt6.QtCore import QPointF, QRectF
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

TEXT = QColor(235, 235, 235)
BOX = QColor(0, 0, 0, 150)
SHADOW = QColor(0, 0, 0, 200)
HANDLE_RADIUS = 4.0
HANDLE_PEN = 1.2
_HANDLE_HALF = math.ceil(HANDLE_RADIUS + HANDLE_PEN) + 1  # sprite half size, whole pixels
SCALE_TICK = 7.0  # height of the scale bar's end ticks
_BAR_PAD = 3  # room for the bar's 4 px dark edge around the line


def _canvas(width: float, height: float, ratio: float) -> QImage:
    image = QImage(max(1, math.ceil(width * ratio)), max(1, math.ceil(height * ratio)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(0)
    return image


class _Label:
    """One line of text on its translucent box, drawn once into an image and reused."""

    __slots__ = ("advance", "ascent", "image")

    def __init__(self, text: str, color: QColor, font: QFont, ratio: float) -> None:
        fm = QFontMetricsF(font)
        self.ascent, self.advance = fm.ascent(), fm.horizontalAdvance(text)
        self.image = _canvas(math.ceil(self.advance) + 6, math.ceil(fm.height()) + 2, ratio)
        p = QPainter(self.image)
        p.fillRect(QRectF(0, 0, self.advance + 6, fm.height() + 2), BOX)
        p.setFont(font)
        p.setPen(color)
        p.drawText(QPointF(3, self.ascent + 1), text)
        p.end()


class Placed(NamedTuple):
    """A sprite and the whole-pixel point its top left goes to."""

    point: QPointF
    image: QImage


class ScaleBar(NamedTuple):
    """The scale bar's image and where its right end sits on it (image coordinates)."""

    image: QImage
    right: float  # x of the bar's right end
    baseline: float  # y of the bar's horizontal line


class Sprites:
    """The last `size` overlay sprites drawn in `font` at device pixel ratio `ratio`.

    Text labels are kept by text and colour (least recently used dropped first); handles by
    colour; scale bars by length.
    """

    def __init__(self, font: QFont, ratio: float = 1.0, size: int = 512) -> None:
        self.font, self.ratio, self.size = QFont(font), ratio, size
        self.metrics = QFontMetricsF(self.font)
        self.ascent, self.descent = self.metrics.ascent(), self.metrics.descent()
        self.line = self.metrics.height()
        self._labels: OrderedDict[tuple[str, int], _Label] = OrderedDict()
        self._handles: dict[int, QImage] = {}
        self._bars: OrderedDict[tuple[float, str], ScaleBar] = OrderedDict()
        self._plans: OrderedDict[Hashable, list[Placed]] = OrderedDict()
        self._seen: OrderedDict[tuple[str, int], None] = OrderedDict()  # drawn once, no label

    def __len__(self) -> int:
        return len(self._labels)

    # -- text --------------------------------------------------------------------------------
    def get(self, text: str, color: QColor = TEXT) -> _Label:
        """The label for `text` in `color`."""
        key = (text, color.rgba())
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = _Label(text, color, self.font, self.ratio)
            if len(self._labels) > self.size:
                self._labels.popitem(last=False)
        else:
            self._labels.move_to_end(key)
        return label

    def width(self, text: str, color: QColor = TEXT) -> float:
        """Width of `text` (from its label: no new layout)."""
        return self.get(text, color).advance

    def draw(self, p: QPainter, x: float, y: float, text: str, color: QColor = TEXT) -> None:
        """`text` with its baseline at (x, y) on a translucent dark box (legible on any tissue).

        One box and one text run per line, several times cheaper than a drawn halo; the box
        lands on whole pixels so the text stays crisp. A text is drawn in place the first
        time and kept as a label from its second time on: a text seen once (the readout of a
        slice scrolled past) costs a third of making its label.
        """
        key = (text, color.rgba())
        if key not in self._labels and key not in self._seen:
            self._seen[key] = None
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)
            left, top = round(x - 3), round(y - self.ascent - 1)
            advance = self.metrics.horizontalAdvance(text)
            p.fillRect(QRectF(left, top, advance + 6, self.line + 2), BOX)
            p.setFont(self.font)
            p.setPen(color)
            p.drawText(QPointF(left + 3, top + self.ascent + 1), text)
            return
        p.drawImage(*self.placed(x, y, text, color))

    def placed(self, x: float, y: float, text: str, color: QColor = TEXT) -> Placed:
        """Where and what :meth:`draw` would draw, to keep and draw later."""
        label = self.get(text, color)
        return Placed(QPointF(round(x - 3), round(y - label.ascent - 1)), label.image)

    def plan(self, key: Hashable, build: Callable[[], list[Placed]]) -> list[Placed]:
        """The sprites `build` places, kept by `key` (the last 8 keys): for overlay parts
        that stay put while the slices scroll by (titles, orientation letters)."""
        placed = self._plans.get(key)
        if placed is None:
            placed = self._plans[key] = build()
            if len(self._plans) > 8:
                self._plans.popitem(last=False)
        return placed

    # -- handles -----------------------------------------------------------------------------
    def handle(self, color: QColor) -> QImage:
        """An end-point handle: a circle of :data:`HANDLE_RADIUS` centred on the sprite."""
        image = self._handles.get(color.rgba())
        if image is None:
            side = 2 * _HANDLE_HALF
            image = self._handles[color.rgba()] = _canvas(side, side, self.ratio)
            p = QPainter(image)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(QPen(color, HANDLE_PEN))
            p.drawEllipse(QPointF(_HANDLE_HALF, _HANDLE_HALF), HANDLE_RADIUS, HANDLE_RADIUS)
            p.end()
        return image

    def draw_handle(self, p: QPainter, x: float, y: float, color: QColor) -> None:
        """The handle centred on screen (x, y), snapped to the nearest whole pixel."""
        p.drawImage(QPointF(round(x) - _HANDLE_HALF, round(y) - _HANDLE_HALF),
                    self.handle(color))

    # -- scale bar ---------------------------------------------------------------------------
    def scale_bar(self, px: float, label: str) -> ScaleBar:
        """A bar `px` long with end ticks, a dark edge and `label` centred above it."""
        key = (round(px, 3), label)
        bar = self._bars.get(key)
        if bar is None:
            text = self.get(label)
            spill = max(0.0, (text.advance + 6 - px) / 2)  # the label wider than the bar
            # The bar's right end on a whole pixel, as on the screen: the sprite lands on
            # whole pixels, so the antialiased bar is the same as drawn in place.
            x1 = float(math.ceil(_BAR_PAD + spill + px))
            x0, y = x1 - px, float(math.ceil(max(SCALE_TICK + _BAR_PAD, 10 + self.ascent + 1)))
            image = _canvas(math.ceil(x1 + _BAR_PAD + spill), y + _BAR_PAD, self.ratio)
            p = QPainter(image)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            pen = QPen(TEXT, 2)
            for color, w in ((SHADOW, 4.0), (TEXT, 2.0)):
                pen.setColor(color)
                pen.setWidthF(w)
                p.setPen(pen)
                p.drawLine(QPointF(x0, y), QPointF(x1, y))
                for x in (x0, x1):
                    p.drawLine(QPointF(x, y), QPointF(x, y - SCALE_TICK))
            self.draw(p, x1 - px / 2 - text.advance / 2, y - 10, label)
            p.end()
            bar = self._bars[key] = ScaleBar(image, x1, y)
            if len(self._bars) > 16:
                self._bars.popitem(last=False)
        return bar

