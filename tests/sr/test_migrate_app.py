"""Project > Load DICOM SR into a reader's draft...: the study administrator's window does what
``recist-review sr-load`` does (the same function, through the window's session); a reader's
window has no such action."""

from __future__ import annotations

import os

if not os.environ.get("QT_QPA_PLATFORM"):  # before Qt starts
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path

import pytest
from app.helpers import ready
from pytestqt.qtbot import QtBot

from reviewer_gui.qt import sr_load_action
from reviewer_gui.qt.app import open_signed_in
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.sr import read_sr, sr_name
from reviewer_gui.sr.migrate import loaded_entries
from reviewer_gui.store import Store

from .kit import PASSWORDS
from .test_dcmjs_import import ohif_writes
from .test_migrate import BOB, records, study, study_template

__all__ = ["study", "study_template"]  # the fixtures


def open_as(qtbot: QtBot, path: Path, name: str) -> MainWindow:
    window = open_signed_in(path, name, PASSWORDS[name])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: ready(window), timeout=30_000)
    return window


def answer(monkeypatch: pytest.MonkeyPatch, files: list[Path], reader: str,
           lesions: Path | None = None) -> None:  # fmt: skip
    """The window's questions, answered: the SR files, the reader, the lesions CSV."""
    dialogs = sr_load_action.QFileDialog
    monkeypatch.setattr(dialogs, "getOpenFileNames",
                        lambda *a, **k: ([str(f) for f in files], ""))  # fmt: skip
    monkeypatch.setattr(dialogs, "getOpenFileName", lambda *a, **k: (str(lesions or ""), ""))
    monkeypatch.setattr(sr_load_action.QInputDialog, "getItem",
                        lambda _parent, _title, _label, items, *a: (reader, reader in items))


def test_the_administrators_window_loads_an_sr_into_a_readers_draft(
    qtbot: QtBot, study: Path, exported: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    other_project, folder = exported
    with Store.open(other_project, create=False) as store:
        elsewhere = store.load().reads[BOB]
    baseline = folder / sr_name(elsewhere, "BASELINE")
    window = open_as(qtbot, study, "ada")
    action = window.actions_by_name["load_sr"]
    assert action.text() == "Load DICOM SR into a reader's draft…"
    answer(monkeypatch, [baseline], "bob")
    action.trigger()
    assert ("1 SR file(s) loaded into bob's draft read (SUBJ-001 BASELINE); bob reviews and "
            "signs it") in window.message.text()  # fmt: skip
    read = window.session.project.read(BOB)  # the window's own model has it at once
    assert set(read.lesions) == set(elsewhere.lesions)
    assert set(loaded_entries(read).values()) == {"ada"}
    assert [r["actor"] for r in records(study, "load-sr")] == ["ada"]
    action.trigger()  # again: refused, said on the message line
    assert "no SR loaded:" in window.message.text()
    assert "has entries already" in window.message.text()
    window.close()


def test_another_tools_sr_asks_for_the_csv_assigning_its_lesions(
    qtbot: QtBot, study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    ohif = ohif_writes(tmp_path)
    uids = [entry.tracking_uid for entry in read_sr(ohif).entries]
    lesions = tmp_path / "lesions.csv"
    lesions.write_text("tracking,lesion_id,category,organ\n" + "".join(
        f"{uid},T{k},TARGET,liver\n" for k, uid in enumerate(uids, 1)), encoding="utf-8")
    window = open_as(qtbot, study, "ada")
    answer(monkeypatch, [ohif], "bob", lesions)
    window.actions_by_name["load_sr"].trigger()
    assert "1 SR file(s) loaded into bob's draft read" in window.message.text()
    assert set(window.session.project.read(BOB).lesions) == {"T1", "T2"}
    window.close()


def test_a_readers_window_offers_no_sr_loading(qtbot: QtBot, study: Path) -> None:
    window = open_as(qtbot, study, "bob")
    assert "load_sr" not in window.actions_by_name
    menu_bar = window.menuBar()
    assert menu_bar is not None
    texts = [a.text() for menu in menu_bar.actions() if menu.menu() is not None
             for a in menu.menu().actions()]  # type: ignore[union-attr]
    assert "Export DICOM SR…" in texts and not any("Load DICOM SR" in t for t in texts)
    window.close()
