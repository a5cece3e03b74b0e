"""Roles, identity and sessions of a blinded independent central review (Qt-free).

:func:`sign_in` opens a reading project as one of its users (:func:`add_user`; salted scrypt
password hashes in the project file); the :class:`Session` it returns carries the user into
every action, keeps a reader to their own read, and signs timepoints with name, password and
meaning (21 CFR Part 11 spirit). Passwords are changed, reset and accounts locked and
unlocked through ``reviewer_gui.review.accounts`` and ``reviewer_gui.review.lockout``. The
audit trail of every action is the store's (``reviewer_gui.store.audit``, checked by
``reviewer_gui.store.verify``).
"""

from reviewer_gui.review.accounts import (
    change_password,
    reset_password,
    set_lockout_attempts,
    unlock,
)
from reviewer_gui.review.identity import (
    AccountLocked,
    AuthenticationFailed,
    NotPermitted,
    PasswordChangeRequired,
    Role,
)
from reviewer_gui.review.passwords import PasswordRejected
from reviewer_gui.review.session import Session, WorkItem, sign_in
from reviewer_gui.review.users import add_user, authenticate

__all__ = [
    "AccountLocked",
    "AuthenticationFailed",
    "NotPermitted",
    "PasswordChangeRequired",
    "PasswordRejected",
    "Role",
    "Session",
    "WorkItem",
    "add_user",
    "authenticate",
    "change_password",
    "reset_password",
    "set_lockout_attempts",
    "sign_in",
    "unlock",
]
