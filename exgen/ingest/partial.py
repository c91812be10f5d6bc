"""The semantic rules on the rest of an import when some imported injects break the schema.

exgen's rules run only on a schema-valid definition, so one bad cell (a method no one knows) would
hide every other mistake in the sheet. An import sets the injects with schema errors aside, runs
the rules on the others, and reports their findings at the pointers of the full definition, so
the planner sees every mistake in one run.
"""

from __future__ import annotations

import dataclasses
import typing as t

from exgen.core.diagnostics import Diagnostic
from exgen.core.pointer import join, tokens
from exgen.core.sources import Location, Locator


class Shifted:
    """A locator for the definition without some injects: pointers are mapped to the full one."""

    def __init__(self, sources: Locator, kept: list[int]) -> None:
        self.sources, self.kept = sources, kept

    def full(self, pointer: str) -> str:
        """The pointer in the full definition."""
        parts = tokens(pointer)
        if len(parts) >= 2 and parts[0] == "injects" and parts[1].isdigit() and int(parts[1]) < len(self.kept):
            parts[1] = str(self.kept[int(parts[1])])
            return join(parts)
        return pointer

    def locate(self, pointer: str) -> Location:
        return self.sources.locate(self.full(pointer))

    def locate_key(self, pointer: str) -> Location:
        return self.sources.locate_key(self.full(pointer))

    def file_of(self, pointer: str) -> str:
        return self.sources.file_of(self.full(pointer))


def inject_index(d: Diagnostic) -> int | None:
    """The inject a finding is about, by its index in the merged definition."""
    parts = tokens(d.pointer) if d.pointer.startswith("/injects/") else []
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


def rules_without(data: dict[str, t.Any], sources: Locator, bad: set[int]) -> list[Diagnostic]:
    """The semantic stage's findings on ``data`` without the injects at ``bad``, in full pointers."""
    from exgen.check import semantic

    injects = data.get("injects")
    if not isinstance(injects, list):
        return []
    kept = [i for i in range(len(injects)) if i not in bad]
    shifted = Shifted(sources, kept)
    reduced = {**data, "injects": [injects[i] for i in kept]}
    stage = semantic.run(reduced, shifted)
    return [dataclasses.replace(d, pointer=shifted.full(d.pointer)) for d in stage.diagnostics]
