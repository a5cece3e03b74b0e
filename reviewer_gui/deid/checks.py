"""What the import checks before it writes anything, and the project lock.

- :func:`check_source`: every entry under the source folder is a folder or a regular file (a
  FIFO named ``.dcm`` would block the reading forever; a device or socket is no image).
- :func:`image_problem`: an image read in full and decoded (pixel data of the length its
  header promises, compressed frames that decode): a truncated or unreadable slice is found
  here, before its study is stored.
- :func:`project_lock`: imports into one project take turns (an exclusive ``flock`` on
  ``PROJECT_DIR/.import.lock``, released by the kernel when the process ends, even killed).
"""

from __future__ import annotations

import fcntl
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset

LOCK = ".import.lock"


class ImportRefused(ValueError):
    """The import cannot go on (the message says why and what to do); studies imported before
    the problem stay imported, the one that failed left nothing behind."""


class DamagedImage(ImportRefused):
    """An image of a study is truncated or cannot be decoded: the study is not imported."""


def check_source(source: Path) -> None:
    """Refuse a source holding anything but folders and regular files (named in the
    message), before any file is opened."""
    odd: list[str] = []
    for dirpath, dirnames, filenames in os.walk(source):
        for name in filenames + [d for d in dirnames if Path(dirpath, d).is_symlink()]:
            path = Path(dirpath, name)
            try:
                mode = path.stat().st_mode
            except OSError as error:
                odd.append(f"{path} ({error.strerror or 'cannot be read'})")
                continue
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                odd.append(f"{path} ({_kind(mode)})")
    if odd:
        more = f" and {len(odd) - 5} more" if len(odd) > 5 else ""
        raise ImportRefused(f"{'; '.join(odd[:5])}{more}: not a regular file; remove it from "
                            f"{source} (nothing imported)")  # fmt: skip


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_image(path: Path) -> Dataset:
    """The whole dataset of ``path``, its pixels checked (:class:`DamagedImage` if not)."""
    try:
        dataset = pydicom.dcmread(path)
    except Exception as error:  # pydicom raises many kinds on damaged bytes
        raise DamagedImage(f"{path}: cannot be read in full ({_short(error)})") from None
    problem = image_problem(dataset)
    if problem is not None:
        raise DamagedImage(f"{path}: {problem}")
    return dataset


def image_problem(dataset: Dataset) -> str | None:
    """Why the dataset's pixel data are damaged, or ``None`` when they decode in full."""
    if not any(tag in dataset for tag in ("PixelData", "FloatPixelData",
                                          "DoubleFloatPixelData")):  # fmt: skip
        return "no pixel data (the file was cut short, or is no image)"
    try:
        pixels = dataset.pixel_array
    except Exception as error:  # the decoders raise many kinds on damaged data
        return f"its pixel data do not decode ({_short(error)})"
    if pixels.size == 0:
        return "its pixel data are empty"
    return None


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


@contextmanager
def project_lock(project_dir: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the project's import lock (waits for another import to finish; ``waiting`` is
    called once first when it has to)."""
    handle = os.open(project_dir / LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock
