"""Capability gaps: the register's open gaps are tested by the exercise, and ``gaps:`` names real ones.

The register (``register:`` in the root) is read by the load stage as plain data; these rules read
only each gap's ``id``, ``title`` and ``status``, and the ``gaps`` lists of objectives and injects.
"""

from __future__ import annotations

import typing as t

from exgen.check.rules.codes import RULES
from exgen.core.diagnostics import Diagnostic, at, shorten
from exgen.core.suggest import Suggester, hint

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator

#: Register statuses of a gap the next exercise should test.
OPEN = ("open", "in-progress")
#: Definition sections whose elements may name gaps.
TESTERS = ("objectives", "injects")

#: What the load stage gives for ``register:``: its display path and its parsed data.
Register = tuple[str, dict[str, t.Any]]


def check(data: dict[str, t.Any], register: Register | None, sources: Locator) -> list[Diagnostic]:
    """unknown-gap for each ``gaps`` entry no gap of the register has, gap-untested for each open gap none names."""
    gaps = _gaps(register)
    known = {gap_id.casefold(): gap_id for gap_id in gaps}
    suggester = Suggester(sorted(gaps))
    found: list[Diagnostic] = []
    tested: set[str] = set()
    for pointer, gap_id in _named(data):
        if gap_id.casefold() in known:
            tested.add(known[gap_id.casefold()])
        elif register is None:
            message = f"gap {shorten(gap_id)} is named, but no register is named: add `register: GAPS.yaml` to the root"
            found.append(at(sources, pointer, "unknown-gap", message, RULES["unknown-gap"][0]))
        else:
            message = f"gap {shorten(gap_id)} is not in the register {register[0]}{hint(suggester.closest(gap_id))}"
            found.append(at(sources, pointer, "unknown-gap", message, RULES["unknown-gap"][0]))
    for gap_id, (title, status) in gaps.items():
        if status in OPEN and gap_id not in tested:
            message = (f"gap {gap_id} ({shorten(title, 80)}) is {status}, but no objective or inject tests it: "
                       f"name it in the gaps of the objective or inject meant to show whether it closed")
            found.append(at(sources, "/register", "gap-untested", message, RULES["gap-untested"][0]))
    return found


def _gaps(register: Register | None) -> dict[str, tuple[str, str]]:
    """``{id: (title, status)}`` of each gap of the register with a text id, in file order."""
    entries = register[1].get("gaps") if register is not None else None
    gaps: dict[str, tuple[str, str]] = {}
    for gap in entries if isinstance(entries, list) else ():
        if isinstance(gap, dict) and isinstance(gap.get("id"), str):
            title, status = (gap.get(k) for k in ("title", "status"))
            gaps.setdefault(gap["id"], (_text(title), _text(status)))
    return gaps


def _named(data: dict[str, t.Any]) -> t.Iterator[tuple[str, str]]:
    """``(pointer, gap id)`` of each entry of the objectives' and injects' ``gaps`` lists."""
    for section in TESTERS:
        elements = data.get(section)
        for i, element in enumerate(elements if isinstance(elements, list) else ()):
            named = element.get("gaps") if isinstance(element, dict) else None
            for j, gap_id in enumerate(named if isinstance(named, list) else ()):
                if isinstance(gap_id, str):
                    yield f"/{section}/{i}/gaps/{j}", gap_id


def _text(value: object) -> str:
    """``value`` when it is text, else ``""``."""
    return value if isinstance(value, str) else ""
