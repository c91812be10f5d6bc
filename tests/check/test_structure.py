"""Issue 17: phases, main events → main incidents → injects, custom x- fields and MEL/MIL columns,
checked at their place in the definition."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from exgen import load
from exgen.check import schema
from tests.check.minimal import errors, position, validate, write

STORY = """\
phases:
  - {id: PH-1, title: Deployment, start: "D+0 06:00", end: "D+1 06:00"}
  - {id: PH-2, title: Crisis response, start: "D+1 06:00", end: "D+2 18:00"}
main_events:
  - {id: ME-1, title: Convoy under threat, outcome: The battalion reports contact within 30 minutes}
  - {id: ME-2, title: Reporting chain, outcome: Reports reach the higher command}
main_incidents:
  - {id: MI-1, title: Ambush on the coast road, event: ME-1, phase: PH-1, start: "D+0 07:00", end: "D+0 12:00"}
  - {id: MI-2, title: Second report, event: ME-2, phase: PH-2}
"""
INJECTS = ("title: Convoy ambushed, objectives: [TO-1]}", "title: Convoy ambushed, objectives: [TO-1], incident: MI-1}")
INJECT_2 = ("title: Second report, objectives: [TO-1],", "title: Second report, objectives: [TO-1], incident: MI-2,")


def story(tmp_path: Path, *changes: tuple[str, str], text: str = STORY) -> Path:
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return write(tmp_path, [("excon:\n", text + "excon:\n"), INJECTS, INJECT_2])


def findings(path: Path) -> list[tuple[str, str, str]]:
    return [(d["severity"], d["code"], d["pointer"]) for d in validate(path)[1]]


def test_a_coherent_storyline_is_valid_and_strict_clean(tmp_path: Path) -> None:
    path = story(tmp_path)
    assert validate(path, "--strict") == (0, [])


def test_every_hierarchy_reference_is_checked(tmp_path: Path) -> None:
    path = story(tmp_path, ("event: ME-1, phase: PH-1", "event: ME-9, phase: PH-7"))
    found = errors(path)
    assert ("unknown-reference", "/main_incidents/0/event", *position(path, "ME-9")) in found
    assert ("unknown-reference", "/main_incidents/0/phase", *position(path, "PH-7")) in found
    path = write(tmp_path, [("excon:\n", STORY + "excon:\n"), (INJECTS[0], INJECTS[1].replace("MI-1", "MI-3"))])
    (only,) = [d for d in validate(path)[1] if d["code"] == "unknown-reference"]
    assert only["pointer"] == "/injects/0/incident"
    assert only["message"].startswith("inject INJ-1 serves 'MI-3', which is not a main incident (did you mean 'MI-")


def test_an_incident_outside_its_phase_is_an_error_at_its_time(tmp_path: Path) -> None:
    path = story(tmp_path, ('end: "D+0 12:00"', 'end: "D+1 12:00"'))
    assert errors(path) == [("incident-outside-phase", "/main_incidents/0/end", *position(path, '"D+1 12:00"'))]


def test_overlapping_phases_and_injects_outside_phases_are_warnings(tmp_path: Path) -> None:
    path = story(tmp_path, ('end: "D+1 06:00"}', 'end: "D+1 09:00"}'))
    assert ("warning", "phases-overlap", "/phases/1/start") in findings(path)
    # D+1 09:00 is in PH-2, but INJ-1 serves MI-1 in PH-1
    path = story(tmp_path, ('start: "D+1 06:00", end: "D+2 18:00"', 'start: "D+1 10:00", end: "D+2 18:00"'))
    assert ("warning", "inject-outside-phase", "/injects/1/time") in findings(path)


def test_an_inject_serving_another_phase_is_a_warning(tmp_path: Path) -> None:
    path = story(tmp_path, ("event: ME-2, phase: PH-2", "event: ME-2, phase: PH-1"))
    messages = [d["message"] for d in validate(path)[1] if d["code"] == "inject-outside-phase"]
    assert messages == ["inject INJ-2 at D+1 09:00 serves main incident MI-2, which lies in phase PH-1 "
                        "(D+0 06:00 to D+1 06:00); the inject is outside it"]


def test_a_main_event_no_inject_carries_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, [("excon:\n", STORY + "excon:\n"), INJECTS])
    found = [d for d in validate(path)[1] if d["code"] == "event-without-injects"]
    assert [(d["pointer"], d["message"]) for d in found] == [
        ("/main_events/1/id", "main event ME-2 reaches the training audience through no inject: none of its "
                              "main incidents (MI-2) has an inject")]
    assert validate(path, "--strict")[0] == 1


def test_phases_must_be_spans_inside_the_exercise(tmp_path: Path) -> None:
    path = story(tmp_path, ('start: "D+0 06:00", end: "D+1 06:00"', 'start: "D+0 06:00", end: "D+0 06:00"'),
                 ('end: "D+2 18:00"}', 'end: "D+4 18:00"}'))
    found = errors(path)
    assert ("invalid-window", "/phases/0/end") in [f[:2] for f in found]
    assert ("time-outside-exercise", "/phases/1/end") in [f[:2] for f in found]


# Custom fields


@pytest.mark.parametrize("value", ['"OSINT"', "3", "2.5", "true", "[coastal, night, 2]"])
def test_custom_fields_take_scalars_and_lists_of_scalars_anywhere(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, [("title: Convoy ambushed,", f"x-source: {value}, title: Convoy ambushed,"),
                            ("nation: HR, role: response-cell", f"nation: HR, x-notes: {value}, role: response-cell"),
                            ("name: Edge values", f"name: Edge values\n  x-programme: {value}")])
    assert validate(path, "--strict") == (0, [])


@pytest.mark.parametrize(("value", "got"), [("{a: 1}", "a mapping {'a': 1}"),
                                            ("[[1]]", "a list holding a list or mapping [[1]]")])
def test_a_custom_field_holding_structure_is_refused(tmp_path: Path, value: str, got: str) -> None:
    path = write(tmp_path, [("title: Convoy ambushed,", f"x-source: {value}, title: Convoy ambushed,")])
    assert errors(path) == [("schema-type", "/injects/0/x-source", *position(path, value))]
    assert validate(path)[1][0]["message"] == (
        f"/injects/0/x-source is a custom field: it must be text, a number, true/false or a list of those, not {got}")


def test_an_unknown_field_without_the_x_prefix_is_still_refused(tmp_path: Path) -> None:
    path = write(tmp_path, [("title: Convoy ambushed,", "event: ME-1, title: Convoy ambushed,")])
    assert errors(path) == [("schema-unknown-property", "/injects/0/event", *position(path, "event:"))]


def test_the_fast_check_agrees_with_jsonschema_on_custom_fields(tmp_path: Path) -> None:
    fast = schema.fast_check("exercise.schema.json")
    assert fast is not None
    for value, ok in (("a", True), (1, True), ([1, "a"], True), ({"a": 1}, False), ([[1]], False)):
        doc, _ = load.load(write(tmp_path, [("title: Convoy ambushed,", "title: Convoy ambushed,")]))
        assert doc is not None
        data: dict[str, t.Any] = doc.data
        data["injects"][0]["x-source"] = value
        data["units"][0]["x-y"] = value
        expected = not any(True for _ in schema.validator("exercise.schema.json").iter_errors(data))
        assert fast(data) is expected is ok


def test_msel_columns_name_fields_some_inject_carries(tmp_path: Path) -> None:
    path = write(tmp_path, [("name: Edge values", "name: Edge values\n  msel_columns: [x-sources, x-channel]"),
                            ("title: Convoy ambushed,", "x-source: OSINT, x-channel: TV, title: Convoy ambushed,")])
    found = [d for d in validate(path)[1] if d["code"] == "unknown-msel-column"]
    assert [(d["pointer"], d["message"]) for d in found] == [
        ("/exercise/msel_columns/0", "MEL/MIL column 'x-sources' is carried by no inject, so it would print "
                                     "empty; add 'x-sources:' to the injects or drop the column (did you mean "
                                     "'x-source'?)")]
    assert errors(write(tmp_path, [("name: Edge values", "name: Edge values\n  msel_columns: [source]")])) == [
        ("schema-pattern", "/exercise/msel_columns/0", 5, 18)]
