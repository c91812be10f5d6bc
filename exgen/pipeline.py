"""The pipeline's stages wired together: load → schema → rules → comms."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from exgen.diagnostics import Diagnostic, has_errors, sort_diagnostics

if t.TYPE_CHECKING:
    from exgen.load import Document


@dataclass
class Checked:
    """What validating one root definition produced."""

    path: str
    document: Document | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    model: t.Any = None
    comms: t.Any = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def files(self) -> list[str]:
        return [f.display for f in self.document.files] if self.document else [self.path]


def check(path: str, *, strict: bool = False) -> Checked:
    """Load and validate one root definition; every problem becomes a diagnostic."""
    from exgen import load, schema

    document, found = load.load(path)
    result = Checked(path, document, found)
    if document is None or has_errors(found):
        return _finish(result, strict)
    schema_found = schema.validate(document)
    result.diagnostics += schema_found
    if has_errors(schema_found):
        return _finish(result, strict)
    _semantic(result)
    return _finish(result, strict)


def _semantic(result: Checked) -> None:
    """Rules and comms analysis on a schema-valid document (when those stages exist)."""
    try:
        from exgen import comms, model, rules
    except ImportError:  # pragma: no cover - stages arrive with the semantic-rules issue
        return
    assert result.document is not None
    built, found = model.build(result.document)
    result.diagnostics += found
    if built is None:
        return
    result.model = built
    result.diagnostics += rules.check(built, result.document.sources)
    picture = comms.analyse(built)
    result.comms = picture
    result.diagnostics += comms.diagnose(picture, built, result.document.sources)


def _finish(result: Checked, strict: bool) -> Checked:
    found = result.diagnostics
    if strict:
        found = [d.promoted() for d in found]
    result.diagnostics = sort_diagnostics(found)
    return result
