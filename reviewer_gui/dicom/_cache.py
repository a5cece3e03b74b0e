"""A bounded on-disk cache of series fetched from DICOMweb servers (least recently used first out).

Layout under the cache folder: ``series/KEY/`` holds one complete series (its files, named by
SOP Instance UID, and ``manifest.json``: for each file its SOP Instance UID, size, SHA-256 and
the file's size and modification time when it was written). A series being fetched lives in
``partial/`` until every file is in and the load succeeded; only then is it renamed into
``series/`` (one rename), so a half-loaded series is never taken for a complete one.

Checking on re-opening: the file list must be the manifest's; a file whose size or
modification time differs from the recorded one is hashed again and must match its SHA-256
(like git's index: unchanged files cost a ``stat``, not a read); the loader then checks that
each file's SOP Instance UID is the manifest's. ``verify="full"`` hashes every file.

Settings: ``RECIST_REVIEW_DICOMWEB_CACHE_DIR`` (default ``$XDG_CACHE_HOME/recist-toolkit/
dicomweb``) and ``RECIST_REVIEW_DICOMWEB_CACHE_MB`` (default 4096; 0 keeps nothing).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ._model import DicomLoadError

CACHE_DIR_ENV = "RECIST_REVIEW_DICOMWEB_CACHE_DIR"
CACHE_MB_ENV = "RECIST_REVIEW_DICOMWEB_CACHE_MB"
DEFAULT_CACHE_MB = 4096
STALE_PARTIAL_S = 24 * 3600
_UID = re.compile(r"^[0-9]+(\.[0-9]+)*$")


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "recist-toolkit" / "dicomweb"


def default_max_bytes() -> int:
    raw = os.environ.get(CACHE_MB_ENV, "")
    try:
        mb = float(raw) if raw else DEFAULT_CACHE_MB
    except ValueError as exc:
        raise DicomLoadError(f"{CACHE_MB_ENV}={raw!r} is not a size in MB") from exc
    return int(mb * 1024 * 1024)


def file_name(sop_uid: str) -> str:
    """A safe file name for a SOP Instance UID (a server could send anything)."""
    if _UID.match(sop_uid) and len(sop_uid) <= 64:
        return f"{sop_uid}.dcm"
    return f"x{hashlib.sha256(sop_uid.encode()).hexdigest()[:40]}.dcm"


@dataclass
class Staging:
    """A series being fetched: files go in as they arrive; :meth:`commit` makes it complete."""

    cache: SeriesCache
    key: str
    folder: Path
    entries: dict[str, dict[str, object]] = field(default_factory=dict)

    def add(self, sop_uid: str, data: bytes) -> Path:
        path = self.folder / file_name(sop_uid)
        with path.open("wb") as f:
            f.write(data)
        st = path.stat()
        self.entries[path.name] = {"sop_uid": sop_uid, "size": len(data),
                                   "sha256": hashlib.sha256(data).hexdigest(),
                                   "mtime_ns": st.st_mtime_ns}
        return path

    def commit(self, sop_by_file: dict[str, str]) -> Path:
        """Record the series as complete (`sop_by_file`: each file's SOP UID as loaded)."""
        for name, sop in sop_by_file.items():
            if self.entries.get(name, {}).get("sop_uid") != sop:
                raise DicomLoadError(f"{self.folder / name}: its SOP Instance UID {sop} is not "
                                     "the one the server listed: not cached")
        manifest = self.folder / "manifest.json"
        manifest.write_text(json.dumps({"files": self.entries}, indent=0))
        final = self.cache.root / "series" / self.key
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)
        os.replace(self.folder, final)
        self.cache.evict(keep=self.key)
        return final

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class SeriesCache:
    """Complete series by (server URL, Series Instance UID), at most `max_bytes` on disk."""

    def __init__(self, root: str | os.PathLike[str] | None = None,
                 max_bytes: int | None = None,
                 verify: Literal["stat", "full"] = "stat") -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.max_bytes = default_max_bytes() if max_bytes is None else max_bytes
        self.verify = verify

    @staticmethod
    def key(server_url: str, series_uid: str) -> str:
        return hashlib.sha256(f"{server_url}\n{series_uid}".encode()).hexdigest()[:32]

    def lookup(self, server_url: str, series_uid: str) -> dict[Path, str] | None:
        """The files of a complete cached series (file -> SOP UID), or None (then fetch)."""
        folder = self.root / "series" / self.key(server_url, series_uid)
        manifest = folder / "manifest.json"
        try:
            entries: dict[str, dict[str, object]] = json.loads(manifest.read_text())["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        found: dict[Path, str] = {}
        try:
            names = {p.name for p in os.scandir(folder)} - {"manifest.json"}
            if names != set(entries):
                raise ValueError("files added or removed")
            for name, entry in entries.items():
                path = folder / name
                st = path.stat()
                changed = (self.verify == "full" or st.st_size != entry["size"]
                           or st.st_mtime_ns != entry["mtime_ns"])
                if changed and hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
                    raise ValueError(f"{path}: SHA-256 differs")
                found[path] = str(entry["sop_uid"])
        except (OSError, ValueError, KeyError):
            self.drop(server_url, series_uid)
            return None
        os.utime(manifest)  # most recently used
        return found

    def drop(self, server_url: str, series_uid: str) -> None:
        shutil.rmtree(self.root / "series" / self.key(server_url, series_uid),
                      ignore_errors=True)

    def begin(self, server_url: str, series_uid: str) -> Staging:
        key = self.key(server_url, series_uid)
        folder = self.root / "partial" / f"{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True)
        return Staging(self, key, folder)

    def evict(self, keep: str | None = None) -> None:
        """Remove least recently used series until the cache fits; old partial folders too."""
        now = time.time()
        partial = self.root / "partial"
        if partial.is_dir():
            for d in partial.iterdir():
                try:
                    if now - d.stat().st_mtime > STALE_PARTIAL_S:
                        shutil.rmtree(d, ignore_errors=True)
                except OSError:
                    continue
        series = self.root / "series"
        if not series.is_dir():
            return
        used: list[tuple[float, int, Path]] = []
        for d in series.iterdir():
            try:
                size = sum(e.stat().st_size for e in os.scandir(d))
                used.append(((d / "manifest.json").stat().st_mtime, size, d))
            except OSError:
                shutil.rmtree(d, ignore_errors=True)
        total = sum(size for _, size, _ in used)
        for _, size, d in sorted(used):
            if total <= self.max_bytes:
                break
            if d.name != keep or self.max_bytes <= 0:
                shutil.rmtree(d, ignore_errors=True)
                total -= size

    def size_bytes(self) -> int:
        series = self.root / "series"
        if not series.is_dir():
            return 0
        return sum(f.stat().st_size for f in series.rglob("*") if f.is_file())
