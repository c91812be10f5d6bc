"""The tuple events of :mod:`exgen.load.yaml_fast` against PyYAML's own event objects."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import yaml
from yaml import events

from exgen.load import yaml_events, yaml_fast

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "a: 1\nb: [x, 'y', \"z\"]\nc: {d: null, e: ~}\n",
    "- &anchor {k: v}\n- *anchor\n- !!str 12\n- |\n  block\n- >\n  folded\n",
    "key: !custom value\n? complex\n: 3.5e3\n",
    "--- \nfirst: 1\n...\n",
    "",
    "a: b\n---\nc: d\n",
]
COMPILED = yaml_fast.compiled() is not None
needs_libyaml = pytest.mark.skipif(not COMPILED, reason="PyYAML was built without libyaml")


def _objects(text: str) -> list[yaml_fast.Event]:
    loader = yaml.CSafeLoader(text) if COMPILED else yaml.SafeLoader(text)
    get = yaml_fast.as_tuples(loader.get_event)
    out = [get()]
    while out[-1][0] != yaml_fast.STREAM_END:
        out.append(get())
    loader.dispose()
    return out


def _tuples(text: str) -> list[yaml_fast.Event]:
    with yaml_fast.tuple_events():
        loader = yaml.CSafeLoader(text)
        out = [loader.get_event()]
        while out[-1][0] != yaml_fast.STREAM_END:
            out.append(loader.get_event())
        loader.dispose()
    return out


def _plain(stream: list[yaml_fast.Event]) -> list[tuple[object, ...]]:
    """Marks as (line, column): Mark objects compare by identity."""
    return [(kind, mark.line, mark.column, *rest) for kind, mark, *rest in stream]


@needs_libyaml
@pytest.mark.parametrize("text", TEXTS)
def test_tuples_carry_what_the_event_objects_carry(text: str) -> None:
    assert _plain(_tuples(text)) == _plain(_objects(text))


@needs_libyaml
def test_the_flagship_files_give_the_same_events_both_ways() -> None:
    for path in sorted((ROOT / "scenarios" / "adriatic-shield").glob("*.yaml")):
        text = path.read_text("utf-8")
        assert _plain(_tuples(text)) == _plain(_objects(text)), path.name


@needs_libyaml
def test_the_event_classes_come_back_even_after_an_error() -> None:
    module = yaml_fast.compiled()
    with pytest.raises(yaml.YAMLError), yaml_fast.tuple_events():
        loader = yaml.CSafeLoader("a: [1, 2\n")
        while True:
            loader.get_event()
    assert module is not None
    assert module.ScalarEvent is events.ScalarEvent and module.MappingEndEvent is events.MappingEndEvent
    assert isinstance(yaml.CSafeLoader("a").get_event(), events.StreamStartEvent)


@needs_libyaml
def test_a_reader_of_event_objects_waits_while_tuples_are_given() -> None:
    seen: list[object] = []
    started = threading.Event()

    def reader() -> None:
        started.set()
        with yaml_fast.object_events():
            seen.append(yaml.CSafeLoader("a: 1").get_event())

    with yaml_fast.tuple_events():
        thread = threading.Thread(target=reader)
        thread.start()
        started.wait(5)
        time.sleep(0.05)  # the reader is blocked on the lock, not reading tuples
        assert seen == []
    thread.join(5)
    assert len(seen) == 1 and isinstance(seen[0], events.StreamStartEvent)


@pytest.mark.parametrize("text", [*TEXTS, "a: &x [1, {b: .nan}]\nd: *x\n", "x: 1\nx: 2\n", "[[[[1]]]]"])
def test_the_pure_python_parser_builds_the_same(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = yaml_events.build(text, "t.yaml")
    monkeypatch.setattr(yaml_events, "_LOADER", yaml.SafeLoader)
    slow = yaml_events.build(text, "t.yaml")
    assert (fast.data, fast.entry, fast.complete, fast.more_documents, fast.clean) == \
        (slow.data, slow.entry, slow.complete, slow.more_documents, slow.clean)
    assert [d.to_dict() if hasattr(d, "to_dict") else repr(d) for d in fast.diagnostics] == \
        [d.to_dict() if hasattr(d, "to_dict") else repr(d) for d in slow.diagnostics]
