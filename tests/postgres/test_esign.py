"""The e-signature's password check on PostgreSQL (``store.postgres.esign``): the session's
own sign-in password is answered without a new sign-in while what the server's acceptance
rests on holds; anything else goes to the server, which refuses a wrong password, a locked
(NOLOGIN) or expired login and a password reset or changed through the app since."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from pg_server import PgDatabase

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, State
from reviewer_gui.review import sign_in
from reviewer_gui.review.accounts import change_password, reset_password
from reviewer_gui.review.identity import AuthenticationFailed
from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.postgres import store as pg

from .kit import CASE, PASSWORDS, PLANE, Backend, mm, project_with_case

RIGHT = PASSWORDS["alice"]


class SignIns:
    """The new sign-ins the store makes to check a password (its ``connect``, counted)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        connect = pg.connect

        def counted(*args: Any, **kwargs: Any) -> psycopg.Connection[Any]:
            self.count += 1
            return connect(*args, **kwargs)

        monkeypatch.setattr(pg, "connect", counted)


@pytest.fixture
def project(pg_database: PgDatabase) -> Backend:
    return project_with_case(pg_database)


@pytest.fixture
def alice(project: Backend) -> Iterator[PostgresStore]:
    with project.open("alice") as store:
        assert isinstance(store, PostgresStore)
        yield store


def _as_server_admin(pg_database: PgDatabase, sql: str) -> None:
    with psycopg.connect(pg_database.url, autocommit=True) as admin:
        admin.execute(sql)  # type: ignore[arg-type]


def test_the_sign_in_password_is_answered_without_a_new_sign_in(
    alice: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_ins = SignIns(monkeypatch)
    assert alice.server_checks_password("alice", RIGHT) is True
    assert sign_ins.count == 0
    assert alice.server_checks_password("alice", RIGHT + " ") is False  # the server's answer
    assert alice.server_checks_password("alice", "") is False
    assert alice.server_checks_password("bob", PASSWORDS["bob"]) is True  # another's: asked
    assert sign_ins.count == 3


@pytest.mark.parametrize("change", ["NOLOGIN", "VALID UNTIL '2001-01-01'"])
def test_a_locked_or_expired_login_is_refused_with_its_right_password(
    alice: PostgresStore, pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    sign_ins = SignIns(monkeypatch)
    _as_server_admin(pg_database, f"ALTER ROLE alice {change}")
    assert alice.server_checks_password("alice", RIGHT) is False
    assert sign_ins.count == 1  # refused by the server itself
    _as_server_admin(pg_database, "ALTER ROLE alice LOGIN VALID UNTIL 'infinity'")
    assert alice.server_checks_password("alice", RIGHT) is True


def test_a_password_reset_or_changed_through_the_app_is_asked_of_the_server(
    project: Backend, alice: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with project.open("ada") as ada:
        reset_password(ada, "alice", "temporary-password-7", by=ada.users()["ada"])
    sign_ins = SignIns(monkeypatch)
    assert alice.server_checks_password("alice", RIGHT) is False
    assert alice.server_checks_password("alice", "temporary-password-7") is True
    assert sign_ins.count == 2
    with pytest.raises(AuthenticationFailed):
        change_password(alice, "alice", RIGHT, "alice-password-new-1")
    change_password(alice, "alice", "temporary-password-7", "alice-password-new-1")
    assert alice.server_checks_password("alice", "temporary-password-7") is False
    assert alice.server_checks_password("alice", "alice-password-new-1") is True


def test_an_e_signature_signs_with_the_password_and_refuses_a_wrong_one(
    project: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sign_in(project.location, "alice", RIGHT, engine=RecistEngine()) as session:
        session.add_lesion(CASE, Category.TARGET, "liver")
        session.add_lesion(CASE, Category.NON_TARGET, "bone")
        session.measure(CASE, "BASELINE", "T1", mm(20), PLANE)
        session.set_state(CASE, "BASELINE", "NT1", State.PRESENT)
        sign_ins = SignIns(monkeypatch)
        with pytest.raises(AuthenticationFailed):
            session.sign(CASE, "BASELINE", name="alice", password="guess", meaning="Read")
        session.sign(CASE, "BASELINE", name="alice", password=RIGHT, meaning="Read")
        assert sign_ins.count == 1  # the wrong one only
    with project.open("ada") as ada:
        actions = [r["action"] for r in ada.database.rows(
            "SELECT action FROM audit_record WHERE actor = 'alice' ORDER BY seq")]  # fmt: skip
    assert actions[-4:] == ["sign-refused", "failed-attempts-reset", "sign-timepoint", "sign-out"]
