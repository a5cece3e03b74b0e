from __future__ import annotations

import pytest
from conftest import ProjectLocation

from .kit import Backend


@pytest.fixture
def backend(project_location: ProjectLocation) -> Backend:
    """An empty project location on each backend (the same tests run on both), through the
    suites' one parametrized fixture (``project_location``)."""
    location = project_location.empty()
    return Backend(project_location.kind, str(location), project_location.bootstrap)
