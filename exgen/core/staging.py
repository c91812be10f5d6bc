"""Atomic directory output: build beside the target, then swap it into place.

A package or a draft is written into ``.<name>.tmp-<pid>-<host>-*`` next to its target; only a
complete directory replaces the target, and an old one is removed only once the new one is in
place. So a failure, a full disk or Ctrl-C never leaves half an output where the user looks.

**The swap.** On Linux (3.15 or later, glibc 2.28 or later, a file system that supports it) the
new directory and the old one are exchanged in one step with ``renameat2(RENAME_EXCHANGE)``:
at every instant the target path holds either the complete old output or the complete new one.
Elsewhere (other systems, older kernels or C libraries, file systems that refuse the exchange)
the fallback is two renames, target → ``.<name>.old-*`` then new → target, with a window of a
few microseconds in which the target path does not exist; a failure of the second rename puts
the old directory back. :func:`swap` returns which of the two it used.

**Leftovers.** A build killed outright (``kill -9``, power loss) cannot remove its temporary
folder. Folder names carry the pid and host of the process that made them, and
:func:`sweep_stale` — run by every new staging — removes the ones whose process is gone
(on this host, owned by this user); a live build's folders are never touched. Scratch folders
in the system temporary directory (:func:`scratch_dir`) are named and swept the same way.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import typing as t
from pathlib import Path

from exgen.core import processes

#: renameat2(2) flag: exchange the two paths atomically; AT_FDCWD: paths relative to the cwd.
RENAME_EXCHANGE = 2
AT_FDCWD = -100
EXCHANGE = "exchange"
RENAMES = "rename"


class StagingError(Exception):
    """The output cannot be staged or put in place (a user-facing message)."""


def new_dir(target: Path, what: str) -> Path:
    """A new, empty temporary directory beside ``target`` (``what`` names the output in errors);
    leftovers of killed earlier runs for the same target are removed first."""
    import tempfile

    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(parent, rf"\.{re.escape(target.name)}\.(?:tmp|old)-")
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{processes.owner_tag()}-", dir=parent))
    except OSError as exc:
        raise StagingError(f"cannot create the {what} next to '{target}': {exc.strerror or exc}") from None


def scratch_dir(kind: str) -> Path:
    """A new private folder ``exgen-<kind>-<pid>-<host>-*`` in the system temporary directory;
    scratch folders of the same kind that killed runs left there are removed first."""
    import tempfile

    folder = Path(tempfile.gettempdir())
    sweep_stale(folder, rf"exgen-{re.escape(kind)}-")
    return Path(tempfile.mkdtemp(prefix=f"exgen-{kind}-{processes.owner_tag()}-", dir=folder))


def sweep_stale(folder: Path, prefix: str) -> list[Path]:
    """Remove the directories in ``folder`` named ``<prefix><pid>-<host>-*`` (``prefix`` a
    regular expression) that this user owns, made on this host by a process that no longer
    exists; the ones removed. Anything else — a live run's folder, another user's, a file, a
    symbolic link — is left alone, and a folder that cannot be removed is skipped."""
    import shutil

    pattern = re.compile(rf"{prefix}(\d+)-([0-9a-f]{{6}})-[A-Za-z0-9_]+")
    host, uid = processes.host_tag(), _uid()
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or match.group(2) != host or processes.alive(int(match.group(1))):
            continue
        path = folder / name
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and (uid is None or info.st_uid == uid):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _uid() -> int | None:
    getuid = getattr(os, "getuid", None)
    return int(getuid()) if getuid is not None else None


def check_target(target: Path, force: bool, is_ours: t.Callable[[Path], bool], what: str) -> None:
    """Refuse a target that is a file or a link, or a non-empty directory that ``is_ours`` does not
    recognise as an earlier output of the same kind (unless ``force``)."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise StagingError(f"'{target}' exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not is_ours(target) and not force:
        raise StagingError(f"'{target}' exists and is not an exgen {what}; use --force to replace it")


def swap(tmp: Path, target: Path) -> str:
    """Put ``tmp`` where ``target`` is; the old directory is removed only once the new one is in
    place. Returns :data:`EXCHANGE` (one atomic exchange) or :data:`RENAMES` (the fallback)."""
    import shutil
    import tempfile

    if not target.exists():
        os.replace(tmp, target)
        return RENAMES
    if exchange(tmp, target):  # tmp now holds the old directory
        shutil.rmtree(tmp, ignore_errors=True)
        return EXCHANGE
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{processes.owner_tag()}-", dir=tmp.parent))
    old.rmdir()
    os.replace(target, old)
    try:
        os.replace(tmp, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return RENAMES


def exchange(a: Path, b: Path) -> bool:
    """Exchange two existing paths atomically (``renameat2(RENAME_EXCHANGE)``); False when this
    system or file system cannot, and nothing was changed."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    done = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return bool(done == 0)


def _renameat2() -> t.Any:
    """glibc's renameat2 (2.28 or later), or None."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return None
    with contextlib.suppress(OSError, AttributeError):
        function = ctypes.CDLL(None, use_errno=True).renameat2
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        function.restype = ctypes.c_int
        return function
    return None


def replace_file(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to the file ``path`` atomically: a temporary file beside it, then a rename,
    so the file holds either its old text or the whole new one."""
    import tempfile

    target = Path(path)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
