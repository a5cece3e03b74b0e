"""The app's windows on a PostgreSQL project (issue 11, item 1 and 6), against a real server:
the sign-in connects as the signed-in user; the reader's window reads and signs a timepoint
whose rows are then on the server; the images are found in the project's recorded image
folder (not beside any file); wrong password, server down and a locked account are one line
in the dialog and write nothing; the adjudicator's window opens on the URL, a reader is
refused there."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest
from pg_server import PgDatabase
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.qt.adjudication_app import adjudication_sign_in, open_adjudication
from reviewer_gui.qt.adjudication_window import AdjudicationWindow
from reviewer_gui.qt.app import open_signed_in, sign_in_dialog
from reviewer_gui.qt.dialogs import ChangePasswordDialog, SignatureDialog
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.qt.session import NO_IMAGES
from reviewer_gui.review import AuthenticationFailed, reset_password, sign_in
from reviewer_gui.store import StoreError, open_store
from reviewer_gui.store.image_folder import IMAGES_FOLDER, images_base

from .adjudication_kit import read_case
from .helpers import ready
from .review_kit import PASSWORDS, PATIENTS, read_timepoint, samples
from .server_kit import on_server, server_study

MEANING = "Reviewed and approved as read"


def audit_count(database: PgDatabase) -> int:
    return int(on_server(database, "SELECT count(*) FROM recist.audit_record")[0][0])  # type: ignore[call-overload]


def test_a_reader_signs_in_on_the_server_reads_and_signs_a_timepoint(
        qtbot: QtBot, prepared: Path, pg_database: PgDatabase, tmp_path: Path) -> None:
    url = server_study(prepared, pg_database)
    before = audit_count(pg_database)
    opened: list[MainWindow] = []
    dialog = sign_in_dialog(url, opened.append)
    qtbot.addWidget(dialog)
    dialog.open()
    assert url in dialog.intro.text()
    dialog.name.setText("alice")
    dialog.password.setText("not-her-password")
    dialog.ok_button.click()
    assert opened == [] and dialog.isVisible()
    assert dialog.error.text() == "Wrong name or password: not signed in."
    assert audit_count(pg_database) == before + 1  # the refusal alone, recorded and counted
    assert on_server(pg_database, "SELECT action, actor, reason FROM recist.audit_record ORDER "
                     "BY seq DESC LIMIT 1") == [("sign-in-refused", "alice", "wrong password")]
    dialog.password.setText(PASSWORDS["alice"])
    dialog.ok_button.click()
    assert not dialog.isVisible() and len(opened) == 1, dialog.error.text()
    window = opened[0]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: ready(window), timeout=30_000)  # images: the recorded folder
    assert f"RECIST reviewer - {url} - " in window.windowTitle()
    assert "signed in as alice (reader)" in window.windowTitle()
    assert window.session.images == prepared.parent
    case = window.session.case_id
    assert case is not None and window.session.timepoint == "BASELINE"
    read_timepoint(window, samples(prepared)[case])
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    signature = window.dialog
    assert isinstance(signature, SignatureDialog), window.message.text()
    signature.password.setText(PASSWORDS["alice"])
    signature.meaning.setCurrentText(MEANING)
    signature.ok_button.click()
    assert not signature.isVisible(), signature.error.text()
    assert window.session.project.is_signed(window.session.key, "BASELINE")
    assert window.export_sr(tmp_path / "sr") == 1, window.message.text()  # her signed one
    assert [p.name for p in (tmp_path / "sr").iterdir()] == [
        f"{case}_alice_01-BASELINE_SR.dcm"]  # written from the recorded image folder
    rows = window.export_measurements(tmp_path / "alice.csv")  # the CSV is: her signed rows
    lines = (tmp_path / "alice.csv").read_text(encoding="utf-8").splitlines()
    assert rows is not None and rows > 0 and len(lines) == rows + 1
    assert all(line.startswith(f"{case},alice,") for line in lines[1:]), lines[:2]
    window.close()

    # On the server, as the bootstrap account sees it: alice's rows, written as alice.
    assert on_server(pg_database, "SELECT case_id, reader, timepoint, meaning FROM "
                     "recist.signature") == [(case, "alice", "BASELINE", MEANING)]  # fmt: skip
    lesions = on_server(pg_database, "SELECT DISTINCT reader FROM recist.lesion_version")
    assert lesions == [("alice",)]
    actions = [a for (a,) in on_server(pg_database, "SELECT action FROM recist.audit_record "
                                       "WHERE actor = 'alice' ORDER BY seq")]  # fmt: skip
    assert actions[:3] == ["sign-in-refused", "failed-attempts-reset", "sign-in"]  # counted, reset
    assert "sign-timepoint" in actions and actions[-1] == "sign-out"
    # and bob, signed in, sees none of it
    with open_store(url, user="bob", password=PASSWORDS["bob"]) as bob:
        assert bob.load(reader="bob").reads == {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_wrong_server_and_locked_account_are_one_line_and_write_only_the_refusal(
        qtbot: QtBot, prepared: Path, pg_database: PgDatabase) -> None:
    url = server_study(prepared, pg_database)
    down = f"postgresql://127.0.0.1:{free_port()}/study"
    opened: list[MainWindow] = []
    dialog = sign_in_dialog(down, opened.append)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.name.setText("alice")
    dialog.password.setText(PASSWORDS["alice"])
    dialog.ok_button.click()
    assert opened == [] and dialog.isVisible()
    assert dialog.error.text() == (f"{down}: no PostgreSQL server answers there: start it, or "
                                   "check the host and port in the URL")  # fmt: skip

    on_server(pg_database, 'ALTER ROLE "alice" NOLOGIN')  # as `users lockout` leaves it
    before = audit_count(pg_database)
    dialog = sign_in_dialog(url, opened.append)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.name.setText("alice")
    dialog.password.setText(PASSWORDS["alice"])
    dialog.ok_button.click()
    assert opened == [] and dialog.isVisible()
    error = dialog.error.text()
    assert error.startswith("Not signed in: ") and "may not sign in" in error, error
    assert "ask the study administrator" in error and "\n" not in error
    assert audit_count(pg_database) == before + 1  # the refusal alone, not counted
    assert on_server(pg_database, "SELECT action, actor, reason FROM recist.audit_record ORDER "
                     "BY seq DESC LIMIT 1") == [("sign-in-refused", "alice",
                                                 "login disabled on the server")]  # fmt: skip


def recist_review(monkeypatch: pytest.MonkeyPatch, *argv: str, password: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main([*argv, "--password-stdin"])


def test_the_image_folder_is_one_setting_recorded_once(
        qtbot: QtBot, prepared: Path, pg_database: PgDatabase, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = server_study(prepared, pg_database, images=False)
    window = open_signed_in(url, "alice", PASSWORDS["alice"])  # none yet: the window says so
    qtbot.addWidget(window)
    assert f"BASELINE: cannot open its series: {NO_IMAGES}" == window.message.text()
    window.close()
    case = next(c for c, p in samples(prepared).items() if p is PATIENTS[0])
    for reader, pd_at in (("alice", "FU2"), ("bob", "FU3")):
        read_case(url, case, PATIENTS[0].sample, reader, pd_at=pd_at, images=prepared.parent)
    desk = open_adjudication(url, "carol", PASSWORDS["carol"])  # and the adjudicator's too
    qtbot.addWidget(desk)
    assert desk.case_id == case and desk.images.views() == []
    assert all(NO_IMAGES in pane.placeholder.text() for pane in desk.images.panes), [
        pane.placeholder.text() for pane in desk.images.panes]
    desk.close()
    folder = str(prepared.parent)
    assert recist_review(monkeypatch, "images", url, folder, "--admin", "alice",
                         password=PASSWORDS["alice"]) == 2  # a reader: refused
    assert "alice is not the study administrator" in capsys.readouterr().err
    assert recist_review(monkeypatch, "images", url, "images", "--admin", "ada",
                         password=PASSWORDS["ada"]) == 2
    assert "give the image folder as an absolute path" in capsys.readouterr().err
    assert recist_review(monkeypatch, "images", url, folder, "--admin", "ada",
                         password=PASSWORDS["ada"]) == 0
    assert f"image folder {folder} recorded" in capsys.readouterr().err
    assert recist_review(monkeypatch, "images", url, folder, "--admin", "ada",
                         password=PASSWORDS["ada"]) == 0  # the same again: nothing new
    assert recist_review(monkeypatch, "images", url, str(tmp_path), "--admin", "ada",
                         password=PASSWORDS["ada"]) == 2
    assert "it is one setting, recorded once" in capsys.readouterr().err
    assert recist_review(monkeypatch, "images", str(prepared), folder, "--admin", "ada",
                         password=PASSWORDS["ada"]) == 2  # a project file: its own folder
    assert "only a PostgreSQL project records a folder" in capsys.readouterr().err
    with open_store(url, user="alice", password=PASSWORDS["alice"]) as alice:
        assert images_base(alice) == prepared.parent  # every reader reads it
        with pytest.raises(StoreError):  # only the study administrator records settings
            alice.add_project_info(IMAGES_FOLDER, "/elsewhere", "alice")
    with open_store(url, user="ada", password=PASSWORDS["ada"]) as ada, \
            pytest.raises(StoreError):  # and only this one
        ada.add_project_info("audit_sealed", "1", "ada")
    assert on_server(pg_database, "SELECT value FROM recist.project_info WHERE key = "
                     f"'{IMAGES_FOLDER}'") == [(folder,)]  # fmt: skip
    assert on_server(pg_database, "SELECT count(*) FROM recist.audit_record WHERE action = "
                     "'set-images-folder'") == [(1,)]  # fmt: skip


def test_the_adjudicator_window_on_the_server_and_its_queue_updating_live(
        qtbot: QtBot, prepared: Path, pg_database: PgDatabase) -> None:
    url = server_study(prepared, pg_database)
    case = next(c for c, p in samples(prepared).items() if p is PATIENTS[0])
    read_case(url, case, PATIENTS[0].sample, "alice", pd_at="FU2", images=prepared.parent)
    opened: list[AdjudicationWindow] = []
    dialog = adjudication_sign_in(url, opened.append)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.name.setText("alice")  # a reader: refused, and the refusal recorded
    dialog.password.setText(PASSWORDS["alice"])
    dialog.ok_button.click()
    assert opened == [] and "alice is a reader" in dialog.error.text()
    assert on_server(pg_database, "SELECT actor FROM recist.audit_record WHERE action = "
                     "'open-adjudication-refused'") == [("alice",)]  # fmt: skip
    dialog.name.setText("carol")
    dialog.password.setText(PASSWORDS["carol"])
    dialog.ok_button.click()
    assert len(opened) == 1, dialog.error.text()
    window = opened[0]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert f"RECIST adjudication - {url} - signed in as carol" in window.windowTitle()
    assert window.flagged.count() == 0 and "2 waiting for both reads" in window.counts.text()

    # bob completes his read (another session: another connection): the queue follows.
    read_case(url, case, PATIENTS[0].sample, "bob", pd_at="FU3", images=prepared.parent)
    qtbot.waitUntil(lambda: window.flagged.count() == 1, timeout=10_000)
    assert "1 to adjudicate; 1 waiting for both reads" in window.counts.text()
    item = window.flagged.item(0)
    assert item is not None and item.text().startswith(case)
    window.flagged.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.case_id == case and not window.loading(), timeout=30_000)
    assert len(window.images.views()) == 2 and all(  # both reads' images: the recorded folder
        view.volume.shape[0] > 1 for view in window.images.views()), window.message.text()
    watcher = window.work.watcher  # type: ignore[attr-defined]
    window.close()
    assert watcher.listener.database.connection.closed  # the listening connection too


def test_the_command_line_opens_a_url_through_the_sign_in_only(
        pg_database: PgDatabase, capsys: pytest.CaptureFixture[str]) -> None:
    """``--reader`` and ``--dicom`` are for projects without users: refused on a URL, whose
    credentials (the bootstrap URL's here) are never printed."""
    assert "@" in pg_database.url
    assert main(["--reader", "mallory", "open", pg_database.url]) == 2
    err = capsys.readouterr().err
    assert f"{pg_database.location} has users: sign in" in err
    assert pg_database.url not in err and "@" not in err


def test_a_reset_password_is_changed_at_the_sign_in_on_the_server(
        qtbot: QtBot, prepared: Path, pg_database: PgDatabase) -> None:
    """As after ``users reset`` or ``migrate`` (temporary passwords): the sign-in asks for a
    new password, changes it on the server as the user, then opens the window."""
    url = server_study(prepared, pg_database)
    temporary, new = "temporary-from-ada-1", "alice-new-pass-2"
    with open_store(url, user="ada", password=PASSWORDS["ada"]) as ada:
        reset_password(ada, "alice", temporary, by=ada.users()["ada"])
    opened: list[MainWindow] = []
    dialog = sign_in_dialog(url, opened.append)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.name.setText("alice")
    dialog.password.setText(temporary)
    dialog.ok_button.click()
    assert dialog.error.text() == ("The study administrator reset your password: choose a "
                                   "new one first.")  # fmt: skip
    change = dialog.findChild(ChangePasswordDialog)
    assert change is not None and change.isVisible() and opened == []
    change.current.setText(temporary)
    change.new.setText(new)
    change.repeat.setText(new)
    change.ok_button.click()
    assert not change.isVisible(), change.error.text()
    assert not dialog.isVisible() and len(opened) == 1
    qtbot.addWidget(opened[0])
    assert "signed in as alice (reader)" in opened[0].windowTitle()
    qtbot.waitUntil(lambda: ready(opened[0]), timeout=30_000)  # closed once loaded
    opened[0].close()
    with pytest.raises(AuthenticationFailed):  # the server has the new one only
        sign_in(url, "alice", temporary)
    sign_in(url, "alice", new).close()


def test_a_lost_connection_is_said_in_the_window_and_restored(
        qtbot: QtBot, prepared: Path, pg_database: PgDatabase) -> None:
    """Issue 11, item 4 (the window's part): the server drops alice's connection mid-read;
    her next entry says so in the window, reconnects as alice (no password asked) and is
    saved once; the window closes with its sign-out recorded."""
    url = server_study(prepared, pg_database)
    window = open_signed_in(url, "alice", PASSWORDS["alice"])
    qtbot.addWidget(window)
    said: list[str] = []
    window.session.message.connect(lambda text, error: said.append(text))
    window.panel.add_lesion()
    key = window.session.key
    assert key is not None
    dropped = on_server(pg_database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE usename = 'alice'")  # fmt: skip
    assert dropped and all(ok for (ok,) in dropped)
    window.panel.add_lesion()
    assert any("the connection to the server was lost" in t and url in t for t in said), said
    assert any("reconnected as alice" in t for t in said), said
    assert list(window.session.project.read(key).lesions) == ["T1", "T2"]
    window.close()
    assert on_server(pg_database, "SELECT count(*) FROM recist.lesion_version") == [(2,)]
    assert on_server(pg_database, "SELECT action FROM recist.audit_record WHERE actor = "
                     "'alice' ORDER BY seq DESC LIMIT 2") == [("sign-out",), ("save-lesion",)]


def test_an_action_the_server_never_answered_is_said_not_saved_and_not_shown(
        qtbot: QtBot, prepared: Path, pg_database: PgDatabase,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection is cut as a lesion is committed and the server does not come back:
    the window says the lesion may not have been saved, shows nothing unsaved, and closes."""
    from postgres.cutter import Cutter

    from reviewer_gui.store.postgres import reconnect

    monkeypatch.setattr(reconnect, "DELAYS", (0.05, 0.05))
    server_study(prepared, pg_database)
    relay = Cutter(pg_database.location)
    window = open_signed_in(relay.url, "alice", PASSWORDS["alice"])
    qtbot.addWidget(window)
    window.panel.add_lesion()
    key = window.session.key
    assert key is not None
    saved = window.session.project.read(key)
    relay.cut, relay.refusing = "commit", True
    window.panel.add_lesion()
    text = window.message.text()
    assert "has not answered" in text and "may not have been saved" in text, text
    assert "\n" not in text
    assert window.session.project.read(key) == saved  # not applied
    window.close()  # no sign-out record can be written: the window closes all the same
    relay.close()
    assert on_server(pg_database, "SELECT count(*) FROM recist.lesion_version") == [(1,)]


def test_the_adjudicator_window_reconnects_and_its_queue_keeps_updating(
        qtbot: QtBot, prepared: Path, pg_database: PgDatabase) -> None:
    url = server_study(prepared, pg_database)
    window = open_adjudication(url, "carol", PASSWORDS["carol"])
    qtbot.addWidget(window)
    dropped = on_server(pg_database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE usename = 'carol'")  # fmt: skip
    assert len(dropped) == 2  # the session's connection and the queue's listener
    qtbot.waitUntil(lambda: "reconnected as carol" in window.message.text(), timeout=30_000)
    watcher = window.work.watcher  # type: ignore[attr-defined]
    refreshed: list[bool] = []
    watcher.refresh = lambda: refreshed.append(True)
    on_server(pg_database, "NOTIFY recist_reads")  # a read completed: the queue refreshes
    qtbot.waitUntil(lambda: refreshed != [], timeout=30_000)
    window.close()  # the session reconnects for its sign-out record
    assert on_server(pg_database, "SELECT count(*) FROM pg_stat_activity WHERE usename = "
                     "'carol'") == [(0,)]  # fmt: skip
    assert on_server(pg_database, "SELECT action FROM recist.audit_record WHERE actor = "
                     "'carol' ORDER BY seq DESC LIMIT 1") == [("sign-out",)]
