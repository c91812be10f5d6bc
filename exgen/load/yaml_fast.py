"""libyaml's events as plain tuples: what :mod:`exgen.load.yaml_events` reads, at half the cost.

PyYAML's compiled parser makes a Python event object for every event (a class with an
``__init__`` setting six or seven attributes): at 10,000 injects that is half a million objects
and most of the time spent parsing. The compiled parser looks its event classes up in its own
module each time, so while :func:`tuple_events` is open it finds plain constructors there that
give one tuple per event instead::

    (kind, start mark, value, tag, style, anchor)

``kind`` is one of the constants below; ``value``, ``tag``, ``style`` and ``anchor`` are None
where the event has none. The swap is process-wide, so it is held under a lock, and every
reader of libyaml's events in exgen takes the same lock (:func:`object_events` for the ones that
want PyYAML's own objects). Without the compiled parser, :func:`as_tuples` turns the pure-Python
parser's objects into the same tuples.
"""

from __future__ import annotations

import contextlib
import threading
import typing as t

import yaml
from yaml import events

#: The kinds, numbered so that a reader can test ranges: a scalar, then the starts, then the ends.
SCALAR, MAPPING_START, SEQUENCE_START, MAPPING_END, SEQUENCE_END, ALIAS = 0, 1, 2, 3, 4, 5
DOCUMENT_START, DOCUMENT_END, STREAM_START, STREAM_END = 6, 7, 8, 9

#: (kind, start mark, value, tag, style, anchor)
Event = tuple[int, t.Any, t.Any, t.Any, t.Any, t.Any]

_LOCK = threading.RLock()
_NAMES = ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent", "MappingEndEvent", "SequenceEndEvent",
          "AliasEvent", "DocumentStartEvent", "DocumentEndEvent", "StreamStartEvent", "StreamEndEvent")


def _constructors() -> dict[str, t.Callable[..., Event]]:
    """Stand-ins for the event classes, taking the compiled parser's positional arguments."""
    return {
        "ScalarEvent": lambda anchor, tag, implicit, value, start, end, style: (0, start, value, tag, style, anchor),
        "MappingStartEvent": lambda anchor, tag, implicit, start, end, flow: (1, start, None, tag, None, anchor),
        "SequenceStartEvent": lambda anchor, tag, implicit, start, end, flow: (2, start, None, tag, None, anchor),
        "MappingEndEvent": lambda start, end: (3, start, None, None, None, None),
        "SequenceEndEvent": lambda start, end: (4, start, None, None, None, None),
        "AliasEvent": lambda anchor, start, end: (5, start, None, None, None, anchor),
        "DocumentStartEvent": lambda start, end, *rest: (6, start, None, None, None, None),
        "DocumentEndEvent": lambda start, end, *rest: (7, start, None, None, None, None),
        "StreamStartEvent": lambda start, end, *rest: (8, start, None, None, None, None),
        "StreamEndEvent": lambda start, end: (9, start, None, None, None, None),
    }


_CLASSES: dict[type, int] = {
    events.ScalarEvent: SCALAR, events.MappingStartEvent: MAPPING_START,
    events.SequenceStartEvent: SEQUENCE_START, events.MappingEndEvent: MAPPING_END,
    events.SequenceEndEvent: SEQUENCE_END, events.AliasEvent: ALIAS, events.DocumentStartEvent: DOCUMENT_START,
    events.DocumentEndEvent: DOCUMENT_END, events.StreamStartEvent: STREAM_START,
    events.StreamEndEvent: STREAM_END,
}


def compiled() -> t.Any:
    """PyYAML's compiled parser module when it has every event class this swaps; else None."""
    module = getattr(yaml, "_yaml", None) if getattr(yaml, "__with_libyaml__", False) else None
    if module is None or not all(getattr(module, name, None) is getattr(events, name) for name in _NAMES):
        return None
    return module


@contextlib.contextmanager
def tuple_events() -> t.Iterator[bool]:
    """While open (one thread at a time), the compiled parser gives tuples; yields whether it does
    (False without it: read the pure-Python parser's objects through :func:`as_tuples`)."""
    with _LOCK:
        module = compiled()
        if module is None:
            yield False
            return
        saved = {name: getattr(module, name) for name in _NAMES}
        try:
            for name, make in _constructors().items():
                setattr(module, name, make)
            yield True
        finally:
            for name, original in saved.items():
                setattr(module, name, original)


@contextlib.contextmanager
def object_events() -> t.Iterator[None]:
    """For a reader that wants PyYAML's event objects: waits while another thread has tuples."""
    with _LOCK:
        yield


def as_tuples(get_event: t.Callable[[], t.Any]) -> t.Callable[[], Event]:
    """A ``get_event`` giving tuples, over one giving PyYAML's event objects."""
    def get() -> Event:
        event = get_event()
        return (_CLASSES[event.__class__], event.start_mark, getattr(event, "value", None),
                getattr(event, "tag", None), getattr(event, "style", None), getattr(event, "anchor", None))
    return get
