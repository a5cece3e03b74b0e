"""The reading model as the widgets use it, through a signed-in review session (Qt-free).

The widgets call the reading model by :class:`~reviewer_gui.reading.ReadKey` (whose read of
which subject: :class:`ReadingModel`, which ``ReadingProject`` already is, for projects
without users). On a project with users the window works through the review session instead
(``reviewer_gui.review.Session``: domain brief, "Blinded independent central review"):
:class:`SignedInProject` puts the session behind the same methods, so every action is the
signed-in user's. A reader sees only their own read (the session never loads another's), in
the session's randomised worklist order; an adjudicator or the study administrator may view
any reader's read and change none. A refusal of the session's (``NotPermitted``) becomes a
:class:`NotAllowed` reading error, which the window shows as a message.

The review session is typed structurally (:class:`ReviewSession`): the widgets never import
``reviewer_gui.review.session``, which exports through the engine adapter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from reviewer_gui.reading import (
    Category,
    Grid,
    ImagePlane,
    Lesion,
    Observation,
    Point,
    ReadingError,
    ReadingEvents,
    ReadKey,
    ReadView,
    Segment,
    SeriesRef,
    Signature,
    State,
    Timepoint,
)
from reviewer_gui.reading.vocabulary import Axis, Provenance
from reviewer_gui.review.identity import NotPermitted, Role

T = TypeVar("T")


class NotAllowed(ReadingError):
    """An action the signed-in user's role or identity does not allow."""


class ReadingModel(Protocol):
    """What the widgets call on the reading model (``ReadingProject`` is one)."""

    @property
    def events(self) -> ReadingEvents: ...
    @property
    def case_ids(self) -> tuple[str, ...]: ...
    def timepoints(self, case_id: str) -> tuple[Timepoint, ...]: ...
    def read(self, key: ReadKey) -> ReadView: ...
    def grid(self, key: ReadKey) -> Grid: ...
    def is_signed(self, key: ReadKey, timepoint: str) -> bool: ...
    def add_lesion(self, key: ReadKey, category: Category, organ: str, *, detail: str = "",
                   is_node: bool | None = None, lesion_id: str | None = None) -> Lesion: ...
    def retire_lesion(self, key: ReadKey, lesion_id: str) -> None: ...
    def measure(self, key: ReadKey, timepoint: str, lesion_id: str, long_axis: Segment,
                plane: ImagePlane, *, short_axis: Segment | None = None,
                fragment: str = "", provenance: Provenance = Provenance.DRAWN,
                short_provenance: Provenance | None = None) -> Observation: ...
    def set_point(self, key: ReadKey, lesion_id: str, timepoint: str, plane: ImagePlane,
                  point: Point) -> Lesion: ...
    def retract_observation(self, key: ReadKey, timepoint: str, lesion_id: str) -> None: ...
    def set_axis(self, key: ReadKey, timepoint: str, lesion_id: str, axis: Axis,
                 segment: Segment, *, fragment: str = "") -> Observation: ...
    def clear_measurement(self, key: ReadKey, timepoint: str, lesion_id: str, *,
                          fragment: str | None = None) -> Observation: ...
    def set_state(self, key: ReadKey, timepoint: str, lesion_id: str, state: State, *,
                  reason: str = "") -> Observation: ...
    def reread(self, key: ReadKey, timepoint: str, *, reason: str) -> tuple[str, ...]: ...
    def choose_series(self, key: ReadKey, timepoint: str, series: SeriesRef) -> SeriesRef: ...


class WorkItemLike(Protocol):
    @property
    def case_id(self) -> str: ...


class ReviewSession(Protocol):
    """What the window uses of ``reviewer_gui.review.Session``."""

    user: str
    role: Role

    @property
    def events(self) -> ReadingEvents: ...
    @property
    def case_ids(self) -> tuple[str, ...]: ...
    def timepoints(self, case_id: str) -> tuple[Timepoint, ...]: ...
    def worklist(self) -> Sequence[WorkItemLike]: ...
    @property
    def images_folder(self) -> Path | str | None: ...
    def read(self, case_id: str) -> ReadView: ...
    def read_of(self, key: ReadKey) -> ReadView: ...
    def grid(self, case_id: str) -> Grid: ...
    def grid_of(self, key: ReadKey) -> Grid: ...
    def add_lesion(self, case_id: str, category: Category, organ: str, *, detail: str = "",
                   is_node: bool | None = None, lesion_id: str | None = None) -> Lesion: ...
    def retire_lesion(self, case_id: str, lesion_id: str) -> None: ...
    def set_point(self, case_id: str, lesion_id: str, timepoint: str, plane: ImagePlane,
                  point: Point) -> Lesion: ...
    def retract_observation(self, case_id: str, timepoint: str, lesion_id: str) -> None: ...
    def measure(self, case_id: str, timepoint: str, lesion_id: str, long_axis: Segment,
                plane: ImagePlane, *, short_axis: Segment | None = None,
                fragment: str = "", provenance: Provenance = Provenance.DRAWN,
                short_provenance: Provenance | None = None) -> Observation: ...
    def set_axis(self, case_id: str, timepoint: str, lesion_id: str, axis: Axis,
                 segment: Segment, *, fragment: str = "") -> Observation: ...
    def clear_measurement(self, case_id: str, timepoint: str, lesion_id: str, *,
                          fragment: str | None = None) -> Observation: ...
    def set_state(self, case_id: str, timepoint: str, lesion_id: str, state: State, *,
                  reason: str = "") -> Observation: ...
    def sign(self, case_id: str, timepoint: str, *, name: str, password: str,
             meaning: str) -> Signature: ...
    def reread(self, case_id: str, timepoint: str, *, reason: str) -> tuple[str, ...]: ...
    def choose_series(self, case_id: str, timepoint: str, series: SeriesRef) -> SeriesRef: ...
    def export(self, output: Path | None, *, include_unsigned: bool = False,
               reader: str | None = None) -> int: ...
    def add_subject(self, case_id: str) -> None: ...
    def change_password(self, current: str, new: str) -> None: ...
    def add_timepoint(self, case_id: str, label: str, scan_date: dt.date,
                      series: SeriesRef | None = None) -> Timepoint: ...
    def close(self) -> None: ...


class SignedInProject:
    """:class:`ReadingModel` through a signed-in review session. ``readers``: the study's
    readers, whose reads an adjudicator or the administrator may view."""

    def __init__(self, session: ReviewSession, readers: Sequence[str] = ()) -> None:
        self.session = session
        self.readers = tuple(readers)

    @property
    def user(self) -> str:
        return self.session.user

    @property
    def role(self) -> Role:
        return self.session.role

    @property
    def images(self) -> Path | str | None:
        """The folder the project's series folders are relative to, or its reading archive's
        URL (``None``: not set)."""
        return self.session.images_folder

    @property
    def read_only(self) -> bool:
        """Adjudicators and the study administrator view reads; only readers read."""
        return self.session.role is not Role.READER

    @property
    def events(self) -> ReadingEvents:
        return self.session.events

    @property
    def case_ids(self) -> tuple[str, ...]:
        """A reader's cases in their worklist's randomised order; otherwise by case id."""
        if self.read_only:
            return tuple(sorted(self.session.case_ids))
        return tuple(item.case_id for item in self.session.worklist())

    def timepoints(self, case_id: str) -> tuple[Timepoint, ...]:
        return self.session.timepoints(case_id)

    def read(self, key: ReadKey) -> ReadView:
        if self.read_only:
            return self.session.read_of(key)
        return self.session.read(self._own(key))

    def grid(self, key: ReadKey) -> Grid:
        if self.read_only:
            return self.session.grid_of(key)
        return self.session.grid(self._own(key))

    def is_signed(self, key: ReadKey, timepoint: str) -> bool:
        return timepoint in self.read(key).signatures

    # -- the reader's own read -----------------------------------------------------------
    def add_lesion(self, key: ReadKey, category: Category, organ: str, *, detail: str = "",
                   is_node: bool | None = None, lesion_id: str | None = None) -> Lesion:
        return self._act(key, lambda case: self.session.add_lesion(
            case, category, organ, detail=detail, is_node=is_node, lesion_id=lesion_id))

    def retire_lesion(self, key: ReadKey, lesion_id: str) -> None:
        self._act(key, lambda case: self.session.retire_lesion(case, lesion_id))

    def measure(self, key: ReadKey, timepoint: str, lesion_id: str, long_axis: Segment,
                plane: ImagePlane, *, short_axis: Segment | None = None,
                fragment: str = "", provenance: Provenance = Provenance.DRAWN,
                short_provenance: Provenance | None = None) -> Observation:
        return self._act(key, lambda case: self.session.measure(
            case, timepoint, lesion_id, long_axis, plane, short_axis=short_axis,
            fragment=fragment, provenance=provenance, short_provenance=short_provenance))

    def set_point(self, key: ReadKey, lesion_id: str, timepoint: str, plane: ImagePlane,
                  point: Point) -> Lesion:
        return self._act(key, lambda case: self.session.set_point(
            case, lesion_id, timepoint, plane, point))

    def retract_observation(self, key: ReadKey, timepoint: str, lesion_id: str) -> None:
        self._act(key, lambda case: self.session.retract_observation(case, timepoint, lesion_id))

    def set_axis(self, key: ReadKey, timepoint: str, lesion_id: str, axis: Axis,
                 segment: Segment, *, fragment: str = "") -> Observation:
        return self._act(key, lambda case: self.session.set_axis(
            case, timepoint, lesion_id, axis, segment, fragment=fragment))

    def clear_measurement(self, key: ReadKey, timepoint: str, lesion_id: str, *,
                          fragment: str | None = None) -> Observation:
        return self._act(key, lambda case: self.session.clear_measurement(
            case, timepoint, lesion_id, fragment=fragment))

    def set_state(self, key: ReadKey, timepoint: str, lesion_id: str, state: State, *,
                  reason: str = "") -> Observation:
        return self._act(key, lambda case: self.session.set_state(
            case, timepoint, lesion_id, state, reason=reason))

    def sign(self, key: ReadKey, timepoint: str, *, name: str, password: str,
             meaning: str) -> Signature:
        """An e-signature: the signer's name and password again, and its meaning (21 CFR
        11.50, 11.200(a)); ``AuthenticationFailed`` (a ``PermissionError``) when they do
        not match the signed-in reader."""
        return self._act(key, lambda case: self.session.sign(
            case, timepoint, name=name, password=password, meaning=meaning))

    def reread(self, key: ReadKey, timepoint: str, *, reason: str) -> tuple[str, ...]:
        return self._act(key, lambda case: self.session.reread(case, timepoint, reason=reason))

    def choose_series(self, key: ReadKey, timepoint: str, series: SeriesRef) -> SeriesRef:
        return self._act(key, lambda case: self.session.choose_series(case, timepoint, series))

    def export(self, output: Path, reader: str) -> int:
        """``recist-review export --user USER [--reader READER]``: the session's own export
        (a reader: their own read only; an adjudicator or the administrator: ``reader``'s),
        signed timepoints only, written atomically; an audit record."""
        try:
            return self.session.export(output, reader=reader)
        except NotPermitted as refused:
            raise NotAllowed(str(refused)) from refused

    def change_password(self, current: str, new: str) -> None:
        """The signed-in user's own password (``reviewer_gui.review.accounts``)."""
        self.session.change_password(current, new)

    # -- internals -----------------------------------------------------------------------
    def _own(self, key: ReadKey) -> str:
        if key.reader != self.session.user:
            raise NotAllowed(f"{self.session.user} cannot see {key.reader}'s read: two "
                             "readers read independently")  # fmt: skip
        return key.case_id

    def _act(self, key: ReadKey, action: Callable[[str], T]) -> T:
        if self.read_only:
            raise NotAllowed(f"{self.session.user} is signed in as {self.role.value}: the "
                             "reads can be viewed here, not changed")  # fmt: skip
        case_id = self._own(key)
        try:
            return action(case_id)
        except NotPermitted as refused:  # AuthenticationFailed goes to the signature dialog
            raise NotAllowed(str(refused)) from refused
