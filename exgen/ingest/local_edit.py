"""Edit injects where they are written, parsing only the injects an import touches.

A definition file may hold thousands of injects; parsing all of it to change one title costs more
than validating the definition. The loader already knows the line each inject starts on, so an
edit takes the lines of that inject alone (from its ``-`` to the next inject, or the end of the
list), edits them as a one-item list with :class:`~exgen.ingest.yaml_patch.YamlFile`, and puts the
lines back. Every other line is the same string object it was. A file this cannot cut (a JSON
file, a flow-style list, an inject that does not start its own line) is edited as a whole instead.
"""

from __future__ import annotations

import re
import typing as t

from exgen.ingest.yaml_patch import PatchError, YamlFile

_Op = tuple[str, tuple[t.Any, ...]]
_ITEM = re.compile(r"^(\s*)-(\s|$)")


class InjectFile:
    """The pending edits of one definition file (its ``injects`` and ``include`` lists), applied by :meth:`text`."""

    def __init__(self, text: str, name: str, starts: list[int]) -> None:
        """``starts``: the 1-based line of each inject's first key, in list order."""
        self.name, self.original = name, text
        self.lines = text.splitlines(keepends=True)
        self.ops: dict[int, list[_Op]] = {}
        self.appended: list[dict[str, t.Any]] = []
        self.includes: list[str] = []
        self.spans = self._spans(starts)

    def _spans(self, starts: list[int]) -> list[tuple[int, int]] | None:
        """Each inject's 0-based line range [first, end), or None when the file cannot be cut."""
        if not starts or self.name.lower().endswith(".json"):
            return None
        firsts = []
        for start in starts:
            line = start - 1
            while line >= 0 and not _ITEM.match(self.lines[line]):
                if line < start - 1 and self.lines[line].strip() and not self.lines[line].lstrip().startswith("#"):
                    return None  # another key between the "-" and the first key: not a plain item
                line -= 1
            if line < 0:
                return None
            firsts.append(line)
        if firsts != sorted(set(firsts)):
            return None
        marker = _ITEM.match(self.lines[firsts[0]])
        indent = len(marker.group(1)) if marker else 0
        end = len(self.lines)
        for n in range(firsts[-1] + 1, len(self.lines)):
            body = self.lines[n]
            stripped = body.strip()
            if stripped and not stripped.startswith("#") and len(body) - len(body.lstrip()) <= indent \
                    and not _ITEM.match(body):
                end = n
                break
        return [(first, firsts[i + 1] if i + 1 < len(firsts) else end) for i, first in enumerate(firsts)]

    def set_field(self, index: int, field: str, value: t.Any) -> None:
        self.ops.setdefault(index, []).append(("set", (field, value)))

    def remove_field(self, index: int, field: str) -> None:
        self.ops.setdefault(index, []).append(("remove", (field,)))

    def remove_item(self, index: int) -> None:
        self.ops.setdefault(index, []).append(("drop", ()))

    def append_items(self, items: list[dict[str, t.Any]]) -> None:
        self.appended.extend(items)

    def add_include(self, entry: str) -> None:
        self.includes.append(entry)

    def text(self) -> str:
        """The file with every edit applied: inject by inject when it can be cut, else as a whole."""
        last = len(self.spans) - 1 if self.spans else -1
        dropped_last = any(kind == "drop" for kind, _ in self.ops.get(last, []))
        if self.spans is None or self.includes or (self.appended and dropped_last):
            return self._whole()
        out = list(self.lines)
        for index in sorted(set(self.ops) | ({last} if self.appended else set()), reverse=True):
            first, end = self.spans[index]
            out[first:end] = [self._edited(first, end, self.ops.get(index, []), index == last)]
        return "".join(out)

    def _whole(self) -> str:
        whole = YamlFile(self.original, self.name)
        for index, ops in self.ops.items():
            for kind, args in ops:
                if kind == "set":
                    whole.set_field("injects", index, *args)
                elif kind == "remove":
                    whole.remove_field("injects", index, *args)
                else:
                    whole.remove_item("injects", index)
        if self.appended:
            whole.append_items("injects", self.appended)
        for entry in self.includes:
            whole.add_to_string_list("include", entry)
        return whole.text()

    def _edited(self, first: int, end: int, ops: list[_Op], last: bool) -> str:
        """The lines of one inject after its edits (a one-item list parsed on its own)."""
        if any(kind == "drop" for kind, _ in ops):
            return ""  # its lines go (text() edits the whole file when new injects follow a dropped last one)
        newline = "\r\n" if self.lines[first].endswith("\r\n") else "\n"
        head = "injects:" + newline
        snippet = YamlFile(head + "".join(self.lines[first:end]), self.name)
        for kind, args in ops:
            if kind == "set":
                snippet.set_field("injects", 0, *args)
            elif kind == "remove":
                snippet.remove_field("injects", 0, *args)
        if last and self.appended:
            snippet.append_items("injects", self.appended)
        text = snippet.text()
        if not text.startswith(head):
            raise PatchError(f"cannot edit the inject at line {first + 1} of {self.name} on its own")
        return text[len(head):]
