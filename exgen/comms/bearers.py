"""Bearers: the networks nets and systems ride, and the injects that need them.

A bearer (``bearers:``) is a network that fails as a whole: the public mobile network, a
satellite service, a TETRA network, the internet. Which nets and systems go down with it is
the business of :mod:`exgen.comms.targets`. This module answers the other question: can the
recipients of an inject sent *without a net* (by phone, e-mail, chat, social media, C2
system) receive it while a bearer outage is on?

For each recipient, the bearers it could receive the inject over are:

1. the bearers of its own systems of a kind that carries the method (:data:`METHOD_SYSTEMS`),
   when it holds such systems and each names its bearer (one without a bearer is not judged:
   the recipient counts as reachable);
2. when it holds no such system, every declared bearer of a kind the method rides
   (:data:`METHOD_BEARERS`): a phone call to a mayor's office rides the public mobile or the
   fixed network, whichever the definition declares.

A recipient is unreachable when every one of those bearers is down for it (an ``outage`` or
``cyber`` constraint naming the bearer is on at the inject's time, the recipient is inside its
area and among its ``units`` when it lists any). An inject with a ``net`` is judged on that
net instead, like any other traffic.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict
from dataclasses import dataclass

from exgen.comms.targets import OUTAGE_KINDS

if t.TYPE_CHECKING:
    from exgen.model import Constraint, Exercise, Inject, Unit

#: Inject method -> the system kinds that receive it.
METHOD_SYSTEMS: dict[str, tuple[str, ...]] = {
    "phone": ("phone",),
    "email": ("network", "phone"),
    "chat": ("network", "phone"),
    "social-media": ("network", "phone"),
    "c2-system": ("c2-system", "network"),
}
#: Inject method -> the bearer kinds it rides to a recipient that holds no system for it.
METHOD_BEARERS: dict[str, tuple[str, ...]] = {
    "phone": ("cellular", "landline"),
    "email": ("internet", "cellular"),
    "chat": ("internet", "cellular"),
    "social-media": ("internet", "cellular"),
}


@dataclass(frozen=True)
class Cutoff:
    """A recipient that cannot receive an inject: each bearer it could use, and what takes it down."""

    unit: str
    bearers: tuple[tuple[str, tuple[str, ...]], ...]


class InjectBearers:
    """Which bearers are down for whom, built once per definition."""

    def __init__(self, model: Exercise) -> None:
        self.model = model
        self.outages: dict[str, list[Constraint]] = defaultdict(list)
        for c in model.constraints:
            if c.kind in OUTAGE_KINDS:
                for bid in dict.fromkeys(c.bearers):
                    self.outages[bid].append(c)
        self.by_kind: dict[str, list[str]] = defaultdict(list)
        for b in model.bearers:
            if model.get("bearers", b.id) is b:
                self.by_kind[b.kind].append(b.id)

    def riding(self, unit: Unit, method: str) -> tuple[str, ...]:
        """The bearers ``unit`` could receive ``method`` over; empty when that cannot be judged."""
        kinds = METHOD_SYSTEMS.get(method)
        if not kinds:
            return ()
        fitting = [s for s in (self.model.system(i) for i in dict.fromkeys(unit.systems))
                   if s is not None and s.kind in kinds]
        if fitting:
            if any(s.bearer is None for s in fitting):
                return ()
            return tuple(dict.fromkeys(t.cast(str, s.bearer) for s in fitting))
        return tuple(b for kind in METHOD_BEARERS.get(method, ()) for b in self.by_kind.get(kind, ()))

    def down(self, bearer: str, unit: Unit, minute: int) -> tuple[str, ...]:
        """Ids of the constraints that have ``bearer`` down for ``unit`` at ``minute``."""
        return tuple(c.id for c in self.outages.get(bearer, ())
                     if c.start <= minute < c.end and (not c.units or unit.id in c.units)
                     and (c.area is None or c.area.covers(unit.location)))

    def cut_off(self, inject: Inject) -> tuple[Cutoff, ...]:
        """The recipients of a net-less inject, when none of them can receive it; else ()."""
        if not self.outages or inject.net is not None or inject.method not in METHOD_SYSTEMS:
            return ()
        out = []
        for uid in dict.fromkeys(inject.to):
            unit = self.model.unit(uid)
            if unit is None:
                continue
            riding = self.riding(unit, inject.method)
            causes = tuple((b, self.down(b, unit, inject.time)) for b in riding)
            if not causes or not all(ids for _, ids in causes):
                return ()
            out.append(Cutoff(uid, causes))
        return tuple(out)
