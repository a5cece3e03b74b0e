"""Public data types of :mod:`reviewer_gui.dicom`: volumes, series listings, warnings, errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt

Vec3 = tuple[float, float, float]
#: Called with each file as :func:`~reviewer_gui.dicom.load_series` reads it (its headers,
#: then again its pixels); what it raises ends the load (e.g. a stop the reader asked for).
FileRead = Callable[[Path], None]


class DicomLoadError(ValueError):
    """A series cannot be turned into one volume; the message says why and what to do."""


@dataclass(frozen=True)
class LoadWarning:
    """A problem that did not stop loading, reported to the user rather than hidden.

    ``code`` is stable and machine-readable: ``not-dicom``, ``unreadable``, ``no-pixels``,
    ``unsupported``, ``other-series``, ``duplicate-slice``, ``duplicate-position``, ``gap``,
    ``uneven-spacing``, ``no-rescale``, ``not-ct``, ``decoder-processes``, ``not-cached``
    and ``series-changed`` (DICOMweb). ``path`` names the
    file concerned, if any.
    """

    code: str
    message: str
    path: Path | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class SeriesInfo:
    """One series found by :func:`~reviewer_gui.dicom.find_series` (no pixel data read)."""

    series_uid: str
    study_uid: str
    patient_id: str
    study_date: str
    modality: str
    series_number: int | None
    series_description: str
    n_images: int  # frames, all files together
    rows: int
    columns: int
    files: tuple[Path, ...]  # sorted by path; pass them to load_series
    #: Slice Thickness (0018,0050) of a series found on a DICOMweb archive (no files to read
    #: it from); ``None`` for a folder's series (read from its first file when needed).
    slice_thickness_mm: Decimal | None = None

    def __str__(self) -> str:
        number = "" if self.series_number is None else f"#{self.series_number} "
        return (
            f"{self.patient_id} {self.study_date} {self.modality} {number}"
            f"'{self.series_description}' ({self.n_images} images, {self.rows}x{self.columns}, "
            f"{len(self.files)} files) {self.series_uid}"
        )


@dataclass(frozen=True)
class SeriesCatalog:
    """Every image series under a folder, plus warnings about files that were skipped."""

    series: tuple[SeriesInfo, ...]
    warnings: tuple[LoadWarning, ...]

    def by_uid(self, series_uid: str) -> SeriesInfo:
        """The series with this SeriesInstanceUID (KeyError listing the known ones if absent)."""
        for info in self.series:
            if info.series_uid == series_uid:
                return info
        known = ", ".join(s.series_uid for s in self.series) or "none"
        raise KeyError(f"no series {series_uid!r} here; series found: {known}")


@dataclass(frozen=True, eq=False)
class Volume:
    """A series as one array of Hounsfield units, slices sorted along the slice normal.

    ``voxels[k, i, j]`` is slice ``k`` (ascending position along the normal, i.e. the cross
    product of the row and column directions: inferior to superior for axial slices), row
    ``i``, column ``j``. It is ``int16`` when every slice's rescale is an integer shift with
    slope 1 (exact HU, half the memory), else ``float32``.

    Positions are in the patient coordinate system (LPS, mm) of the DICOM files.
    ``spacing_mm`` is ``(z, y, x)``: the median distance between consecutive slices, then
    PixelSpacing's row spacing and column spacing. When slices are unevenly spaced (see the
    ``gap`` and ``uneven-spacing`` warnings) use ``slice_positions_mm`` for the truth.
    ``pixel_spacing_mm`` is PixelSpacing (row, column) as recorded, or ``None`` when the file
    has none (a single image): ``spacing_mm`` then holds 1.0 only so that the image can be
    displayed, and nothing may be measured in millimetres (warning ``no-pixel-spacing``).
    """

    voxels: npt.NDArray[np.int16] | npt.NDArray[np.float32]
    spacing_mm: Vec3
    origin_mm: Vec3  # ImagePositionPatient of the first slice's first pixel
    row_direction: Vec3  # direction of increasing column index j
    column_direction: Vec3  # direction of increasing row index i
    slice_normal: Vec3
    slice_positions_mm: tuple[float, ...]  # position of each slice along slice_normal
    image_positions_mm: tuple[Vec3, ...]  # ImagePositionPatient of each slice
    sop_instance_uids: tuple[str, ...]  # one per slice (repeated for frames of one file)
    frame_numbers: tuple[int, ...]  # 1-based frame of each slice in its file
    files: tuple[Path, ...]  # the file of each slice
    series_uid: str
    study_uid: str
    patient_id: str
    study_date: str
    modality: str
    series_description: str
    slice_thickness_mm: float | None
    transfer_syntaxes: tuple[str, ...]  # distinct, in order of first use
    warnings: tuple[LoadWarning, ...]
    pixel_spacing_mm: tuple[float, float] | None = None

    @property
    def shape(self) -> tuple[int, int, int]:
        """(slices, rows, columns)."""
        s = self.voxels.shape
        return (s[0], s[1], s[2])

    @property
    def nbytes(self) -> int:
        """Size of the voxel array in bytes."""
        return int(self.voxels.nbytes)

    def warning_codes(self) -> list[str]:
        """The codes of the warnings, in order (convenient in tests and logs)."""
        return [w.code for w in self.warnings]
