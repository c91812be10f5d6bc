"""Validate one root definition: load, schema, then the semantic stage; all findings, sorted."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from exgen.core.diagnostics import Diagnostic, has_errors, sort_diagnostics

if t.TYPE_CHECKING:
    from exgen.comms import CommsPicture
    from exgen.load import Document
    from exgen.model import Exercise

    #: What loading a root gave: the document (None when unusable) and the diagnostics.
    Loaded = tuple[Document | None, list[Diagnostic]]


@dataclass
class Checked:
    """What validating one root definition produced."""

    path: str
    document: Document | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    model: Exercise | None = None
    comms: CommsPicture | None = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def files(self) -> list[str]:
        return [f.display for f in self.document.files] if self.document else [self.path]


def check(path: str, *, strict: bool = False, loaded: Loaded | None = None) -> Checked:
    """Load and validate one root definition; every problem becomes a diagnostic. ``loaded`` is
    what :func:`exgen.load.load` already gave for ``path`` in this run (it is not read again)."""
    from exgen.load.yaml_events import paused_gc

    # The collector would walk the whole growing document, model and comms picture again and
    # again (over a third of the time at 10,000 injects); what they leave is collected after.
    with paused_gc():
        return _check(path, strict, loaded)


def _check(path: str, strict: bool, loaded: Loaded | None) -> Checked:
    from exgen import load
    from exgen.check import scalars, schema, semantic

    document, found = loaded if loaded is not None else load.load(path)
    found = list(found)
    result = Checked(path, document, found)
    if document is None or has_errors(found):
        return _finish(result, strict)
    schema_found = schema.validate_data(document.data, document.sources, clean=document.clean)
    result.diagnostics += schema_found
    # A control character or an overlong text leaves the definition well-formed: the rules still run.
    if has_errors(d for d in schema_found if d.code not in scalars.TEXT_CODES):
        return _finish(result, strict)
    stage = semantic.run(document.data, document.sources, document.register)
    result.diagnostics += stage.diagnostics
    result.model, result.comms = stage.model, stage.comms
    return _finish(result, strict)


def _finish(result: Checked, strict: bool) -> Checked:
    found = result.diagnostics
    if strict:
        found = [d.promoted() for d in found]
    result.diagnostics = sort_diagnostics(found)
    return result
