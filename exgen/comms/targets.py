"""What each constraint takes down: the clipped windows of every member it touches.

A constraint touches members directly, never by scanning minutes, through an index of the
usable members by band (and latitude), net, unit, system and bearer:

- ``jamming``: every member of a net on the jammed bands inside the area loses the net.
- ``gnss-jamming`` and ``gnss-spoofing``: inside the area (on the constraint's bands, all when
  it names none), each system that takes its *timing* from GNSS goes down (it loses its
  hopping or TDMA synchronisation); a member is off the net only while every system it could
  use there is down. Systems that take only their *position* from GNSS keep their nets: what
  they report is judged separately (:mod:`exgen.comms.gnss`).
- ``emcon``: the listed units, on the constraint's bands (all when it names none) inside its area.
- ``outage`` and ``cyber`` (a cyber attack has the effect of an outage): the listed nets go
  down for their members, the listed systems wherever they are used. A listed *bearer* takes
  down every net that names it as its ``bearer`` (all members) and every system that names it
  (so a member drops off each net it could only use through such systems). ``units`` and
  ``area`` limit every target.

Also kept: which constraints touched anything (so a constraint that affects nothing can be
reported) and which bearers each net rides.
"""

from __future__ import annotations

import bisect
import typing as t
from collections import defaultdict
from dataclasses import dataclass, field

from exgen.comms.picture import COURIER, Key

if t.TYPE_CHECKING:
    from exgen.model import Area, Constraint, Exercise, Net, Point, System, Unit

_KM_PER_DEGREE = 6371.0088 * 3.141592653589793 / 180

#: Constraint kinds whose effect is an outage of nets, systems or bearers.
OUTAGE_KINDS = ("outage", "cyber")
#: Constraint kinds that deny or falsify satellite navigation.
GNSS_KINDS = ("gnss-jamming", "gnss-spoofing")
#: What a system may take from GNSS.
TIMING, POSITION = "timing", "position"

#: start, end, constraint id, system id (None: the member loses the whole net)
Window = tuple[int, int, str, "str | None"]


class Member(t.Protocol):
    """A unit on a net and the systems it could use there (the analysis' member record)."""

    @property
    def net(self) -> Net: ...

    @property
    def unit(self) -> Unit: ...

    @property
    def systems(self) -> tuple[System, ...]: ...


@dataclass
class Targets:
    """The windows of each member, the constraints that touched anything, each net's bearers."""

    windows: dict[Key, list[Window]] = field(default_factory=lambda: defaultdict(list))
    #: JSON pointers of the constraints that took at least one member or system down
    affected: set[str] = field(default_factory=set)
    #: net id -> the bearers it rides: its own, then those of the systems its members use for it
    bearers: dict[str, tuple[str, ...]] = field(default_factory=dict)


def targets(model: Exercise, members: t.Sequence[Member], duration: int) -> Targets:
    """The clipped constraint windows that touch each usable member."""
    index = _Index(members)
    out = Targets(bearers=index.net_bearers())
    windows = out.windows
    for c in model.constraints:
        start, end = max(c.start, 0), min(c.end, duration)
        if start < end:
            hit = False
            for m, system in index.touched(c):
                windows[(m.net.id, m.unit.id)].append((start, end, c.id, system))
                hit = True
            if hit:
                out.affected.add(c.pointer)
    return out


class _Index:
    """Members by band, net, unit, system and bearer, so a constraint finds its targets directly."""

    def __init__(self, members: t.Sequence[Member]) -> None:
        self.band: dict[str, dict[str, list[Member]]] = defaultdict(dict)
        self.net: dict[str, list[Member]] = defaultdict(list)
        self.unit: dict[str, list[Member]] = defaultdict(list)
        self.system: dict[str, list[Member]] = defaultdict(list)
        self.bearer_nets: dict[str, list[str]] = defaultdict(list)
        self.bearer_systems: dict[str, list[str]] = defaultdict(list)
        for m in members:
            self.net[m.net.id].append(m)
            if not _is_courier(m.net):
                self.band[t.cast(str, m.net.band)].setdefault(m.unit.id, []).append(m)
                self.unit[m.unit.id].append(m)
            for s in m.systems:
                self.system[s.id].append(m)
        for nid, ms in self.net.items():
            if ms[0].net.bearer:
                self.bearer_nets[ms[0].net.bearer].append(nid)
        for sid, ms in self.system.items():
            bearer = next(s.bearer for s in ms[0].systems if s.id == sid)
            if bearer:
                self.bearer_systems[bearer].append(sid)
        # Per band, the units sorted by latitude: an area only needs to test its own latitude strip.
        self.by_lat: dict[str, tuple[list[float], list[list[Member]], list[list[Member]]]] = {}
        for band, groups in self.band.items():
            placed = sorted((g for g in groups.values() if g[0].unit.location), key=_latitude)
            nowhere = [g for g in groups.values() if not g[0].unit.location]
            self.by_lat[band] = ([_latitude(g) for g in placed], placed, nowhere)

    def net_bearers(self) -> dict[str, tuple[str, ...]]:
        """Net id -> the bearers its usable members ride it over (its own bearer first)."""
        out: dict[str, tuple[str, ...]] = {}
        for nid, ms in self.net.items():
            own = (ms[0].net.bearer,) if ms[0].net.bearer else ()
            riding = sorted({s.bearer for m in ms for s in m.systems if s.bearer} - set(own))
            if own or riding:
                out[nid] = (*own, *riding)
        return out

    def in_area(self, c: Constraint) -> t.Iterator[Member]:
        """Radio members on the constraint's bands (all but courier when it names none) inside its area."""
        covers, area = coverage(c.area), c.area
        for band in (dict.fromkeys(c.bands) if c.bands else list(self.band)):
            if band == COURIER or band not in self.by_lat:
                continue
            lats, placed, nowhere = self.by_lat[band]
            if area is not None:
                # The great-circle distance is never shorter than the north-south one.
                reach = area.radius_km / _KM_PER_DEGREE * 1.000001 + 1e-6
                placed = placed[bisect.bisect_left(lats, area.lat - reach):bisect.bisect_right(lats, area.lat + reach)]
            for group in [*placed, *nowhere]:
                if covers(group[0].unit):
                    yield from group

    def touched(self, c: Constraint) -> t.Iterator[tuple[Member, str | None]]:
        """The members a constraint degrades, with the system it hits (None: the whole net)."""
        if c.kind == "jamming":
            yield from ((m, None) for m in self.in_area(c))
        elif c.kind in GNSS_KINDS:
            # Spoofed time desynchronises a hopping or TDMA set as surely as no time at all.
            for m in self.in_area(c):
                yield from ((m, s.id) for s in m.systems if TIMING in s.gnss)
        elif c.kind == "emcon":
            # An area limits EMCON and outages too: a local power cut is not a national one.
            bands, covers = set(c.bands), coverage(c.area)
            for uid in dict.fromkeys(c.units):
                yield from ((m, None) for m in self.unit.get(uid, ())
                            if (not bands or m.net.band in bands) and covers(m.unit))
        elif c.kind in OUTAGE_KINDS:
            only, covers = set(c.units), coverage(c.area)
            nets = dict.fromkeys([*c.nets, *(n for b in c.bearers for n in self.bearer_nets.get(b, ()))])
            for nid in nets:
                yield from ((m, None) for m in self.net.get(nid, ())
                            if (not only or m.unit.id in only) and covers(m.unit))
            systems = dict.fromkeys([*c.systems, *(s for b in c.bearers for s in self.bearer_systems.get(b, ()))])
            for sid in systems:
                yield from ((m, sid) for m in self.system.get(sid, ())
                            if (not only or m.unit.id in only) and covers(m.unit))


def _is_courier(net: Net) -> bool:
    """Couriers carry paper: no system, only outages stop them."""
    return net.kind == COURIER or net.band == COURIER


def coverage(area: Area | None) -> t.Callable[[Unit], bool]:
    """A memoised 'is this unit inside the area' test; no area means the whole exercise area."""
    if area is None:
        return lambda unit: True
    cache: dict[str, bool] = {}

    def covers(unit: Unit) -> bool:
        hit = cache.get(unit.id)
        if hit is None:
            hit = cache[unit.id] = area.covers(unit.location)
        return hit

    return covers


def _latitude(group: list[Member]) -> float:
    """The latitude of a group's unit; only called on groups whose unit has a location."""
    return t.cast("Point", group[0].unit.location).lat
