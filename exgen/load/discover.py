"""Which root definitions to validate, from the files, directories and globs a user names.

A root definition has a top-level ``exgen:`` key; files it includes are fragments. A
directory is searched for roots; a fragment named directly (as pre-commit does with
changed files) is validated through the root that includes it.
"""

from __future__ import annotations

import glob
import os
import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

EXTENSIONS = (".yaml", ".yml", ".json")
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", "build", "dist"}
_ROOT_MARK = re.compile(r'^(exgen|"exgen"\s*)\s*:', re.MULTILINE)
# A root's exgen key holds the format version; a JSON Schema's "exgen" property holds an object.
_ROOT_MARK_JSON = re.compile(r'"exgen"\s*:\s*[0-9]')
#: Only the head of a file is read to tell a root from a fragment.
_HEAD = 64 * 1024


@dataclass
class Targets:
    """Roots to validate (display paths, in a stable order) and names that matched nothing."""

    roots: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    #: Text files that are neither definitions nor included by one (e.g. a CI config pre-commit passed).
    skipped: list[str] = field(default_factory=list)


def is_root(path: Path) -> bool:
    """True when the file looks like a root definition (has a top-level ``exgen`` key).

    Unreadable or binary files count as roots, so the loader refuses them with its own codes
    instead of discovery passing over them.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_HEAD)
        head = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return True
    if "\x00" in head:
        return True
    pattern = _ROOT_MARK_JSON if path.suffix == ".json" else _ROOT_MARK
    return bool(pattern.search(head))


def _walk(directory: Path) -> t.Iterator[Path]:
    for base, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(EXTENSIONS):
                yield Path(base) / name


def _includes(root: Path) -> set[Path]:
    """Every file a root includes (resolved), by loading it."""
    from exgen import load

    document, _ = load.load(root)
    if document is None:
        return set()
    return {f.path for f in document.files[1:]}


def find(names: t.Sequence[str]) -> Targets:
    """Expand ``names`` (files, directories, globs) into root definitions to validate."""
    out = Targets()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.roots.append(os.path.normpath(str(path)))

    for name in names:
        if any(ch in name for ch in "*?[") and not Path(name).exists():
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                out.unmatched.append(name)
            for match in matches:
                _add_path(Path(match), add, out)
        else:
            _add_path(Path(name), add, out)
    return out


def _add_path(path: Path, add: t.Callable[[Path], None], out: Targets) -> None:
    if path.is_dir():
        candidates = [p for p in _walk(path) if is_root(p)]
        included: set[Path] = set()
        for root in candidates:
            included |= _includes(root)
        for root in candidates:
            if root.resolve() not in included:
                add(root)
        return
    if not path.exists() or is_root(path) or path.suffix not in EXTENSIONS:
        add(path)  # the loader reports missing or unreadable files with their own codes
        return
    owners = _owning_roots(path)
    for owner in owners:
        add(owner)
    if not owners:
        out.skipped.append(str(path))


def _owning_roots(fragment: Path) -> list[Path]:
    """Roots in the fragment's folder or above (up to the repository root) that include it."""
    target = fragment.resolve()
    folder = target.parent
    # Search up to the repository root, or four folders up when there is none.
    top = next((p for p in [folder, *folder.parents][:5] if (p / ".git").exists()),
                   [folder, *folder.parents][min(4, len(folder.parents))])
    found: list[Path] = []
    while True:
        for candidate in sorted(p for p in folder.iterdir() if p.suffix in EXTENSIONS and p.is_file()):
            if is_root(candidate) and target in _includes(candidate):
                found.append(_display(candidate))
        if found or folder == top or folder.parent == folder:
            return found
        folder = folder.parent


def _display(path: Path) -> Path:
    try:
        return Path(os.path.relpath(path))
    except ValueError:
        return path
