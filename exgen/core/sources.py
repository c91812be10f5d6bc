"""Source positions: where each element of a definition was written.

The loader records, for every value it parses, a packed position *entry*: an ``int``
(value line/col and key line/col, 32 bits each) or a tuple ``(int, child entries...)`` for
collections. :class:`SourceMap` answers, for a JSON pointer into the *merged* definition, the
file, line and column it came from. Stages that locate findings take a :class:`Locator`, so
data that has no file yet (a draft in memory, a test) can be located too.
"""

from __future__ import annotations

import bisect
import typing as t
from dataclasses import dataclass

from exgen.core.pointer import tokens as pointer_tokens

#: A parsed value's position entry: an int, or (int, Entry, ...) for a collection.
Entry = int | tuple[t.Any, ...] | list[t.Any]
#: A route sends a merged path to its file: an owner file index, or (offsets, file indices)
#: for a list concatenated from several files.
Route = int | tuple[list[int], list[int]]
KeyIndex = t.Callable[[dict[str, t.Any], str], int]

_M32 = 0xFFFFFFFF


@dataclass(frozen=True)
class Location:
    """A place in a source file; ``line`` and ``col`` are 1-based (0 = unknown).

    >>> str(Location("msel.xlsx", 14, 5, "Injects!E14"))
    'msel.xlsx:Injects!E14'
    """

    file: str
    line: int = 0
    col: int = 0
    #: A spreadsheet cell (``Injects!E14``, or ``E14`` in a CSV file): then ``line`` is its row
    #: and ``col`` its column number, and the cell is what users are shown.
    cell: str = ""

    def __str__(self) -> str:
        if self.cell:
            return f"{self.file}:{self.cell}"
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


class Locator(t.Protocol):
    """Anything that turns a JSON pointer into a location: a :class:`SourceMap` or a stand-in."""

    def locate(self, pointer: str) -> Location: ...

    def locate_key(self, pointer: str) -> Location: ...

    def file_of(self, pointer: str) -> str: ...


class Fixed:
    """A locator for data that has no file (a draft in memory, an ad-hoc inject): every pointer is
    at one place, so its diagnostics are told apart by their pointer."""

    def __init__(self, where: Location) -> None:
        self.where = where

    def locate(self, pointer: str) -> Location:
        return self.where

    def locate_key(self, pointer: str) -> Location:
        return self.where

    def file_of(self, pointer: str) -> str:
        return self.where.file


def value_position(entry: Entry) -> tuple[int, int]:
    """1-based (line, col) where the entry's value starts."""
    packed: int = entry if isinstance(entry, int) else entry[0]
    return packed & _M32, (packed >> 32) & _M32


def key_position(entry: Entry) -> tuple[int, int] | None:
    """1-based (line, col) of the entry's key, None for sequence items and the top node."""
    packed: int = entry if isinstance(entry, int) else entry[0]
    line = (packed >> 64) & _M32
    return (line, (packed >> 96) & _M32) if line else None


def find(entry: Entry, data: t.Any, tokens: t.Sequence[str], key_index: KeyIndex | None = None) -> tuple[Entry, bool]:
    """The entry at ``tokens`` below ``entry`` (whose data is ``data``) or its deepest known ancestor.

    The flag says whether the whole path was found. ``key_index`` gives a key's position
    in its mapping (default: a linear search).
    """
    for token in tokens:
        index: int | None
        if isinstance(data, dict) and token in data:
            index = key_index(data, token) if key_index else list(data).index(token)
            child_data = data[token]
        elif isinstance(data, list) and (index := list_index(token)) is not None and index < len(data):
            child_data = data[index]
        else:
            return entry, False
        if isinstance(entry, int) or index + 1 >= len(entry):
            return entry, False
        entry, data = entry[index + 1], child_data
    return entry, True


def list_index(token: str) -> int | None:
    """The array index an RFC 6901 token names, or None."""
    if token.isdigit() and token.isascii() and (token == "0" or token[0] != "0"):
        return int(token)
    return None


class SourceMap:
    """Where each element of the merged definition was written (JSON pointer → file:line:col)."""

    def __init__(self, files: list[tuple[str, t.Any, Entry | None]], routes: dict[tuple[str, ...], Route]) -> None:
        self._files = files
        self._routes = routes
        self._key_indexes: dict[int, dict[str, int]] = {}  # id(mapping) → key → position
        self._located: dict[str, Location] = {}  # pointer → where its value starts (findings share pointers)

    def _key_index(self, mapping: dict[str, t.Any], key: str) -> int:
        """Position of ``key`` in ``mapping``; large mappings are indexed once."""
        if len(mapping) <= 16:
            return list(mapping).index(key)
        index = self._key_indexes.get(id(mapping))  # mappings live as long as this map
        if index is None:
            index = self._key_indexes[id(mapping)] = {name: i for i, name in enumerate(mapping)}
        return index[key]

    def locate(self, pointer: str) -> Location:
        """Where the value at ``pointer`` starts; unknown pointers give their nearest known ancestor."""
        found = self._located.get(pointer)
        if found is None:
            index, tokens = self._route(pointer)
            display, data, entry = self._files[index]
            if entry is None:
                found = Location(display)
            else:
                line, col = value_position(find(entry, data, tokens, self._key_index)[0])
                found = Location(display, line, col)
            self._located[pointer] = found
        return found

    def locate_key(self, pointer: str) -> Location:
        """Where the key of the mapping member at ``pointer`` starts; else as :meth:`locate`."""
        index, tokens = self._route(pointer)
        display, data, entry = self._files[index]
        if entry is not None and tokens:
            found, complete = find(entry, data, tokens, self._key_index)
            key = key_position(found) if complete else None
            if key is not None:
                return Location(display, *key)
        return self.locate(pointer)

    def file_of(self, pointer: str) -> str:
        """Display path of the file that holds ``pointer``."""
        return self._files[self._route(pointer)[0]][0]

    def _route(self, pointer: str) -> tuple[int, list[str]]:
        """The file index and file-local tokens of a merged pointer."""
        tokens = pointer_tokens(pointer)
        for size in (2, 1):
            route = self._routes.get(tuple(tokens[:size])) if len(tokens) >= size else None
            if route is None:
                continue
            if isinstance(route, int):
                return route, tokens
            offsets, files = route
            item = list_index(tokens[size]) if len(tokens) > size else None
            if item is None:
                return files[0], tokens
            segment = bisect.bisect_right(offsets, item) - 1
            return files[segment], [*tokens[:size], str(item - offsets[segment]), *tokens[size + 1 :]]
        return 0, []


