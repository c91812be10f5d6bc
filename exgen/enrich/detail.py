"""Seeded, realistic detail for a package: personas, call signs and fictional place names.

Every value is drawn from its own seed, ``entity_seed(seed, kind, id)``, never from one shared
stream, so adding a role player, unit or inject changes nobody else's detail. Faker instances are
cached per locale and re-seeded with ``seed_instance`` before each entity (``Faker.seed()`` would
seed a process-wide stream); no date provider is used because those read the clock.

Conventions (documented for instructors in exgen/names/README.md):

* Names follow the role player's nation (:data:`NATION_LOCALES`); Albania, Bosnia and
  Herzegovina, Kosovo, Montenegro and Serbia use exgen's own lists (``exgen.enrich.names``). Cyrillic and
  Greek names are romanized by the nation's official system; ``native_name`` keeps the original.
* Phone numbers use the nation's real calling code and an obviously fictional subscriber number:
  ``+<code> 99 555 0NNN``; the United Kingdom uses Ofcom's drama range ``+44 7700 900NNN`` and
  NANP nations the reserved ``555 01NN`` lines.
* E-mail is ``given.family@<organisation-slug>.exercise.example`` in ASCII, on the ``.example``
  TLD RFC 2606 reserves, so no address can reach a real mailbox.
* Call signs are a curated word plus two digits (``GRANITE 21``); on each net they are unique, a
  clash being resolved for all but the first holder in unit-id order.
"""

from __future__ import annotations

import random
import re
import typing as t
from dataclasses import dataclass, field

from exgen.core.seeding import entity_seed
from exgen.enrich.names import OWN_LOCALES, OWN_MARK, callsign_words, lithuanian_provider, own_provider
from exgen.enrich.names.places import place_name
from exgen.enrich.names.romanize import needs_romanizing, romanize, slug, to_ascii

if t.TYPE_CHECKING:
    from faker import Faker

    from exgen.model import Exercise, Net

DEFAULT_NATION = "GB"
DEFAULT_LOCALE = "en_GB"
EMAIL_DOMAIN = "exercise.example"

# ISO 3166 alpha-2 → Faker locale with native person names in faker==40.63.0 (checked by output;
# tests assert none of them falls back to en_US). AL, BA, ME, RS, XK: see exgen.enrich.names.OWN_LOCALES.
NATION_LOCALES: dict[str, str] = {
    "AT": "de_AT", "AZ": "az_AZ", "BE": "nl_BE", "BG": "bg_BG", "CA": "en_US", "CH": "de_CH",
    "CY": "el_GR", "CZ": "cs_CZ", "DE": "de_DE", "DK": "da_DK", "EE": "et_EE", "ES": "es_ES",
    "FI": "fi_FI", "FR": "fr_FR", "GB": "en_GB", "GR": "el_GR", "HR": "hr_HR", "HU": "hu_HU",
    "IE": "en_IE", "IS": "is_IS", "IT": "it_IT", "LI": "de_LI", "LT": "lt_LT", "LU": "de_LU",
    "LV": "lv_LV", "MD": "ro_RO", "MK": "mk_MK", "NL": "nl_NL", "NO": "no_NO", "NZ": "en_NZ",
    "PL": "pl_PL", "PT": "pt_PT", "RO": "ro_RO", "RU": "ru_RU", "SE": "sv_SE", "SI": "sl_SI",
    "SK": "sk_SK", "TR": "tr_TR", "UA": "uk_UA", "US": "en_US",
}
# ITU-T E.164 country calling codes for every nation above and exgen's own.
CALLING_CODES: dict[str, str] = {
    "AL": "355", "AT": "43", "AZ": "994", "BA": "387", "BE": "32", "BG": "359", "CA": "1",
    "CH": "41", "CY": "357", "CZ": "420", "DE": "49", "DK": "45", "EE": "372", "ES": "34",
    "FI": "358", "FR": "33", "GB": "44", "GR": "30", "HR": "385", "HU": "36", "IE": "353",
    "IS": "354", "IT": "39", "LI": "423", "LT": "370", "LU": "352", "LV": "371", "MD": "373",
    "ME": "382", "MK": "389", "NL": "31", "NO": "47", "NZ": "64", "PL": "48", "PT": "351",
    "RO": "40", "RS": "381", "RU": "7", "SE": "46", "SI": "386", "SK": "421", "TR": "90",
    "UA": "380", "US": "1", "XK": "383",
}
# Working language (ISO 639-1) → the nation whose names people without a nation get.
LANGUAGE_NATIONS: dict[str, str] = {
    "bg": "BG", "bs": "BA", "cs": "CZ", "da": "DK", "de": "DE", "el": "GR", "en": "GB", "es": "ES",
    "et": "EE", "fi": "FI", "fr": "FR", "hr": "HR", "hu": "HU", "is": "IS", "it": "IT", "lt": "LT",
    "lv": "LV", "mk": "MK", "nb": "NO", "nl": "NL", "nn": "NO", "no": "NO", "pl": "PL", "pt": "PT",
    "ro": "RO", "ru": "RU", "sk": "SK", "sl": "SI", "sq": "AL", "sr": "RS", "sv": "SE", "tr": "TR",
    "uk": "UA",
}
_NATION_ALIASES = {"UK": "GB", "EL": "GR"}
_NANP_AREAS = ("202", "312", "415", "617", "703", "757", "910")
_ALBANIAN_STYLE = frozenset({"AL", "XK"})
_SLAVIC_STYLE = frozenset({"BA", "BG", "HR", "ME", "MK", "RS", "SI"})


@dataclass(frozen=True)
class Persona:
    """A fictional person behind a role player, controller or evaluator."""

    given_name: str
    family_name: str
    full_name: str
    locale: str
    gender: str
    phone: str
    email: str
    organisation: str
    native_name: str = ""  # the full name in its own script when it is not Latin


@dataclass(frozen=True)
class Enrichment:
    """All seeded detail of one package; plain mappings keyed by element id."""

    seed: int
    personas: t.Mapping[str, Persona] = field(default_factory=dict)
    callsigns: t.Mapping[str, str] = field(default_factory=dict)
    net_callsigns: t.Mapping[tuple[str, str], str] = field(default_factory=dict)
    controllers: t.Mapping[str, Persona] = field(default_factory=dict)
    evaluators: t.Mapping[str, Persona] = field(default_factory=dict)
    places: t.Mapping[str, str] = field(default_factory=dict)
    faker_version: str = ""


def _nation(code: str) -> str:
    """``code`` upper-cased, with the common non-ISO aliases (UK, EL) mapped."""
    code = (code or "").strip().upper()
    return _NATION_ALIASES.get(code, code)


def locale_for(nation: str) -> str:
    """The locale whose names a person of ``nation`` gets; unknown nations get en_GB.

    exgen's own lists carry an ``@exgen`` mark so they are never passed to Faker.

    >>> locale_for("HR"), locale_for("ME"), locale_for("ZZ")
    ('hr_HR', 'sr_ME@exgen', 'en_GB')
    """
    code = _nation(nation)
    if code in OWN_LOCALES:
        return OWN_LOCALES[code] + OWN_MARK
    return NATION_LOCALES.get(code, DEFAULT_LOCALE)


def default_nation(language: str) -> str:
    """The nation for people without one, from the exercise working language (else GB)."""
    base = re.split(r"[-_]", (language or "").strip().lower())[0]
    return LANGUAGE_NATIONS.get(base, DEFAULT_NATION)


_FAKERS: dict[str, Faker] = {}
_PERSON = "faker.providers.person"


def _faker(locale: str) -> Faker:
    """The cached Faker for ``locale``; exgen's own locales get an en_US base plus exgen's names."""
    fake = _FAKERS.get(locale)
    if fake is None:
        from faker import Faker

        # Only the person provider: a full Faker loads ~25 providers (~50 ms) we never call.
        if locale.endswith(OWN_MARK):
            nation = next(n for n, tag in OWN_LOCALES.items() if tag + OWN_MARK == locale)
            fake = Faker("en_US", providers=[_PERSON])  # every name method is replaced below
            fake.add_provider(own_provider(nation))
        else:
            fake = Faker(locale, providers=[_PERSON])
            if locale == "lt_LT":
                fake.add_provider(lithuanian_provider())
        _FAKERS[locale] = fake
    return fake


def fictional_phone(nation: str, rng: random.Random) -> str:
    """A phone number with ``nation``'s calling code and an obviously fictional number."""
    code = CALLING_CODES.get(nation) or CALLING_CODES[DEFAULT_NATION]
    if code == "44":
        return f"+44 7700 900{rng.randrange(1000):03d}"  # Ofcom's range for drama
    if code == "1":
        return f"+1 {rng.choice(_NANP_AREAS)} 555 01{rng.randrange(100):02d}"  # NANP fiction lines
    return f"+{code} 99 555 0{rng.randrange(1000):03d}"


def _email(given: str, family: str, organisation: str) -> str:
    """``given.family@<org-slug>.exercise.example``, ASCII only."""
    local = ".".join(p for p in (slug(given, 30), slug(family, 30)) if p) or "contact"
    org = slug(organisation) or "excon"
    return f"{local}@{org}.{EMAIL_DOMAIN}"


def _tidy(name: str) -> str:
    """Capitalise each hyphenated part of a given name (Faker has ``Božidara-силвестра``)."""
    return "-".join(p[:1].upper() + p[1:] for p in name.split("-"))


def make_persona(seed: int, kind: str, ident: str, nation: str, organisation: str) -> Persona:
    """The persona for one entity; ``nation`` must already carry any default."""
    code = _nation(nation)
    locale = locale_for(code)
    fake = _faker(locale)
    fake.seed_instance(entity_seed(seed, kind, ident))
    rng = fake.random
    female = rng.random() < 0.5
    if locale.endswith(OWN_MARK):
        given, family = fake.exgen_person(female)
    else:
        given = _tidy(fake.first_name_female() if female else fake.first_name_male())
        family = fake.last_name_female() if female else fake.last_name_male()
    script = locale.partition("@")[0]
    native = f"{given} {family}" if needs_romanizing(given + family) else ""
    given, family = romanize(given, script), romanize(family, script)
    phone_nation = code if code in CALLING_CODES else DEFAULT_NATION
    return Persona(
        given_name=given, family_name=family, full_name=f"{given} {family}", locale=locale,
        gender="female" if female else "male", phone=fictional_phone(phone_nation, rng),
        email=_email(to_ascii(given, script), to_ascii(family, script), organisation),
        organisation=organisation, native_name=native,
    )


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


def _place(seed: int, key: str, nation: str | None) -> str:
    """A fictional place name for ``key``; its style follows the nation when there is one."""
    rng = random.Random(entity_seed(seed, "place", key))
    style = "albanian" if rng.random() < 0.35 else "slavic"
    code = _nation(nation or "")
    if code in _ALBANIAN_STYLE:
        style = "albanian"
    elif code in _SLAVIC_STYLE:
        style = "slavic"
    return place_name(rng, style)


def _people(model: Exercise, seed: int) -> tuple[dict[str, Persona], dict[str, Persona], dict[str, Persona]]:
    """Personas for role players, and for controllers and evaluators the definition leaves unnamed."""
    home = default_nation(model.info.working_language)
    cells = {c.id: c for c in model.cells}

    def cell_title(cell_id: str) -> str:
        cell = cells.get(cell_id)
        return (cell.title if cell else "") or cell_id or "EXCON"

    role_players = {
        r.id: make_persona(seed, "role_player", r.id, r.nation or home, r.organisation or cell_title(r.cell))
        for r in model.role_players
    }
    controllers = {
        c.id: make_persona(seed, "controller", c.id, home, cell_title(c.cell))
        for c in model.controllers if not c.name
    }
    evaluators = {
        e.id: make_persona(seed, "evaluator", e.id, e.nation or home, "Evaluation Team")
        for e in model.evaluators if not e.name
    }
    return role_players, controllers, evaluators


def enrich(model: Exercise, seed: int) -> Enrichment:
    """All seeded detail for ``model``: the same model and seed always give the same Enrichment."""
    from faker import VERSION

    role_players, controllers, evaluators = _people(model, seed)
    callsigns = {u.id: u.callsign or unit_callsign(seed, u.id) for u in model.units}
    given = {u.id for u in model.units if u.callsign}
    on_nets: dict[tuple[str, str], str] = {}
    for net in model.nets:
        on_nets.update(net_callsigns(seed, net, callsigns, given))
    places = {u.id: _place(seed, u.id, u.nation) for u in model.units}
    for inject in model.injects:
        if inject.location is not None and inject.id not in places:
            places[inject.id] = _place(seed, inject.id, None)
    return Enrichment(
        seed=seed, personas=role_players, callsigns=callsigns, net_callsigns=on_nets,
        controllers=controllers, evaluators=evaluators, places=places, faker_version=VERSION,
    )
