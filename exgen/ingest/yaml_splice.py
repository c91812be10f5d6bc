"""Changes to a definition's tree → splices of its original text (the edits of :mod:`exgen.ingest.yaml_patch`).

A change names what becomes of a node: :class:`Put` (a new value), :data:`REMOVE`, a
``dict`` of changes to a mapping's members, or a :class:`ListChange` (items removed,
changed or appended). Every splice is placed at positions of the *original* text and
they are applied together at the end, so text outside the touched nodes stays as it was,
byte for byte; a value set to what it already holds is not rewritten at all.

Lines: a removed mapping member takes its own lines (a first member on a ``- `` line hands
that line to the next member); a removed list item takes its lines and the empty lines
after it (for the last item: before it). Comment lines above a removed member or item
stay: they may head a section rather than belong to the item. New members go after the
mapping's last line, new items after the list's last line, in the file's own line breaks.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from exgen.ingest.yaml_scalar import WIDTH, after_key, block_list, flow, json_text, key_text
from exgen.ingest.yaml_tree import Node, PatchError, column, content_end, line_end, line_start, next_line, plain

__all__ = ["REMOVE", "Editor", "ListChange", "Put", "materialise"]


class _Marker:
    """A named sentinel."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


REMOVE = _Marker("REMOVE")
NOTHING = _Marker("NOTHING")
_STYLES = {"": "plain", '"': '"', "'": "'", "|": "|", ">": ">"}


@dataclass(frozen=True)
class Put:
    """Give a node this value."""

    value: t.Any


@dataclass
class ListChange:
    """What becomes of a list: items removed (by original index), changed, appended."""

    removed: set[int] = field(default_factory=set)
    appended: list[t.Any] = field(default_factory=list)
    items: dict[int, dict[str, t.Any]] = field(default_factory=dict)


def materialise(change: t.Any) -> t.Any:
    """The value a change gives a node that does not exist yet (NOTHING when it gives none)."""
    if isinstance(change, Put):
        return change.value
    if isinstance(change, ListChange):
        return list(change.appended) if change.appended else NOTHING
    if isinstance(change, dict):
        made = {key: value for key, sub in change.items() if (value := materialise(sub)) is not NOTHING}
        return made or NOTHING
    return NOTHING


def _same(a: t.Any, b: t.Any) -> bool:
    """Equal values of equal types, all the way down (``1``, ``1.0`` and ``True`` differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _unchanged(node: Node, change: t.Any) -> bool:
    """The change puts the value the node already holds: nothing to write (its bytes stay)."""
    return isinstance(change, Put) and _same(plain(node), change.value)


def _fits(node: Node, change: t.Any) -> bool:
    """The change edits inside the node rather than replacing it."""
    return (isinstance(change, dict) and node.kind == "map") or (isinstance(change, ListChange) and node.kind == "seq")


class Splices:
    """Cuts and insertions at original positions; overlapping cuts merge."""

    def __init__(self) -> None:
        self.cuts: list[tuple[int, int]] = []
        self.puts: list[tuple[int, int, str]] = []

    def apply(self, text: str) -> str:
        """The text with every splice made."""
        merged: list[tuple[int, int]] = []
        for start, end in sorted(self.cuts):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        edits = sorted([(s, e, "") for s, e in merged] + self.puts, key=lambda edit: (edit[0], edit[1]))
        out, pos = [], 0
        for start, end, new in edits:
            if start < pos:
                raise RuntimeError(f"overlapping edits at character {start}")  # a bug here, not bad input
            out += [text[pos:start], new]
            pos = end
        out.append(text[pos:])
        return "".join(out)


class Editor:
    """Turns changes into splices of one file's text."""

    def __init__(self, text: str, name: str, is_json: bool) -> None:
        self.text = text
        self.name = name
        self.json = is_json
        first = text.find("\n")
        self.nl = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
        self.unit = "  "
        self.pretty = False
        self.splices = Splices()

    def apply(self, root: Node, changes: dict[str, t.Any]) -> str:
        """The text with ``changes`` made to the top-level mapping ``root``."""
        if self.json and root.children:
            pad, outer = self._entry_pad(root, root.children), self._indent(root.start)
            self.pretty = pad is not None
            if pad is not None and pad.startswith(outer) and len(pad) > len(outer):
                self.unit = pad[len(outer) :]
        self.edit(root, changes, top=True)
        return self.splices.apply(self.text)

    # --- helpers -------------------------------------------------------------------------

    def _put(self, start: int, end: int, new: str) -> None:
        """Replace ``[start, end)`` (or insert at ``start``) with ``new`` in the file's line breaks."""
        self.splices.puts.append((start, end, new.replace("\n", self.nl) if self.nl != "\n" else new))

    def _pad(self, index: int) -> str | None:
        """The blanks before ``index`` on its line, or None when something else comes first."""
        before = self.text[line_start(self.text, index) : index]
        return before if not before.strip(" \t") else None

    def _indent(self, index: int) -> str:
        """The blanks that start the line holding ``index``."""
        start = end = line_start(self.text, index)
        while end < len(self.text) and self.text[end] in " \t":
            end += 1
        return self.text[start:end]

    def _colon(self, key: Node) -> int:
        """The index of the ``:`` after a block mapping key."""
        at = key.end
        while at < len(self.text) and self.text[at] in " \t":
            at += 1
        if at >= len(self.text) or self.text[at] != ":":
            raise PatchError(f"{self.name}: the key {key.text!r} is written in a way exgen cannot edit")
        return at

    def _inline(self, value: t.Any, pad: str | None) -> str:
        """A value inside a flow collection (JSON: pretty-printed at ``pad`` when not None)."""
        return json_text(value, pad, self.unit) if self.json else flow(value)

    def edit(self, node: Node, change: t.Any, key: Node | None = None, top: bool = False) -> int:
        """Make a change inside ``node``; the index where its content now ends."""
        if isinstance(change, ListChange):
            return self._flow_seq(node, change) if node.style == "flow" else self._block_seq(key, node, change)
        return self._flow_map(node, change) if node.style == "flow" else self._block_map(node, change, top)

    # --- block style -----------------------------------------------------------------------

    def _block_map(self, node: Node, changes: dict[str, t.Any], top: bool) -> int:
        """Members of a block mapping replaced, removed, edited inside or added after its last line."""
        text, pairs = self.text, node.pairs()
        index: dict[str, int] = {}
        for i, (key, _) in enumerate(pairs):
            index.setdefault(key.text, i)
        col = column(text, pairs[0][0].start)
        ends: dict[int, int] = {}
        removed: set[int] = set()
        added: list[tuple[str, t.Any]] = []
        for name, change in changes.items():
            at = index.get(name)
            if at is None:
                if (value := materialise(change)) is not NOTHING:
                    added.append((name, value))
            elif change is REMOVE:
                removed.add(at)
            elif _unchanged(pairs[at][1], change):
                continue
            elif _fits(pairs[at][1], change):
                ends[at] = self.edit(pairs[at][1], change, pairs[at][0])
            elif (value := materialise(change)) is not NOTHING:
                ends[at] = self._replace(pairs[at][0], pairs[at][1], value, col, top)
        kept = [i for i in range(len(pairs)) if i not in removed]
        if not kept:  # nothing left: the new members (or {}) take the mapping's place
            end = content_end(text, node)
            self._put(pairs[0][0].start, end, self._members(added, col, top)[col:] if added else "{}")
            return end
        if kept[0] > 0:  # the next kept member moves up to the first one's place (a `- ` line)
            self.splices.cuts.append((pairs[0][0].start, pairs[kept[0]][0].start))
        for i in sorted(removed):
            if i > kept[0]:
                key, value = pairs[i]
                start = line_start(text, key.start)
                if self._pad(key.start) is None:
                    raise PatchError(f"{self.name}: the key {key.text!r} does not start its line, so exgen "
                                     "cannot remove it")
                self.splices.cuts.append((start, next_line(text, content_end(text, value))))
        end = ends.get(kept[-1], content_end(text, pairs[kept[-1]][1]))
        if added:
            at = line_end(text, end)
            self._put(at, at, ("\n" if top else "") + "\n" + self._members(added, col, top))
        return end

    def _members(self, added: list[tuple[str, t.Any]], col: int, top: bool) -> str:
        """New block members at column ``col``; a new top-level list puts its items 2 deeper, one per line."""
        lines = []
        for name, value in added:
            key = key_text(name)
            if top and isinstance(value, list) and value:
                lines.append(f"{' ' * col}{key}:\n" + block_list(value, col + 2, isinstance(value[0], dict)))
            else:
                lines.append(" " * col + key + ":" + after_key(value, col, WIDTH - col - len(key) - 2))
        return ("\n\n" if top else "\n").join(lines)

    def _replace(self, key: Node, value: Node, new: t.Any, col: int, top: bool = False) -> int:
        """A block member's value replaced, in the value's own style when it can hold ``new``."""
        text = self.text
        colon = self._colon(key)
        end = content_end(text, value)
        if top and isinstance(new, list) and new and value.is_null():  # `injects:` with nothing yet
            self._put(colon + 1, end, "\n" + block_list(new, col + 2, isinstance(new[0], dict)))
            return end
        style = _STYLES.get(value.style) if value.kind == "scalar" else value.style if value.kind != "alias" else None
        one_line = bool(text[end : line_end(text, end)].strip())  # a comment follows: no block scalar
        room = WIDTH - (colon + 2 - line_start(text, colon))
        self._put(colon + 1, end, after_key(new, col, room, style, one_line))
        return end

    def _block_seq(self, key: Node | None, node: Node, change: ListChange) -> int:
        """Items of a block list edited, removed (with their lines) or appended after its last line."""
        text, items = self.text, node.children
        dashes = [self._dash(item) for item in items]
        col = column(text, dashes[0])
        ends = {i: self.edit(items[i], sub) for i, sub in change.items.items() if i not in change.removed}
        kept = [i for i in range(len(items)) if i not in change.removed]
        gap = self._gap(items, dashes)
        if not kept:
            if key is None:
                raise PatchError(f"{self.name}: a list that is not under a key cannot be emptied")
            end = content_end(text, node)
            new = "\n" + block_list(change.appended, col, gap) if change.appended else " []"
            self._put(self._colon(key) + 1, end, new)
            return end
        for i in change.removed:
            start = line_start(text, dashes[i])
            if self._pad(dashes[i]) is None:
                raise PatchError(f"{self.name}: item {i} does not start its line; exgen cannot remove it")
            end = next_line(text, content_end(text, items[i]))
            if i < kept[-1]:
                while end < len(text) and not text[end : next_line(text, end)].strip():
                    end = next_line(text, end)
            else:
                while start > 0 and not text[line_start(text, start - 1) : start].strip():
                    start = line_start(text, start - 1)
            self.splices.cuts.append((start, end))
        end = ends.get(kept[-1], content_end(text, items[kept[-1]]))
        if change.appended:
            at = line_end(text, end)
            self._put(at, at, ("\n\n" if gap else "\n") + block_list(change.appended, col, gap))
        return end

    def _dash(self, item: Node) -> int:
        """The index of the ``-`` that opens a block list item."""
        at = item.start - 1
        while at > 0 and self.text[at] in " \t":
            at -= 1
        if self.text[at] != "-":
            raise PatchError(f"{self.name}: a list item is written in a way exgen cannot edit")
        return at

    def _gap(self, items: list[Node], dashes: list[int]) -> bool:
        """The list separates its items by empty lines (judged by its last two; mappings by default)."""
        if len(items) < 2:
            return items[0].kind == "map"
        between = self.text[next_line(self.text, content_end(self.text, items[-2])) : line_start(self.text, dashes[-1])]
        return any(not line.strip() for line in between.splitlines())

    # --- flow style (and JSON) ---------------------------------------------------------------

    def _flow_map(self, node: Node, changes: dict[str, t.Any]) -> int:
        """Members of a ``{...}`` mapping (or JSON object) replaced, removed, edited inside or added at its end."""
        pairs = node.pairs()
        index: dict[str, int] = {}
        for i, (key, _) in enumerate(pairs):
            index.setdefault(key.text, i)
        pad = self._entry_pad(node, [key for key, _ in pairs])
        removed: set[int] = set()
        added: dict[str, t.Any] = {}
        for name, change in changes.items():
            at = index.get(name)
            if at is None:
                if (value := materialise(change)) is not NOTHING:
                    added[name] = value
            elif change is REMOVE:
                removed.add(at)
            elif _unchanged(pairs[at][1], change):
                continue
            elif _fits(pairs[at][1], change):
                self.edit(pairs[at][1], change, pairs[at][0])
            elif (value := materialise(change)) is not NOTHING:
                self._put(pairs[at][1].start, pairs[at][1].end, self._inline(value, pad))
        texts = [self._member(name, value, pad) for name, value in added.items()]
        spans = [(key.start, value.end) for key, value in pairs]
        return self._flow_entries(node, spans, removed, texts, added, pad)

    def _member(self, name: str, value: t.Any, pad: str | None) -> str:
        """A new ``key: value`` entry of a flow mapping or JSON object."""
        key = json_text(name) if self.json else key_text(name, flow=True)
        return f"{key}: {self._inline(value, pad)}"

    def _flow_seq(self, node: Node, change: ListChange) -> int:
        """Items of a ``[...]`` list (or JSON array) edited, removed or appended at its end."""
        for i, sub in change.items.items():
            if i not in change.removed:
                self.edit(node.children[i], sub)
        pad = self._entry_pad(node, node.children)
        texts = [self._inline(value, pad) for value in change.appended]
        spans = [(item.start, item.end) for item in node.children]
        return self._flow_entries(node, spans, change.removed, texts, list(change.appended), pad)

    def _entry_pad(self, node: Node, entries: list[Node]) -> str | None:
        """The indentation of a flow collection's entries when each starts a line (pretty JSON), else None."""
        if not entries or "\n" not in self.text[node.start : entries[0].start]:
            return None
        return self._pad(entries[0].start)

    def _flow_entries(self, node: Node, spans: list[tuple[int, int]], removed: set[int], texts: list[str],
                      whole: t.Any, pad: str | None) -> int:
        """Entries cut with their commas, new ones after the last; with none left, ``whole`` replaces all."""
        kept = [i for i in range(len(spans)) if i not in removed]
        if not kept:
            if texts or spans:
                outer = self._indent(node.start) if pad is not None or self.pretty else None
                empty: t.Any = {} if node.kind == "map" else []
                self._put(node.start, node.end, self._inline(whole or empty, outer))
            return node.end
        for i in removed:
            if i < kept[-1]:
                self.splices.cuts.append((spans[i][0], spans[i + 1][0]))
            else:
                self.splices.cuts.append((spans[kept[-1]][1], spans[-1][1]))
        if texts:
            sep = "," + ("\n" + pad if pad is not None else " ")
            self._put(spans[-1][1], spans[-1][1], "".join(sep + entry for entry in texts))
        return node.end
