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


def read_frames(path: Path) -> list[FrameHeader] | LoadWarning:
    """The frames of one file, or a warning saying why the file is skipped."""
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
