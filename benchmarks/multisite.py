"""Multi-site central review on PostgreSQL: readers and an adjudicator as separate processes.

A throw-away PostgreSQL 15 (``tests/pg_server.py``: loopback, SCRAM, fsync on) holds a project with
``--readers`` readers, an adjudicator and the study administrator, who adds ``--subjects``
subjects of four timepoints. Each reader process signs in (``reviewer_gui.review.sign_in``)
and reads its subjects (two readers per subject, each pair of readers its own subjects) as a
reader of the example trial does: per subject three targets and a
non-target added once, then per timepoint the three targets measured (long axis, and short
axis for the node), the non-target's state set, and the timepoint signed (an e-signature with
the password entered again). Each action is timed from the call to its return, i.e. to the
committed, audited row. The adjudicator process listens (LISTEN/NOTIFY) and refreshes its
queue at every completed read, timed too.

Each configuration runs twice:

- **saturated**: every reader acts again the moment an action returns (a closed loop with no
  think time). Nine clients and their nine server processes then keep the cores busy, so an
  action's latency is mostly its wait for a core: reported as throughput and worst case.
- **paced**: each reader thinks between actions like a (fast) radiologist, for a time drawn
  from an exponential distribution of mean ``--think`` seconds (1 s by default: a real
  measurement takes several seconds, scrolling to the slice and drawing the caliper, and a
  signature longer; the exponential's many short gaps make bursts, so this is faster and
  burstier than any reader). The target, p95 <= 25 ms per action at ``--readers`` readers,
  is judged on this run; the saturated one is shown beside it.

The same single-reader workload then runs saturated on a project file (SQLite), in the same
run. Afterwards: ``audit verify`` on the server, and every action counted exactly once
(``change_log`` rows = actions).

    python benchmarks/multisite.py --readers 8 --subjects 2 4 [--think 1.0] [--write FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
TARGET_P95_MS = 25.0
PASSWORD = "benchmark-password-1"
#: A reader's actions per subject: 4 lesions added, then per timepoint (4) 3 measured, 1
#: state set, 1 signature.
ACTIONS_PER_SUBJECT = 4 + 4 * 5
#: The paced run's mean think time between a reader's actions, in seconds (see above).
THINK_S = 1.0

WORKER = r"""
import json, random, sys, time
sys.path[:0] = [p for p in ({source!r}, {tests!r}) if p]
import psycopg
from psycopg.waiting import Wait
# the times the client waited for the server's answer (a round trip each: a pipelined
# statement sent without waiting is none) and the seconds spent waiting for it
waits = [0, 0.0]
def reads(gen):
    ready = None
    try:
        while True:
            state = gen.send(ready)
            waits[0] += state == Wait.R
            ready = yield state
    except StopIteration as done:
        return done.value
wait = psycopg.Connection.wait
def counted(self, gen, *args, **kwargs):
    started = time.perf_counter()
    try:
        return wait(self, reads(gen), *args, **kwargs)
    finally:
        waits[1] += time.perf_counter() - started
psycopg.Connection.wait = counted
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, ImagePlane, Point, Segment, State
from reviewer_gui.review import sign_in
location, name, password, cases = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
think, rng = float(sys.argv[5]), random.Random(name)  # the paced run's mean think time
plane = ImagePlane(11, "1.2.826.0.1.11", (0.5, 0.5))
def seg(mm, row=50.0):
    return Segment(Point(row, 40.0), Point(row, 40.0 + 2 * mm))
times, trips, waited = {{}}, {{}}, {{}}
def timed(kind, call, *args, **kwargs):
    if think:
        time.sleep(rng.expovariate(1 / think))
    before, started = list(waits), time.perf_counter()
    result = call(*args, **kwargs)
    times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    trips.setdefault(kind, []).append(waits[0] - before[0])
    waited.setdefault(kind, []).append((waits[1] - before[1]) * 1000)
    return result
with sign_in(location, name, password, engine=RecistEngine()) as s:
    print("ready", flush=True)
    sys.stdin.readline()
    for case in cases:
        for organ, category, node in (("liver", Category.TARGET, False),
                                      ("lung", Category.TARGET, False),
                                      ("lymph node", Category.TARGET, True),
                                      ("bone", Category.NON_TARGET, False)):
            timed("add-lesion", s.add_lesion, case, category, organ, is_node=node)
        for k, label in enumerate(("BASELINE", "M2", "M4", "M6")):
            for n, lesion in enumerate(("T1", "T2", "T3")):
                short = seg(18 - k, row=60.0) if lesion == "T3" else None  # the node's
                timed("measure", s.measure, case, label, lesion, seg(30 - k - n), plane,
                      short_axis=short)
            timed("set-state", s.set_state, case, label, "NT1", State.PRESENT)
            timed("sign", s.sign, case, label, name=name, password=password, meaning="Read")
print(json.dumps({{"times": times, "trips": trips, "waited": waited}}), flush=True)
"""

ADJUDICATOR = r"""
import json, sys, time
if sys.argv[4]:
    sys.path.insert(0, sys.argv[4])
from reviewer_gui.review import sign_in
from reviewer_gui.review.adjudication import AdjudicationDesk
from reviewer_gui.store.postgres import PostgresStore
location, password, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
seconds = float(sys.argv[5])
times = []
with sign_in(location, "carol", password) as carol:
    store = carol._store
    assert isinstance(store, PostgresStore)
    store.listen_for_reads()
    print("ready", flush=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if store.wait_for_reads(1.0):
            started = time.perf_counter()
            cases = AdjudicationDesk(carol).cases()
            times.append((time.perf_counter() - started) * 1000)
            if sum(1 for c in cases if c.status.value != "waiting") >= expected:
                break
print(json.dumps({"refresh-queue": times}), flush=True)
"""


def _spawn(script: str, *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, *argv], cwd=REPO, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip


def _setup(location: str, readers: int, subjects: int, bootstrap: str | None) -> list[str]:
    from reviewer_gui.review import Role, add_user, sign_in
    from reviewer_gui.store import open_store
    from reviewer_gui.store.postgres import create_project

    if bootstrap is not None:
        create_project(bootstrap, "ada", PASSWORD).close()
    else:
        with open_store(location) as store:
            add_user(store, "ada", Role.ADMINISTRATOR, PASSWORD, by=None)
    with open_store(location, user="ada", password=PASSWORD) as store:
        admin = store.users()["ada"]
        for i in range(readers):
            add_user(store, f"reader{i}", Role.READER, PASSWORD, by=admin)
        add_user(store, "carol", Role.ADJUDICATOR, PASSWORD, by=admin)
    cases = [f"CASE-{n:03d}" for n in range(subjects)]
    with sign_in(location, "ada", PASSWORD) as ada:
        for case in cases:
            ada.add_subject(case)
            for k, label in enumerate(("BASELINE", "M2", "M4", "M6")):
                ada.add_timepoint(case, label, dt.date(2024, 1, 8) + dt.timedelta(days=61 * k))
    return cases


def _run(location: str, readers: int, cases: list[str], adjudicate: bool,
         source: str | None = None, think: float = 0.0) -> dict[str, object]:  # fmt: skip
    """The workload: ``readers`` reader processes (and the adjudicator) importing the
    program from ``source`` (``None``: this tree), thinking ``think`` seconds on average
    between actions (0: none); per action kind its times, round trips and time spent
    waiting for the server."""
    worker = WORKER.format(source=source or "", tests=str(REPO / "tests"))
    pairs = max(1, readers // 2)  # two readers read each subject, pairs read their own
    procs = [_spawn(worker, location, f"reader{i}", PASSWORD, ",".join(cases[i % pairs::pairs]),
                    str(think)) for i in range(readers)]  # fmt: skip
    thinking = think * ACTIONS_PER_SUBJECT * -(-len(cases) // pairs)  # a reader's, on average
    judge = _spawn(ADJUDICATOR, location, PASSWORD, str(len(cases)), source or "",
                   str(110 + 3 * thinking)) if adjudicate else None  # fmt: skip
    for proc in [*procs, *([judge] if judge else [])]:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    load = os.getloadavg()[0]
    started = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    found: dict[str, dict[str, list[float]]] = {"times": {}, "trips": {}, "waited": {}}
    for proc in procs:
        out, _ = proc.communicate(timeout=1800)
        assert proc.returncode == 0, out
        for part, values in json.loads(out.strip().splitlines()[-1]).items():
            for kind, numbers in values.items():
                found[part].setdefault(kind, []).extend(numbers)
    elapsed = time.perf_counter() - started
    if judge is not None:
        try:
            out, _ = judge.communicate(timeout=120 + 3 * thinking)
        except subprocess.TimeoutExpired:
            judge.kill()
            raise
        found["times"].update(json.loads(out.strip().splitlines()[-1]))
    return {**found, "elapsed": elapsed, "load": (load + os.getloadavg()[0]) / 2}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _merge(results: list[dict[str, object]]) -> dict[str, object]:
    """Rounds of one configuration pooled (their actions, their total time, mean load)."""
    merged: dict[str, object] = {"elapsed": sum(r["elapsed"] for r in results),  # type: ignore[misc]
                                 "load": statistics.mean(r["load"] for r in results)}  # type: ignore[misc]
    for part in ("times", "trips", "waited"):
        pooled: dict[str, list[float]] = {}
        for result in results:
            for kind, values in result.get(part, {}).items():  # type: ignore[attr-defined]
                pooled.setdefault(kind, []).extend(values)
        merged[part] = pooled
    return merged


def _actions(result: dict[str, object]) -> list[float]:
    times: dict[str, list[float]] = result["times"]  # type: ignore[assignment]
    return [v for k, vs in times.items() if k != "refresh-queue" for v in vs]


def _summary(label: str, result: dict[str, object], counted: int) -> list[str]:
    times: dict[str, list[float]] = result["times"]  # type: ignore[assignment]
    trips: dict[str, list[float]] = result["trips"]  # type: ignore[assignment]
    waited: dict[str, list[float]] = result["waited"]  # type: ignore[assignment]
    actions = _actions(result)
    elapsed: float = result["elapsed"]  # type: ignore[assignment]
    lines = []
    for kind, vs in sorted(times.items()):
        if kind in trips:
            client = [t - w for t, w in zip(vs, waited[kind], strict=True)]
            detail = (f"{statistics.median(trips[kind]):.0f} | "
                      f"{statistics.median(waited[kind]):.1f} | {statistics.median(client):.1f}")
        else:
            detail = "- | - | -"
        lines.append(f"| {label} | {kind} | {len(vs)} | {statistics.median(vs):.1f} | "
                     f"{_pct(vs, 0.95):.1f} | {max(vs):.1f} | {detail} |")  # fmt: skip
    lines.append(f"| {label} | **all actions** | {len(actions)} | "
                 f"{statistics.median(actions):.1f} | {_pct(actions, 0.95):.1f} | "
                 f"{max(actions):.1f} | | | |")  # fmt: skip
    lines.append(f"| {label} | throughput | {len(actions) / elapsed:.0f} actions/s | "
                 f"{elapsed:.1f} s | {elapsed / len(actions) * 1000:.2f} ms/action | "
                 f"load {result['load']:.1f} | | | |")  # fmt: skip
    assert counted == len(actions), f"{counted} changes stored for {len(actions)} actions"
    return lines


def _server_run(url: str, name: str, readers: int, subjects: int, source: str | None,
                think: float) -> tuple[dict[str, object], int]:  # fmt: skip
    """One run on a fresh database ``name``: set up, read, verify; (result, changes)."""
    import psycopg
    from pg_server import drop_project, with_database

    from reviewer_gui.store import open_store
    from reviewer_gui.store.postgres import PostgresStore
    from reviewer_gui.store.verify import verify

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        location = with_database(url, name, credentials=False)
        pairs = max(1, readers // 2)
        cases = _setup(location, readers, subjects * pairs, with_database(url, name))
        result = _run(location, readers, cases, adjudicate=readers > 1, source=source,
                      think=think)  # fmt: skip
        with open_store(location, user="ada", password=PASSWORD) as store:
            assert isinstance(store, PostgresStore)
            assert verify(store.database).intact, "audit verify failed"
            counted = int(store.database.execute(
                "SELECT count(*) FROM change_log WHERE reader IS NOT NULL").fetchone()[0])  # type: ignore[index]
    finally:
        drop_project(url, name)
    return result, counted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--subjects", type=int, nargs="+", default=[2, 4],
                        help="subjects per pair of readers, one run each (linearity)")
    parser.add_argument("--baseline", type=Path,
                        help="a source tree of the program before (its reviewer_gui/ folder's "
                             "parent, e.g. from git archive): the same runs with it, "
                             "alternating with this tree's, compared as ratios")
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of each configuration, alternating (pooled)")
    parser.add_argument("--think", type=float, default=THINK_S,
                        help="the paced run's mean think time between actions, seconds "
                             "(exponential; 0: no paced run)")  # fmt: skip
    parser.add_argument("--write", type=Path, help="also save the Markdown report here")
    args = parser.parse_args()
    from pg_server import PostgresServer

    codes: list[tuple[str, str | None]] = [("this tree", None)]
    if args.baseline is not None:
        codes = [("before", str(args.baseline.resolve())), ("after", None)]
    modes = [("saturated", 0.0), *([("paced", args.think)] if args.think > 0 else [])]
    report = ["| run | action | n | p50 ms | p95 ms | max ms | round trips | server wait p50 ms "
              "| client p50 ms |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    worst: dict[str, list[float]] = {mode: [0.0, 0.0, 0.0] for mode, _ in modes}  # p95, max, /s
    ratios = []
    server = PostgresServer(durable=True)  # fsync on, like SQLite's synchronous=FULL
    try:
        url = server.start()
        configurations = list(dict.fromkeys([*((args.readers, s) for s in args.subjects),
                                             (1, args.subjects[-1])]))  # fmt: skip
        for (readers, subjects), (mode, think) in itertools.product(configurations, modes):
            pooled: dict[str, list[tuple[dict[str, object], int]]] = {c: [] for c, _ in codes}
            for round_ in range(args.rounds):
                for code, source in codes:
                    name = f"bench_{mode}_{readers}_{subjects}_{round_}_{code.replace(' ', '_')}"
                    pooled[code].append(_server_run(url, name, readers, subjects, source,
                                                    think))  # fmt: skip
            p95 = {}
            for code, _ in codes:
                merged = _merge([r for r, _ in pooled[code]])
                label = (f"PostgreSQL {code}, {mode}, {readers} reader{'s' * (readers > 1)} x "
                         f"{subjects} subjects")  # fmt: skip
                report += _summary(label, merged, sum(n for _, n in pooled[code]))
                actions = _actions(merged)
                p95[code] = (statistics.median(actions), _pct(actions, 0.95))
                if code != "before" and readers == args.readers:
                    rate = len(actions) / merged["elapsed"]  # type: ignore[operator]
                    worst[mode] = [max(worst[mode][0], p95[code][1]),
                                   max(worst[mode][1], max(actions)), rate]  # fmt: skip
            if "before" in p95:
                ratios.append(f"{mode}, {readers} reader(s) x {subjects} subjects: after/before "
                              f"p50 {p95['after'][0] / p95['before'][0]:.2f}, p95 "
                              f"{p95['after'][1] / p95['before'][1]:.2f}")  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "bench.db")
            cases = _setup(path, 1, args.subjects[-1], None)
            result = _run(path, 1, cases, adjudicate=False)
            import sqlite3

            with sqlite3.connect(path) as db:
                counted = db.execute("SELECT count(*) FROM change_log WHERE reader IS NOT "
                                     "NULL").fetchone()[0]  # fmt: skip
            report += _summary(f"SQLite, saturated, 1 reader x {args.subjects[-1]} subjects",
                               result, counted)  # fmt: skip
    finally:
        server.stop()
    report += ["", *_verdict(args.readers, args.think, worst, ratios)]
    text = "\n".join(report)
    print(text)
    if args.write:
        args.write.write_text(text + "\n")
    return 0


def _verdict(readers: int, think: float, worst: dict[str, list[float]],
             ratios: list[str]) -> list[str]:  # fmt: skip
    """The report's conclusion: the target judged on the paced run, the saturated one beside."""
    lines = []
    if ratios:
        lines += ["Same run, ratios of this tree to the baseline: " + "; ".join(ratios) + ".", ""]
    p95, top, rate = worst["saturated"]
    saturated = (f"saturated (no think time), shown beside it: worst p95 {p95:.1f} ms, "
                 f"slowest action {top:.1f} ms, {rate:.0f} actions/s")  # fmt: skip
    if "paced" in worst:
        paced = worst["paced"][0]
        verdict = "met" if paced <= TARGET_P95_MS else "NOT met"
        lines.append(f"Target p95 <= {TARGET_P95_MS:.0f} ms per action at {readers} readers, "
                     f"paced (think time exponential, mean {think:g} s): **{verdict}** (worst "
                     f"p95 {paced:.1f} ms); {saturated}.")  # fmt: skip
    else:
        lines.append(f"No paced run (--think 0): target not judged; {saturated}.")
    lines.append("Every run: audit verify clean, every action stored exactly once.")
    return lines


if __name__ == "__main__":
    sys.exit(main())
