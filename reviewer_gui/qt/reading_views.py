"""Prior beside current: two linked image views showing the read's measurements.

The current timepoint's measurements come from the model and stay editable (drag an end
point) until the timepoint is signed; the prior's (previous timepoint, or the baseline on
demand) are shown read-only (cyan, dashed). A finished caliper or bidirectional drawing on the
current image becomes ``ReadingProject.measure`` (a new measurement of the chosen lesion) or
``set_axis`` (an end point dragged); the overlays are then redrawn from the model, so what is
shown is what was stored (a refused drawing disappears and the status line says why).
Measurements are placed by SOP Instance UID (DICOM PS3.3 C.12.1), never by slice number.

Each view shows the series the reader reads its timepoint on (``ReadView.series_of``: the
reader's choice among the study's series, else the import's) and reloads when the reader
chooses another. A measurement shows only with the series it lies on; choosing a lesion whose
measurement lies on another series switches an editable timepoint to that series, and says
where the measurement is when the timepoint is signed (or the read is only viewed).
"""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QLabel, QSplitter, QStackedLayout, QWidget

from reviewer_gui.dicom import DicomLoadError
from reviewer_gui.reading import (
    Axis,
    Fragment,
    Point,
    Provenance,
    ReadingError,
    Segment,
    SeriesChosen,
    SeriesRef,
    Timepoint,
    plane_of,
)
from reviewer_gui.store import StoreError
from reviewer_gui.store.image_folder import is_archive
from reviewer_gui.viewer import Measurement
from reviewer_gui.viewer.proposal import HELP

from .image_view import ImageView
from .lesion_jump import LesionJumps
from .linking import LinkedViews
from .loading import open_series
from .registrations import Registrations
from .remote_loading import open_remote_series
from .session import ReadingSession
from .stored_calipers import stored_calipers, stored_markers
from .studies import series_files
from .workers import let_go


@dataclass(frozen=True)
class Shown:
    """What a measurement drawn from the model stands for."""

    lesion_id: str
    fragment: Fragment


def _accepted(kinds: tuple[str, str]) -> str:
    """What the reader did with a proposal, as the status line says it."""
    return "accepted as proposed" if set(kinds) == {Provenance.PROPOSED} else "adjusted"


def _segment(points: tuple[tuple[float, float], tuple[float, float]]) -> Segment:
    return Segment(Point(*points[0]), Point(*points[1]))


class ReadingViews(LesionJumps, QWidget):
    """The prior (left) and current (right) image views of the session's place."""

    loading_changed = pyqtSignal(bool)  # True while a series loads in the background

    def __init__(self, session: ReadingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.prior: ImageView | None = None
        self.current: ImageView | None = None
        self.link: LinkedViews | None = None
        self.shown: dict[int, Shown] = {}  # id(measurement) -> what it stands for
        self._shown_for: tuple[str | None, ...] = ()
        self._focus_pending = ""  # the lesion to focus on once its slice is loaded
        self.registrations = Registrations(self)  # of the follow-up shown (.find_again)
        self.registrations.ready.connect(self.registered)
        self.awaiting = None
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setHandleWidth(3)
        self.splitter.setStyleSheet("QSplitter::handle { background: #404040; }")
        self.placeholder = QLabel(
            "Choose a case on the left." if session.signed_in is not None else
            "Open a reading project (Ctrl+O) or a DICOM folder (Ctrl+D); choose a subject "
            "on the left.")  # fmt: skip
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("QLabel { background: black; color: #bbbbbb; }")
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.splitter)
        session.place_changed.connect(self.show_place)
        session.lesion_changed.connect(self.jump_to_lesion)
        events = session.project.events
        events.observation_saved.connect(self._model_changed)
        events.timepoint_signed.connect(self._model_changed)
        events.timepoint_reopened.connect(self._model_changed)
        events.lesion_saved.connect(self._model_changed)
        events.lesion_retired.connect(self._model_changed)
        events.observation_retracted.connect(self._model_changed)
        events.series_chosen.connect(self._series_chosen)

    # -- which series --------------------------------------------------------------------
    def show_place(self) -> None:
        """Load the current and prior timepoints' series (first slice at once, the rest in
        the background), unless they are shown already."""
        current, prior = self.session.current(), self.session.prior()
        wanted = (self.session.case_id, *(x for tp in (current, prior) for x in (
            tp.label if tp else None, self._series_uid(tp))))
        if wanted == self._shown_for and self.current is not None:
            return
        self._shown_for = wanted
        self.registrations.drop_queued()  # for the series no longer shown
        for view in (self.prior, self.current):
            if view is not None:
                # its load, from files or the archive, stops at its next file or image and
                # delivers nothing (not even what is queued): the view is going
                let_go(view.loader)
                view.hide()
                view.setParent(None)
                view.deleteLater()
        self.prior = self.current = None
        self.link = None
        self.current = self._open(current, "CURRENT")
        self.prior = self._open(prior, "BASELINE" if self.session.prior_is_baseline
                                else "PRIOR")  # fmt: skip
        for view in (self.prior, self.current):
            if view is not None:
                self.splitter.addWidget(view)
                if view.loader is not None:
                    view.loader.finished.connect(self._loads_changed)
        if self.current is not None:
            self.current.measurement_done.connect(self._measured)
            self.current.point_marked.connect(self._marked)
        if self.prior is not None:
            self.prior.measurement_done.connect(self._drawn_on_prior)
            self.prior.point_marked.connect(lambda *_: self.session.message.emit(
                "the prior image is read-only: mark the lesion on the current image (right)",
                True))
        for view in self.views():
            view.said.connect(self._said)
        if self.prior is not None and self.current is not None:
            self.link = LinkedViews(self.prior, self.current)
            self.splitter.setSizes([1, 1])
        for view in self.views():  # after the link's own relink on the same signal
            view.volume_replaced.connect(self._volume_loaded)
        self.stack.setCurrentIndex(1 if self.current is not None else 0)
        self.refresh_overlays()
        self._jump(self.session.lesion_id or "", follow=False, focus=True)
        self._loads_changed()
        self._series_loaded()  # series of a single image: nothing more to wait for

    def _read_on(self, timepoint: Timepoint | None) -> SeriesRef | None:
        read = self.session.read()
        if timepoint is None:
            return None
        return timepoint.series if read is None else read.series_of(timepoint.label)

    def _series_uid(self, timepoint: Timepoint | None) -> str | None:
        ref = self._read_on(timepoint)
        return None if ref is None else ref.series_uid

    def _series_chosen(self, change: SeriesChosen) -> None:
        if change.key == self.session.key:
            self.show_place()

    def _open(self, timepoint: Timepoint | None, role: str) -> ImageView | None:
        if timepoint is None:
            return None
        series = self._read_on(timepoint)
        if series is None:
            self.session.message.emit(f"{timepoint.label} has no series to show", True)
            return None
        try:
            base = self.session.image_folder()
            if is_archive(base):  # the project's reading archive: first image, then the rest
                assert isinstance(base, str)
                view = open_remote_series(base, series.series_uid,
                                          title=f"{role}  {timepoint.label}")  # fmt: skip
            else:
                view = open_series(series_files(series, base), title=f"{role}  {timepoint.label}")
            if self.session.signed_in is not None:  # blinded: the grid's "day N", not a date
                view.identity = f"{self.session.case_id}   {self.session.when(timepoint)}"
        except (DicomLoadError, OSError, KeyError) as error:
            self.session.message.emit(f"{timepoint.label}: cannot open its series: {error}", True)
            return None
        return view

    def _volume_loaded(self) -> None:
        self.refresh_overlays()
        self._jump(self.session.lesion_id or "", follow=False)
        QTimer.singleShot(0, self._series_loaded)  # once the loader's status is cleared

    def loading(self) -> bool:
        def busy(view: ImageView) -> bool:  # finished, but its series maybe not yet shown
            loader, status = view.loader, view.status
            return loader is not None and (not loader.isFinished() or (
                status is not None and status[0].startswith("Loading")))

        return any(busy(v) for v in self.views())

    def _loads_changed(self) -> None:
        self.loading_changed.emit(self.loading())

    def _series_loaded(self) -> None:
        """A whole series is shown: once both are, register the follow-up (.find_again)."""
        if all(view.status is None for view in self.views()):
            self.register_shown()

    # -- overlays from the model ---------------------------------------------------------
    def _model_changed(self, change: object) -> None:
        if getattr(change, "key", None) == self.session.key:
            self.refresh_overlays()

    def refresh_overlays(self) -> None:
        """Redraw both views' measurements from the model (drawings in progress are kept)."""
        self.shown.clear()
        current, prior = self.session.current(), self.session.prior()
        if self.current is not None and current is not None:
            locked = self.session.signed or self.session.read_only
            self._draw(self.current, current.label, locked=locked)
        if self.prior is not None and prior is not None:
            self._draw(self.prior, prior.label, locked=True)
        self.mark_on_click()

    def _draw(self, view: ImageView, label: str, *, locked: bool) -> None:
        read = self.session.read()
        layer = view.viewport.layer
        for m in [m for m in layer.items if (m.complete and not m.proposed) or m.locked]:
            layer.remove(m)  # kept: drawings in progress, a proposal awaiting Enter
        layer.markers = [] if read is None else stored_markers(view.volume, read, locked=locked)
        if read is None:
            view.update()
            return
        for lesion_id, fragment, m in stored_calipers(view.volume, read, label, locked=locked):
            layer.add(m)
            if not locked:
                self.shown[id(m)] = Shown(lesion_id, fragment)
        view.update()

    # -- drawings become model calls -----------------------------------------------------
    def _measured(self, m: Measurement) -> None:
        session, view = self.session, self.current
        key, label = session.key, session.timepoint
        if view is None or key is None or label is None:
            return
        was = self.shown.get(id(m))
        long = m.long_axis
        assert long is not None  # a completed measurement has its long axis
        short = None if m.short_axis is None else _segment(m.short_axis)
        try:
            if was is not None:
                self._edited(m, was, _segment(long), short)
            elif session.lesion_id is None:
                raise ReadingError("choose the lesion first (click its row, or ] / [), or add "
                                   "one (T target, Shift+T non-target, N new); then measure")
            else:
                plane = plane_of(view.volume, m.slice_index)
                kinds = m.kinds or (Provenance.DRAWN, Provenance.DRAWN)
                session.project.measure(key, label, session.lesion_id, _segment(long), plane,
                                        short_axis=short, fragment=session.fragment,
                                        provenance=Provenance(kinds[0]),
                                        short_provenance=Provenance(kinds[1]))  # fmt: skip
                if m.kinds is not None:
                    session.message.emit(f"{session.lesion_id}: the proposed measurement "
                                         f"{_accepted(m.kinds)}, saved", False)  # fmt: skip
        except (ReadingError, StoreError) as error:  # StoreError: not saved (server lost)
            session.message.emit(str(error), True)
        if m.kinds is not None:  # a proposal decided: one click, then the lesion's tool
            self.resume_tool()
        self.refresh_overlays()

    def _edited(self, m: Measurement, was: Shown, long: Segment, short: Segment | None) -> None:
        key, label, view = self.session.key, self.session.timepoint, self.current
        assert key is not None and label is not None and view is not None
        old = was.fragment
        long_moved = long != old.long_axis.segment
        old_short = None if old.short_axis is None else old.short_axis.segment
        short_moved = short is not None and short != old_short
        project = self.session.project
        if long_moved and short_moved:  # a long-axis end carries the short axis along
            plane = plane_of(view.volume, m.slice_index)
            project.measure(key, label, was.lesion_id, long, plane, short_axis=short,
                            fragment=old.name)  # fmt: skip
        elif long_moved:
            project.set_axis(key, label, was.lesion_id, Axis.LONG, long, fragment=old.name)
        elif short_moved and short is not None:
            project.set_axis(key, label, was.lesion_id, Axis.SHORT, short, fragment=old.name)

    def _said(self, text: str) -> None:
        """What a view's layer says after a click, to the status line; a new proposal is
        captioned with the chosen lesion."""
        current = self.current
        proposal = None if current is None else current.viewport.layer.proposal
        if text == HELP and current is not None and proposal is not None:
            proposal.measurement.caption = self.session.lesion_id or ""
            current.update()
        self.session.message.emit(text, text != HELP)

    def _marked(self, slice_index: int, row: float, col: float) -> None:
        """The point tool's click on the current image: the chosen lesion's location."""
        session, view = self.session, self.current
        key, label, lesion_id = session.key, session.timepoint, session.lesion_id
        if view is None or key is None or label is None:
            return
        if lesion_id is None:
            session.message.emit("choose the lesion first (click its row, or ] / [), then "
                                 "click it on the image", True)  # fmt: skip
            return
        plane = plane_of(view.volume, slice_index)
        if session.attempt(lambda: session.project.set_point(
                key, lesion_id, label, plane, Point(row, col))) is None:  # fmt: skip
            return
        self.resume_tool()
        session.message.emit(f"{lesion_id} marked on slice {view.viewport.nav.count - slice_index}"
                             "; ] / [ bring both images to it", False)  # fmt: skip

    def _drawn_on_prior(self, m: Measurement) -> None:
        if self.prior is not None:
            self.prior.viewport.layer.remove(m)
            self.prior.update()
        self.session.message.emit("the prior image is read-only: measure on the current "
                                  "image (right)", True)  # fmt: skip
