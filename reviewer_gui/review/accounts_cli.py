"""``recist-review users passwd|reset|unlock|lockout``: passwords and account lockout.

``users passwd PROJECT.db --user NAME`` changes NAME's own password: the current password, then
the new one twice (with ``--password-stdin``: the current and the new one, one per line).
``users reset PROJECT.db NAME --admin ADMIN`` sets a temporary password (asked twice; with
``--password-stdin`` the administrator's password then the temporary one) that NAME must
change at the next sign-in. ``users unlock PROJECT.db NAME --admin ADMIN [--reason TEXT]``
unlocks a locked account. ``users lockout PROJECT.db --admin ADMIN [--attempts N]`` shows, or
sets, after how many consecutive failed password checks an account locks (default 5).
Every change and refusal is an audit record; no password is ever printed or recorded.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from reviewer_gui.review.cli import _audit_key, _guarded, _passwords, _secrets, project_location

if TYPE_CHECKING:
    from reviewer_gui.store import ProjectStore, UserRecord


def add_account_commands(users: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``passwd``, ``reset``, ``unlock`` and ``lockout`` to ``recist-review users``."""
    passwd = users.add_parser("passwd", help="change your own password")
    passwd.add_argument("project", type=project_location, help="reading project file")
    passwd.add_argument("--user", required=True, help="your sign-in name")
    _secrets(passwd)
    passwd.set_defaults(handler=_guarded(_passwd))
    reset = users.add_parser("reset", help="set a temporary password the user must change "
                             "(study administrator; also unlocks)")  # fmt: skip
    reset.add_argument("project", type=project_location, help="reading project file")
    reset.add_argument("name", help="the user whose password is reset")
    reset.add_argument("--admin", required=True, help="the study administrator")
    _secrets(reset)
    reset.set_defaults(handler=_guarded(_reset))
    unlock = users.add_parser("unlock", help="unlock a locked account (study administrator)")
    unlock.add_argument("project", type=project_location, help="reading project file")
    unlock.add_argument("name", help="the user whose account is locked")
    unlock.add_argument("--admin", required=True, help="the study administrator")
    unlock.add_argument("--reason", default="", help="why (recorded in the audit trail)")
    _secrets(unlock)
    unlock.set_defaults(handler=_guarded(_unlock))
    lockout = users.add_parser("lockout", help="show or set after how many failed password "
                               "checks an account locks (study administrator)")  # fmt: skip
    lockout.add_argument("project", type=project_location, help="reading project file")
    lockout.add_argument("--admin", required=True, help="the study administrator")
    lockout.add_argument("--attempts", type=int, help="consecutive failed password checks "
                         "that lock an account (default 5)")  # fmt: skip
    _secrets(lockout)
    lockout.set_defaults(handler=_guarded(_lockout))


def _passwd(args: argparse.Namespace) -> int:
    from reviewer_gui.review.accounts import change_password

    passwords = _passwords(args)
    if not args.password_stdin:
        print("current password, then the new one twice", file=sys.stderr)
    current, new = next(passwords), next(passwords)
    if not args.password_stdin and next(passwords) != new:
        raise ValueError("the two new passwords differ: password not changed")
    with _open(args, args.user, current) as store:
        change_password(store, args.user, current, new)
    print(f"recist-review: password of {args.user} changed", file=sys.stderr)
    return 0


def _reset(args: argparse.Namespace) -> int:
    from reviewer_gui.review.accounts import reset_password

    passwords = _passwords(args)
    admin_password = next(passwords)
    with _open(args, args.admin, admin_password) as store:
        admin = _administrator(store, args.admin, admin_password)
        if not args.password_stdin:
            print(f"temporary password for {args.name}, twice", file=sys.stderr)
        temporary = next(passwords)
        if not args.password_stdin and next(passwords) != temporary:
            raise ValueError("the two passwords differ: nothing reset")
        reset_password(store, args.name, temporary, by=admin)
    print(f"recist-review: password of {args.name} reset; {args.name} must change it at the "
          "next sign-in (give it to them by a separate, secure channel)", file=sys.stderr)
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from reviewer_gui.review.accounts import unlock

    admin_password = next(_passwords(args))
    with _open(args, args.admin, admin_password) as store:
        admin = _administrator(store, args.admin, admin_password)
        unlock(store, args.name, by=admin, reason=args.reason)
    print(f"recist-review: account of {args.name} unlocked", file=sys.stderr)
    return 0


def _lockout(args: argparse.Namespace) -> int:
    from reviewer_gui.review.accounts import set_lockout_attempts
    from reviewer_gui.review.lockout import lockout_attempts

    admin_password = next(_passwords(args))
    with _open(args, args.admin, admin_password) as store:
        admin = _administrator(store, args.admin, admin_password)
        if args.attempts is None:
            print(f"accounts lock after {lockout_attempts(store)} consecutive failed password "
                  "checks")  # fmt: skip
            return 0
        old = set_lockout_attempts(store, args.attempts, by=admin)
    print(f"recist-review: accounts lock after {args.attempts} consecutive failed password "
          f"checks (was {old})", file=sys.stderr)  # fmt: skip
    return 0


def _open(args: argparse.Namespace, user: str, password: str) -> ProjectStore:
    """The project file, or the PostgreSQL project signed in as ``user``."""
    from reviewer_gui.review import AccountLocked
    from reviewer_gui.store import StoreError, open_store

    try:
        return open_store(args.project, user=user, password=password, create=False,
                          audit_key=_audit_key(args))  # fmt: skip
    except StoreError as refused:
        if "may not sign in" in str(refused):
            raise AccountLocked(str(refused)) from None
        raise


def _administrator(store: ProjectStore, name: str, password: str) -> UserRecord:
    """The study administrator ``name``, signed in with ``password`` (refusals recorded)."""
    from reviewer_gui.review import NotPermitted, Role, authenticate

    admin = authenticate(store, name, password, action="sign-in")
    if admin.role != Role.ADMINISTRATOR:
        store.log_action("administer-accounts-refused", admin.name,
                         reason=f"signed in as {admin.role}, not study administrator")
        raise NotPermitted(f"{admin.name} is not the study administrator: only the study "
                           "administrator resets passwords, unlocks accounts and sets the "
                           "lockout")  # fmt: skip
    return admin
