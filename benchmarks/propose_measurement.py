"""Benchmark of the one-click measurement (issue 17, item 1): the region-growing methods of
``reviewer_gui.viewer.propose_measurement`` against the sample scans' known axes.

Usage::

    python benchmarks/propose_measurement.py

Every lesion of every sample scan (``sample_scans/``; truth: the axes of the outline the
slice shows, :func:`reviewer_gui.sample_scans.lesion_classes.visible_axes`), clicked at
its centre on the slice through its centre, on the scan's own 2 mm pixels (160 x 160) and
resampled (linear) to 512 x 512 at 0.62 mm, the matrix of a clinical CT. Reported per method
and matrix: the median and 95th percentile of each axis' absolute error in mm and in % of the
truth, the failure rate (``None`` or an error above 20 %), the seed spread (the range of the
long axis, in pixels, when the seed moves over every pixel of the lesion's inner half, on the
160 x 160 scans) and the time per click (median, on this machine, both methods in the same
run, so their ratio is what counts).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
from scipy import ndimage

from reviewer_gui.dicom import load_series
from reviewer_gui.sample_scans import generator as gen
from reviewer_gui.sample_scans import lesion_classes as lc
from reviewer_gui.viewer.propose import METHODS, propose_measurement

SAMPLE_SCANS = Path(__file__).resolve().parents[1] / "sample_scans"
ZOOM = 512 / 160


def cases(zoom: float) -> list[tuple[np.ndarray, tuple[float, float], tuple[float, float],
                                     object]]:  # fmt: skip
    out = []
    for subj in gen.subjects():
        for t, label in enumerate(gen.TIMEPOINTS):
            vol = load_series(SAMPLE_SCANS / subj.subject_id / label, workers=1)
            for les in subj.lesions[t]:
                x, y, z = les.center
                k = vol.slice_positions_mm.index(z)
                row = (y - vol.origin_mm[1]) / vol.spacing_mm[1]
                col = (x - vol.origin_mm[0]) / vol.spacing_mm[2]
                pixels = vol.voxels[k].astype(np.float32)
                spacing = (vol.spacing_mm[1], vol.spacing_mm[2])
                if zoom != 1:
                    pixels = ndimage.zoom(pixels, zoom, order=1)
                    f = (pixels.shape[0] - 1) / (vol.voxels.shape[1] - 1)
                    spacing = (spacing[0] / f, spacing[1] / f)
                    row, col = row * f, col * f
                out.append((pixels, spacing, (row, col), les))
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def run(zoom: float, method: str) -> dict[str, float]:
    err_l, err_s, rel_l, rel_s, times = [], [], [], [], []
    failures = 0
    all_cases = cases(zoom)
    for pixels, spacing, seed, les in all_cases:
        t0 = time.perf_counter()
        p = propose_measurement(pixels, spacing, seed, les.is_node, method=method)  # type: ignore[attr-defined,arg-type]
        times.append(time.perf_counter() - t0)
        if p is None:
            failures += 1
            continue
        long_mm, short_mm = lc.visible_axes(les, les.center[2])  # type: ignore[attr-defined]
        el, es = p.long.length_mm - long_mm, p.short.length_mm - short_mm
        err_l.append(abs(el))
        err_s.append(abs(es))
        rel_l.append(abs(el) / long_mm * 100)
        rel_s.append(abs(es) / short_mm * 100)
        if max(rel_l[-1], rel_s[-1]) > 20:
            failures += 1
    return {"n": len(all_cases), "long_p50": pct(err_l, 50), "long_p95": pct(err_l, 95),
            "short_p50": pct(err_s, 50), "short_p95": pct(err_s, 95),
            "long_p95_pct": pct(rel_l, 95), "short_p95_pct": pct(rel_s, 95),
            "fail_pct": failures / len(all_cases) * 100,
            "ms": statistics.median(times) * 1000}  # fmt: skip


def spread(method: str) -> tuple[float, float]:
    """(median, max) over lesions of the long axis' range in pixels, seeds in the inner half."""
    ranges = []
    for pixels, spacing, (row, col), les in cases(1):
        a, b = les.long_mm / 2, les.short_mm / 2  # type: ignore[attr-defined]
        ax, ay = (a, b) if les.long_along == "x" else (b, a)  # type: ignore[attr-defined]
        lengths = []
        for r in range(int(row - ay), int(row + ay) + 2):
            for c in range(int(col - ax), int(col + ax) + 2):
                dy, dx = (r - row) * spacing[0] / ay, (c - col) * spacing[1] / ax
                if dx * dx + dy * dy <= 0.25:
                    p = propose_measurement(pixels, spacing, (r, c), method=method)  # type: ignore[arg-type]
                    lengths.append(np.nan if p is None else p.long.length_mm / spacing[0])
        ranges.append(float(np.nanmax(lengths) - np.nanmin(lengths)))
    return statistics.median(ranges), max(ranges)


def main() -> int:
    print("| method | matrix | long p50 / p95 (mm) | short p50 / p95 (mm) | p95 (% long / short) "
          "| failures | seed spread median / max (px) | ms per click |")
    print("|---|---|---|---|---|---|---|---|")
    for method in METHODS:
        sp = spread(method)
        for zoom, name in ((1.0, "160 x 160, 2 mm"), (ZOOM, "512 x 512, 0.62 mm")):
            r = run(zoom, method)
            print(f"| {method} | {name} | {r['long_p50']:.2f} / {r['long_p95']:.2f} "
                  f"| {r['short_p50']:.2f} / {r['short_p95']:.2f} "
                  f"| {r['long_p95_pct']:.1f} / {r['short_p95_pct']:.1f} "
                  f"| {r['fail_pct']:.0f} % of {r['n']:.0f} "
                  f"| {sp[0]:.1f} / {sp[1]:.1f} | {r['ms']:.1f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
