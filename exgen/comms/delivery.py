"""When a required message arrives: the nets that may carry it, direction and transit time.

An exchange (an inject's ``requires``: a report, order, request or acknowledgement) goes from
a sender to a receiver over one of the nets that may carry it: its own ``net``, else the levels
of the PACE plan between the two units, else any net both are members of. The rules:

- The message leaves at a moment when the sender can transmit on the net and the receiver can
  receive on it. A unit under EMCON still receives (unless the EMCON sets ``receive: false``),
  so an order to it can leave, a report from it cannot.
- It arrives ``transit`` minutes later (0 on radio and data nets). Once it has left, what
  happens on the net does not stop it: a dispatched courier arrives, a message a
  store-and-forward system has accepted is delivered.
- It is on time when it arrives by the deadline, the inject's time plus ``within``. It may
  leave no earlier than the inject (nor STARTEX), and only before ENDEX.

Leaving as early as possible is always best, so each net needs one binary search in the
intervals in which its path is open: no per-minute loop.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from exgen.comms.analysis import unique_nets
from exgen.comms.intervals import first_from

if t.TYPE_CHECKING:
    from exgen.comms.picture import CommsPicture
    from exgen.model import Exchange, Exercise, Inject, Pace

#: PACE plans by the (unordered) pair of units they join
Plans = dict[frozenset[str], list["Pace"]]
#: The nets an exchange may use, by (its own net, sender, receiver)
NetsMemo = dict[tuple[str | None, str, str], list[str]]


@dataclass(frozen=True)
class Route:
    """One net that may carry an exchange: its transit and the earliest minute it can leave."""

    net: str
    transit: int
    #: The first minute at or after the start the path is open; None: not before ENDEX.
    leave: int | None

    @property
    def arrive(self) -> int | None:
        """When the message arrives if it leaves as early as it can."""
        return None if self.leave is None else self.leave + self.transit


@dataclass(frozen=True)
class Delivery:
    """How an exchange fares: the window it is due in and every net that may carry it."""

    start: int
    deadline: int
    routes: tuple[Route, ...]

    @property
    def best(self) -> Route | None:
        """The route that arrives first (the first listed among equals); None when none can."""
        open_ = [r for r in self.routes if r.arrive is not None]
        return min(open_, key=lambda r: t.cast(int, r.arrive)) if open_ else None

    @property
    def on_time(self) -> bool:
        best = self.best
        return best is not None and t.cast(int, best.arrive) <= self.deadline

    @property
    def late(self) -> int | None:
        """Minutes after the deadline the best route arrives (0 when on time); None: no route."""
        best = self.best
        return None if best is None else max(0, t.cast(int, best.arrive) - self.deadline)


def plans_by_pair(model: Exercise) -> Plans:
    """PACE plans by the pair of units they join (built once per diagnose, not per exchange)."""
    table: Plans = {}
    for p in model.pace:
        table.setdefault(frozenset(p.between), []).append(p)
    return table


def exchange_nets(ex: Exchange, picture: CommsPicture, model: Exercise, plans: Plans | None = None) -> list[str]:
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


def deliver(picture: CommsPicture, sender: str, receiver: str, nets: t.Sequence[str],
            start: int, deadline: int) -> Delivery:
    """How a message from ``sender`` to ``receiver``, due between ``start`` and ``deadline``, fares."""
    routes = []
    for nid in nets:
        spans = picture.path(nid, sender, receiver)
        routes.append(Route(nid, picture.transit.get(nid, 0), first_from(spans, start)))
    return Delivery(start, deadline, tuple(routes))


def exchange_delivery(picture: CommsPicture, model: Exercise, inj: Inject, ex: Exchange,
                      plans: Plans | None = None, memo: NetsMemo | None = None) -> Delivery | None:
    """How an inject's required exchange fares; None when it is not judged here.

    Not judged: a unit that does not exist or sends to itself, a net that does not exist (the
    rules report those), or a due window wholly outside the exercise (the timing rules say so).
    No route at all (no net or plan connects the units) gives a delivery without routes.
    ``memo`` keeps the nets of each (net, sender, receiver) across the calls of one picture.
    """
    judged = _judged(picture, model, inj, ex, plans, memo)
    if judged is None:
        return None
    nets, start, deadline = judged
    if not nets:
        return Delivery(start, deadline, ())
    return deliver(picture, ex.sender, ex.receiver, nets, start, deadline)


def in_time(picture: CommsPicture, model: Exercise, inj: Inject, ex: Exchange,
            plans: Plans | None = None, memo: NetsMemo | None = None) -> bool:
    """Whether :func:`exchange_delivery` gives None or a delivery on time, without building it (the
    common answer; the delivery, with every route, is only needed to explain a late one)."""
    judged = _judged(picture, model, inj, ex, plans, memo)
    if judged is None:
        return True
    nets, start, deadline = judged
    for nid in nets:
        leave = first_from(picture.path(nid, ex.sender, ex.receiver), start)
        if leave is not None and leave + picture.transit.get(nid, 0) <= deadline:
            return True
    return False


def _judged(picture: CommsPicture, model: Exercise, inj: Inject, ex: Exchange, plans: Plans | None,
            memo: NetsMemo | None) -> tuple[list[str], int, int] | None:
    """The nets, start and deadline of an exchange to judge; None when it is not judged here."""
    a, b = ex.sender, ex.receiver
    if a == b or model.unit(a) is None or model.unit(b) is None:
        return None
    if ex.net is not None and model.net(ex.net) is None:
        return None
    key = (ex.net, a, b)
    nets = memo.get(key) if memo is not None else None
    if nets is None:
        nets = exchange_nets(ex, picture, model, plans)
        if memo is not None:
            memo[key] = nets
    start, deadline = max(inj.time, 0), inj.time + ex.within
    if nets and (start >= picture.duration or deadline < start):
        return None
    return nets, start, deadline
