"""exgen's cache directory: work worth keeping between runs, one folder per user.

Everything exgen caches (unit symbols drawn by military-symbol, compiled templates) lives
under one directory: ``$EXGEN_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/exgen``, else
``~/.cache/exgen``. ``EXGEN_NO_CACHE=1`` turns every cache off. Entries are content-addressed
(the key names everything the value depends on, including versions), written atomically
(temporary file, then rename), and never trusted for more than they are: a caller that puts
a value into a document checks it as it would check fresh output.

The directory must belong to the user and not be writable by anyone else; otherwise the
cache is off for the run (never an error: a cache only saves time).
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

#: Largest entry read back; anything bigger is not ours.
MAX_ENTRY = 4 * 1024 * 1024


def directory() -> Path | None:
    """The cache directory, created if missing; None when caching is off or the folder is unsafe."""
    if os.environ.get("EXGEN_NO_CACHE"):
        return None
    explicit = os.environ.get("EXGEN_CACHE_DIR")
    if explicit:
        root = Path(explicit)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = Path(base) / "exgen"
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = root.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None
    return root


def key(*parts: str) -> str:
    """A file-name-safe key for everything a value depends on.

    >>> key("symbols", "1.2.3", "10031000161211000000") == key("symbols", "1.2.3", "10031000161211000000")
    True
    """
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def read(kind: str, entry: str) -> bytes | None:
    """The cached bytes of ``entry`` in the ``kind`` folder, or None."""
    root = directory()
    if root is None:
        return None
    path = root / kind / entry
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ENTRY + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_ENTRY else None


def write(kind: str, entry: str, data: bytes) -> None:
    """Keep ``data`` as ``entry`` in the ``kind`` folder; any failure just leaves it uncached."""
    root = directory()
    if root is None or len(data) > MAX_ENTRY:
        return
    folder = root / kind
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, folder / entry)
    except OSError:
        return
