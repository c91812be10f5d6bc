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
    result.diagnostics += rules.check(built, sources)
    result.diagnostics += gaps.check(data, register, sources)
    result.comms = comms.analyse(built)
    result.diagnostics += comms_findings.diagnose(result.comms, built, sources)
    result.diagnostics += comms_effects.diagnose(result.comms, built, sources)
    result.diagnostics = accept.apply(result.diagnostics, data, sources)
    return result
