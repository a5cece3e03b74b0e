"""The sample scans' generator (``reviewer_gui.sample_scans.generator``), for every test
package that needs the sample scans' known geometry, and the checkout's committed copy."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from reviewer_gui.sample_scans import generator

SAMPLE_SCANS = Path(__file__).resolve().parents[1] / "sample_scans"


def load_generator() -> ModuleType:
    """The generator module."""
    return generator
