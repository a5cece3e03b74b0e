"""Password change by the user and reset by the study administrator (21 CFR 11.300(b);
EU GMP Annex 11 section 12.1): the rules refuse with a clear message, the reset password must
be changed before anything else, every change and refusal is an audit record, and no password
or hash appears in the audit trail, its export or the project file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PREVIOUS_NOT_CHECKED

from reviewer_gui.review import (
    AuthenticationFailed,
    NotPermitted,
    PasswordChangeRequired,
    PasswordRejected,
    change_password,
    reset_password,
    sign_in,
)
from reviewer_gui.review.accounts import password_change_problem
from reviewer_gui.store import Store, open_store

from .accounts_kit import (
    NEW,
    TEMPORARY,
    audit,
    check,
    exported_trail,
    file_bytes,
    stored_hashes,
)
from .conftest import PASSWORDS, open_as, postgres_gap, store_as


def test_a_user_changes_their_password_and_signs_in_with_the_new_one(study: Path | str) -> None:
    with open_as(study, "alice") as session:
        session.change_password(PASSWORDS["alice"], NEW["alice"])
    with pytest.raises(AuthenticationFailed):
        sign_in(study, "alice", PASSWORDS["alice"])
    with sign_in(study, "alice", NEW["alice"]) as session:
        assert session.user == "alice"
    assert audit(study, "change-password") == [("change-password", "alice", "")]
    assert check(study).intact


@pytest.mark.parametrize(("new", "why"), [
    ("short-pass1", "a password needs at least 12 characters"),  # 11 characters
    ("alice-pass-1", "the new password must differ from the current and the previous "
                     "password"),
])  # fmt: skip
def test_the_rules_refuse_a_new_password_with_a_clear_message(
    study: Path | str, new: str, why: str
) -> None:
    with store_as(study, "alice") as store, pytest.raises(PasswordRejected, match=why):
        change_password(store, "alice", PASSWORDS["alice"], new)
    assert audit(study, "change-password-refused") == [("change-password-refused", "alice", why)]
    with sign_in(study, "alice", PASSWORDS["alice"]):  # unchanged
        pass


def test_twelve_characters_are_enough(study: Path | str) -> None:
    with store_as(study, "alice") as store:
        change_password(store, "alice", PASSWORDS["alice"], "exactly-12ch")
    with sign_in(study, "alice", "exactly-12ch"):
        pass


def test_a_password_equal_to_the_name_is_refused(study: Path | str) -> None:
    from reviewer_gui.review import Role, add_user

    with store_as(study, "ada") as store:
        add_user(store, "christopher.r", Role.READER, "christopher-pass", by=store.users()["ada"])
    with open_store(study, user="christopher.r", password="christopher-pass") as store, \
            pytest.raises(PasswordRejected, match="cannot be the user's name"):
        change_password(store, "christopher.r", "christopher-pass", "Christopher.R")


def test_the_password_before_the_current_one_is_refused_too(
    study: Path | str, request: pytest.FixtureRequest
) -> None:
    postgres_gap(request, study, PREVIOUS_NOT_CHECKED)
    with store_as(study, "alice") as store:
        change_password(store, "alice", PASSWORDS["alice"], NEW["alice"])
        with pytest.raises(PasswordRejected, match="previous password"):
            change_password(store, "alice", NEW["alice"], PASSWORDS["alice"])
        change_password(store, "alice", NEW["alice"], "a-third-passphrase")


def test_a_wrong_current_password_changes_nothing(study: Path | str) -> None:
    with store_as(study, "alice") as store, pytest.raises(AuthenticationFailed):
        change_password(store, "alice", "not-her-password", NEW["alice"])
    assert audit(study, "change-password-refused") == [
        ("change-password-refused", "alice", "wrong password")]
    with sign_in(study, "alice", PASSWORDS["alice"]):
        pass


def test_a_reset_password_must_be_changed_before_anything_else(
    study: Path | str, request: pytest.FixtureRequest
) -> None:
    postgres_gap(request, study, PREVIOUS_NOT_CHECKED)
    with store_as(study, "ada") as store:
        reset_password(store, "alice", TEMPORARY, by=store.users()["ada"])
        assert store.users()["alice"].must_change
    with pytest.raises(PasswordChangeRequired, match="reset your password"):
        sign_in(study, "alice", TEMPORARY)
    with open_store(study, user="alice", password=TEMPORARY) as store:
        with pytest.raises(PasswordRejected, match="previous password"):  # her old one
            change_password(store, "alice", TEMPORARY, PASSWORDS["alice"])
        change_password(store, "alice", TEMPORARY, NEW["alice"])
        assert not store.users()["alice"].must_change
    with sign_in(study, "alice", NEW["alice"]) as session:
        assert session.user == "alice"
    assert audit(study, "reset-password", "change-password", "sign-in-refused") == [
        ("reset-password", "ada", "to be changed at the next sign-in"),
        ("sign-in-refused", "alice",
         "password reset by the study administrator: to be changed first"),
        ("change-password", "alice", "the password the study administrator reset"),
    ]  # fmt: skip
    assert check(study).intact


def test_only_the_study_administrator_resets_and_never_their_own(study: Path | str) -> None:
    with store_as(study, "ada") as store:
        users = store.users()
        with pytest.raises(NotPermitted, match="not an active study administrator"):
            reset_password(store, "bob", TEMPORARY, by=users["carol"])
        with pytest.raises(NotPermitted, match="your own password"):
            reset_password(store, "ada", TEMPORARY, by=users["ada"])
        with pytest.raises(PasswordRejected, match="at least 12"):
            reset_password(store, "bob", "short-one", by=users["ada"])
        with pytest.raises(ValueError, match="no user 'dave'"):
            reset_password(store, "dave", TEMPORARY, by=users["ada"])
    assert audit(study, "reset-password-refused") == [
        ("reset-password-refused", "ada", "bob: a password needs at least 12 characters")]


def test_no_password_or_hash_in_the_trail_its_export_or_the_file(
    sqlite_study: Path | str, tmp_path: Path
) -> None:
    """The file's own bytes (on PostgreSQL: tests/postgres/test_policies.py)."""
    study = sqlite_study
    with Store.open(study) as store:
        change_password(store, "alice", PASSWORDS["alice"], NEW["alice"])
        with pytest.raises(PasswordRejected):
            change_password(store, "alice", NEW["alice"], "too-short")
        with pytest.raises(AuthenticationFailed):
            change_password(store, "bob", "bob-guess-12345", NEW["bob"])
        reset_password(store, "bob", TEMPORARY, by=store.users()["ada"])
    trail = exported_trail(study, tmp_path / "trail.csv")
    on_disk = file_bytes(study)
    secrets = [*PASSWORDS.values(), *NEW.values(), TEMPORARY, "too-short", "bob-guess-12345"]
    for secret in secrets:
        assert secret.encode() not in trail
        assert secret.encode() not in on_disk
    for stored in stored_hashes(study):
        assert stored.encode() not in trail
        assert stored.split("$")[-1].encode() not in trail  # not even the key part


@pytest.mark.parametrize(("current", "new", "repeat", "shown"), [
    ("", NEW["alice"], NEW["alice"], "Enter your current password."),
    (PASSWORDS["alice"], "", "", "Enter the new password."),
    (PASSWORDS["alice"], NEW["alice"], NEW["bob"], "The two new passwords differ"),
    ("wrong-one", NEW["alice"], NEW["alice"], "Wrong current password: not changed."),
    (PASSWORDS["alice"], "short", "short", "Not changed: a password needs at least 12"),
    (PASSWORDS["alice"], NEW["alice"], NEW["alice"], None),
])  # fmt: skip
def test_the_dialog_logic_says_what_is_wrong(
    study: Path | str, current: str, new: str, repeat: str, shown: str | None
) -> None:
    with open_as(study, "alice") as session:
        problem = password_change_problem(session.change_password, current, new, repeat)
    assert problem == shown if shown is None else (problem or "").startswith(shown)
    changed = audit(study, "change-password")
    assert changed == ([] if shown else [("change-password", "alice", "")])
