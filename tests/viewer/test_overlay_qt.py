"""Overlay labels drawn from the label cache, and the view after a burst of scroll steps."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QImage, QPainter, QPen
from pytestqt.qtbot import QtBot

from reviewer_gui.dicom import load_series
from reviewer_gui.qt import ImageView
from reviewer_gui.qt._overlay import BOX, EDITABLE, HANDLE_RADIUS, TEXT, text_font
from reviewer_gui.qt._sprites import Sprites
from reviewer_gui.viewer.windowing import apply_window

from .conftest import SAMPLE_SCANS


def _grey_canvas(width: int = 240, height: int = 60, grey: int = 90) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(grey, grey, grey))
    return image


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    ptr = image.constBits()
    assert ptr is not None
    ptr.setsize(image.sizeInBytes())
    rows = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3].copy()


@pytest.mark.parametrize("text", ["Slice 120/300   z -131.0 mm", "42.0 x 18.5 mm", "R"])
@pytest.mark.parametrize("time", [1, 2, 3])  # drawn in place, its label made, label reused
def test_a_label_looks_like_text_drawn_on_its_box(qtbot: QtBot, text: str, time: int) -> None:
    font = text_font(QFont())
    labels = Sprites(font)
    for _ in range(time):
        cached = _grey_canvas()
        p = QPainter(cached)
        labels.draw(p, 20, 30, text, EDITABLE)
        p.end()
    assert len(labels) == (0 if time == 1 else 1)  # a label only once the text comes back
    direct = _grey_canvas()
    fm = labels.metrics
    p = QPainter(direct)
    top = round(30 - fm.ascent() - 1)  # the box lands on whole pixels
    p.fillRect(QRectF(17, top, fm.horizontalAdvance(text) + 6, fm.height() + 2), BOX)
    p.setFont(font)
    p.setPen(EDITABLE)
    p.drawText(QPointF(20, top + fm.ascent() + 1), text)
    p.end()
    a, b = _pixels(cached).astype(int), _pixels(direct).astype(int)
    assert (a != 90).any()  # something was drawn
    assert np.abs(a - b).max() <= 2  # the same up to rounding of the blend


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_a_handle_sprite_is_the_circle_drawn_in_place(qtbot: QtBot, ratio: float) -> None:
    sprites = Sprites(text_font(QFont()), ratio)
    shown, direct = _grey_canvas(), _grey_canvas()
    for canvas in (shown, direct):
        canvas.setDevicePixelRatio(ratio)
    p = QPainter(shown)
    sprites.draw_handle(p, 40.4, 29.6, EDITABLE)  # snapped to the pixel (40, 30)
    p.end()
    p = QPainter(direct)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(EDITABLE, 1.2))
    p.drawEllipse(QPointF(40, 30), HANDLE_RADIUS, HANDLE_RADIUS)
    p.end()
    a, b = _pixels(shown).astype(int), _pixels(direct).astype(int)
    assert (a != 90).sum() > 20  # a ring was drawn
    assert np.abs(a - b).max() <= 2


def _scale_bar_in_place(p: QPainter, sprites: Sprites, width: float, height: float,
                        px: float, label: str) -> None:
    """The scale bar as it was drawn stroke by stroke before it became a sprite."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    x1, y = width - 10, height - 14
    x0 = x1 - px
    pen = QPen(TEXT, 2)
    for color, w in ((QColor(0, 0, 0, 200), 4.0), (TEXT, 2.0)):
        pen.setColor(color)
        pen.setWidthF(w)
        p.setPen(pen)
        p.drawLine(QPointF(x0, y), QPointF(x1, y))
        for x in (x0, x1):
            p.drawLine(QPointF(x, y), QPointF(x, y - 7))
    fm = sprites.metrics  # the label on its box, as a label is drawn (box on whole pixels)
    left = round(x1 - px / 2 - fm.horizontalAdvance(label) / 2 - 3)
    top = round(y - 10 - fm.ascent() - 1)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    p.fillRect(QRectF(left, top, fm.horizontalAdvance(label) + 6, fm.height() + 2), BOX)
    p.setFont(sprites.font)
    p.setPen(TEXT)
    p.drawText(QPointF(left + 3, top + fm.ascent() + 1), label)


@pytest.mark.parametrize(("px", "label"), [(142.857, "100 mm"), (61.3, "20 mm"),
                                           (21.4, "5 mm")])  # the last: label wider than bar
def test_the_scale_bar_sprite_is_the_bar_drawn_in_place(qtbot: QtBot, px: float,
                                                        label: str) -> None:
    sprites = Sprites(text_font(QFont()))
    shown, direct = _grey_canvas(300, 90), _grey_canvas(300, 90)
    p = QPainter(shown)
    bar = sprites.scale_bar(px, label)
    p.drawImage(QPointF(300 - 10 - bar.right, 90 - 14 - bar.baseline), bar.image)
    p.end()
    p = QPainter(direct)
    _scale_bar_in_place(p, sprites, 300, 90, px, label)
    p.end()
    a, b = _pixels(shown).astype(int), _pixels(direct).astype(int)
    assert (a != 90).sum() > px  # the bar was drawn
    assert np.abs(a - b).max() <= 2
    assert sprites.scale_bar(px, label) is bar  # kept for the next paint


def test_labels_are_kept_per_text_and_colour_and_the_oldest_go_first(qtbot: QtBot) -> None:
    labels = Sprites(text_font(QFont()), size=3)
    first = labels.get("12.0 mm", TEXT)
    assert labels.get("12.0 mm", TEXT) is first
    assert labels.get("12.0 mm", EDITABLE) is not first
    labels.get("a")
    labels.get("b")  # four entries asked for, three kept: the oldest ("12.0 mm", TEXT) goes
    assert len(labels) == 3
    assert labels.get("12.0 mm", TEXT) is not first
    wide = Sprites(text_font(QFont()))
    assert wide.width("12.0 mm") == pytest.approx(wide.metrics.horizontalAdvance("12.0 mm"))


def test_labels_at_device_pixel_ratio_two_are_twice_as_dense(qtbot: QtBot) -> None:
    font = text_font(QFont())
    one, two = Sprites(font).get("W 400 L 40"), Sprites(font, ratio=2.0).get("W 400 L 40")
    assert two.image.width() >= 2 * one.image.width() - 1
    assert two.image.devicePixelRatio() == 2.0


def test_after_a_burst_of_steps_the_view_shows_the_slice_it_is_on(qtbot: QtBot) -> None:
    view = ImageView(load_series(SAMPLE_SCANS / "SUBJ-001" / "BASELINE"))
    qtbot.addWidget(view)
    view.resize(600, 600)
    view.show()
    qtbot.waitExposed(view)
    start = view.viewport.nav.index
    for _ in range(3):  # three steps before any paint: the first was window/levelled ahead
        qtbot.keyClick(view, Qt.Key.Key_Down)
    index = view.viewport.nav.index
    assert index == start - 3
    vp = view.viewport
    shown = _pixels(view.grab().toImage())
    expected = apply_window(view.volume.voxels[index], vp.window)
    rows, cols = expected.shape
    hits = 0
    for row, col in [(r, c) for r in range(5, rows, rows // 7) for c in range(5, cols, cols // 7)]:
        x, y = vp.transform.to_screen(row, col)
        px = shown[int(y), int(x)]
        if abs(int(px[0]) - int(expected[row, col])) <= 1 and px[0] == px[1] == px[2]:
            hits += 1
    assert hits >= 40  # of 49 points (a few lie under the corner text)
    previous = apply_window(view.volume.voxels[start], vp.window)
    assert not np.array_equal(previous, expected)  # the check could tell the slices apart
