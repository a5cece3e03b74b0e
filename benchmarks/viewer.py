"""Benchmark of the image viewer (issue 5, Performance).

Usage::

    python benchmarks/viewer.py                       # offscreen, and under Xvfb if installed
    python benchmarks/viewer.py --platform offscreen  # one platform only
    python benchmarks/viewer.py --results benchmarks/viewer_RESULTS.md

Writes two CT studies of one subject, BASELINE and M2, each a series of 300 slices of
512 x 512 (the sample-scan phantom at 0.7 mm pixels, 1 mm apart, the prior's table 2 mm off),
into a temporary folder, never the repository, then measures with the real widgets in two
scenarios:

- **app**: the reviewer's own main window at 1920 x 1080 (a full HD screen) on a project
  imported from that folder, M2 read beside the baseline, with the study tree, the lesion
  panel and the grid around the images: what a reader sees.
- **split**: the two linked views alone in a 1800 x 1000 window (two views of 898 x 1000,
  each with more than twice the pixels the app gives a view at full HD): the stress case.

Measured:

- **scroll** (both scenarios): per step, the time from a Down-arrow key event on the current
  view to both views painted (the prior follows by patient position), over a 300-slice
  scroll down and back up; every slice of both series carries a caliper and a bidirectional
  measurement, so each paint draws W/L, image and overlays. Reported: p50, p95 and max in ms.
- **first image** (split): from choosing a series (its file list, as ``find_series`` lists
  it) to its first image painted; then to the whole series loaded in the background. Page
  cache warm.

Each run is its own process; ``--runs`` runs per platform and scenario (default 3, the
scenarios taking turns), reported as the median of each figure with the load average before
each run. Under Xvfb the platform is ``xcb`` on display :99 (an X server this script starts
with MIT-SHM and stops): steps are back to back, so a step includes waiting for the server to
copy the previous frame out of the shared backing store (Qt does that round trip before it
paints into it again). The CPU time of the app and of the X server per step is reported
beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SIZE, SLICES, PIXEL_MM, STEP_MM = 512, 300, 0.7, 1.0
WINDOW = (1800, 1000)  # "split": two views alone, each larger than the app gives them
APP_WINDOW = (1920, 1080)  # "app": the reviewer's window on a full HD screen


def _generator() -> Any:
    """The sample scans' generator (``reviewer_gui.sample_scans.generator``), via the test kit."""
    sys.path.insert(0, str(REPO / "tests"))
    from sample_generator import load_generator

    return load_generator()


def write_series(folder: Path, key: str, table_mm: float, date: str = "2024-01-01"
                 ) -> list[Path]:
    """300 slices of 512 x 512 CT (phantom anatomy, noise) of a study on `date`, under
    `folder`."""
    gen = _generator()
    folder.mkdir(parents=True, exist_ok=True)
    coords = (np.arange(SIZE) - (SIZE - 1) / 2) * PIXEL_MM
    rng = np.random.default_rng(11)
    lesion = gen._les("T1", "TARGET", "liver", False, (-60.2, -15.05, -75), (40, 30), 45)
    paths = []
    for i in range(SLICES):
        z = -250 + table_mm + i * STEP_MM
        hu = gen.anatomy(coords, coords, z, [lesion]) + rng.normal(0, 8, (SIZE, SIZE))
        ds = gen.make_slice(np.clip(np.rint(hu), -1024, 3071).astype(np.int16),
                            subject_id="BENCH", date=date, series_key=key, index=i,
                            z=z, signed=False)  # fmt: skip
        ds.PixelSpacing = [PIXEL_MM, PIXEL_MM]
        ds.ImagePositionPatient = [-(SIZE - 1) / 2 * PIXEL_MM] * 2 + [z]
        path = folder / f"CT{i:05d}.dcm"
        gen.save(ds, path)
        paths.append(path)
    return paths


def _measure_every_slice(view: Any) -> None:
    """A caliper and a bidirectional measurement on every slice (more than any reading)."""
    from reviewer_gui.viewer import Bidirectional, Caliper, ViewTransform

    t = ViewTransform()  # identity: screen = image coordinates
    for k in range(view.volume.shape[0]):
        caliper = Caliper(view.viewport.spacing, k)
        for x, y in ((200, 220), (260, 230)):
            (caliper.press if caliper.points == [] else caliper.release)(t, x, y)
        bidi = Bidirectional(view.viewport.spacing, k)
        bidi.press(t, 300, 300)
        bidi.release(t, 360, 300)
        bidi.press(t, 330, 285)
        bidi.release(t, 330, 318)
        view.viewport.layer.add(caliper)
        view.viewport.layer.add(bidi)


def run(folder: Path) -> dict[str, Any]:
    """Measure on the current Qt platform (set QT_QPA_PLATFORM before calling)."""
    from PyQt6.QtWidgets import QApplication, QSplitter

    from reviewer_gui.dicom import find_series
    from reviewer_gui.qt import LinkedViews, open_series

    app = QApplication.instance() or QApplication([])
    t0 = time.perf_counter()
    catalog = find_series(folder / "BENCH")
    listing_s = time.perf_counter() - t0
    prior_info, current_info = sorted(catalog.series, key=lambda s: s.series_uid != PRIOR_UID)

    splitter = QSplitter()
    splitter.resize(*WINDOW)
    splitter.show()
    t0 = time.perf_counter()  # the reader chooses the current series
    current = open_series(current_info.files, title="CURRENT")
    splitter.addWidget(current)
    while current.paint_count == 0:
        app.processEvents()
    first_image_s = time.perf_counter() - t0
    while current.volume.shape[0] < SLICES:
        app.processEvents()
    whole_series_s = time.perf_counter() - t0
    prior = open_series(prior_info.files, title="PRIOR")
    splitter.insertWidget(0, prior)
    while prior.volume.shape[0] < SLICES:
        app.processEvents()
    LinkedViews(prior, current)
    splitter.setSizes([WINDOW[0] // 2, WINDOW[0] // 2])
    app.processEvents()

    figures = _scroll(app, prior, current)
    for view in (prior, current):
        if view.loader is not None:
            view.loader.wait()
    return {**figures, "scenario": "split",
            "listing_ms": listing_s * 1e3, "first_image_ms": first_image_s * 1e3,
            "whole_series_ms": whole_series_s * 1e3}  # fmt: skip


def _scroll(app: Any, prior: Any, current: Any) -> dict[str, Any]:
    """Key Down through the current series and back up, each step until both views have
    painted and flushed; per-step times and the CPU time of the app and the X server."""
    from PyQt6.QtCore import QEvent, Qt
    from PyQt6.QtGui import QKeyEvent
    from PyQt6.QtWidgets import QApplication

    for view in (prior, current):
        _measure_every_slice(view)
    current.viewport.nav.go_to(SLICES - 1)
    app.processEvents()
    server = os.environ.get("BENCH_XSERVER_PID")
    cpu0, server0 = time.process_time(), _cpu_seconds(server)
    steps: list[float] = []
    paints = prior.paint_count + current.paint_count
    for key in [Qt.Key.Key_Down] * (SLICES - 1) + [Qt.Key.Key_Up] * (SLICES - 1):
        t0 = time.perf_counter()
        QApplication.sendEvent(current, QKeyEvent(QEvent.Type.KeyPress, key,
                                                  Qt.KeyboardModifier.NoModifier))
        app.processEvents()  # both views repaint and flush here
        steps.append(time.perf_counter() - t0)
    app_cpu, server_cpu = time.process_time() - cpu0, _cpu_seconds(server) - server0
    painted = prior.paint_count + current.paint_count - paints
    if painted < 2 * len(steps) * 0.95:
        raise RuntimeError(f"only {painted} paints for {len(steps)} steps: not measuring paint")
    q = statistics.quantiles(steps, n=100)
    return {
        "platform": QApplication.platformName(),
        "view_size": [current.width(), current.height()],
        "steps": len(steps), "paints": painted,
        "p50_ms": q[49] * 1e3, "p95_ms": q[94] * 1e3, "max_ms": max(steps) * 1e3,
        "app_cpu_ms": app_cpu / len(steps) * 1e3, "server_cpu_ms": server_cpu / len(steps) * 1e3,
    }  # fmt: skip


def run_app(folder: Path) -> dict[str, Any]:
    """The same scroll in the reviewer's own window at full HD: a project made from `folder`
    (one subject, BASELINE and M2), M2 read beside the baseline, the study tree, lesion
    panel and grid around the images."""
    from PyQt6.QtWidgets import QApplication

    from reviewer_gui.qt.app import open_window

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="viewer-bench-project-") as tmp:
        window = open_window(Path(tmp) / "bench.db", reader="bench", dicom=folder)
        window.resize(*APP_WINDOW)
        window.show()
        _until(app, lambda: window.session.case_id is not None)
        window.session.go("BENCH", "M2")
        views = window.views

        def loaded() -> bool:
            shown = [v for v in (views.prior, views.current) if v is not None]
            return len(shown) == 2 and not views.loading() and all(
                v.volume.shape[0] == SLICES for v in shown)

        _until(app, loaded)
        current, prior = views.current, views.prior
        assert current is not None and prior is not None
        current.setFocus()
        figures = _scroll(app, prior, current)
        window.close()
        app.processEvents()
    return {**figures, "scenario": "app", "window": list(APP_WINDOW)}


def _until(app: Any, done: Any, timeout_s: float = 60.0) -> None:
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise RuntimeError("the reviewer window did not get ready in time")
        app.processEvents()
        time.sleep(0.001)


def _cpu_seconds(pid: str | None) -> float:
    """User + system CPU time of process `pid` so far (0 without one: offscreen)."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


PRIOR_UID = ""  # set from the written files in main()
SCENARIOS = ("app", "split")


def _child(folder: Path, qpa: str, env_extra: dict[str, str], runs: int
           ) -> list[dict[str, Any]]:
    """`runs` runs of each scenario, each in a fresh process, the scenarios taking turns (so
    the machine's drift hits both alike): per scenario the median of each figure, and every
    run's figures."""
    env = {**os.environ, "QT_QPA_PLATFORM": qpa, **env_extra}
    each: dict[str, list[dict[str, Any]]] = {name: [] for name in SCENARIOS}
    for _ in range(runs):
        for name in SCENARIOS:
            load = os.getloadavg()[0]
            out = subprocess.run([sys.executable, __file__, "--child", str(folder),
                                  "--scenario", name, "--app-window",
                                  f"{APP_WINDOW[0]}x{APP_WINDOW[1]}"], env=env,
                                 capture_output=True, text=True, check=True)  # fmt: skip
            each[name].append({**json.loads(out.stdout.strip().splitlines()[-1]), "load": load})
    results = []
    for name in SCENARIOS:
        got = each[name]
        numbers = [k for k, v in got[0].items() if isinstance(v, float)]
        results.append({**got[0], **{k: statistics.median(r[k] for r in got) for k in numbers},
                        "runs": got})
    return results


def _under_xvfb(folder: Path, runs: int) -> list[dict[str, Any]] | None:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        return None
    screen = f"{max(1920, APP_WINDOW[0])}x{max(1080, APP_WINDOW[1])}x24"
    server = subprocess.Popen([xvfb, ":99", "-screen", "0", screen, "-nolisten", "tcp",
                               "+extension", "MIT-SHM"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        return _child(folder, "xcb", {"DISPLAY": ":99", "BENCH_XSERVER_PID": str(server.pid)},
                      runs)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _markdown(results: list[dict[str, Any]]) -> str:
    import PyQt6.QtCore

    lines = [
        "# Image viewer benchmark (`benchmarks/viewer.py`)", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, Qt {PyQt6.QtCore.QT_VERSION_STR}, numpy {np.__version__}.",
        f"Series of {SLICES} slices of {SIZE} x {SIZE}; a caliper and a bidirectional "
        "measurement on every slice of both. Two scenarios: **app**, the reviewer's own window "
        f"at {APP_WINDOW[0]} x {APP_WINDOW[1]} (study tree, lesion panel and grid around the "
        f"prior and current images); **split**, the two linked views alone in a {WINDOW[0]} x "
        f"{WINDOW[1]} window (each view more than twice the app's pixels: the stress case). "
        "Page cache warm. Each figure is the median over the runs (each run its own process, "
        "the scenarios taking turns); other jobs on the machine (its load average) inflate p95 "
        "and max.", "",
        "| platform | scenario | view (px) | scroll step p50 | p95 | max | app CPU / step "
        "| X server CPU / step | load | target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for r in results:
        loads = [run["load"] for run in r["runs"]]
        server = f"{r['server_cpu_ms']:.2f} ms" if r["platform"] == "xcb" else "-"
        lines.append(
            f"| {r['platform']} | {r['scenario']} | {r['view_size'][0]} x {r['view_size'][1]} | "
            f"{r['p50_ms']:.2f} ms | {r['p95_ms']:.2f} ms | {r['max_ms']:.1f} ms | "
            f"{r['app_cpu_ms']:.2f} ms | {server} | "
            f"{min(loads):.1f}-{max(loads):.1f} | p95 <= 5 ms |")
    lines += ["", "Each run (p50 / p95 / max of the scroll step, load average before the run):", ""]
    for r in results:
        runs = "; ".join(f"{run['p50_ms']:.2f} / {run['p95_ms']:.2f} / {run['max_ms']:.1f} ms "
                         f"(load {run['load']:.1f})" for run in r["runs"])
        lines.append(f"- {r['platform']}, {r['scenario']}: {runs}")
    split = [r for r in results if r["scenario"] == "split"]
    lines += ["", "A scroll step is one Down/Up key event on the current view until both views "
              "have repainted and flushed (the prior follows by patient position).", "",
              "First image (split scenario): from the chosen series' file list to its first "
              "paint (the needed slice is loaded alone, the rest in a worker thread), target "
              "<= 500 ms; whole series: until all slices are shown.", ""]
    lines += [f"- {r['platform']}: first image {r['first_image_ms']:.0f} ms, whole series "
              f"{r['whole_series_ms']:.0f} ms (listing the two series with `find_series` "
              f"{r['listing_ms']:.0f} ms before that)" for r in split]
    return "\n".join([*lines, ""])


def write_trial(folder: Path) -> None:
    """One subject, BENCH, laid out as ROOT/SUBJECT/TIMEPOINT: BASELINE (the prior, table
    2 mm off) and M2 (the current), 300 slices each."""
    write_series(folder / "BENCH" / "BASELINE", "bench/prior", table_mm=2.0, date="2024-01-01")
    write_series(folder / "BENCH" / "M2", "bench/current", table_mm=0.0, date="2024-03-01")
    import pydicom

    first = folder / "BENCH" / "BASELINE" / "CT00000.dcm"
    uid = pydicom.dcmread(first, stop_before_pixels=True).SeriesInstanceUID
    (folder / "prior_uid").write_text(str(uid))


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    global PRIOR_UID, APP_WINDOW
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=["offscreen", "xvfb", "all"], default="all")
    parser.add_argument("--results", type=Path, help="write a Markdown table here")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs per platform and scenario (median shown)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scenario", choices=SCENARIOS, default="split", help=argparse.SUPPRESS)
    parser.add_argument("--app-window", default="x".join(map(str, APP_WINDOW)),
                        help="the reviewer window's size, WIDTHxHEIGHT (default: full HD; a "
                        "larger screen gives the views more pixels to paint)")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        width, height = (int(v) for v in args.app_window.lower().split("x"))
    except ValueError:
        parser.error(f"--app-window {args.app_window!r}: give WIDTHxHEIGHT, e.g. 2560x1440")
    APP_WINDOW = (width, height)
    if args.child is not None:
        PRIOR_UID = (args.child / "prior_uid").read_text()
        scenario = run_app if args.scenario == "app" else run
        print(json.dumps(scenario(args.child)))
        return 0
    with tempfile.TemporaryDirectory(prefix="viewer-bench-") as tmp:
        folder = Path(tmp)
        print(f"writing 2 x {SLICES} slices of {SIZE} x {SIZE} ...", file=sys.stderr)
        write_trial(folder)
        results = []
        if args.platform in ("offscreen", "all"):
            results += _child(folder, "offscreen", {}, args.runs)
        if args.platform in ("xvfb", "all"):
            got = _under_xvfb(folder, args.runs)
            if got is None:
                print("Xvfb not installed: skipped (apt-get install xvfb)", file=sys.stderr)
            else:
                results += got
    text = _markdown(results)
    print(text)
    if args.results is not None:
        args.results.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
