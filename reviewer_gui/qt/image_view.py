"""The image view: one viewport on a series, painted with Qt, driven by the Qt-free logic.

:class:`ImageView` takes a :class:`~reviewer_gui.dicom.Volume`, paints the window/levelled
slice from a numpy buffer wrapped by a ``QImage`` (no copy), overlays the measurements and
the readout (slice number, position, W/L, zoom, mm scale, orientation), and forwards mouse,
wheel and key events to :class:`~reviewer_gui.viewer.Viewport` (see its docstring and
:data:`~reviewer_gui.viewer.KEYS` for what they do). Its slots do nothing else.

A slice change window/levels the new slice at once, before the paint: under X11 the paint
first waits for the X server to finish copying the previous frame out of the shared backing
store, and this work overlaps that wait. Overlay text, handles and the scale bar are drawn
from pre-rendered sprites (:class:`~reviewer_gui.qt._sprites.Sprites`). Figures:
``benchmarks/viewer_RESULTS.md``.
"""

from __future__ import annotations

import math
from dataclasses import replace

from PyQt6.QtCore import QRectF, Qt, QThread, QTimer, pyqtSignal
from PyQt6.QtGui import (
    QColor,
    QCursor,
    QEnterEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PyQt6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QTextEdit,
    QWidget,
)

from reviewer_gui.dicom import Volume
from reviewer_gui.viewer import Button, MeasurementRefused, PixelSpacing, Viewport, WindowLevel
from reviewer_gui.viewer.geometry import orientation_label
from reviewer_gui.viewer.proposal import HELP as PROPOSAL_HELP

from ._overlay import (
    ERROR,
    TEXT,
    Sprites,
    corner_boxes,
    image_target,
    paint_corners,
    paint_measurements,
    paint_scale_bar,
    scale_bar_box,
    text_font,
)

SMOOTH_BELOW_ZOOM = 6.0  # interpolate when magnifying less; show crisp pixels beyond
# While slices scroll by, images are scaled nearest-neighbour (3x cheaper than smooth at
# 900 px); this long after the last step the view repaints smoothly.
REFINE_AFTER_MS = 150
BLACK = QColor(0, 0, 0)

_BUTTONS = {
    Qt.MouseButton.LeftButton: Button.LEFT,
    Qt.MouseButton.RightButton: Button.RIGHT,
    Qt.MouseButton.MiddleButton: Button.MIDDLE,
}
_KEYS = {
    Qt.Key.Key_Up: "Up", Qt.Key.Key_Down: "Down", Qt.Key.Key_PageUp: "PgUp",
    Qt.Key.Key_PageDown: "PgDown", Qt.Key.Key_Home: "Home", Qt.Key.Key_End: "End",
    Qt.Key.Key_Plus: "+", Qt.Key.Key_Equal: "+", Qt.Key.Key_Minus: "-",
    Qt.Key.Key_Escape: "Esc", Qt.Key.Key_F: "F", Qt.Key.Key_C: "C", Qt.Key.Key_B: "B",
    Qt.Key.Key_Return: "Enter", Qt.Key.Key_Enter: "Enter",
    **{getattr(Qt.Key, f"Key_{n}"): str(n) for n in range(1, 7)},
}  # fmt: skip


def typing_in(widget: QWidget | None) -> bool:
    """True when ``widget`` (the focus) takes typed text or a choice (a pick list, e.g. the
    organ after T): the keys must stay there."""
    return isinstance(widget, QLineEdit | QComboBox | QAbstractSpinBox | QTextEdit
                      | QPlainTextEdit)  # fmt: skip


def _around(image: QRectF, width: float, height: float) -> list[QRectF]:
    """Bands (top, bottom, left, right) covering what the image does not, overlapping its
    border by up to a pixel (the image is painted over them) so no seam is left unpainted."""
    top = min(height, max(0.0, math.ceil(image.top())))
    bottom = max(0.0, min(height, math.floor(image.bottom())))
    left = min(width, max(0.0, math.ceil(image.left())))
    right = max(0.0, min(width, math.floor(image.right())))
    bands = [QRectF(0, 0, width, top), QRectF(0, bottom, width, height - bottom),
             QRectF(0, 0, left, height), QRectF(right, 0, width - right, height)]
    return [b for b in bands if b.width() > 0 and b.height() > 0]


def pixel_spacing_of(volume: Volume) -> PixelSpacing | None:
    """The volume's in-plane spacing, or None when it is missing or not a usable length."""
    if volume.pixel_spacing_mm is None:
        return None
    try:
        return PixelSpacing(*volume.pixel_spacing_mm)
    except MeasurementRefused:
        return None


class ImageView(QWidget):
    """One viewport on `volume`; emits :attr:`slice_changed` and :attr:`measurement_done`."""

    slice_changed = pyqtSignal(int)
    measurement_done = pyqtSignal(object)  # a viewer Measurement, completed or edited
    volume_replaced = pyqtSignal()
    window_changed = pyqtSignal(object)  # the reader changed the WindowLevel (keys, right-drag)
    point_marked = pyqtSignal(int, float, float)  # the point tool's click: slice, row, col
    said = pyqtSignal(str)  # what the layer says after a click (a refusal, a proposal's help)

    def __init__(self, volume: Volume, parent: QWidget | None = None, *,
                 title: str = "") -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 160)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # we paint every pixel
        self.title = title
        #: The subject line of the caption; None shows the file's patient id and study date.
        #: A blinded session sets "CASE-xxxx   day N" so the image says what the grid says.
        self.identity: str | None = None
        self.status: tuple[str, QColor] | None = None
        self.paint_count = 0
        self.label_boxes: list[tuple[float, float, float, float]] = []  # last paint's labels
        self.loader: QThread | None = None  # the background load of the whole series, if any
        self._wheel_rest = 0
        self._refine = QTimer(self)
        self._refine.setSingleShot(True)
        self._refine.setInterval(REFINE_AFTER_MS)
        self._refine.timeout.connect(self.update)
        self._overlay_font = text_font(self.font())
        self._sprites = Sprites(self._overlay_font)
        self._pixels_ahead = False  # the slice's pixels were made on its change, not painted yet
        self.volume = volume
        self.viewport = self._make_viewport(volume)

    def _make_viewport(self, volume: Volume) -> Viewport:
        vp = Viewport(volume.voxels, volume.slice_positions_mm, pixel_spacing_of(volume),
                      max(self.width(), 1), max(self.height(), 1))
        vp.nav.subscribe(self._slice_moved)
        vp.layer.subscribe(self.measurement_done.emit)
        vp.layer.subscribe_point(lambda k, p: self.point_marked.emit(k, p[0], p[1]))
        return vp

    def _slice_moved(self, index: int) -> None:
        self._refine.start()  # paint fast while scrolling, smoothly once it stops
        if not self._pixels_ahead and self.isVisible():
            # Window/level the new slice now rather than in the paint: under X11 the paint
            # first waits for the server to finish copying the previous frame into the
            # screen, and this overlaps that wait. At most once per paint (a burst of steps
            # between two paints leaves the rest to the paint).
            self.viewport.image_rgb32()
            self._pixels_ahead = True
        self.update()
        self.slice_changed.emit(index)

    # -- content ---------------------------------------------------------------------------
    def set_volume(self, volume: Volume) -> None:
        """Show `volume` instead (e.g. the whole series after its first slice).

        Keeps the shown slice and measurements by SOP Instance UID, the window, the tool and,
        for slices of the same size, the zoom and pan.
        """
        old, old_volume = self.viewport, self.volume
        index_of = {uid: k for k, uid in enumerate(volume.sop_instance_uids)}
        vp = self._make_viewport(volume)
        vp.window, vp.layer.tool = old.window, old.layer.tool
        vp.layer.markers = [replace(m, slice_index=index_of[uid]) for m in old.layer.markers
                            if (uid := old_volume.sop_instance_uids[m.slice_index]) in index_of]
        if (vp.rows, vp.cols) == (old.rows, old.cols) and not old.fitted:
            vp.transform, vp.fitted = old.transform, False
        for m in old.layer.items:
            uid = old_volume.sop_instance_uids[m.slice_index]
            if uid in index_of:
                m.slice_index = index_of[uid]
                vp.layer.add(m)
                if old.layer.proposal is not None and m is old.layer.proposal.measurement:
                    vp.layer.proposal = old.layer.proposal
        vp.nav.go_to(index_of.get(old_volume.sop_instance_uids[old.nav.index], vp.nav.index))
        self.volume, self.viewport = volume, vp
        self.volume_replaced.emit()
        self.update()

    def set_status(self, text: str, error: bool = False) -> None:
        """A line at the bottom left (loading progress, errors); "" clears it."""
        self.status = (text, ERROR if error else TEXT) if text else None
        self.update()

    def title_lines(self) -> list[str]:
        """Top-right text: the caller's title, then patient and date (or ``identity``), then
        the series."""
        v = self.volume
        identity = self.identity
        if identity is None:
            date = v.study_date
            if len(date) == 8 and date.isdigit():
                date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
            identity = f"{v.patient_id}   {date}"
        lines = [self.title] if self.title else []
        return [*lines, identity, v.series_description]

    def sides(self) -> tuple[str, str, str, str]:
        """Patient sides at the left, right, top and bottom edges of the image."""
        row, col = self.volume.row_direction, self.volume.column_direction
        back_row, back_col = (-row[0], -row[1], -row[2]), (-col[0], -col[1], -col[2])
        return (orientation_label(back_row), orientation_label(row),
                orientation_label(back_col), orientation_label(col))

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent | None) -> None:
        vp = self.viewport
        w, h = float(self.width()), float(self.height())
        self._pixels_ahead = False
        p = QPainter(self)
        target = image_target(vp)
        for band in _around(target, w, h):
            p.fillRect(band, BLACK)
        pixels = vp.image_rgb32()  # kept alive by the viewport while the QImage uses it
        # The stubs say bytes; any buffer works and is wrapped, not copied.
        image = QImage(pixels.data, vp.cols, vp.rows, vp.cols * 4,  # type: ignore[call-overload]
                       QImage.Format.Format_RGB32)
        smooth = vp.transform.zoom < SMOOTH_BELOW_ZOOM and not self._refine.isActive()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        p.drawImage(target, image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self._sprites.ratio != self.devicePixelRatioF():  # moved to another screen
            self._sprites = Sprites(self._overlay_font, self.devicePixelRatioF())
        sprites = self._sprites
        title, sides = self.title_lines(), self.sides()
        avoid = corner_boxes(vp, w, h, title, self.status, sides, sprites) + scale_bar_box(
            vp, w, h, sprites)  # fmt: skip
        self.label_boxes = paint_measurements(p, vp, sprites, (w, h), avoid)
        paint_scale_bar(p, vp, w, h, sprites)
        paint_corners(p, vp, w, h, title, self.status, sides, sprites)
        p.end()
        self.paint_count += 1

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        self.viewport.resize(max(self.width(), 1), max(self.height(), 1))
        super().resizeEvent(event)

    # -- input: translate, forward, repaint if asked ----------------------------------------
    def enterEvent(self, event: QEnterEvent | None) -> None:
        """The pointer came over the image: the keys (arrows, +/-, the window's) go to it
        from now on, unless the reader is typing somewhere."""
        if not typing_in(QApplication.focusWidget()) and self.isActiveWindow():
            self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().enterEvent(event)

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        button = None if event is None else _BUTTONS.get(event.button())
        if event is None or button is None:
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        pos = event.position()
        layer = self.viewport.layer
        proposal = layer.proposal
        if self.viewport.press(button, pos.x(), pos.y(), shift=shift):
            self.update()
        if layer.message:
            self.said.emit(layer.message)
        elif layer.proposal is not None and layer.proposal is not proposal:
            self.said.emit(PROPOSAL_HELP)

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:
        if event is None or event.buttons() == Qt.MouseButton.NoButton:
            return
        pos = event.position()
        before = self.viewport.window
        if self.viewport.move(pos.x(), pos.y()):
            self.update()
        self._window_moved(before)

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:
        button = None if event is None else _BUTTONS.get(event.button())
        if event is None or button is None:
            return
        pos = event.position()
        before = self.viewport.window
        if self.viewport.release(button, pos.x(), pos.y()):
            self.update()
        self._window_moved(before)

    def wheelEvent(self, event: QWheelEvent | None) -> None:
        if event is None:
            return
        self._wheel_rest += event.angleDelta().y()  # 120 per notch; touchpads send less
        notches = int(self._wheel_rest / 120)  # towards zero: the remainder keeps its sign
        self._wheel_rest -= notches * 120
        if notches:
            pos = event.position()
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if self.viewport.wheel(notches, pos.x(), pos.y(), ctrl=ctrl):
                self.update()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        name = None if event is None else _KEYS.get(Qt.Key(event.key()))
        before = self.viewport.window
        if event is not None and name is not None and self.viewport.key(name, self.pointer()):
            self.update()
            self._window_moved(before)
            event.accept()
            return
        super().keyPressEvent(event)

    def pointer(self) -> tuple[float, float] | None:
        """Where the mouse pointer is over this view (screen), if it is."""
        pos = self.mapFromGlobal(QCursor.pos())
        return (pos.x(), pos.y()) if self.rect().contains(pos) else None

    def _window_moved(self, before: WindowLevel) -> None:
        if self.viewport.window != before:
            self.window_changed.emit(self.viewport.window)

    def set_window(self, window: object) -> None:
        """Show `window` (a WindowLevel), e.g. the linked view's; does not re-emit."""
        if isinstance(window, WindowLevel) and window != self.viewport.window:
            self.viewport.set_window(window)
            self.update()
