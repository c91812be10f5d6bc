"""Rendered text → binary document: what every conversion shares, and running one in its own process.

An output of ``outputs.yaml`` with ``convert: typst``, ``xlsx`` or ``zip`` passes its rendered
text through a converter (:data:`exgen.render.converters.CONVERTERS`): :mod:`~exgen.render.typst`,
:mod:`~exgen.render.xlsx` or :mod:`~exgen.render.archive`. Converters are pure functions of their
input: no clock (document dates come from the exercise's STARTEX, :func:`document_date`), no
network, no file system, so the same package renders to the same bytes. A user-facing failure (a
template that produced an unusable spec, a file the Typst compiler may not read) is a
:class:`ConvertError`; the renderer turns it into a located ``convert-failed`` diagnostic.

Each conversion runs in a new Python process (:func:`convert_in_fresh_process`, which starts
``python -m exgen.cli.convert``), so the PDF engine's memory is never added to a process
holding the render context.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import subprocess
import sys
import threading
import typing as t
from pathlib import Path

from exgen.render.limits import DEFAULT, Limits, killed_by_limit, signal_name

Data = dict[str, t.Any]

#: Exit code of the converter process for a ConvertError (its message is the last line of stderr).
CONVERT_FAILED = 3
#: Exit code of the converter process that went over its CPU-time or memory limit.
LIMIT_EXCEEDED = 4


class ConvertError(Exception):
    """The rendered text cannot become the document (a message for the user, no traceback)."""


class ConvertLimit(ConvertError):
    """The converter process went over its CPU-time or memory limit."""


def document_date(context: Data) -> dt.datetime:
    """STARTEX from the render context, as an aware UTC datetime (the documents' fixed date).

    >>> document_date({"exercise": {"startex": "2027-05-10T06:00:00Z"}}).isoformat()
    '2027-05-10T06:00:00+00:00'
    """
    raw = str(context.get("exercise", {}).get("startex", "1970-01-01T00:00:00Z"))
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        value = dt.datetime(1970, 1, 1)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def convert_in_fresh_process(kind: str, source: str, folder: str, rel: str, startex: str, *,
                             limits: Limits | None = None) -> tuple[str, str, int]:
    """:func:`~exgen.render.converters.convert_file` in a new Python process
    (``python -m exgen.cli.convert``): its manifest entry.

    The PDF engine needs the most memory of a build; a new interpreter holds only the
    converter, not a copy of the render context of the process that asked. The child runs
    under ``limits`` (:mod:`exgen.render.limits`) in a session of its own (Ctrl-C at the
    terminal reaches only exgen, which stops it: :func:`stop_children`) and dies with this
    process. A ConvertError in the child is raised here with its message; a child that went
    over a limit is a :class:`ConvertLimit`; any other failure of the child a ConvertError,
    named as such.
    """
    limits = limits or DEFAULT
    # The child imports this very copy of exgen, wherever it was imported from.
    here = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}
    argv = [sys.executable, "-m", "exgen.cli.convert", kind, source, folder, rel, startex,
            str(limits.render_seconds), str(limits.render_memory), str(os.getpid())]
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env, start_new_session=True)
    with _Children.lock:
        _Children.running.add(child)
    try:
        out, err = child.communicate()
    finally:
        with _Children.lock:
            _Children.running.discard(child)
    if child.returncode == 0:
        digest, size = out.split()
        return rel, digest, int(size)
    said = out.strip().splitlines()[-1] if out.strip() else signal_name(child.returncode)
    if child.returncode == CONVERT_FAILED:
        raise ConvertError(said)
    if child.returncode == LIMIT_EXCEEDED:
        raise ConvertLimit(said)
    how = signal_name(child.returncode)
    if killed_by_limit(child.returncode):
        raise ConvertLimit(f"the {kind} conversion was stopped ({how}): it went over its CPU-time or memory "
                           f"limit (raise them with --max-render-seconds, --max-render-memory)")
    if child.returncode < 0:  # a C library that cannot allocate often crashes instead of failing
        raise ConvertError(f"the {kind} converter process crashed ({how}); if the document is very large it may "
                           f"have run out of memory (raise the limit with --max-render-memory)")
    message = _error_line(err) or f"exit code {child.returncode}"
    raise ConvertError(f"the {kind} converter process failed ({message}); if the document is very large it may "
                       f"have run out of memory (raise the limit with --max-render-memory)")


def _error_line(stderr: str) -> str | None:
    """The last ``SomeError: message`` line a failed child printed, not the noise a process out
    of memory prints on its way out ("Exception ignored in ...").

    >>> _error_line("Traceback (most recent call last):\\n  ...\\nOSError: [Errno 28] No space left on device")
    'OSError: [Errno 28] No space left on device'
    >>> _error_line("Exception ignored in: Exception ignored in sys.unraisablehook") is None
    True
    """
    lines = [line.strip() for line in stderr.splitlines()]
    found = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b", line)
             and not line.startswith("Exception ignored")]
    return found[-1][:300] if found else None


class _Children:
    """Converter processes running now (several threads of one build start them)."""

    lock = threading.Lock()
    running: set[subprocess.Popen[str]] = set()


def stop_children() -> None:
    """Kill every converter process this process is waiting for (a build that is stopping)."""
    with _Children.lock:
        for child in _Children.running:
            with contextlib.suppress(OSError):
                child.kill()
