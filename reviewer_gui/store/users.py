"""The study's users as stored: one version per change (added, password changed or reset,
deactivated); the latest version of a name is the user. Passwords are stored only as salted
hashes (``reviewer_gui.review.passwords``); roles are the study's (reader, adjudicator,
administrator). An account's security state (consecutive failed password checks, locked or
not) is its latest ``account_event`` row (schema 3), never a counter updated in place: it
survives restarts, and a row removed or edited behind the application's back breaks the audit
chain (``reviewer_gui.store.verify``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

Query = Callable[..., list[sqlite3.Row]]


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A study user: name, role, salted password hash, whether they may still sign in, and
    whether they must change a password the study administrator reset before anything else."""

    name: str
    role: str
    password_hash: str
    active: bool = True
    must_change: bool = False


@dataclass(frozen=True, slots=True)
class AccountEvent:
    """One ``account_event`` row: what happened to the account (``failed``, ``succeeded``,
    ``unlocked``) and its state after it."""

    name: str
    event: str
    failures: int
    locked: bool


def _user(row: sqlite3.Row) -> UserRecord:
    return UserRecord(row["name"], row["role"], row["password_hash"], bool(row["active"]),
                      bool(row["must_change"]))  # fmt: skip


def current_users(query: Query) -> dict[str, UserRecord]:
    """The latest version of every user, by name."""
    rows = query("SELECT * FROM app_user WHERE audit_seq IN "
                 "(SELECT max(audit_seq) FROM app_user GROUP BY name) ORDER BY name")  # fmt: skip
    return {r["name"]: _user(r) for r in rows}


def user_versions(query: Query, name: str) -> list[UserRecord]:
    """Every version of the user ``name``, newest first."""
    return [_user(r) for r in query("SELECT * FROM app_user WHERE name = ? "
                                    "ORDER BY audit_seq DESC", name)]  # fmt: skip


def account_state(query: Query, name: str) -> AccountEvent:
    """The account's state: its latest ``account_event`` (none yet: no failure, not locked)."""
    rows = query("SELECT * FROM account_event WHERE name = ? ORDER BY audit_seq DESC LIMIT 1",
                 name)  # fmt: skip
    if not rows:
        return AccountEvent(name, "none", 0, False)
    row = rows[0]
    return AccountEvent(name, row["event"], int(row["failures"]), bool(row["locked"]))


def account_setting(query: Query, name: str) -> object | None:
    """The latest value of an account setting (``None``: never set)."""
    rows = query("SELECT value FROM account_setting WHERE name = ? ORDER BY audit_seq DESC "
                 "LIMIT 1", name)  # fmt: skip
    return json.loads(rows[0]["value"]) if rows else None
