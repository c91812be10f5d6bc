"""No output's work or memory grows with the exercise's calendar length rather than its content: an
ENDEX typo (2077 for 2027) once made the charts draw a band and a tick per day and exhausted 4 GiB."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tracemalloc
import typing as t
from pathlib import Path

import pytest

from exgen import enrich, pipeline
from exgen.render import context
from exgen.render.charts import axis

FIFTY_YEARS = 50 * 365 * 1440
#: Builds the CPX scaffold (6 injects over 2 days) with ENDEX moved, past the long-exercise check
#: (which refuses it, rightly), and reports the peak memory and CPU time of the build and of the
#: converter processes it started.
BUILD = """
import json, resource, sys
from pathlib import Path
from exgen.cli import scaffold
import exgen.pipeline as p
src, endex, out = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
scaffold.write(src, "CPX")
root = src / "exercise.yaml"
root.write_text(root.read_text("utf-8").replace('endex: "2027-05-11T18:00:00Z"', f'endex: "{endex}"'), "utf-8")
checker = p.check
def check(path, strict=False, **kw):
    found = checker(path, strict=strict, **kw)
    found.diagnostics = [d for d in found.diagnostics if d.code != "long-exercise"]
    return found
p.check = check
built = p.build(str(root), out, jobs=1)
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"ok": built.written is not None, "size": built.size, "files": built.files,
                  "errors": [d.as_text() for d in built.checked.diagnostics if d.is_error],
                  "rss_kib": max(me.ru_maxrss, kids.ru_maxrss),
                  "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}))
"""


def test_axis_ticks_and_bands_are_bounded_by_the_plot_not_the_calendar() -> None:
    tracemalloc.start()
    data = axis.Axis(FIFTY_YEARS, 360, dt.date(2027, 5, 10)).data()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(data["ticks"]) <= 20 and len(data["days"]) <= axis.MAX_DAY_BANDS
    assert len(data["boundaries"]) <= axis.MAX_DAY_BANDS and peak < 1_000_000
    xs = [tick["x"] for tick in data["ticks"]]
    assert all(b - a >= axis.MIN_TICK_PX - 0.2 for a, b in zip(xs, xs[1:], strict=False))
    assert data["days"][0]["date"] == "2027-05-10" and any(d["label"] for d in data["days"][1:])
    # Near the end of the calendar: no overflow, dates left out where there are none.
    late = axis.Axis(FIFTY_YEARS, 0, dt.date(9990, 1, 1)).data()
    assert late["days"][-1]["date"] == "" and late["days"][0]["date"] == "9990-01-01"
    # A short exercise keeps its band per day and its 6-hour ticks.
    short = axis.Axis(3 * 1440 + 720, 360, dt.date(2027, 5, 10)).data()
    assert len(short["days"]) == 4 and short["step_hours"] == 6 and len(short["boundaries"]) == 3


def _long_model(tmp_path: Path) -> t.Any:
    from exgen.cli import scaffold

    scaffold.write(tmp_path / "ex", "CPX")
    root = tmp_path / "ex" / "exercise.yaml"
    root.write_text(root.read_text("utf-8").replace('endex: "2027-05-11T18:00:00Z"', 'endex: "2077-05-11T18:00:00Z"'),
                    "utf-8")
    checked = pipeline.check(str(root))
    assert [d.code for d in checked.diagnostics if d.is_error] == ["long-exercise"]
    assert checked.model is not None and checked.comms is not None
    return checked


def test_render_context_lists_days_with_content_only(tmp_path: Path) -> None:
    checked = _long_model(tmp_path)
    tracemalloc.start()
    ctx = context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert ctx["exercise"]["day_count"] == 18_265
    assert [d["day"] for d in ctx["days"]] == [0, 1, 18_264] and set(ctx["days_by_day"]) == {0, 1, 18_264}
    assert len(ctx["charts"]["timeline"]["axis"]["ticks"]) <= 20
    assert peak < 20_000_000, peak


def _build(tmp_path: Path, endex: str) -> dict[str, t.Any]:
    proc = subprocess.run([sys.executable, "-c", BUILD, str(tmp_path / f"src-{endex[:4]}"), endex,
                           str(tmp_path / f"out-{endex[:4]}")], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, t.Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["ok"], result["errors"]
    return result


def test_a_fifty_year_exercise_builds_like_a_two_day_one(tmp_path: Path) -> None:
    short = _build(tmp_path, "2027-05-11T18:00:00Z")
    long = _build(tmp_path, "2077-05-11T18:00:00Z")
    assert long["files"] == short["files"]
    assert long["rss_kib"] <= short["rss_kib"] * 1.25 + 20_000, (short, long)
    assert long["cpu_s"] <= short["cpu_s"] * 2 + 5, (short, long)
    assert long["size"] <= short["size"] * 1.5, (short, long)
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(tmp_path / "out-2077" / "msel" / "msel.xlsx", read_only=True)
    # the scaffold's main events add a sheet; the days are the three with injects, not 18,265
    assert workbook.sheetnames[:3] == ["Read me", "All injects", "By main event"] and len(workbook.sheetnames) == 6
