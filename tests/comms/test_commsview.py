"""The comms picture as text and JSON."""

from __future__ import annotations

import json
import typing as t

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_comms import DAY, build, everything_down, jam, small_exercises, standard, unit

from exgen.comms import analyse
from exgen.comms.view import parse_at, render_text, to_json
from exgen.model import TimeError


def picture(data: dict[str, t.Any]) -> tuple[t.Any, t.Any]:
    model = build(data)
    return analyse(model), model


def test_bar_ticks_and_segments() -> None:
    pic, model = picture(standard(constraints=[jam("JAM-1", DAY, DAY + 360, ["HF"])]))
    text = render_text(pic, model, width=98)  # 96 columns of 30 minutes
    lines = text.splitlines()
    bar = "  " + "P" * 48 + "A" * 12 + "P" * 36
    assert bar in lines
    ticks = lines[lines.index(bar) - 1]
    # D+1 00:00 is minute 1080 (column 36), D+2 00:00 minute 2520 (column 84).
    assert ticks == "  D+0" + " " * 33 + "|D+1" + " " * 44 + "|D+2"
    assert "  D+1 06:00–D+1 12:00  alternate    CMD-VHF  (primary CMD-HF down: JAM-1)" in lines
    assert "  D+0 06:00–D+1 06:00  primary      CMD-HF" in lines
    assert "PACE HQ~BN: HQ <-> BN" in lines


def test_short_outages_show_in_the_bar() -> None:
    pic, model = picture(standard(constraints=everything_down(100, 101)))
    bar = next(line for line in render_text(pic, model, width=60).splitlines() if line.startswith("  P"))
    assert bar.count("!") == 1


def test_links_table_at_a_minute() -> None:
    data = standard(constraints=[jam("JAM-1", DAY, DAY + 360, ["HF"])])
    data["units"].append(unit("LONER", ["HF-R"]))
    data["nets"][0]["members"].append("LONER")
    pic, model = picture(data)
    lines = render_text(pic, model, at=DAY + 30, width=100).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Links at D+1 06:30 (minute 1470)"))
    table = [line.split() for line in lines[start:] if "<->" in line]
    assert table == [
        ["HQ", "<->", "BN", "PACE", "HQ~BN", "alternate", "CMD-VHF"],
        ["BN", "<->", "LONER", "shared", "net", "NO", "PATH", "-"],
        ["HQ", "<->", "LONER", "shared", "net", "NO", "PATH", "-"],
    ]
    at_noon = [line.split() for line in render_text(pic, model, at=DAY + 400).splitlines() if "LONER" in line]
    assert at_noon[0][-2:] == ["-", "CMD-HF"]


def test_no_plans_and_width_limit() -> None:
    pic, model = picture(standard(pace=[]))
    assert "No PACE plans." in render_text(pic, model)
    with pytest.raises(ValueError):
        render_text(pic, model, width=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_exercises(), st.integers(40, 160), st.data())
def test_lines_never_exceed_the_width(data: dict[str, t.Any], width: int, draw: st.DataObject) -> None:
    # Long ids stress the wrapping.
    data["pace"] = [{**p, "id": "PLAN-" + "X" * 60} for p in data["pace"]][:1] + data["pace"][1:]
    pic, model = picture(data)
    minute = draw.draw(st.none() | st.integers(0, pic.duration - 1))
    text = render_text(pic, model, at=minute, width=width)
    assert text.endswith("\n")
    assert max(len(line) for line in text.splitlines()) <= width


def test_lines_fit_for_a_long_exercise() -> None:
    data = standard(constraints=[jam(f"JAM-{i}", i * 97, i * 97 + 30, ["HF", "VHF"]) for i in range(25)])
    data["exercise"]["endex"] = "2027-05-24T18:00:00Z"  # two weeks: more days than room for labels
    pic, model = picture(data)
    for width in (40, 60, 100, 400):
        text = render_text(pic, model, at=100, width=width)
        assert max(len(line) for line in text.splitlines()) <= width


def test_parse_at() -> None:
    pic, model = picture(standard())
    assert parse_at("D+1 07:30", model) == 1530
    assert parse_at(" d+0 06:00 ", model) == 0
    assert parse_at("2027-05-10T07:00:00Z", model) == 60
    assert parse_at("2027-05-10T09:00+02:00", model) == 60
    for bad in ("D+2 06:00", "D-1 12:00", "tomorrow", "D+1 25:00"):
        with pytest.raises(TimeError):
            parse_at(bad, model)


def test_json_is_stable_and_serialisable() -> None:
    pic, model = picture(standard(constraints=[jam("JAM-1", DAY, DAY + 360, ["HF"])]))
    doc = to_json(pic, model, at=DAY + 30)
    assert list(doc) == ["exercise", "startex", "duration", "pace", "incompatible", "usable", "connected", "at"]
    assert json.loads(json.dumps(doc)) == doc
    assert doc["pace"][0]["segments"][1] == {
        "start": {"minutes": 1440, "dtime": "D+1 06:00"}, "end": {"minutes": 1800, "dtime": "D+1 12:00"},
        "level": "alternate", "net": "CMD-VHF",
        "down": [{"level": "primary", "net": "CMD-HF", "causes": ["JAM-1"]}],
    }
    assert doc["at"] == {"minutes": 1470, "dtime": "D+1 06:30", "links": [
        {"units": ["HQ", "BN"], "pace": "HQ~BN", "level": "alternate", "net": "CMD-VHF"}]}
    assert doc["usable"][0] == {"net": "CMD-HF", "unit": "HQ", "intervals": [
        {"start": {"minutes": 0, "dtime": "D+0 06:00"}, "end": {"minutes": 1440, "dtime": "D+1 06:00"}},
        {"start": {"minutes": 1800, "dtime": "D+1 12:00"}, "end": {"minutes": 2880, "dtime": "D+2 06:00"}}]}
    assert to_json(pic, model) == {k: v for k, v in doc.items() if k != "at"}
    assert json.dumps(to_json(pic, model)) == json.dumps(to_json(*picture(standard(
        constraints=[jam("JAM-1", DAY, DAY + 360, ["HF"])]))))


def test_an_unusable_level_is_named_as_such() -> None:
    pic, model = picture(standard(units=[unit("HQ", ["HF-R", "VHF-R"]), unit("BN", ["VHF-R"])]))
    line = "  D+0 06:00–D+2 06:00  alternate    CMD-VHF  (primary CMD-HF unusable)"
    assert line in render_text(pic, model).splitlines()
