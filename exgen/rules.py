"""Semantic rules: what a schema cannot say about a definition.

:func:`check` runs every rule on the built :class:`~exgen.model.Exercise` and collects all
findings; it never stops at the first and never raises on a schema-valid definition. Each
finding has a stable code from :data:`RULES` (the table ``docs/diagnostics.md`` is checked
against) and points at the most useful JSON pointer: the offending reference itself, not
the element holding it.

The rules live by area: references and ids in :mod:`exgen.rules_refs`, values (times,
nations, languages, threat ids) in :mod:`exgen.rules_values`, symbol codes in
:mod:`exgen.rules_sidc`, coverage and consistency in :mod:`exgen.rules_coverage`.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing as t

from exgen.diagnostics import Diagnostic, Severity, at

if t.TYPE_CHECKING:
    from exgen.load import SourceMap
    from exgen.model import Exercise

E, W = Severity.ERROR, Severity.WARNING

# code → (severity, one-line summary). Codes are a public contract: never rename one.
RULES: dict[str, tuple[Severity, str]] = {
    # references and ids
    "unknown-reference": (E, "a reference names an id that does not exist (or is of the wrong kind)"),
    "duplicate-id": (E, "two elements of the same kind share an id"),
    "ambiguous-id": (E, "a unit, role player, cell and controller share an id, so inject 'from' is ambiguous"),
    "duplicate-pace": (W, "two PACE plans cover the same pair of units"),
    "hierarchy-cycle": (E, "a unit's parent chain loops back to itself"),
    "contingency-loop": (E, "an inject's contingency chain loops back to itself"),
    # times
    "invalid-window": (E, "an end time is not after its start (ENDEX after STARTEX, constraint start before end)"),
    "time-outside-exercise": (E, "an inject or constraint time falls outside STARTEX..ENDEX"),
    "long-exercise": (W, "the exercise lasts more than 60 days"),
    # codes and values
    "unknown-nation": (E, "a nation is not an ISO 3166-1 alpha-2 code (XK allowed)"),
    "unknown-language": (E, "a language is not an ISO 639-1 code"),
    "invalid-sidc": (E, "a SIDC is not a structurally valid APP-6(D) / MIL-STD-2525D/E code"),
    "sidc-echelon-mismatch": (W, "a land unit's SIDC echelon amplifier disagrees with its echelon"),
    "sidc-identity": (W, "a SIDC's standard identity contradicts the unit's role"),
    "unknown-threat-id": (E, "a threat id is not in the DISARM or ATT&CK catalogue"),
    "threat-id-mismatch": (W, "a threat id's catalogue does not fit the threat kind"),
    # coverage
    "objective-not-exercised": (W, "no inject exercises a training objective"),
    "objective-not-evaluated": (W, "no evaluator evaluates a training objective"),
    "unit-without-inject": (W, "a training-audience unit receives no inject"),
    # consistency
    "inject-to-self": (W, "an inject is sent from a unit to itself"),
    "contingency-before-trigger": (W, "a contingency inject is not after the inject that triggers it"),
    "pace-net-not-shared": (E, "a PACE level's net does not have both units of the pair as members"),
    "net-control-not-member": (W, "a net's control station is not a member of the net"),
    "inject-net-not-member": (W, "an inject is delivered on a net that a recipient is not a member of"),
}


class Ctx:
    """What a rule needs: the model, the source map, and a place to put findings."""

    def __init__(self, model: Exercise, sources: SourceMap) -> None:
        self.model = model
        self.sources = sources
        self.found: list[Diagnostic] = []
        self._candidates: dict[tuple[str, ...], list[str]] = {}

    def add(self, code: str, pointer: str, message: str, related: tuple[str, ...] = ()) -> None:
        """Record a finding of ``code`` (its severity comes from :data:`RULES`) at ``pointer``."""
        severity = RULES[code][0]
        found = at(self.sources, pointer, code, message, severity)
        if related:
            found = dataclasses.replace(found, related=related)
        self.found.append(found)

    def where(self, pointer: str) -> str:
        """``file:line`` of ``pointer``, for messages that name another place."""
        loc = self.sources.locate(pointer)
        return f"{loc.file}:{loc.line}" if loc.line else str(loc.file)

    def ids(self, *kinds: str) -> list[str]:
        """Every id of ``kinds`` (``units``, ``nets``…), sorted so hints are deterministic."""
        if kinds not in self._candidates:
            self._candidates[kinds] = sorted({i for k in kinds for i in self.model.index.get(k, {})})
        return self._candidates[kinds]

    def exists(self, ident: str | None, *kinds: str) -> bool:
        """True when ``ident`` is the id of an element of one of ``kinds``."""
        return ident is not None and any(self.model.get(k, ident) is not None for k in kinds)

    def hint(self, value: str, *kinds: str) -> str:
        """``" (did you mean 'x'?)"`` for the closest id of ``kinds``, or ``""``."""
        return did_you_mean(value, self.ids(*kinds))


def did_you_mean(value: str, candidates: t.Sequence[str]) -> str:
    """A hint naming the candidate closest to ``value``, if any is close.

    >>> did_you_mean("ME-1BX", ["ME-1BN", "MNB-HQ"])
    " (did you mean 'ME-1BN'?)"
    """
    close = difflib.get_close_matches(str(value), candidates, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def position(pointer: str) -> int:
    """The list index at the end of ``pointer`` (``/injects/7`` → 7): definition order.

    >>> position("/excon/cells/2")
    2
    """
    tail = pointer.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def check(model: Exercise, sources: SourceMap) -> list[Diagnostic]:
    """Every semantic finding about ``model``, located through ``sources``."""
    from exgen import rules_coverage, rules_refs, rules_sidc, rules_values

    ctx = Ctx(model, sources)
    for rule in (*rules_refs.CHECKS, *rules_values.CHECKS, *rules_sidc.CHECKS, *rules_coverage.CHECKS):
        rule(ctx)
    return ctx.found
