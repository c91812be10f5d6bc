"""Which root definitions to validate, from the files, directories and globs a user names.

A root definition is a file that parses (as the loader parses it: YAML with or without a BOM,
flow or block style, JSON) to a mapping with a top-level ``exgen`` key; files it includes are
fragments. A directory is searched for roots; a fragment named directly (as pre-commit does
with changed files) is validated through the roots that include it.

A file named directly is never passed over in silence: it is a root, a fragment of one, a file
the loader refuses with its own diagnostic (unreadable, not YAML or JSON), or a
``not-a-definition`` error. Only with ``skip_non_definitions`` (the pre-commit hook, which is
handed every changed YAML and JSON file) are files that parse but are no definition skipped.

Each file is read and parsed at most once per run, and each root's includes are followed at
most once, however many of its fragments are named.
"""

from __future__ import annotations

import enum
import glob
import os
import stat
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from exgen.core.diagnostics import Diagnostic, Location, error
from exgen.core.sources import Entry, value_position
from exgen.load import definition, read

EXTENSIONS = (".yaml", ".yml", ".json")
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", "build", "dist"}
HINT = "add `exgen: 1` at the top, or validate the definition that includes it"


class Kind(enum.Enum):
    """What a file is, as far as discovery is concerned."""

    ROOT = "root"  #: a mapping with a top-level exgen key
    DATA = "data"  #: parses, but is no definition (a fragment, or some other YAML/JSON)
    EMPTY = "empty"  #: holds no data at all
    UNREAD = "unread"  #: cannot be read (missing, not a regular file, too large...)
    BROKEN = "broken"  #: read, but not YAML or JSON the loader accepts


@dataclass
class Targets:
    """Roots to validate (display paths, in a stable order) and what else the names gave."""

    roots: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    #: Files that parse but are no definition nor included by one (only with ``skip_non_definitions``).
    skipped: list[str] = field(default_factory=list)
    #: ``not-a-definition`` and unreadable-directory errors, for files no root reports.
    problems: list[Diagnostic] = field(default_factory=list)


def find(names: t.Sequence[str], *, skip_non_definitions: bool = False) -> Targets:
    """Expand ``names`` (files, directories, globs) into root definitions to validate."""
    finder = _Finder(skip_non_definitions)
    for name in names:
        if any(ch in name for ch in "*?[") and _stat(name) is None:
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                finder.out.unmatched.append(name)
            for match in matches:
                finder.path(Path(match))
        else:
            finder.path(Path(name))
    finder.hand_over()
    return finder.out


class _Finder:
    """One discovery run, with its caches."""

    def __init__(self, skip_non_definitions: bool) -> None:
        self.skip = skip_non_definitions
        self.out = Targets()
        self.seen: set[Path | str] = set()
        self.reads: dict[Path, read.FileRead] = {}
        self.kinds: dict[Path, tuple[Kind, Entry | None]] = {}
        self.includes: dict[Path, frozenset[Path]] = {}

    # --- what a file is -------------------------------------------------------------------

    def read(self, display: str, path: Path) -> read.FileRead:
        """The file read and parsed, once per run."""
        got = self.reads.get(path)
        if got is None:
            got = self.reads[path] = read.read_file(display, path)
        return got

    def kind(self, path: Path) -> tuple[Kind, Entry | None]:
        """What the file is, and the position entry of its top node."""
        key = read.resolve(str(path))
        if not isinstance(key, Path):
            return Kind.UNREAD, None
        if key not in self.kinds:
            self.kinds[key] = _kind(self.read(str(path), key))
        return self.kinds[key]

    def included(self, root: Path) -> frozenset[Path]:
        """Every file the root includes (resolved), found once per run."""
        key = read.resolve(str(root))
        if not isinstance(key, Path):
            return frozenset()
        if key not in self.includes:
            self.includes[key] = definition.included(root, self.read)
        return self.includes[key]

    def hand_over(self) -> None:
        """Keep the parses of the roots to validate and of the files they include, so validation
        does not parse them again (:func:`read.keep`); every other parse is let go."""
        for shown in self.out.roots:
            key = read.resolve(shown)
            if isinstance(key, Path):
                for path in (key, *self.includes.get(key, ())):
                    got = self.reads.get(path)
                    if got is not None:
                        read.keep(path, got)

    # --- names -----------------------------------------------------------------------------

    def add(self, path: Path) -> None:
        """Validate ``path`` as a root (once)."""
        shown = os.path.normpath(str(path))
        resolved = read.resolve(shown)
        key = resolved if isinstance(resolved, Path) else shown
        if key not in self.seen:
            self.seen.add(key)
            self.out.roots.append(shown)

    def path(self, path: Path) -> None:
        """One file or directory the user named."""
        info = _stat(path)
        if info is not None and stat.S_ISDIR(info.st_mode):
            self.directory(path)
        else:
            self.named(path)

    def named(self, path: Path) -> None:
        """A file named directly: a root, through its roots, or an error (or skipped, for the hook)."""
        kind, entry = self.kind(path)
        if kind in (Kind.ROOT, Kind.UNREAD):
            self.add(path)  # the loader reports an unreadable file with its own code
            return
        owners = self.owners(path)
        for owner in owners:
            self.add(owner)
        if owners:
            return
        if kind is Kind.BROKEN:
            self.add(path)  # the loader reports its syntax error
        elif self.skip:
            self.out.skipped.append(str(path))
        else:
            self.out.problems.append(_not_a_definition(os.path.normpath(str(path)), kind, entry))

    def directory(self, directory: Path) -> None:
        """Roots in a directory, and files in it that cannot be read or parsed, unless a root includes them."""
        found = [(p, self.kind(p)[0]) for p in self.walk(directory)]
        included: set[Path] = set()
        for path, kind in found:
            if kind is Kind.ROOT:
                included |= self.included(path)
        for path, kind in found:
            if kind in (Kind.ROOT, Kind.UNREAD, Kind.BROKEN) and read.resolve(str(path)) not in included:
                self.add(path)

    def walk(self, directory: Path) -> t.Iterator[Path]:
        """Files with a definition's extension under ``directory``, in a stable order."""

        def unreadable(problem: OSError) -> None:
            shown = problem.filename if isinstance(problem.filename, str) else str(directory)
            message = f"cannot read the directory {shown}: {read.reason(problem)}"
            self.out.problems.append(error("file-unreadable", message, Location(shown)))

        for base, dirs, files in os.walk(directory, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(files):
                if name.endswith(EXTENSIONS):
                    yield Path(base) / name

    def owners(self, fragment: Path) -> list[Path]:
        """Roots in the fragment's folder or above (up to the repository root) that include it."""
        target = read.resolve(str(fragment))
        if not isinstance(target, Path):
            return []
        folder = target.parent
        chain = [folder, *folder.parents]
        # Search up to the repository root, or four folders up when there is none.
        top = next((p for p in chain[:5] if _stat(p / ".git") is not None), chain[min(4, len(chain) - 1)])
        found: list[Path] = []
        for folder in chain:
            for candidate in _files(folder):
                if self.kind(candidate)[0] is Kind.ROOT and target in self.included(candidate):
                    found.append(_display(candidate))
            if found or folder == top:
                break
        return found


def _kind(got: read.FileRead) -> tuple[Kind, Entry | None]:
    """What a read file is."""
    built = got.built
    if built is None:
        return Kind.UNREAD, None
    if built.complete or built.more_documents:
        if isinstance(built.data, dict) and "exgen" in built.data:
            return Kind.ROOT, built.entry
        return Kind.DATA, built.entry
    if [d.code for d in built.diagnostics] == ["empty-file"]:
        return Kind.EMPTY, None
    return Kind.BROKEN, None


def _not_a_definition(display: str, kind: Kind, entry: Entry | None) -> Diagnostic:
    """The error for a named file that is no definition and that no definition includes."""
    what = "is empty" if kind is Kind.EMPTY else "has no top-level `exgen:` key"
    line, col = value_position(entry) if entry is not None else (1, 1)
    message = (f"not an exercise definition: the file {what}, and no definition in its folder or above "
               f"includes it; {HINT}")
    return error("not-a-definition", message, Location(display, line, col))


def _files(folder: Path) -> list[Path]:
    """Regular files with a definition's extension directly in ``folder`` (none if it cannot be read)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries if e.name.endswith(EXTENSIONS) and _is_file(e))
    except OSError:
        return []


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _stat(path: str | os.PathLike[str]) -> os.stat_result | None:
    """``os.stat`` or None, whatever the reason (missing, loop, name too long, NUL)."""
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _display(path: Path) -> Path:
    try:
        return Path(os.path.relpath(path))
    except ValueError:
        return path
