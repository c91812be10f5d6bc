"""``outputs.yaml``, read like a definition and checked against ``outputs.schema.json``.

The renderer turns the checked data into its template set; reading and checking it here keeps
the renderer free of the loader (an instructor's file is user input, located like any other).
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from exgen import load
from exgen.check import schema
from exgen.core.diagnostics import Diagnostic, at

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator

SCHEMA = "outputs.schema.json"
#: The file exgen writes itself in every package (exgen.package.MANIFEST; check does not import it).
MANIFEST = "manifest.json"


def read(files: t.Iterable[tuple[Path, str]]) -> tuple[list[tuple[str, dict[str, t.Any]]], list[Diagnostic]]:
    """The data of each usable ``(path, source)`` file as ``(source, data)``, and every problem found."""
    declarations: list[tuple[str, dict[str, t.Any]]] = []
    found: list[Diagnostic] = []
    for path, source in files:
        doc, problems = load.load(path)
        if doc is not None and not problems:
            problems = schema.validate_data(doc.data, doc.sources, SCHEMA)
        if doc is not None and not problems:
            problems = _reserved(doc.data, doc.sources)
        found += problems
        if doc is not None and not problems:
            declarations.append((source, doc.data))
    return declarations, found


def _reserved(data: dict[str, t.Any], sources: Locator) -> list[Diagnostic]:
    """reserved-output: no line declares the package's manifest, in any case (a case-insensitive
    file system would write the template's file and the manifest as one)."""
    found = []
    for i, raw in enumerate(data.get("outputs", [])):
        if raw["output"].lower() == MANIFEST:
            msg = (f"output '{raw['output']}' is the package's {MANIFEST}, which exgen writes itself "
                   "(the list of every file with its checksum); choose another output path")
            found.append(at(sources, f"/outputs/{i}/output", "reserved-output", msg))
    return found
