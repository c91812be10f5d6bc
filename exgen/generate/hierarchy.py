"""The MEL hierarchy of a draft: phases, main events and main incidents, and each inject's place in it.

A brief may fix all three (``phases``, ``main_events``, ``main_incidents``, as in a definition);
what it leaves out is drafted the way a planner would lay out a first MEL:

* **Phases**: one per exercise day, midnight to midnight (clipped to STARTEX and ENDEX), titled
  ``Day 1, Monday 10 May 2027``. Rename or merge them once the real phasing is known.
* **Main events**: one per storyline played (its title and description from the library), then
  one per group of threat kinds for the other injects, in this order: the hostile information
  campaign (disinformation), cyber and electromagnetic attack (cyber, EW, GNSS jamming), physical
  threats (sabotage, paramilitary, organised crime, conventional, CBRN), and command, sustainment
  and civil emergencies (c2, logistics, civil emergency). Only groups with injects become events.
  An event's desired training outcome is worded from the objectives its injects exercise.
* **Main incidents**: one per main event and phase that has injects, spanning them.

A brief's own main event says which injects it carries (``storylines``, ``kinds``); an inject
belongs to the first event that names its storyline, else its threat kind, else one of its
objectives, else shares a capability tag with the event's objectives. An inject none of them
places goes to a generated event "Other developments", which the coverage report points out; a
contingency always belongs to the event of the inject it follows up. A brief event no inject
reaches is an ``event-without-injects`` error located in the brief.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

from exgen.core.diagnostics import Diagnostic, at
from exgen.generate import stories
from exgen.generate.library import KIND_GROUPS
from exgen.model import format_dtime

if t.TYPE_CHECKING:
    from exgen.generate.brief import Brief
    from exgen.generate.library import Library
    from exgen.generate.select import Slot
    from exgen.model import Exercise

OTHER = "Other developments"
#: Threat kinds in plain words, for the descriptions of generated events.
KIND_WORDS = {"gnss-jamming": "GNSS jamming", "electronic-warfare": "electronic warfare", "c2": "command and control",
              "cbrn": "CBRN", "organised-crime": "organised crime", "civil-emergency": "civil emergency"}
#: How long (minutes) a generated incident runs past its last inject, within its phase.
TAIL = 60
#: The brief-only fields of a main event (left out of the draft).
BRIEF_ONLY = ("storylines", "kinds")
DRAFTED = "Drafted by exgen generate"


@dataclass(frozen=True)
class Placement:
    """Where one inject sits in the hierarchy (ids and titles, for ``incident:`` and placeholders)."""

    event: str
    event_title: str
    incident: str
    phase: str
    phase_title: str


@dataclass
class _Event:
    id: str
    title: str
    raw: dict[str, t.Any]
    storylines: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    pointer: str = ""
    slots: list[Slot] = field(default_factory=list)


@dataclass(frozen=True)
class _Phase:
    id: str
    title: str
    start: int
    end: int


@dataclass
class Hierarchy:
    """The draft's phases, main events and incidents (definition-shaped) and each slot's placement."""

    phases: list[dict[str, t.Any]] = field(default_factory=list)
    events: list[dict[str, t.Any]] = field(default_factory=list)
    incidents: list[dict[str, t.Any]] = field(default_factory=list)
    placement: dict[str, Placement] = field(default_factory=dict)  #: slot key -> placement
    notes: list[str] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def day_phases(model: Exercise) -> list[dict[str, t.Any]]:
    """One phase per calendar day of the exercise, definition-shaped."""
    info = model.info
    offset = info.start_minute
    out: list[dict[str, t.Any]] = []
    number = 0
    while number * 1440 - offset < info.duration:
        start, end = max(number * 1440 - offset, 0), min((number + 1) * 1440 - offset, info.duration)
        if end > start:
            date = (info.startex + dt.timedelta(days=number)).date()
            out.append({"id": f"PH-{len(out) + 1}", "title": f"Day {len(out) + 1}, {date:%A} {date.day} {date:%B %Y}",
                        "start": format_dtime(start, info.startex), "end": format_dtime(end, info.startex),
                        "description": f"{DRAFTED}: one phase per exercise day. Rename, merge or split the "
                                       "phases to match the exercise's real phasing."})
        number += 1
    return out


def build(brief: Brief, lib: Library, model: Exercise, slots: t.Sequence[Slot]) -> Hierarchy:
    """Phases, events and incidents for ``slots`` (placed in time), and where each slot sits."""
    out = Hierarchy()
    data = brief.data
    if data.get("phases"):
        out.phases = [dict(p) for p in data["phases"]]
        phases = [_Phase(p.id, p.title, p.start, p.end) for p in model.phases]
    else:
        out.phases = day_phases(model)
        phases = _spans(out.phases, model)
        out.notes.append(f"Phases: the brief gives none, so the draft has one per exercise day ({len(phases)}).")
    events = brief_events(brief)
    order = sorted(slots, key=lambda s: (s.parent is not None, t.cast(int, s.time), s.key))
    chosen: dict[str, _Event] = {}
    for slot in order:
        event = chosen.get(slot.parent.key) if slot.parent is not None else None
        event = event or match(brief, slot, events) or _default(brief, lib, slot, events)
        event.slots.append(slot)
        chosen[slot.key] = event
    for event in events:
        if not event.slots and event.pointer:
            out.problems.append(at(brief.document.sources, f"{event.pointer}/id", "event-without-injects",
                                   f"main event {event.id} is carried by no drafted inject: no library pattern "
                                   "that suits the training audience has one of its storylines, threat kinds or "
                                   "objectives; name a storyline, threat kind or objective the library can serve"))
    events = [e for e in events if e.slots]
    if not data.get("main_events"):
        events.sort(key=lambda e: _rank(brief, e))
    _event_ids(events)
    out.events = [_event_data(e, brief) for e in events]
    generated = [e.title for e in events if not e.pointer]
    if generated and data.get("main_events"):
        out.notes.append(f"Main events: injects no event of the brief places went to '{OTHER}'; review them.")
    elif generated:
        out.notes.append("Main events: the brief gives none, so the draft has one per storyline and per group "
                         f"of threat kinds: {'; '.join(generated)}.")
    _incidents(out, model, phases, events)
    out.incidents = [dict(c) for c in data.get("main_incidents") or []] + out.incidents
    return out


def _spans(phases: list[dict[str, t.Any]], model: Exercise) -> list[_Phase]:
    from exgen.model import resolve_time

    startex = model.info.startex
    return [_Phase(p["id"], p["title"], resolve_time(p["start"], startex), resolve_time(p["end"], startex))
            for p in phases]


def brief_events(brief: Brief) -> list[_Event]:
    """The brief's main events, each with the storylines, kinds and objectives that place injects in it."""
    out: list[_Event] = []
    for i, raw in enumerate(brief.data.get("main_events") or []):
        out.append(_Event(raw["id"], raw["title"], {k: v for k, v in raw.items() if k not in BRIEF_ONLY},
                          tuple(raw.get("storylines") or ()), tuple(raw.get("kinds") or ()),
                          tuple(raw.get("objectives") or ()), f"/main_events/{i}"))
    return out


def match(brief: Brief, slot: Slot, events: t.Sequence[_Event]) -> _Event | None:
    """The brief's event that carries ``slot``: by storyline, threat kind, objective, then capability."""
    story = slot.story[0] if slot.story else None
    tags = {o.id: set(o.tags) for o in brief.objectives}
    tests: list[t.Callable[[_Event], bool]] = [
        lambda e: story is not None and (story in e.storylines or story == stories.event_story(e.id)),
        lambda e: slot.pattern.kind in e.kinds,
        lambda e: bool(set(e.objectives) & set(slot.objectives)),
        lambda e: any(set(slot.pattern.capabilities) & tags.get(o, set()) for o in e.objectives),
    ]
    for test in tests:
        found = next((e for e in events if e.pointer and test(e)), None)
        if found is not None:
            return found
    return None


def _default(brief: Brief, lib: Library, slot: Slot, events: list[_Event]) -> _Event:
    """The generated event for ``slot``, created on first use: its storyline, its kind group, or other."""
    if brief.data.get("main_events"):
        key, title, description = "other", OTHER, ("Injects the brief's main events do not place "
                                                   "(no storyline, threat kind or objective of theirs).")
    elif slot.story and not any(slot.story[0] == stories.group_story(kinds) for _, kinds in KIND_GROUPS):
        story = lib.storylines[slot.story[0]]
        key, title, description = f"story:{story.id}", story.title, story.description
    else:
        group = next((g for g in KIND_GROUPS if slot.pattern.kind in g[1]), (OTHER, ()))
        key, title = f"kinds:{group[0]}", group[0]
        description = ""  # worded from the kinds it ends up with (_event_data)
    found = next((e for e in events if e.raw.get("_key") == key), None)
    if found is None:
        found = _Event("", title, {"_key": key, "description": f"{DRAFTED}. {description}".strip()})
        events.append(found)
    return found


def _rank(brief: Brief, event: _Event) -> tuple[int, int]:
    """Generated events in the order a planner reads them: storylines as the brief lists them, then the
    kind groups in :data:`KIND_GROUPS` order, then the rest."""
    kind, _, name = str(event.raw.get("_key", "")).partition(":")
    if kind == "story" and name in brief.storylines:
        return 0, brief.storylines.index(name)
    titles = [g[0] for g in KIND_GROUPS]
    return (1, titles.index(name)) if kind == "kinds" and name in titles else (2, 0)


def _event_ids(events: list[_Event]) -> None:
    """Ids ME-1, ME-2 ... for generated events, skipping the brief's own."""
    taken = {e.id for e in events if e.id}
    n = 0
    for e in events:
        while not e.id:
            n += 1
            if f"ME-{n}" not in taken:
                e.id = f"ME-{n}"
                taken.add(e.id)


def _event_data(event: _Event, brief: Brief) -> dict[str, t.Any]:
    """The event as the draft writes it; a missing outcome worded from the objectives its injects exercise."""
    raw = {k: v for k, v in event.raw.items() if k != "_key"}
    if str(event.raw.get("_key", "")).startswith("kinds:"):
        kinds = list(dict.fromkeys(KIND_WORDS.get(s.pattern.kind, s.pattern.kind) for s in event.slots
                                   if s.parent is None))
        words = ", ".join(kinds[:-1]) + (" and " if len(kinds) > 1 else "") + kinds[-1]
        raw["description"] = f"{DRAFTED}: the {words} injects of the draft."
    exercised = [o for o in brief.objectives if any(o.id in s.objectives for s in event.slots)]
    out: dict[str, t.Any] = {"id": event.id, "title": raw.pop("title", event.title)}
    raw.pop("id", None)
    if not raw.get("outcome"):
        raw["outcome"] = (("The training audience shows it can " + "; ".join(
            o.title[:1].lower() + o.title[1:] for o in exercised) + ".") if exercised else
            "The training audience recognises each development, reports it on time and responds to it.")
    if not event.pointer and exercised:
        raw["objectives"] = [o.id for o in exercised]
    for key in ("objectives", "outcome", "description"):
        if key in raw:
            out[key] = raw.pop(key)
    out.update(raw)  # x- fields of the brief's event
    return out


def _incidents(out: Hierarchy, model: Exercise, phases: list[_Phase], events: list[_Event]) -> None:
    """An incident for every slot: the brief's of its event and phase, or one generated per event and phase."""
    startex = model.info.startex
    fixed = list(model.main_incidents)
    made: dict[tuple[str, str], dict[str, t.Any]] = {}
    times: dict[str, list[int]] = {}
    taken = {c.id for c in fixed}
    for number, event in enumerate(events, start=1):
        for slot in sorted(event.slots, key=lambda s: (t.cast(int, s.time), s.key)):
            minute = t.cast(int, slot.time)
            phase = next((p for p in phases if p.start <= minute <= p.end), None)
            if phase is None:  # the brief check makes the phases cover the battle rhythm
                continue
            own = [c for c in fixed if c.event == event.id and c.phase in (None, phase.id)]
            inside = [c for c in own if (c.start is None or c.start <= minute) and (c.end is None or minute <= c.end)]
            if inside or own:
                incident = (inside or own)[0].id
            else:
                entry = made.get((event.id, phase.id))
                if entry is None:
                    k = 1
                    while f"MI-{number}.{k}" in taken:
                        k += 1
                    entry = {"id": f"MI-{number}.{k}", "title": f"{event.title} ({phase.title})"[:200],
                             "event": event.id, "phase": phase.id}
                    taken.add(entry["id"])
                    made[(event.id, phase.id)] = entry
                incident = entry["id"]
                times.setdefault(incident, []).append(minute)
            out.placement[slot.key] = Placement(event.id, event.title, incident, phase.id, phase.title)
    spans = {p.id: p for p in phases}
    for entry in made.values():
        phase, used = spans[entry["phase"]], times[entry["id"]]
        end = min(max(used) + TAIL, phase.end)
        start = min(min(used), max(phase.start, end - TAIL))
        entry["start"], entry["end"] = format_dtime(start, startex), format_dtime(end, startex)
        entry["description"] = f"{DRAFTED}: the injects of main event {entry['event']} in phase {phase.id}."
        out.incidents.append(entry)
