"""Cultures: which names a persona or a fictional place is drawn from.

A culture is a Faker locale with person names (``hr_HR``), one of exgen's own locales for the
nations Faker has no names for (``sq_AL``, ``bs_BA``, ``sr_ME``, ``sr_RS``, ``sq_XK``), or a named
list exgen ships for the fictional actors of its scenarios (``korvanian``...). The lists live
with the enrich stage (``exgen/enrich/names/data``); this module is what check and enrich share:
which cultures exist, and which one a role player's persona comes from (:func:`persona_source`),
so the ``persona-generated`` info names exactly the culture enrich then uses.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
from dataclasses import dataclass

#: The named lists exgen ships: name → what it names (``exgen reference`` and the docs list them).
NAMED_CULTURES: dict[str, str] = {
    "dalvoran": "Dalvora, the fictional coastal province of the ADRIATIC SHIELD scenario: its "
                "officials, operators and press (invented Adriatic names; family names do not change "
                "with gender).",
    "korvanian": "The fictional Korvanian Federation and its proxies (ADRIATIC SHIELD): state media, "
                 "the Free Highlands Legion, the Kestrel network (invented Slavic-style names; family "
                 "names take -ova/-eva/-ina/-ska for women).",
    "tarvosian": "The fictional Tarvosian Federation (SAVA LINK) and the outlets it runs (invented "
                 "West-Slavic-style names; family names take -ová/-ská/-ná for women).",
    "zelvarian": "The fictional Zelvarian Federation (BALKAN RESILIENCE and the coastal TTX brief): "
                 "Zelvaria Today, its channels and operatives (invented Balkan-Romance-style names; "
                 "family names take -a for women).",
}
#: Nations whose names come from exgen's own lists → the language_COUNTRY of their locale.
OWN_LOCALES: dict[str, str] = {
    "AL": "sq_AL", "BA": "bs_BA", "ME": "sr_ME", "RS": "sr_RS", "XK": "sq_XK",
}
#: ISO 3166 alpha-2 → Faker locale with native person names (faker==40.63.0, checked by tests).
NATION_LOCALES: dict[str, str] = {
    "AT": "de_AT", "AZ": "az_AZ", "BE": "nl_BE", "BG": "bg_BG", "CA": "en_US", "CH": "de_CH",
    "CY": "el_GR", "CZ": "cs_CZ", "DE": "de_DE", "DK": "da_DK", "EE": "et_EE", "ES": "es_ES",
    "FI": "fi_FI", "FR": "fr_FR", "GB": "en_GB", "GR": "el_GR", "HR": "hr_HR", "HU": "hu_HU",
    "IE": "en_IE", "IS": "is_IS", "IT": "it_IT", "LI": "de_LI", "LT": "lt_LT", "LU": "de_LU",
    "LV": "lv_LV", "MD": "ro_RO", "MK": "mk_MK", "NL": "nl_NL", "NO": "no_NO", "NZ": "en_NZ",
    "PL": "pl_PL", "PT": "pt_PT", "RO": "ro_RO", "RU": "ru_RU", "SE": "sv_SE", "SI": "sl_SI",
    "SK": "sk_SK", "TR": "tr_TR", "UA": "uk_UA", "US": "en_US",
}
DEFAULT_LOCALE = "en_GB"
NATION_ALIASES = {"UK": "GB", "EL": "GR"}
# Faker locales whose names are in a script exgen cannot print in Latin letters (it romanizes
# Cyrillic and Greek only): not offered as cultures.
_NON_LATIN = frozenset({"ar", "bn", "fa", "gu", "he", "hi", "hy", "ja", "ka", "ko", "mr", "ne", "or", "si",
                        "ta", "th", "zh"})
_LOCALE = re.compile(r"[a-z]{2,3}_[A-Z]{2}")


DEFAULT_NATION = "GB"
# Working language (ISO 639-1, or ISO 639-3 cnr) → the nation whose names people without a nation get.
LANGUAGE_NATIONS: dict[str, str] = {
    "bg": "BG", "bs": "BA", "cnr": "ME", "cs": "CZ", "da": "DK", "de": "DE", "el": "GR", "en": "GB", "es": "ES",
    "et": "EE", "fi": "FI", "fr": "FR", "hr": "HR", "hu": "HU", "is": "IS", "it": "IT", "lt": "LT",
    "lv": "LV", "mk": "MK", "nb": "NO", "nl": "NL", "nn": "NO", "no": "NO", "pl": "PL", "pt": "PT",
    "ro": "RO", "ru": "RU", "sk": "SK", "sl": "SI", "sq": "AL", "sr": "RS", "sv": "SE", "tr": "TR",
    "uk": "UA",
}


def default_nation(language: str) -> str:
    """The nation whose names go with the exercise working language (else GB).

    >>> default_nation("fr"), default_nation("sr-Latn"), default_nation("xx")
    ('FR', 'RS', 'GB')
    """
    base = re.split(r"[-_]", (language or "").strip().lower())[0]
    return LANGUAGE_NATIONS.get(base, DEFAULT_NATION)


def persona_nation(nation: str, language: str) -> str:
    """The nation a persona of ``nation`` is named from: an international organisation (EU, NATO,
    EUFOR ...) has no names or calling code of its own and takes those of the working language's
    nation; documents still print the organisation.

    >>> persona_nation("NATO", "fr"), persona_nation("HR", "fr"), persona_nation("", "fr")
    ('FR', 'HR', '')
    """
    from exgen.core import organisations

    return default_nation(language) if nation and organisations.is_organisation(nation) else nation


def nation_code(code: str) -> str:
    """``code`` upper-cased, with the common non-ISO aliases (UK, EL) mapped."""
    code = (code or "").strip().upper()
    return NATION_ALIASES.get(code, code)


def nation_locale(nation: str) -> str:
    """The locale (language_COUNTRY) whose names a person of ``nation`` gets; else en_GB.

    >>> nation_locale("mk"), nation_locale("ME"), nation_locale("NATO")
    ('mk_MK', 'sr_ME', 'en_GB')
    """
    code = nation_code(nation)
    return OWN_LOCALES.get(code) or NATION_LOCALES.get(code, DEFAULT_LOCALE)


@functools.cache
def faker_locales() -> frozenset[str]:
    """The language_COUNTRY locales Faker has its own person names for, found without importing it."""
    spec = importlib.util.find_spec("faker")
    roots = list(spec.submodule_search_locations or ()) if spec else []
    found: set[str] = set()
    for root in roots:
        folder = os.path.join(root, "providers", "person")
        try:
            entries = os.listdir(folder)
        except OSError:  # pragma: no cover - a Faker laid out differently
            continue
        found.update(e for e in entries if _LOCALE.fullmatch(e) and os.path.isdir(os.path.join(folder, e)))
    return frozenset(found)


@functools.cache
def locales() -> frozenset[str]:
    """Every locale a ``culture`` may name: Faker's Latin-printable person locales and exgen's own."""
    faker = {loc for loc in faker_locales() if loc.split("_")[0] not in _NON_LATIN}
    return frozenset(faker | set(OWN_LOCALES.values()))


def known(culture: str) -> bool:
    """True when ``culture`` is a named list or a locale exgen can draw names from.

    >>> known("korvanian"), known("hr_HR"), known("sq_AL"), known("korvania"), known("ja_JP")
    (True, True, True, False, False)
    """
    return culture in NAMED_CULTURES or culture in locales()


def candidates() -> list[str]:
    """Every known culture, named lists first, for "did you mean" hints."""
    return [*sorted(NAMED_CULTURES), *sorted(locales())]


@dataclass(frozen=True)
class PersonaSource:
    """Where a role player's invented persona comes from: a culture, or else a nation's names."""

    culture: str = ""
    nation: str = ""
    #: ``own`` (the role player's culture), ``setting`` (exercise.culture) or ``nation``.
    via: str = "nation"

    @property
    def locale(self) -> str:
        """The culture, or the nation's locale when the names follow the nation."""
        return self.culture or nation_locale(self.nation)

    def describe(self) -> str:
        """Plain words for messages: ``culture korvanian (the exercise's culture)``."""
        if self.via == "own":
            return f"its culture {self.culture}"
        if self.via == "setting":
            return f"the exercise's culture {self.culture} (it portrays a fictional actor: no nation)"
        return f"the names of nation {nation_code(self.nation)} (locale {self.locale})"


def persona_source(culture: str, nation: str, setting: str) -> PersonaSource | None:
    """The culture a role player's persona is drawn from, in the documented order.

    ``culture`` is the role player's own, ``setting`` the exercise's. A role player without a
    nation portrays a fictional actor: after its own culture it takes the exercise's. Else its
    nation's names. A fictional actor with no culture anywhere gets no invented persona (None):
    exgen never gives it a name from an unrelated nation. Unknown cultures (an error the check
    reports) are passed over.

    >>> persona_source("korvanian", "MK", "dalvoran").describe()
    'its culture korvanian'
    >>> persona_source("", "", "zelvarian").culture, persona_source("", "MK", "zelvarian").locale
    ('zelvarian', 'mk_MK')
    >>> persona_source("", "", "") is None
    True
    """
    if culture and known(culture):
        return PersonaSource(culture=culture, nation=nation, via="own")
    if not (nation or "").strip():
        if setting and known(setting):
            return PersonaSource(culture=setting, via="setting")
        return None
    return PersonaSource(nation=nation, via="nation")
