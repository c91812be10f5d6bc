"""Placeholders in library texts: which exist, which a text uses, and filling them in.

>>> fill("{unit_short} reports to {higher_name}", {"unit_short": "1 BN", "higher_name": "MNB HQ"})
'1 BN reports to MNB HQ'
"""

from __future__ import annotations

import re
import typing as t

#: Placeholders every pattern may use.
COMMON = frozenset({"unit", "unit_name", "unit_short", "higher", "higher_name", "place", "time", "actor",
                    "exercise", "sender_name", "earlier"})
#: Placeholders only patterns that trigger a PACE switch (``triggers:``) may use.
TRIGGER_ONLY = frozenset({"net", "alternate", "partner", "partner_name", "affected"})
#: Placeholders that need the recipient to have a superior.
NEEDS_HIGHER = frozenset({"higher", "higher_name"})
#: Pattern fields that may hold placeholders.
FIELDS = ("title", "description", "expected_action", "notes", "recall")
#: Fields a wording variant may replace.
VARIANT_FIELDS = ("title", "description", "expected_action")
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]*)\}")


def used(text: str) -> list[str]:
    """Placeholder names in ``text``, in order of first use.

    >>> used("{a} and {b} and {a}")
    ['a', 'b']
    """
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def fill(text: str, values: t.Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced; unknown ones are left as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def listing(items: t.Iterable[str]) -> str:
    """Distinct items as a list in words.

    >>> listing(["A", "B", "A", "C"])
    'A, B and C'
    >>> listing(["A"])
    'A'
    """
    words = list(dict.fromkeys(items))
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis.

    >>> clip("one two three", 9)
    'one two…'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"
