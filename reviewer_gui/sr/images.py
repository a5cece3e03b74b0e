"""The images an SR refers to: the headers (no pixel data) of a timepoint's series, by SOP
Instance UID, read from the folder the project keeps the series in, or from its reading
archive (a DICOMweb URL: the series is loaded into the reader's cache with the reader's own
credentials, ``reviewer_gui.dicom.load_series``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from reviewer_gui.reading import SeriesRef


class ImagesMissing(ValueError):
    """The images a read refers to are not where the project says; the message names them."""


class SeriesHeaders:
    """Headers of the series of a project's timepoints, read once per series. ``base`` is the
    project database's folder (``recist-review import`` stores series folders relative to it;
    an absolute folder stays as it is), or the URL of the project's reading archive."""

    def __init__(self, base: Path | str) -> None:
        self.base = base
        self._series: dict[str, dict[str, Dataset]] = {}

    def of(self, series: SeriesRef) -> dict[str, Dataset]:
        """SOP Instance UID -> header of every image of ``series`` (``ImagesMissing`` when
        its folder holds none)."""
        if series.series_uid not in self._series:
            folder = self._folder(series)
            found = {ds.SOPInstanceUID: ds for ds in _headers(folder)
                     if ds.get("SeriesInstanceUID") == series.series_uid}  # fmt: skip
            if not found:
                raise ImagesMissing(f"{folder}: no image of series {series.series_uid}; the "
                                    "SR refers to the read's images: put the project's images "
                                    "folder back beside it")  # fmt: skip
            self._series[series.series_uid] = found
        return self._series[series.series_uid]

    def _folder(self, series: SeriesRef) -> Path:
        """The series' folder; from an archive, the cache folder it was loaded into."""
        if isinstance(self.base, Path):
            return self.base / series.folder
        from reviewer_gui.dicom import DicomLoadError, load_series

        try:
            volume = load_series(self.base, series_uid=series.series_uid)
        except DicomLoadError as error:
            raise ImagesMissing(f"{error}: the SR refers to the read's images") from None
        return Path(os.path.commonpath([str(f.parent) for f in volume.files]))

    def image(self, series: SeriesRef, sop_instance_uid: str) -> Dataset:
        """The header of one image of ``series``."""
        found = self.of(series)
        if sop_instance_uid not in found:
            raise ImagesMissing(f"{self._folder(series)}: no image {sop_instance_uid} in "
                                f"series {series.series_uid}: the measurement's image is "
                                "missing from the project's images")  # fmt: skip
        return found[sop_instance_uid]


def _headers(folder: Path) -> Iterator[Dataset]:
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            dataset = pydicom.dcmread(path, stop_before_pixels=True)
        except (InvalidDicomError, OSError, ValueError):
            continue
        if "SOPInstanceUID" in dataset and "PixelSpacing" in dataset:
            yield dataset
