"""CPU time per click of the one-click measurement, and its results, to compare two versions of
the code in the same session (issue 17: <= 100 ms per click on a 512 x 512 slice).

Usage::

    python benchmarks/click_time.py run OUT.json [--instances 40] [--first 0] [--classes ...]
    PYTHONPATH=/path/to/other/checkout python benchmarks/click_time.py run BASE.json ...
    python benchmarks/click_time.py compare BASE.json NEW.json [BASE2.json NEW2.json ...]
    python benchmarks/click_time.py ab /path/to/other/checkout [--instances 40] [--classes ...]

``run``: every click of ``benchmarks/assist.py``'s lesion table (the sample scans' lesions,
`--instances` lesions of each class of ``reviewer_gui.sample_scans.lesion_classes``; the
centre and the 12 inner-half seeds of each) with the default method, one after the other in
one process; per click its CPU time (``time.process_time``, SimpleITK's default threads) and
its result (both axes' end points and lengths, the lesion's and host's HU, or ``None``), and the
load average before and after. ``PYTHONPATH`` chooses the code measured (the script itself
only gathers the clicks).

``compare``: pairs of runs (before, after; alternate them so that both see the same load):
per class the p50 / p95 / p99 / max CPU ms of each side over all its runs' clicks (each click
at its median over the runs), the ratio after / before, and the largest difference of any end
point (pixels) or length (mm) between the two versions' results, with the clicks whose result
changed (``None`` on one side only, or a difference above 1e-6).

``ab``: both versions in one process, click by click (the other checkout's
``reviewer_gui/viewer`` imported as a package of its own; which version goes first alternates
from click to click), so that both see the same load however it moves during the run; the
same table.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import assist

from reviewer_gui.sample_scans import lesion_classes as lc
from reviewer_gui.viewer import propose

TOLERANCE = 1e-6


def result(p: propose.ProposedMeasurement | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"long": [*p.long.start, *p.long.end, p.long.length_mm],
            "short": [*p.short.start, *p.short.end, p.short.length_mm],
            "hu": [p.lesion_hu, p.host_hu]}  # fmt: skip


def run(out: Path, instances: int, first: int, classes: Sequence[str]) -> None:
    groups = []
    if "sample" in classes:
        groups += [assist.sample_clicks(1.0), assist.sample_clicks(512 / 160)]
    groups += [assist.class_clicks(c, instances, first) for c in lc.CLASSES if c in classes]
    load = [os.getloadavg()[0]]
    clicks = []
    for group in groups:
        for n, k in enumerate(group):
            for s, seed in enumerate([k.seed, *k.inner]):
                t0 = time.process_time()
                p = propose.propose_measurement(k.pixels, k.spacing, seed, k.nodal)
                cpu = time.process_time() - t0
                clicks.append({"class": k.lesion_class, "lesion": n + first, "seed": s,
                               "at": [float(seed[0]), float(seed[1])], "cpu_ms": cpu * 1000,
                               "result": result(p)})  # fmt: skip
    load.append(os.getloadavg()[0])
    out.write_text(json.dumps({"code": propose.__file__, "load": load, "clicks": clicks}))
    print(f"{len(clicks)} clicks, load {load[0]:.1f} -> {load[1]:.1f}, code {propose.__file__}")


def ab(before: Path, instances: int, first: int, classes: Sequence[str]) -> None:
    """Both versions click by click in this process: `before`'s viewer as ``before_viewer``."""
    packages = Path(tempfile.mkdtemp())
    try:
        shutil.copytree(before / "reviewer_gui" / "viewer", packages / "before_viewer")
        sys.path.insert(0, str(packages))
        versions = [importlib.import_module("before_viewer.propose"), propose]
        groups = []
        if "sample" in classes:
            groups += [assist.sample_clicks(1.0), assist.sample_clicks(512 / 160)]
        groups += [assist.class_clicks(c, instances, first) for c in lc.CLASSES if c in classes]
        load = [os.getloadavg()[0]]
        runs: list[list[dict[str, Any]]] = [[], []]
        for group in groups:
            for n, k in enumerate(group):
                for s, seed in enumerate([k.seed, *k.inner]):
                    for v in ((0, 1) if (n + s) % 2 == 0 else (1, 0)):
                        t0 = time.process_time()
                        p = versions[v].propose_measurement(k.pixels, k.spacing, seed, k.nodal)
                        cpu = time.process_time() - t0
                        runs[v].append({"class": k.lesion_class, "lesion": n + first, "seed": s,
                                        "cpu_ms": cpu * 1000, "result": result(p)})  # fmt: skip
        load.append(os.getloadavg()[0])
    finally:
        shutil.rmtree(packages)
    print(f"one process, click by click, load {load[0]:.1f} -> {load[1]:.1f}")
    table([{"code": str(before), "load": load, "clicks": runs[0]}],
          [{"code": propose.__file__, "load": load, "clicks": runs[1]}])


def difference(a: dict[str, Any] | None, b: dict[str, Any] | None) -> float:
    if a is None or b is None:
        return 0.0 if a is b else float("inf")
    return max(float(np.max(np.abs(np.subtract(a[k], b[k])))) for k in ("long", "short", "hu"))


def compare(paths: Sequence[Path]) -> None:
    runs = [json.loads(p.read_text()) for p in paths]
    before, after = runs[0::2], runs[1::2]
    loads = [x for r in runs for x in r["load"]]
    print(f"{len(before)} + {len(after)} runs alternated, load {min(loads):.1f}-{max(loads):.1f}")
    table(before, after)


def table(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    print(f"before: {before[0]['code']}\nafter: {after[0]['code']}\n")
    print("| class | clicks | before CPU ms p50 / p95 / p99 / max "
          "| after p50 / p95 / p99 / max | after / before p50 / p95 / p99 / max "
          "| largest difference |")
    print("|---|---|---|---|---|---|")
    keys = [(c["class"], c["lesion"], c["seed"]) for c in before[0]["clicks"]]
    changed = []
    for name in dict.fromkeys(k[0] for k in keys):
        rows = [i for i, k in enumerate(keys) if k[0] == name]
        side = []
        for version in (before, after):
            cpu = np.median([[r["clicks"][i]["cpu_ms"] for i in rows] for r in version], axis=0)
            side.append([float(np.percentile(cpu, q)) for q in (50, 95, 99, 100)])
        worst = 0.0
        for i in rows:
            d = difference(before[0]["clicks"][i]["result"], after[0]["clicks"][i]["result"])
            worst = max(worst, d)
            if d > TOLERANCE:
                changed.append((keys[i], d))
        ratio = [a / b for a, b in zip(side[1], side[0], strict=True)]
        print(f"| {name} | {len(rows)} | {' / '.join(f'{x:.0f}' for x in side[0])} "
              f"| {' / '.join(f'{x:.0f}' for x in side[1])} "
              f"| {' / '.join(f'{x:.2f}' for x in ratio)} | {worst:.1e} |")
    print(f"\nclicks whose result changed by more than {TOLERANCE}: {len(changed)}")
    for key, d in changed:
        print(f"  {key}: {d:.3g}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("runs", nargs="+", type=Path, help="before, after, before, after, ...")
    a = sub.add_parser("ab")
    a.add_argument("before", type=Path, help="a checkout of the code before")
    for clicks in (r, a):
        clicks.add_argument("--instances", type=int, default=40)
        clicks.add_argument("--first", type=int, default=0)
        clicks.add_argument("--classes", nargs="+", default=["sample", *lc.CLASSES],
                            choices=["sample", *lc.CLASSES])  # fmt: skip
    args = parser.parse_args(argv)
    if args.command == "run":
        run(args.out, args.instances, args.first, args.classes)
    elif args.command == "ab":
        if not (args.before / "reviewer_gui" / "viewer" / "propose.py").is_file():
            parser.error(f"{args.before}: no reviewer_gui/viewer/propose.py there")
        ab(args.before, args.instances, args.first, args.classes)
    else:
        if len(args.runs) % 2:
            parser.error("compare takes pairs of runs: before, after, ...")
        compare(args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
