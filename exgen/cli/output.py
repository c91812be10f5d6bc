"""Writing named files into an output directory (``init``, ``templates eject``, ``schema -o``).

The directory must be usable and may not lie inside what the command reads, nor may a file
written be one of its inputs (:func:`exgen.core.paths.check_output`); a file system error is an
:class:`OutputError` with a one-line message, never a traceback.
"""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

import click

from exgen.core import paths


class OutputError(Exception):
    """The files cannot be written where asked (a user-facing message)."""


def refuse(out: str, inputs: t.Iterable[paths.Input], what: str, files: t.Iterable[str]) -> None:
    """Raise :class:`OutputError` when ``files`` may not be written into ``out``."""
    found = paths.check_output(out, inputs, what, list(files))
    if found is not None:
        raise OutputError(found[1])


def write(out: str, files: t.Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (relative paths) into ``out``, creating folders; a symlink in the way is
    replaced, never written through. The paths written, in order."""
    written = []
    for name, data in files.items():
        path = Path(out) / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink():
                path.unlink()
            path.write_bytes(data)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        written.append(path)
    return written


def existing(out: str, names: t.Iterable[str]) -> list[Path]:
    """The files (or links) already at ``out/name``."""
    try:
        return [Path(out) / name for name in names if (Path(out) / name).exists() or (Path(out) / name).is_symlink()]
    except OSError as exc:
        raise OutputError(f"cannot write into {out}: {exc.strerror or exc}") from None


def write_into(out: str, files: dict[str, bytes], inputs: t.Sequence[paths.Input], what: str, *,
               force: bool = True) -> None:
    """Write ``files`` into directory ``out`` (``schema -o``, ``templates eject``); one ``exgen:`` line
    and exit 1 when the directory is unusable, overlaps exgen's own data, or a file is in the way."""
    from exgen.core.text import printable

    try:
        refuse(out, inputs, what, files)
        in_the_way = [] if force else existing(out, files)
        if in_the_way:
            raise OutputError(f"{in_the_way[0]} exists; use --force to overwrite it")
        write(out, files)
    except OutputError as exc:
        click.echo(f"exgen: {printable(str(exc))}", err=True)
        sys.exit(1)
