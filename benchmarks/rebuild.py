"""The planner's rows of ``make bench``: the flagship built cold, rebuilt with nothing changed and
with one inject changed, and the error path (validate with 2 % unknown references).

Called by benchmarks/run.py, which owns the process runner and the table; kept apart so that
file stays about the size-scaling rows.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import typing as t
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAGSHIP = HERE.parent / "scenarios" / "adriatic-shield"
SYNTH = HERE / "synth.py"

TARGET_COLD_S = 2.5  # flagship build, every cache empty
TARGET_UNCHANGED_S = 0.5  # flagship build when the package is already there
TARGET_ONE_INJECT_S = 1.5  # flagship build after one inject's title changed, caches warm, PDF included
TARGET_ERROR_RATIO = 1.5  # validate(2 % unknown references) / validate(valid), same size
BAD_SHARE = 0.02

class RunOnce(t.Protocol):
    """(wall seconds, peak RSS MB, peak process-tree PSS MB or NaN, exit code, stderr tail) of one run
    (benchmarks/run.py: ``run_once``); the tree is sampled only with ``sample``."""

    def __call__(self, argv: list[str], env: dict[str, str], cwd: Path, *,
                 sample: bool = False) -> tuple[float, float, float, int, str]: ...


class Row(t.NamedTuple):
    label: str  #: in the targets
    short: str  #: in the table
    seconds: list[float]
    rss_mb: list[float]
    tree_mb: list[float]
    codes: list[int]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def _toggle_title(path: Path, n: int) -> None:
    """Change the first inject title of ``path``: a different text on every call."""
    text = path.read_text("utf-8")
    head, sep, rest = text.partition("title: ")
    if not sep:
        raise SystemExit(f"bench: no inject title in {path}")
    line, nl, tail = rest.partition("\n")
    quote = line[:1] if line[:1] in "\"'" else ""
    body = line[len(quote):].split(" [edit ", 1)[0].rstrip(quote)
    path.write_text(f"{head}{sep}{quote}{body} [edit {n}]{quote}{nl}{tail}", "utf-8")


def flagship(exgen: str, runs: int, env: dict[str, str], tmp: Path, run_once: RunOnce) -> list[Row]:
    """The three flagship rows, each measured ``runs`` times (after one unmeasured warm-up)."""
    work = tmp / "flagship"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(FLAGSHIP, work / "src")
    root = work / "src" / "exercise.yaml"
    warm = {**env, "EXGEN_CACHE_DIR": str(work / "cache")}
    cold = {**env, "EXGEN_NO_CACHE": "1"}
    rows = [Row("flagship build, caches cold (EXGEN_NO_CACHE=1)", "flagship build, cold", [], [], [], []),
            Row("flagship rebuild, nothing changed", "flagship rebuild, no change", [], [], [], []),
            Row("flagship rebuild, one inject's title changed", "flagship rebuild, 1 inject edited", [], [], [], [])]

    def record(row: Row, argv: list[str], environ: dict[str, str], *, sample: bool = False) -> None:
        """One timed run into ``row``; with ``sample``, one untimed run for its memory figures only."""
        seconds, rss, tree, code, tail = run_once(argv, environ, tmp, sample=sample)
        if code:
            print(f"  ! {row.label}: exit {code}: {tail.strip().splitlines()[-1] if tail.strip() else ''}", flush=True)
        if not sample:
            row.seconds.append(seconds)
            row.codes.append(code)
        row.rss_mb.append(rss)
        if sample:
            row.tree_mb.append(tree)

    out = work / "pkg"
    build = [exgen, "build", str(root), "-o", str(out)]
    for n in range(runs + 1):  # cold: a fresh package folder each time; the first (unmeasured) for memory
        shutil.rmtree(out, ignore_errors=True)
        record(rows[0], build, cold, sample=not n)
    subprocess.run(build, env=warm, cwd=tmp, capture_output=True, check=False)  # fills the cache
    said = subprocess.run(build, env=warm, cwd=tmp, capture_output=True, text=True, check=False).stdout.strip()
    if "up to date" not in said:
        print(f"  ! a second build of the flagship did not report 'up to date': {said!r}", flush=True)
    for n in range(runs + 1):
        record(rows[1], build, warm, sample=n == runs)
    for n in range(runs + 1):
        _toggle_title(work / "src" / "injects" / "day1.yaml", n)
        record(rows[2], build, warm, sample=n == runs)
    return rows


def error_path(exgen: str, size: int, runs: int, env: dict[str, str], tmp: Path, valid: Path,
               run_once: RunOnce) -> tuple[list[float], str]:
    """validate(2 % bad references) / validate(valid) of each round at ``size`` injects (the two
    alternate, so a round's ratio compares runs under the same load), and what the bad file holds."""
    bad = tmp / f"exercise-{size}-bad-refs.yaml"
    subprocess.run([sys.executable, str(SYNTH), str(size), "-o", str(bad), "--bad-refs", str(BAD_SHARE)],
                   check=True, capture_output=True)
    found = subprocess.run([exgen, "validate", str(bad)], env=env, cwd=tmp, capture_output=True, text=True,
                           check=False)
    errors = found.stdout.count(": error[")
    ratios = []
    for _ in range(runs):
        good = run_once([exgen, "validate", str(valid)], env, tmp)[0]
        ratios.append(run_once([exgen, "validate", str(bad)], env, tmp)[0] / good)
    return ratios, f"{errors} errors (exit {found.returncode})"


def target_rows(rows: list[Row], error: tuple[list[float], str] | None, size: int, target_size: int,
                fmt_s: t.Callable[[float], str], fmt_ratio: t.Callable[[float], str],
                verdict: t.Callable[[float, float], str]) -> list[tuple[str, str, str]]:
    """The PASS/MISS rows: (label, measured, verdict)."""
    found = []
    limits = (TARGET_COLD_S, TARGET_UNCHANGED_S, TARGET_ONE_INJECT_S)
    for row, limit in zip(rows, limits[:len(rows)], strict=True):  # none with --no-flagship
        mark = verdict(row.median, limit) if not any(row.codes) else "n/a (build failed)"
        found.append((f"{row.label} ≤ {limit:g} s", fmt_s(row.median), mark))
    if error is not None and error[0]:
        x = statistics.median(error[0])
        mark = verdict(x, TARGET_ERROR_RATIO)
        found.append((f"validate with 2 % bad refs ≤ {TARGET_ERROR_RATIO:g}× valid ({size}; rounds)", fmt_ratio(x),
                      mark if size >= target_size else f"info ({mark})"))
    return found
