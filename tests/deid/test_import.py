"""``recist-review import``: the blinding test of issue 6 for the import, and the import's
guarantees (DICOM PS3.15 Annex E with the longitudinal modified-dates option, E.3.6).

Site copies of the sample scans carry seeded PHI (names, ids, birth dates, institution,
station, physicians, accession numbers, descriptions, dates, a private block, nested
sequences); after the import no byte of it is in any file of the reading project, the key
file outside it holds the mapping, and the images read exactly as before."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from itertools import pairwise
from pathlib import Path

import numpy as np
import pydicom
import pytest

from reviewer_gui.cli import main
from reviewer_gui.deid import (
    IMAGES,
    PROJECT_DB,
    DeidKey,
    ImportRefused,
    default_key_file,
    import_studies,
)
from reviewer_gui.dicom import find_series, load_series
from reviewer_gui.store import open_project

from .kit import HENRIETTA, MAXIMILIAN, SAMPLE_LABELS, SAMPLE_SCANS, date_spellings, leaks
from .kit import write_site_copy as site_copy

LABELS = ("BASELINE", "FU1", "FU2", "FU3")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two patients' site data imported into ``trial/reading``, key beside it."""
    root = tmp_path_factory.mktemp("trial")
    site_copy(root / "site", HENRIETTA, extra_series=True)
    site_copy(root / "site", MAXIMILIAN)
    assert main(["import", str(root / "site"), str(root / "reading")]) == 0
    return root


def project_state(root: Path):  # type: ignore[no-untyped-def]
    project, store = open_project(root / "reading" / PROJECT_DB, create=False)
    store.close()
    return project


def case_of(root: Path, patient_id: str) -> str:
    with DeidKey.open(default_key_file(root / "reading")) as key:
        return key.case_ids()[patient_id]


def test_no_seeded_phi_in_any_file_of_the_project(imported: Path) -> None:
    reading = imported / "reading"
    needles = [s for p in (HENRIETTA, MAXIMILIAN) for s in p.strings()]
    needles += [text for p in (HENRIETTA, MAXIMILIAN) for day in p.real_dates()
                for text in date_spellings(day)]  # fmt: skip
    needles += ["SUBJ-001", "SUBJ-002", "SITE PACS"]  # the sample ids, the private creator
    files = [p for p in reading.rglob("*") if p.is_file()]
    assert any(p.name == PROJECT_DB for p in files)
    assert sum(p.suffix == ".dcm" for p in files) == 4 * 20 + 10 + 4 * 20
    assert leaks(reading, needles) == []


def test_the_scan_finds_what_it_looks_for(imported: Path) -> None:
    """The byte scan is not blind: the source and the key do hold the seeded strings."""
    source_hits = {needle for _, needle in leaks(imported / "site", HENRIETTA.strings())}
    assert {"Wojciechowska^Henrietta", "Klinikum Süd-Ost Mühlheim", "CTSCANNER7B",
            "ACC99817342", "SN-44XK-9921"} <= source_hits  # fmt: skip
    key_file = default_key_file(imported / "reading")
    assert leaks(key_file.parent, [HENRIETTA.patient_id]) != []


def test_the_key_file_holds_the_mapping_outside_the_project(imported: Path) -> None:
    key_file = default_key_file(imported / "reading")
    assert key_file.parent == imported and key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not list((imported / "reading").rglob("*.deid-key"))
    db = sqlite3.connect(key_file)
    subjects = dict(db.execute("SELECT patient_id, case_id FROM subject").fetchall())
    studies = db.execute("SELECT patient_id, source_date, scan_date, label FROM study "
                         "ORDER BY patient_id, source_date").fetchall()  # fmt: skip
    uids = db.execute("SELECT count(*) FROM uid_map").fetchone()[0]
    db.close()
    assert set(subjects) == {HENRIETTA.patient_id, MAXIMILIAN.patient_id}
    henrietta = [s for s in studies if s[0] == HENRIETTA.patient_id]
    assert [s[1] for s in henrietta] == [d.isoformat() for d in HENRIETTA.dates]
    assert [s[3] for s in henrietta] == list(LABELS)
    assert uids >= 2 * (4 * 20) + 10  # every SOP instance, plus series, studies, frames


def test_case_ids_are_pseudonyms_and_offsets_differ(imported: Path) -> None:
    key_file = default_key_file(imported / "reading")
    db = sqlite3.connect(key_file)
    rows = db.execute("SELECT patient_id, case_id, date_offset_days FROM subject").fetchall()
    db.close()
    (_, case_a, offset_a), (_, case_b, offset_b) = rows
    assert case_a != case_b and offset_a != offset_b
    for case_id in (case_a, case_b):
        assert case_id.startswith("CASE-") and len(case_id) == 9
    project = project_state(imported)
    assert set(project.case_ids) == {case_a, case_b}


def test_intervals_between_studies_are_exact_and_labels_follow_dates(imported: Path) -> None:
    project = project_state(imported)
    for patient in (HENRIETTA, MAXIMILIAN):
        timepoints = project.timepoints(case_of(imported, patient.patient_id))
        assert [tp.label for tp in timepoints] == list(LABELS)
        shifted = [tp.scan_date for tp in timepoints]
        real = list(patient.dates)
        assert [b - a for a, b in pairwise(shifted)] == [b - a for a, b in pairwise(real)]
        offset = shifted[0] - real[0]
        assert offset <= dt.timedelta(days=-730)
        for tp, day in zip(timepoints, real, strict=True):
            assert tp.series is not None
            folder = imported / "reading" / tp.series.folder  # relative to the project
            first = find_series(folder).by_uid(tp.series.series_uid).files[0]
            header = pydicom.dcmread(first, stop_before_pixels=True)
            for keyword in ("StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate"):
                assert header[keyword].value == (day + offset).strftime("%Y%m%d"), keyword
            assert header.AcquisitionDateTime == (day + offset).strftime("%Y%m%d") + (
                "093512.250000+0100")
            assert header.StudyTime == "093000"  # whole-day offsets keep the time of day
            assert header.PatientBirthDate == ""
            case = case_of(imported, patient.patient_id)
            assert header.PatientName == header.PatientID == case
            assert tp.series.folder == f"{IMAGES}/{case}/{tp.label}"  # the project can move


def test_series_load_with_the_same_pixels_in_the_same_order(imported: Path) -> None:
    project = project_state(imported)
    for patient in (HENRIETTA, MAXIMILIAN):
        for tp, label in zip(project.timepoints(case_of(imported, patient.patient_id)),
                             SAMPLE_LABELS, strict=True):  # fmt: skip
            assert tp.series is not None
            files = find_series(imported / "reading" / tp.series.folder).by_uid(
                tp.series.series_uid).files
            volume = load_series(files, workers=1)
            original = load_series(SAMPLE_SCANS / patient.sample / label, workers=1)
            assert volume.warnings == ()
            assert volume.series_uid == tp.series.series_uid
            assert volume.study_uid == tp.series.study_uid
            assert volume.voxels.dtype == original.voxels.dtype
            assert np.array_equal(volume.voxels, original.voxels)
            assert volume.image_positions_mm == original.image_positions_mm
            assert set(volume.sop_instance_uids).isdisjoint(original.sop_instance_uids)
            assert str(tp.series.slice_thickness_mm) == "5.0"


def test_raw_pixel_bytes_are_identical(imported: Path) -> None:
    originals = {pydicom.dcmread(p).ImagePositionPatient[2]: pydicom.dcmread(p).PixelData
                 for p in (SAMPLE_SCANS / "SUBJ-002" / "M4").iterdir()}  # fmt: skip
    case = case_of(imported, MAXIMILIAN.patient_id)
    copies = list((imported / "reading" / IMAGES / case / "FU2" / "S01").iterdir())
    assert len(copies) == len(originals) == 20
    for path in copies:
        dataset = pydicom.dcmread(path)
        assert dataset.PixelData == originals[dataset.ImagePositionPatient[2]]


def test_uids_are_consistent_within_a_study_and_across_series(imported: Path) -> None:
    case = case_of(imported, HENRIETTA.patient_id)
    baseline = imported / "reading" / IMAGES / case / "BASELINE"
    catalog = find_series(baseline)
    assert len(catalog.series) == 2
    main_series, thin = sorted(catalog.series, key=lambda s: -s.n_images)
    assert (main_series.n_images, thin.n_images) == (20, 10)
    assert main_series.study_uid == thin.study_uid
    frames = {pydicom.dcmread(s.files[0], stop_before_pixels=True).FrameOfReferenceUID
              for s in catalog.series}  # fmt: skip
    assert len(frames) == 1  # the shared frame of reference stays shared
    tp = project_state(imported).timepoints(case)[0]
    assert tp.series is not None and tp.series.series_uid == main_series.series_uid
    # the same source slice in both series keeps one position, under two new SOP UIDs
    with DeidKey.open(default_key_file(imported / "reading")) as key:
        uid_map = key.uid_map()
    source = pydicom.dcmread(sorted((SAMPLE_SCANS / "SUBJ-001" / "BASELINE").iterdir())[0])
    assert uid_map[source.FrameOfReferenceUID] == frames.pop()
    assert uid_map[source.StudyInstanceUID] == main_series.study_uid


def test_reimport_is_idempotent(imported: Path) -> None:
    reading = imported / "reading"
    before = sorted((p.relative_to(reading), p.read_bytes()) for p in reading.rglob("*.dcm"))
    with DeidKey.open(default_key_file(reading)) as key:
        cases_before = key.case_ids()
    report = import_studies(imported / "site", reading)
    assert report.imported == () and report.already_present == 8
    after = sorted((p.relative_to(reading), p.read_bytes()) for p in reading.rglob("*.dcm"))
    assert after == before
    project = project_state(imported)
    assert len(project.case_ids) == 2
    assert sum(len(project.timepoints(c)) for c in project.case_ids) == 8
    with DeidKey.open(default_key_file(reading)) as key:
        assert key.case_ids() == cases_before


def test_a_later_follow_up_is_added_with_the_next_label(tmp_path: Path) -> None:
    site = tmp_path / "site"
    folder = site_copy(site, HENRIETTA)
    last = sorted(folder.iterdir())[-1]
    held_back = tmp_path / "held-back"
    last.rename(held_back)
    reading, key_file = tmp_path / "reading", tmp_path / "secret" / "key.sqlite"
    first = import_studies(site, reading, key_file=key_file)
    assert [s.label for s in first.imported] == ["BASELINE", "FU1", "FU2"]
    held_back.rename(last)
    second = import_studies(site, reading, key_file=key_file)
    assert [s.label for s in second.imported] == ["FU3"] and second.already_present == 3
    assert second.imported[0].scan_date - first.imported[0].scan_date == (
        HENRIETTA.dates[3] - HENRIETTA.dates[0])



def test_case_ids_and_offsets_are_drawn_not_derived(imported: Path, tmp_path: Path) -> None:
    """The same patient imported into other projects gets other case ids and offsets.

    Offsets are drawn from 2,921 whole days, so two projects collide once in 2,921 runs: the
    test asks only that three projects do not all agree (about once in 8.5 million runs)."""
    site = tmp_path / "site"
    site_copy(site, HENRIETTA)
    others = [import_studies(site, tmp_path / f"reading-{n}").imported[0] for n in (1, 2)]
    first = project_state(imported).timepoints(case_of(imported, HENRIETTA.patient_id))[0]
    case_ids = {case_of(imported, HENRIETTA.patient_id), *(o.case_id for o in others)}
    scan_dates = {first.scan_date, *(o.scan_date for o in others)}
    assert len(case_ids) > 1
    assert len(scan_dates) > 1


def test_an_earlier_study_arriving_late_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    folder = site_copy(site, MAXIMILIAN)
    first = sorted(folder.iterdir())[0]
    first.rename(tmp_path / "held-back")
    reading = tmp_path / "reading"
    import_studies(site, reading)
    (tmp_path / "held-back").rename(first)
    with pytest.raises(ImportRefused, match="dated on or before a timepoint already"):
        import_studies(site, reading)


def test_a_refused_study_leaves_nothing_behind(tmp_path: Path) -> None:
    site = tmp_path / "site"
    folder = site_copy(site, MAXIMILIAN)
    follow_up = sorted(folder.iterdir())[1]
    victim = sorted(follow_up.iterdir())[7]
    dataset = pydicom.dcmread(victim)
    dataset.BurnedInAnnotation = "YES"
    dataset.save_as(victim)
    reading = tmp_path / "reading"
    with pytest.raises(ImportRefused, match="Burned In Annotation is YES"):
        import_studies(site, reading)
    case = next(iter(project_state(tmp_path).case_ids))
    assert [tp.label for tp in project_state(tmp_path).timepoints(case)] == ["BASELINE"]
    assert sorted(p.name for p in (reading / IMAGES / case).iterdir()) == ["BASELINE"]
    assert list((reading / ".incoming").iterdir()) == []


def test_the_key_file_cannot_be_inside_the_project(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site_copy(site, HENRIETTA)
    reading = tmp_path / "reading"
    status = main(["import", str(site), str(reading), "--key-file", str(reading / "key")])
    assert status == 2
    assert not (reading / PROJECT_DB).exists() and not (reading / "key").exists()
    with pytest.raises(ImportRefused, match="must not be inside the reading project"):
        import_studies(site, reading, key_file=reading / "sub" / ".." / "key")
