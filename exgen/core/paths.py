"""Outputs never destroy inputs: may a command write into this output directory?

``build`` and ``generate`` replace their output directory as a whole; ``init``, ``templates
eject`` and ``schema -o`` write named files into theirs. Either way the directory must be usable
(not a file, a device, a symlink loop or a name too long) and must not overlap what the command
reads: a directory that is replaced may neither hold an input nor lie inside an input directory;
a directory that files are written into may not lie inside an input directory, and none of those
files may be an input.

Paths are compared as the file system has them: symlinks resolved, and existing folders told
apart by device and inode, so two spellings of one folder (case on a case-insensitive disk, a
symlink) are the same folder. This module only reads paths; it never creates or removes anything.
"""

from __future__ import annotations

import os
import stat
import typing as t
from dataclasses import dataclass
from pathlib import Path

#: Diagnostic codes of :func:`check_output`'s two kinds of problem.
UNUSABLE = "output-path"
OVERLAP = "output-overlap"


@dataclass(frozen=True)
class Input:
    """Something a command reads: a file, or a directory of files."""

    kind: str  #: for messages: "definition file", "brief", "library directory"...
    shown: str  #: as the user wrote it or sees it
    path: str | os.PathLike[str]
    directory: bool = False
    resolved: bool = False  #: ``path`` is already absolute with symlinks resolved


def check_output(out: str, inputs: t.Iterable[Input], what: str,
                 files: t.Iterable[str] | None = None) -> tuple[str, str] | None:
    """``(code, message)`` when ``what`` cannot be written into directory ``out``; None when it can.

    ``files`` (paths relative to ``out``) are what a command that writes named files writes; None
    means the command replaces the whole directory.
    """
    problem = _unusable(out)
    if problem is not None:
        return UNUSABLE, f"cannot write the {what} into '{out}': {problem}"
    target = _real(out)
    if target is None:
        return None
    places = _Places()
    # An input that cannot be resolved cannot be reached either; its reader says why.
    sources = [(item, source) for item in inputs
               if (source := Path(item.path) if item.resolved else _real(item.path)) is not None]
    for item, source in sources:
        reason = None
        if files is None and places.within(source, target):
            reason = "it is" if places.same(source, target) else "it contains"
        elif item.directory and places.within(target, source):
            reason = "it is inside"
        if reason is not None:
            return OVERLAP, f"refusing to write the {what} into '{out}': {reason} the {item.kind} '{item.shown}'"
    for name in files or ():
        dest = _real(os.path.join(out, name))
        for item, source in sources:
            if dest is not None and places.within(dest, source):
                relation = "is" if places.same(dest, source) else "is inside"
                return OVERLAP, (f"refusing to write the {what} into '{out}': {os.path.join(out, name)} "
                                 f"{relation} the {item.kind} '{item.shown}'")
    return None


def is_dir(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a directory (following symlinks); False, never an error, for any
    path that cannot be looked at (missing, a symlink loop, a name too long, a NUL in it)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_regular(path: str | os.PathLike[str], head: int | None = None) -> bytes | None:
    """The bytes of a regular file (its first ``head`` bytes, when given), or None when it is missing
    or anything but a regular file. Never opens anything else: a named pipe or a device left in an
    old output directory must not hang or flood the check that looks at it."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            return handle.read() if head is None else handle.read(head)
    except (OSError, ValueError):
        return None


def _unusable(out: str) -> str | None:
    """Why ``out`` cannot be a directory to write into, or None (it exists as one, or can be created)."""
    try:
        info = os.stat(out)
    except FileNotFoundError:
        return _parent_problem(out)
    except (OSError, ValueError) as problem:
        return _reason(problem)
    if not stat.S_ISDIR(info.st_mode):
        return f"it exists and is {_kind(info.st_mode)}, not a directory"
    try:
        with os.scandir(out) as entries:  # what is there decides whether it may be replaced
            next(entries, None)
    except OSError as problem:
        return _reason(problem)
    return None


def _parent_problem(out: str) -> str | None:
    """For an output that does not exist yet: why it could not be created, judged from its nearest existing folder."""
    try:
        absolute = Path(os.path.abspath(out))
    except (OSError, ValueError) as problem:
        return _reason(problem)
    for folder in absolute.parents:
        try:
            info = os.stat(folder)
        except FileNotFoundError:
            continue
        except OSError as problem:
            return _reason(problem)
        if not stat.S_ISDIR(info.st_mode):
            return f"'{folder}' is {_kind(info.st_mode)}, not a directory"
        return None
    return None


def _reason(problem: BaseException) -> str:
    """An OS error in plain words."""
    if isinstance(problem, ValueError):
        return "the name holds a NUL character" if "null" in str(problem) else str(problem)
    text = getattr(problem, "strerror", None) or str(problem)
    if text == "Too many levels of symbolic links":
        return "the path is a symlink loop"
    if text == "File name too long":
        return "the name is too long for the file system"
    if text == "Not a directory":
        return "a part of the path is a file, not a directory"
    return text[:1].lower() + text[1:]


def _kind(mode: int) -> str:
    """What a file that is not a directory is, for messages."""
    for test, name in ((stat.S_ISREG, "a file"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a directory"


def _real(path: str | os.PathLike[str]) -> Path | None:
    """The absolute path with every symlink resolved (as far as the path exists), or None."""
    try:
        return Path(os.path.realpath(os.fspath(path)))
    except (OSError, ValueError, RuntimeError):
        return None


class _Places:
    """Path comparison by the file system's identity of folders, each looked up once."""

    def __init__(self) -> None:
        self.ids: dict[Path, tuple[int, int] | None] = {}

    def identity(self, path: Path) -> tuple[int, int] | None:
        if path not in self.ids:
            try:
                info = os.stat(path)
                self.ids[path] = (info.st_dev, info.st_ino)
            except (OSError, ValueError):
                self.ids[path] = None
        return self.ids[path]

    def same(self, a: Path, b: Path) -> bool:
        """One place: the same resolved path, or the same existing file or folder."""
        if os.path.normcase(a) == os.path.normcase(b):
            return True
        ident = self.identity(b)
        return ident is not None and self.identity(a) == ident

    def within(self, inner: Path, outer: Path) -> bool:
        """``inner`` is ``outer`` or lies somewhere under it."""
        return any(self.same(p, outer) for p in (inner, *inner.parents))
