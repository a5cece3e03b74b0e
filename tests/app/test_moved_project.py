"""A reading project folder moved or copied elsewhere still opens its images: the import
stores each timepoint's series folder relative to the project folder (``images/CASE/LABEL``),
and the app resolves it against the folder of the project database; absolute folders (the
app's own folder scans, older imports) keep working."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from deid.kit import HENRIETTA, SAMPLE_SCANS, write_site_copy
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.deid import IMAGES, PROJECT_DB
from reviewer_gui.qt.app import open_window
from reviewer_gui.qt.studies import series_files, series_folder
from reviewer_gui.reading import SeriesRef

from .helpers import ready


@pytest.mark.parametrize(("folder", "expected"), [
    ("images/CASE-7K3F/BASELINE", "/trial/reading/images/CASE-7K3F/BASELINE"),
    ("/old/place/images/CASE-7K3F/FU1", "/old/place/images/CASE-7K3F/FU1"),
])  # fmt: skip
def test_a_series_folder_is_relative_to_the_project_unless_absolute(
        folder: str, expected: str) -> None:
    ref = SeriesRef("1.2.3", "1.2.3.4", folder)
    assert series_folder(ref, Path("/trial/reading")) == Path(expected)


def test_a_moved_project_still_opens_its_images(qtbot: QtBot, tmp_path: Path) -> None:
    write_site_copy(tmp_path / "site", HENRIETTA)
    assert main(["import", str(tmp_path / "site"), str(tmp_path / "reading")]) == 0
    moved = tmp_path / "elsewhere" / "reading-copy"
    shutil.copytree(tmp_path / "reading", moved)
    shutil.rmtree(tmp_path / "reading")  # nothing left where it was imported
    window = open_window(moved / PROJECT_DB, reader="alice")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: ready(window), timeout=30_000)
    timepoint = window.session.current()
    assert timepoint is not None and timepoint.series is not None
    assert timepoint.series.folder == f"{IMAGES}/{window.session.case_id}/BASELINE"
    files = series_files(timepoint.series, moved)
    assert files and all(f.is_relative_to(moved) for f in files)
    n_slices = len(list((SAMPLE_SCANS / HENRIETTA.sample / "BASELINE").iterdir()))
    view = window.views.current
    assert view is not None and view.volume.shape[0] == n_slices == len(files)
    assert "cannot open" not in window.message.text()
    window.close()
