"""``make bench``: time ``exgen validate``, ``exgen build`` and a check-jsonschema baseline.

For each size (injects) a synthetic definition is written once to a temporary directory
(benchmarks/synth.py), then each command runs as a subprocess several times (validate and
build alternate, so the build / validate ratio of each round compares two runs under the same
load of a shared machine, and the median of those ratios is judged); the table
shows the median wall time, the peak resident memory of the largest process (its
``ru_maxrss`` from ``os.wait4``, which counts the child and the descendants it waited
for, and nothing else) and the peak memory of the whole process tree (``exgen build``
renders in worker processes: the summed proportional set size, PSS, of the child and its
descendants, sampled from ``/proc`` every 50 ms; shared pages are counted once). The figures
are printed, never asserted: the exit code is 0 unless the benchmark itself cannot run.

    python benchmarks/run.py --exgen .venv/bin/exgen --check-jsonschema benchmarks/.venv-bench/bin/check-jsonschema
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import rebuild

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SYNTH = HERE / "synth.py"
SCHEMA = ROOT / "schemas" / "exercise.schema.json"
WIDTH = 100

# Targets: (label, measured value -> verdict). All "at most".
TARGET_VALIDATE_RATIO = 0.025  # exgen validate / check-jsonschema on the same file (issue 23; was 0.2)
TARGET_BUILD_RATIO = 6.0  # exgen build / exgen validate at the largest size (issue 23; was 10)
TARGET_GROWTH = 11.0  # time(10× injects) / time(injects)
TARGET_VERSION_S = 0.1  # exgen --version
#: The size the issue sets the targets for; smaller runs report them as info.
TARGET_SIZE = 10_000
TARGET_RSS_MB = 300.0  # peak RSS at the largest size
TARGET_TREE_MB = 600.0  # all processes of one command together, at the largest size


@dataclass
class Runs:
    """Repeated runs of one command."""

    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    tree_mb: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def low(self) -> float:
        return min(self.seconds) if self.seconds else float("nan")

    @property
    def peak(self) -> float:
        return max(self.rss_mb) if self.rss_mb else float("nan")

    @property
    def tree_peak(self) -> float:
        sampled = [x for x in self.tree_mb if not math.isnan(x)]
        return max(sampled) if sampled else float("nan")


class TreeMemory(threading.Thread):
    """Peak summed PSS (MB) of a process and all its descendants, sampled every 50 ms.

    PSS splits each shared page between the processes that map it, so forked workers that
    share the parent's pages are not counted twice. Linux only (``/proc``); NaN elsewhere.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = float("nan") if not Path("/proc/self/smaps_rollup").exists() else 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not math.isnan(self.peak) and not self.done.is_set():
            self.peak = max(self.peak, sum(_pss_kb(p) for p in _tree(self.pid)) / 1024)
            self.done.wait(0.05)

    def stop(self) -> float:
        self.done.set()
        self.join()
        return self.peak


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc/PID/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:  # a process may exit while it is being listed
            for task in Path(f"/proc/{p}/task").glob("*/children"):
                todo += [int(c) for c in task.read_text().split()]
        except OSError:
            pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_once(argv: list[str], env: dict[str, str], cwd: Path, *,
             sample: bool = False) -> tuple[float, float, float, int, str]:
    """(wall seconds, peak RSS in MB, peak process-tree PSS in MB, exit code, stderr tail) of one subprocess.

    The process tree's PSS is sampled only when ``sample`` is given (NaN otherwise): reading
    ``smaps_rollup`` walks each process's page tables under its memory-map lock, 20 times a
    second, and slowed what it measured (a 10,000-inject build by about a second, 9.0-10.0 s
    against 10.8-11.9 s). Timed runs are not sampled; one extra run of each command is, for
    its memory (:func:`sampled_into`).

    The peak is the child's own ``ru_maxrss`` from ``os.wait4``. Linux starts a child's
    maximum at the RSS of the process that forked it (the copied or borrowed address space
    counts until ``exec``), so this runner keeps itself small: it never loads a definition
    (they are generated and checked in subprocesses), and reports its own peak as the floor
    below which a figure would not be the child's.
    """
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        sampler = TreeMemory(proc.pid) if sample else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        tree = sampler.stop() if sampler else float("nan")
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting again
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return elapsed, rss, tree, proc.returncode, tail


def measure(argv: list[str], runs: int, env: dict[str, str], cwd: Path, *, warmup: int = 1,
            budget: float = float("inf")) -> Runs:
    """Run ``argv`` ``warmup`` times unmeasured, then ``runs`` times measured.

    Measured runs stop early (never before the first) once they have used ``budget`` seconds,
    so a pathologically slow command cannot hold the benchmark for an hour.
    """
    out = Runs()
    for n in range(warmup + runs):
        if n > warmup and sum(out.seconds) >= budget:
            print(f"  (stopped after {len(out.seconds)} of {runs} runs: over the {budget:.0f} s budget)", flush=True)
            break
        _run_into(out if n >= warmup else Runs(), argv, env, cwd)
    if out.seconds:
        sampled_into(out, argv, env, cwd)
    return out


def measure_alternating(first: list[str], second: t.Callable[[], list[str]], runs: int, env: dict[str, str],
                        cwd: Path, *, budget: float = float("inf"),
                        smaller: list[str] | None = None) -> tuple[Runs, Runs, list[float], list[float]]:
    """Run ``first`` and ``second()`` one after the other, ``runs`` rounds: both runs of a round
    see the same machine, so their ratio does not move with the load of a shared host the way
    a ratio of two medians taken minutes apart does. Returns both Runs, each round's
    second/first time ratio and, when ``smaller`` (``first`` on the previous size) is given and
    run at the start of each round, each round's first/smaller ratio (the growth). Stops early
    (never before the first round) after ``budget`` seconds.
    """
    a, b, small = Runs(), Runs(), Runs()
    for n in range(runs):
        if n and sum(a.seconds) + sum(b.seconds) >= budget:
            print(f"  (stopped after {n} of {runs} rounds: over the {budget:.0f} s budget)", flush=True)
            break
        if smaller:
            _run_into(small, smaller, env, cwd)
        _run_into(a, first, env, cwd)
        _run_into(b, second(), env, cwd)
    if a.seconds:
        sampled_into(a, first, env, cwd)
        sampled_into(b, second(), env, cwd)
    return (a, b, [y / x for x, y in zip(a.seconds, b.seconds, strict=True)],
            [x / s for x, s in zip(a.seconds, small.seconds, strict=True)] if smaller else [])


def sampled_into(out: Runs, args: list[str], env: dict[str, str], cwd: Path) -> None:
    """One more run of ``args``, its process tree's memory sampled, for ``out``'s memory figures only
    (its time, slowed by the sampling, is not counted)."""
    _, rss, tree, code, tail = run_once(args, env, cwd, sample=True)
    if code not in (0, 1):
        print(f"  ! {' '.join(Path(a).name if '/' in a else a for a in args[:2])} (memory run) exited {code}: "
              f"{tail.strip().splitlines()[-1] if tail.strip() else ''}", flush=True)
    out.rss_mb.append(rss)
    out.tree_mb.append(tree)


def _run_into(out: Runs, args: list[str], env: dict[str, str], cwd: Path) -> None:
    seconds, rss, _, code, tail = run_once(args, env, cwd)
    if code not in (0, 1):
        print(f"  ! {' '.join(Path(a).name if '/' in a else a for a in args[:2])} exited {code}: "
              f"{tail.strip().splitlines()[-1] if tail.strip() else ''}", flush=True)
    out.seconds.append(seconds)
    out.rss_mb.append(rss)
    out.codes.append(code)


def summary_line(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Exit code and diagnostic counts by severity of ``exgen validate`` (JSON report read line by line)."""
    report = cwd / "validate-report.json"
    with report.open("w") as out:
        code = subprocess.run([*argv, "--format", "json"], stdout=out, stderr=subprocess.DEVNULL,
                              env=env, cwd=cwd, check=False).returncode
    counts = {"error": 0, "warning": 0, "info": 0}
    with report.open() as lines:
        for line in lines:
            if '"severity":' in line:
                severity = line.split(":", 1)[1].strip().strip('",')
                counts[severity] = counts.get(severity, 0) + 1
    report.unlink()
    return code, f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info"


def set_aside(package: Path, tmp: Path) -> None:
    """Move a finished package out of the way, to be deleted with the work dir at the very end.

    Deleting 10,000 files just before a timed build makes that build pay for the deletion on some
    file systems: ext4 without a journal (this machine's root) will not reuse an inode freed in the
    last minute (six while its inode-table block is unwritten) and checks each one it passes on
    every allocation (``recently_deleted()`` in fs/ext4/ialloc.c), so the next 10,000 files cost
    seconds of system time instead of a fraction of one (see benchmarks/README.md). A rename
    frees no inode: the benchmark times exgen, not its own cleanup.
    """
    if package.exists():
        spent = tmp / "spent"
        spent.mkdir(exist_ok=True)
        package.rename(spent / f"{package.name}-{len(list(spent.iterdir()))}")


def check_jsonschema_resolves(tool: str, tmp: Path, env: dict[str, str]) -> str:
    """Prove the baseline resolves the schemas' relative $refs from disk: an error two $refs deep is found."""
    bad = tmp / "refs-check.json"  # injects[0].to[0] breaks inject.schema.json → common.schema.json#/definitions/id
    subprocess.run([sys.executable, str(SYNTH), "20", "--break-ref", "-o", str(bad)], check=True,
                   stdout=subprocess.DEVNULL)
    done = subprocess.run([tool, *baseline_args(), str(bad)], capture_output=True, text=True, env=env, check=False)
    found = done.returncode == 1 and "injects[0].to[0]" in done.stdout
    if not found:
        return f"NOT resolved (exit {done.returncode}): {(done.stdout + done.stderr).strip()[-300:]}"
    return "relative $refs resolved from disk (an error two $refs deep is reported)"


def baseline_args() -> list[str]:
    # The schemas' $id are https URLs that do not exist; --base-uri makes the relative $refs
    # ("common.schema.json#/...") resolve against the files on disk instead.
    return ["--base-uri", SCHEMA.as_uri(), "--schemafile", str(SCHEMA)]


def fmt_s(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_ratio(x: float) -> str:
    return "-" if math.isnan(x) else (f"{x:.3f}×" if x < 0.1 else f"{x:.2f}×")


def verdict(value: float, limit: float) -> str:
    return "n/a" if math.isnan(value) else ("PASS" if value <= limit else "MISS")


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exgen", default=str(ROOT / ".venv" / "bin" / "exgen"))
    parser.add_argument("--check-jsonschema", dest="cjs",
                        default=str(HERE / ".venv-bench" / "bin" / "check-jsonschema"))
    parser.add_argument("--sizes", default="100,1000,10000", help="Inject counts, comma-separated.")
    parser.add_argument("--runs", type=int, default=5, help="Measured runs per command (sizes below 10,000).")
    parser.add_argument("--big-runs", type=int, default=3, help="Measured runs per command at 10,000 and more.")
    parser.add_argument("--baseline-big-runs", type=int, default=3,
                        help="Measured check-jsonschema runs at 10,000 and more (it is the slow one).")
    parser.add_argument("--budget", type=float, default=600,
                        help="Seconds of measured runs per command and size after which no further run starts.")
    parser.add_argument("--no-build", action="store_true", help="Skip exgen build.")
    parser.add_argument("--keep", type=Path, help="Write definitions and packages here and keep them.")
    parser.add_argument("--no-flagship", action="store_true",
                        help="Skip the flagship rows (cold build, rebuilds) and the error-path ratio.")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    tmp = args.keep or Path(tempfile.mkdtemp(prefix="exgen-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    # A writable bytecode cache outside the work tree, as an ordinary Python installation has
    # (this machine sets PYTHONDONTWRITEBYTECODE, which would recompile exgen on every start).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    # exgen's caches (templates, symbols, conversions) in the work dir, never the user's: the size
    # rows keep templates and symbols warm and empty the conversions before each build.
    env["EXGEN_CACHE_DIR"] = str(tmp / "cache")
    env.pop("EXGEN_NO_CACHE", None)
    env.setdefault("LC_ALL", "C.UTF-8")
    try:
        return _bench(args, sizes, tmp, env)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def _bench(args: argparse.Namespace, sizes: list[int], tmp: Path, env: dict[str, str]) -> int:
    exgen, cjs = (str(Path(p).absolute()) for p in (args.exgen, args.cjs))
    for tool in (exgen, cjs):
        if not Path(tool).exists():
            print(f"bench: {tool} not found (run `make bench`, which installs it)", file=sys.stderr)
            return 2
    load_start = os.getloadavg()
    started = time.monotonic()
    version = subprocess.run([exgen, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    cjs_version = subprocess.run([cjs, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"exgen benchmark: {version}; baseline {cjs_version}")
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, load average "
          f"{load_start[0]:.2f} / {load_start[1]:.2f} / {load_start[2]:.2f} (1/5/15 min) at start")
    print(f"work dir: {tmp}")
    print("synthetic definitions (benchmarks/synth.py), written once:")

    files: dict[int, Path] = {}
    for n in sizes:
        # Generated in a subprocess: this process must stay small (see run_once).
        t0 = time.perf_counter()
        path = tmp / f"exercise-{n}.yaml"
        made = subprocess.run([sys.executable, str(SYNTH), str(n), "-o", str(path), "--stats"], check=True,
                              capture_output=True, text=True)
        c = json.loads(made.stdout)
        files[n] = path
        print(f"{n:>6} injects: {c['bytes'] / 1e6:5.2f} MB, {c['units']} units, {c['nets']} nets, {c['pace']} PACE, "
              f"{c['constraints']} constraints, {c['role_players']} role players ({time.perf_counter() - t0:.1f} s)")
    print(f"check-jsonschema: {check_jsonschema_resolves(cjs, tmp, env)}", flush=True)

    results: dict[tuple[str, int], Runs] = {}
    paired: dict[int, list[float]] = {}  # build / validate time of each round (validate, then build)
    grown: dict[int, list[float]] = {}  # validate(n) / validate(previous n) of each round
    checked: dict[int, str] = {}
    for n in sizes:
        path = files[n]
        runs = args.big_runs if n >= 10_000 else args.runs
        code, line = summary_line([exgen, "validate", str(path)], env, tmp)
        checked[n] = f"exit {code}: {line}"
        print(f"[{n}] exgen validate: {checked[n]}", flush=True)
        validate = [exgen, "validate", str(path)]
        if args.no_build:
            # The validity check above was the warm-up run.
            results[("validate", n)] = measure(validate, runs, env, tmp, warmup=0, budget=args.budget)
        else:
            out = tmp / f"package-{n}"

            def fresh(out: Path = out, path: Path = path) -> list[str]:
                set_aside(out, tmp)
                shutil.rmtree(tmp / "cache" / "conversions", ignore_errors=True)
                return [exgen, "build", str(path), "-o", str(out), "--quiet"]

            if n < 10_000:
                run_once(fresh(), env, tmp)  # warm-up: the template cache, the converters' imports
            k = sizes.index(n)
            smaller = [exgen, "validate", str(files[sizes[k - 1]])] if k and n == sizes[k - 1] * 10 else None
            v, b, paired[n], grown[n] = measure_alternating(validate, fresh, runs, env, tmp, budget=2 * args.budget,
                                                            smaller=smaller)
            results[("validate", n)], results[("build", n)] = v, b
            print(f"[{n}] build median {fmt_s(b.median)}; build / validate of each round: "
                  f"{', '.join(fmt_ratio(x) for x in paired[n])}"
                  + (f"; validate growth of each round: {', '.join(fmt_ratio(x) for x in grown[n])}"
                     if grown[n] else ""), flush=True)
            if any(b.codes):
                print(f"  ! build exit codes {b.codes}", flush=True)
            set_aside(out, tmp)
        print(f"[{n}] validate median {fmt_s(results[('validate', n)].median)}", flush=True)
        base_runs = args.baseline_big_runs if n >= 10_000 else min(args.runs, 3)
        results[("baseline", n)] = measure([cjs, *baseline_args(), str(path)], base_runs, env, tmp,
                                           warmup=1 if n < 10_000 else 0, budget=args.budget)
        print(f"[{n}] check-jsonschema median {fmt_s(results[('baseline', n)].median)}", flush=True)
    results[("version", 0)] = measure([exgen, "--version"], 10, env, tmp, warmup=2)
    flagship: list[rebuild.Row] = []
    error: tuple[list[float], str] | None = None
    if not args.no_flagship:
        print("flagship (scenarios/adriatic-shield): cold build, no-change and one-inject rebuilds", flush=True)
        flagship = rebuild.flagship(exgen, args.runs, env, tmp, run_once)
        big = sizes[-1]
        error = rebuild.error_path(exgen, big, args.big_runs if big >= 10_000 else args.runs, env, tmp, files[big],
                                   run_once)
        print(f"[{big}] error path: {error[1]}; bad / valid validate of each round: "
              f"{', '.join(fmt_ratio(x) for x in error[0])}", flush=True)
    load_end = os.getloadavg()

    print()
    _table(results, paired, sizes, args)
    for row in flagship:
        print(f"{'-':>7}  {row.short:<34}{len(row.seconds):>4}  {fmt_s(row.median):>9}  "
              f"{fmt_s(min(row.seconds)):>9}  {max(row.rss_mb):>6.0f} MB  {max(row.tree_mb):>6.0f} MB  "
              f"{','.join(str(c) for c in sorted(set(row.codes)))}")
    print()
    big, prev = sizes[-1], (sizes[-2] if len(sizes) > 1 else None)
    _targets(results, paired, grown, sizes, big, prev, args,
             rebuild.target_rows(flagship, error, big, TARGET_SIZE, fmt_s, fmt_ratio, verdict))
    print()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak RSS is the largest process of each run (os.wait4); this runner's own peak, {own:.0f} MB, is the")
    print("floor below which a figure would not be the child's. 'all procs' is the peak summed PSS of the")
    print("command and its worker processes (sampled every 50 ms in one extra, untimed run of each command:")
    print(f"the sampling slows what it measures), judged against {TARGET_TREE_MB:g} MB.")
    print(f"Load average at end {load_end[0]:.2f} / {load_end[1]:.2f} / {load_end[2]:.2f} on {os.cpu_count()} "
          f"cores; whole benchmark {time.monotonic() - started:.0f} s.")
    for n in sizes:
        print(f"exgen validate on the {n}-inject definition: {checked[n]}")
    return 0


def _table(results: dict[tuple[str, int], Runs], paired: dict[int, list[float]], sizes: list[int],
           args: argparse.Namespace) -> None:
    head = (f"{'injects':>7}  {'command':<34}{'runs':>4}  {'median':>9}  {'min':>9}  {'peak RSS':>9}  "
            f"{'all procs':>9}  exit")
    print(head)
    print("-" * len(head))
    names = {"validate": "exgen validate", "build": "exgen build", "baseline": "check-jsonschema (schema only)"}
    for n in sizes:
        for what in ("validate", "build", "baseline"):
            r = results.get((what, n))
            if r is None:
                continue
            codes = ",".join(str(c) for c in sorted(set(r.codes)))
            print(f"{n:>7}  {names[what]:<34}{len(r.seconds):>4}  {fmt_s(r.median):>9}  {fmt_s(r.low):>9}  "
                  f"{r.peak:>6.0f} MB  {r.tree_peak:>6.0f} MB  {codes}")
    v = results[("version", 0)]
    print(f"{'-':>7}  {'exgen --version':<34}{len(v.seconds):>4}  {fmt_s(v.median):>9}  {fmt_s(v.low):>9}  "
          f"{v.peak:>6.0f} MB  {v.tree_peak:>6.0f} MB  {','.join(str(c) for c in sorted(set(v.codes)))}")
    print()
    print(f"{'ratio':<40}" + "".join(f"{n:>12}" for n in sizes))
    for label, top, bottom in (("validate / check-jsonschema", "validate", "baseline"),
                               ("build / validate (medians)", "build", "validate")):
        cells = []
        for n in sizes:
            a, b = results.get((top, n)), results.get((bottom, n))
            cells.append(fmt_ratio(a.median / b.median) if a and b else "-")
        print(f"{label:<40}" + "".join(f"{c:>12}" for c in cells))
    print(f"{'build / validate (median of rounds)':<40}"
          + "".join(f"{fmt_ratio(statistics.median(paired[n])) if paired.get(n) else '-':>12}" for n in sizes))
    for what, label in (("validate", "validate"), ("build", "build"), ("baseline", "check-jsonschema")):
        cells = []
        for k, n in enumerate(sizes):
            prev = sizes[k - 1] if k else None
            a, b = results.get((what, n)), results.get((what, prev)) if prev else None
            cells.append(fmt_ratio(a.median / b.median) if a and b else "-")
        print(f"{'time(n) / time(previous n): ' + label:<40}" + "".join(f"{c:>12}" for c in cells))


def _targets(results: dict[tuple[str, int], Runs], paired: dict[int, list[float]], grown: dict[int, list[float]],
             sizes: list[int], big: int, prev: int | None, args: argparse.Namespace,
             planner: list[tuple[str, str, str]]) -> None:
    rows: list[tuple[str, str, str]] = []
    for n in sizes:
        v, b = results[("validate", n)], results[("baseline", n)]
        x = v.median / b.median
        # The issue sets its targets for the 10,000-inject definition; smaller sizes are shown for
        # the trend (at 100 injects both tools are mostly interpreter start-up).
        mark = verdict(x, TARGET_VALIDATE_RATIO) if n == big else f"info ({verdict(x, TARGET_VALIDATE_RATIO)})"
        rows.append((f"validate ≤ {TARGET_VALIDATE_RATIO}× check-jsonschema ({n})", fmt_ratio(x), mark))
    def ok(what: str, n: int) -> bool:
        return (what, n) in results and not any(results[(what, n)].codes)

    if paired.get(big):
        # Each round runs validate then build, so a round's ratio compares runs under the same load.
        x = statistics.median(paired[big])
        rows.append((f"build ≤ {TARGET_BUILD_RATIO:g}× validate ({big}; median of rounds)", fmt_ratio(x),
                     verdict(x, TARGET_BUILD_RATIO) if ok("build", big) else "n/a (build failed)"))
    if prev is not None and big == prev * 10:
        for what in ("validate", "build"):
            if (what, big) in results:
                x = results[(what, big)].median / results[(what, prev)].median
                how = ""
                if what == "validate" and grown.get(big):
                    # Both sizes validated in the same round, as for build / validate.
                    x, how = statistics.median(grown[big]), "; median of rounds"
                good = ok(what, big) and ok(what, prev)
                rows.append((f"{what}: time({big}) ≤ {TARGET_GROWTH:g}× time({prev}){how}", fmt_ratio(x),
                             verdict(x, TARGET_GROWTH) if good else f"n/a ({what} failed)"))
    ver = results[("version", 0)].median
    rows.append((f"exgen --version ≤ {TARGET_VERSION_S} s", fmt_s(ver), verdict(ver, TARGET_VERSION_S)))
    for what in ("validate", "build"):
        if (what, big) in results:
            r = results[(what, big)]
            rows.append((f"{what}: peak RSS ≤ {TARGET_RSS_MB:g} MB ({big}; largest process)", f"{r.peak:.0f} MB",
                         verdict(r.peak, TARGET_RSS_MB) if ok(what, big) else f"n/a ({what} failed)"))
            # Workers must not hide memory: the whole process tree, against its own figure.
            if not math.isnan(r.tree_peak):
                rows.append((f"{what}: all its processes together ≤ {TARGET_TREE_MB:g} MB ({big})",
                             f"{r.tree_peak:.0f} MB",
                             verdict(r.tree_peak, TARGET_TREE_MB) if ok(what, big) else f"n/a ({what} failed)"))
    if big < TARGET_SIZE:
        # A quick run (--sizes 100,1000): start-up and the book's fixed cost dominate; no verdict.
        rows = [(label, measured, mark if mark.startswith(("info", "n/a")) or label.startswith("exgen --version")
                 else f"info ({mark})") for label, measured, mark in rows]
    rows += planner  # the flagship rows hold at any size; the error path says itself when it is info
    print(f"{'target':<60}{'measured':>14}  verdict")
    print("-" * 84)
    for label, measured, mark in rows:
        print(f"{label:<60}{measured:>14}  {mark}")
    if big < TARGET_SIZE:
        print(f"(the targets are set for {TARGET_SIZE:,} injects; at {big:,} they are shown as info)")


if __name__ == "__main__":
    sys.exit(main())
