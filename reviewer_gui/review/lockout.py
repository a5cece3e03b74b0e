"""Account lockout after consecutive failed password checks (21 CFR 11.300(d): safeguards
against unauthorised use of passwords, attempts recorded; EU GMP Annex 11 section 12.1).

Every failed password check of an existing, active account (at sign-in, at an e-signature, at a
password change) is an ``account_event`` row with the consecutive failures after it; the one
that reaches the project's threshold (:func:`lockout_attempts`, default
:data:`DEFAULT_ATTEMPTS`, set by the study administrator) locks the account, in the same
audited transaction. The first correct password after failures is a ``succeeded`` row that
resets the count (any correct password check: the failures are no longer consecutive). A
locked account is refused before its password is checked (a guess is never confirmed), until
the study administrator unlocks it (:func:`reviewer_gui.review.accounts.unlock`). The state is
the latest row, so it survives restarts; rows cannot be deleted (triggers), and a row edited
behind the application's back breaks the audit chain.
"""

from __future__ import annotations

from reviewer_gui.review.identity import Role
from reviewer_gui.store import AccountEvent, ProjectStore, is_postgres_url

DEFAULT_ATTEMPTS = 5
#: The ``account_setting`` name of the threshold.
ATTEMPTS_SETTING = "lockout_attempts"


def lockout_attempts(store: ProjectStore) -> int:
    """Consecutive failed password checks that lock an account in this project."""
    value = store.account_setting(ATTEMPTS_SETTING)
    return value if isinstance(value, int) and value > 0 else DEFAULT_ATTEMPTS


def locked_message(store: ProjectStore, name: str) -> str:
    """Why a locked account is refused, and who can unlock it (on PostgreSQL a reader sees
    no other user: the study administrator, unnamed)."""
    if is_postgres_url(store.location):
        return server_locked_message(name)
    admins = [user.name for user in store.users().values()
              if user.role == Role.ADMINISTRATOR and user.active and user.name != name]
    who = (f"the study administrator ({', '.join(admins)})" if admins else
           "a study administrator (the project has no other active one)")
    return (f"{name}'s account is locked after repeated wrong passwords: {who} can unlock it "
            f"(recist-review users unlock PROJECT.db {name} --admin NAME)")


def server_locked_message(name: str) -> str:
    """:func:`locked_message` on a PostgreSQL project."""
    return (f"{name}'s account is locked after repeated wrong passwords: the study "
            f"administrator can unlock it (recist-review users unlock URL {name} --admin NAME)")


def record_failure(
    store: ProjectStore,
    name: str,
    action: str,
    *,
    case_id: str | None = None,
    reader: str | None = None,
    timepoint: str | None = None,
) -> AccountEvent:
    """Record a wrong password for the account ``name`` (``{action}-refused``); returns the
    account's new state (locked when the failures reach the threshold)."""
    attempts = lockout_attempts(store)
    failures = store.account_state(name).failures + 1
    event = AccountEvent(name, "failed", failures, failures >= attempts)
    reason = "wrong password" + (f"; account locked after {failures} consecutive failed "
                                 "password checks" if event.locked else "")  # fmt: skip
    store.record_account(f"{action}-refused", name, event=event, reason=reason,
                         case_id=case_id, reader=reader, timepoint=timepoint)  # fmt: skip
    return event


def record_success(
    store: ProjectStore, name: str, action: str, *, before: AccountEvent | None = None
) -> None:
    """A correct password: resets the count of consecutive failures (recorded only when
    there were any). ``before``: the account's state read just before its password was
    checked (:func:`reviewer_gui.review.users.authenticate`); when it shows no failure and no
    lock it is not read again, as there is nothing to reset (a failure another session
    records meanwhile stays counted). Otherwise the state is read again here, so that a lock
    recorded meanwhile is never overwritten by a reset."""
    clean = before is not None and not before.failures and not before.locked
    state = before if clean and before is not None else store.account_state(name)
    if state.failures and not state.locked:
        store.record_account("failed-attempts-reset", name,
                             event=AccountEvent(name, "succeeded", 0, False),
                             reason=f"correct password at {action} after {state.failures} "
                             "failed password check(s)")  # fmt: skip
