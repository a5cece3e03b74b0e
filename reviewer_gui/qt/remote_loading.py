"""A series from the project's reading archive (DICOMweb): its first image at once, then the rest.

:func:`open_remote_series` returns an :class:`ImageView` at once (black, "Connecting to the
image archive..."); a worker thread runs ``load_series(URL, series_uid=...)``, which fetches
the middle slice first (shown as soon as it arrives), then the rest in one streamed answer
into the reader's on-disk cache (a series already cached costs no network). Until every image
is there the view says how many arrived and measuring is off: a half-loaded series is never
presented as complete, and a caliper is only drawn on the whole series (its slices, positions
and the calipers stored on other slices are known only then). A lost connection says so on the
view and retries every few seconds, with the same worker, until the series arrives (nothing of
the read is lost: it is in the project, not in the images); a refusal (wrong credentials, a
series not on the archive) says what to do and does not retry. The reader's own credentials
come from the environment or netrc (``reviewer_gui.dicom``), never from the project.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtWidgets import QWidget

from reviewer_gui.dicom import DicomLoadError, Volume, load_series

from .image_view import ImageView
from .workers import Worker

#: Seconds between two attempts after a lost connection.
RETRY_S = 5.0
#: Words of the loader's messages that mean the connection, not the request, failed.
_CONNECTION = ("cannot be reached", "did not answer", "Connection", "connection", "IncompleteRead",
               "ended before")


def connection_lost(text: str) -> bool:
    """Whether the loader's message means the connection failed (worth retrying), not the
    request (wrong credentials, a series the archive does not hold)."""
    return any(word in text for word in _CONNECTION)


def lost_words(attempt: int, text: str) -> str:
    """What a view says while it retries."""
    return (f"Lost the connection to the image archive (attempt {attempt}): retrying every "
            f"{RETRY_S:g} s; your read is saved. {text}")  # fmt: skip


class RemoteSeriesLoad(Worker):
    """Loads one series from a DICOMweb server; restartable (``start()`` again to retry).
    Let go (its view replaced, its window closed), it stops at the next image that arrives
    (nothing cached), or file read (a series the reader's cache holds)."""

    first = pyqtSignal(object)  # Volume of the first slice
    progress = pyqtSignal(int, int)  # images here, images listed
    loaded = pyqtSignal(object)  # Volume
    results = ("first", "progress", "loaded")

    def __init__(self, url: str, series_uid: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url, self.series_uid = url, series_uid
        self.files_read = 0  # of the series' files here (cached or fetched), headers and pixels

    def work(self) -> None:
        try:
            volume = load_series(self.url, series_uid=self.series_uid,
                                 on_first_image=self._first, on_progress=self._progress,
                                 on_file=self.file_read)  # fmt: skip
        except (DicomLoadError, OSError) as exc:
            self.failed.emit(str(exc))
            return
        self.loaded.emit(volume)

    def _first(self, volume: Volume) -> None:
        self.check()
        self.first.emit(volume)

    def _progress(self, here: int, listed: int) -> None:
        self.check()  # let go: the download ends here (its staging discarded)
        self.progress.emit(here, listed)

    def file_read(self, path: Path) -> None:
        """Before each file is read: :class:`~.workers.Stopped` once let go."""
        self.check()
        self.files_read += 1


def waiting_volume(series_uid: str) -> Volume:
    """A black image standing for a series whose first image has not arrived yet."""
    return Volume(
        voxels=np.full((1, 64, 64), -1024, dtype=np.int16), spacing_mm=(1.0, 1.0, 1.0),
        origin_mm=(0.0, 0.0, 0.0), row_direction=(1.0, 0.0, 0.0),
        column_direction=(0.0, 1.0, 0.0), slice_normal=(0.0, 0.0, 1.0),
        slice_positions_mm=(0.0,), image_positions_mm=((0.0, 0.0, 0.0),),
        sop_instance_uids=("",), frame_numbers=(1,), files=(Path(),), series_uid=series_uid,
        study_uid="", patient_id="", study_date="", modality="", series_description="",
        slice_thickness_mm=None, transfer_syntaxes=(), warnings=())


class RemoteLoading(QObject):
    """Drives one view's remote load: first image, progress, the whole series, retries."""

    def __init__(self, view: ImageView, url: str, series_uid: str) -> None:
        super().__init__(view)
        self.view, self.attempts, self.total = view, 1, 0
        self.complete = False
        self.worker = RemoteSeriesLoad(url, series_uid, view)
        self.worker.first.connect(self._first)
        self.worker.progress.connect(self._progress)
        self.worker.loaded.connect(self._loaded)
        self.worker.failed.connect(self._failed)
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(int(RETRY_S * 1000))
        self.retry.timeout.connect(self._again)
        view.loader = self.worker
        self._not_measurable()
        view.set_status("Loading: connecting to the image archive...")

    def start(self) -> None:
        self.worker.start()

    def _not_measurable(self) -> None:
        self.view.viewport.measuring = False

    def _first(self, volume: object) -> None:
        assert isinstance(volume, Volume)
        if not self.complete:
            self.view.set_volume(volume)
            self._not_measurable()

    def _progress(self, here: int, listed: int) -> None:
        self.total = listed
        if not self.complete:
            self.view.set_status(f"Loading {here} of {listed} images from the archive; "
                                 "measuring once all are here")  # fmt: skip

    def _loaded(self, volume: object) -> None:
        assert isinstance(volume, Volume)
        self.complete = True
        self.view.set_volume(volume)  # a new viewport: measuring on (unless no pixel spacing)
        problems = [w.message for w in volume.warnings if w.code in (
            "not-cached", "series-changed")]  # fmt: skip
        self.view.set_status(problems[0] if problems else "", error=bool(problems))

    def _failed(self, text: str) -> None:
        if connection_lost(text):
            self.view.set_status(lost_words(self.attempts, text), error=True)
            self.retry.start()
            return
        self.view.set_status(text, error=True)

    def _again(self) -> None:
        if self.worker.isRunning():
            self.retry.start()
            return
        self.attempts += 1
        self.view.set_status(f"Loading: connecting to the image archive again (attempt "
                             f"{self.attempts})...")  # fmt: skip
        self.worker.start()


def open_remote_series(url: str, series_uid: str, *, parent: QWidget | None = None,
                       title: str = "") -> ImageView:
    """An :class:`ImageView` on the series ``series_uid`` of the DICOMweb archive ``url``,
    filled as it arrives (``view.loader``: the worker; ``view.remote``: its driver)."""
    view = ImageView(waiting_volume(series_uid), parent, title=title)
    loading = RemoteLoading(view, url, series_uid)
    view.remote = loading  # type: ignore[attr-defined]
    loading.start()
    return view
