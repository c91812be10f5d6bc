"""Comms findings, located in the definition: comms-incompatible, pace-degraded, comms-no-path.

The analysis (:mod:`exgen.comms`) says when each level works; this module turns that
picture into diagnostics a signals officer can act on, naming the constraints to blame.
"""

from __future__ import annotations

import typing as t

from exgen.comms import (
    INCOMPATIBLE,
    Cause,
    CommsPicture,
    Interval,
    PairTimeline,
    Segment,
    intersect,
    merge,
    unique_nets,
)
from exgen.core.diagnostics import Diagnostic, Severity, at

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator
    from exgen.model import Exchange, Exercise, Inject

_LIST_LIMIT = 6



def diagnose(picture: CommsPicture, model: Exercise, sources: Locator) -> list[Diagnostic]:
    """comms-incompatible, pace-degraded and comms-no-path findings, located in the definition."""
    out = _incompatible(picture, model, sources)
    for tl in picture.pairs:
        out += _degraded(tl, picture, model, sources) + _no_path(tl, picture, model, sources)
    plans = plans_by_pair(model)
    for inj in model.injects:
        for ex in inj.requires:
            problem = _exchange_problem(inj, ex, picture, model, plans)
            if problem:
                out.append(at(sources, ex.pointer, "comms-no-path", problem))
    return out


def _incompatible(picture: CommsPicture, model: Exercise, sources: Locator) -> list[Diagnostic]:
    """One warning per member entry that cannot use its net."""
    reasons = dict(picture.reasons)
    out = []
    for net in unique_nets(model):
        for j, uid in enumerate(net.members):
            reason = reasons.pop((net.id, uid), None)  # pop: a repeated member is reported once
            if reason:
                out.append(at(sources, f"{net.pointer}/members/{j}", "comms-incompatible",
                              f"{uid} cannot use net {net.id}: {reason}", Severity.WARNING))
    return out


def _degraded(tl: PairTimeline, picture: CommsPicture, model: Exercise, sources: Locator) -> list[Diagnostic]:
    """pace-degraded: one per plan and cause of a primary outage that a lower level covers."""
    groups: dict[tuple[str, ...], list[Segment]] = {}
    for seg in tl.segments:
        if seg.level is not None and seg.down and seg.down[0][0] == "primary":
            groups.setdefault(seg.down[0][2], []).append(seg)
    out = []
    for cause, segs in groups.items():
        net = segs[0].down[0][1]
        spans = _spans(model, merge(Interval(s.start, s.end) for s in segs))
        runs = _runs([(s.start, s.end, f"{s.level} {s.net}") for s in segs])
        if len({name for _, _, name in runs}) == 1:
            carry = f"{runs[0][2]} carries"
        else:
            carry = _listing([f"{name} carries {_span(model, a, b)}" for a, b, name in runs], "; ")
        why = _blame(cause, net, tl.units, picture, model)
        intended = cause != (INCOMPATIBLE,) and all(_intended(model, c) for c in cause)
        out.append(at(sources, f"{tl.pointer}/primary", "pace-degraded",
                      f"PACE {tl.pace_id}: primary {net} down {spans} ({why}); {carry}",
                      Severity.INFO if intended else Severity.WARNING))
    return out


def _no_path(tl: PairTimeline, picture: CommsPicture, model: Exercise, sources: Locator) -> list[Diagnostic]:
    """comms-no-path: one per plan and set of causes that leave no level working."""
    groups: dict[tuple[Cause, ...], list[Segment]] = {}
    for seg in tl.segments:
        if seg.level is None:
            groups.setdefault(seg.down, []).append(seg)
    out = []
    for causes, segs in groups.items():
        spans = _spans(model, [Interval(s.start, s.end) for s in segs])
        why = "; ".join(f"{lvl} {net} down ({_blame(ids, net, tl.units, picture, model)})"
                        for lvl, net, ids in causes)
        out.append(at(sources, tl.pointer, "comms-no-path",
                      f"PACE {tl.pace_id}: no working level {spans}: {why}", Severity.ERROR))
    return out


def _exchange_problem(inj: Inject, ex: Exchange, picture: CommsPicture, model: Exercise,
                      plans: dict[frozenset[str], list[t.Any]]) -> str | None:
    """Why an inject's required exchange cannot get through in its due window, or None."""
    a, b = ex.sender, ex.receiver
    if a == b or model.unit(a) is None or model.unit(b) is None:
        return None
    if ex.net is not None and model.net(ex.net) is None:
        return None
    nets = exchange_nets(ex, picture, model, plans)
    if not nets:
        return f"inject {inj.id}: no net or PACE plan connects {a} and {b} for its {ex.kind}"
    start, end = max(inj.time, 0), min(inj.time + ex.within, picture.duration)
    if start >= end:
        return None  # due outside the exercise: the timing rules say so
    window = [Interval(start, end)]
    for nid in nets:
        if intersect(intersect(picture.usable.get((nid, a), ()), picture.usable.get((nid, b), ())), window):
            return None
    why = "; ".join(f"{nid} down ({_blame(_causes_in(picture, nid, (a, b), start, end), nid, (a, b), picture, model)})"
                    for nid in nets)
    return (f"inject {inj.id}: the {ex.kind} from {a} to {b} due {_span(model, start, end)} "
            f"cannot get through: {why}")


def plans_by_pair(model: Exercise) -> dict[frozenset[str], list[t.Any]]:
    """PACE plans by the pair of units they join (built once per diagnose, not per exchange)."""
    table: dict[frozenset[str], list[t.Any]] = {}
    for p in model.pace:
        table.setdefault(frozenset(p.between), []).append(p)
    return table


def exchange_nets(ex: Exchange, picture: CommsPicture, model: Exercise,
                  plans: dict[frozenset[str], list[t.Any]] | None = None) -> list[str]:
    """Nets an exchange may use: its own net, else its PACE plan's levels, else any shared net."""
    if ex.net:
        return [ex.net]
    plans = plans_by_pair(model) if plans is None else plans
    planned = [nid for p in plans.get(frozenset((ex.sender, ex.receiver)), ())
               for _, nid in p.levels if model.net(nid) is not None]
    if planned:
        return list(dict.fromkeys(planned))
    return [n.id for n in unique_nets(model)
            if (n.id, ex.sender) in picture.usable and (n.id, ex.receiver) in picture.usable]


def _causes_in(picture: CommsPicture, nid: str, units: tuple[str, str], start: int, end: int) -> tuple[str, ...]:
    """Constraint ids keeping either unit off a net somewhere in [start, end)."""
    found: set[str] = set()
    for u in units:
        if (nid, u) not in picture.down:
            return (INCOMPATIBLE,)
        for d in picture.down[(nid, u)]:
            if d.start < end and start < d.end:
                found.update(d.constraints)
    return (INCOMPATIBLE,) if INCOMPATIBLE in found else tuple(sorted(found))


def _blame(ids: tuple[str, ...], nid: str, units: tuple[str, str], picture: CommsPicture, model: Exercise) -> str:
    """Constraint ids, or which unit cannot use the net and why not."""
    if ids != (INCOMPATIBLE,):
        return ", ".join(ids)
    reasons = picture.reasons
    parts = []
    for u in units:
        if (nid, u) not in picture.usable:
            parts.append(f"{u} is not a member")
        elif (nid, u) in reasons:
            parts.append(f"{u}: {reasons[(nid, u)]}")
    return "; ".join(parts) or INCOMPATIBLE


def _intended(model: Exercise, cid: str) -> bool:
    c = model.get("constraints", cid)
    return bool(getattr(c, "intended", False))


def _runs(items: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join touching stretches with the same label."""
    out: list[tuple[int, int, str]] = []
    for a, b, name in items:
        if out and out[-1][1] == a and out[-1][2] == name:
            out[-1] = (out[-1][0], b, name)
        else:
            out.append((a, b, name))
    return out


def _span(model: Exercise, start: int, end: int) -> str:
    return f"{model.dtime(start)}–{model.dtime(end)}"


def _spans(model: Exercise, spans: t.Sequence[Interval]) -> str:
    return _listing([_span(model, s.start, s.end) for s in spans], ", ")


def _listing(items: list[str], sep: str) -> str:
    """Items joined, the tail of a long list summarised so messages stay readable."""
    if len(items) <= _LIST_LIMIT:
        return sep.join(items)
    return sep.join(items[:_LIST_LIMIT]) + f"{sep}and {len(items) - _LIST_LIMIT} more"
