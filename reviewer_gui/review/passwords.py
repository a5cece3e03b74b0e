"""Salted password hashes (scrypt, RFC 7914, from the standard library): never stored in
clear. 21 CFR Part 11 section 11.300: identification codes and passwords "periodically checked"
and protected against unauthorised use; here each password gets its own random salt and a
memory-hard hash, compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

#: scrypt cost: N = 2**14, r = 8, p = 1 (16 MiB, tens of milliseconds), 32-byte key.
N, R, P, LENGTH = 2**14, 8, 1, 32
#: Every new password (a new user's, a change, a reset): at least 12 characters (NIST SP
#: 800-63B section 5.1.1.2 asks at least 8; 12 is the study's rule). Passwords set earlier
#: under the old minimum of 8 still sign in, and must meet it when next changed.
MIN_LENGTH = 12
CHANGED_MIN_LENGTH = MIN_LENGTH


class PasswordRejected(ValueError):
    """A new password that does not meet the rules (the message says which)."""


def check_new_password(password: str, name: str, *, minimum: int = MIN_LENGTH) -> None:
    """A new password: at least ``minimum`` characters, and not the user's name."""
    if len(password) < minimum:
        raise PasswordRejected(f"a password needs at least {minimum} characters")
    if password.strip().casefold() == name.strip().casefold():
        raise PasswordRejected("a password cannot be the user's name")


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64), with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=LENGTH)
    encode = base64.b64encode
    return f"scrypt${N}${R}${P}${encode(salt).decode()}${encode(key).decode()}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time compare)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key, validate=True)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))  # fmt: skip
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)
