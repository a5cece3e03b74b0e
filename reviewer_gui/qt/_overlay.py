"""Painting of what lies over the image: measurements, corner text, orientation, mm scale.

Colours follow the usual reading-room conventions: editable measurements yellow, read-only
ones (a prior's, a signed timepoint's) cyan and dashed, warnings amber, refusals red. Text
sits on a translucent dark box so it stays legible over bright bone and dark lung alike.
"""

from __future__ import annotations

import math
from collections import OrderedDict

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from reviewer_gui.viewer import Measurement, Viewport
from reviewer_gui.viewer.scale_bar import format_mm

TEXT = QColor(235, 235, 235)
EDITABLE = QColor(255, 214, 0)
LOCKED = QColor(0, 200, 255)
WARNING = QColor(255, 170, 0)
ERROR = QColor(255, 80, 80)
BOX = QColor(0, 0, 0, 150)
HANDLE_RADIUS = 4.0
MARGIN = 10.0


def text_font(base: QFont, pixel_size: int = 14, bold: bool = False) -> QFont:
    """The overlay font: the widget's family at a fixed pixel size."""
    font = QFont(base)
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


class _Label:
    """One line of text on its translucent box, drawn once into an image and reused."""

    __slots__ = ("advance", "ascent", "image")

    def __init__(self, text: str, color: QColor, font: QFont, ratio: float) -> None:
        fm = QFontMetricsF(font)
        self.ascent, self.advance = fm.ascent(), fm.horizontalAdvance(text)
        width, height = math.ceil(self.advance) + 6, math.ceil(fm.height()) + 2
        self.image = QImage(math.ceil(width * ratio), math.ceil(height * ratio),
                            QImage.Format.Format_ARGB32_Premultiplied)
        self.image.setDevicePixelRatio(ratio)
        self.image.fill(0)
        p = QPainter(self.image)
        p.fillRect(QRectF(0, 0, self.advance + 6, fm.height() + 2), BOX)
        p.setFont(font)
        p.setPen(color)
        p.drawText(QPointF(3, self.ascent + 1), text)
        p.end()


class Labels:
    """The last `size` labels drawn in `font` at device pixel ratio `ratio`, by text and colour.

    Drawing a label from here is one small image blend, several times cheaper than laying
    out and rasterising its text again on every paint (the corner text, orientation letters
    and measurement labels mostly stay the same from one slice to the next).
    """

    def __init__(self, font: QFont, ratio: float = 1.0, size: int = 512) -> None:
        self.font, self.ratio, self.size = QFont(font), ratio, size
        self.metrics = QFontMetricsF(self.font)
        self._labels: OrderedDict[tuple[str, int], _Label] = OrderedDict()

    def __len__(self) -> int:
        return len(self._labels)

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
        lands on whole pixels so the text stays crisp.
        """
        label = self.get(text, color)
        p.drawImage(QPointF(round(x - 3), round(y - label.ascent - 1)), label.image)


def measurement_label(m: Measurement) -> str:
    """``42.0 mm`` for a caliper; ``42.0 x 18.5 mm`` (long x short) for a bidirectional one.

    No "L"/"S" prefixes: beside the orientation letters an "L" would read as "left".
    """
    long_mm, short_mm = m.long_mm, m.short_mm
    if long_mm is None:
        return ""
    who = f"{m.caption}  " if m.caption else ""
    if m.kind == "bidirectional":
        if short_mm is None:
            return f"{who}{long_mm:.1f} mm, now draw the short axis"
        return f"{who}{long_mm:.1f} x {short_mm:.1f} mm"
    return f"{who}{long_mm:.1f} mm"


def paint_measurements(p: QPainter, vp: Viewport, labels: Labels) -> None:
    """Lines, end handles and mm labels of the measurements on the shown slice."""
    t = vp.transform
    fm = labels.metrics
    for m in vp.layer.on_slice(vp.nav.index):
        color = LOCKED if m.locked else EDITABLE
        pen = QPen(color, 1.6)
        pen.setCosmetic(True)
        if m.locked:
            pen.setStyle(Qt.PenStyle.DashLine)
        segments = [s for s in (m.long_axis, m.short_axis) if s is not None]
        p.setBrush(Qt.BrushStyle.NoBrush)
        for a, b in segments:
            p.setPen(pen)
            p.drawLine(QPointF(*t.to_screen(*a)), QPointF(*t.to_screen(*b)))
        if not m.locked:
            p.setPen(QPen(color, 1.2))
            for h in m.handles:
                p.drawEllipse(QPointF(*t.to_screen(*h)), HANDLE_RADIUS, HANDLE_RADIUS)
        if not segments:
            continue
        ends = [t.to_screen(*pt) for seg in segments for pt in seg]
        x = max(e[0] for e in ends) + 8
        y = min(e[1] for e in ends) + fm.ascent() / 2
        lines = [measurement_label(m), *m.notes()]
        for k, line in enumerate(lines):
            labels.draw(p, x, y + k * fm.height(), line, color if k == 0 else WARNING)


def paint_scale_bar(p: QPainter, vp: Viewport, width: float, height: float,
                    labels: Labels) -> None:
    """A horizontal 1-2-5 bar in mm at the bottom right (none without a pixel spacing)."""
    bar = vp.scale_bar(max_px=min(200.0, width / 3))
    if bar is None:
        return
    mm, px = bar
    x1, y = width - MARGIN, height - MARGIN - 4
    x0 = x1 - px
    pen = QPen(TEXT, 2)
    for color, w in ((QColor(0, 0, 0, 200), 4.0), (TEXT, 2.0)):
        pen.setColor(color)
        pen.setWidthF(w)
        p.setPen(pen)
        p.drawLine(QPointF(x0, y), QPointF(x1, y))
        for x in (x0, x1):
            p.drawLine(QPointF(x, y), QPointF(x, y - 7))
    label = format_mm(mm)
    labels.draw(p, x1 - px / 2 - labels.width(label) / 2, y - 10, label)


def paint_corners(p: QPainter, vp: Viewport, width: float, height: float,
                  title: list[str], status: tuple[str, QColor] | None,
                  sides: tuple[str, str, str, str], labels: Labels) -> None:
    """Readout top left, series title top right, orientation letters, messages bottom left."""
    fm = labels.metrics
    line = fm.height()
    for k, text in enumerate(vp.readout()):
        labels.draw(p, MARGIN, MARGIN + fm.ascent() + k * line, text)
    for k, text in enumerate(title):
        color = EDITABLE if k == 0 else TEXT
        labels.draw(p, width - MARGIN - labels.width(text, color),
                    MARGIN + fm.ascent() + k * line, text, color)
    messages: list[tuple[str, QColor]] = []
    if vp.layer.message:
        messages.append((vp.layer.message, ERROR))
    if status is not None:
        messages.append(status)
    y = height - MARGIN - fm.descent()
    for text, color in reversed(messages):
        for chunk in reversed(_wrap(text, fm, width * 0.6)):
            labels.draw(p, MARGIN, y, chunk, color)
            y -= line
    left, right, top, bottom = sides
    mid_x, mid_y = width / 2, height / 2
    labels.draw(p, MARGIN, mid_y, left)
    labels.draw(p, width - MARGIN - labels.width(right), mid_y, right)
    labels.draw(p, mid_x - labels.width(top) / 2, MARGIN + fm.ascent(), top)
    labels.draw(p, mid_x - labels.width(bottom) / 2, height - MARGIN - fm.descent(), bottom)


def _wrap(text: str, fm: QFontMetricsF, max_width: float) -> list[str]:
    """`text` broken into lines no wider than `max_width` (at spaces)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and fm.horizontalAdvance(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def image_target(vp: Viewport) -> QRectF:
    """Where the slice goes on the screen."""
    return QRectF(*vp.transform.image_rect(vp.rows, vp.cols))
