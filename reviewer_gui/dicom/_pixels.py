"""Pixel data: straight reads for native data, pydicom's decoders for compressed data.

Decoders, chosen by licence (the project is Apache-2.0, so nothing GPL) and maturity:

- **python-gdcm** (Apache-2.0 wrapper of GDCM, BSD-3; GDCM is developed since 2006 and is
  the DICOM layer of ITK/SimpleITK): the only permissive decoder pydicom can use for JPEG
  baseline/extended/lossless (Process 14, SV1 included), the syntaxes CT scanners and PACS
  send most; also JPEG-LS and JPEG 2000.
- **pylibjpeg-openjpeg** (MIT, on OpenJPEG, BSD-2, the JPEG 2000 reference decoder) and
  **pylibjpeg-rle** (MIT): maintained by pydicom's authors; measured 2.7x (JPEG 2000) and 5x
  (RLE) faster than the alternatives here, so they are tried first for those syntaxes.
- **pyjpegls** (MIT, on CharLS, BSD-3): JPEG-LS, faster than GDCM.
- Not used: pylibjpeg-libjpeg (GPL-3.0).

Each syntax has an ordered list of plugins; the first one installed is used and the next is
tried if it fails. JPEG baseline and lossless files are first handed whole to GDCM's own
reader, which skips pydicom's second parse of the header (about half the cost of a slice);
pydicom's plugins remain the fallback and the reference (a test checks they agree).

Series with many compressed files are decoded in worker processes (one per core, header
parsing and most decoders hold the GIL, so threads would not help); the pool is
started once, with the ``forkserver`` method where available (safe in a threaded Qt app), and
reused by later loads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydicom.pixels.decoders.base import get_decoder
from pydicom.pixels.utils import pixel_array
from pydicom.uid import UID

from ._headers import FrameHeader
from ._model import DicomLoadError, FileRead, LoadWarning

Out = npt.NDArray[np.int16] | npt.NDArray[np.float32]

_JPEG = ("gdcm", "pylibjpeg", "pillow")
_J2K = ("pylibjpeg", "gdcm", "pillow")
PLUGIN_ORDER: dict[str, tuple[str, ...]] = {
    "1.2.840.10008.1.2.5": ("pylibjpeg", "pydicom", "gdcm"),  # RLE Lossless
    "1.2.840.10008.1.2.4.50": _JPEG,  # JPEG Baseline
    "1.2.840.10008.1.2.4.51": _JPEG,  # JPEG Extended
    "1.2.840.10008.1.2.4.57": _JPEG,  # JPEG Lossless
    "1.2.840.10008.1.2.4.70": _JPEG,  # JPEG Lossless SV1
    "1.2.840.10008.1.2.4.80": ("pyjpegls", "gdcm"),  # JPEG-LS Lossless
    "1.2.840.10008.1.2.4.81": ("pyjpegls", "gdcm"),  # JPEG-LS Near-lossless
    "1.2.840.10008.1.2.4.90": _J2K,  # JPEG 2000 Lossless
    "1.2.840.10008.1.2.4.91": _J2K,  # JPEG 2000
}
MIN_FILES_FOR_PROCESSES = 16

_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_pool_lock = threading.Lock()


class _Overflow(Exception):
    """Rescaled values do not fit int16: the volume must be float32."""


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Decoded by GDCM's own reader. Not JPEG Extended: GDCM cannot decode its 12-bit form (it
# returns garbage where pydicom's plugin refuses), so that goes through pydicom.
_GDCM_READER = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"}


def _gdcm_read(path: str) -> npt.NDArray[Any] | None:
    """A grayscale file decoded by GDCM's own reader (no pydicom parse: 2-3 ms less a slice).

    None when GDCM is missing or the image is not plain grayscale integers; the caller then
    uses pydicom's plugins.
    """
    try:
        import gdcm  # type: ignore[import-untyped]
    except ImportError:
        return None
    reader = gdcm.ImageReader()
    reader.SetFileName(path)
    if not reader.Read():
        return None
    image = reader.GetImage()
    fmt = image.GetPixelFormat()
    dtype = {gdcm.PixelFormat.UINT8: np.uint8, gdcm.PixelFormat.INT8: np.int8,
             gdcm.PixelFormat.UINT16: np.uint16, gdcm.PixelFormat.INT16: np.int16,
             gdcm.PixelFormat.UINT32: np.uint32, gdcm.PixelFormat.INT32: np.int32,
             }.get(fmt.GetScalarType())
    dims = list(image.GetDimensions())
    if dtype is None or fmt.GetSamplesPerPixel() != 1 or len(dims) not in (2, 3):
        return None
    buffer = image.GetBuffer()  # SWIG gives char* as str; None when GDCM could not decode
    if buffer is None:
        return None  # corrupt data: the other decoders try, and their errors are reported
    raw = buffer.encode("utf-8", "surrogateescape")
    frames = dims[2] if len(dims) == 3 else 1
    if len(raw) != frames * dims[0] * dims[1] * np.dtype(dtype).itemsize:
        return None
    return np.frombuffer(raw, dtype).reshape(frames, dims[1], dims[0])


def decode_file(path: str, transfer_syntax: str) -> npt.NDArray[Any]:
    """Stored values of every frame of one file, shape (frames, rows, cols)."""
    if transfer_syntax in _GDCM_READER:
        arr = _gdcm_read(path)
        if arr is not None:
            return arr
    try:
        decoder = get_decoder(UID(transfer_syntax))
    except NotImplementedError as exc:
        raise DicomLoadError(f"{path}: no decoder for transfer syntax {transfer_syntax}") from exc
    available = set(decoder.available_plugins)
    plugins = [p for p in PLUGIN_ORDER.get(transfer_syntax, ()) if p in available] or [""]
    errors = []
    for plugin in plugins:
        try:
            decoded = pixel_array(path, decoding_plugin=plugin, raw=True)
            return decoded.reshape((-1, *decoded.shape[-2:])) if decoded.ndim == 2 else decoded
        except Exception as exc:  # decoders raise anything; try the next one
            detail = " ".join(str(exc).split())  # one line: pydicom lists plugins on lines
            errors.append(f"{plugin or 'default'}: {type(exc).__name__}: {detail}")
    raise DicomLoadError(
        f"{path}: cannot decode {UID(transfer_syntax).name} pixel data "
        f"({'; '.join(errors)}). Install the decoders with `pip install recist-toolkit` "
        "(python-gdcm, pylibjpeg-openjpeg, pylibjpeg-rle, pyjpegls), or the file is corrupt."
    )


def _get_pool(workers: int) -> ProcessPoolExecutor:
    with _pool_lock:
        return _get_pool_locked(workers)


def _get_pool_locked(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_workers
    if _pool is None or _pool_workers != workers:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        method = "forkserver" if "forkserver" in get_all_start_methods() else "spawn"
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method))
        _pool_workers = workers
    return _pool


def shutdown_pool(wait: bool = True) -> None:
    """Stop the decoding processes (they are restarted on demand)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=wait, cancel_futures=True)
            _pool = None


def _store(out: Out, k: int, stored: npt.NDArray[Any], frame: FrameHeader) -> None:
    """Rescale one frame of stored values into ``out[k]`` (raise _Overflow if int16 is short)."""
    if stored.dtype.kind in "iu" and frame.bits_stored < 8 * stored.dtype.itemsize:
        stored = _unused_bits(stored, frame)
    if out.dtype != np.int16:
        np.multiply(stored, frame.slope, out=out[k], casting="unsafe")
        out[k] += np.float32(frame.intercept)
        return
    intercept = int(frame.intercept)
    bits = frame.bits_stored
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if frame.signed else (0, (1 << bits) - 1)
    if (lo + intercept < -32768 or hi + intercept > 32767 or stored.dtype.kind not in "iu") and (
            int(stored.min()) + intercept < -32768 or int(stored.max()) + intercept > 32767):
        raise _Overflow
    if stored.dtype == np.uint16 and hi <= 32767:
        stored = stored.view(np.int16)  # the values fit: same bits, same numbers
    if stored.dtype == np.int16:  # same-type add: several times faster than a casting one
        np.add(stored, np.int16(intercept), out=out[k])
    else:
        np.add(stored, np.int32(intercept), out=out[k], casting="unsafe")


def _read_native_int16(out: Out, k: int, f: object, frame: FrameHeader) -> None:
    """Read one frame's bytes into ``out[k]`` and rescale in place (int16 volume)."""
    view = out[k]
    _readinto(f, view, frame)
    bits, shift = frame.bits_stored, 16 - frame.bits_stored
    intercept = int(frame.intercept)
    if frame.signed:
        if shift:
            view <<= shift
            view >>= shift
        if intercept:
            lo, hi = int(view.min()), int(view.max())
            if lo + intercept < -32768 or hi + intercept > 32767:
                raise _Overflow
            view += np.int16(intercept)
        return
    u = view.view(np.uint16)
    if shift:
        u &= np.uint16((1 << bits) - 1)
    top = (1 << bits) - 1
    if (top + intercept > 32767 and int(u.max()) + intercept > 32767) or (
            intercept < -32768 and int(u.min()) + intercept < -32768):
        raise _Overflow
    if intercept:
        u += np.uint16(intercept & 0xFFFF)  # wraps to the right int16 value


def _readinto(f: object, dest: npt.NDArray[np.generic], frame: FrameHeader) -> None:
    assert frame.pixel_offset is not None
    f.seek(frame.pixel_offset)  # type: ignore[attr-defined]
    n = f.readinto(memoryview(dest).cast("B"))  # type: ignore[attr-defined,arg-type]
    if n != dest.nbytes:
        raise DicomLoadError(f"{frame.path}: truncated pixel data ({n} of {dest.nbytes} bytes); "
                             "the file is incomplete: ask the site to send it again")


def _is_fast(frame: FrameHeader) -> bool:
    return frame.pixel_offset is not None and frame.bits_allocated == 16 and frame.samples == 1


def fill(frames: Sequence[FrameHeader], workers: int | None, warnings: list[LoadWarning],
         on_file: FileRead | None = None) -> Out:
    """One array (slices x rows x cols) of HU for frames already sorted and checked;
    `on_file(path)` with each file read (what it raises ends the fill)."""
    exact = all(f.slope == 1 and float(f.intercept).is_integer() for f in frames)
    if exact:
        try:
            return _fill(frames, np.int16, workers, warnings, on_file)
        except _Overflow:
            pass
    return _fill(frames, np.float32, workers, warnings, on_file)


def _fill(frames: Sequence[FrameHeader], dtype: type[np.generic], workers: int | None,
          warnings: list[LoadWarning], on_file: FileRead | None) -> Out:
    first = frames[0]
    out: Out = np.empty((len(frames), first.rows, first.columns), dtype=dtype)
    slots: dict[Path, list[tuple[int, FrameHeader]]] = {}
    for k, frame in enumerate(frames):
        slots.setdefault(frame.path, []).append((k, frame))
    native = [p for p, s in slots.items() if _is_fast(s[0][1])]
    other = [p for p, s in slots.items() if not _is_fast(s[0][1])]
    bufs = {signed: np.empty(out.shape[1:], np.int16 if signed else np.uint16)
            for signed in (False, True)}
    for path in native:
        if on_file is not None:
            on_file(path)
        with path.open("rb", buffering=0) as f:
            for k, frame in slots[path]:
                if dtype == np.int16:
                    _read_native_int16(out, k, f, frame)
                else:
                    _readinto(f, bufs[frame.signed], frame)
                    _store(out, k, bufs[frame.signed], frame)
    for path, arr in _decoded(other, slots, workers, warnings, on_file):
        for k, frame in slots[path]:
            if frame.frame >= arr.shape[0] or arr.shape[1:] != out.shape[1:]:
                raise DicomLoadError(f"{path}: decoded pixel data has shape {arr.shape}, "
                                     f"expected {frame.n_frames} x {out.shape[1:]}")
            _store(out, k, arr[frame.frame], frame)
    return out


def _unused_bits(buf: npt.NDArray[np.integer], frame: FrameHeader) -> npt.NDArray[np.integer]:
    """Stored values without the bits above BitsStored (sign-extended when signed)."""
    shift = 8 * buf.dtype.itemsize - frame.bits_stored
    if shift and frame.signed:
        shifted: npt.NDArray[np.integer] = np.right_shift(np.left_shift(buf, shift), shift)
        return shifted
    if shift:
        masked: npt.NDArray[np.integer] = np.bitwise_and(buf, (1 << frame.bits_stored) - 1)
        return masked
    return buf


def _decoded(paths: list[Path], slots: dict[Path, list[tuple[int, FrameHeader]]],
             workers: int | None, warnings: list[LoadWarning],
             on_file: FileRead | None) -> Iterator[tuple[Path, npt.NDArray[Any]]]:
    """Yield (path, stored frames) for each path, decoding in processes when it pays;
    `on_file(path)` before each file is decoded here, or as its frames arrive from a process
    (what it raises ends the decoding: the processes' pending files are cancelled).

    If the processes cannot run (a ``__main__`` that cannot be re-imported, a crashed
    decoder), the rest is decoded in this process and a ``decoder-processes`` warning says so.
    """
    syntaxes = {p: slots[p][0][1].transfer_syntax for p in paths}
    n = available_cores() if workers is None else max(1, workers)
    done: set[Path] = set()
    if n > 1 and len(paths) >= MIN_FILES_FOR_PROCESSES:
        pool = _get_pool(n)
        chunk = max(1, min(8, len(paths) // (4 * n)))
        try:
            results = pool.map(decode_file, map(str, paths), [syntaxes[p] for p in paths],
                               chunksize=chunk)
            for path, arr in zip(paths, results, strict=True):
                if on_file is not None:
                    on_file(path)
                done.add(path)
                yield path, arr
            return
        except BrokenProcessPool as exc:
            shutdown_pool(wait=False)
            warnings.append(LoadWarning(
                "decoder-processes", f"the decoding processes failed ({exc}); decoding in "
                "this process instead (slower). If this persists, pass workers=1"))
    for path in paths:
        if path not in done:
            if on_file is not None:
                on_file(path)
            yield path, decode_file(str(path), syntaxes[path])
