"""A signed-in user's session: every action on the reading goes through it, as its user.

:func:`sign_in` checks the name and password against the project's users and opens a
:class:`Session`. A reader's session loads only that reader's reads (another reader's read is
never in its memory: independence, domain brief BICR section) and refuses any other with
:class:`~reviewer_gui.review.identity.NotPermitted`; its reader is its user, never an argument.
Signing a timepoint is an electronic signature in the spirit of 21 CFR Part 11: name and
password entered again (section 11.200(a)), and the meaning of the signature, recorded with
the time (section 11.50); the timepoint is then locked. A re-read needs a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reviewer_gui.engine_adapter import write_measurements_csv
from reviewer_gui.reading import (
    Category,
    Engine,
    Grid,
    ImagePlane,
    Lesion,
    Observation,
    Point,
    ReadingError,
    ReadingEvents,
    ReadingProject,
    ReadKey,
    ReadView,
    Segment,
    SeriesRef,
    Signature,
    State,
    Timepoint,
    utc_now,
)
from reviewer_gui.reading.vocabulary import Axis, Provenance
from reviewer_gui.review.accounts import change_password
from reviewer_gui.review.identity import AccountLocked, AuthenticationFailed, NotPermitted, Role
from reviewer_gui.review.receipts import Receipts
from reviewer_gui.review.users import authenticate
from reviewer_gui.store import ProjectStore, StoreError, UserRecord, is_postgres_url, open_store
from reviewer_gui.store.derived import UserRegistrations
from reviewer_gui.store.image_folder import images_location


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A case on a reader's worklist: its pseudonymous id, its timepoint labels (no dates,
    arm, site or local assessment), and the next timepoint to read (``None``: all signed)."""

    case_id: str
    timepoints: tuple[str, ...]
    next_timepoint: str | None


def sign_in(
    path: str | Path,
    name: str,
    password: str,
    *,
    engine: Engine | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    audit_key: bytes | None = None,
) -> Session:
    """Open the project at ``path`` (a file, or a PostgreSQL URL: connected as ``name``) as
    the user ``name`` (close the session when done)."""
    try:
        store = open_store(path, user=name, password=password, create=False,
                           audit_key=audit_key)  # fmt: skip
    except StoreError as refused:
        if is_postgres_url(path) and ("may not sign in" in str(refused)
                                      or "account is locked" in str(refused)):  # fmt: skip
            raise AccountLocked(str(refused)) from None
        if is_postgres_url(path) and "wrong name or password" in str(refused):
            raise AuthenticationFailed("sign-in: wrong name or password") from None
        raise
    try:
        user = authenticate(store, name, password, action="sign-in")
        return Session(store, user, engine=engine, clock=clock)
    except BaseException:
        store.close()
        raise


class Session:
    """What one signed-in user sees and does. Use :func:`sign_in`."""

    def __init__(
        self,
        store: ProjectStore,
        user: UserRecord,
        *,
        engine: Engine | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.user, self.role = user.name, Role(user.role)
        self._store = store
        self._receipts = Receipts(store)
        only = self.user if self.role is Role.READER else None
        self._project = ReadingProject(store.load(reader=only), engine=engine, journal=store,
                                       clock=clock)  # fmt: skip
        store.log_action("sign-in", self.user, reason=f"as {self.role.value}")

    @property
    def events(self) -> ReadingEvents:
        """The changes this session makes (views subscribe here)."""
        return self._project.events

    def close(self) -> None:
        try:
            self._store.log_action("sign-out", self.user)
        finally:  # the store closes even when the sign-out cannot be recorded (server gone)
            self._store.close()

    def tell_connection(self, say: Callable[[str], None]) -> None:
        """Have ``say`` told (one line) when a server project's connection is lost, restored,
        and what became of an action caught by it (``store.postgres.reconnect``); a project
        file has no connection to lose."""
        if hasattr(self._store, "on_connection"):
            self._store.on_connection = say

    def change_password(self, current: str, new: str) -> None:
        """Change this user's own password (``reviewer_gui.review.accounts.change_password``:
        the current password again, and a new one that meets the rules)."""
        change_password(self._store, self.user, current, new)

    def own_registrations(self) -> UserRegistrations:
        """This user's registrations of follow-up series kept in the project (derived data,
        theirs only: ``reviewer_gui.store.derived``)."""
        return UserRegistrations(self._store, self.user)

    def readers(self) -> tuple[str, ...]:
        """The study's readers this user sees (on PostgreSQL a reader sees only themself)."""
        return tuple(u.name for u in self._store.users().values() if u.role == Role.READER)

    @property
    def images_folder(self) -> Path | str | None:
        """Where the project's relative series folders are, or the URL of its reading
        archive (``store.image_folder``; ``None``: a server project's, not recorded)."""
        return images_location(self._store)

    def record_refusal(self, action: str, reason: str) -> None:
        """Record in the audit trail that this user was refused ``action`` (e.g. a reader
        asking for the adjudication window), with the reason shown to them."""
        self._store.log_action(f"{action}-refused", self.user, reason=reason)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the user may see -----------------------------------------------------------

    @property
    def case_ids(self) -> tuple[str, ...]:
        return self._project.case_ids

    def timepoints(self, case_id: str) -> tuple[Timepoint, ...]:
        return self._project.timepoints(case_id)

    def worklist(self) -> tuple[WorkItem, ...]:
        """The reader's cases in a random order of their own (stable across sign-ins, not
        the order of enrolment, so neither site nor arm shows through it)."""
        items = []
        for case_id in self.case_ids:
            read = self.read(case_id)
            labels = tuple(tp.label for tp in read.timepoints)
            todo = [label for label in labels if label not in read.signatures]
            items.append(WorkItem(case_id, labels, todo[0] if todo else None))
        seed = hashlib.sha256(f"worklist:{self.user}".encode()).digest()
        random.Random(seed).shuffle(items)
        return tuple(items)

    def read(self, case_id: str) -> ReadView:
        """The signed-in reader's own read of a case."""
        return self._project.read(self._own(case_id))

    def read_of(self, key: ReadKey) -> ReadView:
        """Any read an adjudicator or the administrator may see; a reader only their own."""
        return self._project.read(self._visible(key))

    def grid(self, case_id: str) -> Grid:
        return self._project.grid(self._own(case_id))

    def grid_of(self, key: ReadKey) -> Grid:
        return self._project.grid(self._visible(key))

    def export(
        self, output: Path | None, *, include_unsigned: bool = False, reader: str | None = None
    ) -> int:
        """Write the measurements CSV of the reads this user may see (a reader: their own
        only; ``reader`` narrows it to one reader's); returns the number of rows. The export
        is an audit record."""
        if self.role is Role.READER:
            if reader not in (None, self.user):
                raise NotPermitted(f"{self.user} cannot export {reader}'s reads: a reader "
                                   "exports only their own")  # fmt: skip
            reads = [self.read(case_id) for case_id in self.case_ids]
        else:
            state = self._store.load()
            reads = [state.reads[key] for key in sorted(state.reads)
                     if reader is None or key.reader == reader]  # fmt: skip
        reads = [read for read in reads if read.lesions or read.observations]
        rows = write_measurements_csv(output, reads, signed_only=not include_unsigned)
        self._store.log_action("export", self.user, after={"export": [{
            "file": str(output or "-"), "rows": rows,
            "reads": [f"{r.key.case_id}/{r.key.reader}" for r in reads],
            "include_unsigned": include_unsigned}]})  # fmt: skip
        return rows

    # -- the study administrator -----------------------------------------------------------

    def add_subject(self, case_id: str) -> None:
        self._require(Role.ADMINISTRATOR, "adds subjects")
        self._project.add_subject(case_id, by=self.user)

    def add_timepoint(
        self, case_id: str, label: str, scan_date: dt.date, series: SeriesRef | None = None
    ) -> Timepoint:
        self._require(Role.ADMINISTRATOR, "adds timepoints")
        return self._project.add_timepoint(case_id, label, scan_date, series, by=self.user)

    # -- the reader's own read -----------------------------------------------------------

    def add_lesion(
        self,
        case_id: str,
        category: Category,
        organ: str,
        *,
        detail: str = "",
        is_node: bool | None = None,
        lesion_id: str | None = None,
    ) -> Lesion:
        return self._project.add_lesion(self._own(case_id), category, organ, detail=detail,
                                        is_node=is_node, lesion_id=lesion_id)  # fmt: skip

    def edit_lesion(
        self,
        case_id: str,
        lesion_id: str,
        *,
        organ: str | None = None,
        detail: str | None = None,
        is_node: bool | None = None,
    ) -> Lesion:
        return self._project.edit_lesion(self._own(case_id), lesion_id, organ=organ,
                                         detail=detail, is_node=is_node)  # fmt: skip

    def retire_lesion(self, case_id: str, lesion_id: str) -> None:
        self._project.retire_lesion(self._own(case_id), lesion_id)

    def measure(
        self,
        case_id: str,
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
        return self._project.measure(self._own(case_id), timepoint, lesion_id, long_axis,
                                     plane, short_axis=short_axis, fragment=fragment,
                                     provenance=provenance,
                                     short_provenance=short_provenance)  # fmt: skip

    def set_point(
        self, case_id: str, lesion_id: str, timepoint: str, plane: ImagePlane, point: Point
    ) -> Lesion:
        return self._project.set_point(self._own(case_id), lesion_id, timepoint, plane, point)

    def retract_observation(self, case_id: str, timepoint: str, lesion_id: str) -> None:
        self._project.retract_observation(self._own(case_id), timepoint, lesion_id)

    def set_axis(
        self,
        case_id: str,
        timepoint: str,
        lesion_id: str,
        axis: Axis,
        segment: Segment,
        *,
        fragment: str = "",
    ) -> Observation:
        return self._project.set_axis(self._own(case_id), timepoint, lesion_id, axis, segment,
                                      fragment=fragment)  # fmt: skip

    def clear_measurement(
        self, case_id: str, timepoint: str, lesion_id: str, *, fragment: str | None = None
    ) -> Observation:
        return self._project.clear_measurement(self._own(case_id), timepoint, lesion_id,
                                               fragment=fragment)  # fmt: skip

    def set_state(
        self, case_id: str, timepoint: str, lesion_id: str, state: State, *, reason: str = ""
    ) -> Observation:
        return self._project.set_state(self._own(case_id), timepoint, lesion_id, state,
                                       reason=reason)  # fmt: skip

    def sign(
        self, case_id: str, timepoint: str, *, name: str, password: str, meaning: str
    ) -> Signature:
        """Sign a timepoint of the reader's own read: name and password entered again, and
        what the signature means (e.g. "Reviewed and approved as read"). A wrong name or
        password is refused (and recorded) before anything is checked or signed."""
        key = self._own(case_id)
        meaning = meaning.strip()
        if not meaning:
            raise ReadingError("say what the signature means (e.g. 'Reviewed and approved as "
                               "read'): 21 CFR 11.50 records it with the signature")  # fmt: skip
        user = authenticate(self._store, name, password, action="sign", case_id=case_id,
                            reader=self.user, timepoint=timepoint)  # fmt: skip
        if user.name != self.user:
            self._store.log_action("sign-refused", self.user, case_id=case_id,
                                   reader=self.user, timepoint=timepoint,
                                   reason=f"signed with another user's name ({user.name})")
            raise AuthenticationFailed(f"sign with your own name ({self.user}): a signature "
                                       "is its signer's only")  # fmt: skip
        with self._receipts.signing(f"sign {case_id}/{self.user}/{timepoint}"):
            return self._project.sign(key, timepoint, meaning=meaning)

    def reread(self, case_id: str, timepoint: str, *, reason: str) -> tuple[str, ...]:
        """Reopen a signed timepoint of the reader's own read (and the later signed ones)."""
        return self._project.reread(self._own(case_id), timepoint, reason=reason)

    def choose_series(self, case_id: str, timepoint: str, series: SeriesRef) -> SeriesRef:
        """Read a timepoint of the reader's own read on another series of its study (the
        other readers' reads keep theirs)."""
        return self._project.choose_series(self._own(case_id), timepoint, series)

    # -- internals -----------------------------------------------------------------------

    def _require(self, role: Role, what: str) -> None:
        if self.role is not role:
            raise NotPermitted(f"{self.user} is signed in as {self.role.value}: only the "
                               f"study {role.value} {what}")  # fmt: skip

    def _own(self, case_id: str) -> ReadKey:
        self._require(Role.READER, "reads")
        self._project.timepoints(case_id)  # an unknown case is refused here
        return ReadKey(case_id, self.user)

    def _visible(self, key: ReadKey) -> ReadKey:
        if self.role is Role.READER and key.reader != self.user:
            raise NotPermitted(f"{self.user} cannot see {key.reader}'s read of {key.case_id}: "
                               "two readers read independently and never see each other's "
                               "read")  # fmt: skip
        return key
