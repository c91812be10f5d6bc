"""data/exercise.json, as exgen build writes it, follows schemas/exercise-data.schema.json, which is strict."""

from __future__ import annotations

import copy
import json
import typing as t

import jsonschema
import pytest

from exgen import pipeline
from exgen.check import schema
from tests.conftest import ROOT

SCHEMA = "exercise-data.schema.json"
SCENARIOS = ("adriatic-shield", "balkan-resilience-ttx", "sava-link-commex")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, t.Any]]:
    """data/exercise.json of the flagship, the TTX and the COMMEX, each built with only that output."""
    out: dict[str, dict[str, t.Any]] = {}
    for name in SCENARIOS:
        folder = tmp_path_factory.mktemp(name) / "pkg"
        built = pipeline.build(str(ROOT / "scenarios" / name / "exercise.yaml"), str(folder), only=["data"])
        assert built.written is not None, [d.as_text() for d in built.checked.diagnostics if d.is_error]
        out[name] = json.loads((folder / "data" / "exercise.json").read_text("utf-8"))
    return out


def _errors(data: t.Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in schema.validator(SCHEMA).iter_errors(data)]


@pytest.mark.parametrize("name", SCENARIOS)
def test_built_exercise_data_is_valid(packages: dict[str, dict[str, t.Any]], name: str) -> None:
    data = packages[name]
    assert _errors(data) == []
    # the file really is the scenario: a valid file that said nothing would prove nothing
    assert data["injects"] and data["units"] and data["objectives"]
    assert data["definition"]["exercise"]["id"] == data["exercise"]["id"]


def test_exercise_types_differ(packages: dict[str, dict[str, t.Any]]) -> None:
    assert {packages[n]["exercise"]["type"] for n in SCENARIOS} == {"CPX", "TTX", "COMMEX"}


REQUIRED = [("",), ("exercise",), ("injects", 0), ("units", 0), ("pace", 0), ("pace", 0, "timeline", 0),
            ("objectives", 0), ("controllers", 0)]


@pytest.mark.parametrize("where", REQUIRED, ids=lambda w: "/".join(map(str, w)) or "top")
def test_dropping_any_required_key_makes_it_invalid(packages: dict[str, dict[str, t.Any]],
                                                    where: tuple[t.Any, ...]) -> None:
    node_schema = _schema_at(where)
    for key in node_schema["required"]:
        data = copy.deepcopy(packages["adriatic-shield"])
        node = _at(data, where)
        del node[key]
        assert any(f"'{key}' is a required property" in e for e in _errors(data)), (where, key)


def _at(data: t.Any, where: tuple[t.Any, ...]) -> t.Any:
    for step in where:
        if step != "":
            data = data[step]
    return data


def _schema_at(where: tuple[t.Any, ...]) -> dict[str, t.Any]:
    node = schema.load_schemas()[SCHEMA]
    for step in where:
        if step == "":
            continue
        node = node["items"] if isinstance(step, int) else node["properties"][step]
    return t.cast("dict[str, t.Any]", node)


@pytest.mark.parametrize(("where", "key", "value"), [
    ((), "extra", 1),
    (("injects", 0), "status", "released"),
    (("units", 0), "colour", "blue"),
    (("exercise",), "startex", "2027-05-10 06:00"),
    (("injects", 0), "method", "fax"),
    (("injects", 0), "time", "D+0 06:30"),
    (("pace", 0, "timeline", 0), "level", "secondary"),
    (("names",), "not an id!", "x"),
    ((), "format", 2),
    (("definition",), "injects", "none"),
])
def test_strict_shapes_refuse_wrong_or_extra_data(packages: dict[str, dict[str, t.Any]], where: tuple[t.Any, ...],
                                                 key: str, value: t.Any) -> None:
    data = copy.deepcopy(packages["adriatic-shield"])
    _at(data, where)[key] = value
    assert _errors(data)


def test_schema_is_shipped_and_documented() -> None:
    body = json.loads((ROOT / "schemas" / SCHEMA).read_text("utf-8"))
    assert body["$id"].endswith("/" + SCHEMA)
    assert "exercise-data.schema.json" in (ROOT / "templates" / "data" / "exercise.json.j2").read_text("utf-8")
    jsonschema.Draft202012Validator.check_schema(body)


def test_definition_is_checked_against_the_definition_schema(packages: dict[str, dict[str, t.Any]]) -> None:
    data = copy.deepcopy(packages["balkan-resilience-ttx"])
    data["definition"]["injects"][0]["method"] = "carrier-pigeon"
    assert any(e.startswith("definition/injects/0/method") for e in _errors(data))
