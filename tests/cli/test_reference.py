"""docs/reference.md is generated from the schemas: it must be current and name every property."""

from __future__ import annotations

import re
import typing as t

from exgen.check.schema import ROOT_SCHEMA, load_schemas
from exgen.cli import reference
from tests.conftest import ROOT

DOC = ROOT / "docs" / "reference.md"


def _refs(node: t.Any) -> t.Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _reachable() -> list[str]:
    """Schema files the root definition schema refers to, directly or not (itself included)."""
    found: list[str] = []
    todo = [ROOT_SCHEMA]
    while todo:
        name = todo.pop()
        if name not in found:
            found.append(name)
            todo += [ref.split("#")[0] for ref in _refs(load_schemas()[name]) if not ref.startswith("#")]
    return sorted(found)


def _property_sets(node: t.Any) -> t.Iterator[set[str]]:
    """Every ``properties`` mapping in a schema, as a set of names."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            yield set(props)
        for value in node.values():
            yield from _property_sets(value)
    elif isinstance(node, list):
        for value in node:
            yield from _property_sets(value)


def _tables(text: str) -> list[set[str]]:
    """The property names of each table in the page."""
    tables: list[set[str]] = []
    current: set[str] | None = None
    for line in text.splitlines():
        match = re.match(r"^\| `([^`]+)` \|", line)
        if match:
            current = set() if current is None else current
            current.add(match.group(1))
        elif current is not None:
            tables.append(current)
            current = None
    return tables + ([current] if current else [])


def test_reference_is_current() -> None:
    import difflib

    import pytest

    fresh = reference.generate()
    current = DOC.read_text("utf-8") if DOC.exists() else ""
    if current != fresh:
        diff = difflib.unified_diff(current.splitlines(), fresh.splitlines(), "docs/reference.md", "generated",
                                    lineterm="", n=0)
        pytest.fail("docs/reference.md is out of date with schemas/: run `make docs`\n"
                    + "\n".join(list(diff)[:20]), pytrace=False)


def test_generation_is_deterministic() -> None:
    assert reference.generate() == reference.generate()


def test_every_schema_property_appears_in_one_table() -> None:
    tables = _tables(reference.generate())
    missing = []
    for name in _reachable():
        for props in _property_sets(load_schemas()[name]):
            if not any(props <= table for table in tables):
                missing.append(f"{name}: {sorted(props)}")
    assert not missing, "properties missing from docs/reference.md: " + "; ".join(missing)


def test_every_enum_value_and_required_marker_appears() -> None:
    text = reference.generate()
    def enums(node: t.Any) -> t.Iterator[t.Any]:
        if isinstance(node, dict):
            yield from node.get("enum", [])
            for value in node.values():
                yield from enums(value)
        elif isinstance(node, list):
            for value in node:
                yield from enums(value)

    for name in _reachable():
        for value in enums(load_schemas()[name]):
            assert f"`{value}`" in text, f"{name}: enum value {value} missing"
    assert "| `startex` | [Date and time](#date-and-time) | **required** |" in text
    assert "| `intended` | `true` or `false` | default `false` |" in text


def test_sections_follow_the_outline_order() -> None:
    headings = [h for h in re.findall(r"^## (.+)$", reference.generate(), re.MULTILINE) if h != "Contents"]
    expected = ["Top level", "`exercise`", "`objectives[]`", "`phases[]`", "`bearers[]`", "`systems[]`", "`units[]`",
                "`nets[]`", "`pace[]`", "`constraints[]`", "`excon`", "`excon.cells[]`", "`excon.role_players[]`",
                "`excon.controllers[]`", "`excon.evaluators[]`", "`main_events[]`", "`main_incidents[]`",
                "`injects[]`", "Value types", "Named cultures", "Organisations"]
    assert [h.split(" — ")[0] for h in headings] == expected
    # the sections follow the root schema's own order of its sections
    from exgen.check.schema import load_schemas

    scalars = ("exgen", "include", "register")  # top-level keys without a section of their own
    order = [k for k in load_schemas()["exercise.schema.json"]["properties"] if k not in scalars]
    shown = [h.split(" — ")[0].strip("`").removesuffix("[]") for h in headings[1:-3]]
    assert [k for k in shown if "." not in k] == order


def test_every_link_has_a_target() -> None:
    text = reference.generate()
    anchors = {reference.slug(h) for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links and links <= anchors, sorted(links - anchors)


def test_conditional_requirements_are_stated() -> None:
    text = reference.generate()
    assert "When `kind` is `jamming`, `bands` is required." in text
    assert "at least one of `nets` or `systems` or `bearers` is required" in text
    assert "Write exactly one of `report`, `order`, `request`, `acknowledge`." in text
