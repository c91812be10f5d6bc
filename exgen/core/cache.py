"""exgen's cache directory: work worth keeping between runs, one folder per user.

Everything exgen caches (unit symbols drawn by military-symbol, converted PDF and XLSX files,
compiled templates) lives
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
import typing as t
from pathlib import Path

#: Largest entry read back; anything bigger is not ours.
MAX_ENTRY = 4 * 1024 * 1024
#: Largest file entry (:func:`put_file`): a converted document may be as large as a package.
MAX_FILE = 2 * 1024**3
#: First bytes of a file entry: the header line that records its body's hash and size.
_FILE_MAGIC = b"exgen-cache-file 1 "
_CHUNK = 1024 * 1024


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


def put_file(kind: str, entry: str, source: Path) -> None:
    """Keep a copy of file ``source`` as ``entry`` in the ``kind`` folder, with its SHA-256 and size
    in a header line so a reader can tell a damaged entry (:func:`file_chunks`). Streamed, never
    held in memory; written atomically; any failure just leaves it uncached."""
    root = directory()
    if root is None:
        return
    folder = root / kind
    tmp = None
    try:
        size = source.stat().st_size
        if size > MAX_FILE:
            return
        digest = hashlib.sha256()
        with source.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        folder.mkdir(mode=0o700, exist_ok=True)
        handle_no, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(handle_no, "wb") as out, source.open("rb") as src:
            out.write(_FILE_MAGIC + f"{digest.hexdigest()} {size}\n".encode("ascii"))
            while chunk := src.read(_CHUNK):
                out.write(chunk)
        os.replace(tmp, folder / entry)
        tmp = None
    except OSError:
        return
    finally:
        if tmp is not None:
            with _suppress_os_error():
                os.unlink(tmp)


def file_chunks(kind: str, entry: str) -> tuple[str, int, t.Generator[bytes, None, None]] | None:
    """A file entry written by :func:`put_file`: its recorded SHA-256 and size and its body in
    pieces, or None when there is none. The recorded hash is the writer's claim: the caller
    hashes the pieces as it uses them and drops the result (:func:`drop`) when they differ."""
    root = directory()
    if root is None:
        return None
    try:
        handle = (root / kind / entry).open("rb")
    except OSError:
        return None
    header = handle.readline(200)
    fields = header[len(_FILE_MAGIC):].split() if header.startswith(_FILE_MAGIC) else []
    if len(fields) != 2 or len(fields[0]) != 64 or not fields[1].isdigit() or int(fields[1]) > MAX_FILE:
        handle.close()
        return None

    def body() -> t.Generator[bytes, None, None]:
        with handle:
            while chunk := handle.read(_CHUNK):
                yield chunk

    return fields[0].decode("ascii"), int(fields[1]), body()


def drop(kind: str, entry: str) -> None:
    """Remove a damaged entry, so the next run stores a good one."""
    root = directory()
    if root is not None:
        with _suppress_os_error():
            (root / kind / entry).unlink()


def _suppress_os_error() -> t.ContextManager[None]:
    import contextlib

    return contextlib.suppress(OSError)
