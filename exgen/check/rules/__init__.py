"""Semantic rules: what a schema cannot say about a definition.

:func:`check` runs every rule on the built :class:`~exgen.model.Exercise` and collects all
findings; it never stops at the first and never raises on a schema-valid definition. Each
finding has a stable code from :data:`RULES` (the table ``docs/diagnostics.md`` is checked
against) and points at the most useful JSON pointer: the offending reference itself, not
the element holding it.

The registry: the rules live by family: references and ids in :mod:`exgen.check.rules.refs`, ids that
become file names in :mod:`exgen.check.rules.names`, values (times,
nations, languages, threat ids) in :mod:`exgen.check.rules.values`, symbol codes in
:mod:`exgen.check.rules.sidc`, phases and the MEL hierarchy in
:mod:`exgen.check.rules.structure`, coverage and consistency in :mod:`exgen.check.rules.coverage`;
capability gaps (which read the register, not the model) in :mod:`exgen.check.rules.gaps`.
"""

from __future__ import annotations

import typing as t

from exgen.check.rules import coverage, names, personas, refs, sidc, structure, values
from exgen.check.rules.base import Ctx
from exgen.check.rules.codes import RULES

if t.TYPE_CHECKING:
    from exgen.core.diagnostics import Diagnostic
    from exgen.core.sources import Locator
    from exgen.model import Exercise

__all__ = ["FAMILIES", "RULES", "check"]

#: The rule families, run in this order; each module's CHECKS runs its rules in order.
FAMILIES = (refs, names, values, structure, sidc, personas, coverage)


def check(model: Exercise, sources: Locator, families: t.Sequence[t.Any] = FAMILIES) -> list[Diagnostic]:
    """Every semantic finding about ``model``, located through ``sources``; only those of
    ``families`` (a slice of :data:`FAMILIES`, when two processes share the rules)."""
    ctx = Ctx(model, sources)
    for family in families:
        for rule in family.CHECKS:
            rule(ctx)
    return ctx.found
