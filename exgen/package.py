"""Write a package atomically: temporary directory beside the target, manifest, rename.

The previous package survives any failure: files go to ``.<name>.tmp-*`` next to the
target, and only a complete package is swapped into place (:mod:`exgen.core.staging`). A
package may not grow past the size its writer is given (``exgen build --max-package-size``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import stat
import typing as t
from dataclasses import dataclass
from pathlib import Path

from exgen.core import paths, staging

MANIFEST = "manifest.json"
GENERATOR = "exgen"
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class PackageError(Exception):
    """The package cannot be written where asked (a user-facing message)."""

    #: The diagnostic code the build reports it under.
    code = "package"


class PackageTooLarge(PackageError):
    """The package would grow past its size limit."""

    code = "package-too-large"


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


def manifest(entries: t.Iterable[tuple[str, str, int]], info: dict[str, t.Any]) -> bytes:
    """manifest.json: generator facts plus every file's ``(path, sha256, size)``, in path order."""
    doc = {
        "generator": GENERATOR,
        **info,
        "files": [{"path": p, "sha256": h, "size": n} for p, h, n in sorted(entries)],
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def is_package(path: Path) -> bool:
    """True when ``path`` holds an exgen package (its manifest names exgen)."""
    return read_manifest(path) is not None


def read_manifest(path: Path) -> dict[str, t.Any] | None:
    """The manifest of the exgen package in folder ``path``, or None when there is none."""
    raw = paths.read_regular(path / MANIFEST)  # never opens a named pipe or a device
    try:
        data = json.loads(raw.decode("utf-8")) if raw is not None else None
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("generator") == GENERATOR else None


def intact(path: Path, recorded: dict[str, t.Any]) -> tuple[int, int] | None:
    """``(files, bytes)`` of the package in ``path`` when every file its manifest lists is there as
    a regular file of the recorded size (sizes, not hashes: a look, not a proof); else None."""
    files, size = 1, 0
    try:
        size += (path / MANIFEST).stat().st_size
        for entry in recorded["files"]:
            info = path.joinpath(*check_relative(entry["path"]).split("/")).lstat()
            if not stat.S_ISREG(info.st_mode) or info.st_size != entry["size"]:
                return None
            files, size = files + 1, size + info.st_size
    except (OSError, KeyError, TypeError, PackageError):
        return None
    return files, size


class Writer:
    """A package written file by file into a temporary directory beside the target.

    Each file goes to disk (and into the manifest's hash list) as soon as it is rendered, so a
    10,000-card package is never held in memory. Nothing appears at the target until
    :meth:`commit`; leaving the ``with`` block without committing (an error, Ctrl-C) removes
    the temporary directory and leaves any previous package as it was.
    """

    def __init__(self, target: Path, *, force: bool = False, max_size: int | None = None) -> None:
        self.target = target
        self.max_size = max_size
        self.size = 0
        try:
            staging.check_target(target, force, is_package, "package")
            self.tmp = staging.new_dir(target, "package")
        except staging.StagingError as exc:
            raise PackageError(str(exc)) from None
        self.entries: dict[str, tuple[str, int]] = {}
        self.committed = False

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            self.abort()

    def record(self, rel: str, sha256: str, size: int) -> None:
        """Account for a file another process has already written into :attr:`tmp`."""
        check_relative(rel)
        if rel == MANIFEST:
            raise PackageError(f"a template may not write {MANIFEST}; exgen writes it")
        if rel in self.entries:
            raise PackageError(f"two outputs write '{rel}'; give them different output paths")
        self.entries[rel] = (sha256, size)
        self.size += size
        if self.max_size is not None and self.size > self.max_size:
            raise PackageTooLarge(f"the package grew past {_size_text(self.max_size)}, the limit for one package, at "
                                  f"'{rel}'; nothing was written (raise the limit with --max-package-size)")

    def _io(self, action: t.Callable[[], object]) -> None:
        """Run one file-system step of :meth:`commit` (its result unused); an OSError is a PackageError."""
        try:
            action()
        except OSError as exc:
            raise PackageError(f"cannot write the package to '{self.target}': {exc.strerror or exc}") from None

    def commit(self, info: dict[str, t.Any], before_rename: t.Callable[[Path], None] | None = None) -> Written:
        """Write the manifest and put the package in place of the target (atomically where the
        system can: :func:`exgen.core.staging.swap`)."""
        data = manifest(((p, h, n) for p, (h, n) in self.entries.items()), info)
        self._io(lambda: (self.tmp / MANIFEST).write_bytes(data))
        if before_rename:
            before_rename(self.tmp)
        self._io(lambda: staging.swap(self.tmp, self.target))
        self.committed = True
        return Written(self.target, len(self.entries) + 1, sum(n for _, n in self.entries.values()) + len(data))

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def put(folder: Path, rel: str, data: bytes) -> tuple[str, str, int]:
    """Write one file under ``folder`` (a package being built); its manifest entry."""
    return put_chunks(folder, rel, (data,))


def put_chunks(folder: Path, rel: str, chunks: t.Iterable[bytes]) -> tuple[str, str, int]:
    """Write one file under ``folder`` as its pieces come, hashing them on the way; its
    manifest entry ``(rel, sha256, size)``. A failed write is a PackageError.

    Safe to call from several processes at once: each file has one writer, and folders are
    created with ``exist_ok``. A folder is made only when the file cannot be opened without it
    (10,000 inject cards share one folder: two system calls fewer for each).
    """
    dest = folder.joinpath(*check_relative(rel).split("/"))
    digest, size = hashlib.sha256(), 0
    try:
        try:
            out = dest.open("wb")
        except FileNotFoundError:
            dest.parent.mkdir(parents=True, exist_ok=True)
            out = dest.open("wb")
    except OSError as exc:
        raise _write_error(rel, exc) from None
    with out:
        for chunk in chunks:  # rendering errors from the producer pass through unchanged
            try:
                out.write(chunk)
            except OSError as exc:
                raise _write_error(rel, exc) from None
            digest.update(chunk)
            size += len(chunk)
    return rel, digest.hexdigest(), size


def _size_text(size: int) -> str:
    """
    >>> _size_text(2 * 2**30), _size_text(1536 * 2**10), _size_text(500)
    ('2 GiB', '1.5 MiB', '500 B')
    """
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def _write_error(rel: str, exc: OSError) -> PackageError:
    return PackageError(f"cannot write '{rel}' into the package: {exc.strerror or exc}")
