"""Choosing a lesion brings both views to it (issue 15, friction 2): each view to the slice
of its own measurement of the lesion (or, for a non-target or new lesion without one, to its
location point), centred and magnified to it, in the organ's window; a view without either
follows the other's view (linked slices, shared zoom and pan). A measurement on another
series of an editable timepoint switches the view to that series first. At a follow-up where
the lesion has no entry yet, the current view goes where registration predicts it
(:mod:`.find_again`), the prior view to the prior's measurement, its caliper shown there.

:class:`LesionJumps` is the part of :class:`~.reading_views.ReadingViews` that does this.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt

from reviewer_gui.reading import Category, LesionPoint, Timepoint
from reviewer_gui.viewer import Tool
from reviewer_gui.viewer.find_again import FRAME_MM
from reviewer_gui.viewer.focus import focus_on, window_for
from reviewer_gui.viewer.view_link import shared_view, show_view

from .find_again import Awaiting, FindsAgain, Prediction
from .image_view import ImageView
from .linking import LinkedViews
from .session import ReadingSession


class LesionJumps(FindsAgain):
    """Bringing the prior and current views to the chosen lesion."""

    session: ReadingSession
    prior: ImageView | None
    current: ImageView | None
    link: LinkedViews | None
    _focus_pending: str

    def views(self) -> list[ImageView]:
        return [v for v in (self.prior, self.current) if v is not None]

    # -- choosing a lesion -----------------------------------------------------------------
    def jump_to_lesion(self, lesion_id: str) -> None:
        """Show the lesion's measured slice in both views (each its own slice); a view whose
        timepoint has the measurement on another series switches to it when the timepoint
        may change (else the message line says where the measurement is)."""
        self.drop_drafts()
        self._jump(lesion_id, follow=True, focus=True)

    def focus_under_pointer(self) -> None:
        """The keys go to the image under the mouse pointer, if any (after a dialog)."""
        for view in self.views():
            if view.pointer() is not None:
                view.setFocus(Qt.FocusReason.OtherFocusReason)

    def drop_drafts(self) -> None:
        """Clear half-drawn measurements (a long axis still awaiting its short axis): the
        reader moved on to another lesion, so they would belong to nothing."""
        for view in self.views():
            if view.viewport.layer.drop_drafts():
                view.update()

    def _jump(self, lesion_id: str, *, follow: bool, focus: bool = False,
              retool: bool | None = None) -> None:  # fmt: skip
        """Both views to the lesion; with `focus` centred, magnified, in its window (and,
        unless `retool` is False, the lesion's own tool again)."""
        read = self.session.read()
        lesion = self.session.lesion()
        if read is None or not lesion_id or lesion is None:
            return
        if focus and retool is not False:  # one tool, the lesion's: a node's short axis, else long
            self.resume_tool()
            if self.mark_on_click():  # a non-target or new lesion to mark: a click does
                self.session.message.emit(
                    f"{lesion_id}: click it on the current image to mark where it is, so "
                    "that it can be found again (or measure it; L marks it again)", False)
        current, prior = self.session.current(), self.session.prior()
        shown = [(view, tp) for view, tp in ((self.prior, prior), (self.current, current))
                 if view is not None and tp is not None]  # fmt: skip
        elsewhere = [(tp, uid) for view, tp in shown
                     if (uid := self._lies_on(tp, lesion_id)) not in (None,
                                                                      view.volume.series_uid)]
        if follow and elsewhere and self._follow(lesion_id, elsewhere):
            return  # the views were rebuilt on the lesion's series, and jumped there
        targets = [(view, self._slice_of(view, tp.label, lesion_id)) for view, tp in shown]
        unseen = any(view is self.current and k is None for view, k in targets)
        prediction = self.predict(lesion_id) if unseen else None
        predicted = None if prediction is None else prediction.view
        waited = self.awaiting is not None and self.awaiting.lesion_id == lesion_id
        focus = focus or (predicted is not None and waited)  # found once loaded: as chosen
        if predicted is not None:  # no entry here yet: where registration puts it
            targets = [(view, predicted.slice_index if view is self.current else k)
                       for view, k in targets]  # fmt: skip
        found = [(view, k) for view, k in targets if k is not None]
        link = self.link.link if self.link is not None else None
        if link is not None and len(found) == 2:
            link.enabled = False
        try:
            for view, k in found:
                view.viewport.nav.go_to(k)
        finally:
            if link is not None:
                link.enabled = True
        if focus or self._focus_pending == lesion_id:
            points = [(view, list(predicted.frame) if predicted is not None
                       and view is self.current else self._points(view, tp.label, lesion_id))
                      for view, tp in shown]  # fmt: skip
            self._focus(lesion.organ, points)
            # a series still loading may not have the lesion's slice yet: focus once it has
            self._focus_pending = "" if any(p for _, p in points) else lesion_id
        self._await(lesion_id, prediction, chosen=focus)
        if focus and prediction is not None:
            self.session.message.emit(prediction.text, False)

    def _await(self, lesion_id: str, prediction: Prediction | None, *, chosen: bool) -> None:
        """Remember a lesion left at the prior's slice position until its registration
        arrives, with the slice shown once the views are done with it (:meth:`registered`);
        forget it when the reader chooses otherwise."""
        if prediction is not None and prediction.waits_for is not None and (
                self.current is not None):  # fmt: skip
            self.awaiting = Awaiting(lesion_id, prediction.waits_for,
                                     self.current.viewport.nav.index)  # fmt: skip
        elif chosen:
            self.awaiting = None

    def _focus(self, organ: str, points: list[tuple[ImageView, list[tuple[float, float]]]],
               ) -> None:  # fmt: skip
        """Each view centred on its own measurement of the lesion and magnified to it (a view
        without one follows the other's view), both in the organ's window."""
        measured = [(view, p) for view, p in points if p]
        for view, p in measured:
            focus_on(view.viewport, p)
        views = self.link.view_link if self.link is not None else None
        if len(measured) == 1 and views is not None:
            leader = measured[0][0].viewport
            follower = views.second if leader is views.first else views.first
            show_view(follower, shared_view(leader))
        for view, _ in points:
            view.set_window(window_for(organ))
            view.update()

    def _points(self, view: ImageView, label: str, lesion_id: str) -> list[tuple[float, float]]:
        """The end points (image row, col) of the lesion's measurement at ``label`` on the
        slice the view shows, if it shows that measurement's slice."""
        read = self.session.read()
        observation = None if read is None else read.observation(label, lesion_id)
        uids = view.volume.sop_instance_uids
        shown_uid = uids[view.viewport.nav.index] if uids else None
        found = [(p.row, p.col) for f in (observation.fragments if observation else ())
                 for axis in (f.long_axis, f.short_axis) if axis is not None
                 and axis.sop_instance_uid == shown_uid
                 for p in (axis.segment.start, axis.segment.end)]  # fmt: skip
        point = self._point_in(view, lesion_id)
        spacing = view.volume.pixel_spacing_mm or (1.0, 1.0)
        if found or point is None or point.sop_instance_uid != shown_uid:
            return found
        dr, dc = FRAME_MM / spacing[0], FRAME_MM / spacing[1]
        return [(point.row - dr, point.col - dc), (point.row + dr, point.col + dc)]

    def _lies_on(self, timepoint: Timepoint, lesion_id: str) -> str | None:
        """The series the lesion's measurement at ``timepoint`` lies on (``None``: none)."""
        read = self.session.read()
        observation = None if read is None else read.observation(timepoint.label, lesion_id)
        if observation is None or not observation.fragments:
            return None
        uid = observation.fragments[0].long_axis.series_uid
        return uid or (timepoint.series.series_uid if timepoint.series else None)

    def _follow(self, lesion_id: str, elsewhere: list[tuple[Timepoint, str]]) -> bool:
        """Switch each timepoint to the series its measurement lies on when it may change;
        say where the measurement is when it may not. True when a view was switched."""
        session, key = self.session, self.session.key
        assert key is not None
        switched = False
        for timepoint, uid in elsewhere:
            where = session.describe(timepoint, uid)
            if session.read_only or session.project.is_signed(key, timepoint.label):
                why = "the read is only viewed here" if session.read_only else (
                    f"{timepoint.label} is signed, so it stays read on the series it was "
                    "signed on")  # fmt: skip
                session.message.emit(f"{lesion_id} at {timepoint.label} was measured on "
                                     f"{where}, not on the series shown: {why}", True)
                continue
            switched = session.choose_series(key.case_id, timepoint.label, uid) or switched
        return switched

    def _slice_of(self, view: ImageView, label: str, lesion_id: str) -> int | None:
        """The slice of the lesion's measurement at ``label`` in the view's series, else of
        its location point (a non-target or new lesion found again), else ``None``."""
        read = self.session.read()
        observation = None if read is None else read.observation(label, lesion_id)
        uids = view.volume.sop_instance_uids
        if observation is None or not observation.fragments:
            point = self._point_in(view, lesion_id)
            return None if point is None else uids.index(point.sop_instance_uid)
        uid = observation.fragments[0].long_axis.sop_instance_uid
        return uids.index(uid) if uid in uids else None

    def _point_in(self, view: ImageView, lesion_id: str) -> LesionPoint | None:
        """The lesion's location point, if it lies on a slice of the view's series."""
        read = self.session.read()
        lesion = None if read is None else read.lesions.get(lesion_id)
        point = None if lesion is None else lesion.point
        if point is None or point.sop_instance_uid not in view.volume.sop_instance_uids:
            return None
        return point

    def mark_on_click(self) -> bool:
        """Let a click on the current image mark the chosen lesion's location point while
        it awaits one (:meth:`unmarked`); True if it does."""
        marks = self.unmarked() is not None
        if self.current is not None:
            self.current.viewport.layer.click_marks = marks
        return marks

    def unmarked(self) -> Timepoint | None:
        """The current timepoint, when the chosen lesion is marked there and is not yet: a
        non-target at an editable baseline, a new lesion at an editable follow-up."""
        session, lesion, current = self.session, self.session.lesion(), self.session.current()
        read = session.read()
        if lesion is None or current is None or read is None or lesion.point is not None:
            return None
        if session.read_only or session.signed or lesion.category is Category.TARGET:
            return None
        at_baseline = read.baseline == current
        return current if at_baseline == (lesion.category is Category.NON_TARGET) else None

    def resume_tool(self) -> None:
        """The chosen lesion's own tool again (after a one-click proposal or a point): a
        node's bidirectional, else the caliper."""
        lesion = self.session.lesion()
        self.set_tool(Tool.BIDIRECTIONAL if lesion is not None and lesion.is_node
                      else Tool.CALIPER)  # fmt: skip

    def set_tool(self, tool: Tool) -> None:
        """One tool for the window; the one-click and point tools act on the current image
        only (the prior is read-only: there it stays the caliper)."""
        clicks = tool in (Tool.PROPOSE, Tool.POINT)
        for view in self.views():
            view.viewport.layer.tool = Tool.CALIPER if clicks and view is self.prior else tool
            view.update()
