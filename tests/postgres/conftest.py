from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgDatabase

from .kit import Backend


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """An empty project location on each backend (the same tests run on both)."""
    if request.param == "sqlite":
        yield Backend("sqlite", str(tmp_path / "study.db"))
        return
    database: PgDatabase = request.getfixturevalue("pg_database")
    yield Backend("postgres", database.location, database.url)
