"""Helpers for the app's blinded-review tests: site data with PHI seeded in its headers,
imported with ``recist-review import``, users added (administrator ada, readers alice and bob,
adjudicator carol); windows signed in as one of them; a timepoint read from the sample scans'
truth; every text a window shows."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from deid.kit import HENRIETTA, MAXIMILIAN, Patient, write_site_copy
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.deid import PROJECT_DB, DeidKey, default_key_file
from reviewer_gui.qt._overlay import measurement_label
from reviewer_gui.qt.app import open_signed_in
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category, ReadKey
from reviewer_gui.review import Role, add_user
from reviewer_gui.store import Store

from .helpers import ready, sample_lesions, truth_segments

PASSWORDS = {"ada": "admin-pass-1", "alice": "alice-pass-1", "bob": "bob-pass-123",
             "carol": "carol-pass-1"}  # fmt: skip
ROLES = {"alice": Role.READER, "bob": Role.READER, "carol": Role.ADJUDICATOR}
PATIENTS = (HENRIETTA, MAXIMILIAN)
CTRL = Qt.KeyboardModifier.ControlModifier


def import_study(root: Path, *, site: Callable[[Path], None] | None = None) -> Path:
    """Both patients' site data imported into ``root/reading``, users added; the project
    file. ``site`` may add to the site's folder (``root/site``) before the import."""
    for patient in PATIENTS:
        write_site_copy(root / "site", patient)
    if site is not None:
        site(root / "site")
    assert main(["import", str(root / "site"), str(root / "reading")]) == 0
    path = root / "reading" / PROJECT_DB
    with Store.open(path, create=False) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
        for name, role in ROLES.items():
            add_user(store, name, role, PASSWORDS[name], by=admin)
    return path


def copy_study(prepared: Path, tmp_path: Path) -> Path:
    """A fresh copy of a prepared project folder (and its key beside it) for one test."""
    reading = prepared.parent
    shutil.copytree(reading, tmp_path / "reading")
    key = default_key_file(reading)
    shutil.copy(key, default_key_file(tmp_path / "reading"))
    return tmp_path / "reading" / PROJECT_DB


#: The reading folder (images, key) of each PostgreSQL study of a test (``study`` fixture).
SERVER_FOLDERS: dict[str, Path] = {}


def reading_folder(location: Path | str) -> Path:
    """The folder of the project's images and de-identification key (either backend)."""
    return location.parent if isinstance(location, Path) else SERVER_FOLDERS[location]


def audit_query(location: Path | str, sql: str, *parameters: object) -> list[tuple[object, ...]]:
    """Rows of ``sql`` (``?`` placeholders) on the project: the file, or the server read as
    its study administrator ada."""
    if isinstance(location, Path):
        db = sqlite3.connect(location)
        try:
            return db.execute(sql, parameters).fetchall()
        finally:
            db.close()
    from reviewer_gui.store import open_store
    from reviewer_gui.store.postgres import PostgresStore

    with open_store(location, user="ada", password=PASSWORDS["ada"]) as store:
        assert isinstance(store, PostgresStore)
        return [tuple(r) for r in store.database.execute(sql, parameters).fetchall()]


def samples(path: Path | str) -> dict[str, Patient]:
    """The patient (and so the sample subject) behind each case id, from the key."""
    with DeidKey.open(default_key_file(reading_folder(path))) as key:
        case_ids = key.case_ids()
    return {case_ids[p.patient_id]: p for p in PATIENTS}


def open_as(qtbot: QtBot, path: Path | str, name: str) -> MainWindow:
    window = open_signed_in(path, name, PASSWORDS[name])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: ready(window), timeout=30_000)
    return window


SAMPLE_LABELS = {"BASELINE": "BASELINE", "FU1": "M2", "FU2": "M4", "FU3": "M6"}


def read_timepoint(window: MainWindow, patient: Patient, *, detail: str = "") -> None:
    """The truth's lesions at the window's current timepoint, recorded through the window's
    model (as the tools record them); ``detail``: free text of the lesions' location."""
    session = window.session
    assert session.case_id is not None and session.timepoint is not None
    key = ReadKey(session.case_id, session.reader)
    view = window.views.current
    assert view is not None
    label = SAMPLE_LABELS[session.timepoint]
    project = session.project
    for lesion_id, category, organ in sample_lesions(patient.sample, label):
        if lesion_id not in project.read(key).lesions:
            project.add_lesion(key, Category(category), organ, detail=detail,
                               lesion_id=lesion_id)  # fmt: skip
        long, short, plane = truth_segments(view.volume, patient.sample, label, lesion_id)
        project.measure(key, session.timepoint, lesion_id, long, plane, short_axis=short)


def _tree_texts(tree: QTreeWidget) -> list[str]:
    texts: list[str] = []
    header = tree.headerItem()
    stack: list[QTreeWidgetItem] = [header] if header is not None else []
    stack += [item for k in range(tree.topLevelItemCount())
              if (item := tree.topLevelItem(k)) is not None]  # fmt: skip
    while stack:
        item = stack.pop()
        for c in range(tree.columnCount()):
            texts += [item.text(c), item.toolTip(c)]
        stack += [child for k in range(item.childCount())
                  if (child := item.child(k)) is not None]  # fmt: skip
    return texts


def _table_texts(table: QTableWidget) -> list[str]:
    texts: list[str] = []
    for c in range(table.columnCount()):
        header = table.horizontalHeaderItem(c)
        if header is not None:
            texts += [header.text(), header.toolTip()]
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            item = table.item(r, c)
            if item is not None:
                texts += [item.text(), item.toolTip()]
    return texts


def window_texts(window: MainWindow) -> list[str]:
    """Every text the window shows or would show on hover: title, labels, buttons, fields,
    pick lists, tree items, table cells and headers, tooltips, dock titles, the status bar,
    and what the image views paint over the images (series title, readout, status line,
    orientation, measurement captions)."""
    texts = [window.windowTitle()]
    bar = window.statusBar()
    if bar is not None:
        texts.append(bar.currentMessage())
    for widget in [window, *window.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.windowTitle(), widget.statusTip()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(k) for k in range(widget.count())]
        elif isinstance(widget, QTextBrowser):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QTreeWidget):
            texts += _tree_texts(widget)
        elif isinstance(widget, QTableWidget):
            texts += _table_texts(widget)
        elif isinstance(widget, QDockWidget):
            texts.append(widget.windowTitle())
    for view in window.views.views():
        texts += [*view.title_lines(), *view.viewport.readout(), *view.sides()]
        if view.status is not None:
            texts.append(view.status[0])
        texts += [measurement_label(m) for m in view.viewport.layer.items]
    return [t for t in texts if t]
