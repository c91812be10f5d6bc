"""Atomic directory output: build beside the target, then swap it into place.

A package or a draft is written into ``.<name>.tmp-*`` next to its target; only a complete
directory replaces the target, and an old one is removed only once the new one is in place.
So a failure, a full disk or Ctrl-C never leaves half an output where the user looks.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import typing as t
from pathlib import Path


class StagingError(Exception):
    """The output cannot be staged or put in place (a user-facing message)."""


def new_dir(target: Path, what: str) -> Path:
    """A new, empty temporary directory beside ``target`` (``what`` names the output in errors)."""
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent))
    except OSError as exc:
        raise StagingError(f"cannot create the {what} next to '{target}': {exc.strerror or exc}") from None


def check_target(target: Path, force: bool, is_ours: t.Callable[[Path], bool], what: str) -> None:
    """Refuse a target that is a file or a link, or a non-empty directory that ``is_ours`` does not
    recognise as an earlier output of the same kind (unless ``force``)."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise StagingError(f"'{target}' exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not is_ours(target) and not force:
        raise StagingError(f"'{target}' exists and is not an exgen {what}; use --force to replace it")


def swap(tmp: Path, target: Path) -> None:
    """Put ``tmp`` where ``target`` is; the old directory is removed only once the new one is in place."""
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
