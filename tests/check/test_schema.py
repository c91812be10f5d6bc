"""Schema validation: located, readable errors; generated instances never crash the pipeline."""

from __future__ import annotations

import copy
import json
import typing as t
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exgen import pipeline
from exgen.check import schema, schema_fast
from exgen.core.diagnostics import Severity
from tests.conftest import FLAGSHIP, plant


def inline(name: str, seen: tuple[str, ...] = ()) -> dict[str, t.Any]:
    """A bundled schema with every ``$ref`` replaced by its target (for hypothesis-jsonschema)."""
    schemas = schema.load_schemas()

    def resolve(node: t.Any, current: str) -> t.Any:
        if isinstance(node, dict):
            if "$ref" in node:
                # draft-07 ignores a $ref's siblings; the schemas must not rely on them.
                assert set(node) <= {"$ref", "description", "title", "examples", "default"}, node
                file, _, frag = node["$ref"].partition("#")
                file = file or current
                target: t.Any = schemas[file]
                for part in [p for p in frag.split("/") if p]:
                    target = target[part]
                return resolve(target, file)
            return {k: resolve(v, current) for k, v in node.items()
                    if k not in ("$id", "$schema", "definitions", "examples", "default")}
        if isinstance(node, list):
            return [resolve(v, current) for v in node]
        return node

    return t.cast("dict[str, t.Any]", resolve(schemas[name], name))


def test_every_schema_is_valid_2020_12() -> None:
    import jsonschema

    for name, body in schema.load_schemas().items():
        jsonschema.Draft202012Validator.check_schema(body)
        assert body["$id"].endswith("/" + name)


def test_every_property_has_a_description() -> None:
    missing = []

    def walk(node: t.Any, where: str) -> None:
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                # `true` only declares a property a condition requires (for ajv's strict mode); the
                # property is described where its schema is.
                if sub is not True and "description" not in sub:
                    missing.append(f"{where}/properties/{key}")
            for key, sub in node.items():
                if key != "if":  # conditions name properties already described
                    walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}/{i}")

    for name, body in schema.load_schemas().items():
        walk(body, name)
    assert missing == []


def test_only_draft07_keywords() -> None:
    banned = {"$defs", "unevaluatedProperties", "unevaluatedItems", "prefixItems", "$dynamicRef", "dependentSchemas"}
    text = json.dumps(schema.load_schemas())
    assert not [k for k in banned if f'"{k}"' in text]


def test_flagship_is_schema_valid() -> None:
    result = pipeline.check(str(FLAGSHIP))
    assert [d for d in result.diagnostics if d.code.startswith("schema-")] == []
    assert result.ok


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "offset"),
    [
        ("injects/day1.yaml", "method: document", "method: fax", "schema-enum", len("method: ")),
        ("forces.yaml", "echelon: battalion", "echelon: batallion", "schema-enum", len("echelon: ")),
        ("injects/day2.yaml", "    title:", "    titel:", "schema-unknown-property", 4),
        ("exercise.yaml", "type: CPX", "type: 7", "schema-type", len("type: ")),
        ("injects/day1.yaml", 'time: "D+0 06:30"', 'time: "D+0 6:30"', "schema-pattern", len("time: ")),
    ],
)
def test_planted_schema_mistake_is_located(flagship_copy: Path, file: str, old: str, new: str,
                                           code: str, offset: int) -> None:
    line, col = plant(flagship_copy.parent / file, old, new)
    result = pipeline.check(str(flagship_copy))
    hits = [d for d in result.diagnostics if d.code == code]
    assert len(hits) == 1, result.diagnostics
    assert hits[0].location.file.endswith(file)
    assert (hits[0].location.line, hits[0].location.col) == (line, col + offset)
    assert not result.ok


def test_missing_required_is_located_at_the_parent(flagship_copy: Path) -> None:
    plant(flagship_copy.parent / "injects/day3.yaml", "    method:", "    # method:")
    result = pipeline.check(str(flagship_copy))
    (hit,) = [d for d in result.diagnostics if d.code == "schema-required"]
    assert "'method'" in hit.message and hit.location.file.endswith("day3.yaml")
    assert hit.pointer.startswith("/injects/")


def test_one_of_failures_read_as_one_message(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    text = FLAGSHIP.read_text("utf-8").split("include:")[0]
    bad.write_text(text + "exercise: 5\n", "utf-8")
    result = pipeline.check(str(bad))
    assert len([d for d in result.diagnostics if d.pointer == "/exercise"]) == 1


def test_many_errors_are_all_reported(flagship_copy: Path) -> None:
    for n in range(3):
        plant(flagship_copy.parent / "injects/day1.yaml", "method: ", "method: x", nth=n)
    result = pipeline.check(str(flagship_copy))
    assert len([d for d in result.diagnostics if d.code == "schema-enum"]) == 3


def _write_json(tmp_path: Path, data: t.Any) -> str:
    path = tmp_path / "gen.json"
    path.write_text(json.dumps(data), "utf-8")
    return str(path)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_instances_validate_without_exception(tmp_path_factory: pytest.TempPathFactory,
                                                         data: st.DataObject) -> None:
    from hypothesis_jsonschema import from_schema

    name = data.draw(st.sampled_from(["unit.schema.json", "inject.schema.json", "net.schema.json",
                                      "constraint.schema.json", "excon.schema.json", "system.schema.json"]))
    item = data.draw(from_schema(inline(name)))
    base = json.loads(json.dumps(_flagship_data()))
    key = {"unit.schema.json": "units", "inject.schema.json": "injects", "net.schema.json": "nets",
           "constraint.schema.json": "constraints", "system.schema.json": "systems"}.get(name)
    if key:
        base[key].append(item)
    else:
        base["excon"] = item
    path = _write_json(tmp_path_factory.mktemp("gen"), base)
    result = pipeline.check(path)
    assert [d for d in result.diagnostics if d.code.startswith("schema-")] == []


_FLAGSHIP_CACHE: list[dict[str, t.Any]] = []


def _flagship_data() -> dict[str, t.Any]:
    if not _FLAGSHIP_CACHE:
        from exgen import load

        doc, _ = load.load(FLAGSHIP)
        assert doc is not None
        _FLAGSHIP_CACHE.append(doc.data)
    return copy.deepcopy(_FLAGSHIP_CACHE[0])


def _mutations() -> st.SearchStrategy[t.Any]:
    junk = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
                     st.lists(st.text(max_size=4), max_size=3),
                     st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))
    return st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), st.sampled_from(["set", "delete"]), junk),
                    min_size=1, max_size=6)


def _mutate(data: t.Any, mutations: t.Any) -> None:
    """Apply (pick, set|delete, value) mutations to nested data in place."""
    for pick, action, value in mutations:
        paths = [p for p in _paths(data) if p]
        path = paths[pick % len(paths)]
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if action == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = value


def _paths(node: t.Any, prefix: tuple[t.Any, ...] = ()) -> list[tuple[t.Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutations=_mutations())
def test_random_mutations_never_raise(tmp_path_factory: pytest.TempPathFactory, mutations: t.Any) -> None:
    data = _flagship_data()
    _mutate(data, mutations)
    result = pipeline.check(_write_json(tmp_path_factory.mktemp("mut"), data))
    for d in result.diagnostics:
        assert d.location.file and d.code and d.message
        assert d.severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)


def _fast_agrees(name: str, data: t.Any) -> None:
    """The compiled fast check says 'valid' exactly when jsonschema finds no error."""
    fast = schema.fast_check(name)
    assert fast is not None, f"{name} should compile to a fast check"
    expected = not any(True for _ in schema.validator(name).iter_errors(data))
    try:
        got = fast(data)
    except schema_fast.Unknown:
        return  # the fast path declines; jsonschema decides
    assert got == expected, (name, data)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutations=_mutations())
def test_fast_check_agrees_with_jsonschema_on_mutations(mutations: t.Any) -> None:
    data = _flagship_data()
    _mutate(data, mutations)
    _fast_agrees(schema.ROOT_SCHEMA, data)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fast_check_agrees_with_jsonschema_on_generated_items(data: st.DataObject) -> None:
    from hypothesis_jsonschema import from_schema

    name = data.draw(st.sampled_from(["unit.schema.json", "inject.schema.json", "net.schema.json",
                                      "constraint.schema.json", "pace.schema.json", "system.schema.json"]))
    item = data.draw(from_schema(inline(name)))
    _fast_agrees(name, item)
    broken = dict(item)
    junk = data.draw(st.one_of(st.none(), st.integers(), st.text(max_size=3)))
    broken[data.draw(st.sampled_from(sorted(item)))] = junk
    _fast_agrees(name, broken)
