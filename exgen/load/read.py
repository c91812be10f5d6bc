"""One file from path to parsed data: resolve, refuse what is not a regular file, read, decode, parse.

Nothing here opens a file before :func:`os.stat` has said it is a regular file, so a FIFO, a
device or a socket is refused without being read (a read could block forever or never end).
Every problem is a ``(code, message)`` pair or a located diagnostic, never an exception.
"""

from __future__ import annotations

import codecs
import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path

from exgen.core.collector import paused_gc
from exgen.core.diagnostics import Diagnostic, Location, error
from exgen.load import json_text, yaml_events
from exgen.load.yaml_events import Built

MAX_FILE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class FileRead:
    """One file read and parsed, or why it could not be read."""

    sha256: str = ""  #: hex digest of the raw bytes
    built: Built | None = None  #: None when the bytes could not be read
    problem: tuple[str, str] | None = None  #: ``(code, message)`` when they could not


#: Files discovery parsed without a problem, kept for the next load of the same unchanged file.
_kept: dict[Path, tuple[tuple[int, ...], FileRead]] = {}


def read_file(display: str, path: Path) -> FileRead:
    """Read and parse the file at resolved ``path`` (shown as ``display``).

    A file :func:`keep` was given, and that has not changed since, is not read again.
    """
    if _kept:
        kept = _kept.pop(path, None)
        if kept is not None and kept[0] == _version(path):
            return kept[1]
    raw = read_bytes(display, path)
    if not isinstance(raw, bytes):
        return FileRead(problem=raw)
    return FileRead(hashlib.sha256(raw).hexdigest(), parse(raw, display, path.suffix.lower() == ".json"))


def keep(path: Path, got: FileRead) -> None:
    """Keep a clean parse of resolved ``path`` for the next :func:`read_file` of it (discovery parses
    each file to tell roots from fragments; validation then need not parse it again). Only a parse
    without diagnostics is kept: a diagnostic names the file as it was shown when it was read."""
    if got.built is not None and got.built.complete and not got.built.diagnostics:
        version = _version(path)
        if version:
            _kept[path] = (version, got)


def _version(path: Path) -> tuple[int, ...]:
    """What tells a changed file from an unchanged one without reading it (empty if it cannot be seen)."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return ()
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def read_bytes(display: str, path: Path) -> bytes | tuple[str, str]:
    """The file's bytes, or the code and message saying why they cannot be used."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return "file-unreadable", f"{display} is a directory, not a file"
        if not stat.S_ISREG(info.st_mode):
            return "file-unreadable", f"{display} is not a regular file (it is {_kind(info.st_mode)})"
        if info.st_size > MAX_FILE_BYTES:
            return _too_large(display)
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return "file-not-found", f"file {display} not found"
    except (OSError, ValueError) as problem:
        return "file-unreadable", f"cannot read {display}: {reason(problem)}"
    if len(raw) > MAX_FILE_BYTES:
        return _too_large(display)
    return raw


def reason(problem: BaseException) -> str:
    """Why a path could not be used, in plain words."""
    if isinstance(problem, RuntimeError):  # Path.resolve on a symlink loop (Python 3.11, 3.12)
        return "a symlink loop"
    if isinstance(problem, ValueError):
        return "the name holds a NUL character" if "null" in str(problem) else str(problem)
    text = getattr(problem, "strerror", None) or str(problem)
    return "a symlink loop" if text == "Too many levels of symbolic links" else text


def resolve(display: str) -> Path | str:
    """Absolute path with symlinks followed, or why the path cannot be used."""
    try:
        return Path(display).resolve()
    except (OSError, ValueError, RuntimeError) as problem:
        return reason(problem)


def _kind(mode: int) -> str:
    """What a non-regular file is, for messages."""
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def _too_large(display: str) -> tuple[str, str]:
    """The problem of a file over the size limit."""
    return "file-too-large", f"{display} is larger than {MAX_FILE_BYTES >> 20} MiB"


# --- bytes → text → data ---------------------------------------------------------------


def parse(raw: bytes, display: str, is_json: bool) -> Built:
    """Decode and parse one file's bytes."""
    text, problem = _decode(raw, display)
    if problem is not None:
        return Built(diagnostics=[problem])
    assert text is not None
    with paused_gc():
        return json_text.parse_json(text, display) if is_json else yaml_events.build(text, display)


def _decode(raw: bytes, display: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text without BOM, or a ``binary-file``/``not-utf8`` diagnostic."""
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        message = "this is a binary file, not a YAML or JSON definition"
        return None, error("binary-file", message, Location(display, line, col))
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as problem:
        line, col = _byte_position(raw, problem.start)
        message = f"not valid UTF-8 (byte 0x{raw[problem.start]:02X}); save the file as UTF-8"
        return None, error("not-utf8", message, Location(display, line, col))


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, col) of byte ``offset``, the column counted in characters."""
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", "replace")) + 1
