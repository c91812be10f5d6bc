"""Definition text (YAML or JSON) → a tree of nodes that know where they sit in the text.

The edits of :mod:`exgen.ingest.yaml_patch` are splices at these positions, so the bytes
they do not touch cannot move. The tree is built from libyaml's event stream with an
explicit stack (``yaml.compose`` recurses in C and has no depth limit), keeps aliases as
nodes of their own (with the alias's position, not its anchor's) and marks anchored nodes,
so an edit never cuts through an anchor another part of the file refers to.

Positions are indices into the text as given (a byte order mark, which libyaml does not
count, is added back); line breaks are LF or CRLF.
"""

from __future__ import annotations

import typing as t

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from exgen.core.collector import paused_gc
from exgen.load import yaml_fast
from exgen.load.scalars import resolve_plain, resolve_tagged

__all__ = ["Node", "PatchError", "column", "content_end", "line_end", "line_start", "next_line", "parse", "plain"]

_LOADER: t.Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 64
#: The most nodes that aliases may expand to when reading values (billion laughs).
MAX_ALIAS_NODES = 10_000
BOM = "\ufeff"
_LEAF: list[Node] = []


class PatchError(Exception):
    """The file has a shape the patcher cannot edit without moving other bytes; the message says why."""


class Node:
    """One YAML node: its kind, where it starts and ends, how it is written."""

    __slots__ = ("children", "end", "kind", "marked", "start", "style", "tag", "target", "text")

    def __init__(self, kind: str, start: int, end: int, style: str = "", text: str = "", tag: str | None = None,
                 marked: bool = False, children: list[Node] | None = None, target: Node | None = None) -> None:
        self.kind = kind  #: "map", "seq", "scalar" or "alias"
        self.start = start  #: index of its first character (its anchor or tag when it has one)
        self.end = end  #: index after it (block nodes: after the line breaks libyaml took with them)
        self.style = style  #: scalars: "" plain, '"', "'", "|", ">"; collections: "flow" or "block"
        self.text = text  #: a scalar as written, before resolution
        self.tag = tag  #: an explicit tag (full form)
        self.marked = marked  #: carries an anchor, or is an alias
        #: items; a mapping's keys and values alternate (scalars share one empty list: never added to)
        self.children: list[Node] = _LEAF if children is None else children
        self.target = target  #: an alias's anchored node

    def pairs(self) -> list[tuple[Node, Node]]:
        """A mapping's (key, value) nodes in order."""
        kids = self.children
        return [(kids[i], kids[i + 1]) for i in range(0, len(kids) - 1, 2)]

    def member(self, key: str) -> tuple[Node, Node] | None:
        """The first (key, value) of a mapping whose key is ``key``."""
        kids = self.children
        for i in range(0, len(kids) - 1, 2):
            if kids[i].text == key:
                return kids[i], kids[i + 1]
        return None

    def is_null(self) -> bool:
        """A plain empty, ``~`` or ``null`` scalar (a key written with nothing after it)."""
        return self.kind == "scalar" and not self.style and self.tag is None and resolve_plain(self.text) is None

    def has_marks(self) -> bool:
        """This node or one below it carries an anchor or is an alias."""
        todo = [self]
        while todo:
            node = todo.pop()
            if node.marked:
                return True
            todo.extend(node.children)
        return False


def parse(text: str, name: str) -> Node:
    """The top node of the one document in ``text``; PatchError when it cannot be read."""
    offset = 1 if text.startswith(BOM) else 0
    loader = _LOADER(text[offset:])
    try:
        with yaml_fast.object_events(), paused_gc():  # PyYAML's event objects, not exgen's tuples
            return _Builder(offset, name).run(loader)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        reason = getattr(problem, "problem", None) or str(problem)
        raise PatchError(f"{name} is not valid YAML{where}: {reason}") from None
    finally:
        loader.dispose()


class _Builder:
    """Nodes from the event stream, with an explicit stack."""

    def __init__(self, offset: int, name: str) -> None:
        self.offset = offset
        self.name = name
        self.anchors: dict[str, Node] = {}

    def run(self, loader: t.Any) -> Node:
        """Read the stream: exactly one document, nested at most :data:`MAX_DEPTH` deep.

        One loop over local variables on purpose: it runs once per event.
        """
        get = loader.get_event
        get()  # StreamStartEvent
        if get().__class__ is not DocumentStartEvent:
            raise PatchError(f"{self.name} holds no data")
        off, anchors = self.offset, self.anchors
        scalar_event, map_start, seq_start, alias_event = ScalarEvent, MappingStartEvent, SequenceStartEvent, AliasEvent
        top: list[Node] = []
        kids, in_map = top, False
        stack: list[tuple[Node, str | None, list[Node], bool]] = []
        while True:
            event: t.Any = get()
            cls = event.__class__  # compared by identity: the events are loosely typed
            if cls is scalar_event:
                anchor = event.anchor
                node = Node("scalar", event.start_mark.index + off, event.end_mark.index + off, event.style or "",
                            event.value, event.tag, anchor is not None)
                if anchor is not None:
                    anchors[anchor] = node
                kids.append(node)
                continue
            if cls is DocumentEndEvent:
                break
            if cls is map_start or cls is seq_start or cls is alias_event:
                if in_map and not len(kids) & 1:
                    raise PatchError(f"{self.name}: a mapping key must be a plain value, not a list, mapping or alias")
                start = event.start_mark.index + off
                if cls is alias_event:
                    target = anchors.get(event.anchor)
                    if target is None:
                        raise PatchError(f"{self.name}: alias *{event.anchor} names no anchor defined before it")
                    kids.append(Node("alias", start, event.end_mark.index + off, marked=True, target=target))
                    continue
                new = Node("map" if cls is map_start else "seq", start, start, "flow" if event.flow_style else "block",
                           tag=event.tag, marked=event.anchor is not None, children=[])
                kids.append(new)
                stack.append((new, event.anchor, kids, in_map))
                if len(stack) > MAX_DEPTH:
                    raise PatchError(f"{self.name} nests deeper than {MAX_DEPTH} levels")
                kids, in_map = new.children, cls is map_start
                continue
            # the end of a collection: its anchor is known once it is complete (never inside itself)
            node, anchor, kids, in_map = stack.pop()
            node.end = event.end_mark.index + off
            if anchor is not None:
                anchors[anchor] = node
        if get().__class__ is not StreamEndEvent:
            raise PatchError(f"{self.name} holds more than one document (a second '---')")
        return top[0]


def plain(node: Node, name: str = "") -> t.Any:
    """The Python value of a node, read as exgen reads definitions (YAML 1.2 core schema)."""
    return _plain(node, 0, [MAX_ALIAS_NODES], name)


def _plain(node: Node, depth: int, budget: list[int], name: str) -> t.Any:
    """:func:`plain` with the depth and the alias budget it has left."""
    if depth > MAX_DEPTH:
        raise PatchError(f"{name}: aliases nest values deeper than {MAX_DEPTH} levels")
    if node.kind == "alias":
        budget[0] -= 1
        if budget[0] < 0:
            raise PatchError(f"{name}: aliases expand to more than {MAX_ALIAS_NODES} values")
        return _plain(t.cast(Node, node.target), depth + 1, budget, name)
    if node.kind == "map":
        return {k.text: _plain(v, depth + 1, budget, name) for k, v in node.pairs()}
    if node.kind == "seq":
        return [_plain(item, depth + 1, budget, name) for item in node.children]
    if node.tag is not None:
        return resolve_tagged(node.text, node.tag)[0]
    return resolve_plain(node.text) if not node.style else node.text


# --- positions ----------------------------------------------------------------------------


def line_start(text: str, index: int) -> int:
    """Index of the first character of the line holding ``index`` (after a byte order mark)."""
    start = text.rfind("\n", 0, index) + 1
    return 1 if start == 0 and text.startswith(BOM) else start


def line_end(text: str, index: int) -> int:
    """Index of the line break ending the line holding ``index`` (or the end of the text)."""
    end = text.find("\n", index)
    if end < 0:
        return len(text)
    return end - 1 if end > index and text[end - 1] == "\r" else end


def next_line(text: str, index: int) -> int:
    """Index of the first character after the line break ending the line holding ``index``."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def column(text: str, index: int) -> int:
    """The 0-based column of ``index`` on its line."""
    return index - line_start(text, index)


def content_end(text: str, node: Node) -> int:
    """Index after the last character a node's value takes (comments and trailing breaks excluded).

    A block scalar ends at the end of its last line holding text (trailing spaces on it are
    content); a block collection where its last entry does.
    """
    while node.kind in ("map", "seq") and node.style == "block" and node.children:
        last = node.children[-1]
        if node.kind == "map" and last.is_null() and last.start == last.end:
            return content_end(text, node.children[-2])  # `key:` with nothing after it
        node = last
    if node.kind == "scalar" and node.style in ("|", ">"):
        end = node.end
        while end > node.start and text[end - 1] in " \t\r\n":
            end -= 1
        return line_end(text, end)
    return node.end
