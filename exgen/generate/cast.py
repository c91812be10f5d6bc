"""EXCON for a draft: the cells, role players, controllers and evaluators its injects need.

The brief's own entries come first and win; the rest is generated: a role player per library
archetype the injects use (``RP-<ARCHETYPE>``: a civil persona gets the brief's ``excon.culture``
when the region it belongs to is fictional, else a country drawn per archetype from the exercise's
nations, organisations left out; an adversary persona gets no nation but
``excon.adversary_culture``, else the exercise's ``culture``, so its name comes from the fictional
actor's own list), the library cells they and the injects belong to, a controller per cell that
sends injects (``CTRL-<CELL>``), and an evaluator for each objective no evaluator of the brief
assesses (``EV-<OBJECTIVE>``).
"""

from __future__ import annotations

import random
import typing as t
from dataclasses import dataclass, field

from exgen.core.organisations import is_organisation
from exgen.core.seeding import entity_seed
from exgen.generate.forces import AUDIENCE
from exgen.generate.library import HICON

if t.TYPE_CHECKING:
    from exgen.generate.brief import Brief
    from exgen.generate.forces import Forces
    from exgen.generate.library import Library
    from exgen.generate.select import Slot


@dataclass
class Cast:
    """EXCON of a draft, definition-shaped, and how a slot's sender resolves."""

    forces: Forces
    cells: list[dict[str, t.Any]] = field(default_factory=list)
    role_players: list[dict[str, t.Any]] = field(default_factory=list)
    controllers: list[dict[str, t.Any]] = field(default_factory=list)
    evaluators: list[dict[str, t.Any]] = field(default_factory=list)
    by_archetype: dict[str, str] = field(default_factory=dict)
    cell_of: dict[str, str] = field(default_factory=dict)  #: role player id -> cell id
    controller_of: dict[str, str] = field(default_factory=dict)  #: cell id -> controller id
    names: dict[str, str] = field(default_factory=dict)  #: role player id -> the name its injects speak in

    def sender_name(self, slot: Slot) -> str:
        """The name of the role player a slot's inject comes from ("" for a cell or a superior)."""
        return self.names.get(self.sender(slot)[0], "")

    def sender(self, slot: Slot) -> tuple[str, str | None]:
        """``(from id, EXCON cell or None)`` of a slot's inject."""
        role, _, name = slot.pattern.sender.partition(":")
        if role == "archetype":
            rp = self.by_archetype[name]
            return rp, self.cell_of.get(rp)
        if role == "cell":
            return name, name
        up = self.forces.higher(slot.to[0])
        if up is not None and self.forces.unit(up).role != AUDIENCE:
            return up, HICON
        return HICON, HICON

    def controller(self, slot: Slot) -> str | None:
        return self.controller_of.get(self.sender(slot)[1] or "")

    def excon(self) -> dict[str, t.Any]:
        out: dict[str, t.Any] = {"cells": self.cells}
        for key in ("role_players", "controllers", "evaluators"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


def cast(brief: Brief, lib: Library, forces: Forces, slots: t.Sequence[Slot], seed: int) -> Cast:
    """EXCON for these slots; controllers' units and evaluators follow the slots' recipients."""
    excon = brief.data.get("excon") or {}
    out = Cast(forces)
    taken = {u.id for u in forces.model.units} | {c["id"] for c in excon.get("cells") or []}
    for rp in excon.get("role_players") or []:
        out.role_players.append({k: v for k, v in rp.items() if k != "archetype"})
        out.names[rp["id"]] = rp.get("name") or rp["portrays"]
        out.cell_of[rp["id"]] = rp["cell"]
        taken.add(rp["id"])
        if rp.get("archetype"):
            out.by_archetype.setdefault(rp["archetype"], rp["id"])
    archetypes = sorted({s.pattern.sender.partition(":")[2] for s in slots
                         if s.pattern.sender.startswith("archetype:")})
    for name in archetypes:
        if name not in out.by_archetype:
            rp = _role_player(brief, lib, forces, name, seed, taken)
            out.role_players.append(rp)
            out.names[rp["id"]] = rp.get("name") or rp["portrays"]
            out.by_archetype[name] = rp["id"]
            out.cell_of[rp["id"]] = rp["cell"]
            taken.add(rp["id"])
    senders = [out.sender(s)[1] for s in slots]
    needed = {c for c in [*out.cell_of.values(), *senders] if c}
    needed |= {c["cell"] for c in excon.get("controllers") or []}
    own = list(excon.get("cells") or [])
    mine = {c["id"] for c in own}
    out.cells = own + [lib.cells[c] for c in sorted(needed - mine) if c in lib.cells]
    taken |= {c["id"] for c in out.cells}
    out.controllers = list(excon.get("controllers") or [])
    for c in out.controllers:
        out.controller_of.setdefault(c["cell"], c["id"])
    for cell in sorted({c for c in senders if c}):
        if cell not in out.controller_of:
            ident = _unique(f"CTRL-{cell}", taken)
            taken.add(ident)
            title = next((c["title"] for c in out.cells if c["id"] == cell), cell)
            out.controllers.append({"id": ident, "cell": cell, "name": f"Controller, {title}"[:120]})
            out.controller_of[cell] = ident
    _controller_units(out, slots)
    out.evaluators = list(excon.get("evaluators") or []) + _evaluators(brief, forces, slots, seed, taken, excon)
    return out


def _role_player(brief: Brief, lib: Library, forces: Forces, name: str, seed: int, taken: set[str]) -> dict[str, t.Any]:
    """A role player for archetype ``name``: nation drawn for the archetype, the nation's languages."""
    arch = lib.archetypes[name]
    rp: dict[str, t.Any] = {"id": _unique(f"RP-{name.upper()}", taken), "cell": arch.cell}
    working = brief.data["exercise"].get("working_language", "en")
    languages = [working]
    excon = brief.data.get("excon") or {}
    culture = (excon.get("adversary_culture") or brief.data["exercise"].get("culture") if arch.hostile
               else excon.get("culture"))
    if not arch.hostile and not culture:
        # a civil persona (a mayor, a journalist) is a person of a country, never of NATO or EUFOR
        nations = _countries(brief.nations) or _countries(forces.nations())
        if nations:
            nation = random.Random(entity_seed(seed, "role_player", name)).choice(nations)
            rp["nation"] = nation
            languages = [*forces.languages(nation), working]
    rp["portrays"] = arch.portrays
    if culture:
        rp["culture"] = culture
    rp["languages"] = list(dict.fromkeys(languages))
    if arch.organisation:
        rp["organisation"] = arch.organisation
    if arch.description:
        rp["description"] = arch.description
    persona = _persona(rp, seed, brief.data["exercise"].get("culture", ""))
    if persona:
        rp = {"id": rp["id"], "name": persona, **{k: v for k, v in rp.items() if k != "id"}}
    return rp


def _persona(rp: dict[str, t.Any], seed: int, setting: str) -> str:
    """The name the role player's persona gets, drawn here so the injects can speak in it ("" for none)."""
    from exgen.enrich import role_player_persona
    from exgen.model import RolePlayer

    player = RolePlayer(rp["id"], rp["cell"], rp["portrays"], rp.get("nation", ""),
                        organisation=rp.get("organisation", ""), culture=rp.get("culture", ""))
    persona = role_player_persona(seed, player, setting)
    return persona.full_name if persona is not None else ""


def _countries(nations: t.Iterable[str]) -> list[str]:
    """``nations`` without the organisation codes among them, in order."""
    return [n for n in nations if not is_organisation(n)]


def _controller_units(out: Cast, slots: t.Sequence[Slot]) -> None:
    """Generated controllers control the units their cell's injects go to."""
    generated = {c["id"] for c in out.controllers if "units" not in c}
    units: dict[str, list[str]] = {}
    for s in slots:
        ctrl = out.controller(s)
        if ctrl is not None and ctrl in generated:
            units.setdefault(ctrl, []).extend(s.to)
    order = {u: i for i, u in enumerate(out.forces.audience)}
    for c in out.controllers:
        if c["id"] in units:
            c["units"] = sorted(dict.fromkeys(units[c["id"]]), key=lambda u: (order.get(u, len(order)), u))


def _evaluators(brief: Brief, forces: Forces, slots: t.Sequence[Slot], seed: int, taken: set[str],
                excon: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """One evaluator for each objective the brief's evaluators leave unassessed."""
    assessed = {o for e in excon.get("evaluators") or [] for o in e.get("objectives") or []}
    out = []
    for o in brief.objectives:
        if o.id in assessed:
            continue
        units = list(o.audience) or list(dict.fromkeys(u for s in slots if o.id in s.objectives for u in s.to))
        ev: dict[str, t.Any] = {"id": _unique(f"EV-{o.id}", taken), "name": f"Evaluator {o.id}"}
        nations = sorted({forces.unit(u).nation for u in units if forces.model.unit(u)}) or forces.nations()
        if nations:
            ev["nation"] = random.Random(entity_seed(seed, "evaluator", o.id)).choice(nations)
        ev["objectives"] = [o.id]
        if units:
            ev["units"] = units
        taken.add(ev["id"])
        out.append(ev)
    return out


def _unique(ident: str, taken: set[str]) -> str:
    """``ident`` (cut to 60 characters), with -2, -3 ... when taken."""
    base = ident[:60]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
