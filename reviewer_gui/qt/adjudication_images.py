"""Each reader's calipers on that reader's images, side by side, for the adjudicator
(read-only).

For the timepoint the adjudicator chose, reader 1's view is on the left and reader 2's on the
right, each framed and titled in that reader's colour and showing only that reader's
measurements (locked: cyan, dashed, captioned with the lesion id). Each view shows the series
that reader read the timepoint on (``ReadView.series_of``: another reconstruction or phase of
the study may have been chosen), or the series the reader's caliper of the chosen lesion lies
on (:mod:`.adjudication_series`); when the two views show different series a notice above them
names both (series number, description, slice thickness: never a date or an id). Choosing a
lesion moves each view to the slice *that reader* measured it on, placed by SOP Instance UID
(DICOM PS3.3 C.12.1); a reader without a caliper there is shown the other reader's slice (by
position along the slice normal when their series differ). A series loads once (the middle
slice at once, the rest in a worker thread) and is shared when both readers read it;
window/level is shared. Corner text names the reader, timepoint and series only.
"""

from __future__ import annotations

import html
from pathlib import Path

from PyQt6.QtCore import QCoreApplication, Qt, QThread, QTimer
from PyQt6.QtGui import QColor, QMouseEvent
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from reviewer_gui.dicom import DicomLoadError, Volume, load_series
from reviewer_gui.reading import Observation, ReadView, State, Timepoint
from reviewer_gui.store.image_folder import is_archive
from reviewer_gui.viewer import Viewport

from . import remote_loading
from .adjudication_series import (
    ShownSeries,
    StudySeries,
    different_series_notice,
    series_words,
)
from .adjudication_views import READER_COLOURS
from .image_view import ImageView
from .lesion_grid import _STATE_TEXT, mm
from .loading import SeriesLoad
from .remote_loading import RemoteSeriesLoad, connection_lost, lost_words, waiting_volume
from .stored_calipers import stored_calipers
from .workers import let_go

READ_ONLY = "Read-only: drag to pan, wheel for slices, right-drag for window/level"
#: The notice that the two readers' views show different series: amber, like a caution.
NOTICE_STYLE = ("QLabel { background: #fff1c2; color: #4d3800; border: 1px solid #d9a400; "
                "padding: 4px 8px; font-weight: bold; }")


class ReaderView(ImageView):
    """A read-only image view titled with the reader, timepoint and series only (no patient
    id, no date): a left-drag pans instead of measuring (the adjudicator measures nothing)."""

    series_line = ""  # the series in words (number, description, thickness)

    def title_lines(self) -> list[str]:
        series = self.series_line or self.volume.series_description
        return [self.title, series] if series else [self.title]

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
        self.series: ShownSeries | None = None  # what the view shows
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
    """Reader 1's and reader 2's calipers at the chosen timepoint, each on that reader's
    series, and a notice above them when the two series differ."""

    def __init__(self, database: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.studies = StudySeries(database.parent)
        self.panes = (ReaderPane(0), ReaderPane(1))
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.hide()
        self.loaders: dict[str, QThread] = {}  # series uid -> its background load
        self._attempts: dict[str, int] = {}  # series uid -> loads from the archive tried
        self._list_attempts = 0  # listings of a study's series on the archive that failed
        self.volumes: dict[str, Volume] = {}  # series uid -> whole series
        self._first: dict[str, Volume] = {}  # series uid -> its middle slice, while loading
        self._place: tuple[tuple[str, str], tuple[ReadView, ReadView], str, str | None] | None
        self._place = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.notice)
        row = QHBoxLayout()
        for pane in self.panes:
            row.addWidget(framed(pane, READER_COLOURS[pane.index]), 1)
        layout.addLayout(row, 1)

    def views(self) -> list[ReaderView]:
        return [pane.view for pane in self.panes if pane.view is not None]

    def loading(self) -> bool:
        """A series is still loading (or loaded but not yet shown)."""
        return bool(self._first) or any(not loader.isFinished() for loader in self.loaders.values())

    def clear(self) -> None:
        self._settle()
        self._place = None
        self.notice.hide()
        for pane in self.panes:
            pane.set_view(None)
            pane.series = None
            pane.heading.setText("")

    def show_place(self, case_id: str, timepoint: Timepoint, readers: tuple[str, str],
                   reads: tuple[ReadView, ReadView], lesion_id: str | None) -> None:  # fmt: skip
        """Both readers' measurements at ``timepoint``, each on the series that reader read it
        on (or measured ``lesion_id`` on) and at the slice the reader measured it on."""
        label = timepoint.label
        place = self._place = (readers, reads, label, lesion_id)
        try:
            shown = (self.studies.shown(reads[0], label, lesion_id),
                     self.studies.shown(reads[1], label, lesion_id))  # fmt: skip
        except (DicomLoadError, OSError) as error:
            shown, problem = (None, None), f"{label}: cannot list its series: {error}"
            if is_archive(self.studies.project_dir) and connection_lost(str(error)):
                self._list_attempts += 1  # the archive's QIDO-RS: said, and tried again
                problem = f"{label}: {lost_words(self._list_attempts, str(error))}"
                def again() -> None:
                    if self._place is place:  # still the cell chosen
                        self.show_place(case_id, timepoint, readers, reads, lesion_id)

                QTimer.singleShot(int(remote_loading.RETRY_S * 1000), again)
        else:
            problem = f"{label} has no series"
            self._list_attempts = 0
        for pane, series in zip(self.panes, shown, strict=True):
            if pane.view is None or series is None or pane.series is None \
                    or pane.series.uid != series.uid:  # fmt: skip
                self._open(pane, series, problem)
            pane.series = series
        notice = different_series_notice(label, readers, shown)
        self.notice.setText(f"\u26a0 {notice}")
        self.notice.setVisible(bool(notice))
        self._refresh()

    # -- the series ------------------------------------------------------------------------
    def let_go(self) -> None:
        """The window closes: what the loads would still deliver is dropped and none starts
        again (a retry may be due), once each has finished (never destroyed while running)."""
        self._place = None
        for loader in self.loaders.values():
            let_go(loader)

    def _settle(self) -> None:
        for loader in self.loaders.values():
            loader.wait()
        QCoreApplication.sendPostedEvents()  # their "loaded", while the views still live

    def _open(self, pane: ReaderPane, series: ShownSeries | None, problem: str) -> None:
        volume = None
        if series is not None:
            volume, problem = self._volume(series)
        pane.set_view(None if volume is None else ReaderView(volume, title=""))
        pane.placeholder.setText(problem or "Choose a subject and a cell of the table")
        view, other = pane.view, self.panes[1 - pane.index].view
        if view is None or series is None:
            return
        # Showing the middle slice while the whole series loads: until its "loaded" arrives,
        # even when the loading thread has already finished (its signal still queued).
        busy = series.uid in self._first
        count = series.info.n_images if series.info else 0
        view.set_status(f"Loading {count} images..." if busy and series.info
                        else READ_ONLY)  # fmt: skip
        if other is not None:  # one window/level for both
            view.set_window(other.viewport.window)
            view.window_changed.connect(other.set_window)
            other.window_changed.connect(view.set_window)

    def _volume(self, series: ShownSeries) -> tuple[Volume | None, str]:
        """The series' whole volume, else its middle slice with the rest loading behind."""
        uid = series.uid
        volume = self.volumes.get(uid) or self._first.get(uid)
        if volume is not None:
            return volume, ""
        if series.info is None:
            return None, f"{series.words()}: its images are not in the project folder"
        if is_archive(self.studies.project_dir):  # the first image, then the rest, as they come
            return self._remote(str(self.studies.project_dir), uid), ""
        files = series.info.files
        try:
            volume = load_series([files[len(files) // 2]], workers=1)
        except (DicomLoadError, OSError, IndexError) as error:
            return None, f"cannot open {series.words()}: {error}"
        if len(files) == 1:
            self.volumes[uid] = volume
            return volume, ""
        self._first[uid] = volume
        worker = SeriesLoad(files, self)
        worker.loaded.connect(lambda whole: self._loaded(uid, whole))
        worker.failed.connect(lambda text: self._failed(uid, text))
        self.loaders[uid] = worker
        worker.start()
        return volume, ""

    def _remote(self, url: str, uid: str) -> Volume:
        """A black image until the series' first image arrives from the reading archive; the
        whole series follows (``_loaded``); a lost connection is said on the view and retried
        every few seconds (``_retry``), another failure is said (choosing the cell again tries
        again)."""
        waiting = waiting_volume(uid)
        self._first[uid] = waiting
        worker = RemoteSeriesLoad(url, uid, self)
        worker.first.connect(lambda first: self._first_image(uid, first))
        worker.loaded.connect(lambda whole: self._loaded(uid, whole))
        worker.failed.connect(lambda text: self._failed(uid, text))
        self.loaders[uid] = worker
        worker.start()
        return waiting

    def _first_image(self, uid: str, first: object) -> None:
        assert isinstance(first, Volume)
        if uid in self._first:
            self._first[uid] = first
            for view in self._showing(uid):
                view.set_volume(first)
            self._refresh()

    def _showing(self, uid: str) -> list[ReaderView]:
        return [pane.view for pane in self.panes if pane.view is not None
                and pane.series is not None and pane.series.uid == uid]  # fmt: skip

    def _failed(self, uid: str, text: str) -> None:
        worker = self.loaders.get(uid)
        if isinstance(worker, RemoteSeriesLoad) and connection_lost(text):
            self._attempts[uid] = self._attempts.get(uid, 1)
            for view in self._showing(uid):
                view.set_status(lost_words(self._attempts[uid], text), error=True)
            QTimer.singleShot(int(remote_loading.RETRY_S * 1000), lambda: self._retry(uid, worker))
            return  # still loading: the middle slice (or the black image) stays
        self._first.pop(uid, None)  # no whole volume will come: not loading any more
        for view in self._showing(uid):
            view.set_status(text, error=True)

    def _retry(self, uid: str, worker: RemoteSeriesLoad) -> None:
        """Load the series from the archive again, unless it came or the window moved on."""
        if uid in self.volumes or self.loaders.get(uid) is not worker:
            return
        if worker.isRunning():
            QTimer.singleShot(int(remote_loading.RETRY_S * 1000), lambda: self._retry(uid, worker))
            return
        self._attempts[uid] = self._attempts.get(uid, 1) + 1
        for view in self._showing(uid):
            view.set_status(f"Loading: connecting to the image archive again (attempt "
                            f"{self._attempts[uid]})...")  # fmt: skip
        worker.start()

    def _loaded(self, uid: str, whole: object) -> None:
        assert isinstance(whole, Volume)
        self.volumes[uid] = whole
        self._first.pop(uid, None)
        for view in self._showing(uid):
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
            view, other = pane.view, self.panes[1 - pane.index]
            found = _described(read, label, lesion_id)
            if view is not None:
                view.title = f"{reader}  {label}"
                view.series_line = pane.series.words() if pane.series else ""
                self._draw(view, read, label)
                own = slices[pane.index]
                theirs = _matching_slice(view, other.view, slices[1 - pane.index])
                if own is not None:
                    view.viewport.nav.go_to(own)
                    count = view.viewport.nav.count  # numbered from the head, as the readout
                    found += f" on slice {count - own} of {count}"
                elif theirs is not None and lesion_id is not None:  # the same anatomy
                    view.viewport.nav.go_to(theirs)
                    found += f"; shown where {readers[1 - pane.index]} measured {lesion_id}"
            pane.heading.setText(self._heading(pane, reader, label, found))

    def _heading(self, pane: ReaderPane, reader: str, label: str, found: str) -> str:
        colour = READER_COLOURS[pane.index].name()
        series, where = pane.series, ""
        if series is not None:
            where = f" on <b>{_text(series.words())}</b>"
            if not series.is_read_on:
                ref = series.read_on
                read_on = series_words(self.studies.info(ref), ref.slice_thickness_mm)
                where += f" (measured there; {label} was read on {_text(read_on)})"
        return (f"<span style='color:{colour}'><b>{_text(reader)}</b></span> (reader "
                f"{pane.index + 1}) at <b>{label}</b>{where}: {_text(found)}")

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


def _text(plain: str) -> str:
    """Plain text inside rich text (a description may hold "<" or "&")."""
    return html.escape(plain, quote=False)


def _matching_slice(view: ImageView, other: ImageView | None, index: int | None) -> int | None:
    """The slice of ``view`` at the position of ``other``'s slice ``index``: the same index on
    the same series, else the nearest position along the slice normal (the series of one
    study share its frame of reference, DICOM PS3.3 C.7.4.1), if within a slice of it."""
    if other is None or index is None:
        return None
    if other.volume.series_uid == view.volume.series_uid:
        return index
    positions = view.volume.slice_positions_mm
    if len(positions) < 2 or len(other.volume.slice_positions_mm) <= index:
        return None
    at = other.volume.slice_positions_mm[index]
    nearest = min(range(len(positions)), key=lambda k: abs(positions[k] - at))
    return nearest if abs(positions[nearest] - at) <= view.volume.spacing_mm[0] else None


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
