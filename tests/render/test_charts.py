"""SVG charts: layout data (exgen/render/charts/), templates (templates/charts/) and APP-6 symbols."""

from __future__ import annotations

import copy
import itertools
import random
import time
import typing as t
import xml.etree.ElementTree as ET

import pytest

from exgen import enrich, pipeline
from exgen.render import charts, context
from exgen.render.charts import inject_timeline, pace_bars
from exgen.render.environment import environment
from exgen.render.symbols import symbol_svg
from tests.conftest import FLAGSHIP

SVG = "{http://www.w3.org/2000/svg}"
CHARTS = ("timeline", "comms", "orbat")


@pytest.fixture(scope="module")
def flagship() -> dict[str, t.Any]:
    checked = pipeline.check(str(FLAGSHIP))
    assert checked.model is not None and checked.comms is not None
    return context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0))


def draw(ctx: dict[str, t.Any], name: str, **extra: t.Any) -> str:
    return environment().get_template(f"charts/{name}.svg.j2").render({**ctx, **extra})


def classes(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


# ---------------------------------------------------------------- the flagship

def test_outputs_are_declared() -> None:
    templates, problems = pipeline.load_template_set()
    assert not problems
    declared = {s.output: s for s in templates.outputs}
    assert declared["charts/timeline.svg"].title == "Inject timeline"
    assert declared["charts/comms.svg"].title == "Comms availability"
    assert declared["charts/orbat.svg"].title == "Order of battle"
    assert declared["symbols/{id}.svg"].per == "unit"


@pytest.mark.parametrize("name", CHARTS)
def test_flagship_charts_are_well_formed_svg(flagship: dict[str, t.Any], name: str) -> None:
    root = ET.fromstring(draw(flagship, name))
    assert root.tag == f"{SVG}svg"
    assert "NATO UNCLASSIFIED" in "".join(root.itertext())
    assert not [e for e in root.iter() if e.tag.endswith("script")]


def test_timeline_has_a_lane_per_receiving_unit(flagship: dict[str, t.Any]) -> None:
    receivers = {ref["id"] for inj in flagship["injects"] for ref in inj["to"]}
    root = ET.fromstring(draw(flagship, "timeline"))
    assert len(classes(root, "lane")) == len(receivers) <= charts.MAX_LANES
    # Every inject shows once per receiving unit (single markers here; a badge would count several).
    per_lane = sum(len(inj["to"]) for inj in flagship["injects"])
    assert sum(m["count"] for m in flagship["charts"]["timeline"]["markers"]) == per_lane
    text = "".join(root.itertext())
    assert "INJ-014" in text and "D+1" in text and "06:00" in text


def test_comms_has_a_bar_per_pace_plan_and_names_the_causes(flagship: dict[str, t.Any]) -> None:
    root = ET.fromstring(draw(flagship, "comms"))
    assert len(classes(root, "bar")) == len(flagship["pace"])
    text = "".join(root.itertext())
    for cause in ("JAM-HF-1", "GNSS-N", "EMCON-AL"):
        assert cause in text
    bars = {b["id"]: b for b in flagship["charts"]["comms"]["bars"]}
    al = [s for s in bars["PACE-AL"]["segments"] if "JAM-HF-1" in s["causes"]]
    assert al and al[0]["level"] == "alternate" and "primary" in al[0]["down"]


def test_orbat_has_a_node_per_unit_with_its_symbol(flagship: dict[str, t.Any]) -> None:
    svg = draw(flagship, "orbat")
    root = ET.fromstring(svg)
    nodes = classes(root, "unit")
    assert len(nodes) == len(flagship["units"])
    assert all(n.find(f"{SVG}g/{SVG}svg") is not None for n in nodes)
    assert "MUSTANG" in svg or all(u["callsign"] in svg for u in flagship["units"])


def test_orbat_boxes_never_overlap(flagship: dict[str, t.Any]) -> None:
    assert_no_overlap(flagship["charts"]["orbat"]["nodes"])
    roots = [n for n in flagship["charts"]["orbat"]["nodes"] if n["depth"] == 0]
    assert roots and min(n["y"] for n in roots) == min(n["y"] for n in flagship["charts"]["orbat"]["nodes"])


def assert_no_overlap(nodes: list[dict[str, t.Any]]) -> None:
    boxes = sorted((n["x"], n["y"], n["x"] + n["w"], n["y"] + n["h"], n["id"]) for n in nodes)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b[0] >= a[2]:
                break
            assert a[3] <= b[1] or b[3] <= a[1], f"{a[4]} overlaps {b[4]}"


@pytest.mark.parametrize("name", CHARTS)
def test_charts_embed_in_html_without_banner(flagship: dict[str, t.Any], name: str) -> None:
    page = environment().from_string(
        '<!doctype html><html><body><figure>{% set chart_embedded = true %}'
        '{% include "charts/' + name + '.svg.j2" %}</figure></body></html>')
    html = page.render(flagship)
    svg = html[html.index("<svg"):html.rindex("</svg>") + 6]
    root = ET.fromstring(svg)
    assert "NATO UNCLASSIFIED" not in "".join(root.itertext())
    assert "<?xml" not in html and "<style" not in svg


def test_unit_symbol_files(flagship: dict[str, t.Any]) -> None:
    env = environment()
    for unit in flagship["units"]:
        svg = env.get_template("charts/unit_symbol.svg.j2").render({**flagship, "unit": unit})
        assert ET.fromstring(svg).find(f"{SVG}svg") is not None


def test_same_context_gives_the_same_svg(flagship: dict[str, t.Any]) -> None:
    again = copy.deepcopy(flagship)
    again["charts"] = charts.chart_data(again["exercise"], again["units"], again["injects"], again["pace"],
                                        again["constraints"])
    assert again["charts"] == flagship["charts"]
    for name in CHARTS:
        assert draw(flagship, name) == draw(again, name)


# ---------------------------------------------------------------- symbols

def test_symbol_for_a_valid_sidc_is_clean_svg() -> None:
    svg = str(symbol_svg("10031000161211000000", 64))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("width") == "64"
    assert root.findall(f".//{SVG}path")
    lowered = svg.lower()
    for bad in ("<script", "<?xml", "href", "url(", "<style", " id=", "on"):
        if bad == "on":
            assert not any(k.startswith("on") for e in root.iter() for k in e.attrib)
        else:
            assert bad not in lowered


@pytest.mark.parametrize("sidc", ["", "not a sidc", "10999999999999999999", "1003100016121100000",
                                  '"><script>alert(1)</script>', None])
def test_symbol_for_a_bad_sidc_is_a_fallback_frame(sidc: t.Any) -> None:
    svg = str(symbol_svg(sidc, 48))
    root = ET.fromstring(svg)
    assert "fallback" in root.get("class", "")
    assert "script" not in svg


def test_symbol_size_is_a_number_never_markup() -> None:
    svg = str(symbol_svg("10031000161211000000", '48" onload="x'))
    assert "onload" not in svg and ET.fromstring(svg).get("width") == "48"


# ---------------------------------------------------------------- scale

def big_context(n_units: int = 300, n_injects: int = 10_000, n_pace: int = 150, seed: int = 7) -> dict[str, t.Any]:
    """A synthetic render context far larger than any real exercise."""
    rnd = random.Random(seed)
    units = [{"id": "U000", "parent": None, "short_name": "DIV HQ", "nation": "HR", "sidc": "10031002211100000000",
              "callsign": "CANDLE 1", "role": "response-cell", "echelon": "division"}]
    for i in range(1, n_units):
        units.append({"id": f"U{i:03d}", "parent": f"U{(i - 1) // 4:03d}", "short_name": f"UNIT {i}",
                      "nation": rnd.choice(["ME", "AL", "MK", "HR"]), "callsign": f"WORD {i}",
                      "sidc": rnd.choice(["10031000161211000000", "10031000151211000000", "bad"]),
                      "role": "training-audience", "echelon": "company"})
    duration = 5 * 1440
    kinds = ["disinformation", "cyber", "sabotage", "c2", "logistics", None]
    injects = []
    for i in range(n_injects):
        minute = rnd.randrange(duration)
        kind = rnd.choice(kinds)
        injects.append({"id": f"INJ-{i:05d}", "serial": i + 1, "time": minute, "dtime": "", "day": minute // 1440,
                        "to": [{"id": rnd.choice(units)["id"], "name": "", "kind": "unit"}], "title": "<b>&",
                        "threat": {"kind": kind} if kind else None})
    pace = []
    for i in range(n_pace):
        segs, minute = [], 0
        while minute < duration:
            end = min(duration, minute + rnd.randint(1, 300))
            level = rnd.choice(["primary", "primary", "alternate", "contingency", "emergency", None])
            segs.append({"time": minute, "end": end, "level": level, "net": level and "NET", "dtime": "",
                         "end_dtime": "", "down": [] if level == "primary" else
                         [{"level": "primary", "net": "NET", "causes": [f"C-{rnd.randrange(400)}"]}]})
            minute = end
        pair = rnd.sample(units, 2)
        pace.append({"id": f"PACE-{i}", "between": [{"id": u["id"], "name": u["short_name"]} for u in pair],
                     "timeline": segs})
    constraints = [{"id": f"C-{i}", "kind": rnd.choice(charts.WINDOW_KINDS), "time": (s := rnd.randrange(duration)),
                    "end": min(duration, s + rnd.randint(5, 300)), "dtime": "", "end_dtime": ""} for i in range(400)]
    exercise = {"id": "BIG", "name": "Big", "banner": "NATO UNCLASSIFIED — EXERCISE", "startex": "2027-05-10T06:00:00Z",
                "startex_dtg": "100600ZMAY27", "endex_dtg": "150600ZMAY27", "duration": duration}
    return {"exercise": exercise, "units": units, "injects": injects, "pace": pace, "constraints": constraints}


def test_a_huge_exercise_gives_small_readable_charts() -> None:
    ctx = big_context()
    symbol_svg("10031000161211000000")  # the library's import is not the chart's cost
    started = time.perf_counter()
    ctx["charts"] = charts.chart_data(ctx["exercise"], ctx["units"], ctx["injects"], ctx["pace"], ctx["constraints"])
    svgs = {name: draw(ctx, name) for name in CHARTS}
    elapsed = time.perf_counter() - started
    assert elapsed < 10, elapsed
    for name, svg in svgs.items():
        assert len(svg.encode()) < 2_000_000, (name, len(svg))
        ET.fromstring(svg)
    data = ctx["charts"]
    assert len(data["timeline"]["lanes"]) == charts.MAX_LANES and data["timeline"]["lanes"][-1]["other"]
    assert sum(m["count"] for m in data["timeline"]["markers"]) == len(ctx["injects"])
    assert len(data["comms"]["bars"]) == charts.MAX_BARS
    assert data["comms"]["hidden"] == len(ctx["pace"]) - charts.MAX_BARS
    assert len(data["orbat"]["nodes"]) <= charts.MAX_NODES
    assert_no_overlap(data["orbat"]["nodes"])
    # Marks in a lane never overlap: a crowded column becomes one counted badge.
    by_lane: dict[float, list[dict[str, t.Any]]] = {}
    for m in data["timeline"]["markers"]:
        by_lane.setdefault(m["y"], []).append(m)
    for marks in by_lane.values():
        marks.sort(key=lambda m: m["x"])
        for a, b in itertools.pairwise(marks):
            half_a, half_b = inject_timeline.half_width(a["count"]), inject_timeline.half_width(b["count"])
            assert b["x"] - half_b >= a["x"] + half_a + 1.5


def test_orbat_survives_cycles_and_unknown_parents() -> None:
    units = [{"id": "A", "parent": "B"}, {"id": "B", "parent": "A"}, {"id": "C", "parent": "NOPE"},
             {"id": "D", "parent": "C"}, {"id": "E", "parent": "E"}]
    order = charts.preorder(units)
    assert sorted(order) == ["A", "B", "C", "D", "E"]
    data = charts.orbat(units, order)
    assert sorted(n["id"] for n in data["nodes"]) == ["A", "B", "C", "D", "E"]
    assert_no_overlap(data["nodes"])


def test_wide_sibling_sets_wrap_into_rows() -> None:
    units = [{"id": "HQ", "parent": None}] + [{"id": f"C{i:02d}", "parent": "HQ"} for i in range(30)]
    data = charts.orbat(units, charts.preorder(units))
    assert max(n["x"] + n["w"] for n in data["nodes"]) <= charts.WIDTH
    assert len({n["y"] for n in data["nodes"]}) > 2
    assert_no_overlap(data["nodes"])


def test_no_path_stays_visible_however_short() -> None:
    axis = charts.Axis(10_000, 360, None)
    segs = pace_bars.segments(axis, [
        {"time": 0, "end": 5000, "level": "primary", "net": "N", "down": []},
        {"time": 5000, "end": 5001, "level": None, "net": None,
         "down": [{"level": "primary", "net": "N", "causes": ["JAM-1"]}]},
        {"time": 5001, "end": 10_000, "level": "primary", "net": "N", "down": []}], 0)
    assert segs[-1]["level"] == "none" and segs[-1]["w"] >= charts.MIN_SEGMENT_W
    assert segs[-1]["causes"] == ["JAM-1"]


def test_an_empty_exercise_still_draws() -> None:
    exercise = {"name": "Empty", "banner": "UNCLASSIFIED", "startex": "2027-05-10T00:00:00Z",
                "startex_dtg": "", "endex_dtg": "", "duration": 0}
    ctx = {"exercise": exercise, "charts": charts.chart_data(exercise, [], [], [], [])}
    for name in CHARTS:
        ET.fromstring(draw(ctx, name))


def test_the_books_comms_chart_fits_one_printed_page() -> None:
    ctx = big_context()
    data = charts.chart_data(ctx["exercise"], ctx["units"], ctx["injects"], ctx["pace"], ctx["constraints"])
    full, page = data["comms"], data["comms_page"]
    assert full["height"] > charts.PAGE_H >= page["height"]
    # One bar more would not fit: the page holds as many of the most degraded plans as it can.
    assert page["height"] + charts.BAR_PITCH > charts.PAGE_H
    assert page["hidden"] == len(ctx["pace"]) - len(page["bars"])
    kept = {b["id"] for b in page["bars"]}
    assert kept < {b["id"] for b in full["bars"]}
    # The bars kept are the most degraded of the full chart, in the same (plan) order.
    assert [b["id"] for b in full["bars"] if b["id"] in kept] == [b["id"] for b in page["bars"]]
    ctx["charts"] = data
    book = draw({**ctx, "chart_fit_page": True}, "comms")
    assert f'viewBox="0 0 {charts.WIDTH} {page["height"]}"' in book
    assert f"{page['hidden']} more PACE plans, the least degraded, are not shown" in book


def test_a_small_exercise_prints_the_whole_comms_chart(flagship: dict[str, t.Any]) -> None:
    assert flagship["charts"]["comms"]["height"] <= charts.PAGE_H
    assert flagship["charts"]["comms_page"] is flagship["charts"]["comms"]
