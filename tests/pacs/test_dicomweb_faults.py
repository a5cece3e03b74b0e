"""Faults while loading from a real Orthanc: one clear line each, and nothing cached as complete."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pydicom
import pytest
from dicom_testkit import small_hu, write_small_series
from orthanc_kit import USER, Orthanc
from pydicom.encaps import encapsulate

from reviewer_gui.dicom import DicomLoadError, SeriesCache, Volume, load_series


def series(tmp_path: Path, server: Orthanc, key: str, n: int = 20, **kw: object) -> list[Path]:
    files = write_small_series(tmp_path / key, small_hu(n=n, size=64), key=key,
                               **kw)  # type: ignore[arg-type]
    server.upload(files)
    return files


def assert_nothing_cached(cache: SeriesCache, server: Orthanc, uid: str,
                          volume: Volume | None = None) -> None:
    """No complete entry; the staging folder is gone, or (a volume was returned with problems)
    holds only that volume's files, outside the complete series, until the cache's clean-up."""
    assert cache.lookup(server.url, uid) is None
    assert not list((cache.root / "series").glob("*/manifest.json"))
    left = {p for d in (cache.root / "partial").iterdir() for p in d.iterdir()}
    assert left == (set() if volume is None else set(volume.files))


def one_line(exc: pytest.ExceptionInfo[DicomLoadError]) -> str:
    text = str(exc.value)
    assert "\n" not in text and len(text) < 800, text
    return text


def test_orthanc_stopped_mid_load(own_orthanc: Orthanc, tmp_path: Path,
                                  cache: SeriesCache) -> None:
    files = series(tmp_path, own_orthanc, "stopped", n=40)
    uid = load_series(files).series_uid

    shown: list[Volume] = []

    def stop(first: Volume) -> None:  # the reader sees the first image; then the server goes
        shown.append(first)
        own_orthanc.stop()

    with pytest.raises(DicomLoadError) as exc:
        load_series(own_orthanc.url_with_credentials, series_uid=uid, cache=cache,
                    on_first_image=stop)
    text = one_line(exc)
    assert len(shown) == 1
    assert re.search(r"cannot be reached .*after 1 of 40 images; nothing was cached", text)
    assert_nothing_cached(cache, own_orthanc, uid)


def test_wrong_credentials(orthanc: Orthanc, tmp_path: Path, cache: SeriesCache) -> None:
    uid = load_series(series(tmp_path, orthanc, "creds-bad", n=2)).series_uid
    url = orthanc.url_with_credentials.replace(":reader-secret-1@", ":wrong@")
    with pytest.raises(DicomLoadError) as exc:
        load_series(url, series_uid=uid, cache=cache)
    text = one_line(exc)
    assert f"refused user '{USER}' (HTTP 401)" in text and "wrong" not in text
    assert "RECIST_REVIEW_DICOMWEB_USER" in text and "netrc" in text
    with pytest.raises(DicomLoadError, match="refused no credentials"):
        load_series(orthanc.url, series_uid=uid, cache=cache)
    assert_nothing_cached(cache, orthanc, uid)


def test_an_unknown_series(orthanc: Orthanc, cache: SeriesCache) -> None:
    with pytest.raises(DicomLoadError) as exc:
        load_series(orthanc.url_with_credentials, series_uid="1.2.3.999", cache=cache)
    assert "series 1.2.3.999 is not on the DICOMweb server" in one_line(exc)


def test_an_instance_deleted_while_loading(own_orthanc: Orthanc, tmp_path: Path,
                                           cache: SeriesCache) -> None:
    files = series(tmp_path, own_orthanc, "deleted", n=12)
    local = load_series(files)
    victim = local.sop_instance_uids[3]

    def delete(first: Volume) -> None:  # counted, then gone before the rest is sent
        assert first.sop_instance_uids[0] != victim
        own_orthanc.delete_instance(victim)

    remote = load_series(own_orthanc.url_with_credentials, series_uid=local.series_uid,
                         cache=cache, on_first_image=delete)
    assert remote.warning_codes() == ["gap", "series-changed", "not-cached"]
    assert "listed 12 images in series" in remote.warnings[1].message
    assert "sent 11" in remote.warnings[1].message
    assert victim not in remote.sop_instance_uids and remote.shape[0] == 11
    assert_nothing_cached(cache, own_orthanc, local.series_uid, remote)


def test_a_series_with_an_instance_missing_warns_like_the_folder(
        orthanc: Orthanc, tmp_path: Path, cache: SeriesCache) -> None:
    files = write_small_series(tmp_path / "gap", small_hu(n=12, size=48), key="gap")
    kept = files[:5] + files[6:]
    orthanc.upload(kept)
    local = load_series(kept)
    assert local.warning_codes() == ["gap"]
    remote = load_series(orthanc.url_with_credentials, series_uid=local.series_uid,
                         cache=cache)
    assert remote.warning_codes() == ["gap"]
    assert "about 1 slice(s) missing" in remote.warnings[0].message
    np.testing.assert_array_equal(remote.voxels, local.voxels)


def test_a_corrupt_instance(orthanc: Orthanc, tmp_path: Path, cache: SeriesCache) -> None:
    files = write_small_series(tmp_path / "corrupt", small_hu(n=6, size=48), key="corrupt",
                               syntax="jpeg-lossless")
    ds = pydicom.dcmread(files[2])
    ds.PixelData = encapsulate([b"\xff\xd8\xff\xc3" + bytes(range(256)) * 4 + b"\xff\xd9"])
    ds.save_as(files[2])
    orthanc.upload(files)
    with pytest.raises(DicomLoadError) as local_exc:
        load_series(files, workers=1)
    with pytest.raises(DicomLoadError) as exc:
        load_series(orthanc.url_with_credentials, series_uid=str(ds.SeriesInstanceUID),
                    cache=cache, workers=1)
    text = one_line(exc)
    assert "cannot decode JPEG Lossless" in text and "the file is corrupt" in text
    assert text.split(": ", 1)[1] == str(local_exc.value).split(": ", 1)[1]
    assert_nothing_cached(cache, orthanc, str(ds.SeriesInstanceUID))


def test_a_server_that_does_not_answer(own_orthanc: Orthanc, tmp_path: Path,
                                       cache: SeriesCache) -> None:
    uid = load_series(series(tmp_path, own_orthanc, "slow", n=4)).series_uid
    own_orthanc.pause()
    try:
        with pytest.raises(DicomLoadError) as exc:  # at the timeout, not hanging
            load_series(own_orthanc.url_with_credentials, series_uid=uid, cache=cache,
                        timeout=1.0)
    finally:
        own_orthanc.resume()
    text = one_line(exc)
    assert "did not answer within 1 s" in text and "RECIST_REVIEW_DICOMWEB_TIMEOUT" in text
    assert_nothing_cached(cache, own_orthanc, uid)
    assert load_series(own_orthanc.url_with_credentials, series_uid=uid,
                       cache=cache).shape[0] == 4  # once it answers again
