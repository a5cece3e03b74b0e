"""Which series each reader's pane shows the adjudicator, and its words (Qt-free
``reviewer_gui.qt.adjudication_series``), on a real SQLite reading project and real DICOM:
SUBJ-001's baseline study of the sample scans with the import's 5 mm series, a 10 mm
reconstruction and a third, 7.5 mm series without a description (all written by the sample
generator, one study and frame of reference, DICOM PS3.3 C.7.3.1). Readers:

- alice reads on the import's series, T1 measured there, NT1 judged without a caliper;
- bob chose the 10 mm series and measured T1 on it;
- dan measured T1 on the third series, then chose the 10 mm series before signing;
- eve chose a series of the study whose files are not in the project.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from reviewer_gui.dicom import SeriesInfo, find_series, load_series
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.qt.adjudication_series import (
    ShownSeries,
    StudySeries,
    different_series_notice,
    lesion_series,
    read_on_different_series,
    series_words,
)
from reviewer_gui.qt.studies import series_files, series_ref_for
from reviewer_gui.reading import Category, ReadingProject, ReadKey, ReadView, SeriesRef, State
from reviewer_gui.store import open_project

from .helpers import SAMPLE_SCANS, sample_lesions, truth_segments
from .series_kit import THICK_SERIES_NUMBER, write_thick_series

CASE, FOLDER = "CASE-7", "images/CASE-7/BASELINE"
THIRD_SERIES_NUMBER = 6
IMPORTED = "series 3 'AX 5.0 PORTAL VENOUS', 5 mm slices"
THICK = f"series {THICK_SERIES_NUMBER} 'AX 10.0 SOFT TISSUE', 10 mm slices"
THIRD = f"series {THIRD_SERIES_NUMBER} 'CT', 7.5 mm slices"  # no description: the modality
MISSING = "a series not found in the project, 3 mm slices"


def third_series(dataset: Dataset) -> None:
    """The 10 mm slices as another series: own UIDs, number 6, 7.5 mm, no description."""
    dataset.SeriesInstanceUID = generate_uid(entropy_srcs=["third series"])
    dataset.SOPInstanceUID = generate_uid(entropy_srcs=["third series", dataset.SOPInstanceUID])
    dataset.SeriesNumber, dataset.SliceThickness = THIRD_SERIES_NUMBER, "7.5"
    dataset.SeriesDescription = ""


def measure(project: ReadingProject, key: ReadKey, on: SeriesRef, root: Path,
            lesion_id: str) -> None:  # fmt: skip
    """Choose ``on`` for BASELINE and measure the lesion there as the truth says."""
    project.choose_series(key, "BASELINE", on)
    volume = load_series(series_files(on, root), workers=1)
    long, short, plane = truth_segments(volume, "SUBJ-001", "BASELINE", lesion_id, nearest=True)
    project.measure(key, "BASELINE", lesion_id, long, plane, short_axis=short)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Path, dict[str, SeriesRef], dict[str, ReadView]]]:  # fmt: skip
    """(project folder, series by name, reads by reader) as described above."""
    root = tmp_path_factory.mktemp("shown-series")
    folder = root / FOLDER
    shutil.copytree(SAMPLE_SCANS / "SUBJ-001" / "BASELINE", folder)
    write_thick_series(folder)
    write_thick_series(folder / "third", edit=third_series)
    found = {s.series_number: s for s in find_series(folder).series}
    assert sorted(found) == [3, THICK_SERIES_NUMBER, THIRD_SERIES_NUMBER]
    imported = series_ref_for(found[3], SeriesRef(found[3].study_uid, found[3].series_uid,
                                                  FOLDER, Decimal("5.0")))  # fmt: skip
    refs = {"imported": imported,
            "thick": series_ref_for(found[THICK_SERIES_NUMBER], imported),
            "third": series_ref_for(found[THIRD_SERIES_NUMBER], imported),
            "missing": SeriesRef(imported.study_uid, generate_uid(entropy_srcs=["gone"]),
                                 FOLDER, Decimal(3))}  # fmt: skip
    project, store = open_project(root / "project.db", RecistEngine())
    with store:
        project.add_subject(CASE, by="ada")
        project.add_timepoint(CASE, "BASELINE", dt.date(2024, 1, 8), imported, by="ada")
        project.add_timepoint(CASE, "M2", dt.date(2024, 3, 4), None, by="ada")
        keys = {name: ReadKey(CASE, name) for name in ("alice", "bob", "dan", "eve")}
        for key in keys.values():
            for lesion_id, category, organ in sample_lesions("SUBJ-001", "BASELINE"):
                project.add_lesion(key, Category(category), organ, lesion_id=lesion_id)
        measure(project, keys["alice"], imported, root, "T1")
        project.set_state(keys["alice"], "BASELINE", "NT1", State.PRESENT)
        measure(project, keys["bob"], refs["thick"], root, "T1")
        measure(project, keys["dan"], refs["third"], root, "T1")
        project.choose_series(keys["dan"], "BASELINE", refs["thick"])
        project.choose_series(keys["eve"], "BASELINE", refs["missing"])
        reads = {name: project.read(key) for name, key in keys.items()}
    yield root, refs, reads


@pytest.mark.parametrize(("reader", "lesion_id", "series"), [
    ("alice", "T1", "imported"),  # measured on the series read on
    ("alice", "NT1", None),  # judged without a caliper
    ("alice", None, None),  # no lesion chosen
    ("bob", "T1", "thick"),  # another series, chosen before measuring
    ("dan", "T1", "third"),  # measured on a third series, then another one chosen
    ("dan", "T9", None),  # no such lesion
    ("eve", "T1", None),  # no caliper, read on a missing series
])  # fmt: skip
def test_the_series_a_caliper_lies_on(
        study: tuple[Path, dict[str, SeriesRef], dict[str, ReadView]], reader: str,
        lesion_id: str | None, series: str | None) -> None:  # fmt: skip
    _, refs, reads = study
    expected = None if series is None else refs[series].series_uid
    assert lesion_series(reads[reader], "BASELINE", lesion_id) == expected


@pytest.mark.parametrize(("reader", "lesion_id", "shown", "read_on", "words"), [
    ("alice", "T1", "imported", "imported", IMPORTED),  # same series
    ("alice", "NT1", "imported", "imported", IMPORTED),  # no caliper: the series read on
    ("alice", None, "imported", "imported", IMPORTED),
    ("bob", "T1", "thick", "thick", THICK),  # another series than alice's
    ("bob", None, "thick", "thick", THICK),
    ("dan", "T1", "third", "thick", THIRD),  # the caliper's third series
    ("dan", "NT1", "thick", "thick", THICK),  # no caliper: the series read on
    ("eve", "T1", "missing", "missing", MISSING),  # files not in the project
])  # fmt: skip
def test_what_a_readers_pane_shows(
        study: tuple[Path, dict[str, SeriesRef], dict[str, ReadView]], reader: str,
        lesion_id: str | None, shown: str, read_on: str, words: str) -> None:  # fmt: skip
    root, refs, reads = study
    found = StudySeries(root).shown(reads[reader], "BASELINE", lesion_id)
    assert found is not None
    assert (found.uid, found.read_on) == (refs[shown].series_uid, refs[read_on])
    assert found.is_read_on is (shown == read_on)
    assert found.ref.slice_thickness_mm == refs[shown].slice_thickness_mm
    assert found.words() == words
    if shown == "missing":
        assert found.info is None
    else:
        assert found.info is not None and found.info.series_uid == found.uid
        assert len(found.info.files) == {"imported": 20}.get(shown, 10)
        assert all(root / FOLDER in f.parents for f in found.info.files)


def test_a_timepoint_without_a_series_shows_nothing(
        study: tuple[Path, dict[str, SeriesRef], dict[str, ReadView]]) -> None:
    root, _, reads = study
    assert StudySeries(root).shown(reads["alice"], "M2", "T1") is None


def shown_by(study: tuple[Path, dict[str, SeriesRef], dict[str, ReadView]], reader: str,
             lesion_id: str | None) -> ShownSeries | None:  # fmt: skip
    root, _, reads = study
    return StudySeries(root).shown(reads[reader], "BASELINE", lesion_id)


@pytest.mark.parametrize(("readers", "lesion_id", "notice"), [
    (("alice", "alice"), "T1", ""),  # same series
    (("alice", "dan"), "NT1", f"alice on {IMPORTED}; dan on {THICK}"),
    (("bob", "dan"), "NT1", ""),  # both read on the 10 mm series
    (("bob", "dan"), "T1", f"bob on {THICK}; dan on {THIRD}"),  # caliper on a third series
    (("alice", "eve"), None, f"alice on {IMPORTED}; eve on {MISSING}"),
])  # fmt: skip
def test_the_notice_names_both_series_when_the_panes_differ(
        study: tuple[Path, dict[str, SeriesRef], dict[str, ReadView]],
        readers: tuple[str, str], lesion_id: str | None, notice: str) -> None:  # fmt: skip
    shown = (shown_by(study, readers[0], lesion_id), shown_by(study, readers[1], lesion_id))
    text = different_series_notice("BASELINE", readers, shown)
    if not notice:
        assert text == ""
        return
    assert text == (f"Different series at BASELINE: {notice}. Each pane shows its reader's own "
                    "series and calipers; slice numbers differ between the two.")  # fmt: skip
    assert different_series_notice("M2", readers, (shown[0], None)) == ""


@pytest.mark.parametrize(("readers", "indices"), [
    (("alice", "alice"), []),
    (("alice", "bob"), [0]),
    (("bob", "dan"), []),  # dan's caliper on a third series: read on the same one
    (("dan", "eve"), [0]),
])  # fmt: skip
def test_the_timepoints_read_on_different_series(
        study: tuple[Path, dict[str, SeriesRef], dict[str, ReadView]],
        readers: tuple[str, str], indices: list[int]) -> None:  # fmt: skip
    _, _, reads = study
    pair = (reads[readers[0]], reads[readers[1]])
    assert read_on_different_series(pair, pair[0].timepoints) == indices


def info(number: int | None, description: str, modality: str = "CT") -> SeriesInfo:
    return SeriesInfo("1.2.3.4", "1.2.3", "", "", modality, number, description, 1, 512, 512,
                      ())  # fmt: skip


@pytest.mark.parametrize(("series", "thickness", "words"), [
    (info(3, "AX 5.0 PORTAL VENOUS"), Decimal("5.0"), "series 3 'AX 5.0 PORTAL VENOUS', 5 mm "
                                                      "slices"),
    (info(None, "ART"), Decimal("1.25"), "series 'ART', 1.25 mm slices"),
    (info(7, "  "), Decimal("1E+1"), "series 7 'CT', 10 mm slices"),
    (info(8, "", "MR"), None, "series 8 'MR'"),
    (None, Decimal("2.50"), "a series not found in the project, 2.5 mm slices"),
    (None, None, "a series not found in the project"),
])  # fmt: skip
def test_series_words(series: SeriesInfo | None, thickness: Decimal | None,
                      words: str) -> None:  # fmt: skip
    assert series_words(series, thickness) == words
