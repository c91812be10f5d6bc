"""``outputs.yaml``, read like a definition and checked against ``outputs.schema.json``.

The renderer turns the checked data into its template set; reading and checking it here keeps
the renderer free of the loader (an instructor's file is user input, located like any other).
"""

from __future__ import annotations

import re
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
            problems = [_explain_per(d, doc.data) for d in schema.validate_data(doc.data, doc.sources, SCHEMA)]
        if doc is not None and not problems:
            problems = _reserved(doc.data, doc.sources)
        found += problems
        if doc is not None and not problems:
            declarations.append((source, doc.data))
    return declarations, found


def _explain_per(d: Diagnostic, data: t.Any) -> Diagnostic:
    """A ``per`` the schema refuses because the line is for the training audience, said so: such a
    document renders from the player-safe context, which holds no injects, role players,
    objectives or evaluators to render once for."""
    import dataclasses

    match = re.fullmatch(r"/outputs/(\d+)/per", d.pointer or "")
    lines = data.get("outputs") if isinstance(data, dict) else None
    if d.code != "schema-enum" or match is None or not isinstance(lines, list) or int(match[1]) >= len(lines):
        return d
    line = lines[int(match[1])]
    if not isinstance(line, dict) or line.get("audience") not in ("players", "all"):
        return d
    return dataclasses.replace(d, message=(
        f"per: {line.get('per')} cannot be rendered for audience {line['audience']}: a document for the "
        "training audience sees only the player-safe context (no injects, role players, objectives or "
        "evaluators); use per: package, unit, located_unit, pace or net, or audience: excon"))


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
