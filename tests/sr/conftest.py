from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_gui.cli import main

from .kit import sample_project


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample project (no users) and the folder ``recist-review export --sr`` wrote."""
    root = tmp_path_factory.mktemp("sr")
    sample_project(root / "project.db")
    assert main(["export", str(root / "project.db"), "--sr", str(root / "sr")]) == 0
    return root / "project.db", root / "sr"
