"""Editing one inject's lines on their own gives the same file as editing the whole file."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from exgen.ingest.local_edit import InjectFile
from exgen.ingest.yaml_patch import YamlFile
from tests.conftest import FLAGSHIP_DIR

DAYS = sorted((FLAGSHIP_DIR / "injects").glob("day*.yaml"))


def _starts(text: str) -> list[int]:
    """The line of each inject's first key, as the loader reports it."""
    node = yaml.compose(text)
    injects = next(v for k, v in node.value if k.value == "injects")
    return [item.value[0][0].start_mark.line + 1 for item in injects.value]


def _both(path: Path, ops: list[tuple[str, t.Any]]) -> tuple[str, str]:
    text = path.read_text("utf-8")
    local, whole = InjectFile(text, path.name, _starts(text)), YamlFile(text, path.name)
    for op, args in ops:
        if op == "set":
            local.set_field(*args)
            whole.set_field("injects", *args)
        elif op == "remove":
            local.remove_field(*args)
            whole.remove_field("injects", *args)
        elif op == "drop":
            local.remove_item(*args)
            whole.remove_item("injects", *args)
        else:
            local.append_items(*args)
            whole.append_items("injects", *args)
    return local.text(), whole.text()


def test_no_edit_is_the_same_file() -> None:
    for path in DAYS:
        text = path.read_text("utf-8")
        assert InjectFile(text, path.name, _starts(text)).text() == text


NEW = {"id": "INJ-901", "time": "D+1 09:00", "from": "MND-HICON", "to": ["MNB-HQ"], "method": "phone",
       "title": "A new one: with a colon"}
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
op = st.one_of(
    st.tuples(st.just("set"), st.tuples(st.integers(0, 10), st.sampled_from(["title", "notes", "x-source"]), texts)),
    st.tuples(st.just("set"), st.tuples(st.integers(0, 10), st.just("time"), st.just("D+1 12:34"))),
    st.tuples(st.just("remove"), st.tuples(st.integers(0, 10), st.sampled_from(["notes", "description"]))),
    st.tuples(st.just("drop"), st.tuples(st.integers(0, 9))),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(op, max_size=5), st.booleans(), st.sampled_from(DAYS))
def test_local_edits_equal_whole_file_edits(ops: list[tuple[str, t.Any]], append: bool, path: Path) -> None:
    dropped: set[int] = set()
    kept = []
    for kind, args in ops:  # nothing is edited or dropped again once dropped (the patcher refuses that)
        if args[0] in dropped:
            continue
        dropped |= {args[0]} if kind == "drop" else set()
        kept.append((kind, args))
    ops = kept
    if append:
        ops.append(("append", ([NEW],)))
    local, whole = _both(path, ops)
    assert local == whole


@pytest.mark.parametrize("name", ["injects.json"])
def test_json_files_are_edited_whole(tmp_path: Path, name: str) -> None:
    text = '{"injects": [{"id": "A", "title": "x"}, {"id": "B", "title": "y"}]}\n'
    edited = InjectFile(text, name, [1, 1])
    edited.set_field(1, "title", "z")
    assert '"z"' in edited.text() and edited.spans is None
