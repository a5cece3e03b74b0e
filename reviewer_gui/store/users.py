"""The study's users as stored: one version per change (added, password changed, deactivated);
the latest version of a name is the user. Passwords are stored only as salted hashes
(``reviewer_gui.review.passwords``); roles are the study's (reader, adjudicator, administrator).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

Query = Callable[..., list[sqlite3.Row]]


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A study user: name, role, salted password hash, and whether they may still sign in."""

    name: str
    role: str
    password_hash: str
    active: bool = True


def current_users(query: Query) -> dict[str, UserRecord]:
    """The latest version of every user, by name."""
    rows = query("SELECT * FROM app_user WHERE audit_seq IN "
                 "(SELECT max(audit_seq) FROM app_user GROUP BY name) ORDER BY name")  # fmt: skip
    return {r["name"]: UserRecord(r["name"], r["role"], r["password_hash"], bool(r["active"]))
            for r in rows}  # fmt: skip
