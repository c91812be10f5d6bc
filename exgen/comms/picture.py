"""The comms picture: what the analysis found, as plain frozen data.

For each (net, member), the stretches it is down and their causes, and the intervals it
is usable; for each PACE plan, a timeline of the working level; for unit pairs sharing a
net without a plan, when a shared net works; for each net, the minutes a message spends in
transit. :mod:`exgen.comms.analysis` computes it; diagnostics, templates and the views read it.

Direction: a member under EMCON that still receives (the default for ``emcon``) cannot
transmit but still hears the net. Its :class:`Down` stretch says so (:attr:`Down.receives`);
``usable`` is when a member can both transmit and receive, :meth:`CommsPicture.receiving`
when it can at least receive, and :meth:`CommsPicture.path` when traffic goes one way.
"""

from __future__ import annotations

import bisect
import functools
import typing as t
from collections import defaultdict
from dataclasses import dataclass, field

from exgen.comms.intervals import Interval, contains, gaps, intersect

#: A net kind or band that carries paper: no system, only outages stop it.
COURIER = "courier"
#: The cause of a member that can never use a net (see :attr:`CommsPicture.reasons`).
INCOMPATIBLE = "incompatible"

#: (net id, unit id) of a member, or a (unit id, unit id) pair from :func:`pair_key`.
Key = tuple[str, str]
#: A failed PACE level: (level, net id, constraint ids to blame, or ``(INCOMPATIBLE,)``).
Cause = tuple[str, str, tuple[str, ...]]


def pair_key(a: str, b: str) -> Key:
    """Two unit ids in sorted order: the key of an unordered pair.

    >>> pair_key("HQ", "BN")
    ('BN', 'HQ')
    """
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Down:
    """Minutes ``[start, end)`` in which a member cannot use a net, and the constraint ids to blame."""

    start: int
    end: int
    constraints: tuple[str, ...]
    #: The constraints among ``constraints`` that only stop the member transmitting (EMCON
    #: under which it still receives).
    silent: tuple[str, ...] = ()

    @property
    def receives(self) -> bool:
        """Whether the member still hears the net: every cause only silences it."""
        return len(self.silent) == len(self.constraints)


@dataclass(frozen=True)
class Segment:
    """A stretch with one working PACE level; ``down`` explains each higher level that fails.

    ``level`` is the highest level that works both ways. ``one_way`` lists the failed levels
    above it that still carry traffic in one direction, as ``(level, sending unit)``: the
    other unit is under EMCON and listens but cannot answer.
    """

    start: int
    end: int
    level: str | None
    net: str | None
    down: tuple[Cause, ...]
    one_way: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PairTimeline:
    """The working level of one PACE plan over the whole exercise."""

    pace_id: str
    units: tuple[str, str]
    segments: tuple[Segment, ...]
    pointer: str = ""

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.segments]

    def at(self, minute: int) -> Segment | None:
        """The segment holding ``minute``, or None outside the exercise."""
        i = bisect.bisect_right(self._starts, minute) - 1
        if i < 0 or minute >= self.segments[i].end:
            return None
        return self.segments[i]


@dataclass(frozen=True)
class Link:
    """Whether two units reach each other at a moment: by PACE plan, or on any shared net."""

    units: tuple[str, str]
    pace_id: str | None
    level: str | None
    net: str | None


@dataclass(frozen=True)
class CommsPicture:
    """Everything the analysis found, as plain data for diagnostics and templates."""

    duration: int
    usable: t.Mapping[Key, tuple[Interval, ...]]
    incompatible: tuple[tuple[str, str, str], ...]
    pairs: tuple[PairTimeline, ...]
    #: (net id, unit id) -> stretches the member cannot use the net, with causes
    down: t.Mapping[Key, tuple[Down, ...]] = field(default_factory=dict)
    #: (unit, unit) sorted, for pairs sharing a net without a PACE plan -> when any shared net works
    connected: t.Mapping[Key, tuple[Interval, ...]] = field(default_factory=dict)
    #: net id -> minutes a message takes to arrive over it (0: at once, as on radio)
    transit: t.Mapping[str, int] = field(default_factory=dict)
    #: JSON pointers of the constraints that took at least one member or system down
    affected: frozenset[str] = frozenset()
    #: net id -> the bearers it rides: its own ``bearer``, then those of the systems its members use
    bearers: t.Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @functools.cached_property
    def reasons(self) -> dict[Key, str]:
        """(net id, unit id) -> why that member cannot use the net."""
        return {(n, u): r for n, u, r in self.incompatible}

    @functools.cached_property
    def _by_id(self) -> dict[str, PairTimeline]:
        out: dict[str, PairTimeline] = {}
        for p in self.pairs:
            out.setdefault(p.pace_id, p)
        return out

    @functools.cached_property
    def _paths(self) -> dict[tuple[str, str, str], tuple[Interval, ...]]:
        return {}

    def receiving(self, key: Key) -> tuple[Interval, ...]:
        """When a member can receive on its net: ``usable`` plus its receive-only EMCON stretches."""
        if key not in self.usable or key in self.reasons:
            return ()
        return gaps([d for d in self.down.get(key, ()) if not d.receives], self.duration)

    def path(self, net: str, sender: str, receiver: str) -> tuple[Interval, ...]:
        """When ``sender`` can transmit on ``net`` and ``receiver`` hear it (remembered per triple)."""
        key = (net, sender, receiver)
        found = self._paths.get(key)
        if found is None:
            found = self._paths[key] = tuple(intersect(self.usable.get((net, sender), ()),
                                                       self.receiving((net, receiver))))
        return found

    def timeline(self, pace_id: str) -> PairTimeline:
        """The timeline of a PACE plan (KeyError when there is none)."""
        return self._by_id[pace_id]

    def level_at(self, pace_id: str, minute: int) -> tuple[str | None, str | None]:
        """``(level, net)`` working for a PACE plan at ``minute``; ``(None, None)`` for no path."""
        seg = self.timeline(pace_id).at(minute)
        return (seg.level, seg.net) if seg else (None, None)

    def links_at(self, minute: int) -> tuple[Link, ...]:
        """Every PACE plan's working level, then every other pair's first working shared net."""
        out = [Link(p.units, p.pace_id, *self.level_at(p.pace_id, minute)) for p in self.pairs]
        on_air: dict[str, list[str]] = defaultdict(list)
        for (net, unit), spans in self.usable.items():
            if contains(spans, minute):
                on_air[net].append(unit)
        working: dict[Key, str] = {}
        for net, units in on_air.items():
            for i, a in enumerate(units):
                for b in units[i + 1:]:
                    key = pair_key(a, b)
                    if key in self.connected:
                        working.setdefault(key, net)
        out += [Link(key, None, None, working.get(key)) for key in self.connected]
        return tuple(out)

