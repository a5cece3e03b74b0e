"""Adjudication of a blinded independent central review (domain brief, BICR section).

When both reads of a subject are complete (every timepoint of the subject signed by both
readers), :class:`AdjudicationDesk` compares them (``reviewer_gui.review.triggers``) and flags
the subject when a configured trigger fires. The adjudicator reviews both reads side by side
(``reviewer_gui.review.side_by_side``), chooses one and gives the reason, signing with name,
password and meaning (21 CFR 11.50, 11.200(a)); the choice is an append-only, audited record
(``adjudication`` table, ``reviewer_gui.store``) and the chosen read is the final one.

Which read is final: the adjudicated one when the subject needed adjudication; otherwise
(the reads agree on every configured trigger) *reader 1's*, reader 1 being the first of the
subject's two readers in name order. A decision binds the reads it was made on (SHA-256 of
their signed rows): when a reader re-reads afterwards, the subject is compared again and, if
it still disagrees, waits for a new adjudication.

Reference date of the landmark and of rPFS: readers never see randomization dates. The study
administrator may give a subjects CSV (real ids and dates, ``reviewer_gui.review.reference``),
mapped through the de-identification key to case ids and shifted by the subject's own date
offset, so that intervals to the (shifted) scan dates are the real ones; without it, the
subject's baseline scan date is the reference (as ``recist endpoints`` does without subjects).

Who: the adjudicator decides; the adjudicator and the study administrator list and view;
only the administrator changes settings and reference dates; a reader can do none of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from reviewer_gui.engine_adapter import ReadEndpoints, export_rows, read_endpoints
from reviewer_gui.reading import ProjectState, ReadingError, ReadKey, ReadView, utc_now
from reviewer_gui.review.identity import AuthenticationFailed, NotPermitted, Role
from reviewer_gui.review.receipts import signing
from reviewer_gui.review.session import Session
from reviewer_gui.review.triggers import AdjudicationSettings, Trigger, compare, encode
from reviewer_gui.review.users import authenticate
from reviewer_gui.store import ProjectStore


class Status(StrEnum):
    WAITING = "waiting"  # the two reads are not both complete yet
    AGREED = "agreed"  # complete, no trigger fires: reader 1's read is final
    FLAGGED = "flagged"  # complete, some trigger fires: waits for the adjudicator
    ADJUDICATED = "adjudicated"  # the adjudicator chose a read: it is final


@dataclass(frozen=True, slots=True)
class Decision:
    """An adjudicator's signed choice (one ``adjudication`` row, audit record ``seq``)."""

    seq: int
    case_id: str
    chosen_reader: str
    other_reader: str
    reason: str
    triggers: tuple[Mapping[str, object], ...]
    chosen_read: str
    other_read: str
    signed_by: str
    signed_at: dt.datetime
    meaning: str


@dataclass(frozen=True, slots=True)
class CaseReview:
    """Where a subject stands: its readers (reader 1 first), status, what is missing or what
    disagrees, each complete read's endpoints, and the decision in force."""

    case_id: str
    readers: tuple[str, ...]
    status: Status
    note: str
    endpoints: Mapping[str, ReadEndpoints]
    triggers: tuple[Trigger, ...] = ()
    decision: Decision | None = None

    @property
    def final_reader(self) -> str | None:
        """Whose read is final (``None`` while waiting or flagged)."""
        if self.status is Status.ADJUDICATED and self.decision is not None:
            return self.decision.chosen_reader
        return self.readers[0] if self.status is Status.AGREED else None


def fingerprint(read: ReadView) -> str:
    """SHA-256 of a read's signed measurement rows: what a decision was made on."""
    rows = export_rows([read], signed_only=True)
    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()


def complete(state: ProjectState, read: ReadView) -> bool:
    """Every timepoint of the subject is signed in this read."""
    timepoints = state.subjects.get(read.key.case_id, ())
    return bool(timepoints) and all(tp.label in read.signatures for tp in timepoints)


class AdjudicationDesk:
    """The adjudication queue, decisions and settings, for an adjudicator's or the study
    administrator's session (a reader's is refused: :class:`NotPermitted`)."""

    def __init__(self, session: Session, *, clock: Callable[[], dt.datetime] = utc_now) -> None:
        if session.role is Role.READER:
            raise NotPermitted(f"{session.user} is a reader: adjudication records and the "
                               "other reader's read are never shown to a reader")  # fmt: skip
        self.session, self._clock = session, clock
        self._store: ProjectStore = session._store  # the desk is part of the session's package

    # -- settings and reference dates ----------------------------------------------------

    def settings(self) -> AdjudicationSettings:
        values = {row["name"]: json.loads(row["value"])
                  for row in self._store.audited_rows("adjudication_setting")}  # fmt: skip
        return AdjudicationSettings.from_values(values)

    def set_settings(self, settings: AdjudicationSettings, *, reason: str = "") -> int | None:
        """Record the settings that differ from the current ones (administrator only);
        returns the audit record's number (``None`` when nothing changed)."""
        self._require(Role.ADMINISTRATOR, "changes the adjudication settings")
        old, new = self.settings().as_values(), settings.as_values()
        changed = [{"name": k, "value": encode(v)} for k, v in new.items() if old.get(k) != v]
        if not changed:
            return None
        return self._store.record_rows("set-adjudication-settings", self.session.user,
                                       {"adjudication_setting": changed}, reason=reason)

    def reference_dates(self) -> dict[str, dt.date]:
        """Case id -> shifted randomization date (the latest given)."""
        return {row["case_id"]: dt.date.fromisoformat(row["randomization_date"])
                for row in self._store.audited_rows("subject_reference")}  # fmt: skip

    def set_reference_dates(self, dates: Mapping[str, dt.date], *, source: str) -> int | None:
        """Record shifted randomization dates by case id (administrator only)."""
        self._require(Role.ADMINISTRATOR, "gives reference dates")
        known, current = set(self._store.load().subjects), self.reference_dates()
        unknown = sorted(set(dates) - known)
        if unknown:
            raise ReadingError(f"no subject {', '.join(unknown)} in this project")
        rows = [{"case_id": c, "randomization_date": d.isoformat()}
                for c, d in sorted(dates.items()) if current.get(c) != d]  # fmt: skip
        if not rows:
            return None
        return self._store.record_rows("set-reference-dates", self.session.user,
                                       {"subject_reference": rows},
                                       reason=f"from {source}")  # fmt: skip

    # -- the queue -----------------------------------------------------------------------

    def state(self) -> ProjectState:
        """The project as recorded now (every reader's reads; re-read from the file)."""
        return self._store.load()

    def cases(self) -> tuple[CaseReview, ...]:
        """Every subject's review, by case id."""
        state, settings = self.state(), self.settings()
        references, decisions = self.reference_dates(), self.decisions()
        return tuple(self._review(state, case, settings, references.get(case),
                                  decisions.get(case, ())) for case in sorted(state.subjects))

    def case(self, case_id: str) -> CaseReview:
        state = self.state()
        if case_id not in state.subjects:
            raise ReadingError(f"no subject {case_id!r} in this project")
        return self._review(state, case_id, self.settings(), self.reference_dates().get(
            case_id), self.decisions().get(case_id, ()))  # fmt: skip

    def decisions(self) -> dict[str, tuple[Decision, ...]]:
        """Every decision recorded, by case id, oldest first (superseded ones included)."""
        found: dict[str, list[Decision]] = {}
        for row in self._store.audited_rows("adjudication"):
            found.setdefault(row["case_id"], []).append(Decision(
                row["audit_seq"], row["case_id"], row["chosen_reader"], row["other_reader"],
                row["reason"], tuple(json.loads(row["triggers"])), row["chosen_read"],
                row["other_read"], row["signed_by"], dt.datetime.fromisoformat(
                    row["signed_at"]), row["meaning"]))  # fmt: skip
        return {case: tuple(items) for case, items in found.items()}

    # -- deciding ------------------------------------------------------------------------

    def decide(
        self, case_id: str, chosen_reader: str, *, reason: str, name: str, password: str,
        meaning: str,
    ) -> Decision:  # fmt: skip
        """Choose a flagged subject's final read, with the reason, signed with name, password
        and meaning (adjudicator only). The choice is an audit record."""
        self._require(Role.ADJUDICATOR, "adjudicates")
        reason, meaning = reason.strip(), meaning.strip()
        review = self.case(case_id)
        if review.status is not Status.FLAGGED:
            raise ReadingError(f"{case_id} is {review.status.value} ({review.note}): only a "
                               "flagged subject is adjudicated")  # fmt: skip
        if chosen_reader not in review.readers:
            raise ReadingError(f"{chosen_reader!r} did not read {case_id}: choose "
                               f"{' or '.join(review.readers)}")  # fmt: skip
        if not reason:
            raise ReadingError(f"say why {chosen_reader}'s read of {case_id} is the right one: "
                               "the reason is part of the record")  # fmt: skip
        if not meaning:
            raise ReadingError("say what the signature means (e.g. 'Adjudicated: this read is "
                               "final'): 21 CFR 11.50 records it with the signature")
        user = authenticate(self._store, name, password, action="adjudicate", case_id=case_id)
        if user.name != self.session.user:
            self._store.log_action("adjudicate-refused", self.session.user, case_id=case_id,
                                   reason=f"signed with another user's name ({user.name})")
            raise AuthenticationFailed(f"sign with your own name ({self.session.user}): a "
                                       "signature is its signer's only")  # fmt: skip
        state = self.state()
        other = next(r for r in review.readers if r != chosen_reader)
        signed_at = self._clock()
        row: dict[str, object] = {
            "case_id": case_id, "chosen_reader": chosen_reader, "other_reader": other,
            "reason": reason, "triggers": encode([t.as_value() for t in review.triggers]),
            "chosen_read": fingerprint(state.reads[ReadKey(case_id, chosen_reader)]),
            "other_read": fingerprint(state.reads[ReadKey(case_id, other)]),
            "signed_by": user.name, "signed_at": signed_at.isoformat(), "meaning": meaning,
        }  # fmt: skip
        with signing(self._store, f"adjudicate {case_id}: {chosen_reader}'s read"):
            self._store.record_rows("adjudicate", user.name, {"adjudication": [row]},
                                    case_id=case_id, reason=reason)  # fmt: skip
        decision = self.case(case_id).decision
        assert decision is not None
        return decision

    # -- internals -----------------------------------------------------------------------

    def _require(self, role: Role, what: str) -> None:
        if self.session.role is not role:
            raise NotPermitted(f"{self.session.user} is signed in as "
                               f"{self.session.role.value}: only the {role.value} "
                               f"{what}")  # fmt: skip

    def _review(
        self,
        state: ProjectState,
        case_id: str,
        settings: AdjudicationSettings,
        reference: dt.date | None,
        decisions: tuple[Decision, ...],
    ) -> CaseReview:
        reads = sorted((read for key, read in state.reads.items() if key.case_id == case_id
                        and (read.lesions or read.observations)),
                       key=lambda read: read.key.reader)  # fmt: skip
        readers = tuple(read.key.reader for read in reads)
        done = {read.key.reader: read for read in reads if complete(state, read)}
        endpoints = {
            reader: found for reader, read in done.items()
            if (found := read_endpoints(read, reference, settings.schedule)) is not None
        }  # fmt: skip
        if len(readers) != 2 or len(endpoints) != 2:
            note = (f"{len(readers)} reads ({', '.join(readers) or 'none yet'}): adjudication "
                    "compares two" if len(readers) > 2 else _waiting(readers, done))
            return CaseReview(case_id, readers, Status.WAITING, note, endpoints)
        pair = (readers[0], readers[1])
        triggers = compare(pair, endpoints[pair[0]], endpoints[pair[1]], settings)
        prints = {reader: fingerprint(read) for reader, read in done.items()}
        for decision in reversed(decisions):  # binds while the reads are those it was made on
            if (prints.get(decision.chosen_reader), prints.get(decision.other_reader)) == (
                    decision.chosen_read, decision.other_read):  # fmt: skip
                return CaseReview(case_id, readers, Status.ADJUDICATED,
                                  f"{decision.signed_by} chose {decision.chosen_reader}'s read "
                                  f"(record {decision.seq})", endpoints, triggers,
                                  decision)  # fmt: skip
        if not triggers:
            return CaseReview(case_id, readers, Status.AGREED, f"the reads agree: {pair[0]}'s "
                              "read (reader 1) is final", endpoints)  # fmt: skip
        note = "; ".join(t.explanation for t in triggers)
        if decisions:
            note += (f" (the decision of record {decisions[-1].seq} was on reads changed "
                     "since by a re-read)")  # fmt: skip
        return CaseReview(case_id, readers, Status.FLAGGED, note, endpoints, triggers)


def _waiting(readers: tuple[str, ...], done: Mapping[str, ReadView]) -> str:
    if len(readers) < 2:
        return f"{2 - len(readers)} of the two reads not started"
    todo = [reader for reader in readers if reader not in done]
    return f"not every timepoint signed by {' and '.join(todo)}"
