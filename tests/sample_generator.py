"""``sample_scans/generate.py`` as a module, for every test package that needs the sample
scans' known geometry (it is a script, not a package: imported once by path)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SAMPLE_SCANS = Path(__file__).resolve().parents[1] / "sample_scans"
_NAME = "sample_scans_generate"


def load_generator() -> ModuleType:
    """The generator module, loaded on first use (no ``__pycache__`` written beside it)."""
    if _NAME in sys.modules:
        return sys.modules[_NAME]
    spec = importlib.util.spec_from_file_location(_NAME, SAMPLE_SCANS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = module
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return module
