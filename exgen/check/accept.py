"""Accepted findings: a planner records a known, deliberate gap once, with the reason.

``exercise.accept`` lists ``{code, ids, reason}``. A *warning* with that code whose
message names all of ``ids`` becomes information carrying the reason, so a scenario
with a documented interoperability gap can pass ``--strict``. Errors cannot be accepted.
An acceptance that matches nothing is itself reported, so stale entries do not linger.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from exgen.core.diagnostics import Diagnostic, Severity, at

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def apply(diagnostics: list[Diagnostic], data: dict[str, t.Any], sources: Locator) -> list[Diagnostic]:
    """Diagnostics with accepted warnings turned into information, plus unused-acceptance warnings."""
    entries = (data.get("exercise") or {}).get("accept") or []
    if not entries:
        return diagnostics
    used = [False] * len(entries)
    out = []
    for d in diagnostics:
        if d.severity is Severity.WARNING:
            tokens = {m.rstrip(".") for m in _TOKEN.findall(d.message)}
            for i, entry in enumerate(entries):
                if entry["code"] == d.code and set(entry["ids"]) <= tokens:
                    used[i] = True
                    d = dataclasses.replace(d, severity=Severity.INFO,
                                            message=f"{d.message} — accepted: {entry['reason']}")
                    break
        out.append(d)
    for i, entry in enumerate(entries):
        if not used[i]:
            out.append(at(sources, f"/exercise/accept/{i}", "unused-acceptance",
                          f"no {entry['code']} warning names {', '.join(entry['ids'])}; remove this acceptance "
                          "or correct its ids", Severity.WARNING))
    return out
