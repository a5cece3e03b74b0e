"""Derived data a project keeps for its users (schema 6): each user's registrations of a
follow-up series to an earlier one (``schema.DERIVED_TABLES``).

Not part of the record: a row is recomputed from the images whenever it is missing or its
inputs changed, so it is written without an audit record and replaced in place (the pair's
row of that user), and ``audit verify`` neither needs nor checks it. Each user's rows are
their own: the store asks for ``owner``'s rows only, and on PostgreSQL the server refuses to
show or write any other (row-level security, ``postgres.derived``). The registration itself
is JSON text here: the store does not interpret it (``reviewer_gui.viewer.registration``
does).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

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
