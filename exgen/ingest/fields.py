"""Inject fields as an import writes them: order, time text, and what counts as a change.

A value read from a cell is compared with what the definition already says in the definition's
own terms (a time is the same moment whether it is written ``D+0 06:30`` or as a DTG), so a
row nobody edited changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t

from exgen.model.time import TimeError, format_dtime, resolve_time

#: The order of keys in an inject the import writes (the scenarios' own order); custom fields last.
KEY_ORDER = ("id", "time", "incident", "from", "to", "method", "net", "title", "description", "expected_action",
             "objectives", "controller", "threat", "contingency", "notes")
#: Fields every inject must have: an empty cell cannot clear them.
REQUIRED = frozenset({"id", "time", "from", "to", "method", "title"})
_DTIME = re.compile(r"^D[+-][0-9]{1,3} ([01][0-9]|2[0-3]):[0-5][0-9]$")


def minutes_from(moment: dt.datetime, startex: dt.datetime) -> float:
    """Minutes from STARTEX to an aware moment."""
    return (moment - startex).total_seconds() / 60


def time_text(moment: dt.datetime, startex: dt.datetime | None, *, relative: bool) -> str:
    """``D+1 07:30`` when ``relative`` (and the moment is on a whole minute), else ISO 8601 in UTC.

    >>> start = dt.datetime(2027, 5, 10, 6, tzinfo=dt.timezone.utc)
    >>> time_text(dt.datetime(2027, 5, 11, 7, 30, tzinfo=dt.timezone.utc), start, relative=True)
    'D+1 07:30'
    >>> time_text(dt.datetime(2027, 5, 11, 7, 30, tzinfo=dt.timezone.utc), start, relative=False)
    '2027-05-11T07:30:00Z'
    """
    utc = moment.astimezone(dt.timezone.utc)
    if relative and startex is not None and utc.second == 0 and utc.microsecond == 0:
        return format_dtime(int(minutes_from(utc, startex)), startex)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def is_relative(text: object) -> bool:
    """True for a ``D+N HH:MM`` time."""
    return isinstance(text, str) and bool(_DTIME.match(text))


def same_time(existing: object, moment: dt.datetime, startex: dt.datetime | None) -> bool:
    """Whether the definition's time text names the same minute as ``moment``."""
    if not isinstance(existing, str) or startex is None:
        return False
    try:
        minutes = resolve_time(existing, startex)
    except TimeError:
        return False
    return abs(minutes - minutes_from(moment.astimezone(dt.timezone.utc), startex)) < 1 / 60


def same_value(existing: object, value: object) -> bool:
    """Equality as the definition means it: lists item by item, numbers by value, text exactly."""
    if isinstance(existing, list) and isinstance(value, list):
        return len(existing) == len(value) and all(same_value(a, b) for a, b in zip(existing, value, strict=True))
    if isinstance(existing, bool) or isinstance(value, bool):
        return existing is value
    if isinstance(existing, (int, float)) and isinstance(value, (int, float)):
        return float(existing) == float(value)
    return existing == value


def get_path(item: dict[str, t.Any], field: str) -> t.Any:
    """The value at a dotted field path (``threat.kind``), None when absent."""
    node: t.Any = item
    for part in field.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def ordered(fields: dict[str, t.Any], custom_order: t.Sequence[str]) -> dict[str, t.Any]:
    """A new inject's keys in house order: the known fields, then custom ones in column order."""
    out = {key: fields[key] for key in KEY_ORDER if key in fields}
    out.update({key: fields[key] for key in custom_order if key in fields and key not in out})
    out.update({key: value for key, value in fields.items() if key not in out})
    return out


def nest(flat: dict[str, t.Any]) -> dict[str, t.Any]:
    """Dotted field paths as nested mappings: ``{"threat.kind": "cyber"}`` → ``{"threat": {"kind": "cyber"}}``."""
    out: dict[str, t.Any] = {}
    for key, value in flat.items():
        parts = key.split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out
