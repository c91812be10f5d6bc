"""The validation shortcuts answer exactly as the long way: references, text checks, the schema check.

Each shortcut skips work only when nothing would be reported; these tests plant the problem the
skipped work would find and check it is still found, where the long way finds it.
"""

from __future__ import annotations

import contextlib
import copy
import random
import typing as t

import pytest

from exgen import load, model
from exgen.check import scalars, schema, schema_fast
from exgen.check.rules import base, refs
from exgen.load import yaml_events
from tests.conftest import FLAGSHIP

_DATA: list[tuple[dict[str, t.Any], t.Any]] = []


def _flagship() -> tuple[dict[str, t.Any], t.Any]:
    if not _DATA:
        doc, _ = load.load(FLAGSHIP)
        assert doc is not None
        _DATA.append((doc.data, doc.sources))
    data, sources = _DATA[0]
    return copy.deepcopy(data), sources


def _unknown_references(data: dict[str, t.Any], sources: t.Any) -> tuple[list[str], list[str]]:
    """Pointers of unknown-reference findings, and those a reference-by-reference pass gives."""
    built, _ = model.build_data(data, sources)
    assert built is not None
    ctx = base.Ctx(built, sources)
    refs.check_references(ctx)
    found = [d.pointer for d in ctx.found if d.code == "unknown-reference"]
    expected = [p for p, value, _, kinds in refs.references(built) if not ctx.exists(value, *kinds)]
    return found, expected


# (field of an inject, a value naming nothing, the pointer tail the finding is at)
INJECT_REFERENCES = [
    ("from", "NOBODY", "/from"),
    ("to", ["NOBODY"], "/to/0"),
    ("net", "NO-NET", "/net"),
    ("objectives", ["NO-OBJ"], "/objectives/0"),
    ("controller", "NO-CTRL", "/controller"),
    ("incident", "NO-INCIDENT", "/incident"),
    ("contingency", "NO-INJECT", "/contingency"),
]


@pytest.mark.parametrize(("field", "value", "tail"), INJECT_REFERENCES)
def test_every_unknown_inject_reference_is_still_found(field: str, value: t.Any, tail: str) -> None:
    data, sources = _flagship()
    data["injects"][3][field] = value
    found, expected = _unknown_references(data, sources)
    assert "/injects/3" + tail in found
    assert found == expected


@pytest.mark.parametrize("side", ["from", "to", "net"])
def test_unknown_references_of_a_required_exchange_are_still_found(side: str) -> None:
    data, sources = _flagship()
    index = next(i for i, inj in enumerate(data["injects"]) if inj.get("requires"))
    kind, body = next(iter(data["injects"][index]["requires"][0].items()))
    body[side] = "NOBODY"
    found, expected = _unknown_references(data, sources)
    assert f"/injects/{index}/requires/0/{kind}/{side}" in found
    assert found == expected


def test_a_valid_definition_gives_no_unknown_reference() -> None:
    found, expected = _unknown_references(*_flagship())
    assert found == expected == []


# --- what the loader knows about the text -------------------------------------------------

CLEAN = ["a: plain text\nb: [1, 2.5, -3]\n", "a: café – ü\n", "a: |\n  two\n  lines\n", "a: 'single ''quoted'''\n"]
NOT_CLEAN = [
    'a: "escape \\x41"\n',  # any escape: the loader cannot vouch for what it decodes to
    "a: .nan\n", "a: -.inf\n", "a: 1e999\n", "a: !!float .inf\n",
    "&k .inf: 1\nb: *k\n",  # an anchored key is text, but an alias to it is the number
    "a: tab\tthen bell \x07\n",  # libyaml refuses it, so the file is not complete
    "a: next line \x85 here\n",  # NEL, a C1 control libyaml lets through
    "a: " + "x" * 32_768 + "\n",
    "? " + "k" * 32_768 + "\n: 1\n",  # an explicit key as long
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_is_known_clean(text: str) -> None:
    built = yaml_events.build(text, "t.yaml")
    assert built.complete and built.clean
    assert scalars.scan(built.data, _Nowhere()) == []


@pytest.mark.parametrize("text", NOT_CLEAN)
def test_text_that_may_need_a_finding_is_not_vouched_for(text: str) -> None:
    built = yaml_events.build(text, "t.yaml")
    assert not built.clean


def test_a_json_file_is_scanned_as_before(tmp_path: t.Any) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"exgen": 1, "a": "bell \\u0007"}', "utf-8")
    doc, _ = load.load(str(path))
    assert doc is not None and not doc.clean
    assert [d.code for d in scalars.scan(doc.data, doc.sources)] == ["control-character"]


class _Nowhere:
    def locate(self, pointer: str) -> t.Any:
        raise AssertionError(pointer)

    locate_key = locate
    file_of = locate


# --- the compiled schema check with extra members ------------------------------------------


def test_fast_check_agrees_with_jsonschema_on_extra_members() -> None:
    """Property names the schema does not list, x- fields and names a pattern matches, anywhere."""
    data, _ = _flagship()
    fast = schema.fast_check()
    assert fast is not None
    rnd = random.Random(23)
    dicts = _mappings(data)
    for _ in range(150):
        case = copy.deepcopy(data)
        for _ in range(rnd.randint(1, 3)):
            target = _mappings(case)[rnd.randrange(len(dicts))]
            target[rnd.choice(["x-note", "x-", "extra", "X-upper", "id", "name"])] = rnd.choice(
                ["text", 3, None, ["a"], {"k": "v"}])
        expected = not any(True for _ in schema.validator().iter_errors(case))
        with contextlib.suppress(schema_fast.Unknown):  # the fast check may decline, never differ
            assert fast(case) == expected


def _mappings(node: t.Any) -> list[dict[str, t.Any]]:
    out: list[dict[str, t.Any]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            out.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out
