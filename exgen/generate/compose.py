"""Slots to injects: placeholders filled, places picked, exchanges resolved, ids in time order.

Injects are numbered ``INJ-001``, ``INJ-002`` ... and given serials in time order; a contingency
names the inject that follows up on it. Each inject's method and place are drawn from its own
seed (``entity_seed(seed, "inject", slot key)``).
"""

from __future__ import annotations

import random
import typing as t

from exgen.core.seeding import entity_seed
from exgen.generate import text
from exgen.model import distance_km, format_dtime

if t.TYPE_CHECKING:
    from exgen.generate.brief import Brief, Place
    from exgen.generate.cast import Cast
    from exgen.generate.forces import Forces
    from exgen.generate.hierarchy import Placement
    from exgen.generate.library import Library, Pattern
    from exgen.generate.select import Slot

TITLE_LIMIT = 200
#: How many invented places of one kind a draft may mention (so the same few recur).
INVENTED = 3


class Places:
    """Picks the place a slot's {place} names: the brief's places first, invented ones otherwise.

    Steps of one storyline that need the same kind of place get the same place, and a
    contingency the place of the inject it follows up.
    """

    def __init__(self, brief: Brief, lib: Library, forces: Forces, seed: int) -> None:
        self.brief, self.lib, self.forces, self.seed = brief, lib, forces, seed
        self.chosen: dict[tuple[str, str], tuple[str, tuple[float, float] | None]] = {}

    def pick(self, slot: Slot, rng: random.Random) -> tuple[str, tuple[float, float] | None]:
        """The place (name, position or None) for ``slot``; a contingency reuses its trigger's place."""
        kind = slot.pattern.place
        if kind is None:
            return "", None
        keys = [(f"slot:{slot.key}", kind)]
        if slot.parent is not None:
            keys.insert(0, (f"slot:{slot.parent.key}", kind))
        if slot.story:
            keys.insert(0, (f"story:{slot.story[0]}", kind))
        known = next((self.chosen[key] for key in keys if key in self.chosen), None)
        if known is not None:
            for key in keys:  # a contingency of this slot finds it under the slot's own key too
                self.chosen.setdefault(key, known)
            return known
        named = [p for p in self.brief.places if p.kind == kind]
        if named:
            chosen = rng.choice(self._nearest(named, slot.to[0])[:2])
            where = (chosen.lat, chosen.lon) if chosen.lat is not None and chosen.lon is not None else None
            found: tuple[str, tuple[float, float] | None] = (chosen.name, where)
        else:
            found = (self._invented(kind, rng.randrange(INVENTED)), None)
        for key in keys:
            self.chosen[key] = found
        return found

    def _nearest(self, places: list[Place], uid: str) -> list[Place]:
        loc = self.forces.unit(uid).location
        if loc is None:
            return places
        return sorted(places, key=lambda p: distance_km(loc.lat, loc.lon, p.lat, p.lon)
                      if p.lat is not None and p.lon is not None else float("inf"))

    def _invented(self, kind: str, n: int) -> str:
        from exgen.enrich.names.places import place_name

        rng = random.Random(entity_seed(self.seed, "place", f"{kind}:{n}"))
        style = "albanian" if rng.random() < 0.3 else "slavic"
        return self.lib.place_kinds[kind].replace("{name}", place_name(rng, style))


def compose(slots: t.Sequence[Slot], brief: Brief, lib: Library, forces: Forces, cast: Cast,
            seed: int, placement: t.Mapping[str, Placement] | None = None
            ) -> tuple[list[dict[str, t.Any]], dict[int, str]]:
    """Injects in time order (definition-shaped) and each slot's inject id (by ``id(slot)``).

    With ``placement`` (slot key -> its place in the MEL hierarchy) each inject names its incident,
    and the brief's ``inject_fields`` are filled in.
    """
    order = sorted(range(len(slots)), key=lambda i: (slots[i].time, i))
    width = max(3, len(str(len(slots))))
    ids = {id(slots[i]): f"INJ-{n:0{width}d}" for n, i in enumerate(order, start=1)}
    children = {id(s.parent): ids[id(s)] for s in slots if s.parent is not None}
    places = Places(brief, lib, forces, seed)
    info = forces.model.info
    offset = info.start_minute
    numbers = [s.day.number for s in slots]
    ends = (min(numbers, default=0), max(numbers, default=0))
    told: dict[str, str] = {}  #: storyline -> how its latest inject is referred to
    techniques: dict[tuple[str, t.Any], tuple[str, tuple[str, ...]]] = {}  #: slot or storyline -> (kind, ids)
    injects = []
    for n, i in enumerate(order, start=1):
        slot = slots[i]
        rng = random.Random(entity_seed(seed, "inject", slot.key))
        place, where = places.pick(slot, rng)
        sender, _cell = cast.sender(slot)
        story_actor = lib.storylines[slot.story[0]].actor if slot.story else ""
        values = _values(slot, brief, forces, place, info.name, format_dtime(t.cast(int, slot.time) - 10, info.startex),
                         story_actor)
        values["sender_name"] = cast.sender_name(slot) or "the caller"
        # a step whose predecessor found no time in the rhythm still reads as a sentence
        values["earlier"] = (told.get(slot.story[0]) if slot.story else None) or "the earlier incidents"
        texts = wording(slot.pattern, t.cast(int, slot.time), offset, slot.day.number, ends)
        if slot.story and slot.pattern.recall:
            told[slot.story[0]] = (f"{text.fill(slot.pattern.recall, values)} "
                                   f"({_when(t.cast(int, slot.time), info.startex)})")
        p = slot.pattern
        inj: dict[str, t.Any] = {
            "id": ids[id(slot)], "serial": n, "time": format_dtime(t.cast(int, slot.time), info.startex)}
        where_in = (placement or {}).get(slot.key)
        if where_in is not None:
            inj["incident"] = where_in.incident
        inj.update({"from": sender, "to": list(slot.to), "method": rng.choice(p.methods),
                    "title": text.clip(text.fill(texts["title"], values), TITLE_LIMIT)})
        for key in ("description", "expected_action"):
            if texts[key]:
                inj[key] = text.fill(texts[key], values)
        if slot.objectives:
            inj["objectives"] = list(slot.objectives)
        controller = cast.controller(slot)
        if controller:
            inj["controller"] = controller
        if where:
            inj["location"] = {"lat": where[0], "lon": where[1]}
        if place:
            inj["place"] = place
        threat: dict[str, t.Any] = {"kind": p.kind}
        # a pattern without catalogue ids of its own (a follow-up, a contingency) names the technique
        # of the inject it follows up or the storyline step before it, when that is of the same kind
        story = slot.story[0] if slot.story else ""
        before = [techniques.get(("slot", id(slot.parent))), techniques.get(("story", story))]
        ids_of = list(p.ids) or next((list(ids) for kind, ids in filter(None, before) if kind == p.kind), [])
        if ids_of:
            threat["ids"] = list(ids_of)
            techniques[("slot", id(slot))] = (p.kind, tuple(ids_of))
            if slot.story:
                techniques[("story", slot.story[0])] = (p.kind, tuple(ids_of))
        if values["actor"] != _NO_ACTOR:
            threat["actor"] = values["actor"]
        inj["threat"] = threat
        requires = _requires(slot, forces)
        if requires:
            inj["requires"] = requires
        if id(slot) in children:
            inj["contingency"] = children[id(slot)]
        inj["notes"] = _notes(slot, ids, values, _deadline(slot, forces, info.startex))
        inj.update(_fields(brief, slot, values, inj, where_in))
        injects.append(inj)
    return injects, ids


_NO_ACTOR = "an unidentified actor"


def wording(pattern: Pattern, minute: int, offset: int, day: int, ends: tuple[int, int]) -> dict[str, str]:
    """The pattern's title, description and expected action for an inject at ``minute`` on exercise day
    ``day`` (``ends``: the first and last day of play): the first variant that suits the time wins."""
    from exgen.generate.place import in_hours

    kind = "first" if day == ends[0] else "last" if day == ends[1] else "middle"
    texts = {f: getattr(pattern, f) for f in text.VARIANT_FIELDS}
    for v in pattern.variants:
        if in_hours(v.hours, minute, offset) and (not v.days or kind in v.days):
            texts.update(v.texts)
            break
    return texts


def _when(minute: int, startex: t.Any) -> str:
    """``1400Z on 10 May`` for a minute from STARTEX."""
    import datetime as dt

    moment = startex + dt.timedelta(minutes=minute)
    return f"{moment:%H%M}Z on {moment.day} {moment:%B}"


def _values(slot: Slot, brief: Brief, forces: Forces, place: str, exercise: str, time: str,
            story_actor: str) -> dict[str, str]:
    """Placeholder values for one slot (several recipients are joined with 'and')."""
    first = slot.to[0]
    up = forces.higher(first)
    p = slot.pattern
    actor = brief.actors.get(p.kind) or story_actor or p.actor or _NO_ACTOR
    values = {
        "unit": text.listing(slot.to), "unit_name": text.listing(forces.unit(u).name for u in slot.to),
        "unit_short": text.listing(forces.short(u) for u in slot.to),
        "higher": up or "higher authority", "higher_name": forces.short(up) if up else "higher authority",
        "place": place, "time": time.split(" ")[1].replace(":", "") + "Z", "actor": actor, "exercise": exercise,
    }
    if slot.trigger is not None:
        links = slot.trigger.links
        values["net"] = text.listing(k.primary for k in links)
        values["alternate"] = text.listing(k.carrier for k in links)
        values["partner"] = text.listing(k.partner for k in links)
        values["partner_name"] = text.listing(forces.short(k.partner) for k in links)
        values["affected"] = text.listing(forces.short(k.recipient) for k in links)
    return values


def _fields(brief: Brief, slot: Slot, values: dict[str, str], inj: dict[str, t.Any],
            where: Placement | None) -> dict[str, str]:
    """The brief's custom inject fields, filled for this inject; a field that comes out empty is left out."""
    more = {"kind": slot.pattern.kind, "method": inj["method"], "pattern": slot.pattern.id,
            "storyline": slot.story[0] if slot.story else "", "sender": inj["from"],
            "event": where.event if where else "", "event_title": where.event_title if where else "",
            "incident": where.incident if where else "", "phase": where.phase if where else "",
            "phase_title": where.phase_title if where else ""}
    filled = {name: " ".join(text.fill(template, {**values, **more}).split())
              for name, template in brief.inject_fields.items()}
    return {name: value for name, value in filled.items() if value}


def _requires(slot: Slot, forces: Forces) -> list[dict[str, t.Any]]:
    """The pattern's exchanges resolved for each recipient, unresolvable and duplicate ones left out."""
    out: list[dict[str, t.Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for uid in slot.to:
        for ex in slot.pattern.requires:
            for a in _endpoint(ex.sender, uid, slot, forces):
                for b in _endpoint(ex.receiver, uid, slot, forces):
                    if a != b and (ex.kind, a, b) not in seen:
                        seen.add((ex.kind, a, b))
                        out.append({ex.kind: {"from": a, "to": b, "within": ex.within}})
    return out


def _endpoint(name: str, uid: str, slot: Slot, forces: Forces) -> list[str]:
    if name == "recipient":
        return [uid]
    if name == "higher":
        return [u for u in [forces.higher(uid)] if u]
    if name == "higher2":
        return [u for u in [forces.higher2(uid)] if u]
    if name == "subordinates":
        return forces.subordinates(uid)
    if name == "partner" and slot.trigger is not None:
        return [k.partner for k in slot.trigger.links if k.recipient == uid]
    return []


def _deadline(slot: Slot, forces: Forces, startex: t.Any) -> str:
    """For a contingency: what its parent asked for and by when ("a report from 1 BN to MNB HQ by 1130Z")."""
    from exgen.model import parse_duration

    parent = slot.parent
    if parent is None:
        return ""
    asked = _requires(parent, forces)
    if not asked:
        return ""
    kind, body = next(iter(asked[0].items()))
    due = t.cast(int, parent.time) + parse_duration(body["within"])
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} from {body['from']} to {body['to']} by {_when(due, startex)}"


def _notes(slot: Slot, ids: dict[int, str], values: dict[str, str], deadline: str = "") -> str:
    """Controller notes: where the inject comes from and what it is for."""
    p = slot.pattern
    parts = [f"Drafted by exgen generate from library pattern {p.id} ({slot.reason})."]
    if slot.story:
        parts.append(f"Storyline {slot.story[0]}, step {slot.story[1]}.")
    if slot.parent is not None:
        parent = ids[id(slot.parent)]
        parts.append(f"Contingency of {parent}: if {deadline} (asked for by {parent}) has not been observed, "
                     "send this; otherwise do not." if deadline else f"Contingency of {parent}: issue it only "
                     f"if the expected action of {parent} has not been observed.")
    if slot.trigger is not None:
        trig = slot.trigger
        pairs = "; ".join(f"{k.pace}: {k.primary} down, {k.carrier} should carry {k.recipient} - {k.partner}"
                          for k in trig.links)
        origin = "generated" if trig.generated else "from the brief"
        parts.append(f"Announces constraint {trig.constraint} ({trig.kind}, {origin}): {pairs}.")
    if p.notes:
        parts.append(text.fill(p.notes, values))
    return " ".join(parts)
