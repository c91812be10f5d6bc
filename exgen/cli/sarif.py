"""The SARIF 2.1.0 log of ``exgen validate --format sarif``.

Artifact locations are real URIs: a file under the current directory is a relative reference
resolved against the ``%SRCROOT%`` base, whose ``file://`` URI ``originalUriBaseIds`` gives; any
other file is an absolute ``file://`` URI. Rules carry the friendly name and the short and full
descriptions of docs/diagnostics.md (shipped as ``exgen/data/diagnostic_codes.json``).
"""

from __future__ import annotations

import os
import posixpath
import typing as t
from urllib.parse import quote

from exgen import __version__
from exgen.cli import codes as code_table
from exgen.core.diagnostics import Diagnostic, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS_URI = "https://exgen.example.org/docs/diagnostics"
#: The uriBaseId of files under the directory exgen ran in.
SRCROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_location(name: str, base: str) -> dict[str, str]:
    """``name`` (as exgen shows it: relative to ``base`` or absolute) as a SARIF artifactLocation."""
    path = name.replace("\\", "/") if os.sep == "\\" else name
    absolute = posixpath.normpath(path if posixpath.isabs(path) else posixpath.join(base, path))
    inside = posixpath.relpath(absolute, base) if absolute.startswith(base.rstrip("/") + "/") else None
    if inside is not None:
        return {"uri": quote(inside, safe="/"), "uriBaseId": SRCROOT}
    return {"uri": file_uri(absolute)}


def file_uri(absolute: str, directory: bool = False) -> str:
    """``file://`` URI of an absolute POSIX path, every byte outside the unreserved set percent-encoded."""
    tail = "/" if directory and not absolute.endswith("/") else ""
    return "file://" + quote(absolute + tail, safe="/")


def _base() -> str:
    try:
        return os.getcwd().replace("\\", "/")
    except OSError:  # the directory exgen ran in was removed: every path is shown absolute then
        return "/"


def _rule(code: str, known: dict[str, code_table.Code]) -> dict[str, t.Any]:
    entry = known.get(code)
    short = entry["short"] if entry else f"exgen diagnostic {code}."
    full = entry["full"] if entry else short
    return {
        "id": code,
        "name": code_table.pascal_name(code),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "helpUri": f"{DOCS_URI}#{code}",
    }


def log(diagnostics: t.Sequence[Diagnostic], files: t.Sequence[str]) -> dict[str, t.Any]:
    """The SARIF log as JSON-ready data."""
    base = _base()
    codes = sorted({d.code for d in diagnostics})
    index = {code: i for i, code in enumerate(codes)}
    known = code_table.load()
    results = []
    for d in diagnostics:
        physical: dict[str, t.Any] = {"artifactLocation": artifact_location(d.location.file, base)}
        # A spreadsheet cell is no line of text: it is named as a logical location instead of a region.
        if d.location.line and not d.location.cell:
            physical["region"] = {"startLine": d.location.line, "startColumn": max(d.location.col, 1)}
        location: dict[str, t.Any] = {"physicalLocation": physical}
        logical = [{"fullyQualifiedName": name, "kind": "element"} for name in (d.location.cell, d.pointer) if name]
        if logical:
            location["logicalLocations"] = logical
        message = d.message if d.message.endswith((".", "?", "!")) else d.message + "."
        if d.location.cell:
            message = f"Cell {d.location.cell}: {message}"
        results.append({"ruleId": d.code, "ruleIndex": index[d.code], "level": _LEVELS[d.severity],
                        "message": {"text": message}, "locations": [location]})
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "exgen",
                "version": __version__,
                "informationUri": DOCS_URI,
                "rules": [_rule(c, known) for c in codes],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": file_uri(base, directory=True)}},
            "artifacts": [{"location": artifact_location(f, base)} for f in files],
            "results": results,
        }],
    }
