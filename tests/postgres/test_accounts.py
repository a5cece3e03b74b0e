"""Accounts of a PostgreSQL project are the server's: a password change is the user's own
ALTER ROLE, a reset the administrator's, and a lockout makes the login NOLOGIN until the
administrator unlocks it; every step is in the chain."""

from __future__ import annotations

import io

import psycopg
import pytest
from pg_server import PgDatabase

from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category
from reviewer_gui.review import AccountLocked, AuthenticationFailed, PasswordChangeRequired, sign_in
from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.verify import verify

from .kit import CASE, PASSWORDS, PLANE, Backend, add_case, mm


def run(monkeypatch: pytest.MonkeyPatch, *argv: object, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([str(a) for a in argv])


@pytest.fixture
def study(pg_database: PgDatabase) -> str:
    backend = Backend("postgres", pg_database.location, pg_database.url)
    backend.create()
    add_case(backend)
    return pg_database.location


def _intact(study: str) -> list[str]:
    with PostgresStore.open(study, user="ada", password=PASSWORDS["ada"]) as ada:
        assert verify(ada.database).problems == ()
        return [r[0] for r in ada.database.execute("SELECT action FROM audit_record ORDER BY seq")]


def test_a_user_changes_their_own_password_on_the_server(
    study: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = "a-new-long-password-1"
    assert run(monkeypatch, "users", "passwd", study, "--user", "alice", "--password-stdin",
               stdin=f"{PASSWORDS['alice']}\n{PASSWORDS['alice']}\n") == 2  # the same one
    assert run(monkeypatch, "users", "passwd", study, "--user", "alice", "--password-stdin",
               stdin=f"{PASSWORDS['alice']}\n{new}\n") == 0  # fmt: skip
    with pytest.raises(AuthenticationFailed):
        sign_in(study, "alice", PASSWORDS["alice"])
    with sign_in(study, "alice", new) as alice:
        assert alice.user == "alice"
    assert "change-password" in _intact(study)


def test_a_reset_password_must_be_changed_first(
    study: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary, own = "temporary-password-1", "bobs-own-password-2"
    assert run(monkeypatch, "users", "reset", study, "bob", "--admin", "ada",
               "--password-stdin", stdin=f"{PASSWORDS['ada']}\n{temporary}\n") == 0
    with pytest.raises(PasswordChangeRequired):
        sign_in(study, "bob", temporary)
    assert run(monkeypatch, "users", "passwd", study, "--user", "bob", "--password-stdin",
               stdin=f"{temporary}\n{own}\n") == 0  # fmt: skip
    with sign_in(study, "bob", own) as bob:
        assert bob.user == "bob"
    actions = _intact(study)
    assert actions.index("reset-password") < actions.index("change-password")


def test_wrong_e_signature_passwords_lock_the_login_until_the_administrator_unlocks_it(
    study: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = f"{PASSWORDS['ada']}\n"
    assert run(monkeypatch, "users", "lockout", study, "--admin", "ada", "--attempts", "2",
               "--password-stdin", stdin=ada) == 0  # fmt: skip
    with sign_in(study, "alice", PASSWORDS["alice"], engine=RecistEngine()) as alice:
        alice.add_lesion(CASE, Category.TARGET, "liver")
        alice.measure(CASE, "BASELINE", "T1", mm(25), PLANE)
        with pytest.raises(AuthenticationFailed):
            alice.sign(CASE, "BASELINE", name="alice", password="wrong-1", meaning="Read")
        with pytest.raises(AccountLocked):
            alice.sign(CASE, "BASELINE", name="alice", password="wrong-2", meaning="Read")
    with pytest.raises(AccountLocked, match="alice's account is locked after repeated wrong"):
        sign_in(study, "alice", PASSWORDS["alice"])
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(study, user="alice", password=PASSWORDS["alice"])  # psql neither
    assert run(monkeypatch, "users", "unlock", study, "alice", "--admin", "ada",
               "--password-stdin", stdin=ada) == 0  # fmt: skip
    with sign_in(study, "alice", PASSWORDS["alice"]) as alice:
        assert alice.read(CASE).lesions
    actions = _intact(study)
    assert actions.count("sign-refused") == 2 and "unlock-account" in actions


def test_the_account_functions_serve_only_whom_they_should(study: str) -> None:
    with psycopg.connect(study, user="bob", password=PASSWORDS["bob"], autocommit=True) as bob:
        for sql in ("SELECT recist.set_login('alice', false)",
                    "SELECT recist.set_login('bob', true)",
                    "SELECT recist.reset_login('alice', 'SCRAM-SHA-256$4096:x')",
                    "INSERT INTO recist.app_user VALUES (99999, 'bob', 'administrator', "
                    "'postgresql:scram-sha-256', 1, 0)",
                    "INSERT INTO recist.app_user VALUES (99999, 'alice', 'reader', "
                    "'postgresql:scram-sha-256', 1, 0)"):  # fmt: skip
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bob.execute(sql)  # type: ignore[call-overload]
    with psycopg.connect(study, user="ada", password=PASSWORDS["ada"], autocommit=True) as ada:
        for sql in ("SELECT recist.set_login('postgres', false)",
                    "SELECT recist.reset_login('postgres', 'SCRAM-SHA-256$4096:x')",
                    "SELECT recist.reset_login('ada', 'SCRAM-SHA-256$4096:x')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                ada.execute(sql)  # type: ignore[call-overload]


def test_the_sign_in_gate_records_a_refusal_and_nothing_else(study: str) -> None:
    """The gate's password is public: it may connect and call recist.sign_in_refused, which
    decides what is recorded; no row of the project, no other function."""
    from reviewer_gui.store.postgres.signin import GATE, GATE_PASSWORD, record_refusal

    with psycopg.connect(study, user=GATE, password=GATE_PASSWORD, autocommit=True) as gate:
        for sql in ("SELECT * FROM recist.audit_record", "SELECT * FROM recist.lesion_version",
                    "SELECT * FROM recist.app_user", "SELECT * FROM recist.account_event",
                    "SELECT recist.chain_lock()", "SELECT recist.lock_audit_chain()",
                    "SELECT recist.chain_append('alice', 'sign', NULL, NULL, NULL, NULL, NULL, "
                    "'', '{}', '{}')",
                    "SELECT recist.append_audit('alice', 'sign', '', NULL, NULL, NULL, NULL, "
                    "NULL, '', '{}', '{}')",
                    "SELECT recist.set_login('alice', false)",
                    "INSERT INTO recist.account_event VALUES (999, 'alice', 'failed', 9, 1)",
                    "CREATE TABLE recist.x (a int)", "CREATE TEMP TABLE x (a int)"):  # fmt: skip
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                gate.execute(sql)  # type: ignore[call-overload]
    assert [record_refusal(study, "alice") for _ in range(4)] == ["failed"] * 4
    assert record_refusal(study, "alice") == "locked"  # the fifth: the default threshold
    assert record_refusal(study, "alice") == "locked"  # counted no more
    assert record_refusal(study, "nobody") == "unknown"
    with pytest.raises(AccountLocked):
        sign_in(study, "alice", PASSWORDS["alice"])
    actions = _intact(study)  # the chain verifies with the gate's records in it
    assert actions.count("sign-in-refused") == 8  # 6 alice, 1 unknown, 1 by the sign-in
