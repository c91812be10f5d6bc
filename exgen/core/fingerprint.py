"""What a build's bytes depend on, as hashes: exgen's own files, the libraries, override templates.

:func:`build_key` names everything a package depends on; ``exgen build`` records it, with the
hash of the manifest it wrote, in exgen's cache directory (never in the package, whose bytes must
not depend on the machine or on exgen's code) and skips a build whose output still holds that
package under the same key.
:func:`code_digest` and :func:`library_versions` also key the conversion cache
(:mod:`exgen.render.convert_cache`). A key errs on the side of change: any edit to exgen's
code or data, a library upgrade, a different Python, changes it (a needless rebuild costs
seconds; a stale package costs a drill).

What a key cannot see: the render limits (they decide whether a build may finish, not what it
writes). The PDF engine reads no system font (exgen ships the fonts it uses), so the machine's
fonts do not enter it either.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import sys
import typing as t
from pathlib import Path

#: Distributions whose version can change a package's bytes (read from their metadata, never imported).
LIBRARIES = ("jinja2", "markupsafe", "faker", "pyyaml", "military-symbol", "xlsxwriter", "typst")
#: Changes when what goes into a key changes, so old keys never match new ones.
KEY_REVISION = "1"


@functools.cache
def library_versions() -> str:
    """``name=version`` of every :data:`LIBRARIES` entry ('-' when it is not installed), and Python's.

    >>> "jinja2=" in library_versions()
    True
    """
    from importlib import metadata

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    found.append(f"python={sys.version_info[0]}.{sys.version_info[1]}")
    return " ".join(found)


@functools.cache
def code_digest() -> str:
    """SHA-256 of exgen's own files (code, templates, catalogues, schemas), by relative path:
    an edit to any of them changes every key, whatever the version number says."""
    root = Path(__file__).resolve().parents[1]
    return tree_digest(root, skip=("__pycache__",))


def tree_digest(root: Path, *, skip: t.Sequence[str] = ()) -> str:
    """SHA-256 of every file under ``root`` (relative path and bytes, in sorted order); a file
    that is not a regular file or cannot be read counts by its name and kind only. Never follows
    a link out of ``root`` nor opens a named pipe or a device."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip)
        base = Path(folder)
        for name in dirs:  # a linked folder is not walked (it might loop): its target counts
            if (base / name).is_symlink():
                digest.update(f"\x00L{(base / name).relative_to(root).as_posix()}>{os.readlink(base / name)}".encode(
                    "utf-8", "surrogateescape"))
        for name in sorted(files):
            path = base / name
            rel = path.relative_to(root).as_posix()
            digest.update(b"\x00F" + rel.encode("utf-8", "surrogateescape") + b"\x00")
            digest.update(_file_bytes(path))
    return digest.hexdigest()


def _file_bytes(path: Path) -> bytes:
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            return f"<not a regular file: {stat.S_IFMT(info.st_mode)}>".encode("ascii")
        return path.read_bytes()
    except OSError as exc:
        return f"<unreadable: {exc.errno}>".encode("ascii")


def build_key(inputs: t.Sequence[tuple[str, str]], *, seed: int, template_dirs: t.Sequence[str | os.PathLike[str]],
              only: t.Sequence[str] | None, strict: bool) -> str:
    """The key of one build: definition files (``(relative path, sha256)``, root first), seed,
    override template folders (by content, in order: the first wins), the ``--only`` selection,
    ``--strict`` (it decides whether a definition with warnings builds), exgen's files and the
    libraries' versions. Paths outside the definition never enter it, so a copied definition
    built elsewhere has the same key.

    >>> a = build_key([("exercise.yaml", "ab")], seed=0, template_dirs=(), only=None, strict=False)
    >>> a == build_key([("exercise.yaml", "ab")], seed=1, template_dirs=(), only=None, strict=False)
    False
    """
    parts = [f"build-key {KEY_REVISION}", code_digest(), library_versions(), f"seed={seed}", f"strict={strict}",
             "only=" + ("*" if only is None else ",".join(sorted(set(only)))),
             *(f"input {name} {sha}" for name, sha in inputs),
             *(f"templates {tree_digest(Path(d))}" for d in template_dirs)]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
