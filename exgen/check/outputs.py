"""``outputs.yaml``, read like a definition and checked against ``outputs.schema.json``.

The renderer turns the checked data into its template set; reading and checking it here keeps
the renderer free of the loader (an instructor's file is user input, located like any other).
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from exgen import load
from exgen.check import schema
from exgen.core.diagnostics import Diagnostic

SCHEMA = "outputs.schema.json"


def read(files: t.Iterable[tuple[Path, str]]) -> tuple[list[tuple[str, dict[str, t.Any]]], list[Diagnostic]]:
    """The data of each usable ``(path, source)`` file as ``(source, data)``, and every problem found."""
    declarations: list[tuple[str, dict[str, t.Any]]] = []
    found: list[Diagnostic] = []
    for path, source in files:
        doc, problems = load.load(path)
        if doc is not None and not problems:
            problems = schema.validate_data(doc.data, doc.sources, SCHEMA)
        found += problems
        if doc is not None and not problems:
            declarations.append((source, doc.data))
    return declarations, found
