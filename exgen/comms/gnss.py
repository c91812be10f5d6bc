"""GNSS dependence: whose position reports a GNSS jamming or spoofing window makes unreliable.

A system declares what it takes from satellite navigation (``gnss: [timing, position]``; the
deprecated ``gnss_dependent: true`` means both). *Timing* dependence is a comms matter: the
system loses its nets under GNSS jamming or spoofing (:mod:`exgen.comms.targets`). *Position*
dependence is not: blue-force tracking, PNT and fire-control sets keep their nets, but what
they report about where units are becomes unreliable: missing or stale under jamming, false
and plausible under spoofing. This module finds, for each GNSS constraint, which units inside
its area hold which position-dependent systems. Bands play no part here: a GNSS jammer works
on the navigation signals, whatever band the unit's nets use.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from exgen.comms.targets import GNSS_KINDS, POSITION

if t.TYPE_CHECKING:
    from exgen.model import Constraint, Exercise, System, Unit


@dataclass(frozen=True)
class PositionEffect:
    """One GNSS constraint's hit on position reporting, clipped to the exercise."""

    constraint: Constraint
    start: int
    end: int
    #: (system id, unit ids holding it inside the area), in definition order
    systems: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def spoofed(self) -> bool:
        """True for spoofing (false positions), False for jamming (no position)."""
        return self.constraint.kind == "gnss-spoofing"


def position_holders(model: Exercise) -> list[tuple[Unit, tuple[System, ...]]]:
    """Every unit holding a position-dependent system, with those systems."""
    out = []
    for unit in model.units:
        held = [model.system(i) for i in dict.fromkeys(unit.systems)]
        found = tuple(s for s in held if s is not None and POSITION in s.gnss)
        if found:
            out.append((unit, found))
    return out


def position_effects(model: Exercise) -> list[PositionEffect]:
    """For each GNSS jamming or spoofing window inside the exercise, the position reports it spoils."""
    duration = max(0, model.info.duration)
    holders: list[tuple[Unit, tuple[System, ...]]] | None = None
    out = []
    for c in model.constraints:
        start, end = max(c.start, 0), min(c.end, duration)
        if c.kind not in GNSS_KINDS or start >= end:
            continue
        if holders is None:
            holders = position_holders(model)
        by_system: dict[str, list[str]] = {}
        for unit, systems in holders:
            if c.area is None or c.area.covers(unit.location):
                for s in systems:
                    by_system.setdefault(s.id, []).append(unit.id)
        if by_system:
            out.append(PositionEffect(c, start, end, tuple((s, tuple(u)) for s, u in by_system.items())))
    return out
