"""Open a series without making the reader wait: the needed slice first, the rest behind it.

:func:`open_series` loads one file (the slice the reader needs, by default the middle one)
in the calling thread, which takes milliseconds, and returns an :class:`ImageView` showing
it; a worker thread loads the whole series with :func:`reviewer_gui.dicom.load_series` and
then swaps it in, keeping the shown slice by SOP Instance UID (DICOM PS3.3 C.12.1).
:class:`FolderScanner` reads the headers of a folder of studies in a worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QWidget

from reviewer_gui.dicom import DicomLoadError, Volume, load_series

from .image_view import ImageView
from .studies import scan_folder
from .workers import Worker


class SeriesLoad(Worker):
    """Loads a whole series in a worker thread; results arrive as queued signals. Let go
    (its view replaced, its window closed), it stops before the next file it would read."""

    loaded = pyqtSignal(object)  # Volume
    results = ("loaded",)

    def __init__(self, files: Sequence[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.files = tuple(files)
        self.files_read = 0  # headers and pixels: each file twice once loaded whole

    def work(self) -> None:
        try:
            volume = load_series(self.files, on_file=self.file_read)
        except (DicomLoadError, OSError) as exc:
            self.failed.emit(str(exc))
            return
        self.loaded.emit(volume)

    def file_read(self, path: Path) -> None:
        """Before each file is read: :class:`~.workers.Stopped` once let go."""
        self.check()
        self.files_read += 1


def open_series(files: Sequence[Path], *, first: Path | None = None,
                parent: QWidget | None = None, title: str = "") -> ImageView:
    """An :class:`ImageView` on the series of `files`, showing `first` at once.

    `files` are one series' files (``SeriesInfo.files`` from ``find_series``); `first` is
    the file the reader needs first (default: the middle one in file order). The rest loads
    in the background; the view says so at its bottom left until it is done, or shows the
    loader's error there. ``view.loader`` is the worker (``wait()`` on it in tests).
    """
    if not files:
        raise DicomLoadError("no files to open")
    first = first or files[len(files) // 2]
    preview: Volume = load_series([first], workers=1)
    view = ImageView(preview, parent, title=title)
    if len(files) > 1:
        worker = SeriesLoad(files, view)
        view.set_status(f"Loading {len(files)} images...")

        def done(volume: object) -> None:
            assert isinstance(volume, Volume)
            view.set_volume(volume)
            view.set_status("")

        worker.loaded.connect(done)
        worker.failed.connect(lambda message: view.set_status(message, error=True))
        view.loader = worker
        worker.start()
    return view


class FolderScanner(Worker):
    """Reads the headers of a folder of DICOM studies off the GUI thread."""

    scanned = pyqtSignal(object)  # FolderScan
    results = ("scanned",)

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder

    def work(self) -> None:
        try:
            self.scanned.emit(scan_folder(self.folder))
        except (OSError, ValueError) as error:
            self.failed.emit(f"{self.folder}: {error}")
