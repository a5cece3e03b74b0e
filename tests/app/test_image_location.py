"""The app on a project file whose images were imported to another folder (``--images DIR``):
the window finds them at the recorded location, with or without users."""

from __future__ import annotations

from pathlib import Path

from deid.kit import HENRIETTA, write_site_copy
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.qt.app import open_window

from .helpers import ready


def test_a_project_file_with_its_images_on_a_shared_drive(qtbot: QtBot, tmp_path: Path) -> None:
    write_site_copy(tmp_path / "site", HENRIETTA)
    shared = tmp_path / "shared"
    assert main(["import", str(tmp_path / "site"), str(tmp_path / "reading"),
                 "--images", str(shared)]) == 0
    assert not (tmp_path / "reading" / "images").exists()
    window = open_window(tmp_path / "reading" / "project.db", reader="alice")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: ready(window), timeout=30_000)
    view = window.views.current
    assert view is not None and view.volume.shape[0] == 20
    assert all(Path(f).is_relative_to(shared / "images") for f in view.volume.files)
    window.close()
