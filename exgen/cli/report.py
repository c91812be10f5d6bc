"""Diagnostic reports: one small formatter per output format, chosen by name."""

from __future__ import annotations

import typing as t

from exgen import __version__
from exgen.core.diagnostics import Diagnostic, Severity
from exgen.core.text import json_text, printable

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
    """``path:line:col: severity[code]: message`` lines and a summary.

    Every line is :func:`~exgen.core.text.printable`: a control character in a file name or a
    message (a title, an id) is shown as an escape, so it cannot drive the terminal or forge a line.
    """
    lines = [line(d) for d in diagnostics]
    lines.append(summary_line(diagnostics, len(files)))
    return "\n".join(lines) + "\n"


def line(diagnostic: Diagnostic) -> str:
    """One diagnostic as one printable line."""
    return printable(diagnostic.as_text())


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
        "diagnostics": [_json_entry(d) for d in diagnostics],
    }
    return json_text(doc) + "\n"


def _json_entry(d: Diagnostic) -> dict[str, t.Any]:
    """One diagnostic of the JSON report; ``cell`` only for a finding located in a spreadsheet."""
    entry: dict[str, t.Any] = {"file": d.location.file, "line": d.location.line, "col": d.location.col,
                               "pointer": d.pointer, "code": d.code, "severity": str(d.severity),
                               "message": d.message}
    if d.location.cell:
        entry["cell"] = d.location.cell
    return entry


def _gh_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded, other controls escaped."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _gh_property(text: str) -> str:
    """A workflow command's property value: as data, plus ``:`` and ``,``, which end a property."""
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
        message = f"{d.location.cell}: {d.message}" if d.location.cell else d.message
        out.append(f"::{level} {','.join(props)}::{_gh_data(message)}")
    out.append(summary_line(diagnostics, len(files)))
    return "\n".join(out) + "\n"


def sarif(diagnostics: t.Sequence[Diagnostic], files: t.Sequence[str]) -> str:
    """SARIF 2.1.0, so code-scanning dashboards show exercise errors next to the lines."""
    from exgen.cli import sarif as sarif_log

    return json_text(sarif_log.log(diagnostics, files)) + "\n"


FORMATS: dict[str, t.Callable[[t.Sequence[Diagnostic], t.Sequence[str]], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}
