"""Comms findings, located in the definition: comms-incompatible, pace-degraded, comms-no-path.

The findings on required exchanges (and receive-not-emcon) come from :mod:`exgen.check.comms_delivery`.

The analysis (:mod:`exgen.comms`) says when each level works; this module turns that
picture into diagnostics a signals officer can act on, naming the constraints to blame.
"""

from __future__ import annotations

import typing as t

from exgen.check import comms_delivery
from exgen.comms import (
    INCOMPATIBLE,
    Cause,
    CommsPicture,
    Interval,
    PairTimeline,
    Segment,
    merge,
    unique_nets,
)
from exgen.core.diagnostics import Diagnostic, Severity, at

if t.TYPE_CHECKING:
    from exgen.core.sources import Locator
    from exgen.model import Exercise

_LIST_LIMIT = 6

__all__ = ["diagnose"]


def diagnose(picture: CommsPicture, model: Exercise, sources: Locator) -> list[Diagnostic]:
    """comms-incompatible, pace-degraded and comms-no-path findings, located in the definition."""
    out = _incompatible(picture, model, sources)
    for tl in picture.pairs:
        out += _degraded(tl, picture, model, sources) + _no_path(tl, picture, model, sources)
    out += comms_delivery.diagnose(picture, model, sources)
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
    """comms-no-path: one per plan and set of causes that leave no level working both ways.

    An error; a warning where a level still carries traffic one way (a unit under EMCON listens).
    """
    groups: dict[tuple[tuple[Cause, ...], tuple[tuple[str, str], ...]], list[Segment]] = {}
    for seg in tl.segments:
        if seg.level is None:
            groups.setdefault((seg.down, seg.one_way), []).append(seg)
    out = []
    for (causes, one_way), segs in groups.items():
        spans = _spans(model, [Interval(s.start, s.end) for s in segs])
        why = "; ".join(f"{lvl} {net} down ({_blame(ids, net, tl.units, picture, model)})"
                        for lvl, net, ids in causes)
        if one_way:
            nets = {lvl: net for lvl, net, _ in causes}
            ways = "; ".join(f"{who} reaches {_other(tl.units, who)} on {lvl} {nets[lvl]} "
                             f"but {_other(tl.units, who)} cannot answer" for lvl, who in one_way)
            out.append(at(sources, tl.pointer, "comms-no-path",
                          f"PACE {tl.pace_id}: one way only {spans}: {ways}; {why}", Severity.WARNING))
        else:
            out.append(at(sources, tl.pointer, "comms-no-path",
                          f"PACE {tl.pace_id}: no working level {spans}: {why}", Severity.ERROR))
    return out


def _other(units: tuple[str, str], one: str) -> str:
    return units[1] if units[0] == one else units[0]


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
