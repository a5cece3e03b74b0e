"""Reads as DICOM Structured Reports (TID 1500 Measurement Report), and back; Qt-free.

- :func:`write_srs` writes every signed timepoint of reads as Comprehensive 3D SR files
  (``recist-review export PROJECT.db --sr DIR``), built by :func:`timepoint_sr` with highdicom
  in the form OHIF v3 re-opens (Cornerstone3D's Length and Bidirectional tools).
- :func:`read_sr` reads a TID 1500 SR (ours, or OHIF's) back as entries of a read;
  :func:`entries_of` gives a read's entries as our SR keeps them, to compare;
  :func:`record_entries` records them into a read as a draft (the way back to the model).
"""

from reviewer_gui.sr.export import SrExport, SrExportError, sr_name, write_srs
from reviewer_gui.sr.images import ImagesMissing, SeriesHeaders
from reviewer_gui.sr.load import record_entries
from reviewer_gui.sr.reader import (
    NotAMeasurementReport,
    SrAxis,
    SrEntry,
    SrFragment,
    SrRead,
    entries_of,
    read_sr,
)
from reviewer_gui.sr.writer import timepoint_sr, tracking_uid

__all__ = [
    "ImagesMissing",
    "NotAMeasurementReport",
    "SeriesHeaders",
    "SrAxis",
    "SrEntry",
    "SrExport",
    "SrExportError",
    "SrFragment",
    "SrRead",
    "entries_of",
    "read_sr",
    "record_entries",
    "sr_name",
    "timepoint_sr",
    "tracking_uid",
    "write_srs",
]
