"""YAML scalars resolved by the YAML 1.2 core schema, not PyYAML's YAML 1.1 rules.

Under YAML 1.1 ``NO`` is ``False`` and ``010`` is eight; under the 1.2 core schema used
here they stay the text ``NO`` and the integer ten. A plain (unquoted, untagged) scalar
resolves to null, a boolean, an integer (decimal, ``0o`` octal, ``0x`` hex), a float
(including ``.inf`` and ``.nan``) or else stays text; an explicitly tagged one
(``!!str``, ``!!int``...) must match its tag.
"""

from __future__ import annotations

import math
import re
import typing as t

#: The prefix of YAML's standard tags (``!!int`` is ``tag:yaml.org,2002:int``).
STD_TAG = "tag:yaml.org,2002:"
_MISSING = object()
_NULLS = ("", "~", "null", "Null", "NULL")
_CONSTANTS: dict[str, t.Any] = {
    **dict.fromkeys(_NULLS),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **{s + v: f for s, f in (("", math.inf), ("+", math.inf), ("-", -math.inf)) for v in (".inf", ".Inf", ".INF")},
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
#: First characters of plain scalars that may resolve to something other than a string.
SPECIAL_FIRST = frozenset("0123456789+-.~nNtTfF")


def _int(text: str) -> t.Any:
    """``int(text)``, or the text itself when Python refuses that many digits."""
    try:
        return int(text)
    except ValueError:
        return text


def resolve_plain(text: str) -> t.Any:
    """A plain (unquoted, untagged) scalar by the YAML 1.2 core schema.

    >>> [resolve_plain(s) for s in ("NO", "yes", "0o17", "1e3", "~", "2027-05-10")]
    ['NO', 'yes', 15, 1000.0, None, '2027-05-10']
    """
    value = _CONSTANTS.get(text, _MISSING)
    if value is not _MISSING:
        return value
    if _INT.fullmatch(text):
        return _int(text)
    if _OCT.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def resolve_tagged(text: str, tag: str) -> tuple[t.Any, bool]:
    """A scalar with an explicit tag: ``(value, ok)``; not ok keeps the text."""
    if tag == "!" or tag == STD_TAG + "str":
        return text, True
    value = resolve_plain(text)
    kind = tag[len(STD_TAG) :] if tag.startswith(STD_TAG) else ""
    if kind == "null" and value is None:
        return None, True
    if kind == "bool" and isinstance(value, bool):
        return value, True
    if kind == "int" and type(value) is int:
        return value, True
    if kind == "float" and type(value) in (int, float):
        try:
            return float(value), True
        except OverflowError:  # an integer beyond float range
            return (math.inf if value > 0 else -math.inf), True
    return text, False
