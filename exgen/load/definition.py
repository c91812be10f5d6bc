"""Load a definition: read its files, parse them with positions, follow includes, merge.

The capability-gap register a root names (``register:``) is read too, as plain data beside the
definition (:attr:`Document.register`), never merged into it.

``load`` never raises for user input: every problem is a located :class:`Diagnostic`.
The merged document comes with a :class:`SourceMap` that answers, for any JSON pointer
in the *merged* data, the file, line and column it came from.
"""

from __future__ import annotations

import os
import typing as t
from dataclasses import dataclass
from pathlib import Path

from exgen.core.diagnostics import Diagnostic, Location, error, shorten
from exgen.core.pointer import join as join_pointer
from exgen.core.sources import Entry, Route, SourceMap, find, key_position, value_position
from exgen.load import read

#: Reads and parses one file: ``(display, resolved path) → FileRead`` (discovery passes a cached one).
Reader = t.Callable[[str, Path], read.FileRead]
MAX_FILE_BYTES = read.MAX_FILE_BYTES
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
    files: tuple[SourceFile, ...]  #: root first, then includes in load order, then the register
    #: The capability-gap register the root names (``register:``): its display path and parsed data.
    register: tuple[str, dict[str, t.Any]] | None = None
    #: The loader saw that no text in ``data`` needs a finding of :mod:`exgen.check.scalars`
    #: (every file's :attr:`~exgen.load.yaml_events.Built.clean`); False: not known.
    clean: bool = False

    @property
    def root(self) -> SourceFile:
        """The file named on the command line."""
        return self.files[0]


def load(path: str | os.PathLike[str], reader: Reader | None = None) -> tuple[Document | None, list[Diagnostic]]:
    """Load the definition rooted at ``path``; None when the root itself cannot be used.

    Files with problems in their own content are reported and left out of the merge (the
    root too: then there is no document), so one run shows the problems of every file.
    The pointer of a parse diagnostic is local to its file; that of a ``duplicate-section``
    is in the merged document. ``reader`` replaces :func:`read.read_file` (an import validates
    the files it is about to write before they exist).
    """
    loader = _Loader(reader)
    loader.run(os.fsdecode(os.fspath(path)))
    return loader.document(), loader.diagnostics


def included(path: str | os.PathLike[str], reader: Reader | None = None) -> frozenset[Path]:
    """The resolved paths of every file the definition at ``path`` includes, at any depth.

    Includes are followed as :func:`load` follows them (also from a root with problems of its
    own, as long as it parses); nothing is merged. ``reader`` replaces :func:`read.read_file`.
    """
    loader = _Loader(reader)
    loader.run(os.fsdecode(os.fspath(path)))
    register = (loader.register[0].path,) if loader.register else ()
    return frozenset((*(parsed.source.path for parsed in loader.files[1:]), *register))


# --- internals -----------------------------------------------------------------------


@dataclass
class _Parsed:
    """One file read and parsed."""

    source: SourceFile
    data: t.Any
    entry: Entry | None
    ok: bool  #: no problem in its own content: it may be merged
    clean: bool = False  #: see :attr:`Document.clean`


@dataclass(frozen=True)
class _Include:
    """A pending ``include`` entry: checked when its turn comes, so files load in pre-order."""

    name: object
    parent: str
    where: Location


class _Loader:
    """Reads files depth-first from the root and collects their diagnostics.

    The walk keeps its own stack, so an include chain of any length loads without recursion;
    ``chain`` holds the files from the root to the one whose includes are being followed.
    """

    def __init__(self, reader: Reader | None = None) -> None:
        self.reader = reader or (lambda display, path: read.read_file(display, path))
        self.diagnostics: list[Diagnostic] = []
        self.files: list[_Parsed] = []
        self.seen: set[Path] = set()
        self.root_read = False
        self.chain: list[tuple[Path, str]] = []
        self.on_chain: set[Path] = set()
        self.register: tuple[SourceFile, dict[str, t.Any]] | None = None

    def run(self, display: str) -> None:
        """Load the root and everything it includes, in pre-order."""
        todo: list[_Include | int] = []  # an int: the file at that chain depth is done
        self.visit(display, None, todo)
        while todo:
            task = todo.pop()
            if isinstance(task, int):
                path, _ = self.chain.pop()
                self.on_chain.discard(path)
                continue
            self._include(task, todo)
        if self.root_read and self.files[0].ok:
            self._register(self.files[0])

    def visit(self, display: str, at: Location | None, todo: list[_Include | int]) -> None:
        """Read, parse and register one file, and queue its includes."""
        where = at or Location(display)
        path = read.resolve(display)
        if not isinstance(path, Path):
            self._fail("file-unreadable", f"cannot resolve path {shorten(display)}: {path}", where)
            return
        self.seen.add(path)
        got = self.reader(display, path)
        if got.built is None:
            assert got.problem is not None
            self._fail(*got.problem, where)
            return
        if not self.chain:
            self.root_read = True
        source = SourceFile(display, path, got.sha256)
        built = got.built
        problems = list(built.diagnostics)
        if built.complete and not isinstance(built.data, dict):
            line, col = value_position(built.entry) if built.entry is not None else (0, 0)
            message = "the file must hold a mapping (key: value pairs) at the top"
            problems.append(error("not-a-mapping", message, Location(display, line, col)))
        self.diagnostics.extend(problems)
        usable = built.complete and isinstance(built.data, dict)
        parsed = _Parsed(source, built.data if usable else None, built.entry, usable and not problems, built.clean)
        self.files.append(parsed)
        if usable:
            self._queue(parsed, todo)

    def _fail(self, code: str, message: str, where: Location) -> None:
        """Record a diagnostic."""
        self.diagnostics.append(error(code, message, where))

    def _queue(self, parsed: _Parsed, todo: list[_Include | int]) -> None:
        """Put the file on the chain and queue its ``include`` entries (first on top)."""
        self.chain.append((parsed.source.path, parsed.source.display))
        self.on_chain.add(parsed.source.path)
        todo.append(len(self.chain))
        if "include" not in parsed.data:
            return
        entries = parsed.data["include"]
        display = parsed.source.display
        if not isinstance(entries, list):
            where = _located(parsed, ["include"], display)
            self._fail("include-invalid", "include must be a list of relative file paths", where)
            return
        for index in reversed(range(len(entries))):
            todo.append(_Include(entries[index], display, _located(parsed, ["include", str(index)], display)))

    def _include(self, task: _Include, todo: list[_Include | int]) -> None:
        """Check one include entry and visit the file it names."""
        name, parent, where = task.name, task.parent, task.where
        if not isinstance(name, str) or not name.strip():
            self._fail("include-invalid", f"include entry {shorten(name)} is not a relative file path", where)
            return
        found = self._target("include", name, parent, where)
        if found is None:
            return
        display, target = found
        if target in self.on_chain:
            names = [shown for _, shown in self.chain]
            start = next(i for i, (path, _) in enumerate(self.chain) if path == target)
            cycle = " → ".join([*names[start:], display])
            self._fail("include-cycle", f"include cycle: {cycle}", where)
            return
        if target in self.seen:
            self._fail("include-duplicate", f"{display} is already included; this one is skipped", where)
            return
        self.visit(display, where, todo)

    def _target(self, noun: str, name: str, parent: str, where: Location) -> tuple[str, Path] | None:
        """The display and resolved path of a relative ``name`` in ``parent``'s folder, or None (reported)."""
        if os.path.isabs(name) or name.startswith(("/", "\\")):
            self._fail("include-escape", f"{noun} {shorten(name)} is absolute; use a path relative to {parent}", where)
            return None
        directory = os.path.dirname(parent)
        display = os.path.normpath(os.path.join(directory, name))
        base, target = read.resolve(directory or os.curdir), read.resolve(display)
        if not isinstance(base, Path) or not isinstance(target, Path):
            why = target if isinstance(target, str) else base
            self._fail("file-unreadable", f"cannot resolve {noun} path {shorten(name)}: {why}", where)
            return None
        if not target.is_relative_to(base):
            message = f"{noun} {shorten(name)} leads outside {directory or os.curdir}/ (to {target})"
            self._fail("include-escape", message, where)
            return None
        return display, target

    def _register(self, root: _Parsed) -> None:
        """Read the capability-gap register the root names, refused as an include would be; not merged."""
        if "register" not in root.data:
            return
        shown = root.source.display
        where = _located(root, ["register"], shown)
        name = root.data["register"]
        if not isinstance(name, str) or not name.strip():
            self._fail("register-invalid", f"register {shorten(name)} is not a relative file path", where)
            return
        found = self._target("register", name, shown, where)
        if found is None:
            return
        display, path = found
        got = self.reader(display, path)
        if got.built is None:
            assert got.problem is not None
            self._fail(got.problem[0], f"register: {got.problem[1]}", where)
            return
        built = got.built
        if built.diagnostics or not built.complete:
            first = built.diagnostics[0] if built.diagnostics else None
            why = f"{first.location}: {first.message}" if first else "it holds no data"
            self._fail(first.code if first else "register-invalid", f"register {display} cannot be read ({why})", where)
        elif not isinstance(built.data, dict) or not isinstance(built.data.get("gaps"), list):
            message = f"register {display} holds no `gaps:` list; name a capability-gap register (GAPS.yaml)"
            self._fail("register-invalid", message, where)
        else:
            self.register = (SourceFile(display, path, got.sha256), built.data)

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
        files = tuple(p.source for p in self.files)
        clean = all(p.clean for p in usable)
        if self.register is None:
            return Document(merger.data, sources, files, clean=clean)
        register, data = self.register
        return Document(merger.data, sources, (*files, register), (register.display, data), clean=clean)


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
            if key == "register" and index:
                where = _located(parsed, [key], parsed.source.display, key=True)
                message = f"register: belongs in the root file {self.usable[0].source.display}, not in an included file"
                self.diagnostics.append(error("register-invalid", message, where, "/register"))
            elif key != "include":
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
