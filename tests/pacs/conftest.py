"""Fixtures that start a real Orthanc (tests/pacs only; see orthanc_kit).

Outside a loopback-only network namespace (or without Orthanc installed) these tests are
skipped on a developer's machine with the command that runs them, and FAIL when CI=true.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from orthanc_kit import Orthanc, loopback_only_problem

from reviewer_gui.dicom import SeriesCache


def _require_orthanc() -> None:
    problem = loopback_only_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs Orthanc for tests/pacs: {problem}", pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="session")
def orthanc_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Orthanc]]:
    """Start Orthancs on demand; every one is stopped at the end of the session."""
    started: list[Orthanc] = []

    def start() -> Orthanc:
        _require_orthanc()
        server = Orthanc(tmp_path_factory.mktemp("orthanc"))
        try:
            server.start()
        except RuntimeError as exc:
            pytest.fail(f"Orthanc cannot start: {exc}", pytrace=False)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def orthanc(orthanc_factory: Callable[[], Orthanc]) -> Orthanc:
    """One Orthanc for the session (tests only add data to it)."""
    return orthanc_factory()


@pytest.fixture
def own_orthanc(orthanc_factory: Callable[[], Orthanc]) -> Iterator[Orthanc]:
    """An Orthanc of this test's own, which it may stop, pause or empty."""
    server = orthanc_factory()
    yield server
    server.stop()


@pytest.fixture
def cache(tmp_path: Path) -> SeriesCache:
    return SeriesCache(tmp_path / "cache", max_bytes=1 << 30)


@pytest.fixture(autouse=True)
def _no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests choose their credentials: none from this machine's environment or ~/.netrc."""
    monkeypatch.delenv("RECIST_REVIEW_DICOMWEB_USER", raising=False)
    monkeypatch.delenv("RECIST_REVIEW_DICOMWEB_PASSWORD", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
