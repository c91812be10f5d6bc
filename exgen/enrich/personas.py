"""Personas: the fictional people behind role players, drawn from the culture each resolves to.

Where a role player's persona comes from (:func:`exgen.core.cultures.persona_source`):

1. ``name`` given: that name, verbatim; exgen still invents the phone number and e-mail address
   (the ``persona-generated`` info says so), in the culture or nation below.
2. Else the role player's own ``culture``: one of exgen's named lists (``korvanian``...) or a
   locale (``hr_HR``).
3. Else, for a role player without a nation (it portrays a fictional actor), ``exercise.culture``.
4. Else the nation's names (:data:`exgen.core.cultures.NATION_LOCALES`; Albania, Bosnia and
   Herzegovina, Kosovo, Montenegro and Serbia from exgen's own lists).

A fictional actor with no culture anywhere gets no invented persona: it is printed as what it
portrays, never under a name from an unrelated nation. Controllers and evaluators never get a
persona: one without a name is printed as its role ("Controller, White Cell").

Details: phone numbers use the culture's or nation's calling code and an obviously fictional
subscriber number (``+<code> 99 555 0NNN``; the UK's drama range, NANP's 555-01NN lines; the
named cultures of fictional lands a spare ITU-T code). E-mail is
``given.family@<domain>.exercise.example`` in ASCII on the ``.example`` TLD (RFC 2606), where
the domain is the role player's organisation, else a neutral slug of what it portrays — never
its EXCON cell.
"""

from __future__ import annotations

import random
import re
import typing as t
from dataclasses import dataclass, replace

from exgen.core import cultures
from exgen.core.seeding import entity_seed
from exgen.enrich.names import OWN_LOCALES, OWN_MARK, lithuanian_provider, own_provider
from exgen.enrich.names.named import named_culture
from exgen.enrich.names.romanize import needs_romanizing, romanize, slug, to_ascii

if t.TYPE_CHECKING:
    from faker import Faker

    from exgen.model import RolePlayer

DEFAULT_NATION = cultures.DEFAULT_NATION
DEFAULT_LOCALE = cultures.DEFAULT_LOCALE
EMAIL_DOMAIN = "exercise.example"
NATION_LOCALES = cultures.NATION_LOCALES
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
LANGUAGE_NATIONS = cultures.LANGUAGE_NATIONS
_NANP_AREAS = ("202", "312", "415", "617", "703", "757", "910")
# Words that say nothing about who a persona is, left out of an e-mail domain made from "portrays".
_FILLER = frozenset({"a", "an", "the", "of", "for", "and", "or", "to", "in", "at", "on", "by", "with", "from",
                     "known", "as", "its", "his", "her", "their"})


@dataclass(frozen=True)
class Persona:
    """A fictional person behind a role player."""

    given_name: str
    family_name: str
    full_name: str
    #: The locale or named culture the name is drawn from (``hr_HR``, ``sr_ME@exgen``, ``korvanian``).
    locale: str
    gender: str  # "female", "male", or "" for a name the definition gives
    phone: str
    email: str
    organisation: str  # the role player's organisation, or "" (never its EXCON cell)
    native_name: str = ""  # the full name in its own script when it is not Latin


def locale_for(nation: str) -> str:
    """The locale whose names a person of ``nation`` gets; unknown nations get en_GB.

    exgen's own lists carry an ``@exgen`` mark so they are never passed to Faker.

    >>> locale_for("HR"), locale_for("ME"), locale_for("ZZ")
    ('hr_HR', 'sr_ME@exgen', 'en_GB')
    """
    code = cultures.nation_code(nation)
    if code in OWN_LOCALES:
        return OWN_LOCALES[code] + OWN_MARK
    return NATION_LOCALES.get(code, DEFAULT_LOCALE)


default_nation = cultures.default_nation


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


def _phone(code: str, rng: random.Random) -> str:
    """A phone number with calling ``code`` and an obviously fictional subscriber number."""
    if code == "44":
        return f"+44 7700 900{rng.randrange(1000):03d}"  # Ofcom's range for drama
    if code == "1":
        return f"+1 {rng.choice(_NANP_AREAS)} 555 01{rng.randrange(100):02d}"  # NANP fiction lines
    return f"+{code} 99 555 0{rng.randrange(1000):03d}"


def fictional_phone(nation: str, rng: random.Random) -> str:
    """A phone number with ``nation``'s calling code and an obviously fictional number."""
    return _phone(CALLING_CODES.get(nation) or CALLING_CODES[DEFAULT_NATION], rng)


def email_domain(organisation: str, portrays: str = "") -> str:
    """The DNS label an e-mail address is built on: the organisation, else what the persona portrays.

    >>> email_domain("Dalvora Pulse", "Reporter"), email_domain("", 'Leader of the Legion, known as "Gorski"')
    ('dalvora-pulse', 'leader-legion-gorski')
    """
    if slug(organisation):
        return slug(organisation)
    words = [w for w in re.findall(r"[a-z0-9]+", to_ascii(portrays).lower()) if w not in _FILLER]
    return slug(" ".join(words), 30) or "persona"


def _email(given: str, family: str, domain: str) -> str:
    """``given.family@<domain>.exercise.example``, ASCII only (``domain`` is slugged again)."""
    local = ".".join(p for p in (slug(given, 30), slug(family, 30)) if p) or "contact"
    return f"{local}@{slug(domain) or 'persona'}.{EMAIL_DOMAIN}"


def _tidy(name: str) -> str:
    """Capitalise each hyphenated part of a given name (Faker has ``Božidara-силвестра``)."""
    return "-".join(p[:1].upper() + p[1:] for p in name.split("-"))


def _country(locale: str) -> str:
    """The country of a ``language_COUNTRY`` locale (``sr_ME@exgen`` → ``ME``)."""
    return locale.partition("@")[0].rpartition("_")[2]


def _named(seed: int, kind: str, ident: str, culture: str, organisation: str) -> Persona:
    """A persona from one of exgen's named cultures (no Faker involved)."""
    names = named_culture(culture)
    rng = random.Random(entity_seed(seed, kind, ident))
    female = rng.random() < 0.5
    given, family = names.person(rng, female)
    return Persona(
        given_name=given, family_name=family, full_name=f"{given} {family}", locale=culture,
        gender="female" if female else "male", phone=_phone(names.calling_code, rng),
        email=_email(to_ascii(given), to_ascii(family), organisation), organisation=organisation,
    )


def make_persona(seed: int, kind: str, ident: str, nation: str, organisation: str, *, culture: str = "",
                 name: str = "", portrays: str = "") -> Persona:
    """The persona of one entity, from ``culture`` when exgen knows it, else from ``nation``.

    ``organisation`` is printed as the persona's and names its e-mail domain (else ``portrays``
    does). A ``name`` is used verbatim: only the phone number and e-mail address are invented.
    """
    domain = email_domain(organisation, portrays)
    if culture in cultures.NAMED_CULTURES:
        persona = _named(seed, kind, ident, culture, domain)
    else:
        locale = (culture + OWN_MARK if culture in OWN_LOCALES.values() else culture) \
            if culture and cultures.known(culture) else locale_for(nation)
        persona = _from_faker(seed, kind, ident, locale, nation, domain)
    persona = replace(persona, organisation=organisation)
    return _named_as(persona, name, domain) if name.strip() else persona


def _from_faker(seed: int, kind: str, ident: str, locale: str, nation: str, domain: str) -> Persona:
    """A persona from a Faker locale or one of exgen's own nation lists."""
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
    country = _country(locale) if locale != locale_for(nation) else cultures.nation_code(nation)
    return Persona(
        given_name=given, family_name=family, full_name=f"{given} {family}", locale=locale,
        gender="female" if female else "male", phone=fictional_phone(country, rng),
        email=_email(to_ascii(given, script), to_ascii(family, script), domain), organisation="",
        native_name=native,
    )


def _named_as(persona: Persona, name: str, domain: str) -> Persona:
    """``persona`` carrying the ``name`` the definition gives (verbatim), its phone kept."""
    name = " ".join(name.split())
    given, _, family = name.rpartition(" ")
    native = name if needs_romanizing(name) else ""
    words = to_ascii(name).split()
    return replace(persona, given_name=given, family_name=family, full_name=name, gender="", native_name=native,
                   email=_email(".".join(words[:-1]), words[-1] if words else "", domain))


def role_player_persona(seed: int, role_player: RolePlayer, setting: str) -> Persona | None:
    """The persona of ``role_player`` in an exercise whose culture is ``setting`` ("" for none).

    None when it has no name and nothing to draw one from (a fictional actor without a culture).
    """
    r = role_player
    source = cultures.persona_source(r.culture, r.nation, setting)
    if source is None and not r.name.strip():
        return None
    return make_persona(seed, "role_player", r.id, r.nation, r.organisation, culture=source.culture if source else "",
                        name=r.name, portrays=r.portrays)
