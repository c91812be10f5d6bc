"""Edit a definition file (YAML or JSON) without moving a byte of what the edits do not touch.

``exgen import --into`` updates existing definitions in place. No round-trip library
rewrites the file: the text is parsed once for its nodes' positions
(:mod:`exgen.ingest.yaml_tree`), each call records a change, and :meth:`YamlFile.text`
turns the changes into splices of the original text (:mod:`exgen.ingest.yaml_splice`).
Comments, key order, quoting, blank lines, the byte order mark and the line breaks (LF or
CRLF) of everything else stay as they were by construction.

Rules of the record:

* Indices are those of the file as read (as :meth:`YamlFile.list_items` gives them), even
  after :meth:`~YamlFile.remove_item`.
* A field path is dotted (``threat.kind``): each dot steps into a mapping, which is created
  when missing (and replaces a value that is not a mapping).
* Of two calls on the same field the later wins; a call inside a field set earlier edits
  that value (set ``threat`` to ``{kind: cyber}`` then ``threat.actor``: both are written).
* Removing an item drops the edits recorded for it; editing a removed item is a ValueError.
* A value is written in the style the old one was written in when that style can hold it
  (:mod:`exgen.ingest.yaml_scalar`); a JSON file gets JSON, pretty-printed like the file.

:class:`PatchError` is raised for a file whose shape cannot be edited this way: not a
mapping at the top, a list of injects in flow style (``injects: [...]``), anchors or
aliases on what an edit touches, or invalid YAML.
"""

from __future__ import annotations

import copy
import typing as t

from exgen.core.collector import paused_gc
from exgen.ingest.yaml_scalar import block_list, flow, json_text
from exgen.ingest.yaml_splice import REMOVE, Editor, ListChange, Put
from exgen.ingest.yaml_tree import Node, PatchError, parse, plain

__all__ = ["PatchError", "YamlFile", "render_new_file"]

_ANCHORS = "uses YAML anchors or aliases (&name / *name) there, which exgen cannot edit without changing other entries"


class YamlFile:
    """One definition file's text and the edits recorded for it."""

    def __init__(self, text: str, name: str) -> None:
        self._text = text
        self._name = name
        self._json = name.lower().endswith(".json")
        self._root = parse(text, name)
        if self._root.kind != "map":
            raise PatchError(f"{name} does not hold a mapping of keys to values at the top, so exgen cannot edit it")
        self._fields: dict[tuple[str, int], dict[str, t.Any]] = {}
        self._removed: dict[str, set[int]] = {}
        self._appended: dict[str, list[t.Any]] = {}
        self._order: dict[str, None] = {}  # the lists touched, in the order of the calls

    # --- reading -------------------------------------------------------------------------

    def list_items(self, key: str) -> list[dict[str, t.Any]]:
        """The items of the top-level list ``key`` as the file holds them (recorded edits not applied)."""
        seq = self._list(key)
        if seq is None:
            return []
        with paused_gc():  # many small objects: the collector would make this superlinear
            values = [plain(item, self._name) for item in seq.children]
        for i, value in enumerate(values):
            if not isinstance(value, dict):
                raise PatchError(f"{self._name}: item {i + 1} of '{key}' is not a mapping of fields")
        return values

    def _list(self, key: str) -> Node | None:
        """The top-level list ``key``; None when the key is missing or has no value."""
        member = self._root.member(key)
        if member is None or member[1].is_null():
            return None
        node = member[1]
        if node.marked:
            raise PatchError(f"{self._name}: '{key}' {_ANCHORS}")
        if node.kind != "seq":
            raise PatchError(f"{self._name}: '{key}' is not a list, so exgen cannot edit its items")
        return node

    def _editable_list(self, key: str) -> Node | None:
        """:meth:`_list`, refusing a YAML flow-style list of items (``injects: [...]``)."""
        seq = self._list(key)
        if seq is not None and seq.style == "flow" and seq.children and not self._json:
            raise PatchError(
                f"{self._name}: '{key}' is written in flow style ({key}: [...]), which exgen cannot edit item by "
                f"item; write it as a block list (one '- ' item per line) and import again")
        return seq

    def _item(self, key: str, index: int) -> Node:
        """The mapping at ``key[index]``, checked editable."""
        seq = self._editable_list(key)
        if seq is None or not 0 <= index < len(seq.children):
            raise IndexError(f"{self._name}: '{key}' has no item {index}")
        if index in self._removed.get(key, ()):
            raise ValueError(f"{self._name}: item {index} of '{key}' is already removed")
        item = seq.children[index]
        if item.marked:
            raise PatchError(f"{self._name}: item {index + 1} of '{key}' {_ANCHORS}")
        if item.kind != "map":
            raise PatchError(f"{self._name}: item {index + 1} of '{key}' is not a mapping of fields")
        return item

    def _check_path(self, item: Node, parts: list[str], where: str) -> None:
        """No node the edit of ``parts`` reaches or replaces carries an anchor or alias."""
        node = item
        for i, part in enumerate(parts):
            member = node.member(part) if node.kind == "map" else None
            if member is None:
                return
            key, value = member
            if key.marked or (value.marked if i < len(parts) - 1 and value.kind == "map" else value.has_marks()):
                raise PatchError(f"{self._name}: {where} {_ANCHORS}")
            node = value

    # --- recording -----------------------------------------------------------------------

    def set_field(self, list_key: str, index: int, field: str, value: t.Any) -> None:
        """Set (or add) ``field`` (dotted for a nested mapping) of the item ``list_key[index]``."""
        self._record(list_key, index, field, self._checked(value))

    def remove_field(self, list_key: str, index: int, field: str) -> None:
        """Remove ``field`` (dotted for a nested mapping) of the item ``list_key[index]``, if it has one."""
        self._record(list_key, index, field, REMOVE)

    def _record(self, list_key: str, index: int, field: str, value: t.Any) -> None:
        """Record a set (or REMOVE) of one field, folded into the earlier edits of the item."""
        parts = field.split(".")
        if not all(parts):
            raise ValueError(f"not a field path: {field!r}")
        item = self._item(list_key, index)
        self._check_path(item, parts, f"field '{field}' of item {index + 1} of '{list_key}'")
        self._order[list_key] = None
        _fold(self._fields.setdefault((list_key, index), {}), parts, value)

    def append_to_field(self, list_key: str, index: int, field: str, items: list[t.Any]) -> None:
        """Add ``items`` at the end of the list ``field`` (dotted) of the item ``list_key[index]`` (created when
        missing); the list's own items keep their bytes, comments among them included."""
        self._nested(list_key, index, field).appended.extend(self._checked(item) for item in items)

    def set_in_field(self, list_key: str, index: int, field: str, position: int, sub_field: str, value: t.Any) -> None:
        """Set ``sub_field`` of the mapping at ``position`` of the list ``field`` of the item ``list_key[index]``."""
        node: Node | None = self._item(list_key, index)
        for part in field.split("."):
            member = node.member(part) if node is not None and node.kind == "map" else None
            node = member[1] if member is not None else None
        if node is None or node.kind != "seq" or not 0 <= position < len(node.children):
            raise IndexError(f"{self._name}: '{field}' of item {index} of '{list_key}' has no item {position}")
        if node.children[position].kind != "map" or node.children[position].has_marks():
            raise PatchError(f"{self._name}: item {position + 1} of '{field}' cannot be edited by field")
        changes = self._nested(list_key, index, field).items.setdefault(position, {})
        changes[sub_field] = Put(self._checked(value))

    def _nested(self, list_key: str, index: int, field: str) -> ListChange:
        """The change recorded for the list ``field`` of an item, made on first use."""
        parts = field.split(".")
        if not all(parts):
            raise ValueError(f"not a field path: {field!r}")
        self._check_path(self._item(list_key, index), parts, f"field '{field}' of item {index + 1} of '{list_key}'")
        ops = self._fields.setdefault((list_key, index), {})
        current = ops.get(field)
        if not isinstance(current, ListChange):
            outer = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
            if any(path in ops for path in outer) or any(path.startswith(field + ".") for path in ops):
                raise ValueError(f"{self._name}: field '{field}' of item {index} of '{list_key}' is already set")
            current = ops[field] = ListChange()
        self._order[list_key] = None
        return current

    def append_items(self, list_key: str, items: list[dict[str, t.Any]]) -> None:
        """Add ``items`` at the end of the top-level list (created at the end of the file when missing)."""
        for item in items:
            if not isinstance(item, dict):
                raise TypeError(f"an item to append must be a mapping, not {type(item).__name__}")
        self._editable_list(list_key)
        self._order[list_key] = None
        self._appended.setdefault(list_key, []).extend(self._checked(item) for item in items)

    def remove_item(self, list_key: str, index: int) -> None:
        """Remove the item ``list_key[index]`` with its lines (comment lines above it stay)."""
        item = self._item(list_key, index)
        if item.has_marks():
            raise PatchError(f"{self._name}: item {index + 1} of '{list_key}' {_ANCHORS}")
        self._order[list_key] = None
        self._removed.setdefault(list_key, set()).add(index)
        self._fields.pop((list_key, index), None)

    def add_to_string_list(self, key: str, value: str) -> None:
        """Add ``value`` to the top-level list of strings ``key`` (block or flow, as written) unless it is there."""
        if not isinstance(value, str):
            raise TypeError(f"a string list takes text, not {type(value).__name__}")
        seq = self._list(key)
        present = [plain(item, self._name) for item in seq.children] if seq is not None else []
        pending = self._appended.setdefault(key, [])
        if value not in present and value not in pending:
            self._order[key] = None
            pending.append(value)

    def _checked(self, value: t.Any) -> t.Any:
        """A private copy of ``value``, checked writable now (TypeError) rather than at :meth:`text`."""
        if self._json:
            json_text(value)
        else:
            flow(value)
        return copy.deepcopy(value)

    # --- writing -------------------------------------------------------------------------

    def text(self) -> str:
        """The text with every recorded edit made; positions refer to the text as read."""
        changes: dict[str, t.Any] = {}
        for key in self._order:
            appended = self._appended.get(key, [])
            if self._list(key) is None:
                if appended:
                    changes[key] = Put(list(appended))
                continue
            items = {i: _tree(ops) for (k, i), ops in self._fields.items() if k == key}
            removed = self._removed.get(key, set())
            if items or removed or appended:
                changes[key] = ListChange(set(removed), list(appended), items)
        if not changes:
            return self._text
        return Editor(self._text, self._name, self._json).apply(self._root, changes)


def _fold(ops: dict[str, t.Any], parts: list[str], value: t.Any) -> None:
    """Record ``parts`` = ``value`` in an item's edits: the later call wins, a path inside a set value edits it."""
    field = ".".join(parts)
    for other in [path for path in ops if path.startswith(field + ".")]:
        del ops[other]
    for i in range(1, len(parts)):
        outer = ".".join(parts[:i])
        if outer not in ops:
            continue
        current = ops[outer]
        if isinstance(current, ListChange):
            raise ValueError(f"field '{field}' is inside the list '{outer}', whose items are edited one by one")
        if current is REMOVE and value is REMOVE:
            return
        base = copy.deepcopy(current) if isinstance(current, dict) else {}
        node = base
        for part in parts[i:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        if value is REMOVE:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
        ops[outer] = base
        return
    ops[field] = value


def _tree(ops: dict[str, t.Any]) -> dict[str, t.Any]:
    """An item's recorded edits as nested changes (``threat.kind`` → ``{threat: {kind: Put}}``)."""
    tree: dict[str, t.Any] = {}
    for field, value in ops.items():
        parts = field.split(".")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value if value is REMOVE or isinstance(value, ListChange) else Put(value)
    return tree


def render_new_file(header_comment: str, list_key: str, items: list[dict[str, t.Any]]) -> str:
    """A new fragment file: the header comment, an empty line, then ``list_key`` with ``items`` (LF breaks)."""
    lines = [line if line.startswith("#") else ("# " + line).rstrip() for line in header_comment.splitlines()]
    head = "\n".join(lines) + "\n\n" if lines else ""
    if not items:
        return f"{head}{list_key}: []\n"
    return f"{head}{list_key}:\n{block_list(items, 2, True)}\n"
