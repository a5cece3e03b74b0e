"""Benchmark of the RECIST engine's CLI against merely parsing the same CSV.

For each size (subjects), a synthetic trial of ~10 timepoints x 8 lesions per subject is
generated into a temporary directory (``recist.examples.generate_trial``), then four child
processes each do one thing and report their own time and peak memory (``ru_maxrss``):

- ``parse``: read every row with the standard library's ``csv.reader`` (the baseline);
- ``assess``: ``recist.cli.main(["assess", FILE, "-o", OUT])``;
- ``endpoints``: ``recist.cli.main(["endpoints", FILE, "--subjects", S, "-o", OUT])``;
- ``idle``: only ``import recist.cli`` (the interpreter's own memory, subtracted per row).

One process per measurement keeps sizes and phases from contaminating each other's peak memory.
Prints a Markdown report; ``--write FILE`` also saves it::

    python benchmarks/engine.py --sizes 1000 10000 100000 --write benchmarks/ENGINE_RESULTS.md
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the examples, and the engine when it is not installed
    sys.path.insert(0, str(ROOT))
TARGET_ROWS_PER_SECOND = 50_000
PHASES = ("generate", "parse", "assess", "endpoints", "idle")
TRIAL_SHAPE = ("--visits", "9", "--targets", "5", "5", "--non-targets", "3", "3")
"""Baseline + 9 follow-ups, 5 targets + 3 non-targets, scanning on after progression."""


@dataclass(frozen=True)
class Measurement:
    """What one child process reports: wall seconds of its work and its peak RSS."""

    seconds: float
    peak_rss_mb: float
    rows: int


def _peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _run_phase(phase: str, directory: Path, subjects: int, seed: int) -> Measurement:
    """Do one phase in this (child) process and measure it."""
    measurements, subject_file = directory / "measurements.csv", directory / "subjects.csv"
    rows = 0
    if phase == "generate":
        from recist.examples.generate_trial import main as generate

        started = time.perf_counter()
        arguments = ["--subjects", str(subjects), "--seed", str(seed), "--out", str(directory)]
        status = generate([*arguments, *TRIAL_SHAPE, "--keep-scanning"])
    elif phase == "parse":
        started = time.perf_counter()
        with measurements.open(encoding="utf-8", newline="") as handle:
            for _row in csv.reader(handle):
                rows += 1
        rows, status = rows - 1, 0
    else:
        import recist.cli

        started = time.perf_counter()
        if phase == "assess":
            status = recist.cli.main(["assess", str(measurements), "-o", str(directory / "a.csv")])
        elif phase == "endpoints":
            output = str(directory / "e.csv")
            arguments = [str(measurements), "--subjects", str(subject_file), "-o", output]
            status = recist.cli.main(["endpoints", *arguments])
        else:
            status = 0
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{phase} exited with status {status}")
    return Measurement(seconds, _peak_rss_mb(), rows)


def _child(phase: str, directory: Path, subjects: int, seed: int, timeout: float) -> Measurement:
    """Run one phase in a fresh Python process; raise RuntimeError if it fails."""
    result_file = directory / f"{phase}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase",
        phase,
        "--dir",
        str(directory),
        "--sizes",
        str(subjects),
        "--seed",
        str(seed),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0 or not result_file.exists():
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{phase} failed ({completed.returncode}): " + " | ".join(tail))
    data = json.loads(result_file.read_text(encoding="utf-8"))
    return Measurement(float(data["seconds"]), float(data["peak_rss_mb"]), int(data["rows"]))


def engine_problem() -> str | None:
    """None when ``recist.cli.main`` can be imported, else a message saying what to do."""
    try:
        import recist.cli
    except ImportError as error:
        return (
            f"cannot import recist.cli ({error}): the engine is not there yet, or not "
            "installed in this interpreter; run `pip install -e .` in the repository"
        )
    if not callable(getattr(recist.cli, "main", None)):
        return "recist.cli has no main(argv) function yet"
    return None


def _exponent(small: tuple[int, float], large: tuple[int, float]) -> str:
    """Growth exponent k in cost ~ rows^k between two sizes (1.0 is linear)."""
    (rows_a, cost_a), (rows_b, cost_b) = small, large
    if min(rows_a, rows_b, cost_a, cost_b) <= 0 or rows_a == rows_b:
        return "n/a"
    return f"{math.log(cost_b / cost_a) / math.log(rows_b / rows_a):.2f}"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}, "
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}"
    )


def benchmark(sizes: Sequence[int], seed: int, timeout: float, keep: Path | None) -> str:
    """Run every size and return the Markdown report."""
    lines: list[str] = []
    per_size: list[tuple[int, dict[str, Measurement]]] = []
    with tempfile.TemporaryDirectory(prefix="recist-bench-") as scratch:
        base = keep or Path(scratch)
        idle = _child("idle", base, 0, seed, timeout)
        for subjects in sizes:
            directory = base / f"n{subjects}"
            directory.mkdir(parents=True, exist_ok=True)
            results = {
                phase: _child(phase, directory, subjects, seed, timeout) for phase in PHASES[:4]
            }
            per_size.append((subjects, results))
            print(f"# {subjects} subjects done", file=sys.stderr, flush=True)
    lines += [
        f"Machine: {_machine()}.",
        f"Trial shape: `generate_trial.py {' '.join(TRIAL_SHAPE)} --keep-scanning`, seed {seed}."
        f" Interpreter + `import recist.cli` alone: {idle.peak_rss_mb:.0f} MB peak RSS.",
        "",
        "Time (one run each; rows/s = measurement rows per second of wall time):",
        "",
        "| subjects | rows | parse s | assess s | endpoints s | parse rows/s | assess rows/s "
        "| endpoints rows/s | (assess+endpoints) / parse |",
        "|" + "---:|" * 9,
    ]
    memory_lines = [
        "",
        "Per row and memory (peak RSS of the child process; KB/row above the idle interpreter):",
        "",
        "| subjects | assess us/row | endpoints us/row | assess peak MB | endpoints peak MB "
        "| assess KB/row | endpoints KB/row |",
        "|" + "---:|" * 7,
    ]
    for subjects, results in per_size:
        rows = results["parse"].rows
        parse, assess, endpoints = results["parse"], results["assess"], results["endpoints"]
        ratio = (assess.seconds + endpoints.seconds) / parse.seconds
        cells = [f"{subjects:,}", f"{rows:,}"]
        cells += [f"{m.seconds:.2f}" for m in (parse, assess, endpoints)]
        cells += [f"{rows / m.seconds:,.0f}" for m in (parse, assess, endpoints)]
        lines.append("| " + " | ".join([*cells, f"{ratio:.1f}x"]) + " |")
        cells = [f"{subjects:,}"]
        cells += [f"{m.seconds / rows * 1e6:.1f}" for m in (assess, endpoints)]
        cells += [f"{m.peak_rss_mb:,.0f}" for m in (assess, endpoints)]
        cells += [
            f"{(m.peak_rss_mb - idle.peak_rss_mb) * 1024 / rows:.2f}" for m in (assess, endpoints)
        ]
        memory_lines.append("| " + " | ".join(cells) + " |")
    lines += memory_lines
    lines += ["", f"Target: >= {TARGET_ROWS_PER_SECOND:,} measurement rows/s per command."]
    if len(per_size) >= 2:
        lines += [
            "",
            "Growth exponent k (cost ~ rows^k; 1.00 = linear) between consecutive sizes:",
            "",
            "| sizes | assess time | endpoints time | assess memory* | endpoints memory* |",
            "|---|---:|---:|---:|---:|",
        ]
        for (n_a, a), (n_b, b) in itertools.pairwise(per_size):
            rows_a, rows_b = a["parse"].rows, b["parse"].rows
            cells = [f"{n_a:,} -> {n_b:,}"]
            for phase in ("assess", "endpoints"):
                cells.append(_exponent((rows_a, a[phase].seconds), (rows_b, b[phase].seconds)))
            for phase in ("assess", "endpoints"):
                cost_a = a[phase].peak_rss_mb - idle.peak_rss_mb
                cost_b = b[phase].peak_rss_mb - idle.peak_rss_mb
                cells.append(_exponent((rows_a, cost_a), (rows_b, cost_b)))
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", "*peak RSS above the idle interpreter."]
    generation = ", ".join(f"{n:,}: {r['generate'].seconds:.1f} s" for n, r in per_size)
    lines += ["", f"Generating the trials (not compared): {generation}."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; returns the exit status (2 when the engine is not available)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1000, 10000, 100000],
        help="numbers of subjects (1000 10000 100000)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per child")
    parser.add_argument("--write", type=Path, help="also write the report to this file")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:  # child process: do one phase, report through a JSON file
        measured = _run_phase(args.phase, args.dir, args.sizes[0], args.seed)
        report = {
            "seconds": measured.seconds,
            "peak_rss_mb": measured.peak_rss_mb,
            "rows": measured.rows,
        }
        (args.dir / f"{args.phase}.json").write_text(json.dumps(report), encoding="utf-8")
        return 0
    problem = engine_problem()
    if problem:
        print(f"benchmarks/engine.py: {problem}", file=sys.stderr)
        return 2
    try:
        report_text = benchmark(args.sizes, args.seed, args.timeout, args.keep)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"benchmarks/engine.py: {error}", file=sys.stderr)
        return 1
    print(report_text, end="")
    if args.write:
        args.write.write_text(report_text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
