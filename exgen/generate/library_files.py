"""Which files of a library directory are read: regular ``.yaml``/``.yml``/``.json`` files inside it.

A file that may not be read (a FIFO, a link leading outside, a hard link in an instructor
directory) is a located ``library-file`` error, never silently skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

from exgen.core.diagnostics import Diagnostic, Location, error

SUFFIXES = (".yaml", ".yml", ".json")


def library_files(folder: Path, user: bool = True) -> tuple[list[Path], list[Diagnostic]]:
    """The library files (``.yaml``, ``.yml``, ``.json``) under ``folder``, in path order, and a
    ``library-file`` error for each one that may not be read: not a regular file (a FIFO is
    never opened), a symbolic link leading outside the folder, or — in a ``--library`` folder
    (``user``) — a hard link (see :mod:`exgen.core.contained`). Links to folders are not
    followed; one leading outside is refused too, and so is a folder that cannot be listed."""
    from exgen.core import contained

    files: list[Path] = []
    found: list[Diagnostic] = []

    def refuse(path: Path, message: str) -> None:
        found.append(error("library-file", f"refused to read a library file: {message}", Location(display(path))))

    def unreadable(exc: OSError) -> None:
        refuse(Path(exc.filename or folder), f"{exc.filename or folder} cannot be read: {exc.strerror or exc}")

    for base, dirs, names in os.walk(folder, onerror=unreadable):  # links to folders are not followed
        for name in sorted(dirs):
            link = Path(base) / name
            if link.is_symlink() and not link.resolve().is_relative_to(folder.resolve()):
                refuse(link, f"{link} leads outside {folder} (a symbolic link to {link.resolve()})")
        for name in names:
            path = Path(base) / name
            if path.suffix not in SUFFIXES:
                continue
            try:
                contained.check(path, folder, links=not user)
            except contained.Refused as exc:
                refuse(path, str(exc))
                continue
            files.append(path)
    return sorted(files), sorted(found, key=lambda d: d.location.file)


def display(path: Path) -> str:
    """A path as diagnostics show it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)
