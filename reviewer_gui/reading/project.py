"""The reading model: a reading project, its subjects' timepoints and each reader's read.

Plain Python, no Qt: views subscribe to :attr:`ReadingProject.events` and call the methods
below. Each method checks the action, builds one change (``reviewer_gui.reading.events``),
hands it to the journal (the SQLite store saves it before anything else happens), applies
it, emits it, then has the engine recompute the lesion x timepoint grid of the reads it
touched. A refused action changes nothing.

Rules enforced here: RECIST 1.1 section 3.3 (targets and non-targets are chosen at baseline;
new lesions are never at baseline, section 4.3.2), the contract's state table (which state each
category may take; ``PROGRESSION`` with a reason), signing before locking (a signed timepoint
never changes; a re-read with a reason unlocks it), and the reading order of a core lab
(baseline first, then each follow-up in date order, each signed before the next is read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from reviewer_gui.reading import signing
from reviewer_gui.reading.core import Journal, ProjectCore, utc_now
from reviewer_gui.reading.entries import (
    check_axes,
    check_baseline_state,
    check_lesion_id,
    check_location,
    check_point,
    check_state,
    named,
    who,
    with_fragment,
)
from reviewer_gui.reading.errors import ReadingError, SigningRefused, TimepointLocked
from reviewer_gui.reading.events import (
    LesionRetired,
    LesionSaved,
    ObservationRetracted,
    ObservationSaved,
    SeriesChosen,
    SubjectAdded,
    TimepointAdded,
    TimepointReopened,
    TimepointSigned,
)
from reviewer_gui.reading.geometry import ImagePlane, Point, Segment, measure_axis
from reviewer_gui.reading.read_state import ReadState
from reviewer_gui.reading.records import (
    Fragment,
    Lesion,
    LesionPoint,
    Observation,
    ReadKey,
    SeriesRef,
    Signature,
    Timepoint,
)
from reviewer_gui.reading.vocabulary import Axis, Category, Provenance, State

DEFAULT_MEANING = "I read this timepoint and approve these measurements and states"

__all__ = ["DEFAULT_MEANING", "Journal", "ReadingProject", "utc_now"]


class ReadingProject(ProjectCore):
    """A reading project: pseudonymous subjects, timepoints, and independent reads."""

    # -- administration ------------------------------------------------------------------

    def add_subject(self, case_id: str, *, by: str) -> None:
        """Add a subject by its pseudonymous case id (never a name or a real patient id)."""
        case_id = case_id.strip()
        if not case_id:
            raise ReadingError("a subject needs a case id")
        if case_id in self._subjects:
            raise ReadingError(f"subject {case_id!r} is already in the project")
        self._commit(SubjectAdded(case_id, who(by), self._clock()))

    def add_timepoint(
        self,
        case_id: str,
        label: str,
        scan_date: dt.date,
        series: SeriesRef | None = None,
        *,
        by: str,
    ) -> Timepoint:
        """Add a scan to a subject. Timepoints are ordered by date; labels and dates are
        unique, and none may come before a baseline that a reader has already signed."""
        timepoints = self._subject(case_id)
        label = label.strip()
        if not label:
            raise ReadingError("a timepoint needs a label (BASELINE, M2, ...)")
        for tp in timepoints:
            if tp.label == label or tp.scan_date == scan_date:
                raise ReadingError(
                    f"{case_id} already has timepoint {tp.label} on {tp.scan_date}: labels "
                    "and scan dates must be unique within a subject"
                )
        if timepoints and scan_date < timepoints[0].scan_date:
            signed = [k.reader for k, r in self._reads.items()
                      if k.case_id == case_id and timepoints[0].label in r.signatures]  # fmt: skip
            if signed:
                raise ReadingError(
                    f"{scan_date} is before {case_id}'s baseline {timepoints[0].label}, already "
                    f"signed by {', '.join(signed)}: a baseline cannot change after signing"
                )
        timepoint = Timepoint(label, scan_date, series)
        self._commit(TimepointAdded(case_id, timepoint, who(by), self._clock()))
        return timepoint

    # -- lesions -------------------------------------------------------------------------

    def add_lesion(
        self,
        key: ReadKey,
        category: Category,
        organ: str,
        *,
        detail: str = "",
        is_node: bool | None = None,
        lesion_id: str | None = None,
    ) -> Lesion:
        """Add a lesion to a read. Targets and non-targets are baseline lesions (refused once
        the baseline is signed: record a lesion found later as NEW). ``lesion_id`` defaults to
        the category's next free number (T1, NT1, N1...)."""
        timepoints = self._subject(key.case_id)
        read = self._reads.get(key) or ReadState()
        if category is not Category.NEW and timepoints and timepoints[0].label in read.signatures:
            raise ReadingError(
                f"the baseline {timepoints[0].label} is signed: a {category.value} lesion can "
                "no longer be added; record a lesion that appeared since as NEW"
            )
        lesion_id = check_lesion_id(category, lesion_id or read.next_id(category),
                                    {*read.lesions, *read.retired})  # fmt: skip
        is_node = check_location(organ, is_node)
        lesion = Lesion(lesion_id, category, organ, detail.strip(), is_node)
        self._commit(LesionSaved(key, lesion, who(self._entered_by(key)), self._clock()))
        return lesion

    def edit_lesion(
        self,
        key: ReadKey,
        lesion_id: str,
        *,
        organ: str | None = None,
        detail: str | None = None,
        is_node: bool | None = None,
    ) -> Lesion:
        """Change a lesion's location or nodal status (not once a signed timepoint has it)."""
        lesion = self._unlocked_lesion(key, lesion_id)
        organ = lesion.organ if organ is None else organ
        if is_node is None and organ == lesion.organ:
            is_node = lesion.is_node
        edited = replace(
            lesion,
            organ=organ,
            detail=lesion.detail if detail is None else detail.strip(),
            is_node=check_location(organ, is_node),
        )
        self._commit(LesionSaved(key, edited, who(key.reader), self._clock()))
        return edited

    def retire_lesion(self, key: ReadKey, lesion_id: str) -> None:
        """Withdraw a lesion recorded by mistake (not once a signed timepoint has it)."""
        lesion = self._unlocked_lesion(key, lesion_id)
        self._commit(LesionRetired(key, lesion, who(key.reader), self._clock()))

    # -- observations --------------------------------------------------------------------

    def measure(
        self,
        key: ReadKey,
        timepoint: str,
        lesion_id: str,
        long_axis: Segment,
        plane: ImagePlane,
        *,
        short_axis: Segment | None = None,
        fragment: str = "",
        provenance: Provenance = Provenance.DRAWN,
        short_provenance: Provenance | None = None,
    ) -> Observation:
        """Record a lesion's long axis (and short axis, from the bidirectional tool) on one
        slice; the lesion is then ``PRESENT``. ``fragment`` names one fragment of a split
        target (RECIST 1.1 section 4.3.1 note: the fragments' diameters are summed).
        ``provenance``: drawn by hand, or proposed by the one-click measurement and accepted
        or adjusted (``short_provenance``, the short axis', defaults to it)."""
        lesion, previous = self._editable(key, timepoint, lesion_id)
        now = self._clock()
        plane, thickness = self._on_series(key, timepoint, plane)
        by = self._entered_by(key)
        long = measure_axis(long_axis, plane, by, now, slice_thickness_mm=thickness,
                            provenance=provenance)  # fmt: skip
        short = None if short_axis is None else measure_axis(
            short_axis, plane, by, now, slice_thickness_mm=thickness,
            provenance=provenance if short_provenance is None else short_provenance)
        check_axes(long, short)
        fragments = with_fragment(lesion, timepoint, previous, Fragment(fragment.strip(), long,
                                                                        short))  # fmt: skip
        return self._observe(key, timepoint, lesion_id, State.PRESENT, fragments, "")

    def set_axis(
        self,
        key: ReadKey,
        timepoint: str,
        lesion_id: str,
        axis: Axis,
        segment: Segment,
        *,
        fragment: str = "",
    ) -> Observation:
        """Move an axis's end points (a drag), or add a short axis, on the slice where the
        long axis was measured. A proposed axis moved by hand is then ``ADJUSTED``."""
        _, previous = self._editable(key, timepoint, lesion_id)
        found = [f for f in (previous.fragments if previous else ()) if f.name == fragment]
        if not found:
            raise ReadingError(f"{lesion_id} has no measurement{named(fragment)} at {timepoint}")
        old = found[0]
        was = old.long_axis
        plane = ImagePlane(was.slice_index, was.sop_instance_uid, was.pixel_spacing_mm,
                           was.series_uid)  # fmt: skip
        moved = old.long_axis if axis is Axis.LONG else old.short_axis
        proposed = moved is not None and moved.provenance is not Provenance.DRAWN
        measured = measure_axis(segment, plane, key.reader, self._clock(),
                                slice_thickness_mm=was.slice_thickness_mm,
                                provenance=Provenance.ADJUSTED if proposed else
                                Provenance.DRAWN)  # fmt: skip
        long, short = (measured, old.short_axis) if axis is Axis.LONG else (old.long_axis, measured)
        check_axes(long, short)
        assert previous is not None
        fragments = tuple(Fragment(f.name, long, short) if f.name == fragment else f
                          for f in previous.fragments)  # fmt: skip
        return self._observe(key, timepoint, lesion_id, State.PRESENT, fragments, "")

    def clear_measurement(
        self, key: ReadKey, timepoint: str, lesion_id: str, *, fragment: str | None = None
    ) -> Observation:
        """Remove the measurement (or one fragment's); the lesion stays ``PRESENT``."""
        _, previous = self._editable(key, timepoint, lesion_id)
        fragments = previous.fragments if previous else ()
        if fragment is not None and all(f.name != fragment for f in fragments):
            raise ReadingError(f"{lesion_id} has no measurement{named(fragment)} at {timepoint}")
        kept = () if fragment is None else tuple(f for f in fragments if f.name != fragment)
        return self._observe(key, timepoint, lesion_id, State.PRESENT, kept, "")

    def set_state(
        self, key: ReadKey, timepoint: str, lesion_id: str, state: State, *, reason: str = ""
    ) -> Observation:
        """Set a lesion's state at a timepoint (the contract's state table). Any state but
        ``PRESENT`` drops the measurements (the database keeps them in its history);
        ``PROGRESSION`` needs the reader's reason in free text. At baseline only the states
        that mean something there (``BASELINE_STATES``: absent, merged, not evaluated or
        progression describe change since) are accepted."""
        lesion, previous = self._editable(key, timepoint, lesion_id)
        state, reason = check_state(lesion, state, reason)
        check_baseline_state(lesion, state, self.read(key).baseline == self._timepoint(
            key.case_id, timepoint))
        keep = previous is not None and previous.state is State.PRESENT and state is State.PRESENT
        fragments = previous.fragments if keep and previous else ()
        return self._observe(key, timepoint, lesion_id, state, fragments, reason)

    def retract_observation(self, key: ReadKey, timepoint: str, lesion_id: str) -> None:
        """Take back a lesion's entry at a timepoint (the undo of its first entry there): the
        lesion has no entry there again; the database keeps the entry and adds a version
        flagged retracted."""
        _, previous = self._editable(key, timepoint, lesion_id)
        if previous is None:
            raise ReadingError(f"{lesion_id} has no entry at {timepoint} to take back")
        self._commit(ObservationRetracted(key, timepoint, lesion_id, previous, who(key.reader),
                                          self._clock()))  # fmt: skip

    def set_point(
        self, key: ReadKey, lesion_id: str, timepoint: str, plane: ImagePlane, point: Point
    ) -> Lesion:
        """Mark where a non-target (at baseline) or a new lesion (at a follow-up) is: one
        point on a slice of the series ``timepoint`` is read on, so that it can be found
        again (a target is found by its caliper)."""
        lesion = self._unlocked_lesion(key, lesion_id)
        record = self._timepoint(key.case_id, timepoint)
        read = self.read(key)
        check_point(lesion, is_baseline=record == read.baseline, where=(point.row, point.col))
        self._refuse_if_signed(key, timepoint, "and is locked; marking a lesion needs a re-read")
        signing.check_reading_order(read, record)
        plane, _ = self._on_series(key, timepoint, plane)
        marked = replace(lesion, point=LesionPoint(timepoint, plane.series_uid,
                                                   plane.sop_instance_uid, plane.slice_index,
                                                   float(point.row), float(point.col)))
        self._commit(LesionSaved(key, marked, who(key.reader), self._clock()))
        return marked

    # -- signing -------------------------------------------------------------------------

    def sign(self, key: ReadKey, timepoint: str, *, meaning: str = DEFAULT_MEANING) -> Signature:
        """Sign a timepoint of a read, which locks it. Refused (``SigningRefused``, findings
        attached to their lesions) when an entry is missing, or, at baseline, when the engine's
        conformance check (RECIST 1.1 sections 3.1-3.3) finds a broken rule."""
        timepoint_record = self._timepoint(key.case_id, timepoint)
        read = self.read(key)
        if timepoint in read.signatures:
            raise TimepointLocked(f"{timepoint} is already signed by "
                                  f"{read.signatures[timepoint].signed_by}")  # fmt: skip
        signing.check_reading_order(read, timepoint_record)
        findings = signing.missing_entries(read, timepoint) or signing.engine_findings(
            self.grid(key), is_baseline=read.baseline == timepoint_record
        )
        if findings:
            raise SigningRefused(f"{key.case_id} {timepoint} cannot be signed by "
                                 f"{key.reader}:", findings)  # fmt: skip
        signature = Signature(who(key.reader), self._clock(), meaning.strip() or DEFAULT_MEANING)
        self._commit(TimepointSigned(key, timepoint, signature, signature.signed_by,
                                     signature.signed_at))  # fmt: skip
        return signature

    def reread(self, key: ReadKey, timepoint: str, *, reason: str) -> tuple[str, ...]:
        """Reopen a signed timepoint for a re-read, with the reason (kept in the record with
        the old values and signature, which are superseded, never removed). Every later signed
        timepoint of the read reopens with it: each was read against this one (RECIST 1.1
        section 4.4: responses count from baseline and the nadir). Sign them again when done.
        Returns the reopened timepoints' labels, in date order."""
        self._timepoint(key.case_id, timepoint)
        read = self.read(key)
        if timepoint not in read.signatures:
            raise ReadingError(f"{key.case_id} {timepoint} is not signed: change it directly, "
                               "a re-read is for signed timepoints")  # fmt: skip
        reason = reason.strip()
        if not reason:
            raise ReadingError(f"a re-read of {key.case_id} {timepoint} needs a reason: say "
                               "why a signed read changes (e.g. 'T2 measured on the wrong "
                               "slice')")  # fmt: skip
        labels = [tp.label for tp in read.timepoints]
        reopened = tuple(label for label in labels[labels.index(timepoint):]
                         if label in read.signatures)  # fmt: skip
        self._commit(TimepointReopened(key, reopened, reason, who(key.reader), self._clock()))
        return reopened

    # -- the series a timepoint is read on --------------------------------------------------

    def choose_series(self, key: ReadKey, timepoint: str, series: SeriesRef) -> SeriesRef:
        """Read ``timepoint`` on another series of its study (another reconstruction or
        contrast phase, DICOM PS3.3 C.7.3.1: same Study Instance UID), in this reader's read
        only. Measurements made on the previous series stay recorded (shown with their
        series); each keeps the slice thickness of the series it lies on, which the engine's
        measurability rule uses (RECIST 1.1 section 3.1.1: 10 mm, or twice the slice
        thickness when that is more). Refused once the timepoint is signed (a re-read reopens
        it), for a series of another study, and before the earlier timepoints are signed.
        Choosing the series already read on records nothing."""
        record = self._timepoint(key.case_id, timepoint)
        read = self.read(key)
        self._refuse_if_signed(key, timepoint, "and stays read on the series it was signed on; "
                               "reading it on another series needs a re-read")
        if record.series is None:
            raise ReadingError(f"{key.case_id} {timepoint} has no images: no series to choose")
        if series.study_uid != record.series.study_uid:
            raise ReadingError(
                f"series {series.series_uid} is not of {key.case_id} {timepoint}'s study "
                f"({record.series.study_uid}): a timepoint is read on a series of its own study"
            )
        signing.check_reading_order(read, record)
        if read.series_of(timepoint) == series:
            return series
        self._commit(SeriesChosen(key, timepoint, series, who(key.reader), self._clock()))
        return series

    # -- internals -----------------------------------------------------------------------

    def _on_series(
        self, key: ReadKey, timepoint: str, plane: ImagePlane
    ) -> tuple[ImagePlane, Decimal | None]:
        """``plane`` on the series the reader reads ``timepoint`` on, and its slice thickness
        (a slice of another series is refused: choose that series first)."""
        series = self.read(key).series_of(timepoint)
        if series is None:
            return plane, None
        if plane.series_uid and plane.series_uid != series.series_uid:
            raise ReadingError(
                f"this slice is of series {plane.series_uid}, but {key.reader} reads "
                f"{key.case_id} {timepoint} on series {series.series_uid}: choose the series "
                "in the study tree first, then measure"
            )
        return replace(plane, series_uid=series.series_uid), series.slice_thickness_mm

    def _observe(
        self,
        key: ReadKey,
        timepoint: str,
        lesion_id: str,
        state: State,
        fragments: Iterable[Fragment],
        reason: str,
    ) -> Observation:
        now = self._clock()
        by = self._entered_by(key)
        observation = Observation(state, tuple(fragments), reason, by, now)
        self._commit(ObservationSaved(key, timepoint, lesion_id, observation, by, now))
        return observation

