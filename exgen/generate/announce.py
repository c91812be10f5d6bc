"""One constraint, one or two announcements: how the training audience learns of a comms constraint.

A constraint window (jamming, GNSS interference, an outage, a cyber effect, emission control)
is played by EXCON on the simulation for every unit it hits; it is *announced* through at most
two injects, chosen by what it hits:

1. one to the trained unit it hurts most (a unit that loses its primary before one that only
   loses a partner), of a trigger pattern for the constraint's kind (``remote`` when only the far
   end is hit) whose ``bearers`` match the network the primary runs on — a military net never gets
   a civil provider's help-desk call, nor the reverse;
2. one to the trained superior of the units hit (``announce: superior``: a division EW report, a
   CIS security warning) when the library has one, else to a second unit it hurts.

Every pattern is used once, so a draft with more constraints than trigger wordings announces
the most important ones and lets the rest be felt (the coverage report lists them). Announcements
stay at most one for every four other injects (``cap``).
"""

from __future__ import annotations

import dataclasses
import random
import typing as t

from exgen.core.seeding import entity_seed
from exgen.generate.library import REMOTE

if t.TYPE_CHECKING:
    from exgen.generate.brief import Brief
    from exgen.generate.comms_plan import Trigger
    from exgen.generate.forces import Forces
    from exgen.generate.library import Library, Pattern
    from exgen.generate.select import _State

#: Minutes after the unit's own announcement that a superior's report arrives.
REPORT_DELAY = (15, 20, 25)
SUPERIOR = "superior"
AFFECTED = "affected"


def announce(state: _State, brief: Brief, lib: Library, forces: Forces, triggers: t.Sequence[Trigger],
             seed: int, cap: int) -> None:
    """Add the announcement slots of the constraints to ``state``, at most ``cap`` of them."""
    by_constraint: dict[str, list[Trigger]] = {}
    for trig in triggers:
        by_constraint.setdefault(trig.constraint, []).append(trig)
    order = sorted(by_constraint, key=lambda c: (not by_constraint[c][0].generated, by_constraint[c][0].time, c))
    made = 0
    for cid in order:
        group = sorted(by_constraint[cid], key=lambda g: (not g.here, -len(g.links)))
        if made >= cap:
            state.notes.append(f"{cid} ({group[0].kind}): felt, not announced: EXCON plays it on the simulation "
                               "and the units it hits should notice and switch on their own")
            continue
        rng = random.Random(entity_seed(seed, "announce", cid))
        first = _first(state, lib, forces, group, rng)
        if first is None:
            state.notes.append(f"{cid} ({group[0].kind}): no unused trigger pattern suits the units or the "
                               "network it hits; it is felt, not announced")
            continue
        _add(state, brief, *first)
        made += 1
        second = _second(state, lib, forces, group, first[0], rng) if made < cap else None
        if second is not None:
            _add(state, brief, *second)
            made += 1


def _add(state: _State, brief: Brief, trig: Trigger, pattern: Pattern, to: str) -> None:
    """The slot announcing ``trig``'s constraint to unit ``to`` with ``pattern``."""
    from exgen.generate.select import Slot, objectives_of

    state.add(Slot(f"trigger:{trig.constraint}:{to}", pattern, (to,), trig.day, trig.time,
                   reason="announces a constraint", trigger=trig,
                   objectives=objectives_of(pattern, (to,), brief.objectives)))


def _nets(trig: Trigger) -> list[str]:
    """The primaries a trigger's wording speaks of."""
    return list(dict.fromkeys(k.primary for k in trig.links))


def _kind(trig: Trigger) -> str:
    return trig.kind if trig.here else REMOTE


def _pool(state: _State, lib: Library, forces: Forces, kind: str, how: str, nets: t.Sequence[str],
          uid: str) -> list[Pattern]:
    """Unused trigger patterns for ``kind`` sent ``how`` whose wording suits every primary in ``nets``
    (kind of network, band, crypto) and unit ``uid``."""
    return [p for p in lib.patterns.values()
            if kind in p.triggers and p.announce == how and state.fresh(p) and forces.fits(p, uid)
            and all(forces.suits_net(p, n) for n in nets)]


def _first(state: _State, lib: Library, forces: Forces, group: t.Sequence[Trigger],
           rng: random.Random) -> tuple[Trigger, Pattern, str] | None:
    """The unit told first, its trigger and pattern: the one hit hardest that some pattern suits."""
    for trig in group:
        uid = trig.links[0].recipient
        pool = _pool(state, lib, forces, _kind(trig), AFFECTED, _nets(trig), uid)
        if pool:
            return trig, rng.choice(pool), uid
    return None


def _second(state: _State, lib: Library, forces: Forces, group: list[Trigger], first: Trigger,
            rng: random.Random) -> tuple[Trigger, Pattern, str] | None:
    """A second announcement: a report to the trained superior of the units hit, else to another unit."""
    hit = [g.links[0].recipient for g in group]
    superior = forces.higher(hit[0])
    if first.here and superior is not None and superior in forces.audience and superior not in hit:
        links = tuple(k for g in group for k in g.links)
        pool = _pool(state, lib, forces, first.kind, SUPERIOR, [k.primary for k in links], superior)
        if pool:
            delay = rng.choice(REPORT_DELAY)
            minute = first.time + delay if first.day.holds(first.time + delay) else first.time
            return dataclasses.replace(first, links=links, time=minute), rng.choice(pool), superior
    return _first(state, lib, forces, [g for g in group if g is not first], rng)
