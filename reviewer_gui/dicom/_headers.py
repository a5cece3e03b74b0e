"""Reading DICOM headers without pixel data: one :class:`FrameHeader` per image frame.

Classic single-frame images and enhanced multi-frame images (per-frame and shared functional
groups) give the same records, so the loader sorts and checks frames without caring which.
For natively encoded little-endian pixel data the byte offset of the pixel values is kept,
so that the loader can read them straight into its array later.
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.uid import UID, ExplicitVRLittleEndian, ImplicitVRLittleEndian

from ._model import LoadWarning, Vec3
from ._quickscan import Fallback, numbers, scan, text, ushort

_NATIVE_LE = {ExplicitVRLittleEndian, ImplicitVRLittleEndian}
_PIXEL_DATA_TAG = b"\xe0\x7f\x10\x00"
_DICOMDIR = "1.2.840.10008.1.3.10"


@dataclass(frozen=True)
class FrameHeader:
    """What the loader needs to know about one frame (one slice) of one file."""

    path: Path
    frame: int  # 0-based frame index in the file
    n_frames: int
    sop_uid: str
    series_uid: str
    study_uid: str
    patient_id: str
    study_date: str
    modality: str
    series_number: int | None
    series_description: str
    instance_number: int
    position: Vec3 | None
    orientation: tuple[float, float, float, float, float, float] | None
    pixel_spacing: tuple[float, float] | None
    thickness: float | None
    rows: int
    columns: int
    bits_allocated: int
    bits_stored: int
    signed: bool
    samples: int
    slope: float
    intercept: float
    has_rescale: bool
    transfer_syntax: str
    pixel_offset: int | None  # byte offset of frame 0's values when natively encoded (LE)


class NotAnImage(Exception):
    """The file is DICOM but holds no image (a report, a DICOMDIR, a presentation state)."""


class Truncated(Exception):
    """The file ends before its image does."""


class Unsupported(Exception):
    """The file holds images this loader cannot place in a volume."""


_LOAD_TAGS = {
    0x00080018: "sop_uid", 0x00080020: "study_date", 0x00080060: "modality",
    0x0008103E: "series_description", 0x00100020: "patient_id", 0x00180050: "thickness",
    0x0020000D: "study_uid", 0x0020000E: "series_uid", 0x00200011: "series_number",
    0x00200013: "instance_number", 0x00200032: "position", 0x00200037: "orientation",
    0x00280002: "samples", 0x00280008: "frames", 0x00280010: "rows", 0x00280011: "columns",
    0x00280030: "pixel_spacing", 0x00280100: "bits_allocated", 0x00280101: "bits_stored",
    0x00280103: "signed", 0x00281052: "intercept", 0x00281053: "slope",
}


def quick_frames(path: Path) -> list[FrameHeader] | None:
    """The fast path for a classic single-frame little-endian image; None: ask pydicom."""
    found = scan(path, _LOAD_TAGS, 0x7FE00010)
    if found is None or found[2] is None:
        return None
    syntax, raw, value_at, length = found
    try:
        position, orientation = numbers(raw, "position"), numbers(raw, "orientation")
        spacing = numbers(raw, "pixel_spacing")
        if len(position) != 3 or len(orientation) != 6 or len(spacing) != 2:
            return None  # enhanced images keep these in functional groups: pydicom reads them
        if int(text(raw, "frames") or 1) != 1 or "rows" not in raw or "columns" not in raw:
            return None
        slope, intercept = numbers(raw, "slope"), numbers(raw, "intercept")
        thickness = numbers(raw, "thickness")
        number, instance = text(raw, "series_number"), text(raw, "instance_number")
        bits_allocated = ushort(raw, "bits_allocated", 16)
        native = syntax in _NATIVE_LE and length != 0xFFFFFFFF and sys.byteorder == "little"
        return [FrameHeader(
            path=path, frame=0, n_frames=1, sop_uid=text(raw, "sop_uid"),
            series_uid=text(raw, "series_uid"), study_uid=text(raw, "study_uid"),
            patient_id=text(raw, "patient_id"), study_date=text(raw, "study_date"),
            modality=text(raw, "modality"), series_number=int(number) if number else None,
            series_description=text(raw, "series_description"),
            instance_number=int(instance) if instance else 0,
            position=(position[0], position[1], position[2]),
            orientation=(orientation[0], orientation[1], orientation[2], orientation[3],
                         orientation[4], orientation[5]),
            pixel_spacing=(spacing[0], spacing[1]),
            thickness=thickness[0] if thickness else None,
            rows=ushort(raw, "rows", 0), columns=ushort(raw, "columns", 0),
            bits_allocated=bits_allocated,
            bits_stored=ushort(raw, "bits_stored", bits_allocated),
            signed=ushort(raw, "signed", 0) == 1, samples=ushort(raw, "samples", 1),
            slope=slope[0] if slope else 1.0, intercept=intercept[0] if intercept else 0.0,
            has_rescale=bool(slope) and bool(intercept), transfer_syntax=syntax,
            pixel_offset=value_at if native else None,
        )]
    except (Fallback, ValueError, struct.error):
        return None


def read_frames(path: Path, quick: bool = True) -> list[FrameHeader] | LoadWarning:
    """The frames of one file, or a warning saying why the file is skipped.

    Classic single-frame little-endian images go through a fast header walk
    (:mod:`._quickscan`); everything else, and anything that walk is unsure of, through
    pydicom.
    """
    if quick:
        frames = quick_frames(path)
        if frames is not None:
            return frames
    try:
        with path.open("rb") as f:
            ds = pydicom.dcmread(f, stop_before_pixels=True)
            offset = _pixel_offset(f, ds)
            return _frames(path, ds, offset)
    except InvalidDicomError:
        return LoadWarning("not-dicom", f"{path}: not a DICOM file (no 'DICM' marker): skipped",
                           path)
    except NotAnImage as exc:
        return LoadWarning("no-pixels", f"{path}: {exc}: skipped", path)
    except Unsupported as exc:
        return LoadWarning("unsupported", f"{path}: {exc}: skipped", path)
    except Truncated as exc:
        return LoadWarning("unreadable", f"{path}: {exc}: skipped", path)
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError, AttributeError,
            struct.error) as exc:
        return LoadWarning("unreadable", f"{path}: unreadable DICOM file "
                           f"({type(exc).__name__}: {exc}): skipped", path)


def _pixel_offset(f: Any, ds: Dataset) -> int | None:
    """Offset of native little-endian pixel values, from the file position pydicom left us at."""
    ts = str(ds.file_meta.get("TransferSyntaxUID", ImplicitVRLittleEndian))
    if ts not in _NATIVE_LE or sys.byteorder != "little":
        return None
    start = f.tell()
    head = f.read(12)
    if len(head) < 8 or head[:4] != _PIXEL_DATA_TAG:
        return None
    if ts == ImplicitVRLittleEndian:
        length, value_at = struct.unpack("<I", head[4:8])[0], start + 8
    else:
        length, value_at = struct.unpack("<I", head[8:12])[0], start + 12
    return None if length == 0xFFFFFFFF else int(value_at)


def _text(ds: Dataset, keyword: str, default: str = "") -> str:
    value = ds.get(keyword)
    return default if value is None else str(value).strip()


def _floats(value: Any, n: int) -> tuple[float, ...] | None:
    if value is None or value == "":
        return None
    items = [float(value)] if isinstance(value, int | float) else [float(v) for v in value]
    return tuple(items) if len(items) == n else None


def _first_item(ds: Dataset | None, sequence: str) -> Dataset | None:
    seq = None if ds is None else ds.get(sequence)
    return seq[0] if seq else None


def _fg_value(per: Dataset | None, shared: Dataset | None, sequence: str, keyword: str) -> Any:
    """A value from a functional group macro: the per-frame item first, then the shared one."""
    for group in (per, shared):
        item = _first_item(group, sequence)
        if item is not None and keyword in item:
            return item.get(keyword)
    return None


def _frames(path: Path, ds: Dataset, offset: int | None) -> list[FrameHeader]:
    sop_class = str(ds.file_meta.get("MediaStorageSOPClassUID", ds.get("SOPClassUID", "")))
    if sop_class == _DICOMDIR or "DirectoryRecordSequence" in ds:
        raise NotAnImage("a DICOMDIR index, not an image")
    is_image_class = "Image Storage" in UID(sop_class).name
    if "Rows" not in ds or "Columns" not in ds or (
            offset is None and ds.file_meta.get("TransferSyntaxUID") in _NATIVE_LE):
        if is_image_class:  # an image without its image attributes: cut short
            raise Truncated(f"a {UID(sop_class).name} file without Rows, Columns or Pixel "
                            "Data: truncated or damaged; ask the site to send it again")
        raise NotAnImage(f"not an image (SOP class {UID(sop_class).name or 'unknown'})")
    n_frames = int(ds.get("NumberOfFrames") or 1)
    shared = _first_item(ds, "SharedFunctionalGroupsSequence")
    per_frame = ds.get("PerFrameFunctionalGroupsSequence")
    series_number = ds.get("SeriesNumber")
    common: dict[str, Any] = {
        "path": path,
        "n_frames": n_frames,
        "sop_uid": _text(ds, "SOPInstanceUID"),
        "series_uid": _text(ds, "SeriesInstanceUID"),
        "study_uid": _text(ds, "StudyInstanceUID"),
        "patient_id": _text(ds, "PatientID"),
        "study_date": _text(ds, "StudyDate"),
        "modality": _text(ds, "Modality"),
        "series_number": None if series_number in (None, "") else int(series_number),
        "series_description": _text(ds, "SeriesDescription"),
        "instance_number": int(ds.get("InstanceNumber") or 0),
        "rows": int(ds.Rows),
        "columns": int(ds.Columns),
        "bits_allocated": int(ds.get("BitsAllocated") or 16),
        "bits_stored": int(ds.get("BitsStored") or ds.get("BitsAllocated") or 16),
        "signed": int(ds.get("PixelRepresentation") or 0) == 1,
        "samples": int(ds.get("SamplesPerPixel") or 1),
        "transfer_syntax": str(ds.file_meta.get("TransferSyntaxUID", ImplicitVRLittleEndian)),
    }
    frame_bytes = common["rows"] * common["columns"] * common["samples"] * (
        common["bits_allocated"] // 8)
    frames = []
    for k in range(n_frames):
        per = per_frame[k] if per_frame is not None and k < len(per_frame) else None
        position = _fg_value(per, shared, "PlanePositionSequence", "ImagePositionPatient")
        orientation = _fg_value(per, shared, "PlaneOrientationSequence",
                                "ImageOrientationPatient")
        spacing = _fg_value(per, shared, "PixelMeasuresSequence", "PixelSpacing")
        thickness = _fg_value(per, shared, "PixelMeasuresSequence", "SliceThickness")
        slope = _fg_value(per, shared, "PixelValueTransformationSequence", "RescaleSlope")
        intercept = _fg_value(per, shared, "PixelValueTransformationSequence",
                              "RescaleIntercept")
        if per_frame is None:  # classic image: plain attributes
            position, orientation = ds.get("ImagePositionPatient"), ds.get(
                "ImageOrientationPatient")
            spacing, thickness = ds.get("PixelSpacing"), ds.get("SliceThickness")
            slope, intercept = ds.get("RescaleSlope"), ds.get("RescaleIntercept")
            if n_frames > 1:
                raise Unsupported("a multi-frame image without functional groups: its frames "
                                  "have no positions (not a cross-sectional series)")
        pos = _floats(position, 3)
        ori = _floats(orientation, 6)
        px = _floats(spacing, 2)
        frames.append(FrameHeader(
            frame=k,
            position=(pos[0], pos[1], pos[2]) if pos else None,
            orientation=(ori[0], ori[1], ori[2], ori[3], ori[4], ori[5]) if ori else None,
            pixel_spacing=(px[0], px[1]) if px else None,
            thickness=None if thickness in (None, "") else float(thickness),
            slope=1.0 if slope in (None, "") else float(slope),
            intercept=0.0 if intercept in (None, "") else float(intercept),
            has_rescale=slope not in (None, "") and intercept not in (None, ""),
            pixel_offset=None if offset is None else offset + k * frame_bytes,
            **common,
        ))
    return frames
