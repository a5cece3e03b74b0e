"""Each reader's calipers on the same images, side by side, for the adjudicator (read-only).

For the timepoint the adjudicator chose, its series is shown twice: reader 1's view on the
left, reader 2's on the right, each framed and titled in that reader's colour and showing only
that reader's measurements (locked: cyan, dashed, captioned with the lesion id). Choosing a
lesion moves each view to the slice *that reader* measured it on, placed by SOP Instance UID
(DICOM PS3.3 C.12.1), so two readers who picked different slices are seen on theirs. The
series loads once (the middle slice at once, the rest in a worker thread) for both views;
window/level is shared. Corner text names the reader and timepoint, never a date or an id.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QCoreApplication, Qt
from PyQt6.QtGui import QColor, QMouseEvent
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from reviewer_gui.dicom import DicomLoadError, Volume, load_series
from reviewer_gui.reading import Observation, ReadView, State, Timepoint
from reviewer_gui.viewer import Viewport

from .adjudication_views import READER_COLOURS
from .image_view import ImageView
from .lesion_grid import _STATE_TEXT, mm
from .loading import SeriesLoad
from .stored_calipers import stored_calipers
from .studies import series_files

READ_ONLY = "Read-only: drag to pan, wheel for slices, right-drag for window/level"


class ReaderView(ImageView):
    """A read-only image view titled with the reader and timepoint only (no patient id, no
    date): a left-drag pans instead of measuring (the adjudicator measures nothing)."""

    def title_lines(self) -> list[str]:
        description = self.volume.series_description
        return [self.title, description] if description else [self.title]

    def _make_viewport(self, volume: Volume) -> Viewport:
        viewport = super()._make_viewport(volume)
        viewport.measuring = False
        return viewport

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        super().mousePressEvent(_panning(event))

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:
        super().mouseMoveEvent(_panning(event))

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:
        super().mouseReleaseEvent(_panning(event))


def _panning(event: QMouseEvent | None) -> QMouseEvent | None:
    """The left button as Shift+left: a pan (the image view's own gesture for it)."""
    if event is None or not (event.button() == Qt.MouseButton.LeftButton
                             or event.buttons() & Qt.MouseButton.LeftButton):  # fmt: skip
        return event
    return QMouseEvent(event.type(), event.position(), event.globalPosition(), event.button(),
                       event.buttons(), event.modifiers() | Qt.KeyboardModifier.ShiftModifier)


class ReaderPane(QWidget):
    """One reader's heading and image view (a placeholder until there is a series)."""

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.view: ReaderView | None = None
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.placeholder = QLabel("Choose a subject and a cell of the table")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("QLabel { background: black; color: #bbbbbb; }")
        self.placeholder.setMinimumSize(200, 200)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(self.heading)
        self.box.addWidget(self.placeholder, 1)

    def set_view(self, view: ReaderView | None) -> None:
        if self.view is not None:
            self.view.hide()
            self.view.setParent(None)
            self.view.deleteLater()
        self.view = view
        self.placeholder.setVisible(view is None)
        if view is not None:
            self.box.addWidget(view, 1)


class ReaderImages(QWidget):
    """Reader 1's and reader 2's calipers on the chosen timepoint's series."""

    def __init__(self, database: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.panes = (ReaderPane(0), ReaderPane(1))
        self.loader: SeriesLoad | None = None
        self.volumes: dict[tuple[str, str], Volume] = {}  # (case id, label) -> whole series
        self.shown: tuple[str, str] | None = None
        self._place: tuple[tuple[str, str], tuple[ReadView, ReadView], str, str | None] | None
        self._place = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for pane in self.panes:
            layout.addWidget(framed(pane, READER_COLOURS[pane.index]), 1)

    def views(self) -> list[ReaderView]:
        return [pane.view for pane in self.panes if pane.view is not None]

    def loading(self) -> bool:
        """A series is still loading (or loaded but not yet shown)."""
        return self.loader is not None and (not self.loader.isFinished() or any(
            v.status is not None and v.status[0].startswith("Loading") for v in self.views()))

    def clear(self) -> None:
        self._settle()
        self.shown = self._place = None
        for pane in self.panes:
            pane.set_view(None)
            pane.heading.setText("")

    def show_place(self, case_id: str, timepoint: Timepoint, readers: tuple[str, str],
                   reads: tuple[ReadView, ReadView], lesion_id: str | None) -> None:  # fmt: skip
        """Both readers' measurements at ``timepoint``, each view on the slice its reader
        measured ``lesion_id`` on."""
        self._place = (readers, reads, timepoint.label, lesion_id)
        if self.shown != (case_id, timepoint.label):
            self._open(case_id, timepoint)
        self._refresh()

    # -- the series ------------------------------------------------------------------------
    def _settle(self) -> None:
        if self.loader is not None and not self.loader.isFinished():
            self.loader.wait()
            QCoreApplication.sendPostedEvents()  # its "loaded", while the views still live

    def _open(self, case_id: str, timepoint: Timepoint) -> None:
        self._settle()
        self.loader, self.shown = None, (case_id, timepoint.label)
        key = (case_id, timepoint.label)
        volume = self.volumes.get(key)
        files: tuple[Path, ...] = ()
        problem = ""
        if volume is None:
            try:
                if timepoint.series is None:
                    raise DicomLoadError(f"{timepoint.label} has no series")
                files = series_files(timepoint.series, self.database.parent)
                volume = load_series([files[len(files) // 2]], workers=1)
            except (DicomLoadError, OSError, KeyError, IndexError) as error:
                problem = f"{timepoint.label}: cannot open its series: {error}"
        for pane in self.panes:
            pane.set_view(None if volume is None else ReaderView(volume, title=""))
            if pane.view is not None:
                pane.view.set_status(READ_ONLY)
            if problem:
                pane.placeholder.setText(problem)
        first, second = self.panes[0].view, self.panes[1].view
        if first is not None and second is not None:  # one window/level for both
            first.window_changed.connect(second.set_window)
            second.window_changed.connect(first.set_window)
        if volume is not None and len(files) > 1:
            worker = SeriesLoad(files, self)
            worker.loaded.connect(lambda whole: self._loaded(key, whole))
            worker.failed.connect(self._failed)
            for view in self.views():
                view.set_status(f"Loading {len(files)} images...")
            self.loader = worker
            worker.start()

    def _failed(self, text: str) -> None:
        for view in self.views():
            view.set_status(text, error=True)

    def _loaded(self, key: tuple[str, str], whole: object) -> None:
        assert isinstance(whole, Volume)
        self.volumes[key] = whole
        if self.shown != key:
            return
        for view in self.views():
            view.set_volume(whole)
            view.set_status(READ_ONLY)
        self._refresh()

    # -- the measurements ----------------------------------------------------------------
    def _refresh(self) -> None:
        if self._place is None:
            return
        readers, reads, label, lesion_id = self._place
        slices = [self._slice_of(pane.view, reads[pane.index], label, lesion_id)
                  for pane in self.panes]  # fmt: skip
        for pane in self.panes:
            read, reader = reads[pane.index], readers[pane.index]
            view, other = pane.view, readers[1 - pane.index]
            found = _described(read, label, lesion_id)
            if view is not None:
                view.title = f"{reader}  {label}"
                self._draw(view, read, label)
                own, theirs = slices[pane.index], slices[1 - pane.index]
                if own is not None:
                    view.viewport.nav.go_to(own)
                    count = view.viewport.nav.count  # numbered from the head, as the readout
                    found += f" on slice {count - own} of {count}"
                elif theirs is not None and lesion_id is not None:  # the same anatomy
                    view.viewport.nav.go_to(theirs)
                    found += f"; shown on {other}'s slice for {lesion_id}"
            colour = READER_COLOURS[pane.index].name()
            pane.heading.setText(f"<span style='color:{colour}'><b>{reader}</b></span> "
                                 f"(reader {pane.index + 1}) at <b>{label}</b>: {found}")

    @staticmethod
    def _slice_of(view: ImageView | None, read: ReadView, label: str,
                  lesion_id: str | None) -> int | None:  # fmt: skip
        """The index of the slice the reader measured the lesion on (in ``view``)."""
        observation = None if lesion_id is None else read.observation(label, lesion_id)
        if view is None or observation is None or not observation.fragments:
            return None
        uids = view.volume.sop_instance_uids
        uid = observation.fragments[0].long_axis.sop_instance_uid
        return uids.index(uid) if uid in uids else None

    @staticmethod
    def _draw(view: ImageView, read: ReadView, label: str) -> None:
        layer = view.viewport.layer
        for old in list(layer.items):
            layer.remove(old)
        for _, _, measurement in stored_calipers(view.volume, read, label, locked=True):
            layer.add(measurement)
        view.update()


def framed(widget: QWidget, colour: QColor) -> QFrame:
    """``widget`` in a frame of ``colour`` (the reader's)."""
    frame = QFrame()
    frame.setObjectName("readerFrame")
    frame.setStyleSheet(f"QFrame#readerFrame {{ border: 3px solid {colour.name()}; }}")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(3, 3, 3, 3)
    layout.setSpacing(2)
    layout.addWidget(widget)
    return frame


def _described(read: ReadView, label: str, lesion_id: str | None) -> str:
    """What the reader recorded for the lesion at the timepoint, in words."""
    if lesion_id is None:
        return "every lesion this reader measured here"
    lesion = read.lesions.get(lesion_id)
    if lesion is None:
        return f"no lesion {lesion_id} in this read"
    observation: Observation | None = read.observation(label, lesion_id)
    if observation is None:
        return f"{lesion_id}: no entry"
    state = ("" if observation.state is State.PRESENT
             else f" {_STATE_TEXT.get(observation.state, observation.state.value)}")  # fmt: skip
    if not observation.fragments:
        return f"{lesion_id}{state}, no caliper"
    length = observation.diameter_mm(lesion.is_node)
    counts = "short axis" if lesion.is_node else "long axis"
    size = f" {mm(length)} mm ({counts})" if length is not None else ""
    return f"{lesion_id}{state}{size}"
