"""Qt-free DICOM series loading for the reviewer app.

- :func:`find_series` lists the image series under a folder, reading headers only.
- :func:`load_series` loads one series as a :class:`Volume` of Hounsfield units, slices
  sorted along the slice normal, each slice rescaled with its own slope and intercept;
  compressed transfer syntaxes (JPEG, JPEG-LS, JPEG 2000, RLE) and enhanced multi-frame CT
  are supported; `source` may also be a DICOMweb URL (fetched progressively into a
  bounded on-disk :class:`SeriesCache`, then loaded by the same code). Problems are reported
  in ``Volume.warnings`` or raised as :class:`DicomLoadError`, never hidden.

Built on pydicom; this package must never import Qt (an import-linter contract checks it).
"""

from ._cache import SeriesCache
from ._loader import load_series
from ._model import DicomLoadError, LoadWarning, SeriesCatalog, SeriesInfo, Volume
from ._pixels import shutdown_pool
from ._scan import find_series

__all__ = [
    "DicomLoadError",
    "LoadWarning",
    "SeriesCache",
    "SeriesCatalog",
    "SeriesInfo",
    "Volume",
    "find_series",
    "load_series",
    "shutdown_pool",
]
