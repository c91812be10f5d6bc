"""What every rule family shares: the context a rule runs in, and definition order."""

from __future__ import annotations

import dataclasses
import typing as t

from exgen.check.rules.codes import RULES
from exgen.core.diagnostics import Diagnostic, at
from exgen.core.suggest import Suggester, hint

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator
    from exgen.model import Exercise


class Ctx:
    """What a rule needs: the model, the source map, and a place to put findings."""

    def __init__(self, model: Exercise, sources: Locator) -> None:
        self.model = model
        self.sources = sources
        self.found: list[Diagnostic] = []
        self._candidates: dict[tuple[str, ...], list[str]] = {}
        self._suggesters: dict[tuple[str, ...], Suggester] = {}

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
        index = self.model.index
        if len(kinds) == 1:  # the common case: one lookup
            return ident is not None and ident in index.get(kinds[0], ())
        return ident is not None and any(ident in index.get(k, ()) for k in kinds)

    def hint(self, value: str, *kinds: str) -> str:
        """``" (did you mean 'x'?)"`` for the closest id of ``kinds``, or ``""`` (bounded work per hint)."""
        suggester = self._suggesters.get(kinds)
        if suggester is None:
            suggester = self._suggesters[kinds] = Suggester(self.ids(*kinds))
        return hint(suggester.closest(value))


def position(pointer: str) -> int:
    """The list index at the end of ``pointer`` (``/injects/7`` → 7): definition order.

    >>> position("/excon/cells/2")
    2
    """
    tail = pointer.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0
