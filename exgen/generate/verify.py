"""Checking a draft: in memory while it is being made (to repair it), and on disk before it is kept.

In memory, the semantic stage (:func:`exgen.check.semantic.run`: model, rules, comms analysis,
acceptances) runs on the draft data with a source map that locates nothing; a required exchange that cannot get through
is dropped and recorded. On disk, :func:`exgen.check.run.check` runs with ``strict=True`` on the
written files: anything it finds is a bug of the generator, never the user's.
"""

from __future__ import annotations

import re
import typing as t

from exgen.core.diagnostics import Diagnostic, Location, Severity
from exgen.core.sources import Fixed

if t.TYPE_CHECKING:
    from exgen.check.run import Checked

_EXCHANGE = re.compile(r"^/injects/(\d+)/requires/(\d+)$")
#: Passes of the repair loop; each drops every exchange found blocked.
PASSES = 4


def Nowhere() -> Fixed:
    """A source map for data that has no file yet."""
    return Fixed(Location("<draft>"))


def problems(data: dict[str, t.Any]) -> list[Diagnostic]:
    """What ``validate --strict`` would say about the draft data (infos left out)."""
    from exgen.check import semantic

    found = semantic.run(data, Nowhere()).diagnostics
    return [d.promoted() for d in found if d.severity is not Severity.INFO]


def repair(data: dict[str, t.Any]) -> list[str]:
    """Drop required exchanges that cannot get through; what was dropped, one line each."""
    dropped: list[str] = []
    for _ in range(PASSES):
        blocked = sorted({(int(m.group(1)), int(m.group(2))) for d in problems(data)
                          if d.code == "comms-no-path" and (m := _EXCHANGE.match(d.pointer))}, reverse=True)
        if not blocked:
            break
        for i, j in blocked:
            inject = data["injects"][i]
            kind, body = next(iter(inject["requires"].pop(j).items()))
            dropped.append(f"{inject['id']}: {kind} {body['from']} -> {body['to']} within {body['within']} "
                           "left out (no working path in time)")
            if not inject["requires"]:
                del inject["requires"]
    return dropped


def check_written(root: str) -> Checked:
    """``exgen validate --strict`` on the written draft."""
    from exgen.check.run import check

    return check(root, strict=True)
