"""Rendered text → binary document: what every conversion shares, and running one in its own process.

An output of ``outputs.yaml`` with ``convert: pdf`` or ``convert: xlsx`` passes its rendered
text through a converter (:data:`exgen.render.converters.CONVERTERS`): :mod:`~exgen.render.pdf`
or :mod:`~exgen.render.xlsx`. Converters are pure functions of their input: no clock (document
dates come from the exercise's STARTEX, :func:`document_date`), no network, no file system, so
the same package renders to the same bytes. A user-facing failure (a template that produced an
unusable spec, a resource the PDF engine refused) is a :class:`ConvertError`; the renderer
turns it into a located ``convert-failed`` diagnostic.

Each conversion runs in a new Python process (:func:`convert_in_fresh_process`, which starts
``python -m exgen.cli.convert``), so the PDF engine's memory is never added to a process
holding the render context.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import typing as t
from pathlib import Path

Data = dict[str, t.Any]

#: Exit code of the converter process for a ConvertError (its message is the last line of stderr).
CONVERT_FAILED = 3


class ConvertError(Exception):
    """The rendered text cannot become the document (a message for the user, no traceback)."""


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


def convert_in_fresh_process(kind: str, source: str, folder: str, rel: str, startex: str) -> tuple[str, str, int]:
    """:func:`~exgen.render.converters.convert_file` in a new Python process
    (``python -m exgen.cli.convert``): its manifest entry.

    The PDF engine needs the most memory of a build; a new interpreter holds only the
    converter, not a copy of the render context of the process that asked. A ConvertError
    in the child is raised here with its message; any other failure of the child too,
    named as such.
    """
    # The child imports this very copy of exgen, wherever it was imported from.
    here = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}
    done = subprocess.run([sys.executable, "-m", "exgen.cli.convert", kind, source, folder, rel, startex],
                          capture_output=True, text=True, check=False, env=env)
    if done.returncode == 0:
        digest, size = done.stdout.split()
        return rel, digest, int(size)
    message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit code {done.returncode}"
    if done.returncode == CONVERT_FAILED:
        raise ConvertError(message)
    raise ConvertError(f"the {kind} converter process failed ({message})")
