"""Diagnostic reports: one small formatter per output format, chosen by name."""

from __future__ import annotations

import json
import typing as t

from exgen import __version__
from exgen.core.diagnostics import Diagnostic, Severity

#: Version of the ``--format json`` structure; bump it when a field changes meaning.
JSON_REPORT_VERSION = 1


def summary_line(diagnostics: t.Sequence[Diagnostic], files: int) -> str:
    """``2 files, 1 error, 3 warnings``."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    return f"{_plural(files, 'file')}, {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text(diagnostics: t.Sequence[Diagnostic], files: t.Sequence[str]) -> str:
    """``path:line:col: severity[code]: message`` lines and a summary."""
    lines = [d.as_text() for d in diagnostics]
    lines.append(summary_line(diagnostics, len(files)))
    return "\n".join(lines) + "\n"


def as_json(diagnostics: t.Sequence[Diagnostic], files: t.Sequence[str]) -> str:
    """A versioned JSON document (see docs/diagnostics.md for its fields)."""
    doc = {
        "version": JSON_REPORT_VERSION,
        "tool": {"name": "exgen", "version": __version__},
        "files": list(files),
        "summary": {
            "files": len(files),
            "errors": sum(d.severity is Severity.ERROR for d in diagnostics),
            "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
        },
        "diagnostics": [
            {
                "file": d.location.file,
                "line": d.location.line,
                "col": d.location.col,
                "pointer": d.pointer,
                "code": d.code,
                "severity": str(d.severity),
                "message": d.message,
            }
            for d in diagnostics
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: t.Sequence[Diagnostic], files: t.Sequence[str]) -> str:
    """GitHub Actions workflow commands: one annotation per diagnostic."""
    out = []
    for d in diagnostics:
        level = {"error": "error", "warning": "warning"}.get(str(d.severity), "notice")
        props = [f"file={_gh_property(d.location.file)}"]
        if d.location.line:
            props += [f"line={d.location.line}", f"col={d.location.col}"]
        props.append(f"title={_gh_property(d.code)}")
        out.append(f"::{level} {','.join(props)}::{_gh_data(d.message)}")
    out.append(summary_line(diagnostics, len(files)))
    return "\n".join(out) + "\n"


def sarif(diagnostics: t.Sequence[Diagnostic], files: t.Sequence[str]) -> str:
    """SARIF 2.1.0, so code-scanning dashboards show exercise errors next to the lines."""
    from urllib.parse import quote

    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    codes = sorted({d.code for d in diagnostics})
    results = []
    for d in diagnostics:
        physical: dict[str, t.Any] = {"artifactLocation": {"uri": quote(d.location.file.replace("\\", "/"))}}
        if d.location.line:
            physical["region"] = {"startLine": d.location.line, "startColumn": max(d.location.col, 1)}
        location: dict[str, t.Any] = {"physicalLocation": physical}
        if d.pointer:
            location["logicalLocations"] = [{"fullyQualifiedName": d.pointer, "kind": "element"}]
        results.append({"ruleId": d.code, "ruleIndex": codes.index(d.code), "level": levels[d.severity],
                        "message": {"text": d.message}, "locations": [location]})
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "exgen",
                "version": __version__,
                "informationUri": "https://exgen.example.org/docs/diagnostics",
                "rules": [{"id": c, "name": c, "helpUri": f"https://exgen.example.org/docs/diagnostics#{c}"}
                          for c in codes],
            }},
            "artifacts": [{"location": {"uri": quote(f.replace("\\", "/"))}} for f in files],
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, t.Callable[[t.Sequence[Diagnostic], t.Sequence[str]], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}
