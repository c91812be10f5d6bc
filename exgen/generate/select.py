"""Which pattern goes to whom on which day: storylines, announcements, coverage, then the threat mix.

Every choice draws from its own seeded generator (``entity_seed(seed, "slot", key)``), keyed
by what the slot is for, never from one shared stream. **A pattern is used at most once per
draft**: coverage is filled by different patterns, or reported short (``objective-not-coverable``
as a warning), never by repeats. Choices favour units and days loaded least.

Order: (1) the storylines (:mod:`exgen.generate.stories`), each step on its day to the previous
step's recipient where it fits; (2) injects until every objective is exercised by its minimum
number; (3) one inject for each main event of the brief no inject so far belongs to; (4) one
inject for every trained unit not yet addressed; (5) the threat mix, drawn by weight, until the
days hold ``injects_per_day`` less the announcements to come; then :mod:`exgen.generate.announce` adds
the announcements of the comms constraints, at most two per constraint and at most one for every
four other injects, so trigger-style injects stay under a fifth of the draft.
"""

from __future__ import annotations

import random
import typing as t
from collections import Counter
from dataclasses import dataclass, field

from exgen.core.seeding import entity_seed

if t.TYPE_CHECKING:
    from exgen.generate.brief import Brief, Objective
    from exgen.generate.comms_plan import Trigger
    from exgen.generate.forces import Forces
    from exgen.generate.library import Library, Pattern
    from exgen.generate.place import Day
    from exgen.generate.stories import Plot


@dataclass
class Slot:
    """One inject to write: a pattern, its recipients, a day (and a time once placed)."""

    key: str
    pattern: Pattern
    to: tuple[str, ...]
    day: Day
    time: int | None = None
    reason: str = ""
    story: tuple[str, int] | None = None  #: (storyline id, step number)
    trigger: Trigger | None = None
    parent: Slot | None = None  #: the inject this one is the contingency of
    objectives: tuple[str, ...] = ()


@dataclass
class _State:
    """Running counts the choices balance against."""

    uses: Counter[str] = field(default_factory=Counter)
    load: Counter[str] = field(default_factory=Counter)
    days: Counter[int] = field(default_factory=Counter)
    objectives: Counter[str] = field(default_factory=Counter)
    slots: list[Slot] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    short: dict[str, int] = field(default_factory=dict)  #: objective -> injects it got, when short

    def fresh(self, pattern: Pattern) -> bool:
        """True when no slot uses ``pattern`` yet."""
        return not self.uses[pattern.id]

    def add(self, slot: Slot) -> Slot:
        self.slots.append(slot)
        self.uses[slot.pattern.id] += 1
        self.days[slot.day.number] += 1
        for u in slot.to:
            self.load[u] += 1
        if slot.parent is None:
            self.objectives.update(slot.objectives)
        return slot


def objectives_of(pattern: Pattern, to: t.Sequence[str], objectives: t.Sequence[Objective]) -> tuple[str, ...]:
    """Objectives an inject of ``pattern`` to ``to`` exercises: a shared tag and a recipient in the audience."""
    tags = set(pattern.capabilities)
    return tuple(o.id for o in objectives
                 if tags & set(o.tags) and (not o.audience or set(to) & set(o.audience)))


def select(brief: Brief, lib: Library, forces: Forces, days: t.Sequence[Day], triggers: t.Sequence[Trigger],
           seed: int, plots: t.Sequence[Plot] = (), events: t.Sequence[str] = (),
           event_of: t.Callable[[Slot], str | None] | None = None) -> _State:
    """Every slot of the draft but the contingencies, each with a day (announcements also a time).

    ``events`` are the ids of the brief's main events and ``event_of`` says which of them a slot
    would belong to (:func:`exgen.generate.hierarchy.match`), so each gets an inject.
    """
    state = _State()
    for plot in plots:
        _storyline(state, brief, lib, forces, days, plot.storyline, seed)
    for o in brief.objectives:
        n = 0
        while state.objectives[o.id] < o.minimum:
            if not _cover(state, brief, lib, forces, days, f"obj:{o.id}:{n}", seed, o):
                state.short[o.id] = state.objectives[o.id]
                break
            n += 1
    if event_of is not None:
        _cover_events(state, brief, lib, forces, days, seed, events, event_of)
    for uid in forces.audience:
        if not state.load[uid]:
            _cover(state, brief, lib, forces, days, f"unit:{uid}", seed, unit=uid)
    target = brief.injects_per_day * len(days)
    planned = min(len({trig.constraint for trig in triggers}) * 2, target // 5)
    k = 0
    while len(state.slots) < target - planned and _fill(state, brief, lib, forces, days, f"fill:{k}", seed):
        k += 1
    return state


def cover_units(state: _State, brief: Brief, lib: Library, forces: Forces, days: t.Sequence[Day], seed: int,
                units: t.Iterable[str]) -> list[Slot]:
    """One more inject (an unused pattern) for each of ``units``: the new slots, also added to ``state``.

    For a trained unit whose only inject found no time in the battle rhythm."""
    before = len(state.slots)
    for uid in units:
        _cover(state, brief, lib, forces, days, f"unit:{uid}:again", seed, unit=uid)
    return state.slots[before:]


def _cover_events(state: _State, brief: Brief, lib: Library, forces: Forces, days: t.Sequence[Day], seed: int,
                  events: t.Sequence[str], event_of: t.Callable[[Slot], str | None]) -> None:
    """One inject for each main event no slot so far belongs to, of a pattern that would belong to it."""
    for event in events:
        if any(event_of(s) == event for s in state.slots):
            continue

        def fits(p: Pattern, to: tuple[str, ...], event: str = event) -> bool:
            probe = Slot("", p, to, days[0], objectives=objectives_of(p, to, brief.objectives))
            return event_of(probe) == event

        _cover(state, brief, lib, forces, days, f"event:{event}", seed, event=(event, fits))


def _rng(seed: int, key: str) -> random.Random:
    return random.Random(entity_seed(seed, "slot", key))


def _storyline(state: _State, brief: Brief, lib: Library, forces: Forces, days: t.Sequence[Day], sid: str,
               seed: int) -> None:
    """Each step of a storyline on its (compressed) day, to the previous step's recipient where it fits."""
    story = lib.storylines[sid]
    last = max(day for _, day in story.steps) or 1
    span = len(days) - 1
    previous: str | None = None
    for n, (pid, day) in enumerate(story.steps, start=1):
        pattern = lib.patterns[pid]
        rng = _rng(seed, f"story:{sid}:{n}")
        pool = forces.recipients(pattern)
        if not pool or not state.fresh(pattern):
            continue
        weights = [(1 + len(objectives_of(pattern, (u,), brief.objectives))) * (3 if u == previous else 1)
                   * _near(brief, forces, pattern, u) / (1 + state.load[u]) ** 2 for u in pool]
        to = rng.choices(pool, weights)[0]
        position = day if last <= span else round(day * span / last)
        slot = Slot(f"story:{sid}:{n}", pattern, (to,), days[min(position, span)], reason=f"storyline {sid}",
                    story=(sid, n), objectives=objectives_of(pattern, (to,), brief.objectives))
        state.add(slot)
        previous = to


def _cover(state: _State, brief: Brief, lib: Library, forces: Forces, days: t.Sequence[Day], key: str, seed: int,
           objective: Objective | None = None, unit: str | None = None,
           event: tuple[str, t.Callable[[Pattern, tuple[str, ...]], bool]] | None = None) -> bool:
    """Add one inject exercising ``objective`` (or addressing ``unit``, or belonging to main event
    ``event``: its id and a test of pattern and recipients); False when none can."""
    rng = _rng(seed, key)
    pairs: list[tuple[Pattern, str]] = []
    weights: list[float] = []
    for p in lib.free_patterns():
        if not state.fresh(p) or p.needs_earlier or (objective is not None
                                                     and not set(p.capabilities) & set(objective.tags)):
            continue
        among = [unit] if unit else (objective.audience if objective and objective.audience else None)
        for u in forces.recipients(p, among):
            if event is not None and not event[1](p, (u,)):
                continue
            covers = objectives_of(p, (u,), brief.objectives)
            spread = 1 + state.load[u]
            weight = (1 + len(covers)) * _near(brief, forces, p, u) / spread
            pairs.append((p, u))
            weights.append(weight)
    if not pairs:
        return False
    pattern, to = rng.choices(pairs, weights)[0]
    reason = (f"covers {objective.id}" if objective else f"carries main event {event[0]}" if event
              else f"addresses {unit}")
    state.add(Slot(key, pattern, (to,), _day(state, days, rng), reason=reason,
                   objectives=objectives_of(pattern, (to,), brief.objectives)))
    return True


def _fill(state: _State, brief: Brief, lib: Library, forces: Forces, days: t.Sequence[Day], key: str,
          seed: int) -> bool:
    """Add one inject of a threat kind drawn by the brief's weights; False when no kind can be drawn."""
    rng = _rng(seed, key)
    by_kind: dict[str, list[Pattern]] = {}
    for p in lib.free_patterns():
        if state.fresh(p) and not p.needs_earlier and forces.recipients(p):
            by_kind.setdefault(p.kind, []).append(p)
    weights = brief.weights or dict.fromkeys(by_kind, 1.0)
    kinds = [k for k in sorted(by_kind) if weights.get(k, 0) > 0]
    if not kinds:
        return False
    kind = rng.choices(kinds, [weights[k] for k in kinds])[0]
    patterns = by_kind[kind]
    pattern = rng.choices(patterns, [1 + bool(objectives_of(p, forces.recipients(p), brief.objectives))
                                     for p in patterns])[0]
    pool = forces.recipients(pattern)
    to = rng.choices(pool, [(1 + len(objectives_of(pattern, (u,), brief.objectives))) * _near(brief, forces, pattern, u)
                            / (1 + state.load[u]) ** 2 for u in pool])[0]
    state.add(Slot(key, pattern, (to,), _day(state, days, rng), reason=f"threat mix ({kind})",
                   objectives=objectives_of(pattern, (to,), brief.objectives)))
    return True


def _near(brief: Brief, forces: Forces, pattern: Pattern, uid: str) -> float:
    """Weight for sending a place-bound pattern to ``uid``: 1 beside the nearest place of its kind, less further off."""
    from exgen.model import distance_km

    loc = forces.unit(uid).location
    spots = [(p.lat, p.lon) for p in brief.places
             if p.kind == pattern.place and p.lat is not None and p.lon is not None]
    if loc is None or not spots:
        return 1.0
    nearest = min(distance_km(loc.lat, loc.lon, lat, lon) for lat, lon in spots)
    return 1 / (1 + (nearest / 15) ** 2)


def _day(state: _State, days: t.Sequence[Day], rng: random.Random) -> Day:
    """The least loaded day (ties broken at random)."""
    return min(days, key=lambda d: (state.days[d.number], rng.random()))
