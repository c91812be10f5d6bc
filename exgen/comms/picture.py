"""Comms feasibility: who can reach whom, when, and on which PACE level.

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
import functools
import typing as t
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace


if t.TYPE_CHECKING:
    from exgen.model import Area, Constraint, Exercise, Net, Pace, System, Unit

COURIER = "courier"
INCOMPATIBLE = "incompatible"
_KM_PER_DEGREE = 6371.0088 * 3.141592653589793 / 180

Key = tuple[str, str]
Cause = tuple[str, str, tuple[str, ...]]
#: start, end, constraint id, system id (None: the member loses the whole net)
Window = tuple[int, int, str, "str | None"]


@dataclass(frozen=True)
class Interval:
    """Minutes ``[start, end)`` from STARTEX."""

    start: int
    end: int


@dataclass(frozen=True)
class Down:
    """Minutes ``[start, end)`` in which a member cannot use a net, and the constraint ids to blame."""

    start: int
    end: int
    constraints: tuple[str, ...]


@dataclass(frozen=True)
class Segment:
    """A stretch with one working PACE level; ``down`` explains each higher level that fails."""

    start: int
    end: int
    level: str | None
    net: str | None
    down: tuple[Cause, ...]


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
            if _contains(spans, minute):
                on_air[net].append(unit)
        working: dict[Key, str] = {}
        for net, units in on_air.items():
            for i, a in enumerate(units):
                for b in units[i + 1:]:
                    key = _pair(a, b)
                    if key in self.connected:
                        working.setdefault(key, net)
        out += [Link(key, None, None, working.get(key)) for key in self.connected]
        return tuple(out)


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
        usable[key] = () if m.reason else _gaps(down[key], duration)
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
    for net in _unique_nets(model):
        units = [u for u in (model.unit(i) for i in dict.fromkeys(net.members)) if u is not None]
        lang = _language_gaps(net, units, model.info.working_language)
        for unit in units:
            systems, why = ((), None) if _is_courier(net) else _fitting_systems(net, unit, model)
            reason = "; ".join(r for r in (why, lang.get(unit.id)) if r) or None
            out[(net.id, unit.id)] = _Member(net, unit, systems, reason)
    return out


def _unique_nets(model: Exercise) -> list[Net]:
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
                yield from ((m, None) for m in self.net.get(nid, ()) if (not only or m.unit.id in only) and covers(m.unit))
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
    return t.cast("float", group[0].unit.location.lat)  # type: ignore[union-attr]


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
        level, net, down = _working(levels, states)
        last = segments[-1] if segments else None
        if last and last.level == level and last.net == net and last.down == down:
            segments[-1] = replace(last, end=end)
        else:
            segments.append(Segment(start, end, level, net, down))
    return PairTimeline(plan.id, (a, b), tuple(segments), plan.pointer)


def _overlay(tracks: list[tuple[Down, ...]], duration: int
             ) -> t.Iterator[tuple[int, int, list[tuple[str, ...] | None]]]:
    """Elementary stretches of [0, duration) with each track's causes there (None: up)."""
    cuts = sorted({0, duration, *(x for tr in tracks for d in tr for x in (d.start, d.end))})
    pos = [0] * len(tracks)
    for start, end in zip(cuts, cuts[1:]):
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
    planned = {_pair(*p.units) for p in plans}
    on_net: dict[str, list[str]] = defaultdict(list)
    for nid, uid in members:
        on_net[nid].append(uid)
    spans: dict[Key, list[Interval]] = defaultdict(list)
    for nid, uids in on_net.items():
        for i, a in enumerate(uids):
            for b in uids[i + 1:]:
                key = _pair(a, b)
                if key not in planned:
                    spans[key] += _intersect(usable[(nid, a)], usable[(nid, b)])
    return {key: _merge(spans[key]) for key in sorted(spans)}


# --- interval helpers -------------------------------------------------------------------


def _pair(a: str, b: str) -> Key:
    return (a, b) if a <= b else (b, a)


def _ids(items: t.Iterable[t.Any]) -> str:
    return ", ".join(i.id for i in items)


def _gaps(down: tuple[Down, ...], duration: int) -> tuple[Interval, ...]:
    """The complement of down stretches within [0, duration)."""
    out, prev = [], 0
    for d in down:
        if d.start > prev:
            out.append(Interval(prev, d.start))
        prev = d.end
    if prev < duration:
        out.append(Interval(prev, duration))
    return tuple(out)


def _intersect(xs: t.Sequence[Interval], ys: t.Sequence[Interval]) -> list[Interval]:
    """Intersection of two sorted, disjoint interval lists (two pointers)."""
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


def _merge(spans: t.Iterable[Interval]) -> tuple[Interval, ...]:
    """Union of intervals, touching ones joined."""
    out: list[Interval] = []
    for s in sorted(spans, key=lambda s: s.start):
        if out and s.start <= out[-1].end:
            out[-1] = Interval(out[-1].start, max(out[-1].end, s.end))
        else:
            out.append(s)
    return tuple(out)


def _contains(spans: t.Sequence[Interval], minute: int) -> bool:
    i = bisect.bisect_right([s.start for s in spans], minute) - 1
    return i >= 0 and minute < spans[i].end
