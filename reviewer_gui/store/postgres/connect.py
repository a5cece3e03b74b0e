"""Connecting to a PostgreSQL project: the URL, the sign-in, and one-line errors.

A project location is ``postgresql://HOST:PORT/DBNAME`` (``postgres://`` too). The app connects
as the signed-in user (name and password given apart from the URL); the first administrator's
``users add`` connects with the URL's own credentials (in the URL, or libpq's ``PGUSER``,
``PGPASSWORD``, ``~/.pgpass``). Every failure to connect becomes a :class:`StoreError` whose
message names the fix: a server that does not answer, a database that does not exist, a wrong
name or password, an account that may not log in. The password is never part of a message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import psycopg

from reviewer_gui.store.base import StoreError, is_postgres_url

__all__ = ["SignInRefused", "connect", "database_name", "display", "explain",
           "is_postgres_url", "scram_matches", "scram_verifier"]  # fmt: skip


class SignInRefused(StoreError):
    """The server refused the name and password, or the account may not sign in."""

CONNECT_TIMEOUT_S = 10


def display(url: str) -> str:
    """The URL without credentials or options: what messages and records show."""
    parts = urlsplit(url)
    address = parts.netloc.rpartition("@")[2] or "localhost"
    return f"postgresql://{address}{parts.path or '/'}"


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise StoreError(f"{display(url)}: the URL names no database (postgresql://HOST:PORT/"
                         "DBNAME)")  # fmt: skip
    return name


def connect(
    url: str, user: str | None = None, password: str | None = None
) -> psycopg.Connection[Any]:
    """An autocommit connection as ``user`` (or as the URL's own credentials)."""
    where = display(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as error:
        raise StoreError(f"{url!r}: not a PostgreSQL URL ({error}); write "
                         "postgresql://HOST:PORT/DBNAME") from error  # fmt: skip
    database_name(url)
    options: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S, "autocommit": True,
                               "application_name": "recist-review"}  # fmt: skip
    if user is not None:
        options["user"] = user
        options["password"] = password or ""
    try:
        return psycopg.connect(url, **options)
    except psycopg.OperationalError as error:
        message = explain(where, user, error)
        refused = "wrong name or password" in message or "may not sign in" in message
        raise (SignInRefused if refused else StoreError)(message) from None
    except psycopg.ProgrammingError as error:  # an invalid URL or option
        raise StoreError(f"{where}: not a usable PostgreSQL URL ({_first_line(error)}); write "
                         "postgresql://HOST:PORT/DBNAME") from None  # fmt: skip


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    for line in text.splitlines():
        if "FATAL:" in line:
            return line.split("FATAL:", 1)[1].strip()
    return text.splitlines()[-1].strip() if text else type(error).__name__


def explain(where: str, user: str | None, error: BaseException) -> str:
    """One line naming what is wrong and the fix (never a password)."""
    text = str(error)
    who = user or "the URL's user"
    if "password authentication failed" in text or "no password supplied" in text:
        return f"{where}: wrong name or password for {who}"
    if "is not permitted to log in" in text:
        return (f"{where}: the account {who} may not sign in (locked or deactivated): ask the "
                "study administrator")  # fmt: skip
    if "database" in text and "does not exist" in text:
        return (f"{where}: no such database on the server: create it first (createdb), or "
                "check the URL")  # fmt: skip
    if "permission denied for database" in text or "no pg_hba.conf entry" in text:
        return (f"{where}: {who} is not a user of this reading project (or the server's "
                "pg_hba.conf does not let them in): ask the study administrator")  # fmt: skip
    if "Connection refused" in text or "could not connect" in text or "timeout" in text \
            or "could not translate host name" in text or "No route to host" in text:
        return (f"{where}: no PostgreSQL server answers there: start it, or check the host "
                "and port in the URL")  # fmt: skip
    return f"{where}: cannot connect ({_first_line(error)})"


def _saslprep(password: str) -> str:
    """RFC 4013 SASLprep as PostgreSQL applies it (non-ASCII spaces to space, mapped-to-
    nothing characters removed, NFKC); ASCII passwords are unchanged."""
    if password.isascii():
        return password
    mapped = "".join(" " if unicodedata.category(c) == "Zs" else c for c in password
                     if c not in "\u00ad\u034f\u1806\u180b\u180c\u180d\u200b\u200c\u200d"
                     "\u2060\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09"
                     "\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f\ufeff")  # fmt: skip
    return unicodedata.normalize("NFKC", mapped)


def _keys(password: str, salt: bytes, iterations: int) -> tuple[bytes, bytes]:
    """SCRAM-SHA-256's StoredKey and ServerKey of ``password`` (RFC 5802 section 3)."""
    salted = hashlib.pbkdf2_hmac("sha256", _saslprep(password).encode("utf-8"), salt,
                                 iterations)  # fmt: skip
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    return hashlib.sha256(client_key).digest(), server_key


def scram_verifier(password: str, *, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802 / 7677), made
    on the client so that the password itself never reaches the server (a fresh salt each
    call)."""
    salt = os.urandom(16)
    stored_key, server_key = _keys(password, salt, iterations)

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def scram_matches(password: str, verifier: str) -> bool:
    """Whether ``verifier`` (as :func:`scram_verifier` makes it) is ``password``'s; ``False``
    for anything that is not such a verifier."""
    try:
        method, rest = verifier.split("$", 1)
        parameters, keys = rest.split("$", 1)
        iterations, salt = parameters.split(":", 1)
        stored, server = keys.split(":", 1)
        if method != "SCRAM-SHA-256" or not 1 <= int(iterations) <= 10_000_000:
            return False
        expected = (base64.b64decode(stored, validate=True),
                    base64.b64decode(server, validate=True))  # fmt: skip
        actual = _keys(password, base64.b64decode(salt, validate=True), int(iterations))
    except ValueError:  # binascii.Error is a ValueError
        return False
    return hmac.compare_digest(actual[0], expected[0]) and hmac.compare_digest(actual[1],
                                                                               expected[1])
