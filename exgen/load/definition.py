"""Load a definition: read its files, parse them with positions, follow includes, merge.

``load`` never raises for user input: every problem is a located :class:`Diagnostic`.
The merged document comes with a :class:`SourceMap` that answers, for any JSON pointer
in the *merged* data, the file, line and column it came from.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
import typing as t
from dataclasses import dataclass
from pathlib import Path

from exgen.core.diagnostics import Diagnostic, Location, error, shorten
from exgen.core.pointer import join as join_pointer
from exgen.core.sources import Entry, Route, SourceMap, find, key_position, value_position
from exgen.load import json_text, yaml_events
from exgen.load.yaml_events import Built

MAX_FILE_BYTES = 32 * 1024 * 1024
#: Top-level mappings whose list members concatenate across files like top-level lists.
MERGED_MAPPINGS = frozenset({"excon"})
#: Top-level keys that may repeat across files when their values are equal.
REPEATABLE = frozenset({"exgen"})

@dataclass(frozen=True)
class SourceFile:
    """One file of a definition."""

    display: str  #: as shown to users: the root as given, includes joined relative to it
    path: Path  #: resolved absolute path
    sha256: str  #: hex digest of the raw bytes


@dataclass(frozen=True)
class Document:
    """A merged definition with the map back to its sources."""

    data: dict[str, t.Any]
    sources: SourceMap
    files: tuple[SourceFile, ...]  #: root first, then includes in load order

    @property
    def root(self) -> SourceFile:
        """The file named on the command line."""
        return self.files[0]


def load(path: str | os.PathLike[str]) -> tuple[Document | None, list[Diagnostic]]:
    """Load the definition rooted at ``path``; None when the root itself cannot be used.

    Files with problems in their own content are reported and left out of the merge (the
    root too: then there is no document), so one run shows the problems of every file.
    The pointer of a parse diagnostic is local to its file; that of a ``duplicate-section``
    is in the merged document.
    """
    loader = _Loader()
    display = os.fsdecode(os.fspath(path))
    loader.visit(display, None, ())
    return loader.document(), loader.diagnostics


# --- internals -----------------------------------------------------------------------


@dataclass
class _Parsed:
    """One file read and parsed."""

    source: SourceFile
    data: t.Any
    entry: Entry | None
    ok: bool  #: no problem in its own content: it may be merged


class _Loader:
    """Reads files depth-first from the root and collects their diagnostics."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.files: list[_Parsed] = []
        self.seen: set[Path] = set()
        self.root_read = False

    def visit(self, display: str, at: Location | None, chain: tuple[tuple[Path, str], ...]) -> None:
        """Read, parse and register one file, then its includes (pre-order)."""
        where = at or Location(display)
        path = _resolve(display)
        if path is None:
            self._fail("file-unreadable", f"cannot resolve path {shorten(display)} (symlink loop or bad name)", where)
            return
        self.seen.add(path)
        raw = self._read(display, path, where)
        if raw is None:
            return
        if not chain:
            self.root_read = True
        source = SourceFile(display, path, hashlib.sha256(raw).hexdigest())
        built = _parse(raw, display, path.suffix.lower() == ".json")
        problems = list(built.diagnostics)
        if built.complete and not isinstance(built.data, dict):
            line, col = value_position(built.entry) if built.entry is not None else (0, 0)
            message = "the file must hold a mapping (key: value pairs) at the top"
            problems.append(error("not-a-mapping", message, Location(display, line, col)))
        self.diagnostics.extend(problems)
        usable = built.complete and isinstance(built.data, dict)
        parsed = _Parsed(source, built.data if usable else None, built.entry, usable and not problems)
        self.files.append(parsed)
        if usable:
            self._includes(parsed, (*chain, (path, display)))

    def _read(self, display: str, path: Path, where: Location) -> bytes | None:
        """The file's bytes, or None with a diagnostic."""
        raw = _read_bytes(display, path)
        if isinstance(raw, bytes):
            return raw
        self._fail(*raw, where)
        return None

    def _fail(self, code: str, message: str, where: Location) -> None:
        """Record a diagnostic."""
        self.diagnostics.append(error(code, message, where))

    def _includes(self, parsed: _Parsed, chain: tuple[tuple[Path, str], ...]) -> None:
        """Follow the file's ``include`` list."""
        if "include" not in parsed.data:
            return
        entries = parsed.data["include"]
        display = parsed.source.display
        if not isinstance(entries, list):
            where = _located(parsed, ["include"], display)
            self._fail("include-invalid", "include must be a list of relative file paths", where)
            return
        for index, name in enumerate(entries):
            where = _located(parsed, ["include", str(index)], display)
            self._include(name, display, where, chain)

    def _include(self, name: object, parent: str, where: Location, chain: tuple[tuple[Path, str], ...]) -> None:
        """Check one include entry and visit the file it names."""
        if not isinstance(name, str) or not name.strip():
            self._fail("include-invalid", f"include entry {shorten(name)} is not a relative file path", where)
            return
        if os.path.isabs(name) or name.startswith(("/", "\\")):
            message = f"include {shorten(name)} is absolute; use a path relative to {parent}"
            self._fail("include-escape", message, where)
            return
        directory = os.path.dirname(parent)
        display = os.path.normpath(os.path.join(directory, name))
        base, target = _resolve(directory or os.curdir), _resolve(display)
        if base is None or target is None:
            message = f"cannot resolve include path {shorten(name)} (symlink loop or bad name)"
            self._fail("file-unreadable", message, where)
            return
        if not target.is_relative_to(base):
            message = f"include {shorten(name)} leads outside {directory or os.curdir}/ (to {target})"
            self._fail("include-escape", message, where)
            return
        names = [shown for path, shown in chain]
        if any(path == target for path, _ in chain):
            start = next(i for i, (path, _) in enumerate(chain) if path == target)
            cycle = " → ".join([*names[start:], display])
            self._fail("include-cycle", f"include cycle: {cycle}", where)
            return
        if target in self.seen:
            self._fail("include-duplicate", f"{display} is already included; this one is skipped", where)
            return
        self.visit(display, where, chain)

    def document(self) -> Document | None:
        """The merged document, or None when the root was not usable."""
        if not self.root_read or not self.files[0].ok:
            return None
        usable = [parsed for parsed in self.files if parsed.ok]
        merger = _Merger(usable)
        for index, parsed in enumerate(usable):
            merger.add(index, parsed)
        self.diagnostics.extend(merger.diagnostics)
        sources = SourceMap([(p.source.display, p.data, p.entry) for p in usable], merger.routes)
        return Document(merger.data, sources, tuple(p.source for p in self.files))


class _Merger:
    """Merges usable files in load order: lists concatenate, other sections appear once."""

    def __init__(self, usable: list[_Parsed]) -> None:
        self.usable = usable
        self.data: dict[str, t.Any] = {}
        self.routes: dict[tuple[str, ...], Route] = {}
        self.diagnostics: list[Diagnostic] = []

    def add(self, index: int, parsed: _Parsed) -> None:
        """Merge one file's top level."""
        for key, value in parsed.data.items():
            if key != "include":
                self._member(self.data, (key,), value, index)

    def _member(self, target: dict[str, t.Any], path: tuple[str, ...], value: t.Any, index: int) -> None:
        """Merge one member at ``path`` into ``target``."""
        key = path[-1]
        nested = len(path) == 1 and key in MERGED_MAPPINGS
        if key not in target:
            if isinstance(value, list):
                target[key] = list(value)
                self.routes[path] = ([0], [index])
            elif nested and isinstance(value, dict):
                target[key] = {}
                self.routes[path] = index
                for member, item in value.items():
                    self._member(target[key], (*path, member), item, index)
            else:
                target[key] = value
                self.routes[path] = index
            return
        existing = target[key]
        route = self.routes[path]
        if isinstance(existing, list) and isinstance(value, list) and not isinstance(route, int):
            if value:
                route[0].append(len(existing))
                route[1].append(index)
                existing.extend(value)
        elif nested and isinstance(existing, dict) and isinstance(value, dict):
            for member, item in value.items():
                self._member(existing, (*path, member), item, index)
        elif not (len(path) == 1 and key in REPEATABLE and existing == value):
            self._duplicate(path, index, route)

    def _duplicate(self, path: tuple[str, ...], index: int, route: Route) -> None:
        """Report a section defined in two files, at the second file's key."""
        first = self.usable[route if isinstance(route, int) else route[1][0]].source.display
        parsed = self.usable[index]
        name = ".".join(path)
        where = _located(parsed, list(path), parsed.source.display, key=True)
        message = f"{shorten(name)} is already defined in {first}; define it in one file only"
        if path == ("exgen",):
            message = f"exgen: {shorten(parsed.data['exgen'])} differs from the value in {first}"
        pointer = join_pointer(path)
        self.diagnostics.append(error("duplicate-section", message, where, pointer))


def _located(parsed: _Parsed, tokens: list[str], display: str, *, key: bool = False) -> Location:
    """Location of a file-local path in a parsed file (its key with ``key=True``)."""
    if parsed.entry is None:
        return Location(display)
    found, complete = find(parsed.entry, parsed.data, tokens)
    position = key_position(found) if key and complete else None
    line, col = position or value_position(found)
    return Location(display, line, col)


def _read_bytes(display: str, path: Path) -> bytes | tuple[str, str]:
    """The file's bytes, or the code and message saying why they cannot be used."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(display)
        if not stat.S_ISREG(info.st_mode):
            return "file-unreadable", f"{display} is not a regular file"
        if info.st_size > MAX_FILE_BYTES:
            return _too_large(display)
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return "file-not-found", f"file {display} not found"
    except IsADirectoryError:
        return "file-unreadable", f"{display} is a directory, not a file"
    except (OSError, ValueError) as problem:
        reason = getattr(problem, "strerror", None) or str(problem)
        return "file-unreadable", f"cannot read {display}: {reason}"
    if len(raw) > MAX_FILE_BYTES:
        return _too_large(display)
    return raw


def _too_large(display: str) -> tuple[str, str]:
    """The problem of a file over the size limit."""
    return "file-too-large", f"{display} is larger than {MAX_FILE_BYTES >> 20} MiB"


def _resolve(display: str) -> Path | None:
    """Absolute path with symlinks followed, or None for an unusable path."""
    try:
        return Path(display).resolve()
    except (OSError, ValueError, RuntimeError):
        return None


# --- bytes → text → data ---------------------------------------------------------------


def _parse(raw: bytes, display: str, is_json: bool) -> Built:
    """Decode and parse one file's bytes."""
    text, problem = _decode(raw, display)
    if problem is not None:
        return Built(diagnostics=[problem])
    assert text is not None
    with yaml_events.paused_gc():
        return json_text.parse_json(text, display) if is_json else yaml_events.build(text, display)


def _decode(raw: bytes, display: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text without BOM, or a ``binary-file``/``not-utf8`` diagnostic."""
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        message = "this is a binary file, not a YAML or JSON definition"
        return None, error("binary-file", message, Location(display, line, col))
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as problem:
        line, col = _byte_position(raw, problem.start)
        message = f"not valid UTF-8 (byte 0x{raw[problem.start]:02X}); save the file as UTF-8"
        return None, error("not-utf8", message, Location(display, line, col))


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, col) of byte ``offset``, the column counted in characters."""
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", "replace")) + 1
