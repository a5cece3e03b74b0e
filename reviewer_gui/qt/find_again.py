"""Finding a lesion again at a follow-up where it has no entry yet (issue 17, item 2).

Once the shown series are loaded, :meth:`FindsAgain.register_shown` asks for the follow-up's
registration to the prior's series and to the baseline's (a worker thread, kept in the
project as the signed-in user's own rows: :mod:`.registrations`,
:mod:`reviewer_gui.viewer.registration_cache`). Choosing a lesion
(or ``]`` / ``[``) then asks :meth:`FindsAgain.predict` where it lies on the follow-up: from
the end points of its measurement at the prior, else at the baseline, else its location
point (:func:`reviewer_gui.viewer.find_again.last_sighting`), mapped through the registration
of that series. When the registration is poor, failed or not ready yet, the status line says
so and the view stays at the prior's slice position; a registration that arrives while the
reader still waits on that lesion (the view not moved since) brings the view there then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewer_gui.reading import SeriesRef, Timepoint
from reviewer_gui.store.image_folder import is_archive
from reviewer_gui.viewer.find_again import (
    PredictedView,
    SeriesGeometry,
    last_sighting,
    predicted_view,
)
from reviewer_gui.viewer.registration import Stop
from reviewer_gui.viewer.registration_cache import (
    RegistrationJob,
    RegistrationOutcome,
    Series,
    archive_loader,
    files_loader,
)

from .image_view import ImageView
from .registrations import Pair, Registrations
from .session import ReadingSession
from .studies import series_folder

FALLBACK = "shown at the prior's slice position"


@dataclass(frozen=True)
class Prediction:
    """What :meth:`FindsAgain.predict` found: a view to go to (``None``: stay at the
    prior's slice position), what to say, and the registration it waits for, if any."""

    view: PredictedView | None
    text: str
    waits_for: Pair | None = None


@dataclass(frozen=True)
class Awaiting:
    """A lesion shown at the prior's slice position until its registration arrives."""

    lesion_id: str
    pair: Pair
    slice_index: int  # the follow-up view's slice then: moved since, the reader went on


class FindsAgain:
    """The part of :class:`~.reading_views.ReadingViews` that registers and predicts."""

    session: ReadingSession
    prior: ImageView | None
    current: ImageView | None
    registrations: Registrations
    awaiting: Awaiting | None

    if TYPE_CHECKING:  # LesionJumps's

        def _jump(self, lesion_id: str, *, follow: bool, focus: bool = False,
                  retool: bool | None = None) -> None: ...  # fmt: skip

    def earlier(self) -> list[Timepoint]:
        """The timepoints a follow-up is registered to: the prior, then the baseline."""
        timepoints, current = self.session.timepoints(), self.session.current()
        if current is None or current not in timepoints[1:]:
            return []
        prior = timepoints[timepoints.index(current) - 1]
        return [prior] if prior == timepoints[0] else [prior, timepoints[0]]

    def register_shown(self) -> None:
        """Ask for the shown follow-up's registrations (its series loaded)."""
        if self.registrations.closed:  # a load delivered after the window closed
            return
        read, view = self.session.read(), self.current
        if read is None or view is None or view.status is not None:
            return  # a series not (wholly) shown yet, or that failed to load: not now
        follow = view.volume

        def follow_up() -> Series:
            return follow

        for timepoint in self.earlier():
            ref = read.series_of(timepoint.label)
            if ref is None or ref.series_uid == follow.series_uid:
                continue
            stop = Stop()  # closing the window stops the job, its files' reading too
            self.registrations.request(RegistrationJob(
                timepoint.label, ref.series_uid, follow.series_uid, self._loader(ref, stop),
                follow_up, stop))  # fmt: skip
        waiting = self.awaiting  # for the series to load, its registration known already
        known = None if waiting is None else self.registrations.outcome(*waiting.pair)
        if known is not None:
            self.registered(known)

    def _loader(self, ref: SeriesRef, stop: Stop) -> Callable[[], Series]:
        """The earlier series: the prior view's, else read (in the worker) from its files or
        the project's reading archive."""
        prior = self.prior
        shown = None if prior is None or prior.status is not None else prior.volume
        if shown is not None and shown.series_uid == ref.series_uid:
            return lambda: shown
        try:
            base = self.session.image_folder()
        except OSError as error:
            why = str(error)

            def unavailable() -> Series:
                raise OSError(why)

            return unavailable
        if is_archive(base):  # the project's reading archive (DICOMweb, the reader's cache)
            assert isinstance(base, str)
            return archive_loader(base, ref.series_uid, stop)
        return files_loader(series_folder(ref, base), ref.series_uid, stop)

    def _geometry(self, series_uid: str, outcome: RegistrationOutcome) -> SeriesGeometry | None:
        shown = None if self.prior is None else self.prior.volume
        if shown is not None and shown.series_uid == series_uid and shown.shape[0] > 1:
            return shown
        return outcome.geometry

    def predict(self, lesion_id: str) -> Prediction | None:
        """Where the lesion lies on the current (follow-up) view, from where it was last
        seen; ``None`` when there is nothing to predict from (no earlier sighting)."""
        read, current, view = self.session.read(), self.session.current(), self.current
        earlier = self.earlier()
        if read is None or current is None or view is None or not earlier:
            return None
        seen = last_sighting(read, lesion_id, [tp.label for tp in earlier])
        if seen is None:
            return None
        where = f"{lesion_id} at {current.label}"
        pair = (seen.series_uid, view.volume.series_uid)
        outcome = self.registrations.outcome(*pair)
        if outcome is None:
            registered = {r.series_uid for tp in earlier if (r := read.series_of(tp.label))}
            if seen.series_uid not in registered:
                return Prediction(None, f"{where}: {seen.what} lies on a series that is not "
                                        f"registered to it; {FALLBACK}")  # fmt: skip
            return Prediction(None, f"{where}: registering {current.label} to "
                                    f"{seen.timepoint} (in the background); {FALLBACK} until "
                                    "then", pair)  # fmt: skip
        if view.status is not None:  # its first image only: the slices are not known yet
            return Prediction(None, f"{where}: found again once {current.label} is loaded; "
                                    f"{FALLBACK} until then", pair)  # fmt: skip
        geometry = self._geometry(seen.series_uid, outcome)
        if outcome.registration is None or geometry is None:
            return Prediction(None, f"{where}: {outcome.error}; {FALLBACK}")
        predicted = predicted_view(seen, geometry, view.volume, outcome.registration)
        if predicted is None:
            return Prediction(None, f"{where}: {seen.what} is not on its series' slices; "
                                    f"{FALLBACK}")  # fmt: skip
        if not predicted.registered:
            return Prediction(None, f"{where}: {predicted.reason}")
        return Prediction(predicted, f"{where}: predicted from {seen.what} by registration, "
                                     f"{predicted.reason}")  # fmt: skip

    def registered(self, outcome: RegistrationOutcome) -> None:
        """A registration arrived: show the lesion waiting for it, if the reader still waits
        (the same lesion chosen, the follow-up view not moved since). A registration that
        could not be kept in the project says so on the status line (a note, not an error)."""
        if outcome.note:
            self.session.message.emit(f"registration to {outcome.earlier_label}: "
                                      f"{outcome.note}", False)  # fmt: skip
        waiting, view = self.awaiting, self.current
        if waiting is None or waiting.pair != outcome.pair:
            return
        self.awaiting = None
        if (view is None or self.session.lesion_id != waiting.lesion_id
                or view.volume.series_uid != outcome.pair[1]
                or view.viewport.nav.index != waiting.slice_index):  # fmt: skip
            return
        self._jump(waiting.lesion_id, follow=False, focus=True, retool=False)
