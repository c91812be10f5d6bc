"""Write a package atomically: temporary directory beside the target, manifest, rename.

The previous package survives any failure: files go to ``.<name>.tmp-*`` next to the
target, and only a complete package is renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import typing as t
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"
GENERATOR = "exgen"
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class PackageError(Exception):
    """The package cannot be written where asked (a user-facing message)."""


@dataclass(frozen=True)
class Written:
    """What was written: the target, file count and total bytes."""

    target: Path
    files: int
    size: int


def check_relative(path: str) -> str:
    """A package-relative path made only of safe parts; anything else is refused.

    >>> check_relative("injects/INJ-001.html")
    'injects/INJ-001.html'
    """
    parts = path.split("/")
    if not path or any(not _PART.match(p) or ".." in p for p in parts):
        raise PackageError(f"refusing to write '{path}': not a safe path inside the package")
    return path


def manifest(files: dict[str, bytes], info: dict[str, t.Any]) -> bytes:
    """manifest.json: generator facts plus every file's sha256 and size, in path order."""
    doc = {
        "generator": GENERATOR,
        **info,
        "files": [
            {"path": p, "sha256": hashlib.sha256(files[p]).hexdigest(), "size": len(files[p])}
            for p in sorted(files)
        ],
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def is_package(path: Path) -> bool:
    """True when ``path`` holds an exgen package (its manifest names exgen)."""
    try:
        data = json.loads((path / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("generator") == GENERATOR


def write(files: dict[str, bytes], target: Path, info: dict[str, t.Any], *, force: bool = False,
          before_rename: t.Callable[[Path], None] | None = None) -> Written:
    """Write ``files`` and their manifest as the package at ``target``, atomically."""
    for path in files:
        check_relative(path)
    if MANIFEST in files:
        raise PackageError(f"a template may not write {MANIFEST}; exgen writes it")
    _check_target(target, force)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent))
    except OSError as exc:
        raise PackageError(f"cannot create the package next to '{target}': {exc.strerror or exc}") from None
    try:
        all_files = {**files, MANIFEST: manifest(files, info)}
        for rel, data in sorted(all_files.items()):
            dest = tmp.joinpath(*rel.split("/"))
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        if before_rename:
            before_rename(tmp)
        swap(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise PackageError(f"cannot write the package to '{target}': {exc.strerror or exc}") from None
        raise
    return Written(target, len(all_files), sum(len(b) for b in all_files.values()))


def _check_target(target: Path, force: bool) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise PackageError(f"'{target}' exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not is_package(target) and not force:
        raise PackageError(f"'{target}' exists and is not an exgen package; use --force to replace it")


def swap(tmp: Path, target: Path) -> None:
    """Put ``tmp`` where ``target`` is; the old package is removed only once the new one is in place."""
    if not target.exists():
        os.replace(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=tmp.parent))
    old.rmdir()
    os.replace(target, old)
    try:
        os.replace(tmp, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
