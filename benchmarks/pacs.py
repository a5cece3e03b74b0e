"""Benchmark: a 300-slice 512 x 512 CT series from a real Orthanc over DICOMweb, on loopback.

Usage (needs Orthanc, ``.ci/run`` installs it, and the ``bench`` or ``dev`` extra for
dicomweb-client); Orthanc 1.10 listens on every interface, so run it in a network namespace
that has only loopback::

    bash .ci/in-netns .venv/bin/python benchmarks/pacs.py [--slices 300] [--repeat 5]
        [--results benchmarks/pacs_RESULTS.md]

In one run, page cache warm, each timing the median of ``--repeat`` runs after one untimed:

- time to the first displayable image: ``load_series(URL, on_first_image=...)`` with an empty
  cache, from the call to the callback (search, one instance, its decoding);
- the whole series with an empty cache, against the baseline: dicomweb-client's
  ``retrieve_series`` followed by pydicom decoding into one preallocated array (sorted along z,
  rescaled to HU as the loader does), with the same ``Accept-Encoding: identity`` as ours
  (by default requests asks for gzip, and Orthanc then compresses each slice: ~8x slower);
- re-opening from the cache, against ``load_series(folder)`` of the same files (alternated,
  2 x ``--repeat`` + 1 runs each);
- DIMSE: C-GET of the study (the same series) into files, as ``recist-review import
  dicom://...`` does, with TCP_NODELAY on both sides (reported);
- the transfer alone, one streamed answer against parallel per-instance requests (reported:
  the parallel requests were tried for the 0.5x aim).
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "pacs"), str(REPO / "tests")]

from orthanc_kit import PASSWORD, USER, Orthanc, loopback_only_problem  # noqa: E402

from reviewer_gui.dicom import SeriesCache, Volume, load_series, shutdown_pool  # noqa: E402
from reviewer_gui.dicom._dicomweb import Connection, parse_server  # noqa: E402
from reviewer_gui.pacs._dimse_source import fetch_dimse  # noqa: E402

PARALLEL = 8  # requests at a time, in the parallel transfer


def _series_writer() -> Callable[..., None]:
    spec = importlib.util.spec_from_file_location("bench_load_series",
                                                  REPO / "benchmarks" / "load_series.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_series  # type: ignore[no-any-return]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    result = fn()  # untimed: warms the page cache, the server and the decoders
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def baseline(url: str, study: str, series: str) -> np.ndarray:
    """dicomweb-client's retrieve_series, then pydicom decoding into one HU array."""
    from dicomweb_client.api import DICOMwebClient

    with requests.Session() as session:
        session.auth = (USER, PASSWORD)
        session.headers["Accept-Encoding"] = "identity"  # as ours: no on-the-fly gzip
        client = DICOMwebClient(url, session=session)
        datasets = client.retrieve_series(study, series)
    datasets.sort(key=lambda ds: float(ds.ImagePositionPatient[2]))
    first = datasets[0]
    out = np.empty((len(datasets), first.Rows, first.Columns), np.int16)
    for k, ds in enumerate(datasets):
        slope, intercept = float(ds.RescaleSlope), float(ds.RescaleIntercept)
        out[k] = ds.pixel_array * slope + intercept
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slices", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--results", type=Path, help="write the table there (Markdown)")
    args = parser.parse_args(argv)
    problem = loopback_only_problem()
    if problem is not None:
        command = problem.replace("-m pytest tests/pacs", "benchmarks/pacs.py")
        print(f"benchmarks/pacs.py: {command}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="recist-pacs-bench-") as tmp:
        root = Path(tmp)
        folder = root / "series"
        _series_writer()(folder, args.slices, "pacs-bench")
        files = sorted(folder.iterdir())
        server = Orthanc(root / "orthanc")
        server.start()
        try:
            server.upload(files)
            rows = run(server, folder, root, args.repeat)
        finally:
            server.stop()
            shutdown_pool()
    table = render(rows, args.slices)
    print(table)
    if args.results:
        args.results.write_text(table)
    return 0


def run(server: Orthanc, folder: Path, root: Path, repeat: int) -> dict[str, float]:
    local = load_series(folder)
    url = server.url_with_credentials
    uid = local.series_uid
    fresh = iter(range(10**6))

    def cold() -> Volume:
        return load_series(url, series_uid=uid, cache=SeriesCache(root / f"c{next(fresh)}"))

    def first_image() -> float:
        start = time.perf_counter()
        shown: list[float] = []
        load_series(url, series_uid=uid, cache=SeriesCache(root / f"c{next(fresh)}"),
                    on_first_image=lambda v: shown.append(time.perf_counter() - start))
        return shown[0]

    firsts = [first_image() for _ in range(repeat + 1)][1:]
    t_cold, vol = timed(cold, repeat)
    assert isinstance(vol, Volume)
    np.testing.assert_array_equal(vol.voxels, local.voxels)
    t_base, arr = timed(lambda: baseline(server.url, local.study_uid, uid), repeat)
    np.testing.assert_array_equal(arr, local.voxels)
    warm = SeriesCache(root / "warm")
    load_series(url, series_uid=uid, cache=warm)
    reopen, folder_load = [], []
    for _ in range(2 * repeat + 1):  # alternated, so that drift in the machine's speed is shared
        t_reopen, again = timed(lambda: load_series(url, series_uid=uid, cache=warm), 1)
        reopen.append(t_reopen)
        folder_load.append(timed(lambda: load_series(folder), 1)[0])
    assert isinstance(again, Volume)
    np.testing.assert_array_equal(again.voxels, local.voxels)
    t_reopen, t_folder = statistics.median(reopen), statistics.median(folder_load)
    dimse = f"dicom://{server.aet}@127.0.0.1:{server.dicom_port}"

    def c_get() -> int:
        target = Path(tempfile.mkdtemp(dir=root))
        try:
            return fetch_dimse(dimse, target, study=local.study_uid)
        finally:
            shutil.rmtree(target)

    t_dimse, n = timed(c_get, repeat)
    assert n == len(local.sop_instance_uids)
    t_stream, t_parallel = transfers(url, local.study_uid, uid, repeat)
    return {"first": statistics.median(firsts), "cold": t_cold, "baseline": t_base,
            "reopen": t_reopen, "folder": t_folder, "dimse": t_dimse,
            "stream": t_stream, "parallel": t_parallel}


def transfers(url: str, study: str, series: str, repeat: int) -> tuple[float, float]:
    """The bytes alone (no file written, nothing decoded): the series as one streamed WADO-RS
    answer (what ``load_series`` does), against one WADO-RS request per instance, PARALLEL at
    a time on as many connections (the other way to fetch a series in parallel)."""
    conn = Connection(parse_server(url), pool=PARALLEL)
    try:
        sops = [str(item["00080018"]["Value"][0])
                for item in conn.search("instances", {"SeriesInstanceUID": series})]

        def stream() -> int:
            return sum(len(data) for data in conn.stream_series(study, series))

        def parallel() -> int:
            with ThreadPoolExecutor(PARALLEL) as pool:
                return sum(len(data) for data in pool.map(
                    lambda sop: conn.fetch_file(study, series, sop), sops))

        t_stream, size = timed(stream, repeat)
        t_parallel, same = timed(parallel, repeat)
        assert size == same
    finally:
        conn.close()
    return t_stream, t_parallel


def render(r: dict[str, float], slices: int) -> str:
    return "\n".join([
        f"DICOMweb from Orthanc 1.10 on loopback, {slices} slices of 512 x 512 (uncompressed),"
        " median of the timed runs:",
        "",
        "| measure | ours | baseline | ratio | target |",
        "|---|---:|---:|---:|---|",
        f"| first displayable image | {r['first']:.3f} s | | | <= 0.3 s |",
        f"| whole series, empty cache | {r['cold']:.2f} s | {r['baseline']:.2f} s "
        f"(dicomweb-client retrieve_series + pydicom) | {r['cold'] / r['baseline']:.2f}x "
        "| <= 1.0x (aim 0.5x) |",
        f"| re-open from the cache | {r['reopen']:.3f} s | {r['folder']:.3f} s (folder load) "
        f"| {r['reopen'] / r['folder']:.2f}x | <= 1.2x |",
        f"| DIMSE C-GET of the study into files (pynetdicom, TCP_NODELAY) | {r['dimse']:.2f} s "
        f"| | {r['dimse'] / r['cold']:.2f}x our DICOMweb load | reported |",
        f"| transfer alone: one streamed WADO-RS answer (ours) | {r['stream']:.2f} s | "
        f"{r['parallel']:.2f} s ({PARALLEL} parallel per-instance WADO-RS requests) | "
        f"{r['stream'] / r['parallel']:.2f}x | reported |",
        "",
    ])


if __name__ == "__main__":
    raise SystemExit(main())
