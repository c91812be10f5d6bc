"""YAML text → Python data plus source positions, from libyaml's event stream.

``yaml.compose``/``yaml.load`` recurse (libyaml's composer recurses in C and kills the
process on deep nesting), follow the YAML 1.1 rules (``NO`` becomes ``False``) and have
no alias budget. So this module reads the *event* stream and builds the data with an
explicit stack, resolving scalars by the YAML 1.2 core schema (:mod:`exgen.load.scalars`),
in one pass. JSON files are read through it too, for positions (:mod:`exgen.load.json_text`).

Positions live in a *shadow* tree parallel to the data: a scalar's entry is a packed
int (value line/col and key line/col, 1-based, 32 bits each); a container's entry is a
tuple ``(packed, child entries...)`` with the children in the data's order (a mapping's
in key order), so finding a position walks the data and its shadow together.
"""

from __future__ import annotations

import math
import typing as t
from dataclasses import dataclass, field

import yaml

from exgen.core import pointer
from exgen.core.collector import paused_gc
from exgen.core.diagnostics import Diagnostic, Location, error, shorten
from exgen.core.limits import EXCEL_CELL
from exgen.core.sources import Entry, key_position
from exgen.core.text import holds_refused
from exgen.load import yaml_fast
from exgen.load.scalars import SPECIAL_FIRST, STD_TAG, resolve_plain, resolve_tagged
from exgen.load.yaml_errors import line_col, syntax
from exgen.load.yaml_fast import (
    ALIAS,
    DOCUMENT_START,
    MAPPING_START,
    SCALAR,
    SEQUENCE_END,
    SEQUENCE_START,
    STREAM_END,
)

__all__ = ["Built", "build", "line_col"]

_LOADER: t.Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 64
MAX_ALIAS_NODES = 10_000
#: Recoverable problems recorded per file before reading stops.
MAX_PROBLEMS = 100


_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"
_COLLECTION_KEY = "a mapping key must be a plain value, not a list or mapping"


class _Sentinel:
    """A named marker (missing key, discarded member)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NOKEY = _Sentinel("?")
_DISCARD = _Sentinel("?")


class _Fatal(Exception):
    """Stops the build at a diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass
class Built:
    """What one YAML text gave: data, position entry of its top node, diagnostics."""

    data: t.Any = None
    entry: Entry | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    complete: bool = False
    #: The text holds a second document (refused): ``data`` is the first one's.
    more_documents: bool = False
    #: Nothing in ``data`` needs a text finding (:mod:`exgen.check.scalars`): every number is finite,
    #: no key or value is longer than a spreadsheet cell, and the text has no escape sequence nor
    #: character the checks refuse (so no value has one). False only means "not known".
    clean: bool = False


def build(text: str, display: str) -> Built:
    """Parse one YAML document from ``text`` into data and positions; never raises for input."""
    with paused_gc():
        builder = _Builder(text, display)
        built = builder.run()
        built.clean = (built.complete and not built.diagnostics and builder.finite and builder.longest <= EXCEL_CELL
                       and "\\" not in text and not holds_refused(text))
        if builder.libyaml_too_deep is not None:
            # libyaml looks ahead up to 1024 characters and gives up at 1000 flow levels
            # before handing over the events; the text before that point shows where the
            # limit of 64 was crossed.
            retry = _Builder(text[: builder.libyaml_too_deep], display).run()
            deeper = [d for d in retry.diagnostics if d.code == "nesting-too-deep"]
            if deeper:
                built.diagnostics[-1] = deeper[0]
        return built


class _Builder:
    """One pass over the event stream with an explicit stack."""

    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display
        self.diagnostics: list[Diagnostic] = []
        self.anchors: dict[str, t.Any] = {}
        self.expanded = 0
        self.stack: list[tuple[t.Any, ...]] = []
        self.libyaml_too_deep: int | None = None  #: character index where libyaml's own limit hit
        self.first: yaml_fast.Event | None = None  #: the top node's event, read while finding the document
        self.more_documents = False
        self.longest = 0  #: characters of the longest scalar, key or value, as written
        self.finite = True  #: no number read is NaN or infinite

    def run(self) -> Built:
        """Read the stream; fatal problems stop it, the rest are collected."""
        out = Built(diagnostics=self.diagnostics)
        top: list[t.Any] = []
        top_shadow: list[Entry] = []
        loader = None
        try:
            with yaml_fast.tuple_events() as tuples:
                loader = _LOADER(self.text)
                native = tuples and _LOADER is not yaml.SafeLoader  # the pure-Python parser makes objects
                get_event = loader.get_event if native else yaml_fast.as_tuples(loader.get_event)
                if self._document_start(get_event):
                    self._nodes(get_event, top, top_shadow)
                    self._document_end(get_event)
                    out.complete = True
        except _Fatal as stop:
            self.diagnostics.append(stop.diagnostic)
        except yaml.YAMLError as problem:
            found, self.libyaml_too_deep = syntax(problem, self.text, self.display, _TOO_DEEP,
                                                  _LOADER is yaml.SafeLoader)
            self.diagnostics.append(found)
        finally:
            if loader is not None:
                loader.dispose()
        out.more_documents = self.more_documents
        if top_shadow:
            out.data, out.entry = top[0], top_shadow[0]
        return out

    def _document_start(self, get_event: t.Callable[[], yaml_fast.Event]) -> bool:
        """Skip to the first node; False (with ``empty-file``) when there is none.

        An empty first document followed by others is not an empty file: it is refused like
        any second document. The first node's event is held back for :meth:`_nodes`.
        """
        get_event()  # stream start
        if get_event()[0] == DOCUMENT_START:
            node = get_event()
            kind, _, value, tag, style, _ = node
            if not (kind == SCALAR and value == "" and not style and tag is None):
                self.first = node
                return True
            get_event()  # its document end
            self._document_end(get_event)
        self.diagnostics.append(error("empty-file", "the file holds no data", Location(self.display)))
        return False

    def _document_end(self, get_event: t.Callable[[], yaml_fast.Event]) -> None:
        """After the document: the stream must end (one document per file)."""
        kind, mark, *_ = get_event()
        if kind != STREAM_END:
            self.more_documents = True
            message = "only one document per file (found a second '---')"
            raise _Fatal(self._error("yaml-syntax", message, mark.line, mark.column))

    def _nodes(self, get_event: t.Callable[[], yaml_fast.Event], data: t.Any, shadow: t.Any) -> None:
        """Build the document's top node into ``data``/``shadow`` (one-item lists).

        One loop over local variables on purpose: it runs once per event (~550,000 for a
        10,000-inject file); rare paths are methods. Events are :mod:`~exgen.load.yaml_fast` tuples.
        """
        anchors = self.anchors
        stack = self.stack
        resolve = resolve_plain
        special = SPECIAL_FIRST
        nokey, discard = _NOKEY, _DISCARD
        is_map = False
        key: t.Any = nokey
        kpos = 0  # packed key position, already shifted into the high bits
        anchor: tuple[t.Any, ...] | None = None
        token: str | int  # the new container's pointer token, kept on the stack
        depth = deepest = nodes = 0
        longest, finite, length, real = 0, True, len, float
        scalar, map_start, seq_start, seq_end, alias = SCALAR, MAPPING_START, SEQUENCE_START, SEQUENCE_END, ALIAS
        held: yaml_fast.Event | None = self.first
        while True:
            if held is None:
                kind, mark, value, tag, style, name = get_event()
            else:
                (kind, mark, value, tag, style, name), held = held, None
            if kind == scalar:
                pos = (mark.line + 1) | ((mark.column + 1) << 32)
                if length(value) > longest:
                    longest = length(value)
                if is_map and key is nokey:  # a mapping key: kept as written
                    if tag is not None and tag != "!" and tag != STD_TAG + "str":
                        self._key_tag(tag, mark)
                    if value in data:
                        self._duplicate(value, data, shadow, mark)
                        key = discard
                    else:
                        key, kpos = value, pos << 64
                    if name is not None:  # the key stays text, what an alias to it gives is resolved
                        anchored = resolve(value) if not style else value
                        if anchored.__class__ is real and anchored - anchored:
                            finite = False
                        anchors[name] = (anchored, None, 1, 0)
                    continue
                if tag is not None:
                    value = self._tagged(value, tag, mark, key if is_map else len(data))
                elif not style and (not value or value[0] in special):
                    value = resolve(value)
                    if value.__class__ is real and value - value:  # NaN or infinite
                        finite = False
                nodes += 1
                entry: Entry = pos | kpos
                if name is not None:
                    anchors[name] = (value, None, 1, 0)
            elif kind <= seq_start:  # a mapping or sequence starts (the kinds are numbered in that order)
                pos = (mark.line + 1) | ((mark.column + 1) << 32)
                new_map = kind == map_start
                if tag is not None:
                    self._container_tag(tag, new_map, mark)
                new_data: t.Any = {} if new_map else []
                new_shadow = [pos | kpos]
                nodes += 1
                if is_map and key is nokey:
                    self._add("invalid-key", _COLLECTION_KEY, mark.line, mark.column)
                    saved, token = discard, "?"
                elif is_map:
                    if key is not discard:
                        data[key] = new_data
                        shadow.append(new_shadow)
                    saved, token = nokey, key
                else:
                    data.append(new_data)
                    shadow.append(new_shadow)
                    saved, token = nokey, len(data) - 1
                stack.append((data, shadow, is_map, saved, anchor, token))
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Fatal(self._error("nesting-too-deep", _TOO_DEEP, mark.line, mark.column))
                if depth > deepest:
                    deepest = depth
                anchor = None
                if name is not None:
                    marker = object()
                    anchors[name] = marker
                    anchor = (name, marker, nodes, deepest)
                    deepest = depth
                data, shadow, is_map, key, kpos = new_data, new_shadow, new_map, nokey, 0
                continue
            elif kind <= seq_end:  # it ends
                done = tuple(shadow)  # exact size: lists over-allocate
                if anchor is not None:
                    anchor_name, marker, first, outer = anchor
                    if anchors.get(anchor_name) is marker:
                        anchors[anchor_name] = (data, done, nodes - first + 1, deepest - depth + 1)
                    deepest = max(deepest, outer)
                depth -= 1
                built = shadow
                data, shadow, is_map, key, anchor, _ = stack.pop()
                if shadow[-1] is built:
                    shadow[-1] = done
                kpos = 0
                continue
            elif kind == alias:
                if is_map and key is nokey:
                    self._add("invalid-key", "an alias cannot be a mapping key", mark.line, mark.column)
                    key = discard
                    continue
                pos = (mark.line + 1) | ((mark.column + 1) << 32)
                target = self._alias(name, mark, depth, key if is_map else len(data))
                value, children, size, height = target
                nodes += size
                deepest = max(deepest, depth + height)
                entry = pos | kpos if children is None else (pos | kpos, *children[1:])
            else:  # the document's end: the top node is complete
                self.longest, self.finite = longest, finite and self.finite
                return
            if is_map:
                if key is not discard:
                    data[key] = value
                    shadow.append(entry)
                key = nokey
            else:
                data.append(value)
                shadow.append(entry)

    # --- rarer paths, kept out of the loop ---------------------------------------------

    def _alias(self, name: str, mark: t.Any, depth: int, token: object) -> tuple[t.Any, t.Any, int, int]:
        """The anchored node an alias names, within the expansion and depth budgets."""
        target = self.anchors.get(name)
        problem = None
        if target is None:
            problem = "yaml-syntax", f"alias *{name} names no anchor defined before it"
        elif not isinstance(target, tuple):
            problem = "alias-limit", f"alias *{name} is used inside its own anchor"
        else:
            self.expanded += target[2]
            if self.expanded > MAX_ALIAS_NODES:
                problem = "alias-limit", f"aliases expand to more than {MAX_ALIAS_NODES} nodes (at *{name})"
            elif depth + target[3] > MAX_DEPTH:
                problem = "nesting-too-deep", f"alias *{name} makes nesting deeper than {MAX_DEPTH} levels"
        if problem is not None:
            raise _Fatal(self._error(*problem, mark.line, mark.column, token))
        return t.cast("tuple[t.Any, t.Any, int, int]", target)

    def _tagged(self, text: str, tag: str, mark: t.Any, token: object) -> t.Any:
        """A scalar with an explicit tag; a tag exgen does not honour is an error."""
        value, ok = resolve_tagged(text, tag)
        if type(value) is float and not math.isfinite(value):
            self.finite = False
        if not ok:
            name = _tag_name(tag)
            honoured = tag.startswith(STD_TAG) and tag[len(STD_TAG) :] in ("null", "bool", "int", "float")
            message = f"{shorten(text)} is not a valid {name}" if honoured else f"tag {name} is not allowed"
            self._add("yaml-tag", message, mark.line, mark.column, token)
        return value

    def _key_tag(self, tag: str, mark: t.Any) -> None:
        """A mapping key stays the text as written: any tag but ``!`` and ``!!str`` is refused."""
        self._add("yaml-tag", f"tag {_tag_name(tag)} is not allowed on a mapping key", mark.line, mark.column)

    def _container_tag(self, tag: str, is_map: bool, mark: t.Any) -> None:
        """Only ``!``, ``!!map`` on mappings and ``!!seq`` on sequences are accepted."""
        if tag != "!" and tag != STD_TAG + ("map" if is_map else "seq"):
            self._add("yaml-tag", f"tag {_tag_name(tag)} is not allowed here", mark.line, mark.column)

    def _duplicate(self, key: str, data: dict[str, t.Any], shadow: list[Entry], mark: t.Any) -> None:
        """Report a key already present in the same mapping, naming the first one's line."""
        where = ""
        if len(self.diagnostics) < MAX_PROBLEMS:  # the lookup is linear: only for reported ones
            first = key_position(shadow[list(data).index(key) + 1])
            where = f" (first on line {first[0]})" if first else ""
        self._add("duplicate-key", f"duplicate key {shorten(key)}{where}", mark.line, mark.column, key)

    def _pointer(self, extra: object = None) -> str:
        """The file-local JSON pointer of the current position, for diagnostics."""
        tokens = [frame[5] for frame in self.stack[1:]]
        if extra is not None:
            tokens.append(extra)
        return pointer.join(tokens)

    def _error(self, code: str, message: str, line0: int, col0: int, extra: object = None) -> Diagnostic:
        """A diagnostic at a 0-based mark."""
        return error(code, message, Location(self.display, line0 + 1, col0 + 1), self._pointer(extra))

    def _add(self, code: str, message: str, line0: int, col0: int, extra: object = None) -> None:
        """Record a problem that does not stop the build, up to :data:`MAX_PROBLEMS` of them."""
        if len(self.diagnostics) >= MAX_PROBLEMS:
            message += f" (stopped reading: over {MAX_PROBLEMS} problems in this file)"
            raise _Fatal(self._error(code, message, line0, col0, extra))
        self.diagnostics.append(self._error(code, message, line0, col0, extra))


def _tag_name(tag: str) -> str:
    """A tag as written in YAML: ``!!int`` for ``tag:yaml.org,2002:int``."""
    return "!!" + tag[len(STD_TAG) :] if tag.startswith(STD_TAG) else tag
