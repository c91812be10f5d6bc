"""Name data exgen ships itself, and the Faker providers built from it.

Faker (pinned in pyproject.toml) has no person names for Albania, Bosnia and Herzegovina,
Kosovo, Montenegro or Serbia and silently answers with American names there. exgen ships common
given names and surnames for those nations in ``data/<nation>.txt`` (sources in README.md) and
turns each list into a Faker person provider, so ``fake.first_name_male()`` comes from them.
It also ships named cultures, invented lists for the fictional actors of its scenarios
(``data/cultures/``, :func:`cultures` lists them, :mod:`exgen.enrich.names.named` reads them).
"""

from __future__ import annotations

import functools
import re
import typing as t
from dataclasses import dataclass
from importlib import resources

from exgen.core import cultures as _cultures
from exgen.enrich.names.romanize import to_ascii

# Nations whose names come from exgen's lists → the language_COUNTRY part of their locale tag.
OWN_LOCALES: dict[str, str] = _cultures.OWN_LOCALES
# Marks a locale tag as exgen's own, so it is never handed to Faker (which would fall back to en_US).
OWN_MARK = "@exgen"
MIN_GIVEN, MIN_SURNAMES = 30, 40
_NOT_LETTER = re.compile("[^a-z]")


@dataclass(frozen=True)
class Community:
    """Names one community of a nation uses, and its weight (roughly its census share)."""

    name: str
    weight: int
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]


@dataclass(frozen=True)
class NameList:
    """A nation's communities; a persona takes given name and surname from the same one."""

    nation: str
    communities: tuple[Community, ...]

    def _all(self, attr: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for c in self.communities for n in getattr(c, attr)))

    @property
    def male(self) -> tuple[str, ...]:
        """Every male given name, all communities together."""
        return self._all("male")

    @property
    def female(self) -> tuple[str, ...]:
        """Every female given name, all communities together."""
        return self._all("female")

    @property
    def surnames(self) -> tuple[str, ...]:
        """Every surname, all communities together."""
        return self._all("surnames")


def _read(filename: str) -> str:
    """The text of ``data/<filename>`` inside this package (works from a wheel or a zip)."""
    path = resources.files(__package__).joinpath("data")
    for part in filename.split("/"):
        path = path.joinpath(part)
    return path.read_text("utf-8")


def sections(filename: str, one_per_line: bool = False) -> dict[str, list[str]]:
    """``[section]`` → its items (whitespace-separated, or one a line); ``#`` lines are comments."""
    out: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in _read(filename).splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = out.setdefault(line[1:-1], [])
        elif one_per_line:
            current.append(line)
        else:
            current.extend(line.split())
    return out


def cultures() -> list[tuple[str, str]]:
    """``(name, description)`` of every named culture exgen ships, by name (for the reference).

    Their lists: :func:`exgen.enrich.names.named.named_culture`.

    >>> [name for name, _ in cultures()][:2]
    ['dalvoran', 'korvanian']
    """
    return sorted(_cultures.NAMED_CULTURES.items())


@functools.cache
def name_list(nation: str) -> NameList:
    """exgen's own names for ``nation`` (one of :data:`OWN_LOCALES`)."""
    if nation not in OWN_LOCALES:
        raise KeyError(f"exgen ships no names for nation {nation!r}")
    parts = sections(f"{nation.lower()}.txt", one_per_line=True)
    communities = []
    for line in parts["communities"]:
        name, weight = line.split()
        communities.append(Community(name, int(weight), tuple(parts[f"{name} male"]),
                                     tuple(parts[f"{name} female"]), tuple(parts[f"{name} surname"])))
    names = NameList(nation, tuple(communities))
    if min(len(names.male), len(names.female)) < MIN_GIVEN or len(names.surnames) < MIN_SURNAMES:
        raise ValueError(f"name list for {nation} is too short")
    return names


def _person(self: t.Any, female: bool = False) -> tuple[str, str]:
    """Given name and surname from one community, chosen by weight (a provider method)."""
    rng = self.generator.random
    communities = self.communities
    community = rng.choices(communities, weights=[c.weight for c in communities])[0]
    return rng.choice(community.female if female else community.male), rng.choice(community.surnames)


def own_provider(nation: str) -> type:
    """A Faker person provider class whose every name method draws from exgen's list.

    ``first_name_male()`` and friends draw from all communities; ``exgen_person(female)`` gives
    a matching given name and surname, which is what personas use.
    """
    from faker.providers.person import Provider as PersonProvider

    names = name_list(nation)
    attrs: dict[str, t.Any] = {
        "__doc__": f"Person names for {nation} from exgen's own list.",
        "formats": ("{{first_name}} {{last_name}}",),
        "formats_male": ("{{first_name_male}} {{last_name_male}}",),
        "formats_female": ("{{first_name_female}} {{last_name_female}}",),
        "first_names_male": names.male,
        "first_names_female": names.female,
        "first_names": names.male + names.female,
        "last_names": names.surnames,
        "prefixes": (), "prefixes_male": (), "prefixes_female": (), "suffixes": (),
        "communities": names.communities,
        "exgen_person": _person,
    }
    return type(f"Exgen{nation}PersonProvider", (PersonProvider,), attrs)


def _lithuanian_female(surname: str) -> tuple[str, str]:
    """The married (-ienė) and maiden (-aitė, -ytė, -iūtė, -utė) forms of a male surname."""
    for male, married, maiden in (("ius", "ienė", "iūtė"), ("as", "ienė", "aitė"), ("ys", "ienė", "ytė"),
                                  ("is", "ienė", "ytė"), ("us", "uvienė", "utė"), ("a", "ienė", "aitė")):
        if surname.endswith(male):
            stem = surname[: -len(male)]
            return stem + married, stem + maiden
    return surname, surname


def lithuanian_provider() -> type:
    """Faker's lt_LT names split by gender (its lists mix them) with female surname forms."""
    from faker.providers.person.lt_LT import Provider as LtProvider

    firsts = tuple(dict.fromkeys(LtProvider.first_names))
    # Lithuanian grammar marks gender: men's names end in -s, women's in -a or -ė.
    male = tuple(n for n in firsts if n.endswith("s"))
    female = tuple(n for n in firsts if not n.endswith("s"))
    surnames = tuple(n for n in dict.fromkeys(LtProvider.last_names) if n != "Vsiliauskas")  # a typo upstream
    females = tuple(form for n in surnames for form in _lithuanian_female(n))
    attrs = {
        "__doc__": "lt_LT names split by gender.",
        "first_names_male": male, "first_names_female": female, "first_names": male + female,
        "last_names_male": surnames, "last_names_female": females, "last_names": surnames,
        "formats_male": ("{{first_name_male}} {{last_name_male}}",),
        "formats_female": ("{{first_name_female}} {{last_name_female}}",),
    }
    return type("ExgenLithuanianPersonProvider", (LtProvider,), attrs)


@functools.cache
def callsign_words() -> tuple[str, ...]:
    """The curated call-sign words, in file order."""
    return tuple(w for line in _read("callsign_words.txt").splitlines()
                 if (w := line.strip()) and not w.startswith("#"))


@functools.cache
def place_parts() -> dict[str, tuple[str, ...]]:
    """Syllable tables for fictional place names, by ``<style>-<part>``."""
    return {k: tuple(v) for k, v in sections("places.txt").items()}


def fold(name: str) -> str:
    """A name folded for comparison: ASCII, lower case, letters only."""
    return _NOT_LETTER.sub("", to_ascii(name).lower())


@functools.cache
def real_places() -> frozenset[str]:
    """Folded names of real places a fictional name must not equal."""
    names = {fold(line) for line in _read("real_places.txt").splitlines()
             if line.strip() and not line.startswith("#")}
    return frozenset(names | _faker_cities())


# Address providers of the region and its neighbours whose city lists are real places.
_CITY_LOCALES = ("hr_HR", "sl_SI", "mk_MK", "el_GR", "ro_RO", "hu_HU", "cs_CZ", "sk_SK", "pl_PL",
                 "uk_UA", "de_AT")


def _faker_cities() -> set[str]:
    """Folded city names from Faker's address providers for :data:`_CITY_LOCALES`."""
    import importlib

    from exgen.enrich.names.romanize import romanize

    out: set[str] = set()
    for locale in _CITY_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        except ImportError:  # pragma: no cover - a Faker without this locale
            continue
        for attr in ("cities", "city_names", "real_city_names"):
            for city in getattr(provider, attr, ()) or ():
                out.add(fold(romanize(str(city), locale)))
    out.discard("")
    return out
