"""Write an import's files so that a failure changes nothing.

Into an existing definition: every file is first written in full beside its target (a hidden
temporary name in the same folder, flushed to disk), and only when all are written are they
renamed over their targets, so an error while writing (a full disk, a read-only folder) leaves
every file as it was. A new definition is staged as a whole directory and swapped into place.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from exgen.core import processes, staging


class WriteError(Exception):
    """The files cannot be written (a user-facing message)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def write_files(texts: dict[Path, str], *, new_root: Path | None = None, force: bool = False) -> list[str]:
    """Write ``texts`` (absolute path → text); ``new_root`` is the directory of a new definition,
    written as a whole. Returns the paths written."""
    if new_root is not None:
        return _new_definition(texts, new_root, force)
    temps: list[tuple[Path, Path]] = []
    try:
        for path, text in sorted(texts.items()):
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.parent / f".{path.name}.import-{processes.owner_tag()}"
            _write(temp, text, like=path)
            temps.append((temp, path))
    except OSError as exc:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
        raise WriteError("import-write-failed", f"cannot write {exc.filename or 'a file'}: "
                         f"{exc.strerror or exc}; nothing was changed") from None
    for temp, path in temps:
        os.replace(temp, path)
    return [str(path) for _, path in temps]


def _write(path: Path, text: str, like: Path) -> None:
    """Write ``text`` and flush it to disk, with the permissions of the file it replaces."""
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    if like.exists():
        os.chmod(path, like.stat().st_mode & 0o7777)


def _new_definition(texts: dict[Path, str], root: Path, force: bool) -> list[str]:
    """Stage the new definition's directory and swap it into place."""
    try:
        staging.check_target(root, force, lambda p: False, "definition folder")
        temp = staging.new_dir(root, "definition")
    except staging.StagingError as exc:
        raise WriteError("import-write-failed", str(exc)) from None
    written: list[str] = []
    try:
        for path, text in sorted(texts.items()):
            target = temp / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
            written.append(str(path))
        staging.swap(temp, root)
    except (OSError, ValueError) as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise WriteError("import-write-failed", f"cannot write the definition into {root}: {exc}") from None
    return written
