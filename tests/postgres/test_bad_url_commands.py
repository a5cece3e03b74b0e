"""Issue 11's bad input on a URL, for every ``recist-review`` command that takes a project
URL: a wrong URL, a server that is down, a wrong password, a locked account, a database of
another application. Each is one line on standard error naming the fix, exit status 2,
nothing written (no output file, no change on the server but the record of a refused sign-in
of a user, which counts towards the lockout as on a project file), never a traceback or a
password."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from conftest import Templates
from pg_server import PgDatabase

from reviewer_gui.cli import main
from reviewer_gui.review import set_lockout_attempts
from reviewer_gui.store import StoreError, open_store

from .kit import CASE, PASSWORDS, project_with_case

WRONG = "not-the-password-1"


@dataclass(frozen=True)
class Command:
    """``argv`` with ``{url}`` and ``{out}`` (a path in the test's folder that must stay
    absent), run by ``user`` whose password is the first line of standard input."""

    argv: tuple[str, ...]
    user: str
    more_input: tuple[str, ...] = ()


COMMANDS = {
    "export": Command(("export", "{url}", "-o", "{out}", "--user", "alice"), "alice"),
    "users add": Command(("users", "add", "{url}", "dave", "--role", "reader", "--admin",
                          "ada"), "ada", ("dave-password-12",)),
    "users list": Command(("users", "list", "{url}", "--admin", "ada"), "ada"),
    "users passwd": Command(("users", "passwd", "{url}", "--user", "alice"), "alice",
                            ("alice-new-password-2",)),
    "users reset": Command(("users", "reset", "{url}", "bob", "--admin", "ada"), "ada",
                           ("bob-temporary-pass-3",)),
    "users unlock": Command(("users", "unlock", "{url}", "bob", "--admin", "ada"), "ada"),
    "users lockout": Command(("users", "lockout", "{url}", "--admin", "ada", "--attempts",
                              "3"), "ada"),
    "audit verify": Command(("audit", "verify", "{url}", "--admin", "ada"), "ada"),
    "audit export": Command(("audit", "export", "{url}", "-o", "{out}", "--admin", "ada"),
                            "ada"),
    "audit receipts": Command(("audit", "receipts", "{url}", "--file", "{out}", "--admin",
                               "ada"), "ada"),
    "images": Command(("images", "{url}", "{out}", "--admin", "ada"), "ada"),
    "adjudication list": Command(("adjudication", "list", "{url}", "--user", "carol"), "carol"),
    "adjudication show": Command(("adjudication", "show", "{url}", CASE, "--user", "carol"),
                                 "carol"),
    "adjudication decide": Command(("adjudication", "decide", "{url}", CASE, "--choose",
                                    "alice", "--reason", "the better read", "--user", "carol"),
                                   "carol"),
    "adjudication settings": Command(("adjudication", "settings", "{url}", "--tolerance-days",
                                      "14", "--user", "carol"), "carol"),
    "adjudication reference": Command(("adjudication", "reference", "{url}", "{out}",
                                       "--key-file", "{out}.key", "--user", "ada"), "ada"),
    "agreement": Command(("agreement", "{url}", "-o", "{out}", "--user", "carol"), "carol"),
}  # fmt: skip

#: What each fault's line says (its fix).
FAULTS = {
    "wrong URL": "write postgresql://HOST:PORT/DBNAME",
    "server down": "no PostgreSQL server answers there: start it, or check the host and port",
    "wrong password": "wrong name or password",
    "locked account": "account is locked after repeated wrong passwords: the study "
                      "administrator can unlock it (recist-review users unlock URL",
    "another application": "a database of another application (tables but no reading "
                           "project): give the URL of the project's own database",
}  # fmt: skip


def _build(database: PgDatabase) -> dict[str, str]:
    project_with_case(database)
    return PASSWORDS


@pytest.fixture
def study(templates: Templates) -> Iterator[PgDatabase]:
    """The kit's project (ada, alice, bob, carol; one case), a fresh copy per test."""
    copy = templates.copy("postgres-kit", _build)
    try:
        yield copy
    finally:
        templates.release("postgres-kit", copy)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _trail(bootstrap: str) -> tuple[object, ...]:
    """Everything the server holds of the project's history (as the bootstrap role)."""
    with psycopg.connect(bootstrap, autocommit=True) as db:
        row = db.execute("SELECT count(*), max(seq), (SELECT count(*) FROM recist.change_log),"
                         " (SELECT count(*) FROM recist.account_event) FROM "
                         "recist.audit_record").fetchone()  # fmt: skip
    assert row is not None
    return tuple(row)


def _last(bootstrap: str) -> tuple[object, ...]:
    with psycopg.connect(bootstrap, autocommit=True) as db:
        row = db.execute("SELECT action, actor, reason FROM recist.audit_record ORDER BY seq "
                         "DESC LIMIT 1").fetchone()  # fmt: skip
    assert row is not None
    return tuple(row)


def _location(fault: str, study: PgDatabase, postgres_url: str, user: str) -> str:
    port = urlsplit(study.location).port
    if fault == "wrong URL":
        return f"postgresql://127.0.0.1:{port}x/{study.name}"
    if fault == "server down":
        return f"postgresql://127.0.0.1:{_free_port()}/{study.name}"
    if fault == "locked account":  # locked as the lockout locks it: one wrong password at 1
        with open_store(study.location, user="ada", password=PASSWORDS["ada"]) as store:
            set_lockout_attempts(store, 1, by=store.users()["ada"])
        with pytest.raises(StoreError, match="account is locked"):
            open_store(study.location, user=user, password=WRONG)
    if fault == "another application":
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{study.name}_other"')  # type: ignore[call-overload]
        with psycopg.connect(f"{postgres_url.rsplit('/', 1)[0]}/{study.name}_other",
                             autocommit=True) as other:  # fmt: skip
            other.execute("CREATE TABLE invoices (id integer, amount numeric)")
            other.execute("GRANT CONNECT ON DATABASE " + f'"{study.name}_other"' + " TO PUBLIC")
        return f"postgresql://127.0.0.1:{port}/{study.name}_other"
    return study.location


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", COMMANDS)
def test_a_bad_url_is_one_line_naming_the_fix_exit_2_nothing_written(
    name: str, fault: str, study: PgDatabase, postgres_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    command = COMMANDS[name]
    location = _location(fault, study, postgres_url, command.user)
    try:
        out = tmp_path / "out"  # (the sign-in refusal above wrote nothing here)
        argv = [a.format(url=location, out=out) for a in command.argv]
        password = WRONG if fault == "wrong password" else PASSWORDS[command.user]
        before = _trail(study.url)
        monkeypatch.setattr("sys.stdin", io.StringIO(
            "\n".join((password, *command.more_input)) + "\n"))  # fmt: skip
        assert main([*argv, "--password-stdin"]) == 2
        said = capsys.readouterr()
        assert said.out == ""
        assert said.err.startswith("recist-review: ") and said.err.count("\n") == 1, said.err
        assert FAULTS[fault] in said.err
        assert "Traceback" not in said.err and password not in said.err
        # nothing changed; the refused sign-in of a user recorded (and counted), as on a file
        after = _trail(study.url)
        added = {"wrong password": (1, 1, 0, 1), "locked account": (1, 1, 0, 0)}.get(
            fault, (0, 0, 0, 0))  # fmt: skip
        assert tuple(a - b for a, b in zip(after, before, strict=True)) == added
        if added[0]:
            assert _last(study.url) == ("sign-in-refused", command.user, "wrong password" if
                                        fault == "wrong password" else "account locked")
        assert sorted(tmp_path.iterdir()) == []  # no output file, no key, no folder
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'ALTER ROLE "{command.user}" LOGIN')  # type: ignore[call-overload]
            admin.execute(f'DROP DATABASE IF EXISTS "{study.name}_other" '  # type: ignore[call-overload]
                          "WITH (FORCE)")
