"""Which series the adjudicator sees for each reader at a timepoint, and how it is named.

Each reader may read a timepoint on another series of its study (another reconstruction or
contrast phase, DICOM PS3.3 C.7.3.1: ``ReadView.series_of``), and each caliper records the
series it was drawn on. A reader's pane shows the series the reader's caliper of the chosen
lesion lies on, else the series the reader read the timepoint on. Series are named as the
reader's study tree names them: Series Number (0020,0011) and Series Description (0008,103E),
the modality when the description was removed at import (PS3.15 Annex E), and the slice
thickness the engine's 2 x slice thickness rule used (RECIST 1.1 section 3.1.1): nothing
that identifies the patient, no date. Plain Python: no Qt.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from reviewer_gui.dicom import SeriesCatalog, SeriesInfo, find_series
from reviewer_gui.reading import ReadView, SeriesRef, Timepoint
from reviewer_gui.store.image_folder import is_archive

from .studies import series_folder, study_series


@dataclass(frozen=True, slots=True)
class ShownSeries:
    """The series a reader's pane shows: where it is, its header summary (``None`` when its
    files were not found) and the series the reader read the timepoint on."""

    ref: SeriesRef
    info: SeriesInfo | None
    read_on: SeriesRef

    @property
    def uid(self) -> str:
        return self.ref.series_uid

    @property
    def is_read_on(self) -> bool:
        return self.ref.series_uid == self.read_on.series_uid

    def words(self) -> str:
        """``series 5 'CT', 10 mm slices``: how the adjudicator hears of it."""
        return series_words(self.info, self.ref.slice_thickness_mm)


def series_words(info: SeriesInfo | None, thickness: Decimal | None) -> str:
    """A series by number and description (the modality when it has none) and thickness."""
    if info is None:
        name = "a series not found in the project"
    else:
        number = "" if info.series_number is None else f" {info.series_number}"
        name = f"series{number} '{info.series_description.strip() or info.modality}'"
    if thickness is None:
        return name
    return f"{name}, {format(thickness.normalize(), 'f')} mm slices"


def lesion_series(read: ReadView, label: str, lesion_id: str | None) -> str | None:
    """The series the reader's caliper of ``lesion_id`` at ``label`` lies on (``None``: no
    caliper, or one recorded before calipers kept their series)."""
    observation = None if lesion_id is None else read.observation(label, lesion_id)
    if observation is None or not observation.fragments:
        return None
    return observation.fragments[0].long_axis.series_uid or None


class StudySeries:
    """The series of the project's studies, found by a header walk once per study folder."""

    def __init__(self, project_dir: str | os.PathLike[str]) -> None:
        self.project_dir = project_dir
        self._catalogs: dict[str, SeriesCatalog] = {}
        self._archive: dict[str, tuple[SeriesInfo, ...]] = {}  # study uid -> its series

    def info(self, ref: SeriesRef) -> SeriesInfo | None:
        """The header summary (and files) of ``ref``'s series, ``None`` when not there; on
        a reading archive (``project_dir`` its URL) the QIDO-RS summary, without files."""
        if is_archive(self.project_dir):
            if ref.study_uid not in self._archive:
                self._archive[ref.study_uid] = study_series(ref, self.project_dir)
            return next((i for i in self._archive[ref.study_uid]
                         if i.series_uid == ref.series_uid), None)  # fmt: skip
        folder = series_folder(ref, self.project_dir)
        key = str(folder)
        if key not in self._catalogs:
            self._catalogs[key] = find_series(folder)
        try:
            return self._catalogs[key].by_uid(ref.series_uid)
        except KeyError:
            return None

    def shown(self, read: ReadView, label: str, lesion_id: str | None) -> ShownSeries | None:
        """What the reader's pane shows at ``label`` (``None``: the timepoint has no series)."""
        read_on = read.series_of(label)
        if read_on is None:
            return None
        ref = read_on
        measured_on = lesion_series(read, label, lesion_id)
        if measured_on is not None and measured_on != read_on.series_uid:
            observation = read.observation(label, lesion_id or "")
            assert observation is not None
            axis = observation.fragments[0].long_axis
            ref = replace(read_on, series_uid=measured_on,
                          slice_thickness_mm=axis.slice_thickness_mm)  # fmt: skip
        return ShownSeries(ref, self.info(ref), read_on)


def different_series_notice(label: str, readers: tuple[str, str],
                            shown: tuple[ShownSeries | None, ShownSeries | None]) -> str:
    """The plain words that the two panes show different series at ``label`` ("" when they
    show the same one)."""
    first, second = shown
    if first is None or second is None or first.uid == second.uid:
        return ""
    return (f"Different series at {label}: {readers[0]} on {first.words()}; {readers[1]} on "
            f"{second.words()}. Each pane shows its reader's own series and calipers; slice "
            "numbers differ between the two.")


def read_on_different_series(reads: tuple[ReadView, ReadView],
                             timepoints: Sequence[Timepoint]) -> list[int]:
    """The indices of the timepoints the two readers read on different series."""
    def uid(read: ReadView, label: str) -> str | None:
        ref = read.series_of(label)
        return None if ref is None else ref.series_uid

    return [t for t, tp in enumerate(timepoints)
            if uid(reads[0], tp.label) != uid(reads[1], tp.label)]  # fmt: skip
