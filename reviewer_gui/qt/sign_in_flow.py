"""What the sign-in dialogs (reviewer and adjudicator) do with a name and password.

A wrong name or password keeps the dialog open with a message that does not say which was
wrong; a locked account says so and who can unlock it (``reviewer_gui.review.lockout``); a
password the study administrator reset opens :class:`~.dialogs.ChangePasswordDialog` over the
sign-in (the password just entered as the current one) and, once changed, signs in with the
new one. Every attempt, refusal and change is an audit record of the review layer's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PyQt6.QtWidgets import QDialog

from reviewer_gui.review.accounts import change_password, password_change_problem
from reviewer_gui.review.identity import (
    AccountLocked,
    AuthenticationFailed,
    NotPermitted,
    PasswordChangeRequired,
)
from reviewer_gui.store import StoreError, is_postgres_url, open_store

from .dialogs import ChangePasswordDialog

W = TypeVar("W")

WRONG = ("Wrong name or password: not signed in. (Every attempt is recorded in the project's "
         "audit trail; repeated wrong passwords lock the account.)")  # fmt: skip
#: On PostgreSQL the server refuses before any connection: only its log has the attempt.
WRONG_ON_SERVER = "Wrong name or password: not signed in."


def sign_in_submit(
    path: Path | str,
    open_window: Callable[[str, str], W],
    done: Callable[[W], None],
    dialog: Callable[[], QDialog | None],
) -> Callable[[str, str], str | None]:
    """The ``submit`` of a sign-in dialog: ``open_window(name, password)`` signs in and builds
    the window, ``done`` gets it; ``dialog()`` is the sign-in dialog (the parent of a forced
    password change, accepted once the change signed in)."""

    def submit(name: str, password: str) -> str | None:
        if not name:
            return "Enter your name."
        try:
            window = open_window(name, password)
        except AccountLocked as locked:
            return f"Not signed in: {locked}."
        except PasswordChangeRequired:
            forced_change(path, name, password, open_window, done, dialog())
            return "The study administrator reset your password: choose a new one first."
        except AuthenticationFailed:
            return WRONG_ON_SERVER if is_postgres_url(path) else WRONG
        except (NotPermitted, StoreError) as refused:
            return str(refused)
        done(window)
        return None

    return submit


def forced_change(
    path: Path | str,
    name: str,
    password: str,
    open_window: Callable[[str, str], W],
    done: Callable[[W], None],
    sign_in: QDialog | None,
) -> ChangePasswordDialog:
    """The change of a reset password, opened over the sign-in dialog; once changed, signs
    in with the new password and accepts the sign-in dialog."""
    chosen: list[str] = []

    def change(current: str, new: str) -> None:
        with open_store(path, user=name, password=current, create=False) as store:
            change_password(store, name, current, new)
        chosen.append(new)

    def changed() -> None:
        window = open_window(name, chosen[-1])
        done(window)
        if sign_in is not None:
            sign_in.accept()

    dialog = ChangePasswordDialog(
        name, lambda current, new, repeat: password_change_problem(change, current, new, repeat),
        forced=True, current=password, parent=sign_in)  # fmt: skip
    dialog.accepted.connect(changed)
    dialog.open()
    return dialog
