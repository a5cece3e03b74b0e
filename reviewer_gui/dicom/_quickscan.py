"""A fast pre-scan of a file's first bytes for the attributes that identify its series.

:func:`find_series` must list thousands of files in about a second; pydicom parses every
element (about 4 us each, and scanner headers have hundreds). This walks the little-endian
element headers of the first 16 KiB, skipping values and sequences, and keeps only the dozen
values it needs. Anything unusual (no 'DICM' marker, big endian or deflated syntax, non-ASCII
text, a header longer than the buffer, malformed items) returns ``None`` and the caller falls
back to pydicom, which then also words the warnings. It never decides that a file is not
DICOM or damaged: only pydicom does.
"""

from __future__ import annotations

import struct
from pathlib import Path

HEAD_BYTES = 16384
MAX_HEAD_BYTES = HEAD_BYTES * 64
_UNDEFINED = 0xFFFFFFFF
_ITEM, _ITEM_END, _SEQ_END = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD
_LAST_WANTED = 0x00280011
_IMPLICIT = "1.2.840.10008.1.2"
_NOT_LITTLE_ENDIAN_EXPLICIT = {"1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"}
_LONG_VRS = {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR",
             b"UT", b"UV"}  # fmt: skip
_WANTED = {
    0x00080020: "study_date",
    0x00080060: "modality",
    0x0008103E: "series_description",
    0x00100020: "patient_id",
    0x0020000D: "study_uid",
    0x0020000E: "series_uid",
    0x00200011: "series_number",
    0x00280008: "frames",
    0x00280010: "rows",
    0x00280011: "columns",
}
_U16, _U32, _TAG = struct.Struct("<H"), struct.Struct("<I"), struct.Struct("<HH")


class Fallback(Exception):
    """Leave this file to pydicom."""


def _element(buf: bytes, pos: int, implicit: bool) -> tuple[int, int, int]:
    """(tag, value length, value offset) of the element header at `pos`."""
    group, elem = _TAG.unpack_from(buf, pos)
    tag = group << 16 | elem
    if implicit or group == 0xFFFE:
        return tag, _U32.unpack_from(buf, pos + 4)[0], pos + 8
    if buf[pos + 4 : pos + 6] in _LONG_VRS:
        return tag, _U32.unpack_from(buf, pos + 8)[0], pos + 12
    return tag, _U16.unpack_from(buf, pos + 6)[0], pos + 8


def _skip_sequence(buf: bytes, pos: int, implicit: bool) -> int:
    """Skip an undefined-length sequence value starting at `pos`; the offset after it."""
    while True:
        tag, length, at = _element(buf, pos, True)
        if tag == _SEQ_END:
            return at
        if tag != _ITEM:
            raise Fallback
        if length != _UNDEFINED:
            pos = at + length
            continue
        pos = at
        while True:  # an undefined-length item: its elements, up to the item delimiter
            tag, length, at = _element(buf, pos, implicit)
            if tag == _ITEM_END:
                pos = at
                break
            pos = _skip_sequence(buf, at, implicit) if length == _UNDEFINED else at + length


def _text(raw: bytes) -> str:
    if not raw.isascii():
        raise Fallback  # a character set to honour: pydicom knows them
    return raw.decode("ascii").strip(" \x00")


def scan(path: Path, wanted: dict[int, str], last_tag: int,
         ) -> tuple[str, dict[str, bytes], int | None, int] | None:
    """Walk the element headers of `path` up to `last_tag`, keeping the `wanted` values.

    Returns (transfer syntax, raw values by name, offset of `last_tag`'s value or None,
    its length), or None when the file must be left to pydicom.
    """
    size = HEAD_BYTES
    while True:
        try:
            with path.open("rb") as f:
                buf = f.read(size)
            return _scan(buf, wanted, last_tag)
        except (struct.error, IndexError):
            if len(buf) < size or size >= MAX_HEAD_BYTES:
                return None  # malformed, or a header longer than we want to walk
            size *= 8
        except (Fallback, ValueError, OSError):
            return None


def _scan(buf: bytes, wanted: dict[int, str], last_tag: int,
          ) -> tuple[str, dict[str, bytes], int | None, int] | None:
    if len(buf) < 140 or buf[128:132] != b"DICM":
        return None
    pos, syntax = 132, None
    while True:  # file meta information: explicit VR little endian, group 0002
        tag, length, at = _element(buf, pos, False)
        if tag >> 16 != 0x0002:
            break
        if tag == 0x00020010:
            syntax = _text(buf[at : at + length])
        pos = at + length
    if syntax is None or syntax in _NOT_LITTLE_ENDIAN_EXPLICIT:
        return None
    implicit = syntax == _IMPLICIT
    raw: dict[str, bytes] = {}
    while True:
        tag, length, at = _element(buf, pos, implicit)
        if tag >= last_tag:
            if tag == last_tag:
                return syntax, raw, at, length
            return syntax, raw, None, 0
        if length == _UNDEFINED:
            pos = _skip_sequence(buf, at, implicit)
            continue
        if tag in wanted:
            if at + length > len(buf):
                raise IndexError("value beyond the buffer")
            raw[wanted[tag]] = buf[at : at + length]
        pos = at + length


def text(raw: dict[str, bytes], name: str) -> str:
    """An ASCII text value (raises Fallback for other character sets)."""
    return _text(raw.get(name, b""))


def numbers(raw: dict[str, bytes], name: str) -> list[float]:
    """A DS/IS value as numbers (empty when absent)."""
    value = text(raw, name)
    return [float(v) for v in value.split("\\")] if value else []


def ushort(raw: dict[str, bytes], name: str, default: int) -> int:
    """A US value (binary, little endian)."""
    value = raw.get(name)
    return default if not value else int(_U16.unpack(value[:2])[0])


def quick_summary(path: Path) -> dict[str, object] | None:
    """The series-identifying attributes of `path`, or None to let pydicom read it."""
    found = scan(path, _WANTED, _LAST_WANTED + 1)
    if found is None:
        return None
    raw = found[1]
    if "rows" not in raw or "columns" not in raw or "series_uid" not in raw:
        return None
    try:
        number = text(raw, "series_number")
        return {
            "series_uid": text(raw, "series_uid"),
            "study_uid": text(raw, "study_uid"),
            "patient_id": text(raw, "patient_id"),
            "study_date": text(raw, "study_date"),
            "modality": text(raw, "modality"),
            "series_number": int(number) if number else None,
            "series_description": text(raw, "series_description"),
            "frames": int(text(raw, "frames") or 1),
            "rows": ushort(raw, "rows", 0),
            "columns": ushort(raw, "columns", 0),
        }
    except (Fallback, ValueError, struct.error):
        return None
