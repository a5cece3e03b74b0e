"""Derived data a project keeps for its users (schema 6): each user's registrations of a
follow-up series to an earlier one (``schema.DERIVED_TABLES``).

Not part of the record: a row is recomputed from the images whenever it is missing or its
inputs changed, so it is written without an audit record and replaced in place (the pair's
row of that user), and ``audit verify`` neither needs nor checks it. Each user's rows are
their own: the store asks for ``owner``'s rows only, and on PostgreSQL the server shows and
writes no other (``postgres.derived``: two functions of the signed-in login, row-level
security forced). The registration itself is JSON text here: the store does not interpret
it (``reviewer_gui.viewer.registration`` does).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

TABLE = "registration"
_KEY = "owner = ? AND earlier_series_uid = ? AND follow_up_series_uid = ?"
SELECT = f"SELECT * FROM {TABLE} WHERE {_KEY} ORDER BY created_at"
DELETE = f"DELETE FROM {TABLE} WHERE {_KEY}"


@dataclass(frozen=True)
class StoredRegistration:
    """One user's registration of a follow-up series to an earlier one, as stored."""

    owner: str  # the signed-in user (the reader of a project without users)
    earlier_series_uid: str
    follow_up_series_uid: str
    inputs_sha256: str  # of the method and both series' voxels and geometry
    method: str
    registration: str  # JSON (``Registration.to_dict``)
    created_at: str  # ISO 8601, UTC

    @property
    def pair(self) -> tuple[str, str]:
        return self.earlier_series_uid, self.follow_up_series_uid

    def values(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def of(cls, row: Any) -> StoredRegistration:
        return cls(*(str(row[name]) for name in cls.__dataclass_fields__))


class RegistrationRows(Protocol):
    """What keeps registrations (``ProjectStore`` does)."""

    def registrations(self, owner: str, earlier_uid: str,
                      follow_up_uid: str) -> list[StoredRegistration]: ...  # fmt: skip

    def keep_registration(self, registration: StoredRegistration) -> None: ...


class UserRegistrations:
    """One user's registrations in a project: the rows whose owner they are, and no other
    (on PostgreSQL the server would refuse any other anyway). Errors are the store's
    (:class:`~reviewer_gui.store.base.StoreError`)."""

    def __init__(self, rows: RegistrationRows, owner: str) -> None:
        self.rows, self.owner = rows, owner

    def of_pair(self, earlier_uid: str, follow_up_uid: str) -> list[StoredRegistration]:
        return self.rows.registrations(self.owner, earlier_uid, follow_up_uid)

    def keep(self, earlier_uid: str, follow_up_uid: str, inputs_sha256: str, method: str,
             registration: Mapping[str, Any]) -> None:  # fmt: skip
        """Store it as the pair's row (replacing the user's previous one)."""
        now = dt.datetime.now(dt.UTC).isoformat()
        self.rows.keep_registration(StoredRegistration(
            self.owner, earlier_uid, follow_up_uid, inputs_sha256, method,
            json.dumps(dict(registration), sort_keys=True), now))  # fmt: skip
