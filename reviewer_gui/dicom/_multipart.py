"""The MIME ``multipart/related`` envelope of WADO-RS answers (RFC 2046), not DICOM parsing.

:func:`iter_parts` splits a streamed answer into its parts as the bytes arrive, one part in
memory at a time; :func:`first_part` takes the single part of a small answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ._model import DicomLoadError


def boundary_of(content_type: str, what: str) -> bytes:
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary" and value.strip().strip('"'):
            return value.strip().strip('"').encode()
    raise DicomLoadError(f"{what}: multipart answer without a boundary: not a DICOMweb server?")


def iter_parts(chunks: Iterable[bytes], content_type: str, what: str) -> Iterator[bytes]:
    """The body of each part, in order; raises if the answer ends before its closing line."""
    if not content_type.lower().startswith("multipart/"):
        raise DicomLoadError(f"{what}: the answer is {content_type or 'untyped'}, not "
                             "multipart/related: not a DICOMweb server?")
    delimiter = b"\r\n--" + boundary_of(content_type, what)
    buf = bytearray(b"\r\n")  # the first delimiter may open the body without a line break
    started = False
    scan = 0  # where to look for the next delimiter (the bytes before were searched)
    for chunk in chunks:
        buf += chunk
        while True:
            if not started:
                at = buf.find(delimiter)
                if at < 0:
                    break
                del buf[:at + len(delimiter)]
                started, scan = True, 0
            if len(buf) < 2:
                break
            if buf[:2] == b"--":
                return  # the closing delimiter
            at = buf.find(delimiter, max(scan, 2))
            if at < 0:
                scan = max(2, len(buf) - len(delimiter))
                break
            head_end = buf.find(b"\r\n\r\n", 0, at)
            if head_end < 0:
                raise DicomLoadError(f"{what}: a multipart part without headers")
            part = bytes(buf[head_end + 4:at])
            del buf[:at + len(delimiter)]
            scan = 0
            yield part
    raise DicomLoadError(f"{what}: the answer ended before its last part (the connection "
                         "was cut?)")


def first_part(body: bytes, content_type: str, what: str) -> bytes:
    """The payload of the single part of a ``multipart/related`` body (or the body itself)."""
    if not content_type.lower().startswith("multipart/"):
        return body
    parts = list(iter_parts([body], content_type, what))
    if len(parts) != 1:
        raise DicomLoadError(f"{what}: the server sent {len(parts)} files for one instance")
    return parts[0]
