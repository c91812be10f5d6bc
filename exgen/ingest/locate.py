"""Findings about imported values, located at the spreadsheet cells they came from.

The import validates the definition it is about to write; a finding whose JSON pointer lies in an
inject the sheet gave (or in a field the sheet changed) is moved from the YAML text that does not
exist yet to the cell the planner typed: ``msel.xlsx:Injects!E14: error[unknown-reference]: …``.
"""

from __future__ import annotations

import dataclasses
import typing as t

from exgen.core.diagnostics import Diagnostic, Location
from exgen.core.pointer import tokens

#: Definition fields whose findings name a nested key (``threat/kind``) as the sheet's dotted field.
NESTED = frozenset({"threat"})


def field_of(rest: t.Sequence[str]) -> str:
    """The sheet field a pointer below an inject names: ``to/1`` → ``to``, ``threat/kind`` → ``threat.kind``.

    >>> field_of(["to", "1"]), field_of(["threat", "kind"]), field_of([])
    ('to', 'threat.kind', '')
    """
    if not rest:
        return ""
    if rest[0] in NESTED and len(rest) > 1:
        return f"{rest[0]}.{rest[1]}"
    return rest[0]


def to_cells(diagnostics: t.Iterable[Diagnostic], injects: t.Sequence[t.Any], cells: dict[str, dict[str, Location]],
             rows: dict[str, Location]) -> list[Diagnostic]:
    """``diagnostics`` with every finding about an imported value located at its cell.

    ``injects`` is the merged definition's inject list (pointer index → id); ``cells`` maps an
    imported inject's id to the cells of the fields the sheet gave; ``rows`` the rows of the new
    injects (a finding about a whole new inject, such as a missing field, points at its row).
    """
    out = []
    for d in diagnostics:
        out.append(_moved(d, injects, cells, rows) or d)
    return out


def _moved(d: Diagnostic, injects: t.Sequence[t.Any], cells: dict[str, dict[str, Location]],
           rows: dict[str, Location]) -> Diagnostic | None:
    parts = tokens(d.pointer) if d.pointer.startswith("/injects/") else []
    if len(parts) < 2 or not parts[1].isdigit() or int(parts[1]) >= len(injects):
        return None
    item = injects[int(parts[1])]
    ident = item.get("id") if isinstance(item, dict) else None
    if not isinstance(ident, str) or ident not in cells:
        return None
    name = field_of(parts[2:])
    where = cells[ident].get(name) or cells[ident].get(name.split(".")[0])
    if where is None and ident in rows:
        where = rows[ident]
    if where is None:
        return None
    # The message may name the definition's pointer, which the sheet's reader has never seen.
    message = d.message.replace(d.pointer, name or "this row") if d.pointer and len(parts) > 2 else d.message
    return dataclasses.replace(d, location=where, message=message)
