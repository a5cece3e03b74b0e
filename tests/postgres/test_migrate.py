"""``recist-review migrate PROJECT.db URL``: the whole history on the server, verified with
the file's head, the same export, no password hash copied, temporary passwords to change."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from pg_server import PgDatabase

from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, State
from reviewer_gui.review import (
    AccountLocked,
    AuthenticationFailed,
    PasswordChangeRequired,
    Role,
    add_user,
    sign_in,
)
from reviewer_gui.store import Store
from reviewer_gui.store.postgres import PostgresStore
from reviewer_gui.store.verify import connect, verify

from .kit import CASE, DATES, PASSWORDS, PLANE, mm


def run(monkeypatch: pytest.MonkeyPatch, *argv: object, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([str(a) for a in argv])


def _project_file(path: Path) -> str:
    """A file with a history: users, a read signed, re-read and signed again, another read,
    a locked account; returns its audit head."""
    with Store.open(path) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
        for name, role in (("alice", Role.READER), ("bob", Role.READER),
                           ("carol", Role.ADJUDICATOR)):  # fmt: skip
            add_user(store, name, role, PASSWORDS[name], by=admin)
    with sign_in(path, "ada", PASSWORDS["ada"]) as ada:
        ada.add_subject(CASE)
        for label, date in DATES.items():
            ada.add_timepoint(CASE, label, date)
    for reader, length in (("alice", 24.0), ("bob", 26.5)):
        with sign_in(path, reader, PASSWORDS[reader], engine=RecistEngine()) as session:
            session.add_lesion(CASE, Category.TARGET, "liver", detail=f"{reader}'s T1")
            session.measure(CASE, "BASELINE", "T1", mm(length), PLANE)
            session.sign(CASE, "BASELINE", name=reader, password=PASSWORDS[reader],
                         meaning="Reviewed and approved as read")  # fmt: skip
            session.reread(CASE, "BASELINE", reason="T1 on the wrong slice")
            session.measure(CASE, "BASELINE", "T1", mm(length + 1), PLANE)
            session.sign(CASE, "BASELINE", name=reader, password=PASSWORDS[reader],
                         meaning="Reviewed and approved as read")  # fmt: skip
            session.set_state(CASE, "M2", "T1", State.NOT_EVALUATED)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            sign_in(path, "carol", "wrong-password-1")
    db = connect(path)
    try:
        report = verify(db)
    finally:
        db.close()
    assert report.intact
    return report.head


def test_a_project_file_moves_to_the_server_with_its_whole_history(
    tmp_path: Path, pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "study.db"
    head = _project_file(path)
    capsys.readouterr()
    assert run(monkeypatch, "migrate", path, pg_database.url) == 0
    lines = capsys.readouterr().out.splitlines()
    temporary = dict(line.split("\t") for line in lines[1:])
    assert set(temporary) == {"ada", "alice", "bob", "carol"}
    where = pg_database.location
    with pytest.raises(PasswordChangeRequired):
        sign_in(where, "ada", temporary["ada"])
    assert run(monkeypatch, "users", "passwd", where, "--user", "ada", "--password-stdin",
               stdin=f"{temporary['ada']}\n{PASSWORDS['ada']}\n") == 0  # fmt: skip
    with pytest.raises(AccountLocked):  # locked in the file, locked on the server
        sign_in(where, "carol", temporary["carol"])
    with PostgresStore.open(where, user="ada", password=PASSWORDS["ada"]) as ada:
        report = verify(ada.database, head=head)
        users = ada.database.execute("SELECT password_hash FROM app_user").fetchall()
        records = ada.database.execute("SELECT count(*) FROM audit_record").fetchone()
    assert report.problems == ()
    assert not any("scrypt" in h for (h,) in users)
    with sqlite3.connect(path) as db:
        file_records = db.execute("SELECT count(*) FROM audit_record").fetchone()[0]
    assert records is not None and records[0] > file_records  # migrate, logins, sign-ins
    exports = []
    for location in (path, where):
        output = tmp_path / f"export-{len(exports)}.csv"
        assert run(monkeypatch, "export", location, "--user", "ada", "--include-unsigned", "-o",
                   output, "--password-stdin", stdin=f"{PASSWORDS['ada']}\n") == 0
        exports.append(output.read_text())
    assert exports[0] == exports[1] and "alice" in exports[0] and "bob" in exports[0]


def test_migrating_into_a_project_or_a_foreign_database_is_refused(
    tmp_path: Path, pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "study.db"
    _project_file(path)
    assert run(monkeypatch, "migrate", path, pg_database.url) == 0
    capsys.readouterr()
    assert run(monkeypatch, "migrate", path, pg_database.url) == 2
    assert "already a reading project" in capsys.readouterr().err
    assert run(monkeypatch, "migrate", tmp_path / "none.db", pg_database.url) == 2
    assert "no such reading project file" in capsys.readouterr().err
