""""Did you mean" hints: the known value closest to a mistyped one."""

from __future__ import annotations

import difflib
import typing as t


def closest(value: str, candidates: t.Sequence[str]) -> str | None:
    """The candidate closest to ``value`` when one is close enough, else None.

    >>> closest("ME-1BX", ["ME-1BN", "MNB-HQ"]), closest("zzz", ["ME-1BN"])
    ('ME-1BN', None)
    """
    close = difflib.get_close_matches(str(value), candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(value: str, candidates: t.Sequence[str], prefix: str = "") -> str:
    """``" (did you mean 'x'?)"`` for the closest candidate (written after ``prefix``), or ``""``.

    >>> did_you_mean("ME-1BX", ["ME-1BN", "MNB-HQ"])
    " (did you mean 'ME-1BN'?)"
    """
    found = closest(value, candidates)
    return f" (did you mean '{prefix}{found}'?)" if found is not None else ""
