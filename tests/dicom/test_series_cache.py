"""SeriesCache without a server: complete entries only, checked files, least recently used out."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reviewer_gui.dicom import DicomLoadError, SeriesCache
from reviewer_gui.dicom._cache import STALE_PARTIAL_S, file_name

URL = "http://127.0.0.1:8042/dicom-web"


def put(cache: SeriesCache, series: str, n: int = 3, size: int = 1000) -> dict[Path, str]:
    staging = cache.begin(URL, series)
    for k in range(n):
        staging.add(f"{series}.{k}", bytes([k]) * size)
    assert cache.lookup(URL, series) is None  # not complete before the commit
    staging.commit({file_name(f"{series}.{k}"): f"{series}.{k}" for k in range(n)})
    found = cache.lookup(URL, series)
    assert found is not None and sorted(found.values()) == [f"{series}.{k}" for k in range(n)]
    return found


def test_a_committed_series_is_found_by_server_and_uid(tmp_path: Path) -> None:
    cache = SeriesCache(tmp_path, max_bytes=1 << 20)
    put(cache, "1.2.3")
    assert cache.lookup("http://other:8042/dicom-web", "1.2.3") is None
    assert not any((tmp_path / "partial").iterdir())


def test_a_discarded_staging_leaves_nothing(tmp_path: Path) -> None:
    cache = SeriesCache(tmp_path)
    staging = cache.begin(URL, "1.2.4")
    staging.add("1.2.4.1", b"x" * 10)
    staging.discard()
    assert cache.lookup(URL, "1.2.4") is None and not any((tmp_path / "partial").iterdir())


def test_a_commit_refuses_a_file_whose_uid_is_not_the_listed_one(tmp_path: Path) -> None:
    staging = SeriesCache(tmp_path).begin(URL, "1.2.5")
    staging.add("1.2.5.1", b"x")
    with pytest.raises(DicomLoadError, match="not the one the server listed"):
        staging.commit({file_name("1.2.5.1"): "9.9.9"})


@pytest.mark.parametrize("change", ["same-size-new-mtime", "size", "extra-file", "removed"])
def test_a_changed_entry_is_dropped(tmp_path: Path, change: str) -> None:
    cache = SeriesCache(tmp_path)
    victim = next(iter(put(cache, "1.2.6")))
    if change == "same-size-new-mtime":
        victim.write_bytes(b"\xff" * victim.stat().st_size)
        os.utime(victim, ns=(1, 1))
    elif change == "size":
        victim.write_bytes(b"short")
    elif change == "extra-file":
        (victim.parent / "stray.dcm").write_bytes(b"x")
    else:
        victim.unlink()
    assert cache.lookup(URL, "1.2.6") is None
    assert not victim.parent.exists()


def test_full_verification_hashes_even_unchanged_looking_files(tmp_path: Path) -> None:
    victim = next(iter(put(SeriesCache(tmp_path), "1.2.7")))
    st = victim.stat()
    victim.write_bytes(b"\xee" * st.st_size)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))  # size and time as recorded
    assert SeriesCache(tmp_path).lookup(URL, "1.2.7") is not None  # stat check: trusted
    assert SeriesCache(tmp_path, verify="full").lookup(URL, "1.2.7") is None


def test_least_recently_used_series_go_first(tmp_path: Path) -> None:
    cache = SeriesCache(tmp_path, max_bytes=2 * 3 * 1000 + 1500)  # two series and a bit
    for uid in ("1.1", "1.2"):
        put(cache, uid)
        time.sleep(0.02)
    cache.lookup(URL, "1.1")  # used: 1.2 is now the least recently used
    time.sleep(0.02)
    put(cache, "1.3")
    assert cache.lookup(URL, "1.2") is None
    assert cache.lookup(URL, "1.1") is not None and cache.lookup(URL, "1.3") is not None
    assert cache.size_bytes() <= cache.max_bytes


def test_stale_partial_folders_are_removed(tmp_path: Path) -> None:
    cache = SeriesCache(tmp_path)
    old = cache.begin(URL, "1.4")
    recent = cache.begin(URL, "1.5")
    past = time.time() - STALE_PARTIAL_S - 60
    os.utime(old.folder, (past, past))
    cache.evict()
    assert not old.folder.exists() and recent.folder.exists()


def test_settings_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_CACHE_MB", "1.5")
    cache = SeriesCache()
    assert (cache.root, cache.max_bytes) == (tmp_path / "c", int(1.5 * 1024 * 1024))
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_CACHE_MB", "lots")
    with pytest.raises(DicomLoadError, match="is not a size in MB"):
        SeriesCache()


def test_a_uid_that_is_not_one_does_not_become_a_path(tmp_path: Path) -> None:
    assert file_name("1.2.840.5") == "1.2.840.5.dcm"
    assert "/" not in file_name("../../etc/passwd") and file_name("../x").startswith("x")
