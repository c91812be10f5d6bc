"""Findings on required exchanges: comms-no-path at a ``requires`` entry, and receive-not-emcon.

:mod:`exgen.comms.delivery` works out when each net could carry a required message (direction
and transit time counted); this module says, for one that cannot arrive by its deadline, why
each net fails and when and how it could arrive at the earliest, so the planner can move the
inject, lengthen ``within`` or change the plan.
"""

from __future__ import annotations

import typing as t

from exgen.comms import COURIER, INCOMPATIBLE
from exgen.comms.delivery import Delivery, NetsMemo, Route, exchange_delivery, in_time, plans_by_pair
from exgen.core.diagnostics import Diagnostic, Severity, at

if t.TYPE_CHECKING:
    from exgen.comms import CommsPicture
    from exgen.core.sources import Locator
    from exgen.model import Exchange, Exercise, Inject


def diagnose(picture: CommsPicture, model: Exercise, sources: Locator) -> list[Diagnostic]:
    """comms-no-path for each required exchange that cannot arrive in time; receive-not-emcon."""
    plans = plans_by_pair(model)
    memo: NetsMemo = {}
    out = []
    for inj in model.injects:
        for ex in inj.requires:
            if in_time(picture, model, inj, ex, plans, memo):
                continue
            found = exchange_delivery(picture, model, inj, ex, plans, memo)
            if found is not None and not found.on_time:
                out.append(at(sources, ex.pointer, "comms-no-path", problem(inj, ex, found, picture, model)))
    for c in model.constraints:
        if c.receive is not None and c.kind != "emcon":
            out.append(at(sources, f"{c.pointer}/receive", "receive-not-emcon",
                          f"constraint {c.id} is {c.kind}: 'receive' only applies to emcon and is ignored here",
                          Severity.WARNING))
    return out


def problem(inj: Inject, ex: Exchange, found: Delivery, picture: CommsPicture, model: Exercise) -> str:
    """Why an exchange cannot arrive in time: each net's failure, then the earliest arrival."""
    a, b = ex.sender, ex.receiver
    if not found.routes:
        return f"inject {inj.id}: no net or PACE plan connects {a} and {b} for its {ex.kind}"
    end = max(found.start, min(found.deadline, picture.duration))
    best = found.best
    why = "; ".join(_route(r, found, ex, picture, model, end) for r in found.routes)
    head = (f"inject {inj.id}: the {ex.kind} from {a} to {b} due {_span(model, found.start, end)} "
            f"cannot get through{' in time' if best else ''}: {why}")
    if best is None or best.leave == found.start:
        return head  # the route's own reason already says when it arrives
    leave, arrive = t.cast(int, best.leave), t.cast(int, best.arrive)
    arriving = f", arriving {model.dtime(arrive)}" if best.transit else ""
    return (f"{head}; the earliest it can leave is {model.dtime(leave)} on {best.net}{arriving}, "
            f"{length(arrive - found.deadline)} after the deadline")


def _route(r: Route, found: Delivery, ex: Exchange, picture: CommsPicture, model: Exercise, end: int) -> str:
    """One net's part of the message: down (and until when), under EMCON, or too slow."""
    if r.leave == found.start:  # open at once: only the time in transit makes it late
        arrive = t.cast(int, r.arrive)
        return (f"{_label(model, r.net)} carries it, but with {length(r.transit)} in transit it arrives at "
                f"{model.dtime(arrive)}, {length(arrive - found.deadline)} after the deadline")
    stop = end if r.leave is None else r.leave
    ids, emcon = _causes(picture, r.net, ex.sender, ex.receiver, found.start, max(stop, found.start + 1))
    until = "" if r.leave is None else f" until {model.dtime(r.leave)}"
    if ids == (INCOMPATIBLE,):
        return f"{r.net} down ({_unusable(picture, r.net, (ex.sender, ex.receiver))})"
    if emcon:
        return f"{ex.sender} is under EMCON on {r.net}{until} ({', '.join(ids)})"
    return f"{r.net} down{until} ({', '.join(ids)})"


def _causes(picture: CommsPicture, nid: str, sender: str, receiver: str, start: int, end: int
            ) -> tuple[tuple[str, ...], bool]:
    """Constraint ids that stop the sender transmitting or the receiver hearing somewhere in
    [start, end), and whether they are all EMCON on the sender under which it still listens."""
    keys = ((nid, sender), (nid, receiver))
    if any(k not in picture.down or k in picture.reasons for k in keys):
        return (INCOMPATIBLE,), False
    found: set[str] = set()
    only_silenced = True
    for d in picture.down[keys[0]]:
        if d.start < end and start < d.end:
            found.update(d.constraints)
            only_silenced = only_silenced and d.receives
    for d in picture.down[keys[1]]:
        if d.start < end and start < d.end and not d.receives:
            found.update(c for c in d.constraints if c not in d.silent)
            only_silenced = False
    return tuple(sorted(found)), only_silenced and bool(found)


def _unusable(picture: CommsPicture, nid: str, units: tuple[str, str]) -> str:
    """Which unit cannot use the net, and why not."""
    parts = []
    for u in units:
        if (nid, u) not in picture.usable:
            parts.append(f"{u} is not a member")
        elif (nid, u) in picture.reasons:
            parts.append(f"{u}: {picture.reasons[(nid, u)]}")
    return "; ".join(parts) or INCOMPATIBLE


def _label(model: Exercise, nid: str) -> str:
    net = model.net(nid)
    courier = net is not None and COURIER in (net.kind, net.band)
    return f"the courier net {nid}" if courier else nid


def length(minutes: int) -> str:
    """``3 h 30 min``, ``15 min``, ``1 d 2 h``: a length for a message.

    >>> length(210), length(15), length(1560), length(0)
    ('3 h 30 min', '15 min', '1 d 2 h', '0 min')
    """
    d, rest = divmod(minutes, 1440)
    h, m = divmod(rest, 60)
    return " ".join(p for p in (f"{d} d" if d else "", f"{h} h" if h else "", f"{m} min" if m else "") if p) or "0 min"


def _span(model: Exercise, start: int, end: int) -> str:
    return f"{model.dtime(start)}–{model.dtime(end)}"

