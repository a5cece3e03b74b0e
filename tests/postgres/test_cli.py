"""``recist-review`` on a PostgreSQL URL: the study administrator creates the project and its
users, readers read and sign through the review session (the server checks the e-signature's
password), exports and ``audit verify`` run against the server; bad input is one line, exit 2."""

from __future__ import annotations

import csv
import io
import socket

import pytest
from pg_server import PgDatabase

from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, State
from reviewer_gui.review import AuthenticationFailed, NotPermitted, sign_in

from .kit import CASE, DATES, PASSWORDS, PLANE, mm


def run(monkeypatch: pytest.MonkeyPatch, *argv: object, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([str(a) for a in argv])


@pytest.fixture
def study(pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch) -> str:
    """Created and peopled through the CLI; ada adds the case through her session."""
    where = pg_database.location
    assert run(monkeypatch, "users", "add", pg_database.url, "ada", "--role", "administrator",
               "--password-stdin", stdin=f"{PASSWORDS['ada']}\n") == 0  # fmt: skip
    for name, role in (("alice", "reader"), ("bob", "reader"), ("carol", "adjudicator")):
        assert run(monkeypatch, "users", "add", where, name, "--role", role, "--admin", "ada",
                   "--password-stdin", stdin=f"{PASSWORDS['ada']}\n{PASSWORDS[name]}\n") == 0
    with sign_in(where, "ada", PASSWORDS["ada"]) as ada:
        ada.add_subject(CASE)
        for label, date in DATES.items():
            ada.add_timepoint(CASE, label, date)
    return where


def _read_and_sign(where: str, reader: str, length: float) -> None:
    with sign_in(where, reader, PASSWORDS[reader], engine=RecistEngine()) as session:
        session.add_lesion(CASE, Category.TARGET, "liver")
        session.measure(CASE, "BASELINE", "T1", mm(length), PLANE)
        with pytest.raises(AuthenticationFailed):
            session.sign(CASE, "BASELINE", name=reader, password="not-the-password",
                         meaning="Reviewed")  # fmt: skip
        session.sign(CASE, "BASELINE", name=reader, password=PASSWORDS[reader],
                     meaning="Reviewed and approved as read")  # fmt: skip
        session.set_state(CASE, "M2", "T1", State.NOT_EVALUATED)
        assert len(session.read(CASE).signatures) == 1


def test_a_blinded_review_on_the_server_from_the_command_line(
    study: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: object,
) -> None:  # fmt: skip
    _read_and_sign(study, "alice", 22.5)
    _read_and_sign(study, "bob", 30.0)
    with sign_in(study, "alice", PASSWORDS["alice"]) as alice, pytest.raises(NotPermitted):
        alice.read_of(alice.read(CASE).key._replace(reader="bob"))
    capsys.readouterr()
    output = f"{tmp_path}/alice.csv"
    assert run(monkeypatch, "export", study, "--user", "alice", "-o", output,
               "--password-stdin", stdin=f"{PASSWORDS['alice']}\n") == 0  # fmt: skip
    with open(output, newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {r["reader"] for r in rows} == {"alice"} and rows[0]["long_axis_mm"] == "22.5"
    assert run(monkeypatch, "users", "list", study, "--admin", "ada", "--password-stdin",
               stdin=f"{PASSWORDS['ada']}\n") == 0  # fmt: skip
    listed = capsys.readouterr().out
    assert "alice\treader\tactive" in listed and "carol\tadjudicator\tactive" in listed
    assert run(monkeypatch, "audit", "verify", study, "--admin", "ada", "--password-stdin",
               stdin=f"{PASSWORDS['ada']}\n") == 0  # fmt: skip
    assert "audit trail intact" in capsys.readouterr().out
    trail = f"{tmp_path}/trail.csv"
    assert run(monkeypatch, "audit", "export", study, "-o", trail, "--admin", "ada",
               "--password-stdin", stdin=f"{PASSWORDS['ada']}\n") == 0  # fmt: skip
    with open(trail, newline="") as stream:
        actions = [r["action"] for r in csv.DictReader(stream)]
    assert "sign-refused" in actions or "sign-timepoint" in actions
    assert actions.count("sign-timepoint") == 2 and actions[0] == "create-project"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_bad_input_is_one_line_and_exit_2(
    study: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    cases = [
        (("users", "list", study, "--admin", "ada", "--password-stdin"), "wrong-password-1\n",
         "wrong name or password"),
        (("users", "list", f"postgresql://127.0.0.1:{_free_port()}/study", "--admin", "ada",
          "--password-stdin"), "x\n", "no PostgreSQL server answers there: start it"),
        (("users", "list", study, "--password-stdin"), "x\n", "say who (--admin NAME)"),
        (("users", "list", study, "--admin", "alice", "--password-stdin"),
         f"{PASSWORDS['alice']}\n", "alice is not the study administrator"),
        (("users", "add", study, "postgres", "--role", "reader", "--admin", "ada",
          "--password-stdin"), f"{PASSWORDS['ada']}\npostgres-pass-1\n", "exists already"),
        (("users", "passwd", study, "--user", "alice", "--password-stdin"),
         "wrong-password-1\nnew-password-long-1\n", "wrong name or password"),
        (("export", study, "--user", "alice", "--password-stdin"), "wrong-password-1\n",
         "wrong name or password"),
        (("export", study, "--sr", "sr-out", "--user", "alice", "--password-stdin"),
         f"{PASSWORDS['alice']}\n", "the project records no image folder, and the SRs"),
        (("audit", "verify", study.rsplit("/", 1)[0] + "/nothere", "--admin", "ada",
          "--password-stdin"), f"{PASSWORDS['ada']}\n", "no such database"),
    ]  # fmt: skip
    for argv, stdin, expected in cases:
        assert run(monkeypatch, *argv, stdin=stdin) == 2, argv
        err = capsys.readouterr().err.strip()
        assert expected in err and len(err.splitlines()) <= 2, (argv, err)
        assert "Traceback" not in err and "password-1" not in err


def _read_both_timepoints(where: str, reader: str, progression: bool) -> None:
    with sign_in(where, reader, PASSWORDS[reader], engine=RecistEngine()) as session:
        session.add_lesion(CASE, Category.TARGET, "liver")
        session.add_lesion(CASE, Category.NON_TARGET, "bone")
        for label, length in (("BASELINE", 30.0), ("M2", 29.0)):
            session.measure(CASE, label, "T1", mm(length), PLANE)
            state = State.PROGRESSION if progression and label == "M2" else State.PRESENT
            session.set_state(CASE, label, "NT1", state, reason="new lytic lesions"
                              if state is State.PROGRESSION else "")  # fmt: skip
            session.sign(CASE, label, name=reader, password=PASSWORDS[reader],
                         meaning="Reviewed and approved as read")  # fmt: skip


def test_adjudication_from_the_command_line(
    study: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: object,
) -> None:  # fmt: skip
    carol = f"{PASSWORDS['carol']}\n"
    _read_both_timepoints(study, "alice", progression=True)
    assert run(monkeypatch, "adjudication", "list", study, "--user", "carol",
               "--password-stdin", stdin=carol) == 0  # fmt: skip
    assert "waiting" in capsys.readouterr().out  # bob's read is not complete: carol sees none
    _read_both_timepoints(study, "bob", progression=False)
    assert run(monkeypatch, "adjudication", "list", study, "--user", "carol",
               "--password-stdin", stdin=carol) == 0  # fmt: skip
    assert f"{CASE}\tflagged\talice,bob" in capsys.readouterr().out
    assert run(monkeypatch, "adjudication", "list", study, "--user", "alice",
               "--password-stdin", stdin=f"{PASSWORDS['alice']}\n") == 2  # fmt: skip
    assert run(monkeypatch, "adjudication", "decide", study, CASE, "--choose", "bob",
               "--reason", "NT1 not unequivocal", "--user", "carol", "--password-stdin",
               stdin=carol * 2) == 0  # fmt: skip
    final = f"{tmp_path}/final.csv"
    assert run(monkeypatch, "export", study, "--final", "-o", final, "--user", "carol",
               "--password-stdin", stdin=carol) == 0  # fmt: skip
    with open(final, newline="") as stream:
        assert {r["reader"] for r in csv.DictReader(stream)} == {"bob"}
    assert run(monkeypatch, "agreement", study, "-o", f"{tmp_path}/qc", "--user", "carol",
               "--password-stdin", stdin=carol) == 0  # fmt: skip
    assert run(monkeypatch, "audit", "verify", study, "--admin", "ada", "--password-stdin",
               stdin=f"{PASSWORDS['ada']}\n") == 0  # fmt: skip
