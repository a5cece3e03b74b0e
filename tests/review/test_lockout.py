"""Account lockout (21 CFR 11.300(d); EU GMP Annex 11 section 12.1): after N consecutive
failed password checks (sign-in, e-signature, password change; default 5, set by the study
administrator) the account is locked, survives reopening the project, refuses sign-in and
signing with a message naming who unlocks it, until the study administrator unlocks it; a
correct password resets the count. The state is the append-only ``account_event`` rows: a
count edited in the file breaks the audit chain, and an older (schema 2) project still opens
and verifies."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from reviewer_gui.reading import Category
from reviewer_gui.review import (
    AccountLocked,
    AuthenticationFailed,
    NotPermitted,
    reset_password,
    set_lockout_attempts,
    sign_in,
    unlock,
)
from reviewer_gui.review.lockout import DEFAULT_ATTEMPTS
from reviewer_gui.store import SCHEMA_VERSION

from .accounts_kit import TEMPORARY, audit, check, events
from .conftest import PASSWORDS, open_as, store_as
from .kit import CASE, PLANE, mm

LOCKED = r"alice's account is locked after repeated wrong passwords: the study administrator " \
    r"\(ada\) can unlock it \(recist-review users unlock PROJECT.db alice --admin NAME\)"
#: On a server the refused user sees no other user: the administrator is not named.
LOCKED_ON_SERVER = r"alice's account is locked after repeated wrong passwords: the study " \
    r"administrator can unlock it \(recist-review users unlock URL alice --admin NAME\)"


def locked(study: Path | str) -> str:
    return LOCKED if isinstance(study, Path) else LOCKED_ON_SERVER
SCHEMA_2 = Path(__file__).resolve().parent / "data" / "schema2.db"


def fail_sign_in(path: Path | str, name: str = "alice", times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            sign_in(path, name, "a-wrong-guess")


def test_the_account_locks_after_five_failures_across_reopening(
    study: Path | str, request: pytest.FixtureRequest
) -> None:
    for attempt in range(1, DEFAULT_ATTEMPTS):
        fail_sign_in(study)  # each attempt opens the project anew
        assert events(study, "alice")[-1] == ("failed", attempt, 0)
    with pytest.raises(AccountLocked, match=locked(study)):
        sign_in(study, "alice", "a-wrong-guess")
    assert events(study, "alice")[-1] == ("failed", DEFAULT_ATTEMPTS, 1)
    with pytest.raises(AccountLocked, match=locked(study)):  # the right password too
        sign_in(study, "alice", PASSWORDS["alice"])
    refused = audit(study, "sign-in-refused")
    assert refused[:4] == [("sign-in-refused", "alice", "wrong password")] * 4
    assert refused[4:] == [
        ("sign-in-refused", "alice",
         "wrong password; account locked after 5 consecutive failed password checks"),
        ("sign-in-refused", "alice", "account locked")]  # fmt: skip
    assert len(events(study, "alice")) == DEFAULT_ATTEMPTS  # a locked refusal counts nothing
    with open_as(study, "bob"):  # other accounts are not affected
        pass
    assert check(study).intact


def test_the_administrator_unlocks_and_the_count_restarts(
    study: Path | str, request: pytest.FixtureRequest
) -> None:
    fail_sign_in(study, times=DEFAULT_ATTEMPTS)
    with store_as(study, "ada") as store:
        with pytest.raises(NotPermitted, match="only one unlocks"):
            unlock(store, "alice", by=store.users()["carol"])
        unlock(store, "alice", by=store.users()["ada"], reason="phoned; identity checked")
        with pytest.raises(ValueError, match="not locked"):
            unlock(store, "alice", by=store.users()["ada"])
    assert events(study, "alice")[-1] == ("unlocked", 0, 0)
    assert audit(study, "unlock-account") == [
        ("unlock-account", "ada", "phoned; identity checked")]
    fail_sign_in(study, times=DEFAULT_ATTEMPTS - 1)  # four again: not locked
    with open_as(study, "alice"):
        pass
    assert check(study).intact


def test_a_successful_sign_in_resets_the_count(
    study: Path | str, request: pytest.FixtureRequest
) -> None:
    fail_sign_in(study, times=DEFAULT_ATTEMPTS - 1)
    with open_as(study, "alice"):
        pass
    assert events(study, "alice")[-1] == ("succeeded", 0, 0)
    assert audit(study, "failed-attempts-reset") == [
        ("failed-attempts-reset", "alice",
         "correct password at sign-in after 4 failed password check(s)")]  # fmt: skip
    fail_sign_in(study, times=DEFAULT_ATTEMPTS - 1)
    with open_as(study, "alice"):  # still not locked: the failures were not consecutive
        pass
    with open_as(study, "alice"):  # no failure since: nothing to reset, nothing recorded
        pass
    assert len(audit(study, "failed-attempts-reset")) == 2


def test_failed_e_signatures_count_and_lock_signing(
    study: Path | str, request: pytest.FixtureRequest
) -> None:
    fail_sign_in(study, times=2)
    with open_as(study, "alice") as session:  # resets the two failures
        session.add_lesion(CASE, Category.TARGET, "liver")
        session.measure(CASE, "BASELINE", "T1", mm(30), PLANE)
        for _ in range(DEFAULT_ATTEMPTS - 1):
            with pytest.raises(AuthenticationFailed):
                session.sign(CASE, "BASELINE", name="alice", password="a-wrong-guess",
                             meaning="Reviewed and approved as read")  # fmt: skip
        with pytest.raises(AccountLocked, match=locked(study)):
            session.sign(CASE, "BASELINE", name="alice", password="a-wrong-guess",
                         meaning="Reviewed and approved as read")  # fmt: skip
        with pytest.raises(AccountLocked, match=locked(study)):  # the right one is refused too
            session.sign(CASE, "BASELINE", name="alice", password=PASSWORDS["alice"],
                         meaning="Reviewed and approved as read")  # fmt: skip
        assert "BASELINE" not in session.read(CASE).signatures
    refused = [reason for _, _, reason in audit(study, "sign-refused")]
    assert refused == ["wrong password"] * 4 + [
        "wrong password; account locked after 5 consecutive failed password checks",
        "account locked"]  # fmt: skip
    with pytest.raises(AccountLocked):
        sign_in(study, "alice", PASSWORDS["alice"])


def test_the_threshold_is_a_project_setting(
    study: Path | str, request: pytest.FixtureRequest
) -> None:
    with store_as(study, "ada") as store:
        ada = store.users()["ada"]
        with pytest.raises(ValueError, match="give 1 to 20"):
            set_lockout_attempts(store, 0, by=ada)
        with pytest.raises(NotPermitted):
            set_lockout_attempts(store, 3, by=store.users()["alice"])
        assert set_lockout_attempts(store, 3, by=ada) == DEFAULT_ATTEMPTS
    fail_sign_in(study, times=2)
    with pytest.raises(AccountLocked):
        sign_in(study, "alice", "a-wrong-guess")
    assert audit(study, "lockout-settings") == [
        ("lockout-settings", "ada", "lockout after 5 -> 3 consecutive failed password checks")]


def test_a_reset_unlocks_and_forces_a_change(
    study: Path | str, request: pytest.FixtureRequest
) -> None:
    fail_sign_in(study, times=DEFAULT_ATTEMPTS)
    with store_as(study, "ada") as store:
        reset_password(store, "alice", TEMPORARY, by=store.users()["ada"])
    assert events(study, "alice")[-1] == ("unlocked", 0, 0)
    assert audit(study, "reset-password") == [
        ("reset-password", "ada", "to be changed at the next sign-in; account unlocked")]


def test_unknown_names_lock_nothing(
    study: Path | str, request: pytest.FixtureRequest
) -> None:
    fail_sign_in(study, name="mallory", times=DEFAULT_ATTEMPTS + 1)
    assert events(study, "mallory") == []
    assert {reason for *_, reason in audit(study, "sign-in-refused")} == {"no such user"}


def test_editing_the_failure_count_in_the_file_is_detected(sqlite_study: Path) -> None:
    study = sqlite_study  # the file edited behind the application's back
    fail_sign_in(study, times=DEFAULT_ATTEMPTS)
    db = sqlite3.connect(study)
    with db:
        db.execute("DROP TRIGGER account_event_no_update")
        db.execute("UPDATE account_event SET failures = 0, locked = 0 WHERE name = 'alice'")
    db.close()
    report = check(study)
    assert not report.intact
    seqs = [seq for seq, in sqlite3.connect(study).execute(
        "SELECT audit_seq FROM account_event ORDER BY audit_seq")]  # fmt: skip
    assert report.first_broken == seqs[0]
    assert "account_event.failures was 1 when recorded, is 0 now" in str(report.problems[0])
    assert any("trigger account_event_no_update is missing" in str(p) for p in report.problems)


def test_deleting_the_lockout_row_is_detected(sqlite_study: Path) -> None:
    study = sqlite_study  # the file edited behind the application's back
    fail_sign_in(study, times=DEFAULT_ATTEMPTS)
    db = sqlite3.connect(study)
    with db:
        db.execute("DROP TRIGGER account_event_no_delete")
        db.execute("DELETE FROM account_event WHERE locked = 1")
    db.close()
    report = check(study)
    assert "account_event had 1 row(s) when recorded, 0 now" in str(report.problems[0])


#: Schema 2 files: as the release before 2026-11-23 wrote them (commit 75c33ea, made by
#: ``data/make_schema2_release.py``: no series choices, no series on measurements), and with
#: the series tables that were added within schema 2 the same day.
#: What schema 5 adds to every older file (test_project_files: a schema 4 file).
SCHEMA_5 = ("lesion_version.point_timepoint, lesion_version.point_series_uid, "
            "lesion_version.point_sop_instance_uid, lesion_version.point_slice_index, "
            "lesion_version.point_row, lesion_version.point_col, "
            "observation_version.retracted, axis_measurement.provenance")
SCHEMA_2_FILES = {
    "release": (Path(__file__).resolve().parent / "data" / "schema2_release.db",
                "schema 2 -> 6: added tables series_choice, account_event, account_setting, "
                "image_file, image_update, registration; columns axis_measurement.series_uid, "
                "axis_measurement.slice_thickness_mm, "
                f"app_user.must_change, {SCHEMA_5}"),
    "with series": (SCHEMA_2, "schema 2 -> 6: added tables account_event, account_setting, "
                    "image_file, image_update, registration; columns app_user.must_change, "
                    f"{SCHEMA_5}"),
}


@pytest.mark.parametrize("made_by", SCHEMA_2_FILES)
def test_a_schema_2_project_opens_upgraded_and_verifies(tmp_path: Path, made_by: str) -> None:
    source, reason = SCHEMA_2_FILES[made_by]
    path = tmp_path / "old.db"
    shutil.copy(source, path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 2
    assert check(path).intact  # verified before any opening for writing
    fail_sign_in(path)
    with sign_in(path, "alice", "alice-pass-1") as session:
        assert "BASELINE" in session.read(CASE).signatures
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    upgrades = db.execute("SELECT reason FROM audit_record WHERE action = 'upgrade-schema'")
    assert [r[0] for r in upgrades] == [reason]
    db.close()
    assert events(path, "alice") == [("failed", 1, 0), ("succeeded", 0, 0)]
    assert check(path).intact
