"""Who may do what in a blinded independent central review (domain brief, BICR section):
readers read (each only their own read), adjudicators compare two readers' reads, the study
administrator manages subjects, timepoints and users. Errors are ``PermissionError``s."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    READER = "reader"
    ADJUDICATOR = "adjudicator"
    ADMINISTRATOR = "administrator"


class AuthenticationFailed(PermissionError):
    """A name and password that do not sign in (or sign); never says which one was wrong."""


class NotPermitted(PermissionError):
    """An action the signed-in user's role or identity does not allow (another reader's read,
    a reader adding a subject...)."""


class AccountLocked(AuthenticationFailed):
    """A locked account (too many consecutive failed password checks): refused until the
    study administrator unlocks it; the message names who can."""


class PasswordChangeRequired(AuthenticationFailed):
    """The right password, but one the study administrator reset: the user changes it
    (``recist-review users passwd`` or the app's dialog) before anything else."""
