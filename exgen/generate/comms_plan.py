"""Constraints that exercise each PACE plan, and the trigger injects that announce them.

For every PACE plan whose alternate never carries (under the brief's known constraints) the
planner tries, on a seeded day and window inside the battle rhythm, a jamming, GNSS-jamming or
outage constraint that takes the primary down for the trained unit. The comms analysis
decides: a candidate is kept only when the plan runs on its alternate for the whole window and
no plan anywhere loses its last working level; among those kept, the one that makes the most other
plans switch to their alternate wins, so a few broad constraints exercise many plans. Every
constraint that takes a primary down (known or generated) then gets a trigger: the moment, inside
the battle rhythm, at which the recipient should notice and switch, with the pairs affected
(:mod:`exgen.generate.announce` turns at most two of them into injects).
"""

from __future__ import annotations

import dataclasses
import random
import typing as t
from dataclasses import dataclass, field

from exgen.core.seeding import entity_seed
from exgen.generate.library import TRIGGER_KINDS
from exgen.generate.place import GRID, Day

if t.TYPE_CHECKING:
    from exgen.comms import CommsPicture, Segment
    from exgen.generate.forces import Forces
    from exgen.model import Constraint, Exercise, Pace

RADIO = frozenset({"HF", "VHF", "UHF", "SHF", "EHF"})
ATTEMPTS = 6
DURATIONS = (90, 120, 150, 180, 240)
PREFIX = {"jamming": "JAM", "gnss-jamming": "GNSS", "outage": "OUT"}
#: Which brief actor is behind a generated constraint of each kind.
ACTOR_KIND = {"jamming": "electronic-warfare", "gnss-jamming": "gnss-jamming"}


@dataclass(frozen=True)
class Link:
    """One PACE pair a constraint degrades: the trained unit told about it and the unit it must reach."""

    pace: str
    recipient: str
    partner: str
    primary: str
    carrier: str


@dataclass(frozen=True)
class Trigger:
    """When a constraint should make one trained unit switch, and which of its links it degrades.

    ``here`` is true when the constraint takes the recipient itself off the primary; false when
    it hits only the far end (the recipient then just loses its partners).
    """

    constraint: str
    kind: str
    time: int
    day: Day
    links: tuple[Link, ...]
    generated: bool
    here: bool = True


@dataclass
class CommsPlan:
    """Generated constraints (definition-shaped), triggers, and why some plans are not exercised."""

    constraints: list[dict[str, t.Any]] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def plan(model: Exercise, forces: Forces, days: t.Sequence[Day], seed: int,
         actors: t.Mapping[str, str], trigger_kinds: t.Collection[str]) -> CommsPlan:
    """Constraints so each PACE plan with a trained unit switches to its alternate once, and triggers."""
    from exgen import comms

    out = CommsPlan()
    current, picture = model, comms.analyse(model)
    taken = {c.id for c in model.constraints}
    load = {d.number: 0 for d in days}
    for p in _plans(model):
        who = _recipient(p, forces)
        levels = {s.level for s in picture.timeline(p.id).segments if s.level}
        if not p.alternate:
            out.notes.append(f"{p.id}: no alternate level to switch to")
            continue
        if who is None:
            out.notes.append(f"{p.id}: no training-audience unit in the pair")
            continue
        if "alternate" in levels or not days:
            continue  # the switch to the alternate already happens (a known constraint or a gap)
        kept = _exercise(p, who, current, picture, days, load, seed, taken, actors, trigger_kinds)
        if kept is None:
            out.notes.append(f"{p.id}: no constraint takes {p.primary} down without cutting every path")
            continue
        raw, built, day = kept
        current = dataclasses.replace(current, constraints=(*current.constraints, built))
        picture = comms.analyse(current)
        taken.add(built.id)
        load[day.number] += 1
        out.constraints.append(raw)
    generated = {c["id"] for c in out.constraints}
    out.triggers, skipped = _triggers(current, picture, forces, days, seed, generated, trigger_kinds)
    out.notes += skipped
    return out


def _plans(model: Exercise) -> list[Pace]:
    """PACE plans with a timeline, first of duplicate ids only."""
    seen: set[str] = set()
    out = []
    for p in model.pace:
        if p.id not in seen and model.unit(p.between[0]) and model.unit(p.between[1]) and p.between[0] != p.between[1]:
            seen.add(p.id)
            out.append(p)
    return out


def _recipient(p: Pace, forces: Forces) -> tuple[str, str] | None:
    """(trained unit told about the failure, its partner): the second unit when trained, else the first."""
    a, b = p.between
    if b in forces.audience:
        return b, a
    if a in forces.audience:
        return a, b
    return None


def _exercise(p: Pace, who: tuple[str, str], model: Exercise, picture: CommsPicture, days: t.Sequence[Day],
              load: dict[int, int], seed: int, taken: set[str], actors: t.Mapping[str, str],
              trigger_kinds: t.Collection[str]) -> tuple[dict[str, t.Any], Constraint, Day] | None:
    """The first seeded candidate constraint the comms analysis accepts for plan ``p``."""
    from exgen import comms

    for attempt in range(ATTEMPTS):
        rng = random.Random(entity_seed(seed, "pace", f"{p.id}:{attempt}"))
        ranked = sorted(days, key=lambda d: (load[d.number], rng.random()))
        day = ranked[attempt % len(ranked)]  # later attempts try other days
        length = min(rng.choice(DURATIONS), day.end - day.start - 2 * GRID)
        offset = model.info.start_minute
        slots = [m for m in range(day.start, day.end - length + 1, GRID) if (m + offset) % 30 == 0]
        start = rng.choice(slots or [day.start])
        end = start + length
        best: tuple[int, dict[str, t.Any], Constraint] | None = None
        for kind in _kinds(p, who[0], model, rng, trigger_kinds):
            raw = _constraint(kind, p, who, start, end, model, rng, taken, actors)
            built = _model_constraint(raw, start, end)
            trial = comms.analyse(dataclasses.replace(model, constraints=(*model.constraints, built)))
            if _accepted(trial, picture, p.id, start, end):
                score = _score(trial, picture, p.id)
                if best is None or score < best[0]:
                    best = (score, raw, built)
        if best is not None:
            return best[1], best[2], day
    return None


def _score(trial: CommsPicture, before: CommsPicture, pace_id: str) -> int:
    """Lower is better: a constraint that makes more of the other plans switch to their alternate for
    the first time exercises them too (one constraint, many consequences, fewer windows to announce)."""
    return -sum(_uses_alternate(tl.segments) and not _uses_alternate(before.timeline(tl.pace_id).segments)
                for tl in trial.pairs if tl.pace_id != pace_id)


def _kinds(p: Pace, unit: str, model: Exercise, rng: random.Random, trigger_kinds: t.Collection[str]) -> list[str]:
    """Constraint kinds worth trying on the plan's primary, in a seeded order (outage last or first)."""
    net, where = model.net(p.primary), model.unit(unit)
    kinds = []
    if net is not None and net.band in RADIO and where is not None and where.location is not None:
        kinds += ["jamming", "gnss-jamming"]
    rng.shuffle(kinds)
    kinds.insert(0 if rng.random() < 0.34 else len(kinds), "outage")
    return [k for k in kinds if k in trigger_kinds]


def _constraint(kind: str, p: Pace, who: tuple[str, str], start: int, end: int, model: Exercise,
                rng: random.Random, taken: set[str], actors: t.Mapping[str, str]) -> dict[str, t.Any]:
    """A definition-shaped constraint of ``kind`` aimed at the plan's primary for the trained unit."""
    unit, partner = who
    number = 1
    while f"GEN-{PREFIX[kind]}-{number:02d}" in taken:
        number += 1
    raw: dict[str, t.Any] = {"id": f"GEN-{PREFIX[kind]}-{number:02d}", "kind": kind, "intended": True}
    net, where = model.net(p.primary), model.unit(unit)
    band = net.band if net is not None else None
    if kind in ("jamming", "gnss-jamming") and where is not None and where.location is not None:
        if kind == "jamming":
            raw["bands"] = [band]
        loc = where.location
        raw["area"] = {"lat": loc.lat, "lon": loc.lon, "radius_km": rng.choice([5, 10, 20])}
    else:
        raw["nets"] = [p.primary]
        raw["units"] = [unit]
    raw["start"] = model.dtime(start)
    raw["end"] = model.dtime(end)
    actor = actors.get(ACTOR_KIND.get(kind, ""))
    if actor:
        raw["actor"] = actor
    what = {"jamming": f"{band} jamming around {unit}",
            "gnss-jamming": f"GNSS jamming around {unit}", "outage": f"an outage of {p.primary} at {unit}"}[kind]
    raw["description"] = (f"Drafted by exgen generate to exercise PACE plan {p.id} ({p.between[0]} - "
                          f"{p.between[1]}): {what} takes the primary {p.primary} down so the alternate "
                          f"{p.alternate} should carry the traffic with {partner}. EXCON plays the effect "
                          "from the start of the window and lifts it at the end.")
    return raw


def _model_constraint(raw: dict[str, t.Any], start: int, end: int) -> Constraint:
    from exgen.model import Area, Constraint

    area = raw.get("area")
    return Constraint(raw["id"], raw["kind"], start, end,
                      Area(area["lat"], area["lon"], area["radius_km"]) if area else None,
                      tuple(raw.get("bands", ())), tuple(raw.get("units", ())), tuple(raw.get("nets", ())),
                      (), raw.get("actor", ""), raw["description"], "", intended=True)


def _accepted(trial: CommsPicture, before: CommsPicture, pace_id: str, start: int, end: int) -> bool:
    """The plan runs on its alternate for the whole window; no plan that switched to its alternate
    before stops doing so, and no plan is left without a working level for longer."""
    for seg in trial.timeline(pace_id).segments:
        if seg.start < end and start < seg.end and seg.level != "alternate":
            return False
    for tl in trial.pairs:
        old = before.timeline(tl.pace_id).segments
        if _dark(tl.segments) > _dark(old):
            return False
        if _uses_alternate(old) and not _uses_alternate(tl.segments):
            return False
    return True


def _uses_alternate(segments: t.Iterable[t.Any]) -> bool:
    return any(s.level == "alternate" for s in segments)


def _dark(segments: t.Iterable[t.Any]) -> int:
    """Minutes with no working level."""
    return sum(s.end - s.start for s in segments if s.level is None)


def _triggers(model: Exercise, picture: CommsPicture, forces: Forces, days: t.Sequence[Day], seed: int,
              generated: set[str], trigger_kinds: t.Collection[str]) -> tuple[list[Trigger], list[str]]:
    """For each constraint that takes a primary down: when, inside the battle rhythm, to announce it."""
    out: list[Trigger] = []
    notes: list[str] = []
    plans = {p.id: p for p in _plans(model)}
    for c in model.constraints:
        # Where c takes a primary down and a lower level carries: (plan, (told, partner, hit here), stretch).
        hits: list[tuple[Pace, tuple[str, str, bool], Segment]] = []
        for tl in picture.pairs:
            plan = plans.get(tl.pace_id)
            if plan is None or _recipient(plan, forces) is None:
                continue
            for seg in tl.segments:
                if seg.level and seg.down and seg.down[0][0] == "primary" and c.id in seg.down[0][2]:
                    hits.append((plan, _told(plan, forces, picture, c.id, seg), seg))
        if not hits:
            continue
        if c.kind not in TRIGGER_KINDS or c.kind not in trigger_kinds:
            notes.append(f"{c.id} ({c.kind}): the library has no trigger pattern for this kind; announce it by hand")
            continue
        rng = random.Random(entity_seed(seed, "trigger", c.id))
        found = _announce(c, [seg for _, _, seg in hits], days, rng)
        if found is None:
            notes.append(f"{c.id}: outside the battle rhythm, no trigger inject")
            continue
        minute, day = found
        links: dict[str, list[Link]] = {}
        here: dict[str, bool] = {}
        for plan, (rec, partner, hit), seg in hits:
            if seg.start <= minute < seg.end:
                mine = links.setdefault(rec, [])
                here[rec] = here.get(rec, False) or hit
                if all(k.partner != partner for k in mine):
                    mine.append(Link(plan.id, rec, partner, plan.primary, seg.net or ""))
        order = {u: i for i, u in enumerate(forces.audience)}
        for rec in sorted(links, key=lambda u: order.get(u, len(order))):
            out.append(Trigger(c.id, c.kind, minute, day, tuple(links[rec]), c.id in generated, here[rec]))
    return out, notes


def _told(plan: Pace, forces: Forces, picture: CommsPicture, cid: str, seg: Segment) -> tuple[str, str, bool]:
    """(trained unit told, its partner, whether the constraint hits the told unit itself).

    A trained unit the constraint takes off the primary is told first; otherwise the trained
    unit of the pair learns that its partner has gone silent.
    """
    for unit, other in (plan.between[::-1], plan.between):
        if unit in forces.audience and any(d.start < seg.end and seg.start < d.end and cid in d.constraints
                                           for d in picture.down.get((plan.primary, unit), ())):
            return unit, other, True
    told = _recipient(plan, forces)
    assert told is not None  # callers keep only plans with a trained unit
    return told[0], told[1], False


def _announce(c: Constraint, segments: list[Segment], days: t.Sequence[Day],
              rng: random.Random) -> tuple[int, Day] | None:
    """A minute 10-20 minutes into the first stretch where the constraint bites inside a day window."""
    for seg in sorted(segments, key=lambda s: s.start):
        for day in days:
            lo, hi = max(seg.start, c.start, day.start), min(seg.end, c.end, day.end - GRID)
            minute: int = lo + rng.choice((10, 15, 20))
            minute -= (minute - day.start) % GRID
            if lo < hi and minute < hi:
                return minute, day
    return None
