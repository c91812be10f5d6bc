"""Comms feasibility analysis: who can reach whom, when, and on which PACE level.

Each (net, member) gets a piecewise status over ``[0, duration)``: usable, or down with
the ids of the constraints that took it down. The status comes from one sweep over the
sorted boundaries of the windows touching that member, PACE timelines from an overlay of
those statuses, so the cost grows with windows and members, never with minutes.

Rules: jamming, emcon and net outages take a member off a net outright; GNSS jamming and
system outages take single *systems* down, and the member is off the net while every
system it could use for that net is down (a lone GNSS-dependent radio under GNSS jamming,
or a GNSS-dependent radio jammed while the other one is out).
"""

from __future__ import annotations

import bisect
import itertools
import typing as t
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from exgen.comms.intervals import Interval, gaps, intersect, merge
from exgen.comms.picture import COURIER, INCOMPATIBLE, Cause, CommsPicture, Down, Key, PairTimeline, Segment, pair_key

if t.TYPE_CHECKING:
    from exgen.model import Area, Constraint, Exercise, Net, Pace, Point, System, Unit

_KM_PER_DEGREE = 6371.0088 * 3.141592653589793 / 180

#: start, end, constraint id, system id (None: the member loses the whole net)
Window = tuple[int, int, str, "str | None"]


@dataclass(frozen=True)
class _Member:
    """One unit on one net: the systems it could use there, or why it cannot use it."""

    net: Net
    unit: Unit
    systems: tuple[System, ...]
    reason: str | None


def analyse(model: Exercise) -> CommsPicture:
    """The comms picture; dangling references are skipped (the rules report them)."""
    duration = max(0, model.info.duration)
    members = _members(model)
    windows = _windows(model, members, duration)
    full = (Down(0, duration, (INCOMPATIBLE,)),) if duration else ()
    down: dict[Key, tuple[Down, ...]] = {}
    usable: dict[Key, tuple[Interval, ...]] = {}
    for key, m in members.items():
        ids = tuple(s.id for s in m.systems)
        down[key] = full if m.reason else _sweep(windows.get(key, []), ids)
        usable[key] = () if m.reason else gaps(down[key], duration)
    plans = tuple(tl for tl in (_plan_timeline(p, model, down, full, duration) for p in model.pace) if tl)
    incompatible = tuple((n, u, m.reason) for (n, u), m in members.items() if m.reason)
    return CommsPicture(duration, usable, incompatible, plans, down, _connected(members, usable, plans))


# --- static compatibility ---------------------------------------------------------------


def _is_courier(net: Net) -> bool:
    """Couriers carry paper: no system, only outages stop them."""
    return net.kind == COURIER or net.band == COURIER


def _members(model: Exercise) -> dict[Key, _Member]:
    """Every known member of every net, with its usable systems or what it lacks."""
    out: dict[Key, _Member] = {}
    for net in unique_nets(model):
        units = [u for u in (model.unit(i) for i in dict.fromkeys(net.members)) if u is not None]
        lang = _language_gaps(net, units, model.info.working_language)
        for unit in units:
            systems, why = ((), None) if _is_courier(net) else _fitting_systems(net, unit, model)
            reason = "; ".join(r for r in (why, lang.get(unit.id)) if r) or None
            out[(net.id, unit.id)] = _Member(net, unit, systems, reason)
    return out


def unique_nets(model: Exercise) -> list[Net]:
    """Nets in definition order, the first of duplicate ids only (as in the model index)."""
    return [n for n in model.nets if model.net(n.id) is n]


def _fitting_systems(net: Net, unit: Unit, model: Exercise) -> tuple[tuple[System, ...], str | None]:
    """The unit's systems that carry the net, or exactly which requirement none meets."""
    held = [s for s in (model.system(i) for i in dict.fromkeys(unit.systems)) if s is not None]
    if not held:
        return (), "it holds no systems"
    if net.band is None:
        return (), "the net names no band"
    fit = [s for s in held if net.band in s.bands]
    if not fit:
        return (), f"none of its systems ({_ids(held)}) works on band {net.band}"
    if net.waveform:
        wave = [s for s in fit if net.waveform in s.waveforms]
        if not wave:
            return (), f"none of its {net.band} systems ({_ids(fit)}) runs waveform {net.waveform}"
        fit = wave
    if net.crypto:
        keyed = [s for s in fit if net.crypto in s.crypto]
        if not keyed:
            return (), f"none of its systems ({_ids(fit)}) carries crypto {net.crypto}"
        fit = keyed
    return tuple(fit), None


def _ids(items: t.Iterable[t.Any]) -> str:
    return ", ".join(i.id for i in items)


def _language_gaps(net: Net, units: list[Unit], working: str) -> dict[str, str]:
    """Unit id -> why it cannot follow a voice net (units declaring no languages are not judged)."""
    speakers = [u for u in units if u.languages]
    if net.kind != "voice" or not speakers:
        return {}
    if net.language:
        return {u.id: f"it does not speak the net language {net.language} (it speaks {', '.join(u.languages)})"
                for u in speakers if net.language not in u.languages}
    if set.intersection(*(set(u.languages) for u in speakers)):
        return {}
    # No shared language: the one most members speak becomes the yardstick (ties: working language, then A-Z).
    counts = Counter(lang for u in speakers for lang in set(u.languages))
    best = max(sorted(counts), key=lambda lang: (counts[lang], lang == working))
    return {u.id: f"the net sets no language, its members share none, and it does not speak {best} "
                  f"like most of them (it speaks {', '.join(u.languages)})"
            for u in speakers if best not in u.languages}


# --- constraint windows and the sweep ---------------------------------------------------


def _windows(model: Exercise, members: dict[Key, _Member], duration: int) -> dict[Key, list[Window]]:
    """The clipped constraint windows that touch each usable member."""
    index = _Index([m for m in members.values() if m.reason is None])
    out: dict[Key, list[Window]] = defaultdict(list)
    for c in model.constraints:
        start, end = max(c.start, 0), min(c.end, duration)
        if start < end:
            for m, system in index.touched(c):
                out[(m.net.id, m.unit.id)].append((start, end, c.id, system))
    return out


class _Index:
    """Members by band, net, unit and system, so a constraint finds its targets directly."""

    def __init__(self, members: list[_Member]) -> None:
        self.band: dict[str, dict[str, list[_Member]]] = defaultdict(dict)
        self.net: dict[str, list[_Member]] = defaultdict(list)
        self.unit: dict[str, list[_Member]] = defaultdict(list)
        self.system: dict[str, list[_Member]] = defaultdict(list)
        for m in members:
            self.net[m.net.id].append(m)
            if not _is_courier(m.net):
                self.band[t.cast(str, m.net.band)].setdefault(m.unit.id, []).append(m)
                self.unit[m.unit.id].append(m)
            for s in m.systems:
                self.system[s.id].append(m)
        # Per band, the units sorted by latitude: an area only needs to test its own latitude strip.
        self.by_lat: dict[str, tuple[list[float], list[list[_Member]], list[list[_Member]]]] = {}
        for band, groups in self.band.items():
            placed = sorted((g for g in groups.values() if g[0].unit.location), key=_latitude)
            nowhere = [g for g in groups.values() if not g[0].unit.location]
            self.by_lat[band] = ([_latitude(g) for g in placed], placed, nowhere)

    def in_area(self, c: Constraint) -> t.Iterator[_Member]:
        """Radio members on the constraint's bands (all but courier when it names none) inside its area."""
        covers, area = _coverage(c.area), c.area
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

    def touched(self, c: Constraint) -> t.Iterator[tuple[_Member, str | None]]:
        """The members a constraint degrades, with the system it hits (None: the whole net)."""
        if c.kind == "jamming":
            yield from ((m, None) for m in self.in_area(c))
        elif c.kind == "gnss-jamming":
            for m in self.in_area(c):
                yield from ((m, s.id) for s in m.systems if s.gnss_dependent)
        elif c.kind == "emcon":
            # An area limits EMCON and outages too: a local power cut is not a national one.
            bands, covers = set(c.bands), _coverage(c.area)
            for uid in dict.fromkeys(c.units):
                yield from ((m, None) for m in self.unit.get(uid, ())
                            if (not bands or m.net.band in bands) and covers(m.unit))
        elif c.kind == "outage":
            only, covers = set(c.units), _coverage(c.area)
            for nid in dict.fromkeys(c.nets):
                yield from ((m, None) for m in self.net.get(nid, ())
                            if (not only or m.unit.id in only) and covers(m.unit))
            for sid in dict.fromkeys(c.systems):
                yield from ((m, sid) for m in self.system.get(sid, ())
                            if (not only or m.unit.id in only) and covers(m.unit))


def _coverage(area: Area | None) -> t.Callable[[Unit], bool]:
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


def _latitude(group: list[_Member]) -> float:
    """The latitude of a group's unit; only called on groups whose unit has a location."""
    return t.cast("Point", group[0].unit.location).lat


def _sweep(windows: list[Window], systems: tuple[str, ...]) -> tuple[Down, ...]:
    """Down stretches of one member, from one pass over its sorted window boundaries."""
    events = [(s, 1, cid, sys) for s, _, cid, sys in windows]
    events += [(e, -1, cid, sys) for _, e, cid, sys in windows]
    events.sort(key=_first)
    whole: dict[str, int] = {}  # open member-level windows per constraint id
    per_system: dict[str, dict[str, int]] = {s: {} for s in systems}
    dark = 0  # systems with at least one open window
    out: list[Down] = []
    open_start, open_ids, prev = 0, None, 0
    for now, step, cid, sys in events:
        if now != prev:  # the state over [prev, now) is final: record it
            blackout = dark == len(systems) > 0
            ids = (tuple(sorted(set(whole).union(*per_system.values()) if blackout else whole))
                   if whole or blackout else None)
            if ids != open_ids:
                if open_ids is not None:
                    out.append(Down(open_start, prev, open_ids))
                open_start, open_ids = prev, ids
            prev = now
        bucket = whole if sys is None else per_system.setdefault(sys, {})
        was = bool(bucket)
        count = bucket.get(cid, 0) + step
        if count:
            bucket[cid] = count
        else:
            del bucket[cid]
        if sys is not None and sys in systems:
            dark += bool(bucket) - was
    if open_ids is not None:  # every window has closed by the last boundary
        out.append(Down(open_start, prev, open_ids))
    return tuple(out)


def _first(event: tuple[t.Any, ...]) -> t.Any:
    return event[0]


# --- PACE timelines and shared nets -----------------------------------------------------


def _plan_timeline(plan: Pace, model: Exercise, down: dict[Key, tuple[Down, ...]],
                   full: tuple[Down, ...], duration: int) -> PairTimeline | None:
    """The plan's working level over time; None when its units or all its nets are unknown."""
    a, b = plan.between
    levels = [(lvl, nid) for lvl, nid in plan.levels if model.net(nid) is not None]
    if a == b or model.unit(a) is None or model.unit(b) is None or not levels:
        return None
    # A unit that is not on a level's net can never use it: same as incompatible.
    tracks = [down.get((nid, u), full) for _, nid in levels for u in (a, b)]
    segments: list[Segment] = []
    for start, end, states in _overlay(tracks, duration):
        level, net, causes = _working(levels, states)
        last = segments[-1] if segments else None
        if last and last.level == level and last.net == net and last.down == causes:
            segments[-1] = replace(last, end=end)
        else:
            segments.append(Segment(start, end, level, net, causes))
    return PairTimeline(plan.id, (a, b), tuple(segments), plan.pointer)


def _overlay(tracks: list[tuple[Down, ...]], duration: int
             ) -> t.Iterator[tuple[int, int, list[tuple[str, ...] | None]]]:
    """Elementary stretches of [0, duration) with each track's causes there (None: up)."""
    cuts = sorted({0, duration, *(x for tr in tracks for d in tr for x in (d.start, d.end))})
    pos = [0] * len(tracks)
    for start, end in itertools.pairwise(cuts):
        states: list[tuple[str, ...] | None] = []
        for k, tr in enumerate(tracks):
            p = pos[k]
            while p < len(tr) and tr[p].end <= start:
                p += 1
            pos[k] = p
            states.append(tr[p].constraints if p < len(tr) and tr[p].start <= start else None)
        yield start, end, states


def _both(x: tuple[str, ...] | None, y: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Why a net fails between two members: None when both can use it."""
    if x is None or y is None or x == y:
        return y if x is None else x
    if INCOMPATIBLE in x or INCOMPATIBLE in y:
        return (INCOMPATIBLE,)
    return tuple(sorted({*x, *y}))


def _working(levels: list[tuple[str, str]], states: list[tuple[str, ...] | None]
             ) -> tuple[str | None, str | None, tuple[Cause, ...]]:
    """The highest level both units can use, and why each level above it fails."""
    down: list[Cause] = []
    for k, (level, nid) in enumerate(levels):
        why = _both(states[2 * k], states[2 * k + 1])
        if why is None:
            return level, nid, tuple(down)
        down.append((level, nid, why))
    return None, None, tuple(down)


def _connected(members: dict[Key, _Member], usable: dict[Key, tuple[Interval, ...]],
               plans: tuple[PairTimeline, ...]) -> dict[Key, tuple[Interval, ...]]:
    """For unit pairs sharing a net but no PACE plan: when at least one shared net works."""
    planned = {pair_key(*p.units) for p in plans}
    on_net: dict[str, list[str]] = defaultdict(list)
    for nid, uid in members:
        on_net[nid].append(uid)
    spans: dict[Key, list[Interval]] = defaultdict(list)
    for nid, uids in on_net.items():
        for i, a in enumerate(uids):
            for b in uids[i + 1:]:
                key = pair_key(a, b)
                if key not in planned:
                    spans[key] += intersect(usable[(nid, a)], usable[(nid, b)])
    return {key: merge(spans[key]) for key in sorted(spans)}
