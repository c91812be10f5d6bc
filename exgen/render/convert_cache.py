"""Converted documents (PDF, XLSX, any ``convert:`` kind) kept in exgen's cache directory.

A conversion is a pure function of its rendered text, its kind, STARTEX (the converters'
only other input), exgen's code and the converter libraries' versions: the key names all of
them (:func:`entry_for`). On a hit no converter process starts, so the render limits do not
apply; the kept file is copied into the package and hashed as it goes, and an entry whose
bytes do not match the hash recorded with it is dropped and the conversion runs again. Only
a successful conversion is kept. ``EXGEN_NO_CACHE=1`` turns it off (:mod:`exgen.core.cache`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from exgen import package
from exgen.core import cache, fingerprint

#: The folder of exgen's cache directory that holds converted documents.
FOLDER = "conversions"
_CHUNK = 1024 * 1024


def entry_for(kind: str, source: str, startex: str) -> str:
    """The cache key of converting the rendered text in file ``source`` with converter ``kind``."""
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return cache.key("conversion", kind, fingerprint.code_digest(), fingerprint.library_versions(), startex,
                     digest.hexdigest())


def fetch(entry: str, folder: Path, rel: str) -> tuple[str, str, int] | None:
    """Write the kept conversion ``entry`` as package file ``rel`` under ``folder``: its manifest
    entry, or None when there is none or it is damaged (then nothing of it stays in the package)."""
    kept = cache.file_chunks(FOLDER, entry)
    if kept is None:
        return None
    sha256, size, chunks = kept
    try:
        written = package.put_chunks(folder, rel, chunks)
    except package.PackageError:
        return None  # the conversion, run instead, reports what is wrong with the package path
    finally:
        chunks.close()
    if written[1:] != (sha256, size):
        (folder / rel).unlink(missing_ok=True)
        cache.drop(FOLDER, entry)
        return None
    return written


def keep(entry: str, converted: Path) -> None:
    """Keep a successful conversion's file for the next build with the same key."""
    cache.put_file(FOLDER, entry, converted)
