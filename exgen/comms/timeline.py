"""PACE timelines and the direction of traffic.

EMCON restricts transmission: a unit under ``emcon`` stops transmitting but, unless the
constraint sets ``receive: false``, still listens. A member's down stretches say which of
their causes only silence it (:attr:`Down.silent`, set by the sweep in
:mod:`exgen.comms.analysis` for the ids :func:`listening_ids` gives), and a PACE level that
works one way only is recorded on the timeline's segment (:attr:`Segment.one_way`), while the
segment's ``level`` stays the highest level that works both ways.

Everything here is an overlay of sorted stretches: the cost follows the number of window
boundaries, never the number of minutes.
"""

from __future__ import annotations

import itertools
import typing as t

from exgen.comms.picture import INCOMPATIBLE, Cause, Down, PairTimeline, Segment

if t.TYPE_CHECKING:
    from exgen.model import Exercise, Pace


def listening_ids(model: Exercise) -> frozenset[str]:
    """Ids of the EMCON constraints under which units still receive (all but ``receive: false``)."""
    return frozenset(c.id for c in model.constraints if c.kind == "emcon" and c.receive is not False)


def plan_timeline(plan: Pace, model: Exercise, down: t.Mapping[tuple[str, str], tuple[Down, ...]],
                  full: tuple[Down, ...], duration: int) -> PairTimeline | None:
    """The plan's working level over time; None when its units or all its nets are unknown."""
    a, b = plan.between
    levels = [(lvl, nid) for lvl, nid in plan.levels if model.net(nid) is not None]
    if a == b or model.unit(a) is None or model.unit(b) is None or not levels:
        return None
    # A unit that is not on a level's net can never use it: same as incompatible.
    tracks = [down.get((nid, u), full) for _, nid in levels for u in (a, b)]
    segments: list[Segment] = []
    for start, end, states in _overlay(tracks, {0, duration}):
        level, net, causes, one_way = _working(levels, (a, b), states)
        last = segments[-1] if segments else None
        if last and (last.level, last.net, last.down, last.one_way) == (level, net, causes, one_way):
            segments[-1] = Segment(last.start, end, last.level, last.net, last.down, last.one_way)  # a cheap replace()
        else:
            segments.append(Segment(start, end, level, net, causes, one_way))
    return PairTimeline(plan.id, (a, b), tuple(segments), plan.pointer)


def _overlay(tracks: t.Sequence[tuple[Down, ...]], cuts: set[int]
             ) -> t.Iterator[tuple[int, int, list[Down | None]]]:
    """Elementary stretches between the cuts and every track boundary, with each track's
    down stretch there (None: up)."""
    bounds = sorted(cuts.union(x for tr in tracks for d in tr for x in (d.start, d.end)))
    pos = [0] * len(tracks)
    for start, end in itertools.pairwise(bounds):
        states: list[Down | None] = []
        for k, tr in enumerate(tracks):
            p = pos[k]
            while p < len(tr) and tr[p].end <= start:
                p += 1
            pos[k] = p
            states.append(tr[p] if p < len(tr) and tr[p].start <= start else None)
        yield start, end, states


def _both(x: tuple[str, ...] | None, y: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Why a net fails between two members: None when both can use it."""
    if x is None or y is None or x == y:
        return y if x is None else x
    if INCOMPATIBLE in x or INCOMPATIBLE in y:
        return (INCOMPATIBLE,)
    return tuple(sorted({*x, *y}))


def _working(levels: list[tuple[str, str]], units: tuple[str, str], states: list[Down | None]
             ) -> tuple[str | None, str | None, tuple[Cause, ...], tuple[tuple[str, str], ...]]:
    """The highest level both units can use both ways, why each level above it fails, and
    which of those still carry traffic one way (level, sending unit)."""
    down: list[Cause] = []
    one_way: list[tuple[str, str]] = []
    for k, (level, nid) in enumerate(levels):
        x, y = states[2 * k], states[2 * k + 1]
        why = _both(None if x is None else x.constraints, None if y is None else y.constraints)
        if why is None:
            return level, nid, tuple(down), tuple(one_way)
        down.append((level, nid, why))
        if x is None and y is not None and y.receives:
            one_way.append((level, units[0]))
        elif y is None and x is not None and x.receives:
            one_way.append((level, units[1]))
    return None, None, tuple(down), tuple(one_way)
