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


def check(path: str, *, strict: bool = False, loaded: Loaded | None = None, split: bool = False) -> Checked:
    """Load and validate one root definition; every problem becomes a diagnostic. ``loaded`` is
    what :func:`exgen.load.load` already gave for ``path`` in this run (it is not read again).
    With ``split``, a large definition is checked on two cores (:mod:`exgen.check.split`); the
    findings are the same."""
    from exgen.core.collector import paused_gc

    # The collector would walk the whole growing document, model and comms picture again and
    # again (over a third of the time at 10,000 injects); what they leave is collected after.
    with paused_gc():
        return _check(path, strict, loaded, split)


def _check(path: str, strict: bool, loaded: Loaded | None, split: bool) -> Checked:
    from exgen import load
    from exgen.check import split as halves

    document, found = loaded if loaded is not None else load.load(path)
    found = list(found)
    result = Checked(path, document, found)
    if document is None or has_errors(found):
        return _finish(result, strict)
    if split and halves.worth_it(document):
        return _finish(_two_halves(result, document), strict)
    schema_found = _schema(document)
    result.diagnostics += schema_found
    if _schema_blocks(schema_found):
        return _finish(result, strict)
    from exgen.check import semantic

    stage = semantic.run(document.data, document.sources, document.register)
    result.diagnostics += stage.diagnostics
    result.model, result.comms = stage.model, stage.comms
    return _finish(result, strict)


def _schema(document: Document) -> list[Diagnostic]:
    from exgen.check import schema

    return schema.validate_data(document.data, document.sources, clean=document.clean)


def _schema_blocks(found: list[Diagnostic]) -> bool:
    """True when the schema's findings stop the rules: a control character or an overlong text
    leaves the definition well-formed, and the rules still run."""
    from exgen.check import scalars

    return has_errors(d for d in found if d.code not in scalars.TEXT_CODES)


#: The rule families (:data:`exgen.check.rules.FAMILIES`) the helper runs after the schema and the
#: model; this process runs the others and the gap register after the comms analysis, so both halves
#: end together. At 10,000 injects, with all of them the helper ended 0.08 s after this process;
#: with the first four, this process 0.07 s after the helper; with five, within 0.015 s.
HELPER_FAMILIES = 5


def _rules_half(document: Document) -> tuple[list[Diagnostic], list[Diagnostic] | None]:
    """The helper's half: the schema's findings, then (when they allow it and the model builds)
    the findings of the first :data:`HELPER_FAMILIES` rule families; None for the latter otherwise."""
    from exgen import model
    from exgen.check import rules, semantic

    schema_found = _schema(document)
    if _schema_blocks(schema_found):
        return schema_found, None
    built, _ = model.build_data(document.data, document.sources)
    if built is None:
        return schema_found, None
    return schema_found, semantic.rule_findings(built, document.data, document.sources, document.register,
                                                rules.FAMILIES[:HELPER_FAMILIES], with_gaps=False)


def _two_halves(result: Checked, document: Document) -> Checked:
    """The schema and the first rule families in a forked helper, the model, the comms analysis
    and the other rule families here, then merged in the order the one-process path gives."""
    from exgen import model
    from exgen.check import rules, semantic
    from exgen.core.forked import Helper

    def half() -> tuple[list[Diagnostic], list[Diagnostic] | None]:
        return _rules_half(document)

    helper = Helper(half)
    try:
        failed: Exception | None = None
        stage = None
        analysed = None
        rest: list[Diagnostic] = []
        try:  # before the schema verdict: what this finds or raises on a refused definition is dropped
            built, model_found = model.build_data(document.data, document.sources)
            stage = semantic.Semantic(model_found, built)
            if built is not None:
                analysed = semantic.comms_part(built, document.sources)
                rest = semantic.rule_findings(built, document.data, document.sources, document.register,
                                              rules.FAMILIES[HELPER_FAMILIES:])
        except Exception as exc:  # kept, and raised below if the schema passed
            failed = exc
        schema_found, ruled = helper.result(fallback=half)  # a helper that failed: its half done here
    except BaseException:
        helper.stop()
        raise
    result.diagnostics += schema_found
    if _schema_blocks(schema_found):
        return result
    if failed is not None:
        raise failed
    assert stage is not None
    if analysed is not None and ruled is not None:  # the rules in one-process order: the helper's families first
        stage = semantic.finish(document.data, document.sources, stage, [*ruled, *rest], analysed)
    result.diagnostics += stage.diagnostics
    result.model, result.comms = stage.model, stage.comms
    return result


def _finish(result: Checked, strict: bool) -> Checked:
    found = result.diagnostics
    if strict:
        found = [d.promoted() for d in found]
    result.diagnostics = sort_diagnostics(found)
    return result
