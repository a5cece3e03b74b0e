"""The e-signature's password check on a PostgreSQL project, without a new sign-in each time.

21 CFR 11.200(a)(1)(i): a signing after the first in one continuous session is made with at
least the password. On a PostgreSQL project the server holds the passwords, so the check was a
new sign-in as the signer (a server process started, SCRAM-SHA-256 on both sides): several
milliseconds of CPU per signature, and the slowest of a reader's actions. The server checked
that same password when the session signed in, and keeps nothing a client may read to check
it again; so the session compares the password given with the one the server accepted at its
sign-in (kept in memory anyway, to reconnect), in constant time, and asks the server, in one
short query (:data:`STANDING`), whether what that acceptance rests on still holds:

- the login may still sign in: not locked (``NOLOGIN``: the lockout, or an administrator),
  its password not expired (``VALID UNTIL``), still allowed to connect to the database;
- the user's latest version (``app_user``) is the one the session signed in with: no password
  changed, reset, nor account deactivated through the app since.

Anything else, and any password other than the sign-in's, goes to the server as before (a new
sign-in): a wrong password is always refused by the server, a locked account always refused.
What this check cannot see is what the app never sees: a password changed outside the app
during the session (``ALTER ROLE`` in psql, which the README's threat model already lists as
neither checked nor recorded) or a ``pg_hba.conf`` edit. Then the session, which the server
leaves open anyway, still signs with the password it signed in with; the next sign-in needs
the new one. The check stays on the client, as it was: a reader's own psql session can add a
signature without any password (README, "what the server checks").
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

#: Whether the signed-in login may sign in now, and its latest user version.
STANDING = """
    SELECT r.rolcanlogin AND coalesce(r.rolvaliduntil > now(), true)
           AND has_database_privilege(session_user, current_database(), 'CONNECT')
           AS may_sign_in,
           (SELECT max(u.audit_seq) FROM recist.app_user u WHERE u.name = session_user)
           AS version
    FROM pg_roles r WHERE r.rolname = session_user"""


@dataclass(frozen=True, slots=True)
class Standing:
    """What a sign-in of the session's user rests on: ``may_sign_in`` now, and the user's
    latest version (``None``: none recorded)."""

    may_sign_in: bool
    version: int | None

    @classmethod
    def read(cls, query: Any) -> Standing:
        """From :data:`STANDING`, run by ``query`` (rows indexable by column name)."""
        found = query(STANDING)
        if not found:
            return cls(False, None)
        may, version = found[0]["may_sign_in"], found[0]["version"]
        return cls(bool(may), None if version is None else int(version))


def same_password(given: str, accepted: str | None) -> bool:
    """Whether ``given`` is the password the server accepted (constant time)."""
    if accepted is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), accepted.encode("utf-8"))


def still_accepted(given: str, accepted: str | None, at_sign_in: Standing, now: Standing) -> bool:
    """Whether the server's acceptance of the session's password at sign-in answers for
    ``given`` now (else the server is asked again, by a new sign-in)."""
    return (same_password(given, accepted) and now.may_sign_in
            and now.version == at_sign_in.version)  # fmt: skip
