"""``load_series``: headers first, checks, sort along the slice normal, then one pixel pass."""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._cache import SeriesCache
from ._dicomweb import is_dicomweb_url
from ._headers import FrameHeader, read_frames
from ._model import DicomLoadError, FileRead, LoadWarning, Vec3, Volume
from ._pixels import fill
from ._scan import Source, collect_files

if TYPE_CHECKING:
    from ._remote import FirstImage, Progress

ORIENTATION_TOL = 1e-3  # direction cosines
SPACING_TOL = 1e-3  # relative, pixel spacing
POSITION_TOL_MM = 0.01  # two slices closer than this along the normal are at one position
UNEVEN_TOL = 0.01  # relative deviation of a slice interval from the median
GAP_FACTOR = 1.5  # an interval this many times the median is a gap (missing slices)


def load_series(source: Source, *, series_uid: str | None = None,
                workers: int | None = None, on_first_image: FirstImage | None = None,
                on_progress: Progress | None = None, cache: SeriesCache | None = None,
                timeout: float | None = None, on_file: FileRead | None = None) -> Volume:
    """Load one DICOM series as a :class:`Volume` of Hounsfield units.

    `source` is a folder (searched recursively), an iterable of files, or a DICOMweb base URL
    ``http(s)://[user:password@]host:port/dicom-web`` (then `series_uid` is required;
    credentials from the URL, ``RECIST_REVIEW_DICOMWEB_USER``/``_PASSWORD`` or ``~/.netrc``).
    When a folder holds several series, pass `series_uid` (see :func:`find_series`). `workers`
    is the number of processes that decode compressed files (default: all cores; 1 decodes in
    this process).

    From DICOMweb only: `on_first_image(volume)` gets the middle slice as a one-slice Volume
    before the rest arrives, `on_progress(done, total)` counts the images fetched (neither is
    called when the series comes from the `cache`, a :class:`SeriesCache`, default
    ``SeriesCache()``); `timeout` is per request in seconds (default
    ``RECIST_REVIEW_DICOMWEB_TIMEOUT`` or 30). Fetched files are loaded by the folder code, so
    the Volume and its warnings are the same (file paths are the cached copies).

    From any source: `on_file(path)` is called with each file as it is read, once for its
    headers and once for its pixels (from DICOMweb: the files fetched or cached); whatever it
    raises ends the load there and is raised by this function (nothing of a download cached),
    so a load in a worker thread can be stopped between two files.

    Problems that still allow a trustworthy volume are reported in ``Volume.warnings``:
    non-DICOM, unreadable and non-image files (skipped), files of other series, duplicated
    slices (dropped), gaps and uneven spacing, missing rescale, non-CT values, decoding processes
    that could not run (decoded here instead). Problems that do
    not (mixed orientations, sizes or pixel spacings, no image at all) raise
    :class:`DicomLoadError` with a message that says what to do.
    """
    if is_dicomweb_url(source):
        from ._remote import load_remote

        assert isinstance(source, str)
        return load_remote(source, series_uid, workers=workers, on_first_image=on_first_image,
                           on_progress=on_progress, cache=cache, timeout=timeout,
                           on_file=on_file)
    warnings: list[LoadWarning] = []
    frames: list[FrameHeader] = []
    for path in collect_files(source):
        if on_file is not None:
            on_file(path)
        got = read_frames(path)
        if isinstance(got, LoadWarning):
            warnings.append(got)
        else:
            frames.extend(got)
    frames = _one_series(frames, series_uid, warnings, source)
    frames = _drop_duplicate_instances(frames, warnings)
    _check_same_geometry(frames)
    normal, frames, locations = _sort_along_normal(frames, warnings)
    z_spacing = _check_spacing(locations, frames, warnings)
    first = frames[0]
    if first.modality != "CT":
        warnings.append(LoadWarning("not-ct", f"modality is {first.modality or 'unknown'}, not "
                                    "CT: values are the rescaled stored values, not HU"))
    no_rescale = [f for f in frames if not f.has_rescale]
    if no_rescale and first.modality == "CT":
        warnings.append(LoadWarning("no-rescale", f"{len(no_rescale)} slice(s) have no "
                                    "RescaleSlope/RescaleIntercept, e.g. "
                                    f"{no_rescale[0].path}: assumed slope 1, intercept 0",
                                    no_rescale[0].path))
    voxels = fill(frames, workers, warnings, on_file)
    ori = first.orientation or (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    spacing = first.pixel_spacing or (1.0, 1.0)  # display only: see Volume.pixel_spacing_mm
    if first.pixel_spacing is None:
        warnings.append(LoadWarning("no-pixel-spacing", f"{first.path}: no PixelSpacing "
                                    "(0028,0030): shown with square pixels, lengths in mm "
                                    "cannot be measured", first.path))
    return Volume(
        voxels=voxels,
        spacing_mm=(z_spacing, spacing[0], spacing[1]),
        origin_mm=first.position or (0.0, 0.0, 0.0),
        row_direction=(ori[0], ori[1], ori[2]),
        column_direction=(ori[3], ori[4], ori[5]),
        slice_normal=normal,
        slice_positions_mm=tuple(locations),
        image_positions_mm=tuple(f.position or (0.0, 0.0, 0.0) for f in frames),
        sop_instance_uids=tuple(f.sop_uid for f in frames),
        frame_numbers=tuple(f.frame + 1 for f in frames),
        files=tuple(f.path for f in frames),
        series_uid=first.series_uid,
        study_uid=first.study_uid,
        patient_id=first.patient_id,
        study_date=first.study_date,
        modality=first.modality,
        series_description=first.series_description,
        slice_thickness_mm=first.thickness,
        transfer_syntaxes=tuple(dict.fromkeys(f.transfer_syntax for f in frames)),
        warnings=tuple(warnings),
        pixel_spacing_mm=first.pixel_spacing,
    )


def _one_series(frames: list[FrameHeader], series_uid: str | None,
                warnings: list[LoadWarning], source: Source) -> list[FrameHeader]:
    where = source if isinstance(source, str | os.PathLike) else "the files given"
    if not frames:
        detail = "; ".join(w.message for w in warnings[:3])
        raise DicomLoadError(f"no DICOM image in {where}" + (f" ({detail})" if detail else ""))
    by_series: dict[str, list[FrameHeader]] = {}
    for f in frames:
        by_series.setdefault(f.series_uid, []).append(f)
    if series_uid is None and len(by_series) > 1:
        listing = "; ".join(
            f"{uid} ('{fs[0].series_description}', {len(fs)} images)"
            for uid, fs in by_series.items())
        raise DicomLoadError(
            f"{where} holds {len(by_series)} series: {listing}. Pass series_uid=... or the "
            "files of one series (find_series() lists them)."
        )
    uid = series_uid if series_uid is not None else next(iter(by_series))
    if uid not in by_series:
        raise DicomLoadError(f"series {uid} is not in {where}; series found: "
                             f"{', '.join(by_series)}")
    for other, fs in by_series.items():
        if other != uid:
            warnings.append(LoadWarning("other-series", f"{len(fs)} image(s) of another series "
                                        f"({other}) ignored, e.g. {fs[0].path}", fs[0].path))
    return by_series[uid]


def _drop_duplicate_instances(frames: list[FrameHeader],
                              warnings: list[LoadWarning]) -> list[FrameHeader]:
    kept: dict[tuple[str, int], FrameHeader] = {}
    for f in frames:
        key = (f.sop_uid, f.frame)
        if key in kept:
            if f.path != kept[key].path and f.frame == 0:
                warnings.append(LoadWarning(
                    "duplicate-slice", f"{f.path} is a copy of {kept[key].path} (same SOP "
                    f"Instance UID {f.sop_uid}): dropped", f.path))
            continue
        kept[key] = f
    return list(kept.values())


def _describe(values: Sequence[object], frames: Sequence[FrameHeader]) -> str:
    counts = Counter(values)
    parts = []
    for value, n in counts.most_common(4):
        example = next(f.path for f, v in zip(frames, values, strict=True) if v == value)
        parts.append(f"{value} in {n} image(s), e.g. {example.name}")
    return "; ".join(parts)


def _check_same_geometry(frames: list[FrameHeader]) -> None:
    first = frames[0]
    sizes = [(f.rows, f.columns) for f in frames]
    if len(set(sizes)) > 1:
        raise DicomLoadError("images of different sizes in one series (rows x columns: "
                             f"{_describe(sizes, frames)}); load the files of one size "
                             "separately (the series may mix scouts and axial images)")
    if any(f.samples != 1 for f in frames):
        raise DicomLoadError(f"{first.path}: colour images (SamplesPerPixel "
                             f"{first.samples}): not a CT volume")
    if len(frames) > 1 and any(f.orientation is None or f.position is None for f in frames):
        bad = next(f for f in frames if f.orientation is None or f.position is None)
        raise DicomLoadError(f"{bad.path}: no ImagePositionPatient/ImageOrientationPatient, so "
                             "its slice cannot be placed; this is not a cross-sectional series")
    ref_ori = np.array(first.orientation or (1, 0, 0, 0, 1, 0), dtype=float)
    oris = [f.orientation for f in frames]
    if any(np.abs(np.array(o, dtype=float) - ref_ori).max() > ORIENTATION_TOL for o in oris):
        rounded = [tuple(round(v, 3) for v in o or ()) for o in oris]
        raise DicomLoadError("mixed slice orientations in one series "
                             f"(ImageOrientationPatient: {_describe(rounded, frames)}); pass "
                             "the files of one orientation (e.g. only the axial ones)")
    ref_px = first.pixel_spacing
    spacings = [f.pixel_spacing for f in frames]
    if ref_px is None:
        if len(frames) > 1:
            raise DicomLoadError(f"{first.path}: no PixelSpacing: millimetres unknown")
    elif any(s is None or not all(math.isclose(a, b, rel_tol=SPACING_TOL)
                                  for a, b in zip(s, ref_px, strict=True)) for s in spacings):
        raise DicomLoadError(f"mixed pixel spacings in one series (PixelSpacing: "
                             f"{_describe(spacings, frames)}); load each spacing separately")


def _sort_along_normal(frames: list[FrameHeader], warnings: list[LoadWarning],
                       ) -> tuple[Vec3, list[FrameHeader], list[float]]:
    ori = np.array(frames[0].orientation or (1, 0, 0, 0, 1, 0), dtype=float)
    n = np.cross(ori[:3], ori[3:])
    n /= np.linalg.norm(n) or 1.0
    normal: Vec3 = (float(n[0]), float(n[1]), float(n[2]))
    located = sorted(((float(np.dot(f.position or (0, 0, 0), n)), f.instance_number, i, f)
                      for i, f in enumerate(frames)), key=lambda t: t[:3])
    kept: list[tuple[float, FrameHeader]] = []
    for loc, _, _, f in located:
        if kept and abs(loc - kept[-1][0]) < POSITION_TOL_MM and len(frames) > 1:
            warnings.append(LoadWarning(
                "duplicate-position", f"{f.path} (frame {f.frame + 1}) is at the same position "
                f"({loc:.2f} mm) as {kept[-1][1].path}: dropped; check that the series does "
                "not mix two reconstructions", f.path))
            continue
        kept.append((loc, f))
    return normal, [f for _, f in kept], [loc for loc, _ in kept]


def _check_spacing(locations: list[float], frames: list[FrameHeader],
                   warnings: list[LoadWarning]) -> float:
    if len(locations) < 2:
        return frames[0].thickness or 1.0
    steps = np.diff(np.array(locations))
    median = float(np.median(steps))
    for i, step in enumerate(steps):
        if step > GAP_FACTOR * median:
            missing = round(step / median) - 1
            warnings.append(LoadWarning(
                "gap", f"gap of {step:.2f} mm between slices at {locations[i]:.2f} and "
                f"{locations[i + 1]:.2f} mm ({frames[i].path.name} and "
                f"{frames[i + 1].path.name}): about {missing} slice(s) missing; the volume "
                "keeps the slices it has (see slice_positions_mm)", frames[i + 1].path))
    regular = steps[steps <= GAP_FACTOR * median]
    deviation = float(np.abs(regular - median).max()) if regular.size else 0.0
    if deviation > max(UNEVEN_TOL * median, POSITION_TOL_MM):
        warnings.append(LoadWarning(
            "uneven-spacing", f"slice intervals vary from {regular.min():.3f} to "
            f"{regular.max():.3f} mm (median {median:.3f} mm); spacing_mm uses the median, "
            "slice_positions_mm has the true positions"))
    return median
