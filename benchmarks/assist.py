"""Benchmark of the reading assistance (issue 17, item 3): the one-click measurement on
synthetic lesions of known diameters, and the registration that finds a lesion again.

Usage::

    python benchmarks/assist.py [--instances 20] [--first 0] [--registration-cases 3] [--quick]

Lesions: every sample-scan lesion (``sample_scans/``, on its own 160 x 160 matrix of 2 mm and
resampled to 512 x 512; truth: the axes of the outline its slice shows where the generator
samples it, :func:`reviewer_gui.sample_scans.lesion_classes.rendered_axes`, or with
``--sample-truth visible`` on a fine grid, ``visible_axes``) and `--instances` drawn
lesions of each harder class of ``reviewer_gui.sample_scans.lesion_classes`` (512 x 512 at
0.7 mm), clicked at the centre. Per class and method: median and 95th percentile of each
axis' absolute error in mm and in % of the truth, the failure rate (``None`` or an error
above 20 % on either axis), the seed spread (range of the long axis, in pixels, over 12 seeds
anywhere in the lesion's inner half: median and maximum over lesions), the median time per
click and the CPU time (``time.process_time``) per click over every click (the centre and
the 12 seeds): median and maximum. ``--first``: the instances from that one on (a held-out
set: ``--first 40 --instances 20`` is instances 40-59).

Registration: `--registration-cases` cases of each kind of
``reviewer_gui.sample_scans.registration_cases`` (300 slices of 512 x 512; ``--quick``: 100 of
128 x 128) and the sample scans' follow-ups against their baseline and prior. Per kind: the
error of the predicted lesion centres (mm; median, 95th percentile, share within 10 mm), the
share of registrations trusted (quality at or above the threshold), and the time per series
(CPU seconds of :func:`register_series` on one thread: SimpleITK's threads set to 1).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import SimpleITK as sitk
from scipy import ndimage

from reviewer_gui.dicom import load_series
from reviewer_gui.sample_scans import generator as gen
from reviewer_gui.sample_scans import lesion_classes as lc
from reviewer_gui.sample_scans import registration_cases as rc
from reviewer_gui.viewer.propose import METHODS, propose_measurement
from reviewer_gui.viewer.registration import QUALITY_THRESHOLD, predict_position, register_series

SAMPLE_SCANS = Path(__file__).resolve().parents[1] / "sample_scans"
SEEDS_PER_LESION = 12


@dataclass(frozen=True)
class Click:
    lesion_class: str
    pixels: np.ndarray
    spacing: tuple[float, float]
    seed: tuple[float, float]
    long_mm: float
    short_mm: float
    nodal: bool
    inner: list[tuple[int, int]]  # seeds in the lesion's inner half


def sample_clicks(zoom: float, truth: str = "rendered") -> list[Click]:
    """The sample scans' lesions at their centre slice (resampled by `zoom`); `truth`:
    ``"rendered"`` (the visible outline where the generator samples it,
    :func:`lesion_classes.rendered_axes`) or ``"visible"`` (on a fine grid)."""
    out, rng = [], np.random.default_rng(0)
    name = "sample, 160 x 160 at 2 mm" if zoom == 1 else "sample, 512 x 512 at 0.62 mm"
    for subj in gen.subjects():
        for t, label in enumerate(gen.TIMEPOINTS):
            vol = load_series(SAMPLE_SCANS / subj.subject_id / label, workers=1)
            for les in subj.lesions[t]:
                x, y, z = les.center
                pixels = vol.voxels[vol.slice_positions_mm.index(z)].astype(np.float32)
                spacing = (vol.spacing_mm[1], vol.spacing_mm[2])
                row = (y - vol.origin_mm[1]) / spacing[0]
                col = (x - vol.origin_mm[0]) / spacing[1]
                if zoom != 1:
                    pixels = ndimage.zoom(pixels, zoom, order=1)
                    f = (pixels.shape[0] - 1) / (vol.voxels.shape[1] - 1)
                    spacing, row, col = (spacing[0] / f, spacing[1] / f), row * f, col * f
                a, b = les.long_mm / 2, les.short_mm / 2
                ax, ay = (a, b) if les.long_along == "x" else (b, a)
                inner = [(r, c) for r in range(int(row - ay), int(row + ay) + 2)
                         for c in range(int(col - ax), int(col + ax) + 2)
                         if ((r - row) * spacing[0] / ay) ** 2
                         + ((c - col) * spacing[1] / ax) ** 2 <= 0.25]  # fmt: skip
                pick = rng.choice(len(inner), min(SEEDS_PER_LESION, len(inner)), replace=False)
                axes = lc.rendered_axes if truth == "rendered" else lc.visible_axes
                long_mm, short_mm = axes(les, z)  # the edge the slice shows
                out.append(Click(name, pixels, spacing, (row, col), long_mm, short_mm,
                                 les.is_node, [inner[i] for i in pick]))  # fmt: skip
    return out


def class_clicks(lesion_class: str, instances: int, first: int = 0) -> list[Click]:
    out = []
    for seed in range(first, first + instances):
        c = lc.make(lesion_class, seed)
        inner = c.inner_half_seeds(SEEDS_PER_LESION, np.random.default_rng(seed))
        out.append(Click(lesion_class, c.pixels, c.spacing_mm, c.seed, c.long_mm, c.short_mm,
                         c.nodal, inner))  # fmt: skip
    return out


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def measure(clicks: list[Click], method: str) -> dict[str, float]:
    err: dict[str, list[float]] = {"long": [], "short": [], "long%": [], "short%": []}
    times, cpu, spreads, failures = [], [], [], 0
    for k in clicks:
        t0, c0 = time.perf_counter(), time.process_time()
        p = propose_measurement(k.pixels, k.spacing, k.seed, k.nodal, method=method)  # type: ignore[arg-type]
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if p is None:
            failures += 1
        else:
            el, es = abs(p.long.length_mm - k.long_mm), abs(p.short.length_mm - k.short_mm)
            err["long"].append(el)
            err["short"].append(es)
            err["long%"].append(el / k.long_mm * 100)
            err["short%"].append(es / k.short_mm * 100)
            failures += max(err["long%"][-1], err["short%"][-1]) > 20
        lengths = []
        for seed in k.inner:
            c0 = time.process_time()
            q = propose_measurement(k.pixels, k.spacing, seed, k.nodal, method=method)  # type: ignore[arg-type]
            cpu.append(time.process_time() - c0)
            lengths.append(np.inf if q is None else q.long.length_mm / min(k.spacing))
        spreads.append(np.inf if np.inf in lengths else float(np.ptp(lengths)) if lengths else 0.0)
    return {"n": len(clicks), "px": min(clicks[0].spacing),
            **{f"{a}_p50": pct(v, 50) for a, v in err.items()},
            **{f"{a}_p95": pct(v, 95) for a, v in err.items()},
            "fail": failures / len(clicks) * 100, "spread_p50": statistics.median(spreads),
            "spread_max": max(spreads), "ms": statistics.median(times) * 1000,
            "cpu_p50": pct(cpu, 50) * 1000, "cpu_max": max(cpu) * 1000}  # fmt: skip


def lesion_table(instances: int, methods: Sequence[str], sample_truth: str,
                 classes: Sequence[str], first: int = 0) -> None:  # fmt: skip
    print("| class | method | long p50 / p95 mm | short p50 / p95 mm | long p50 / p95 % "
          "| short p50 / p95 % | failures | seed spread p50 / max (px) | ms per click "
          "| CPU ms p50 / max |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    groups = []
    if "sample" in classes:
        groups += [sample_clicks(1.0, sample_truth), sample_clicks(512 / 160, sample_truth)]
    groups += [class_clicks(c, instances, first) for c in lc.CLASSES if c in classes]
    for clicks in groups:
        for method in methods:
            r = measure(clicks, method)
            print(f"| {clicks[0].lesion_class} | {method} "
                  f"| {r['long_p50']:.2f} / {r['long_p95']:.2f} "
                  f"| {r['short_p50']:.2f} / {r['short_p95']:.2f} "
                  f"| {r['long%_p50']:.1f} / {r['long%_p95']:.1f} "
                  f"| {r['short%_p50']:.1f} / {r['short%_p95']:.1f} "
                  f"| {r['fail']:.0f} % of {r['n']:.0f} "
                  f"| {r['spread_p50']:.1f} / {r['spread_max']:.1f} | {r['ms']:.0f} "
                  f"| {r['cpu_p50']:.0f} / {r['cpu_max']:.0f} |",
                  flush=True)  # fmt: skip


def registration_row(name: str, runs: list[tuple[float, float, list[float], bool]]) -> None:
    """runs: (cpu s, quality, centre errors mm, trusted) per series."""
    errors = [e for _, _, errs, _ in runs for e in errs if np.isfinite(e)]  # fallbacks too
    within = np.mean([e <= 10 for e in errors]) * 100 if errors else float("nan")
    cpu = [c for c, *_ in runs]
    qualities = [q for _, q, _, _ in runs]
    print(f"| {name} | {len(runs)} | {min(qualities):.2f} - {max(qualities):.2f} "
          f"| {sum(t for *_, t in runs)} of {len(runs)} "
          f"| {pct(errors, 50):.1f} / {pct(errors, 95):.1f} | {within:.0f} % "
          f"| {statistics.median(cpu):.2f} (max {max(cpu):.2f}) |", flush=True)  # fmt: skip


def register_and_score(earlier: rc.SyntheticScan | object, follow: object,
                       points: Sequence[tuple[float, float, float]],
                       truth: Sequence[tuple[float, float, float]],
                       ) -> tuple[float, float, list[float], bool]:  # fmt: skip
    t0 = time.process_time()
    reg = register_series(earlier, follow)  # type: ignore[arg-type]
    cpu = time.process_time() - t0
    errors = []
    trusted = reg.quality >= QUALITY_THRESHOLD
    for p, q in zip(points, truth, strict=True):
        predicted = predict_position(p, follow, reg)  # type: ignore[arg-type]
        errors.append(float(np.linalg.norm(np.subtract(predicted.point_mm, q))))
    return cpu, reg.quality, errors, trusted


def registration_table(cases: int, quick: bool) -> None:
    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)
    size = {"shape": (100, 128, 128), "spacing_mm": (3.0, 2.8, 2.8)} if quick else {}
    print("| case | series | quality min - max | trusted | centre error p50 / p95 (mm) "
          "| within 10 mm | CPU s per series |")
    print("|---|---|---|---|---|---|---|")
    for kind in rc.KINDS:
        runs = []
        for seed in range(1, cases + 1):
            c = rc.case(kind, seed, **size)  # type: ignore[arg-type]
            runs.append(register_and_score(c.baseline, c.follow_up, c.lesions_mm, c.truth_mm))
            del c
        registration_row(f"{kind} ({'100 x 128 x 128' if quick else '300 x 512 x 512'})", runs)
    runs = []
    for subj in gen.subjects():
        vols = [load_series(SAMPLE_SCANS / subj.subject_id / t, workers=1)
                for t in gen.TIMEPOINTS]  # fmt: skip
        for t in range(1, len(vols)):
            for earlier in {0, t - 1}:  # the baseline and the prior
                centres = [les.center for les in subj.lesions[earlier]
                           if any(x.lesion_id == les.lesion_id for x in subj.lesions[t])]
                runs.append(register_and_score(vols[earlier], vols[t], centres, centres))
    registration_row("sample scans (20 x 160 x 160), to baseline and prior", runs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--instances", type=int, default=20, help="lesions per class")
    parser.add_argument("--first", type=int, default=0,
                        help="the first instance of each class (a held-out set: 20, 40)")
    parser.add_argument("--registration-cases", type=int, default=3, help="cases per kind")
    parser.add_argument("--quick", action="store_true", help="small registration volumes")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--sample-truth", choices=("rendered", "visible"), default="rendered",
                        help="the sample scans' truth (lesion_classes.rendered_axes or "
                             "visible_axes)")  # fmt: skip
    parser.add_argument("--classes", nargs="+", default=["sample", *lc.CLASSES],
                        choices=["sample", *lc.CLASSES], help="lesion rows (default: all)")
    parser.add_argument("--skip-lesions", action="store_true")
    parser.add_argument("--skip-registration", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_lesions:
        lesion_table(args.instances, args.methods, args.sample_truth, args.classes, args.first)
        print()
    if not args.skip_registration:
        registration_table(args.registration_cases, args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
