"""Chart labels never cut or overlap: the PACE chart's row labels and the timeline's lane labels stay in
their column, the constraint window labels stay on the chart and apart, however long the ids and
names and however many windows overlap. Boxes are measured with charts.text's width estimate."""

from __future__ import annotations

import itertools
import typing as t
import xml.etree.ElementTree as ET

import pytest

from exgen.render import charts
from exgen.render.charts import axis, inject_timeline, pace_bars, windows
from exgen.render.charts.text import text_width
from exgen.render.environment import environment

LONG_NAME = "Multinational Brigade Headquarters Forward Tactical Command Post ADRIATIC " * 2
LONG_ID = "PACE-" + "X" * 80
Box = tuple[float, float]


def _context() -> dict[str, t.Any]:
    units = [{"id": f"UNIT-{'Y' * 40}-{i}", "parent": None, "short_name": f"{LONG_NAME} {i}",
              "nation": "MNE-LONG-NATION-CODE" if i % 2 else "ME", "sidc": None, "role": "training-audience"}
             for i in range(6)]
    duration = 3 * 1440
    injects = [{"id": f"INJ-{i:03d}", "serial": i, "time": (i * 37) % duration, "dtime": "", "day": 0, "title": "",
                "to": [{"id": units[i % 6]["id"], "name": units[i % 6]["short_name"], "kind": "unit"}],
                "threat": None} for i in range(120)]
    pace = [{"id": f"{LONG_ID}-{i}", "between": [{"id": units[i]["id"], "name": ""},
                                                 {"id": units[i + 1]["id"], "name": ""}],
             "timeline": [{"time": 0, "end": duration, "level": "primary", "net": "N", "down": []}]}
             for i in range(5)]
    # Forty windows of every kind, overlapping each other, some with very long ids.
    constraints = [{"id": ("JAM-" + "Z" * 70 if i % 5 == 0 else f"C-{i}"), "kind": charts.WINDOW_KINDS[i % 4],
                    "time": i * 60, "end": i * 60 + 600 + (i % 3) * 900, "dtime": "", "end_dtime": ""}
                   for i in range(40)]
    exercise = {"id": "L", "name": "Labels", "banner": "NATO UNCLASSIFIED — EXERCISE",
                "startex": "2027-05-10T06:00:00Z", "startex_dtg": "", "endex_dtg": "", "duration": duration}
    return {"exercise": exercise, "units": units, "injects": injects, "pace": pace, "constraints": constraints}


@pytest.fixture(scope="module")
def data() -> dict[str, t.Any]:
    ctx = _context()
    return charts.chart_data(ctx["exercise"], ctx["units"], ctx["injects"], ctx["pace"], ctx["constraints"])


def _apart(boxes: list[Box], gap: float = 0.0) -> bool:
    ordered = sorted(boxes)
    return all(b[0] >= a[1] + gap for a, b in itertools.pairwise(ordered))


def test_pace_row_labels_stay_in_their_column(data: dict[str, t.Any]) -> None:
    bars = data["comms"]["bars"]
    assert len(bars) == 5
    for bar in bars:
        label = (bar["label_x"], bar["label_x"] + text_width(bar["label"], pace_bars.LABEL_FONT, bold=True))
        sub = (bar["label_x"], bar["label_x"] + text_width(bar["sub"], pace_bars.SUB_FONT))
        for box in (label, sub):
            assert box[0] >= 0 and box[1] <= axis.PLOT_X0 - 4, (bar["id"], box)
        assert bar["label"].endswith("…") and bar["sub"].startswith("PACE-XXX") and bar["sub"].endswith("…")
    # Rows a bar pitch apart: the two lines of one bar and the next bar's never share a baseline.
    baselines = sorted(y for bar in bars for y in (bar["y"] + 9, bar["y"] + 23))
    assert all(b - a >= 12 for a, b in itertools.pairwise(baselines))


def test_timeline_lane_labels_name_nation_and_count_do_not_touch(data: dict[str, t.Any]) -> None:
    lanes = data["timeline"]["lanes"]
    assert len(lanes) == 6
    for lane in lanes:
        name = (inject_timeline.LABEL_X, inject_timeline.LABEL_X + text_width(lane["label"], 12, bold=True))
        nation = (lane["nation_x"] - text_width(lane["nation"], 10), lane["nation_x"])
        count = (axis.LABEL_W - text_width(str(lane["count"]), 10), float(axis.LABEL_W))
        boxes = [name, count] + ([nation] if lane["nation"] else [])
        assert _apart(boxes, gap=2), (lane["id"], boxes)
        assert all(b[0] >= 0 and b[1] <= axis.PLOT_X0 for b in boxes)
        assert lane["label"].endswith("…")


def test_constraint_labels_stay_on_the_chart_and_apart(data: dict[str, t.Any]) -> None:
    for chart in ("timeline", "comms"):
        placed = [w for w in data[chart]["windows"] if w["label_row"] is not None]
        assert len(placed) >= 3
        rows: dict[int, list[Box]] = {}
        for w in placed:
            box = (w["x0"], w["x0"] + windows.LABEL_TEXT_DX + text_width(w["label"], windows.LABEL_FONT, bold=True))
            assert box[0] >= axis.PLOT_X0 and box[1] <= charts.WIDTH - 4, (chart, w["label"], box)
            assert box[1] - box[0] <= windows.LABEL_MAX + windows.LABEL_TEXT_DX
            rows.setdefault(w["label_row"], []).append(box)
        for row, boxes in rows.items():
            assert _apart(boxes, gap=windows.LABEL_GAP), (chart, row, sorted(boxes))
        assert any(w["label"].startswith("JAM-ZZ") and "…" in w["label"] for w in placed)


@pytest.mark.parametrize("name", ["timeline", "comms"])
def test_the_svg_draws_the_measured_labels(data: dict[str, t.Any], name: str) -> None:
    ctx = {**_context(), "charts": data}
    svg = environment().get_template(f"charts/{name}.svg.j2").render(ctx)
    texts = ["".join(e.itertext()) for e in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    placed = [w["label"] for w in data[name]["windows"] if w["label_row"] is not None]
    assert all(label in texts for label in placed)
    if name == "comms":
        assert all(bar["sub"] in texts and bar["label"] in texts for bar in data["comms"]["bars"])
