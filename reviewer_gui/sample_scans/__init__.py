"""The sample scans the demo opens (``recist-review --demo``): synthetic CT studies with known
lesions, made by ``reviewer_gui.sample_scans.generator`` (same seed, same bytes).

A checkout has them committed in ``sample_scans/``. An installed package does not ship the
13 MB of DICOM: it generates them on first use (about 3 s) into the user's cache folder,
``$XDG_CACHE_HOME/recist-toolkit/`` (``~/.cache/recist-toolkit/``), under a name that changes
with the generator, so a new release makes a fresh copy. A copy is generated into a temporary
folder beside its place and renamed into it when complete: an interrupted first run leaves no
half-written copy, and two first runs at once both end with the one complete copy.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from reviewer_gui.sample_scans import generator

#: The checkout's committed copy (absent from an installed package).
CHECKOUT_COPY = Path(__file__).resolve().parents[2] / "sample_scans"


class SampleScansError(OSError):
    """The sample scans could not be written; the message names the folder and the fix."""


def cache_root() -> Path:
    """The user's cache folder of this toolkit."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "recist-toolkit"


def _generator_tag() -> str:
    """A short hash of the generator's source: a changed generator gets a fresh copy."""
    return hashlib.sha256(Path(generator.__file__).read_bytes()).hexdigest()[:12]


def sample_scans_folder(cache: Path | None = None) -> Path:
    """The folder of the sample scans: the checkout's, else the cached copy (made if missing)."""
    if cache is None and (CHECKOUT_COPY / "truth.csv").is_file():
        return CHECKOUT_COPY
    root = cache or cache_root()
    target = root / f"sample-scans-{_generator_tag()}"
    if (target / "truth.csv").is_file():
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".sample-scans-", dir=root))
    except OSError as error:
        raise SampleScansError(
            f"{root}: cannot write the sample scans there ({error.strerror}); set "
            "XDG_CACHE_HOME to a folder you can write to"
        ) from None
    try:
        generator.generate(building)
        building.rename(target)
    except OSError as error:
        shutil.rmtree(building, ignore_errors=True)
        if (target / "truth.csv").is_file():  # another first run finished before this one
            return target
        raise SampleScansError(
            f"{root}: cannot write the sample scans there ({error.strerror or error}); free "
            "some space or set XDG_CACHE_HOME to a folder you can write to"
        ) from None
    return target


__all__ = ["CHECKOUT_COPY", "SampleScansError", "cache_root", "sample_scans_folder"]
