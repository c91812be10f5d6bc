"""The semantic stage, once: model, rules, comms analysis and findings, then acceptances.

The pipeline runs it on a schema-valid document; the generator runs it on a draft in memory
and on a brief's definition parts. One function, so the three can never drift apart.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from exgen import comms, model
from exgen.check import accept, comms_effects, comms_findings, rules
from exgen.check.rules import gaps
from exgen.core.diagnostics import Diagnostic

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator


@dataclass
class Semantic:
    """What the semantic stage found: the model and comms picture when the model could be built."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    model: model.Exercise | None = None
    comms: comms.CommsPicture | None = None


def run(data: dict[str, t.Any], sources: Locator, register: gaps.Register | None = None) -> Semantic:
    """Rules and comms analysis on schema-valid ``data``, then the planner's acceptances. ``register``
    is the capability-gap register the root names, as the load stage read it."""
    built, found = model.build_data(data, sources)
    result = Semantic(found)
    if built is None:
        return result
    result.model = built
    return finish(data, sources, result, rule_findings(built, data, sources, register), comms_part(built, sources))


def rule_findings(built: model.Exercise, data: dict[str, t.Any], sources: Locator,
                  register: gaps.Register | None, families: t.Sequence[t.Any] = rules.FAMILIES,
                  with_gaps: bool = True) -> list[Diagnostic]:
    """The rules' findings (of ``families``) and the gap register's, on a model built from ``data``."""
    found = rules.check(built, sources, families)
    return [*found, *gaps.check(data, register, sources)] if with_gaps else found


def comms_part(built: model.Exercise, sources: Locator) -> tuple[comms.CommsPicture, list[Diagnostic]]:
    """The comms picture of ``built`` and what the comms findings say of it."""
    picture = comms.analyse(built)
    found = comms_findings.diagnose(picture, built, sources)
    return picture, [*found, *comms_effects.diagnose(picture, built, sources)]


def finish(data: dict[str, t.Any], sources: Locator, result: Semantic, ruled: list[Diagnostic],
           analysed: tuple[comms.CommsPicture, list[Diagnostic]]) -> Semantic:
    """``result`` (the model's findings) with the rules' and the comms findings, then acceptances:
    the same order whichever process found which."""
    result.comms = analysed[0]
    result.diagnostics = accept.apply([*result.diagnostics, *ruled, *analysed[1]], data, sources)
    return result
