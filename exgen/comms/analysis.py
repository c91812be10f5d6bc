"""Comms feasibility analysis: who can reach whom, when, and on which PACE level.

Each (net, member) gets a piecewise status over ``[0, duration)``: usable, or down with
the ids of the constraints that took it down. The status comes from one sweep over the
sorted boundaries of the windows touching that member, PACE timelines from an overlay of
those statuses, so the cost grows with windows and members, never with minutes.

Rules (:mod:`exgen.comms.targets`): jamming, emcon and net outages take a member off a net
outright; GNSS jamming or spoofing (of timing-dependent systems) and system or bearer outages
take single *systems* down, and the member is off the net while every system it could use for
that net is down (a lone GNSS-timed radio under GNSS jamming, or a GNSS-timed radio jammed
while the other one is out). An outage of a bearer also takes down every net that names it.

Direction and time (:mod:`exgen.comms.timeline`, :mod:`exgen.comms.delivery`): EMCON stops a
member transmitting but, unless it sets ``receive: false``, the member still listens; each net
has a transit time (its own, else the longest of the systems carrying it, else 0).
"""

from __future__ import annotations

import typing as t
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from exgen.comms.intervals import Interval, gaps, intersect, merge
from exgen.comms.languages import language_gaps
from exgen.comms.picture import COURIER, INCOMPATIBLE, CommsPicture, Down, Key, PairTimeline, pair_key
from exgen.comms.targets import Targets, Window, targets
from exgen.comms.timeline import listening_ids, plan_timeline

if t.TYPE_CHECKING:
    from exgen.model import Exercise, Net, System, Unit


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
    found = _windows(model, members, duration)
    windows = found.windows
    full = (Down(0, duration, (INCOMPATIBLE,)),) if duration else ()
    down: dict[Key, tuple[Down, ...]] = {}
    usable: dict[Key, tuple[Interval, ...]] = {}
    listening = listening_ids(model)
    for key, m in members.items():
        ids = tuple(s.id for s in m.systems)
        down[key] = full if m.reason else _sweep(windows.get(key, []), ids, listening)
        usable[key] = () if m.reason else gaps(down[key], duration)
    plans = tuple(tl for tl in (plan_timeline(p, model, down, full, duration) for p in model.pace) if tl)
    incompatible = tuple((n, u, m.reason) for (n, u), m in members.items() if m.reason)
    return CommsPicture(duration, usable, incompatible, plans, down, _Connected(list(members), usable, plans),
                        transit=_transits(model, members), affected=frozenset(found.affected),
                        bearers=found.bearers)


# --- static compatibility ---------------------------------------------------------------


def _is_courier(net: Net) -> bool:
    """Couriers carry paper: no system, only outages stop them."""
    return net.kind == COURIER or net.band == COURIER


def _members(model: Exercise) -> dict[Key, _Member]:
    """Every known member of every net, with its usable systems or what it lacks."""
    out: dict[Key, _Member] = {}
    for net in unique_nets(model):
        units = [u for u in (model.unit(i) for i in dict.fromkeys(net.members)) if u is not None]
        lang = language_gaps(net, units, model, _fitting_systems)
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


# --- constraint windows and the sweep ---------------------------------------------------


def _windows(model: Exercise, members: dict[Key, _Member], duration: int) -> Targets:
    """The clipped constraint windows that touch each usable member (see :mod:`exgen.comms.targets`)."""
    return targets(model, [m for m in members.values() if m.reason is None], duration)


def _sweep(windows: list[Window], systems: tuple[str, ...], listening: frozenset[str] = frozenset()
           ) -> tuple[Down, ...]:
    """Down stretches of one member, from one pass over its sorted window boundaries.

    Member-level windows of the constraints in ``listening`` (EMCON under which units still
    receive) only silence the member: its stretches name them in :attr:`Down.silent`.
    """
    events = [(s, 1, cid, sys) for s, _, cid, sys in windows]
    events += [(e, -1, cid, sys) for _, e, cid, sys in windows]
    events.sort(key=_first)
    whole: dict[str, int] = {}  # open member-level windows per constraint id
    quiet: dict[str, int] = {}  # open member-level windows that only silence the member
    per_system: dict[str, dict[str, int]] = {s: {} for s in systems}
    dark = 0  # systems with at least one open window
    out: list[Down] = []
    open_start, open_ids, prev = 0, None, 0
    for now, step, cid, sys in events:
        if now != prev:  # the state over [prev, now) is final: record it
            blackout = dark == len(systems) > 0
            ids = _state(whole, quiet, per_system, blackout) if whole or blackout or quiet else None
            if ids != open_ids:
                if open_ids is not None:
                    out.append(Down(open_start, prev, *open_ids))
                open_start, open_ids = prev, ids
            prev = now
        bucket = (quiet if cid in listening else whole) if sys is None else per_system.setdefault(sys, {})
        was = bool(bucket)
        count = bucket.get(cid, 0) + step
        if count:
            bucket[cid] = count
        else:
            del bucket[cid]
        if sys is not None and sys in systems:
            dark += bool(bucket) - was
    if open_ids is not None:  # every window has closed by the last boundary
        out.append(Down(open_start, prev, *open_ids))
    return tuple(out)


def _state(whole: dict[str, int], quiet: dict[str, int], per_system: dict[str, dict[str, int]],
           blackout: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(constraint ids to blame, those among them that only silence the member)."""
    deaf = set(whole).union(*per_system.values()) if blackout else whole
    if not quiet:
        return tuple(sorted(deaf)), ()
    return tuple(sorted({*deaf, *quiet})), tuple(sorted(c for c in quiet if c not in deaf))


def _first(event: tuple[t.Any, ...]) -> t.Any:
    return event[0]


# --- PACE timelines and shared nets -----------------------------------------------------


def _transits(model: Exercise, members: dict[Key, _Member]) -> dict[str, int]:
    """Net id -> minutes in transit: the net's own ``transit``, else the longest of the systems
    its members use for it (for a courier net, their systems on band courier), else 0."""
    out: dict[str, int] = {}
    for (nid, _), m in members.items():
        if m.net.transit is not None:
            out[nid] = m.net.transit
            continue
        carriers = m.systems if not _is_courier(m.net) else [
            s for s in (model.system(i) for i in m.unit.systems) if s is not None and COURIER in s.bands]
        out[nid] = max([out.get(nid, 0), *(s.transit for s in carriers if s.transit is not None)])
    return out


class _Connected(Mapping[Key, tuple[Interval, ...]]):
    """:attr:`CommsPicture.connected`, worked out when first read: only views and templates read it,
    and for a large definition it is a third of the analysis, which validation alone never needs."""

    def __init__(self, members: list[Key], usable: dict[Key, tuple[Interval, ...]],
                 plans: tuple[PairTimeline, ...]) -> None:
        self._inputs: tuple[list[Key], dict[Key, tuple[Interval, ...]], tuple[PairTimeline, ...]] | None = \
            (members, usable, plans)
        self._table: dict[Key, tuple[Interval, ...]] = {}

    def _worked_out(self) -> dict[Key, tuple[Interval, ...]]:
        if self._inputs is not None:
            self._table, self._inputs = _connected(*self._inputs), None
        return self._table

    def __getitem__(self, key: Key) -> tuple[Interval, ...]:
        return self._worked_out()[key]

    def __iter__(self) -> t.Iterator[Key]:
        return iter(self._worked_out())

    def __len__(self) -> int:
        return len(self._worked_out())

    def __repr__(self) -> str:
        return repr(self._worked_out())


def _connected(members: t.Iterable[Key], usable: dict[Key, tuple[Interval, ...]],
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
