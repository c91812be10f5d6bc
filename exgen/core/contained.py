"""Files read from a directory a user names (``--templates DIR``, ``--library DIR``): only regular
files that are really inside it.

A file is refused, with the reason, when its real path (symbolic links followed) leads outside
the directory, when it is not a regular file (a FIFO, a device, a socket: never opened, so never
a hang), when it has more than one name (a hard link: it may be a file from anywhere else on the
disk, which a link check cannot see), or when it is larger than the caller allows. :func:`read`
checks again on the opened file, so a file swapped for a FIFO in between is refused too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class Refused(Exception):
    """The file may not be read; the message says why (it names the file)."""


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def kind(mode: int) -> str:
    """What a non-regular file is, in words.

    >>> kind(stat.S_IFIFO)
    'a FIFO (named pipe)'
    """
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def check(path: Path, root: Path, *, links: bool = False, max_size: int | None = None) -> os.stat_result:
    """The stat of ``path``, a file that may be read from directory ``root``; Refused otherwise.
    ``links=True`` accepts hard links (for exgen's own installed files, which some installers link)."""
    try:
        real = path.resolve(strict=True)
        inside = real.is_relative_to(root.resolve(strict=True))
        info = os.stat(path)
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or "a symbolic link loop"
        raise Refused(f"{path} cannot be read: {reason}") from None
    if not inside:
        raise Refused(f"{path} leads outside {root} (a symbolic link to {real})")
    _check_stat(path, info, links, max_size)
    return info


def _check_stat(path: Path, info: os.stat_result, links: bool, max_size: int | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{path} is {kind(info.st_mode)}, not a regular file")
    if not links and info.st_nlink > 1:
        raise Refused(f"{path} is a hard link ({info.st_nlink} names for one file); copy the file instead")
    if max_size is not None and info.st_size > max_size:
        raise Refused(f"{path} is larger than {max_size // (1024 * 1024)} MiB")


def read(path: Path, root: Path, *, links: bool = False, max_size: int | None = None) -> bytes:
    """The bytes of ``path`` after :func:`check`; the opened file is checked again (without
    blocking) to be that same regular file."""
    before = check(path, root, links=links, max_size=max_size)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise Refused(f"{path} cannot be read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if (info.st_dev, info.st_ino) != (before.st_dev, before.st_ino):
            raise Refused(f"{path} changed while exgen was reading it")
        _check_stat(path, info, links, max_size)
        return handle.read(max_size + 1 if max_size is not None else -1)
