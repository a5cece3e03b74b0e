"""The study's users: added by the study administrator (the first one registers themself when
the project has no user yet), signed in by name and password. 21 CFR Part 11 section 11.100
(a): an electronic signature is unique to one individual and never reused or reassigned, so a
name, once used, is never given to anyone else (deactivated users keep theirs)."""

from __future__ import annotations

import re

from reviewer_gui.review.identity import (
    AccountLocked,
    AuthenticationFailed,
    NotPermitted,
    PasswordChangeRequired,
    Role,
)
from reviewer_gui.review.lockout import locked_message, record_failure, record_success
from reviewer_gui.review.passwords import (
    MIN_LENGTH,
    check_new_password,
    hash_password,
    password_matches,
)
from reviewer_gui.store import ProjectStore, UserRecord

#: The action of a password change: the one a reset password still allows.
CHANGE_PASSWORD = "change-password"
#: The actor of a refused sign-in whose name is no user's: what was typed is never recorded
#: (it may be a password typed into the name field).
UNKNOWN_USER = "(unknown user)"
#: A user name: 1 to 64 ASCII letters, digits, ``.``, ``_``, ``-``, starting with a letter
#: or digit, no ``..`` (names appear in file names, exports and the audit trail).
NAME_RULE = ("1 to 64 letters (a-z, A-Z), digits, '.', '_' or '-', starting with a letter or "
             "digit, no '..'")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def check_user_name(name: str) -> None:
    """``ValueError`` unless ``name`` is a safe user name (:data:`NAME_RULE`)."""
    if not _NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"user name {name!r}: give {NAME_RULE}")


def add_user(
    store: ProjectStore, name: str, role: Role, password: str, *, by: UserRecord | None
) -> UserRecord:
    """Add a user. ``by`` is the signed-in administrator (``None`` only for the first user of
    a project, who must be an administrator)."""
    check_user_name(name)
    users = store.users()
    if by is None and users:
        raise NotPermitted("the project has users: an administrator must sign in to add one")
    if by is None and role is not Role.ADMINISTRATOR:
        raise NotPermitted("the first user of a project is its study administrator "
                           "(--role administrator)")  # fmt: skip
    if by is not None and (by.role != Role.ADMINISTRATOR or not by.active):
        raise NotPermitted(f"{by.name} is not an active study administrator: only one adds "
                           "users")  # fmt: skip
    if name in users:
        raise ValueError(f"user {name!r} exists already (a name is never reused, 21 CFR "
                         "11.100(a))")  # fmt: skip
    check_new_password(password, name, minimum=MIN_LENGTH)
    user = UserRecord(name, Role(role).value, store.password_hash(name, password, hash_password))
    reason = "first study administrator of the project" if by is None else ""
    store.save_user(user, by=name if by is None else by.name, action="add-user", reason=reason)
    return user


def authenticate(
    store: ProjectStore,
    name: str,
    password: str,
    *,
    action: str,
    case_id: str | None = None,
    reader: str | None = None,
    timepoint: str | None = None,
) -> UserRecord:
    """The active user with this name and password, else :class:`AuthenticationFailed`; a
    refusal is an audit record (``{action}-refused``, 21 CFR 11.300(d): attempts at
    unauthorised use are recorded), its reason for the auditor only. A wrong password counts
    towards the account's lockout (``reviewer_gui.review.lockout``); a locked account is
    refused with :class:`AccountLocked` before its password is checked; a password the study
    administrator reset is refused with :class:`PasswordChangeRequired` for every action but
    ``change-password``."""
    user = store.users().get(name)
    state = store.account_state(user.name) if user is not None and user.active else None
    if user is not None and state is not None and state.locked:
        store.log_action(f"{action}-refused", user.name, reason="account locked",
                         case_id=case_id, reader=reader, timepoint=timepoint)  # fmt: skip
        raise AccountLocked(locked_message(store, user.name))
    if user is None:
        why = "no such user"
    elif not user.active:
        why = "user deactivated"
    elif not _password_ok(store, user, password):
        if record_failure(store, user.name, action, case_id=case_id, reader=reader,
                          timepoint=timepoint).locked:
            raise AccountLocked(locked_message(store, user.name))
        raise AuthenticationFailed(f"{action}: wrong name or password")
    else:
        record_success(store, user.name, action, before=state)
        if user.must_change and action != CHANGE_PASSWORD:
            store.log_action(f"{action}-refused", user.name, case_id=case_id, reader=reader,
                             timepoint=timepoint, reason="password reset by the study "
                             "administrator: to be changed first")  # fmt: skip
            raise PasswordChangeRequired(
                f"{user.name}: the study administrator reset your password; choose a new one "
                f"first (recist-review users passwd PROJECT.db --user {user.name})")
        return user
    store.log_action(f"{action}-refused", user.name if user is not None else UNKNOWN_USER,
                     case_id=case_id,
                     reader=reader, timepoint=timepoint,
                     reason=why)  # fmt: skip
    raise AuthenticationFailed(f"{action}: wrong name or password")


def _password_ok(store: ProjectStore, user: UserRecord, password: str) -> bool:
    """The password check: the server's when it holds the passwords (PostgreSQL: a sign-in
    as the user), else the stored salted hash's."""
    by_server = store.server_checks_password(user.name, password)
    return password_matches(password, user.password_hash) if by_server is None else by_server
