"""Sign-in, roles, independence of the two reads, and the electronic signature."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reviewer_gui.reading import Category, ReadingError, ReadKey, State, TimepointLocked
from reviewer_gui.review import (
    AuthenticationFailed,
    NotPermitted,
    PasswordRejected,
    Role,
    Session,
    add_user,
)
from reviewer_gui.store import Store

from .accounts_kit import audit, exported_trail
from .conftest import PASSWORDS, intact, open_as, query, store_as
from .kit import CASE, PLANE, mm

MEANING = "Reviewed and approved as read"


def read_baseline(session: Session, target_mm: float) -> None:
    session.add_lesion(CASE, Category.TARGET, "liver")
    session.add_lesion(CASE, Category.NON_TARGET, "bone")
    session.measure(CASE, "BASELINE", "T1", mm(target_mm), PLANE)
    session.set_state(CASE, "BASELINE", "NT1", State.PRESENT)


def audit_rows(path: Path | str, action: str) -> list[tuple[str, str]]:
    return [(actor, reason) for _, actor, reason in audit(path, action)]


def test_passwords_are_stored_as_salted_hashes_only(sqlite_study: Path) -> None:
    """The file's bytes (PostgreSQL keeps no password material: tests/postgres/)."""
    study = sqlite_study
    content = b"".join(f.read_bytes() for f in study.parent.glob(f"{study.name}*"))  # -wal too
    for password in PASSWORDS.values():
        assert password.encode() not in content
    with Store.open(study) as store:
        hashes = {u.name: u.password_hash for u in store.users().values()}
        assert all(h.startswith("scrypt$16384$8$1$") for h in hashes.values())
        assert len(set(hashes.values())) == len(hashes)
        exported = store.connection.execute("SELECT after FROM audit_record WHERE action = "
                                            "'add-user'").fetchall()  # fmt: skip
    assert all(h not in text for h in hashes.values() for (text,) in exported)


@pytest.mark.parametrize(("name", "password", "actor", "why"), [
    ("alice", "alice-pass-2", "alice", "wrong password"),
    ("alice", "", "alice", "wrong password"),
    ("Alice", PASSWORDS["alice"], "(unknown user)", "no such user"),
    ("mallory", "whatever-1", "(unknown user)", "no such user"),
    (PASSWORDS["alice"], "", "(unknown user)", "no such user"),  # a password in the name field
])  # fmt: skip
def test_a_wrong_name_or_password_does_not_sign_in(
    study: Path | str, name: str, password: str, actor: str, why: str, tmp_path: Path
) -> None:
    """A refused name is recorded only when it is a user's: else a fixed marker (issue 14:
    a password typed into the name field was stored in clear as the refused actor). On
    PostgreSQL the server refuses the login and ``recist.sign_in_refused`` records it."""
    from reviewer_gui.review import sign_in

    with pytest.raises(AuthenticationFailed, match="wrong name or password"):
        sign_in(study, name, password)
    assert audit_rows(study, "sign-in-refused") == [(actor, why)]
    if isinstance(study, Path):
        trail = b"".join(p.read_bytes() for p in study.parent.glob(f"{study.name}*"))
    else:  # everything the server holds of the project's history
        trail = exported_trail(study, tmp_path / "trail.csv")
        trail += str(query(study, "SELECT * FROM account_event")).encode()
    assert (name.encode() in trail) == (name == "alice")
    assert ("alice", "as reader") not in audit_rows(study, "sign-in")


def test_roles(study: Path | str) -> None:
    with open_as(study, "alice") as alice:
        assert (alice.user, alice.role) == ("alice", Role.READER)
        with pytest.raises(NotPermitted, match="only the study administrator adds subjects"):
            alice.add_subject("CASE-8")
    with open_as(study, "ada") as ada, pytest.raises(NotPermitted, match="only the study "
                                                                          "reader reads"):
        ada.add_lesion(CASE, Category.TARGET, "liver")
    with store_as(study, "ada") as store:
        alice_user = store.users()["alice"]
        with pytest.raises(NotPermitted, match="not an active study administrator"):
            add_user(store, "dave", Role.READER, "dave-pass-12", by=alice_user)
        with pytest.raises(NotPermitted, match="an administrator must sign in"):
            add_user(store, "dave", Role.READER, "dave-pass-12", by=None)
        admin = store.users()["ada"]
        with pytest.raises(ValueError, match="exists already"):
            add_user(store, "alice", Role.READER, "other-pass-1", by=admin)
        with pytest.raises(PasswordRejected, match="at least 12"):
            add_user(store, "dave", Role.READER, "short", by=admin)
        assert "dave" not in store.users()


def test_a_reader_never_sees_nor_exports_another_readers_read(
    study: Path | str, tmp_path: Path
) -> None:
    with open_as(study, "alice") as alice:
        read_baseline(alice, 30)
        alice.add_lesion(CASE, Category.NON_TARGET, "lung", detail="alice-only-detail")
        alice.set_state(CASE, "BASELINE", "NT2", State.PRESENT)
        alice.sign(CASE, "BASELINE", name="alice", password=PASSWORDS["alice"], meaning=MEANING)
    with open_as(study, "bob") as bob:
        assert bob.read(CASE).lesions == {}  # bob starts from nothing: alice's read is hers
        with pytest.raises(NotPermitted, match="bob cannot see alice's read of CASE-7"):
            bob.read_of(ReadKey(CASE, "alice"))
        with pytest.raises(NotPermitted):
            bob.grid_of(ReadKey(CASE, "alice"))
        assert "alice" not in repr(bob._project.state)  # nothing of alice's in bob's memory
        read_baseline(bob, 32)
        bob.sign(CASE, "BASELINE", name="bob", password=PASSWORDS["bob"], meaning=MEANING)
        bob.export(tmp_path / "bob.csv")
    with (tmp_path / "bob.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {r["reader"] for r in rows} == {"bob"}
    assert {(r["lesion_id"], r["long_axis_mm"]) for r in rows} >= {("T1", "32.0")}
    text = (tmp_path / "bob.csv").read_text()
    assert "alice" not in text and "30.0" not in text and "alice-only-detail" not in text
    if not isinstance(study, Path):  # the server shows the adjudicator complete reads only
        with open_as(study, "carol") as carol:
            assert carol.read_of(ReadKey(CASE, "alice")).lesions == {}
        return
    with open_as(study, "carol") as carol:  # the adjudicator sees both reads
        assert carol.read_of(ReadKey(CASE, "alice")).lesions["NT2"].detail == "alice-only-detail"
        assert carol.grid_of(ReadKey(CASE, "bob")).column("BASELINE").target_sum_mm == 32
        carol.export(tmp_path / "all.csv")
    with (tmp_path / "all.csv").open(newline="") as stream:
        assert {r["reader"] for r in csv.DictReader(stream)} == {"alice", "bob"}
    assert [a for a, _ in audit_rows(study, "export")] == ["bob", "carol"]


def test_signing_needs_the_signers_name_password_and_meaning(study: Path | str) -> None:
    on_file = isinstance(study, Path)
    with open_as(study, "alice") as alice:
        read_baseline(alice, 30)
        attempts = [
            ({"name": "alice", "password": "not-it-123", "meaning": MEANING},
             AuthenticationFailed, "wrong name or password"),
            ({"name": "bob", "password": PASSWORDS["bob"], "meaning": MEANING},
             AuthenticationFailed,  # on PostgreSQL alice cannot see bob's account at all
             "sign with your own name" if on_file else "wrong name or password"),
            ({"name": "alice", "password": PASSWORDS["alice"], "meaning": "  "},
             ReadingError, "say what the signature means"),
        ]  # fmt: skip
        for arguments, error, message in attempts:
            with pytest.raises(error, match=message):
                alice.sign(CASE, "BASELINE", **arguments)  # type: ignore[arg-type]
            assert "BASELINE" not in alice.read(CASE).signatures
        signature = alice.sign(CASE, "BASELINE", name="alice", password=PASSWORDS["alice"],
                               meaning=MEANING)  # fmt: skip
        assert (signature.signed_by, signature.meaning) == ("alice", MEANING)
        assert alice.worklist()[0].next_timepoint == "M2"
        with pytest.raises(TimepointLocked):
            alice.measure(CASE, "BASELINE", "T1", mm(33), PLANE)
        with pytest.raises(ReadingError, match="needs a reason"):
            alice.reread(CASE, "BASELINE", reason="")
        alice.reread(CASE, "BASELINE", reason="T1 on the wrong slice")
        alice.measure(CASE, "BASELINE", "T1", mm(33), PLANE)
        assert "BASELINE" not in alice.read(CASE).signatures  # signed again, not yet
        alice.sign(CASE, "BASELINE", name="alice", password=PASSWORDS["alice"], meaning=MEANING)
    refused = query(study, "SELECT actor, reason FROM audit_record WHERE action = "
                    "'sign-refused' ORDER BY seq")  # fmt: skip
    assert refused == [("alice", "wrong password"), ("alice", "signed with another user's "
                                                    "name (bob)" if on_file else
                                                    "no such user; name given: (unknown user)")]
    signatures = query(study, "SELECT signed_by, meaning, signed_at FROM signature "
                       "ORDER BY change_id")  # fmt: skip
    assert [s[:2] for s in signatures] == [("alice", MEANING)] * 2
    assert signatures[0][2] < signatures[1][2]
    assert intact(study)


def test_the_worklist_shows_case_ids_and_labels_in_a_random_order_per_reader(
    study: Path | str,
) -> None:
    import datetime as dt

    cases = [f"CASE-{n:02d}" for n in range(10, 22)]
    with open_as(study, "ada") as ada:
        for case in cases:
            ada.add_subject(case)
            ada.add_timepoint(case, "BASELINE", dt.date(2024, 2, 1))
    orders = {}
    for name in ("alice", "bob", "alice"):
        with open_as(study, name) as reader:
            items = reader.worklist()
            assert sorted(i.case_id for i in items) == sorted([CASE, *cases])
            assert all(i.next_timepoint == "BASELINE" for i in items)
            assert orders.setdefault(name, [i.case_id for i in items]) == [
                i.case_id for i in items]  # the same order at every sign-in
    assert orders["alice"] != sorted(orders["alice"]) and orders["alice"] != orders["bob"]
    with open_as(study, "ada") as ada, pytest.raises(NotPermitted):
        ada.worklist()
