"""Benchmark of ``reviewer_gui.dicom.load_series`` against SimpleITK and a plain read.

Usage (needs the ``bench`` extra: ``pip install -e '.[bench]'``)::

    python benchmarks/load_series.py                      # 300 and 1000 slices, 5,000 files
    python benchmarks/load_series.py --slices 300 --results benchmarks/load_series_RESULTS.md

Generates CT series of 512 x 512 slices (the sample-scan phantom, CT headers with a block of
private tags, as scanners write) in a temporary folder, never in the repository: uncompressed
(Explicit VR Little Endian) and JPEG Lossless SV1 (GDCM's encoder). In one run it times, with
the page cache warm (each reader runs once untimed, then the median of ``--repeat`` runs):

- ``load_series(folder)``, listing, header parsing, sorting and pixels included;
- SimpleITK: ``GetGDCMSeriesFileNames`` (its listing and sorting) plus ``ImageSeriesReader``;
- the floor: the same files' bytes read into one preallocated numpy array.

Peak memory is measured in a fresh process per reader: the rise of the resident high-water
mark (VmHWM, reset before loading) over the resident size before loading. Compressed loads
use the decoding processes (all cores); their first call, which starts the processes, is
reported as "cold".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SIZE = 512
PIXEL_MM = 0.7


def _generator():  # type: ignore[no-untyped-def]
    """The sample scans' generator (``reviewer_gui.sample_scans.generator``), via the test kit."""
    sys.path.insert(0, str(REPO / "tests"))
    from sample_generator import load_generator

    return load_generator()


def write_series(folder: Path, n: int, key: str, size: int = SIZE, jpeg: bool = False) -> None:
    """`n` CT slices of `size` x `size` under `folder`, optionally JPEG Lossless (GDCM)."""
    gen = _generator()
    folder.mkdir(parents=True, exist_ok=True)
    coords = (np.arange(size) - (size - 1) / 2) * PIXEL_MM
    rng = np.random.default_rng(7)
    for i in range(n):
        z = -150 + i * 300 / max(n - 1, 1)
        hu = gen.anatomy(coords, coords, z) + rng.normal(0, 8, (size, size))
        hu = np.clip(np.rint(hu), -1024, 3071).astype(np.int16)
        ds = gen.make_slice(hu, subject_id="BENCH", date="2024-01-01", series_key=key, index=i,
                            z=round(z, 3), signed=False)  # fmt: skip
        ds.PixelSpacing = [PIXEL_MM, PIXEL_MM]
        ds.ImagePositionPatient = [-(size - 1) / 2 * PIXEL_MM] * 2 + [round(z, 3)]
        ds.add_new(0x00190010, "LO", "BENCH PRIVATE")  # a private block, as scanners write
        for e in range(0x1000, 0x1050):
            ds.add_new(0x00190000 | e, "DS", f"{e * 0.37:.4f}")
        path = folder / f"CT{i:05d}.dcm"
        gen.save(ds, path)
        if jpeg:
            gen.to_jpeg_lossless(path)


def floor_read(folder: Path) -> np.ndarray:
    """The floor: every file's bytes into one preallocated array."""
    files = sorted(folder.iterdir())
    sizes = [p.stat().st_size for p in files]
    out = np.empty(sum(sizes), np.uint8)
    view, at = memoryview(out), 0
    for path, size in zip(files, sizes, strict=True):
        with path.open("rb", buffering=0) as f:
            f.readinto(view[at : at + size])
        at += size
    return out


def sitk_read(folder: Path) -> object:
    import SimpleITK as sitk

    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
    return reader.Execute()


def ours(folder: Path) -> object:
    from reviewer_gui.dicom import load_series

    return load_series(folder)


def timed(fn: Callable[[Path], object], folder: Path, repeat: int) -> tuple[float, float]:
    """(first call, median of `repeat` further calls) in seconds."""
    t0 = time.perf_counter()
    fn(folder)
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(folder)
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times)


_MEMORY_PROBE = """
import sys, json
sys.path.insert(0, {bench!r})
import load_series as b
import SimpleITK, reviewer_gui.dicom
from pathlib import Path
def status(key):
    for line in open('/proc/self/status'):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
fn = {{'ours': b.ours, 'sitk': b.sitk_read, 'floor': b.floor_read}}[{which!r}]
before = status('VmRSS')
open('/proc/self/clear_refs', 'w').write('5')
result = fn(Path({folder!r}))
print(json.dumps(status('VmHWM') - before))
"""


def peak_memory(which: str, folder: Path) -> int | None:
    """Rise of peak resident memory while loading `folder`, in a fresh process (Linux only)."""
    if not Path("/proc/self/clear_refs").exists():
        return None
    code = _MEMORY_PROBE.format(bench=str(Path(__file__).parent), which=which,
                                folder=str(folder))  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return int(json.loads(out.stdout.strip().splitlines()[-1]))


def bench_series(root: Path, n: int, jpeg: bool, repeat: int) -> dict[str, float | int | None]:
    """Write one series, time the three readers and measure their peak memory."""
    kind = "jpegll" if jpeg else "raw"
    folder = root / f"{kind}{n}"
    t0 = time.perf_counter()
    write_series(folder, n, key=f"bench/{kind}/{n}", jpeg=jpeg)
    print(f"  wrote {n} {kind} slices in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    disk = sum(p.stat().st_size for p in folder.iterdir())
    volume_bytes = n * SIZE * SIZE * 2
    floor_read(folder)  # warm the page cache
    ours_cold, ours_t = timed(ours, folder, repeat)
    sitk_cold, sitk_t = timed(sitk_read, folder, repeat)
    _, floor_t = timed(floor_read, folder, repeat)
    return {
        "slices": n, "jpeg": int(jpeg), "disk_mb": disk / 2**20,
        "volume_mb": volume_bytes / 2**20, "ours_s": ours_t, "ours_cold_s": ours_cold,
        "sitk_s": sitk_t, "sitk_cold_s": sitk_cold, "floor_s": floor_t,
        "ours_peak_mb": _mb(peak_memory("ours", folder)),
        "sitk_peak_mb": _mb(peak_memory("sitk", folder)),
    }  # fmt: skip


def _mb(value: int | None) -> float | None:
    return None if value is None else value / 2**20


def bench_find_series(root: Path, n_files: int, repeat: int) -> dict[str, float]:
    """find_series on `n_files` files (10 series of 64 x 64 slices: headers are what counts)."""
    from reviewer_gui.dicom import find_series

    folder = root / "many"
    per = n_files // 10
    for s in range(10):
        write_series(folder / f"series{s}", per, key=f"bench/many/{s}", size=64)
    first, median = timed(find_series, folder, repeat)
    found = find_series(folder)
    assert sum(len(s.files) for s in found.series) == per * 10
    return {"files": per * 10, "find_s": median, "find_first_s": first}


def markdown(rows: list[dict[str, float | int | None]], find: dict[str, float] | None,
             load: tuple[float, float]) -> str:
    """The results as a README section."""
    cpu = os.cpu_count()
    lines = [
        "## Performance of the DICOM loader",
        "",
        f"Measured by `python benchmarks/load_series.py` on this project's CI machine kind "
        f"({cpu} cores, Python {sys.version.split()[0]}), page cache warm, median of runs. "
        "Series of 512 x 512 CT slices, generated in a temporary folder. `ours` is "
        "`reviewer_gui.dicom.load_series(folder)` (listing, headers, sort, checks, HU); "
        "SimpleITK is `GetGDCMSeriesFileNames` + `ImageSeriesReader.Execute`; the floor reads "
        "the same files' bytes into one preallocated numpy array. Peak memory: rise of the "
        "resident high-water mark during the load, in a fresh process. Load average of the "
        f"machine (other work included) at the start and end of the run: {load[0]:.1f}, "
        f"{load[1]:.1f}.",
        "",
        "| series | on disk | volume | ours | SimpleITK | floor | ours / SimpleITK | "
        "ours / floor | ours peak memory | SimpleITK peak memory |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        kind = "JPEG Lossless" if r["jpeg"] else "uncompressed"
        ours, sitk, floor = float(r["ours_s"] or 0), float(r["sitk_s"] or 0), float(
            r["floor_s"] or 0)  # fmt: skip
        peak = r["ours_peak_mb"]
        speak = r["sitk_peak_mb"]
        vol = float(r["volume_mb"] or 1)
        lines.append(
            f"| {r['slices']} slices, {kind} | {float(r['disk_mb'] or 0):.0f} MB | {vol:.0f} MB "
            f"| {ours:.2f} s (first {float(r['ours_cold_s'] or 0):.2f} s) | {sitk:.2f} s "
            f"| {floor:.3f} s | {ours / sitk:.2f}x | {ours / floor:.1f}x "
            f"| {'n/a' if peak is None else f'{peak:.0f} MB ({peak / vol:.2f}x volume)'} "
            f"| {'n/a' if speak is None else f'{speak:.0f} MB ({speak / vol:.2f}x volume)'} |"
        )
    if find:
        lines += ["", f"`find_series` on {find['files']:,} files (10 series): "
                  f"{find['find_s']:.2f} s (first run {find['find_first_s']:.2f} s)."]  # fmt: skip
    lines += [
        "",
        "Targets (issue 3): uncompressed <= 0.6x SimpleITK and <= 5x the floor; compressed "
        "<= 1.0x SimpleITK; peak memory <= 1.5x the volume; `find_series` on 5,000 files "
        "< 2 s. \"first\" is the first load in the process; for compressed series it includes "
        "starting the decoding processes (once per session of the app).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and optionally write) the README section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--files", type=int, default=5000, help="files for find_series (0: skip)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-jpeg", action="store_true", help="skip the compressed series")
    parser.add_argument("--results", type=Path, help="write the markdown section here")
    args = parser.parse_args(argv)
    rows: list[dict[str, float | int | None]] = []
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-load-series-") as tmp:
        root = Path(tmp)
        for n in args.slices:
            for jpeg in (False,) if args.no_jpeg else (False, True):
                rows.append(bench_series(root, n, jpeg, args.repeat))
                print(json.dumps(rows[-1]), file=sys.stderr)
                for p in (root / f"{'jpegll' if jpeg else 'raw'}{n}").iterdir():
                    p.unlink()
        find = bench_find_series(root, args.files, args.repeat) if args.files else None
    text = markdown(rows, find, (load_start, os.getloadavg()[0]))
    print(text)
    if args.results:
        args.results.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
