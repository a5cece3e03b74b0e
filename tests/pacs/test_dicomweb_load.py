"""load_series from a real Orthanc over DICOMweb equals the folder load of the same files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from dicom_testkit import SAMPLE_SCANS, pydicom_file, small_hu, write_small_series
from orthanc_kit import PASSWORD, USER, Orthanc

from reviewer_gui.dicom import SeriesCache, Volume, find_series, load_series


def assert_same_volume(remote: Volume, local: Volume) -> None:
    assert remote.voxels.dtype == local.voxels.dtype
    np.testing.assert_array_equal(remote.voxels, local.voxels)
    assert remote.spacing_mm == local.spacing_mm
    assert remote.origin_mm == local.origin_mm
    assert remote.slice_positions_mm == local.slice_positions_mm
    assert remote.sop_instance_uids == local.sop_instance_uids
    assert remote.frame_numbers == local.frame_numbers
    assert remote.transfer_syntaxes == local.transfer_syntaxes
    assert remote.warning_codes() == local.warning_codes()
    assert (remote.series_uid, remote.study_uid, remote.patient_id) == (
        local.series_uid, local.study_uid, local.patient_id)


def test_every_sample_scan_series_equals_the_folder_load(orthanc: Orthanc,
                                                         cache: SeriesCache) -> None:
    subjects = sorted(SAMPLE_SCANS.glob("SUBJ-*"))
    catalog = [s for subj in subjects for s in find_series(subj).series]
    assert len(catalog) == 12
    orthanc.upload(f for s in catalog for f in s.files)
    for info in catalog:
        local = load_series(info.files)
        remote = load_series(orthanc.url_with_credentials, series_uid=info.series_uid,
                             cache=cache)
        assert_same_volume(remote, local)
        assert all(cache.root in f.parents for f in remote.files)


def test_the_first_image_comes_before_the_rest(orthanc: Orthanc, tmp_path: Path,
                                               cache: SeriesCache) -> None:
    files = write_small_series(tmp_path / "s", small_hu(n=30, size=64), key="progressive")
    orthanc.upload(files)
    local = load_series(files)
    events: list[tuple[str, int]] = []
    firsts: list[Volume] = []

    def first(volume: Volume) -> None:
        firsts.append(volume)
        events.append(("first", len([e for e in events if e[0] == "progress"])))

    remote = load_series(orthanc.url_with_credentials, series_uid=local.series_uid,
                         cache=cache, on_first_image=first,
                         on_progress=lambda done, total: events.append(("progress", done)))
    assert events[0] == ("progress", 1) and events[1] == ("first", 1)
    assert [e[1] for e in events[2:]] == list(range(2, 31))
    (one,) = firsts
    assert one.shape == (1, 64, 64)
    k = local.sop_instance_uids.index(one.sop_instance_uids[0])
    np.testing.assert_array_equal(one.voxels[0], local.voxels[k])
    assert_same_volume(remote, local)


def test_a_300_slice_series(orthanc: Orthanc, tmp_path: Path, cache: SeriesCache) -> None:
    files = write_small_series(tmp_path / "s", small_hu(n=300, size=128, seed=3), key="s300")
    orthanc.upload(files)
    local = load_series(files)
    assert local.shape == (300, 128, 128)
    assert_same_volume(load_series(orthanc.url_with_credentials,
                                   series_uid=local.series_uid, cache=cache), local)


def test_a_jpeg_lossless_series(orthanc: Orthanc, tmp_path: Path, cache: SeriesCache) -> None:
    files = write_small_series(tmp_path / "s", small_hu(n=8, size=64, seed=4), key="jpegll",
                               syntax="jpeg-lossless")
    orthanc.upload(files)
    local = load_series(files)
    assert local.transfer_syntaxes == ("1.2.840.10008.1.2.4.70",)
    remote = load_series(orthanc.url_with_credentials, series_uid=local.series_uid,
                         cache=cache)
    assert_same_volume(remote, local)


def test_the_enhanced_multiframe_ct(orthanc: Orthanc, cache: SeriesCache) -> None:
    path = pydicom_file("eCT_Supplemental.dcm")
    assert path is not None, "pydicom-data is part of .[dev]"
    orthanc.upload([Path(path)])
    local = load_series([path])
    assert local.shape[0] > 1 and len(set(local.files)) == 1  # frames of one file
    remote = load_series(orthanc.url_with_credentials, series_uid=local.series_uid,
                         cache=cache)
    assert_same_volume(remote, local)


def test_reopening_from_the_cache_needs_no_server(own_orthanc: Orthanc, tmp_path: Path,
                                                  cache: SeriesCache) -> None:
    files = write_small_series(tmp_path / "s", small_hu(n=12, size=48), key="reopen")
    own_orthanc.upload(files)
    url, local = own_orthanc.url_with_credentials, load_series(files)
    first = load_series(url, series_uid=local.series_uid, cache=cache)
    own_orthanc.stop()
    calls: list[int] = []
    again = load_series(url, series_uid=local.series_uid, cache=cache,
                        on_progress=lambda done, total: calls.append(done))
    assert calls == []
    assert again.files == first.files
    assert_same_volume(again, local)


def test_a_changed_cache_file_is_fetched_again(orthanc: Orthanc, tmp_path: Path,
                                               cache: SeriesCache) -> None:
    files = write_small_series(tmp_path / "s", small_hu(n=6, size=48), key="tamper")
    orthanc.upload(files)
    local = load_series(files)
    first = load_series(orthanc.url_with_credentials, series_uid=local.series_uid,
                        cache=cache)
    victim = first.files[3]
    data = bytearray(victim.read_bytes())
    data[-2] ^= 0xFF  # same size, different pixel value: only the hash can tell
    victim.write_bytes(bytes(data))
    fetched: list[int] = []
    again = load_series(orthanc.url_with_credentials, series_uid=local.series_uid,
                        cache=cache, on_progress=lambda done, total: fetched.append(done))
    assert fetched[-1] == 6
    assert_same_volume(again, local)


def test_the_cache_keeps_the_most_recently_used_series_within_its_size(
        orthanc: Orthanc, tmp_path: Path) -> None:
    uids = []
    for k in range(3):
        files = write_small_series(tmp_path / f"s{k}", small_hu(n=10, size=64, seed=k),
                                   key=f"lru{k}")
        orthanc.upload(files)
        uids.append(load_series(files).series_uid)
    series_bytes = 10 * (64 * 64 * 2 + 2000)
    cache = SeriesCache(tmp_path / "cache", max_bytes=int(2.5 * series_bytes))
    url = orthanc.url_with_credentials
    for uid in (uids[0], uids[1], uids[0], uids[2]):  # uids[1] is the least recently used
        load_series(url, series_uid=uid, cache=cache)
    assert cache.size_bytes() <= cache.max_bytes
    assert cache.lookup(orthanc.url, uids[1]) is None
    assert cache.lookup(orthanc.url, uids[0]) is not None
    assert cache.lookup(orthanc.url, uids[2]) is not None


def test_credentials_from_the_environment_and_from_netrc(
        orthanc: Orthanc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = write_small_series(tmp_path / "s", small_hu(n=3, size=32), key="creds")
    orthanc.upload(files)
    uid = load_series(files).series_uid
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_USER", USER)
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_PASSWORD", PASSWORD)
    assert load_series(orthanc.url, series_uid=uid,
                       cache=SeriesCache(tmp_path / "c1")).shape[0] == 3
    monkeypatch.delenv("RECIST_REVIEW_DICOMWEB_USER")
    monkeypatch.delenv("RECIST_REVIEW_DICOMWEB_PASSWORD")
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert load_series(orthanc.url, series_uid=uid,
                       cache=SeriesCache(tmp_path / "c2")).shape[0] == 3
    shutil.rmtree(tmp_path / "c1")
