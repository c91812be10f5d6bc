"""Storylines that drive a draft: one per main event of the brief's threat mix, assembled from the library.

A main event of the brief (its threat ``kinds``) or, for a brief without main events, each group
of weighted threat kinds (:data:`exgen.generate.library.KIND_GROUPS`, heaviest first, as many as
the draft's size carries) becomes a storyline: a **build-up** that prepares the ground, the
**incident** the storyline turns on, an **escalation**, and on exercises of three days or more a
**follow-up** — one pattern per stage (its ``stages``), of the event's kinds, on increasing days, all
suited to one recipient where the library allows it. A brief event that names a library storyline
plays that one instead, and the brief's ``storylines`` are played as well.

Assembled storylines are ordinary :class:`~exgen.generate.library.Storyline` objects with ids
``STORY-<EVENT>`` (``STORY-ME-1``) or ``STORY-<KIND>`` added to a copy of the library, so the rest
of the generator (the hierarchy, the texts) treats them like the library's own.
"""

from __future__ import annotations

import dataclasses
import random
import typing as t

from exgen.core.seeding import entity_seed
from exgen.generate.library import KIND_GROUPS, STAGES, Storyline

if t.TYPE_CHECKING:
    from exgen.generate.brief import Brief
    from exgen.generate.forces import Forces
    from exgen.generate.library import Library, Pattern
    from exgen.generate.place import Day

PREFIX = "STORY-"


def event_story(event: str) -> str:
    """The id of the storyline assembled for main event ``event``: ``STORY-ME-1``."""
    return f"{PREFIX}{event}"


def group_story(kinds: t.Sequence[str]) -> str:
    """The id of the storyline assembled for a group of threat kinds: ``STORY-<FIRST KIND>``."""
    return f"{PREFIX}{kinds[0].upper()}"
#: Injects of a draft (roughly) per storyline assembled for a brief without main events.
PER_STORY = 8


@dataclasses.dataclass(frozen=True)
class Plot:
    """One storyline to play: its id in the (extended) library and the main event it carries."""

    storyline: str
    event: str | None = None


def plots(brief: Brief, lib: Library, forces: Forces, days: t.Sequence[Day],
          seed: int) -> tuple[Library, list[Plot], list[str]]:
    """The library with the assembled storylines added, the storylines to play, and notes."""
    added: dict[str, Storyline] = {}
    out: list[Plot] = []
    notes: list[str] = []
    used: set[str] = {pid for sid in brief.storylines for pid, _ in lib.storylines[sid].steps}
    steps = 4 if len(days) >= 3 else 3
    events = brief.data.get("main_events") or []
    wanted: list[tuple[str, str | None, str, tuple[str, ...]]] = []  # (storyline id, event, title, kinds)
    for raw in events:
        named = [s for s in raw.get("storylines") or () if s in lib.storylines]
        if named:
            out += [Plot(s, raw["id"]) for s in named if s not in brief.storylines]
            continue
        kinds = tuple(raw.get("kinds") or ()) or _kinds_of_objectives(brief, lib, raw)
        wanted.append((event_story(raw["id"]), raw["id"], raw["title"], kinds))
    if not events:
        weights = brief.weights
        groups = sorted(((sum(weights.get(k, 0) for k in kinds), n, title, kinds)
                         for n, (title, kinds) in enumerate(KIND_GROUPS)), key=lambda g: (-g[0], g[1]))
        room = max(1, (brief.injects_per_day * len(days)) // PER_STORY - len(brief.storylines))
        for weight, _, title, kinds in groups[:room]:
            if weight > 0:
                wanted.append((group_story(kinds), None, title, tuple(k for k in kinds if weights.get(k, 0) > 0)))
    for ident, event, title, kinds in wanted:
        story = _assemble(ident, title, kinds, brief, lib, forces, steps, seed, used, event is not None)
        if story is None:
            notes.append(f"Storyline for {event or title}: the library has too few unused patterns of "
                         f"{', '.join(kinds) or 'its kinds'} with build-up, incident and escalation stages")
            continue
        added[story.id] = story
        used.update(pid for pid, _ in story.steps)
        out.append(Plot(story.id, event))
    out = [Plot(s) for s in brief.storylines] + out
    return dataclasses.replace(lib, storylines={**lib.storylines, **added}), out, notes


def _kinds_of_objectives(brief: Brief, lib: Library, raw: dict[str, t.Any]) -> tuple[str, ...]:
    """Threat kinds of the patterns that exercise the event's objectives (an event without kinds)."""
    tags = {tag for o in brief.objectives if o.id in (raw.get("objectives") or ()) for tag in o.tags}
    return tuple(sorted({p.kind for p in lib.free_patterns() if set(p.capabilities) & tags}))


def _assemble(ident: str, title: str, kinds: tuple[str, ...], brief: Brief, lib: Library, forces: Forces,
              steps: int, seed: int, used: set[str], as_listed: bool = False) -> Storyline | None:
    """A storyline of ``steps`` stages from unused patterns of ``kinds``, or None when the library has too few.

    One threat kind carries the whole storyline where the library allows it (the first a brief's
    main event lists when ``as_listed``, else the heaviest in the threat mix first), so later steps
    continue the same thread; otherwise the kinds mix.
    """
    rng = random.Random(entity_seed(seed, "story", ident))
    stages = STAGES[:steps] if steps >= len(STAGES) else STAGES[:3]
    pool = [p for p in lib.free_patterns() if p.kind in kinds and p.id not in used and forces.recipients(p)]
    order = list(kinds) if as_listed else sorted(kinds, key=lambda k: (-brief.weights.get(k, 0), rng.random()))
    chosen = None
    for group in [[p for p in pool if p.kind == k] for k in order] + [pool]:
        chosen = _steps(group, stages, forces, rng)
        if chosen is not None:
            break
    if chosen is None:
        return None
    days = [round(n * 3 / max(len(stages) - 1, 1)) for n in range(len(stages))]
    description = (f"Drafted by exgen generate for {title}: "
                   + "; ".join(f"{stage}, {p.id}" for stage, p in zip(stages, chosen, strict=True)) + ".")
    return Storyline(ident, title, tuple((p.id, d) for p, d in zip(chosen, days, strict=True)),
                     description=description)


def _steps(pool: list[Pattern], stages: t.Sequence[str], forces: Forces,
           rng: random.Random) -> list[Pattern] | None:
    """One pattern of ``pool`` per stage, all suited to one trained unit where possible (seeded)."""
    best: tuple[float, list[Pattern]] | None = None
    for uid in forces.audience:
        chosen: list[Pattern] = []
        score = 0.0
        for stage in stages:
            fits = [p for p in pool if stage in p.stages and p not in chosen and forces.fits(p, uid)
                    and (chosen or not p.needs_earlier)]
            if not fits:
                fits = [p for p in pool if stage in p.stages and p not in chosen and (chosen or not p.needs_earlier)]
                score -= 1
            if not fits:
                break
            chosen.append(rng.choice(fits))
        if len(chosen) == len(stages):
            score += rng.random()
            if best is None or score > best[0]:
                best = (score, chosen)
    return best[1] if best is not None else None
