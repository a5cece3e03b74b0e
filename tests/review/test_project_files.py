"""Issue 14, section 5: project files readable by their owner only; user names in a safe
character set; one password minimum (12) for ``users add``, ``passwd`` and reset; ``audit
verify`` reports a damaged file (exit 1), whatever its bytes, never a traceback."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import stat
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer_gui.cli import main
from reviewer_gui.review import Role, add_user
from reviewer_gui.review.accounts import change_password, reset_password
from reviewer_gui.review.passwords import MIN_LENGTH, PasswordRejected
from reviewer_gui.review.users import check_user_name
from reviewer_gui.store import Store

from .conftest import PASSWORDS, open_as, store_as
from .kit import CASE, PLANE, mm
from .test_sessions import MEANING, read_baseline

ADA = PASSWORDS["ada"]


def run(monkeypatch: pytest.MonkeyPatch, *argv: object, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([str(a) for a in argv])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- 0600 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("made_by", ["Store.open", "users add"])
def test_a_new_project_and_its_wal_and_shm_are_its_owners_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, made_by: str
) -> None:
    old = os.umask(0o022)  # the usual umask, which gave 0644
    try:
        path = tmp_path / "study.db"
        if made_by == "users add":
            assert run(monkeypatch, "users", "add", path, "ada", "--role", "administrator",
                       "--password-stdin", stdin=f"{ADA}\n") == 0  # fmt: skip
        with Store.open(path) as store:
            store.log_action("note", "ada")
            files = sorted(tmp_path.glob("study.db*"))
            assert [p.name for p in files] == ["study.db", "study.db-shm", "study.db-wal"]
            assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        os.umask(old)


# -- user names -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../ada", "a/b", "ada..x", ".hidden", "-rf", "al ice",
                                  "tab\there", "bell\x07", "nul\x00", "zoë", "", "x" * 65])
def test_unsafe_user_names_are_refused(study: Path | str, name: str) -> None:
    with store_as(study, "ada") as store:
        admin = store.users()["ada"]
        with pytest.raises(ValueError, match=r"user name .*: give 1 to 64 letters"):
            add_user(store, name, Role.READER, "long-enough-pass", by=admin)
        assert name not in store.users()


def test_the_cli_refuses_an_unsafe_name_with_the_rule(
    study: Path | str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "users", "add", study, "../../etc", "--role", "reader", "--admin",
               "ada", "--password-stdin", stdin=f"{ADA}\nlong-enough-pass\n") == 2  # fmt: skip
    assert capsys.readouterr().err == (
        "recist-review: user name '../../etc': give 1 to 64 letters (a-z, A-Z), digits, '.', "
        "'_' or '-', starting with a letter or digit, no '..'\n")


SAFE = string.ascii_letters + string.digits + "._-"


@given(st.text(min_size=0, max_size=70))
def test_a_name_is_accepted_exactly_when_it_is_in_the_safe_set(name: str) -> None:
    safe = (0 < len(name) <= 64 and all(c in SAFE for c in name)
            and name[0] not in "._-" and ".." not in name)  # fmt: skip
    try:
        check_user_name(name)
    except ValueError:
        assert not safe
    else:
        assert safe
        assert "/" not in name and ".." not in name and name.isprintable()


# -- one password minimum ---------------------------------------------------------------------


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)  # fmt: skip
@given(st.text(alphabet=string.printable, min_size=0, max_size=MIN_LENGTH - 1))
def test_a_password_under_12_characters_is_refused_everywhere(
    study: Path | str, short: str
) -> None:
    with store_as(study, "ada") as store:
        admin = store.users()["ada"]
        with pytest.raises(PasswordRejected, match="a password needs at least 12 characters"):
            add_user(store, "dave", Role.READER, short, by=admin)
        with pytest.raises(PasswordRejected, match="a password needs at least 12 characters"):
            reset_password(store, "alice", short, by=admin)
        with pytest.raises(PasswordRejected, match="a password needs at least 12 characters"):
            change_password(store, "alice", PASSWORDS["alice"], short)
        assert "dave" not in store.users()


def test_users_add_refuses_eleven_characters_and_takes_twelve(
    study: Path | str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "users", "add", study, "dave", "--role", "reader", "--admin",
               "ada", "--password-stdin", stdin=f"{ADA}\ndave-pass-1\n") == 2  # fmt: skip
    assert capsys.readouterr().err == "recist-review: a password needs at least 12 characters\n"
    assert run(monkeypatch, "users", "add", study, "dave", "--role", "reader", "--admin",
               "ada", "--password-stdin", stdin=f"{ADA}\ndave-pass-12\n") == 0  # fmt: skip


# -- audit verify on damaged files --------------------------------------------------------------


def damaged_copy(study: Path, tmp_path: Path, sql: str) -> Path:
    copy = tmp_path / "damaged.db"
    with Store.open(study):
        pass
    shutil.copy(study, copy)
    db = sqlite3.connect(copy)
    for name in ("audit_record_no_update", "axis_measurement_no_update"):
        db.execute(f"DROP TRIGGER {name}")
    db.execute(sql)
    db.commit()
    db.close()
    return copy


@pytest.fixture
def signed(sqlite_study: Path) -> Path:
    """A signed read in a project file (the tests below damage the file's bytes)."""
    study = sqlite_study
    with open_as(study, "alice") as alice:
        read_baseline(alice, 30)
        alice.sign(CASE, "BASELINE", name="alice", password=PASSWORDS["alice"], meaning=MEANING)
    return study


@pytest.mark.parametrize("sql", [
    "UPDATE audit_record SET reason = CAST(X'C328FFFE' AS TEXT) WHERE seq = 3",
    "UPDATE audit_record SET actor = CAST(X'80' AS TEXT) WHERE seq = 1",
    "UPDATE axis_measurement SET start_row = 9e999",  # infinity: no JSON, a ValueError
    "UPDATE audit_record SET after = CAST(X'7B2261223AFF7D' AS TEXT) WHERE seq = 2",
], ids=["reason", "actor", "infinite coordinate", "after"])  # fmt: skip
def test_audit_verify_reports_a_damaged_file_and_exits_1(
    signed: Path, tmp_path: Path, sql: str, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = damaged_copy(signed, tmp_path, sql)
    assert main(["audit", "verify", str(copy), "--skip-images"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("audit trail BROKEN"), out


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)  # fmt: skip
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
                min_size=1, max_size=8))
def test_audit_verify_never_crashes_whatever_the_bytes(
    signed: Path, tmp_path: Path, flips: list[tuple[int, int]]
) -> None:
    with Store.open(signed):
        pass  # checkpointed: everything is in the main file
    data = bytearray(signed.read_bytes())
    for offset, value in flips:
        data[offset % len(data)] = value
    copy = tmp_path / "flipped.db"
    copy.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    status = main(["audit", "verify", str(copy), "--skip-images"])
    assert status in (0, 1, 2)
    if bytes(data) == signed.read_bytes():
        assert status == 0


# -- the previous release's files -------------------------------------------------------------


def test_a_schema_3_project_of_the_previous_release_opens_upgraded_and_verifies(
    tmp_path: Path,
) -> None:
    """Made by release 48b39cb (``data/make_schema2_release.py``): schema 3, no image tables,
    bob's password of 11 characters set under the old minimum of 8 (it still signs in)."""
    from reviewer_gui.review import sign_in
    from reviewer_gui.store import SCHEMA_VERSION

    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parent / "data" / "schema3_release.db", path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3
    assert main(["audit", "verify", str(path)]) == 0  # before any opening for writing
    with sign_in(path, "bob", "bob-pass-12") as bob:
        assert bob.read(CASE).signatures == {}
    with sign_in(path, "alice", PASSWORDS["alice"]) as alice:
        assert "BASELINE" in alice.read(CASE).signatures
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    upgrades = [r[0] for r in db.execute("SELECT reason FROM audit_record "
                                         "WHERE action = 'upgrade-schema'")]  # fmt: skip
    db.close()
    assert upgrades == [f"schema 3 -> 6: added tables image_file, image_update, registration; "
                        f"{SCHEMA_5}"]
    assert main(["audit", "verify", str(path)]) == 0


SCHEMA_5 = ("columns lesion_version.point_timepoint, lesion_version.point_series_uid, "
            "lesion_version.point_sop_instance_uid, lesion_version.point_slice_index, "
            "lesion_version.point_row, lesion_version.point_col, "
            "observation_version.retracted, axis_measurement.provenance")


def test_a_schema_4_project_opens_upgraded_its_reads_as_they_were(tmp_path: Path) -> None:
    """Made by release c40d32e (``data/make_schema4_release.py``): no lesion points, no
    provenance, no retracted entries. Its rows read as before (drawn by hand, no point); the
    new columns take new entries; the audit trail verifies before and after."""
    from reviewer_gui.reading import Category, Point, Provenance, State
    from reviewer_gui.review import sign_in

    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parent / "data" / "schema4_release.db", path)
    assert main(["audit", "verify", str(path), "--skip-images"]) == 0
    with sign_in(path, "alice", "alice-pass-1234") as alice:
        read = alice.read(CASE)
        t1 = read.observation("BASELINE", "T1")
        assert t1 is not None and t1.fragments[0].long_axis.provenance is Provenance.DRAWN
        assert read.lesions["NT1"].point is None and "BASELINE" in read.signatures
        alice.measure(CASE, "M2", "T1", mm(24), PLANE, provenance=Provenance.PROPOSED)
        new = alice.add_lesion(CASE, Category.NEW, "bone")  # marked, entered, taken back
        alice.set_point(CASE, new.lesion_id, "M2", PLANE, Point(40.5, 60.25))
        alice.set_state(CASE, "M2", new.lesion_id, State.PRESENT)
        alice.retract_observation(CASE, "M2", new.lesion_id)
        read = alice.read(CASE)
        assert read.observation("M2", new.lesion_id) is None
        point = read.lesions[new.lesion_id].point
        assert point is not None and (point.row, point.col) == (40.5, 60.25)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 6
    upgrades = [r[0] for r in db.execute("SELECT reason FROM audit_record "
                                         "WHERE action = 'upgrade-schema'")]  # fmt: skip
    stored = db.execute("SELECT provenance FROM axis_measurement ORDER BY change_id").fetchall()
    db.close()
    assert upgrades == [f"schema 4 -> 6: added tables registration; {SCHEMA_5}"]
    assert stored == [(None,), ("proposed",)]  # the old row untouched, the new one recorded
    assert main(["audit", "verify", str(path), "--skip-images"]) == 0
