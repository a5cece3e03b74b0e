"""Password change, password reset, unlock and the lockout threshold (21 CFR 11.300(b):
passwords periodically checked, recalled or revised; 11.300(d); EU GMP Annex 11 section 12.1).

- :func:`change_password`: a user changes their own password (the current one, then the new
  one); the new one has at least ``CHANGED_MIN_LENGTH`` (12) characters, is not the user's
  name, and is neither the current password nor the one before it (after a reset: neither the
  temporary password nor the user's own previous one).
- :func:`reset_password`: the study administrator sets a temporary password, recorded with the
  "must change" flag (``app_user.must_change``): the user can then do nothing but change it;
  a reset also unlocks a locked account.
- :func:`unlock`: the study administrator unlocks a locked account (the count restarts at 0).
- :func:`set_lockout_attempts`: the study administrator sets the project's threshold.

Every change is a new, append-only user version or account row with its audit record; every
refusal is an audit record too, its reason in words (never a password or hash).
:func:`password_change_problem` is the change-password dialog's logic, without Qt.
"""

from __future__ import annotations

from collections.abc import Callable

from reviewer_gui.review.identity import AccountLocked, AuthenticationFailed, NotPermitted, Role
from reviewer_gui.review.lockout import ATTEMPTS_SETTING, lockout_attempts
from reviewer_gui.review.passwords import (
    CHANGED_MIN_LENGTH,
    PasswordRejected,
    check_new_password,
    hash_password,
    password_matches,
)
from reviewer_gui.review.users import CHANGE_PASSWORD, authenticate
from reviewer_gui.store import AccountEvent, ProjectStore, UserRecord

#: The highest lockout threshold a study may set (a higher one protects nothing).
MAX_ATTEMPTS = 20


def change_password(store: ProjectStore, name: str, current: str, new: str) -> UserRecord:
    """Change ``name``'s own password; :class:`AuthenticationFailed` (a wrong current password
    counts towards the lockout), :class:`AccountLocked`, or :class:`PasswordRejected` with the
    rule broken (recorded as ``change-password-refused``)."""
    user = authenticate(store, name, current, action=CHANGE_PASSWORD)
    try:
        _check_rules(store, user, new)
    except PasswordRejected as rejected:
        store.log_action(f"{CHANGE_PASSWORD}-refused", user.name, reason=str(rejected))
        raise
    changed = UserRecord(user.name, user.role, store.password_hash(user.name, new, hash_password),
                         user.active)  # fmt: skip
    reason = "the password the study administrator reset" if user.must_change else ""
    store.save_user(changed, by=user.name, action=CHANGE_PASSWORD, reason=reason)
    return changed


def reset_password(store: ProjectStore, name: str, temporary: str, *, by: UserRecord) -> UserRecord:
    """Set a temporary password for ``name`` (the study administrator ``by``, signed in); the
    user must change it at the next sign-in. Unlocks a locked account."""
    _require_administrator(store, by, "resets passwords")
    user = _existing(store, name)
    if user.name == by.name:
        raise NotPermitted("change your own password with `recist-review users passwd` (a "
                           "reset is for another user's forgotten password)")  # fmt: skip
    try:
        check_new_password(temporary, user.name, minimum=CHANGED_MIN_LENGTH)
    except PasswordRejected as rejected:
        store.log_action("reset-password-refused", by.name, reason=f"{user.name}: {rejected}")
        raise
    reset = UserRecord(user.name, user.role, store.password_hash(user.name, temporary,
                                                                 hash_password),
                       user.active, must_change=True)  # fmt: skip
    locked = store.account_state(user.name).locked
    store.record_account("reset-password", by.name, user=reset,
                         event=AccountEvent(user.name, "unlocked", 0, False) if locked else None,
                         reason="to be changed at the next sign-in"
                         + ("; account unlocked" if locked else ""))  # fmt: skip
    return reset


def unlock(store: ProjectStore, name: str, *, by: UserRecord, reason: str = "") -> None:
    """Unlock ``name``'s locked account (the study administrator ``by``, signed in)."""
    _require_administrator(store, by, "unlocks accounts")
    user = _existing(store, name)
    if not store.account_state(user.name).locked:
        raise ValueError(f"{user.name}'s account is not locked: nothing to unlock")
    store.record_account("unlock-account", by.name, reason=reason.strip() or "unlocked",
                         event=AccountEvent(user.name, "unlocked", 0, False))  # fmt: skip


def set_lockout_attempts(store: ProjectStore, attempts: int, *, by: UserRecord) -> int:
    """Set how many consecutive failed password checks lock an account; returns the old one."""
    _require_administrator(store, by, "sets the lockout")
    if not 1 <= attempts <= MAX_ATTEMPTS:
        raise ValueError(f"lockout after {attempts} failed attempts: give 1 to {MAX_ATTEMPTS}")
    old = lockout_attempts(store)
    store.record_account("lockout-settings", by.name, setting=(ATTEMPTS_SETTING, attempts),
                         reason=f"lockout after {old} -> {attempts} consecutive failed "
                         "password checks")  # fmt: skip
    return old


def password_change_problem(
    change: Callable[[str, str], object], current: str, new: str, repeat: str
) -> str | None:
    """The change-password dialog's logic: ``None`` when ``change(current, new)`` changed the
    password, else what to tell the user (the entries are checked first, nothing recorded)."""
    if not current:
        return "Enter your current password."
    if not new:
        return "Enter the new password."
    if new != repeat:
        return "The two new passwords differ: type the new password twice, the same."
    try:
        change(current, new)
    except AccountLocked as locked:
        return str(locked)
    except AuthenticationFailed:
        return ("Wrong current password: not changed. (Every attempt is recorded in the "
                "project's audit trail; repeated wrong passwords lock the account.)")
    except (PasswordRejected, NotPermitted) as rejected:
        return f"Not changed: {rejected}."
    return None


def _check_rules(store: ProjectStore, user: UserRecord, new: str) -> None:
    check_new_password(new, user.name, minimum=CHANGED_MIN_LENGTH)
    if store.password_reused(user.name, new, password_matches):  # current or previous
        raise PasswordRejected("the new password must differ from the current and the "
                               "previous password")  # fmt: skip


def _require_administrator(store: ProjectStore, by: UserRecord, what: str) -> None:
    current = store.users().get(by.name)
    if current is None or current.role != Role.ADMINISTRATOR or not current.active:
        raise NotPermitted(f"{by.name} is not an active study administrator: only one {what}")


def _existing(store: ProjectStore, name: str) -> UserRecord:
    user = store.users().get(name.strip())
    if user is None:
        raise ValueError(f"no user {name!r} in this project (recist-review users list)")
    return user
