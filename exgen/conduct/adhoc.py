"""Checking an ad-hoc inject with the same schema and rules as a definition.

The inject is appended to a copy of the validated definition that ``data/exercise.json`` carries
(with the injects added earlier in conduct), and the whole is run through exgen's schema
validation and semantic stage, exactly as ``exgen validate`` would; the diagnostics about the new
inject are kept, each with ``field``: where in the inject it is (``to/1``, ``time``; '' for the
inject as a whole). A bad inject gets the same codes and messages a definition would.
"""

from __future__ import annotations

import copy
import typing as t

from exgen.core.diagnostics import Diagnostic, Location, Severity
from exgen.core.sources import Fixed
from exgen.model.time import TimeError, parse_datetime, resolve_time

__all__ = ["Nowhere", "errors", "minutes", "validate"]


def Nowhere() -> Fixed:
    """A source map for data that has no file: the diagnostics are located by their pointer only."""
    return Fixed(Location("exercise.json"))


def _as_dict(d: Diagnostic, prefix: str) -> dict[str, t.Any]:
    """A diagnostic about the new inject, its pointer made relative to the inject (in the message too)."""
    message = d.message.replace(f" in {prefix}/", " in ").replace(f"{prefix}/", "").replace(prefix, "the inject")
    return {"severity": d.severity.value, "code": d.code, "message": message,
            "field": d.pointer[len(prefix) + 1:] if d.pointer.startswith(prefix + "/") else ""}


def _problem(code: str, message: str, field: str = "") -> dict[str, t.Any]:
    return {"severity": Severity.ERROR.value, "code": code, "message": message, "field": field}


def validate(definition: t.Mapping[str, t.Any], inject: t.Any,
             added: t.Sequence[t.Mapping[str, t.Any]] = ()) -> list[dict[str, t.Any]]:
    """The diagnostics about ``inject`` as the next inject of ``definition`` (after the ``added`` ones).

    Each is ``{severity, code, message, field}``; an error means the inject may not be added.
    """
    from exgen.check import schema, semantic

    if not isinstance(inject, dict):
        return [_problem("invalid-inject", "The inject must be an object with the fields of a definition's inject.")]
    data = copy.deepcopy(dict(definition))
    injects = data.get("injects")
    data["injects"] = [*(injects if isinstance(injects, list) else []), *copy.deepcopy(list(added)),
                       copy.deepcopy(inject)]
    prefix = f"/injects/{len(data['injects']) - 1}"
    sources = Nowhere()
    found = schema.validate_data(data, sources)
    if not any(d.is_error for d in found):
        found += semantic.run(data, sources).diagnostics
    mine = [d for d in found if d.pointer == prefix or d.pointer.startswith(prefix + "/")]
    if any(d.is_error for d in found) and not any(d.is_error for d in mine):
        # The definition itself no longer checks (an exgen upgrade?): say so rather than accept blindly.
        first = next(d for d in found if d.is_error)
        return [_problem("definition-invalid", f"The exercise's own definition does not check: {first.message}")]
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return [_as_dict(d, prefix) for d in sorted(mine, key=lambda d: (order[d.severity], d.pointer, d.code))]


def errors(diagnostics: t.Iterable[t.Mapping[str, t.Any]]) -> bool:
    """Whether any of the diagnostics is an error."""
    return any(d.get("severity") == Severity.ERROR.value for d in diagnostics)


def minutes(definition: t.Mapping[str, t.Any], when: t.Any) -> float:
    """A time as minutes from STARTEX: a number already is one; ``D+N HH:MM`` or ISO 8601 text is resolved.

    Raises :class:`ValueError` (with a plain message) for anything else.
    """
    if isinstance(when, (int, float)) and not isinstance(when, bool):
        if when != when or when in (float("inf"), float("-inf")):
            raise ValueError("the time must be a finite number of minutes")
        return float(when)
    if not isinstance(when, str) or not when.strip() or len(when) > 64:
        raise ValueError('the time must be minutes from STARTEX, "D+N HH:MM" or an ISO 8601 date and time')
    head = definition.get("exercise")
    startex = head.get("startex") if isinstance(head, dict) else None
    if not isinstance(startex, str):
        raise ValueError("the exercise has no STARTEX to count from")
    try:
        return float(resolve_time(when.strip(), parse_datetime(startex)))
    except TimeError as exc:
        raise ValueError(str(exc)) from None
