from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import ReadingProject
from reviewer_gui.store import Store, open_project

from .kit import Clock


@pytest.fixture
def project() -> ReadingProject:
    """A project in memory (no journal), with the real engine and a deterministic clock."""
    return ReadingProject(engine=RecistEngine(), clock=Clock())


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[tuple[ReadingProject, Store]]:
    """A project saved change by change in a real SQLite file."""
    project, store = open_project(tmp_path / "project.db", RecistEngine(), clock=Clock())
    yield project, store
    store.close()
