"""Seeded, realistic detail for a package: personas, call signs and fictional place names.

Every value is drawn from its own seed, ``entity_seed(seed, kind, id)``, never from one shared
stream, so adding a role player, unit or inject changes nobody else's detail. Faker instances are
cached per locale and re-seeded with ``seed_instance`` before each entity (``Faker.seed()`` would
seed a process-wide stream); no date provider is used because those read the clock.

Conventions (documented for instructors in exgen/enrich/names/README.md):

* Personas are for role players only, drawn from the culture each resolves to
  (:mod:`exgen.enrich.personas`); controllers and evaluators are printed as their role.
* Call signs are a curated word plus two digits (``GRANITE 21``); on each net they are unique, a
  clash being resolved for all but the first holder in unit-id order.
* Fictional places follow a unit's ``culture``, else ``exercise.culture``, else the unit's nation
  (Slavic or Albanian style), else either style at random.
"""

from __future__ import annotations

import dataclasses
import random
import re
import typing as t
from dataclasses import dataclass, field

from exgen.core import cultures
from exgen.core.seeding import entity_seed
from exgen.enrich.names import callsign_words
from exgen.enrich.names.places import STYLES, place_name
from exgen.enrich.personas import (
    CALLING_CODES,
    DEFAULT_LOCALE,
    DEFAULT_NATION,
    EMAIL_DOMAIN,
    LANGUAGE_NATIONS,
    NATION_LOCALES,
    Persona,
    _email,
    _tidy,
    default_nation,
    fictional_phone,
    locale_for,
    make_persona,
    role_player_persona,
)

if t.TYPE_CHECKING:
    from exgen.model import Exercise, Net, RolePlayer

__all__ = ["CALLING_CODES", "DEFAULT_LOCALE", "DEFAULT_NATION", "EMAIL_DOMAIN", "LANGUAGE_NATIONS",
           "NATION_LOCALES", "Enrichment", "Persona", "_email", "_tidy", "default_nation", "enrich", "entity_seed",
           "fictional_phone", "locale_for", "make_persona", "net_callsigns", "unit_callsign"]

_ALBANIAN_STYLE = frozenset({"AL", "XK"})
_SLAVIC_STYLE = frozenset({"BA", "BG", "HR", "ME", "MK", "RS", "SI"})


@dataclass(frozen=True)
class Enrichment:
    """All seeded detail of one package; plain mappings keyed by element id. Controllers and
    evaluators have none: exgen invents no person for them (one without a name is printed as its role).
    """

    seed: int
    personas: t.Mapping[str, Persona] = field(default_factory=dict)
    callsigns: t.Mapping[str, str] = field(default_factory=dict)
    net_callsigns: t.Mapping[tuple[str, str], str] = field(default_factory=dict)
    places: t.Mapping[str, str] = field(default_factory=dict)
    faker_version: str = ""


def unit_callsign(seed: int, unit_id: str) -> str:
    """The generated call sign of a unit: a curated word and a number 10–99.

    >>> unit_callsign(1, "ME-1BN") == unit_callsign(1, "ME-1BN")
    True
    """
    words = callsign_words()
    n = entity_seed(seed, "callsign", unit_id)
    return f"{words[n % len(words)]} {10 + (n // len(words)) % 90}"


def _said(callsign: str) -> str:
    """A call sign as heard: case and spacing do not tell two apart."""
    return " ".join(callsign.split()).casefold()


def _alternative(seed: int, net_id: str, unit_id: str, callsign: str, given: bool, used: set[str]) -> str:
    """A call sign for a unit whose own one is taken on this net.

    A call sign the definition gave keeps its word and changes its number; a generated one is
    drawn afresh. Past 50 seeded tries the number counts up from 100, so this always ends.
    """
    word = re.sub(r"\s*\d+$", "", callsign).strip() or callsign.strip() or "STATION"
    words = callsign_words()
    attempt = 0
    while True:
        n = entity_seed(seed, "net-callsign", f"{net_id}\x00{unit_id}\x00{attempt}")
        number = 10 + n % 90 if attempt < 50 else 50 + attempt
        stem = word if given or attempt >= 50 else words[(n // 90) % len(words)]
        candidate = f"{stem} {number}"
        if _said(candidate) not in used:
            return candidate
        attempt += 1


def net_callsigns(seed: int, net: Net, callsigns: t.Mapping[str, str], given: t.AbstractSet[str]
                  ) -> dict[tuple[str, str], str]:
    """``(net id, unit id)`` → call sign on ``net``, unique on it (first holder by unit id keeps it)."""
    members = list(dict.fromkeys(net.members))
    base = {m: callsigns.get(m) or unit_callsign(seed, m) for m in members}
    holder: dict[str, str] = {}
    for m in sorted(members):
        holder.setdefault(_said(base[m]), m)
    used = set(holder)
    chosen: dict[str, str] = {}
    for m in sorted(members):
        callsign = base[m]
        if holder[_said(callsign)] != m:
            callsign = _alternative(seed, net.id, m, callsign, m in given, used)
            used.add(_said(callsign))
        chosen[m] = callsign
    return {(net.id, m): chosen[m] for m in members}


def _place_style(rng: random.Random, nation: str | None, culture: str) -> str:
    """The place-name style for a place of ``culture`` (a named one or a locale) or ``nation``."""
    style = "albanian" if rng.random() < 0.35 else "slavic"  # drawn always: the stream stays the same
    if culture in STYLES:
        return culture
    code = cultures.nation_code(culture.rpartition("_")[2] if cultures.known(culture) else (nation or ""))
    if code in _ALBANIAN_STYLE:
        return "albanian"
    if code in _SLAVIC_STYLE:
        return "slavic"
    return style


def _place(seed: int, key: str, nation: str | None, culture: str = "") -> str:
    """A fictional place name for ``key``, in its culture's style, else its nation's."""
    rng = random.Random(entity_seed(seed, "place", key))
    return place_name(rng, _place_style(rng, nation, culture))


def as_persona_nation(role_player: RolePlayer, language: str) -> RolePlayer:
    """``role_player`` as its persona is drawn: one of an international organisation (EU, NATO,
    EUFOR ...), which has no names or calling code of its own, takes those of the nation of the
    exercise's working language (:func:`default_nation`); documents still print the organisation."""
    nation = cultures.persona_nation(role_player.nation, language)
    return role_player if nation == role_player.nation else dataclasses.replace(role_player, nation=nation)


def enrich(model: Exercise, seed: int) -> Enrichment:
    """All seeded detail for ``model``: the same model and seed always give the same Enrichment."""
    from faker import VERSION

    setting = model.info.culture
    language = model.info.working_language
    personas = {r.id: p for r in model.role_players
                if (p := role_player_persona(seed, as_persona_nation(r, language), setting)) is not None}
    callsigns = {u.id: u.callsign or unit_callsign(seed, u.id) for u in model.units}
    given = {u.id for u in model.units if u.callsign}
    on_nets: dict[tuple[str, str], str] = {}
    for net in model.nets:
        on_nets.update(net_callsigns(seed, net, callsigns, given))
    places = {u.id: _place(seed, u.id, u.nation, u.culture or setting) for u in model.units}
    for inject in model.injects:
        if inject.place:  # the name the texts give
            places[inject.id] = inject.place
        elif inject.location is not None and inject.id not in places:
            places[inject.id] = _place(seed, inject.id, None, setting)
    return Enrichment(seed=seed, personas=personas, callsigns=callsigns, net_callsigns=on_nets,
                      places=places, faker_version=VERSION)
