"""Interval algebra on minutes ``[start, end)`` from STARTEX.

Interval lists here are sorted and disjoint unless a function says otherwise; each
operation is one pass (or a binary search), so the cost follows the number of intervals,
never the number of minutes.
"""

from __future__ import annotations

import bisect
import typing as t
from dataclasses import dataclass

#: Up to this many intervals, :func:`first_from` looks at each in turn instead of searching.
_SHORT = 8


@dataclass(frozen=True)
class Interval:
    """Minutes ``[start, end)`` from STARTEX."""

    start: int
    end: int


class Span(t.Protocol):
    """Anything covering minutes ``[start, end)``: an :class:`Interval`, a down stretch..."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def gaps(spans: t.Iterable[Span], duration: int) -> tuple[Interval, ...]:
    """The complement of sorted, disjoint spans within ``[0, duration)``.

    >>> gaps([Interval(10, 20), Interval(30, 40)], 50)
    (Interval(start=0, end=10), Interval(start=20, end=30), Interval(start=40, end=50))
    """
    out, prev = [], 0
    for d in spans:
        if d.start > prev:
            out.append(Interval(prev, d.start))
        prev = d.end
    if prev < duration:
        out.append(Interval(prev, duration))
    return tuple(out)


def intersect(xs: t.Sequence[Interval], ys: t.Sequence[Interval]) -> list[Interval]:
    """Intersection of two sorted, disjoint interval lists (two pointers).

    >>> intersect([Interval(0, 10), Interval(20, 30)], [Interval(5, 25)])
    [Interval(start=5, end=10), Interval(start=20, end=25)]
    """
    if not xs or not ys:
        return []
    # One interval around the whole other list (a member nothing takes down): that list.
    if len(xs) == 1 and xs[0].start <= ys[0].start and ys[-1].end <= xs[0].end:
        return [y for y in ys if y.start < y.end]
    if len(ys) == 1 and ys[0].start <= xs[0].start and xs[-1].end <= ys[0].end:
        return [x for x in xs if x.start < x.end]
    out, i, j = [], 0, 0
    while i < len(xs) and j < len(ys):
        lo, hi = max(xs[i].start, ys[j].start), min(xs[i].end, ys[j].end)
        if lo < hi:
            out.append(Interval(lo, hi))
        if xs[i].end < ys[j].end:
            i += 1
        else:
            j += 1
    return out


def merge(spans: t.Iterable[Interval]) -> tuple[Interval, ...]:
    """Union of intervals in any order, overlapping and touching ones joined.

    >>> merge([Interval(20, 30), Interval(0, 10), Interval(10, 15)])
    (Interval(start=0, end=15), Interval(start=20, end=30))
    """
    out: list[Interval] = []
    for s in sorted(spans, key=lambda s: s.start):
        if out and s.start <= out[-1].end:
            out[-1] = Interval(out[-1].start, max(out[-1].end, s.end))
        else:
            out.append(s)
    return tuple(out)


def contains(spans: t.Sequence[Interval], minute: int) -> bool:
    """Whether ``minute`` lies in one of sorted, disjoint intervals (binary search).

    >>> contains([Interval(0, 10)], 9), contains([Interval(0, 10)], 10)
    (True, False)
    """
    i = bisect.bisect_right([s.start for s in spans], minute) - 1
    return i >= 0 and minute < spans[i].end


def first_from(spans: t.Sequence[Interval], minute: int) -> int | None:
    """The first minute at or after ``minute`` inside sorted, disjoint intervals; None if none.

    >>> first_from([Interval(0, 10), Interval(20, 30)], 5), first_from([Interval(0, 10), Interval(20, 30)], 10)
    (5, 20)
    >>> first_from([Interval(0, 10)], 10) is None
    True
    """
    if len(spans) <= _SHORT:  # a few intervals (the usual case): one pass is quicker than a search
        for s in spans:
            if minute < s.end:
                return minute if s.start <= minute else s.start
        return None
    i = bisect.bisect_right(spans, minute, key=_start) - 1
    if i >= 0 and minute < spans[i].end:
        return minute
    return spans[i + 1].start if i + 1 < len(spans) else None


def _start(span: Interval) -> int:
    return span.start
