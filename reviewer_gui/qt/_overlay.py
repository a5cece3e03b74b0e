"""Painting of what lies over the image: measurements, corner text, orientation, mm scale.

Colours follow the usual reading-room conventions: editable measurements yellow, read-only
ones (a prior's, a signed timepoint's) cyan and dashed, warnings amber, refusals red. Text
sits on a translucent dark box so it stays legible over bright bone and dark lung alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

from PyQt6.QtCore import QLineF, QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from reviewer_gui.viewer import Marker, Measurement, Viewport
from reviewer_gui.viewer.corner_layout import BOX_PAD, Box, layout_corners, place_label
from reviewer_gui.viewer.scale_bar import format_mm

from ._sprites import BOX, HANDLE_RADIUS, TEXT, Placed, Sprites

__all__ = ["BOX", "EDITABLE", "ERROR", "HANDLE_RADIUS", "LOCKED", "PROPOSED", "TEXT", "WARNING",
           "Sprites", "corner_boxes", "image_target", "measurement_label", "paint_corners",
           "paint_measurements", "paint_scale_bar", "scale_bar_box", "text_font"]

EDITABLE = QColor(255, 214, 0)
LOCKED = QColor(0, 200, 255)
PROPOSED = QColor(255, 120, 40)  # a one-click proposal awaiting Enter or Esc
PROPOSAL_NOTE = "proposed: Enter accepts, drag an end, Esc discards"
MARKER_RADIUS = 6.0
WARNING = QColor(255, 170, 0)
ERROR = QColor(255, 80, 80)
MARGIN = 10.0
LINE_WIDTH = 1.6
_DIGIT = re.compile(r"\d")


def text_font(base: QFont, pixel_size: int = 14, bold: bool = False) -> QFont:
    """The overlay font: the widget's family at a fixed pixel size."""
    font = QFont(base)
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


@lru_cache(maxsize=4)
def _line_pen(locked: bool, proposed: bool = False) -> QPen:
    """Measurement lines: yellow and solid while editable, cyan and dashed once locked,
    orange and dashed while proposed."""
    pen = QPen(LOCKED if locked else PROPOSED if proposed else EDITABLE, LINE_WIDTH)
    pen.setCosmetic(True)
    if locked or proposed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _color(m: Measurement) -> QColor:
    return LOCKED if m.locked else PROPOSED if m.proposed else EDITABLE


def measurement_label(m: Measurement) -> str:
    """``42.0 mm`` for a caliper; ``42.0 x 18.5 mm`` (long x short) for a bidirectional one.

    No "L"/"S" prefixes: beside the orientation letters an "L" would read as "left".
    """
    long_mm, short_mm = m.long_mm, m.short_mm
    if long_mm is None:
        return ""
    who = f"{m.caption}  " if m.caption else ""
    if m.proposed:
        who = f"proposed  {who}"
    if m.kind == "bidirectional":
        if short_mm is None:
            return f"{who}{long_mm:.1f} mm, now draw the short axis"
        return f"{who}{long_mm:.1f} x {short_mm:.1f} mm"
    return f"{who}{long_mm:.1f} mm"


def paint_measurements(p: QPainter, vp: Viewport, sprites: Sprites,
                       view: tuple[float, float] | None = None,
                       avoid: list[Box] | None = None) -> list[Box]:  # fmt: skip
    """Lines, end handles and mm labels of the measurements on the shown slice; each label
    inside the ``view`` (width, height) and clear of the ``avoid`` boxes and of the labels
    before it (:func:`~reviewer_gui.viewer.corner_layout.place_label`). Returns the labels'
    boxes."""
    shown = vp.layer.on_slice(vp.nav.index)
    taken = list(avoid or ())
    labels: list[Box] = []
    markers = vp.layer.markers_on(vp.nav.index)
    if not shown and not markers:
        return labels
    size = view or (float(vp.width), float(vp.height))
    to_screen = vp.transform.to_screen
    line = sprites.line
    p.setBrush(Qt.BrushStyle.NoBrush)
    for marker in markers:
        labels.append(_paint_marker(p, vp, sprites, marker, size, taken))
        taken.append(labels[-1])
    for m in shown:
        color = _color(m)
        ends = [to_screen(*pt) for seg in (m.long_axis, m.short_axis) if seg is not None
                for pt in seg]
        if ends:
            p.setPen(_line_pen(m.locked, m.proposed))
            p.drawLines(*[QLineF(*ends[k], *ends[k + 1]) for k in range(0, len(ends), 2)])
        if not m.locked:
            for h in m.handles:
                sprites.draw_handle(p, *to_screen(*h), color)
        if not ends:
            continue
        texts = [measurement_label(m), *m.notes(), *([PROPOSAL_NOTE] if m.proposed else [])]
        colors = [color] + [WARNING] * (len(texts) - 1)
        block = (max(sprites.width(t, c) for t, c in zip(texts, colors, strict=True))
                 + 2 * BOX_PAD, len(texts) * line)  # fmt: skip
        box = place_label(ends, block, size, taken, line=line)
        taken.append(box)
        labels.append(box)
        for k, (text, c) in enumerate(zip(texts, colors, strict=True)):
            sprites.draw(p, box[0] + BOX_PAD, box[1] + 1 + sprites.ascent + k * line, text, c)
    return labels


def _paint_marker(p: QPainter, vp: Viewport, sprites: Sprites, marker: Marker,
                  size: tuple[float, float], taken: list[Box]) -> Box:  # fmt: skip
    """A location point: a ring with a dot, its caption beside it; returns the label's box."""
    x, y = vp.transform.to_screen(*marker.point)
    color = LOCKED if marker.locked else EDITABLE
    pen = QPen(color, LINE_WIDTH)
    pen.setCosmetic(True)
    p.setPen(pen)
    p.drawEllipse(QPointF(x, y), MARKER_RADIUS, MARKER_RADIUS)
    p.drawEllipse(QPointF(x, y), 1.0, 1.0)
    block = (sprites.width(marker.caption, color) + 2 * BOX_PAD, sprites.line)
    ring = [(x - MARKER_RADIUS, y - MARKER_RADIUS), (x + MARKER_RADIUS, y + MARKER_RADIUS)]
    box = place_label(ring, block, size, taken, line=sprites.line)
    sprites.draw(p, box[0] + BOX_PAD, box[1] + 1 + sprites.ascent, marker.caption, color)
    return box


def paint_scale_bar(p: QPainter, vp: Viewport, width: float, height: float,
                    sprites: Sprites) -> None:
    """A horizontal 1-2-5 bar in mm at the bottom right (none without a pixel spacing)."""
    placed = _scale_bar(vp, width, height, sprites)
    if placed is not None:
        p.drawImage(*placed)


def _scale_bar(vp: Viewport, width: float, height: float, sprites: Sprites) -> Placed | None:
    bar = vp.scale_bar(max_px=min(200.0, width / 3))
    if bar is None:
        return None
    mm, px = bar
    sprite = sprites.scale_bar(px, format_mm(mm))
    # Right end MARGIN from the edge, the line MARGIN + 4 from the bottom; whole pixels.
    return Placed(QPointF(round(width - MARGIN - sprite.right),
                          round(height - MARGIN - 4 - sprite.baseline)), sprite.image)


def _box(placed: Placed) -> Box:
    size = placed.image.deviceIndependentSize()
    x, y = placed.point.x(), placed.point.y()
    return (x, y, x + size.width(), y + size.height())


def scale_bar_box(vp: Viewport, width: float, height: float, sprites: Sprites) -> list[Box]:
    """Where the scale bar is drawn (none without a pixel spacing)."""
    placed = _scale_bar(vp, width, height, sprites)
    return [] if placed is None else [_box(placed)]


def corner_boxes(vp: Viewport, width: float, height: float, title: list[str],
                 status: tuple[str, QColor] | None, sides: tuple[str, str, str, str],
                 sprites: Sprites) -> list[Box]:  # fmt: skip
    """Where :func:`paint_corners` draws: the readout, title, messages and orientation
    letters, for measurement labels to keep clear of."""
    line = sprites.line
    readout = vp.readout()
    boxes = [(MARGIN - BOX_PAD, MARGIN + k * line - 1,
              MARGIN + sprites.metrics.horizontalAdvance(text) + BOX_PAD,
              MARGIN + (k + 1) * line + 1) for k, text in enumerate(readout)]  # fmt: skip
    return boxes + [_box(placed) for placed in _corner_plan(vp, width, height, title, status,
                                                             sides, sprites)]


def paint_corners(p: QPainter, vp: Viewport, width: float, height: float,
                  title: list[str], status: tuple[str, QColor] | None,
                  sides: tuple[str, str, str, str], sprites: Sprites) -> None:
    """Readout top left, series title top right, orientation letters, messages bottom left.

    Only the readout changes from slice to slice; the rest is placed once per size, title,
    message, orientation and readout shape (:meth:`Sprites.plan`), out of each other's way
    (:func:`~reviewer_gui.viewer.corner_layout.layout_corners`).
    """
    ascent, line = sprites.ascent, sprites.line
    readout = vp.readout()
    for k, text in enumerate(readout):
        sprites.draw(p, MARGIN, MARGIN + ascent + k * line, text)
    for point, image in _corner_plan(vp, width, height, title, status, sides, sprites):
        p.drawImage(point, image)


def _corner_plan(vp: Viewport, width: float, height: float, title: list[str],
                 status: tuple[str, QColor] | None, sides: tuple[str, str, str, str],
                 sprites: Sprites) -> list[Placed]:  # fmt: skip
    message = vp.layer.message
    # Digits have one width in the overlay font: the layout holds for every slice number.
    shape = tuple(_DIGIT.sub("0", text) for text in vp.readout())
    key = ("corners", width, height, tuple(title), message, sides, shape,
           None if status is None else (status[0], status[1].rgba()))
    return sprites.plan(key, lambda: _corners(width, height, title, message, status, sides,
                                              shape, sprites))


def _corners(width: float, height: float, title: list[str], message: str,
             status: tuple[str, QColor] | None, sides: tuple[str, str, str, str],
             readout_shape: tuple[str, ...], sprites: Sprites) -> list[Placed]:
    fm = sprites.metrics
    ascent, line = sprites.ascent, sprites.line
    left, right, top, bottom = sides
    layout = layout_corners(width, line, [fm.horizontalAdvance(t) for t in readout_shape],
                            [sprites.width(t, EDITABLE if k == 0 else TEXT)
                             for k, t in enumerate(title)],
                            sprites.width(top), margin=MARGIN)  # fmt: skip
    placed: list[Placed] = []
    for k, text in enumerate(title):
        color = EDITABLE if k == 0 else TEXT
        placed.append(sprites.placed(width - MARGIN - sprites.width(text, color),
                                     layout.title_top + ascent + k * line, text, color))
    messages: list[tuple[str, QColor]] = []
    if message:
        messages.append((message, ERROR))
    if status is not None:
        messages.append(status)
    y = height - MARGIN - sprites.descent
    for text, color in reversed(messages):
        for chunk in reversed(_wrap(text, fm, width * 0.6)):
            placed.append(sprites.placed(MARGIN, y, chunk, color))
            y -= line
    mid_x, mid_y = width / 2, height / 2
    placed += [sprites.placed(MARGIN, mid_y, left),
               sprites.placed(width - MARGIN - sprites.width(right), mid_y, right),
               sprites.placed(mid_x - sprites.width(top) / 2, layout.top_letter_top + ascent,
                              top),
               sprites.placed(mid_x - sprites.width(bottom) / 2,
                              height - MARGIN - sprites.descent, bottom)]
    return placed


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
