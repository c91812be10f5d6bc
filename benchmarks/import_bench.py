"""``make bench``, the import: a 10,000-row MSEL workbook back into its definition, against validating it.

A synthetic definition (benchmarks/synth.py) is built with only its MEL/MIL (``--only msel``), so
exgen's own ``msel.xlsx`` and ``msel.csv`` hold every inject. Three runs each, alternating:
``exgen validate`` of the definition, and ``exgen import msel`` of the workbook (then of the CSV)
``--into`` a copy of the definition with one title changed in the sheet, so the import reads every
row, compares it with the definition, edits one line and validates the result before writing.
Targets (issue 19): import ≤ 3× validate of the definition it produces, peak RSS < 300 MB (the
exgen process; the sheet reader it forks for the overlap is reported beside it as the tree's PSS).
Prints figures and PASS/MISS; exit 0 unless the benchmark itself cannot run.

    python benchmarks/import_bench.py --exgen .venv/bin/exgen [--injects 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import run_once  # noqa: E402  (benchmarks/run.py: wall time and peak RSS of one subprocess)

TARGET_RATIO = 3.0
TARGET_RSS_MB = 300.0


def _edit_title(workbook: Path, out: Path) -> None:
    """Change one title in the All injects sheet, as a planner would in Excel."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    ws = book["All injects"]
    titles = [c.column for c in ws[1] if c.value == "Title"][0]
    ws.cell(2, titles).value = "Edited in the benchmark"
    book.save(out)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exgen", default=str(HERE.parent / ".venv" / "bin" / "exgen"))
    parser.add_argument("--injects", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    args.exgen = os.path.abspath(args.exgen)  # the commands run in a scratch folder
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory(prefix="exgen-import-bench-") as scratch:
        tmp = Path(scratch)
        definition = tmp / "def" / "exercise.yaml"
        definition.parent.mkdir()
        subprocess.run([sys.executable, str(HERE / "synth.py"), str(args.injects), "-o", str(definition)], check=True)
        built = subprocess.run([args.exgen, "build", str(definition), "-o", str(tmp / "pkg"), "--only", "msel"],
                               capture_output=True, text=True, env=env)
        if built.returncode != 0:
            print(built.stdout + built.stderr)
            return 1
        edited = tmp / "msel-edited.xlsx"
        _edit_title(tmp / "pkg" / "msel" / "msel.xlsx", edited)
        sheets = {"XLSX": edited, "CSV": tmp / "pkg" / "msel" / "msel.csv"}
        times: dict[str, list[float]] = {"validate": [], "XLSX": [], "CSV": []}
        peaks: dict[str, float] = {"validate": 0.0, "XLSX": 0.0, "CSV": 0.0}
        trees: dict[str, float] = {"validate": 0.0, "XLSX": 0.0, "CSV": 0.0}
        for n in range(args.runs + 1):
            # The last round only samples the process trees' memory (run.py's run_once: the sampling
            # slows what it measures), untimed.
            sample = n == args.runs
            wall, rss, tree, code, tail = run_once([args.exgen, "validate", str(definition)], env, tmp, sample=sample)
            if code != 0:
                print(tail)
                return 1
            if not sample:
                times["validate"].append(wall)
            peaks["validate"] = max(peaks["validate"], rss)
            trees["validate"] = tree if sample else trees["validate"]
            for name, sheet in sheets.items():
                copy = tmp / f"copy-{name}-{n}"
                shutil.copytree(definition.parent, copy)
                wall, rss, tree, code, tail = run_once(
                    [args.exgen, "import", "msel", str(sheet), "--into", str(copy / "exercise.yaml")], env, tmp,
                    sample=sample)
                if code != 0:
                    print(tail)
                    return 1
                if not sample:
                    times[name].append(wall)
                peaks[name] = max(peaks[name], rss)
                trees[name] = tree if sample else trees[name]
                shutil.rmtree(copy)
    base = statistics.median(times["validate"])
    print(f"\nImport of exgen's own MEL/MIL, {args.injects:,} rows, --into the definition "
          f"(median of {args.runs}; peak RSS of the exgen process, and PSS of it with the sheet reader it forks)")
    print(f"  validate the definition   {base:6.2f} s   {peaks['validate']:6.0f} MB  ({trees['validate']:.0f} MB)")
    for name in ("XLSX", "CSV"):
        median = statistics.median(times[name])
        ratio = median / base
        print(f"  import msel ({name:4})        {median:6.2f} s   {peaks[name]:6.0f} MB  ({trees[name]:.0f} MB)  "
              f"{ratio:4.2f}× validate  {_verdict(ratio <= TARGET_RATIO)} (≤ {TARGET_RATIO:g}×)  "
              f"memory {_verdict(peaks[name] < TARGET_RSS_MB)} (< {TARGET_RSS_MB:g} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
