"""exgen's named cultures: invented name lists for the fictional actors of its scenarios.

Each list (``data/cultures/<name>.txt``) is one coherent naming culture of one fictional land,
written for exgen (README.md): men's and women's given names, family names and, where the
culture has them, the endings a woman's family name takes (Velkov → Velkova). The same culture
names fictional places through its style in ``data/places.txt``. Which cultures exist, and what
each names, is :data:`exgen.core.cultures.NAMED_CULTURES`.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from exgen.core.cultures import NAMED_CULTURES
from exgen.enrich.names import MIN_GIVEN, MIN_SURNAMES, sections


@dataclass(frozen=True)
class NamedCulture:
    """One named list: its given names by gender, family names and their feminine endings."""

    name: str
    description: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    families: tuple[str, ...]
    #: ``(ending, feminine ending)`` pairs, longest ending first; empty: family names do not change.
    feminine: tuple[tuple[str, str], ...]
    #: The ITU-T country code its phone numbers use (a spare one, for a fictional land).
    calling_code: str

    def family_name(self, family: str, female: bool) -> str:
        """``family`` as a woman of this culture bears it (unchanged for a man).

        >>> named_culture("korvanian").family_name("Velkov", True)
        'Velkova'
        """
        if female:
            for ending, feminine in self.feminine:
                if family.endswith(ending):
                    return family[: -len(ending)] + feminine
        return family

    @property
    def female_families(self) -> tuple[str, ...]:
        """Every family name in its feminine form."""
        return tuple(self.family_name(f, True) for f in self.families)

    def person(self, rng: random.Random, female: bool) -> tuple[str, str]:
        """A given name and a family name (in the form of the gender), drawn from ``rng``."""
        given = rng.choice(self.female if female else self.male)
        return given, self.family_name(rng.choice(self.families), female)


@functools.cache
def named_culture(name: str) -> NamedCulture:
    """The named list ``name`` (one of :func:`exgen.enrich.names.cultures`); KeyError for any other."""
    if name not in NAMED_CULTURES:
        raise KeyError(f"exgen ships no culture named {name!r}")
    parts = sections(f"cultures/{name}.txt", one_per_line=True)
    feminine = tuple(sorted((tuple(line.split()) for line in parts.get("feminine", ())),
                            key=lambda pair: -len(pair[0])))
    culture = NamedCulture(
        name=name, description=NAMED_CULTURES[name], male=tuple(parts["male"]), female=tuple(parts["female"]),
        families=tuple(parts["family"]), feminine=_pairs(feminine), calling_code=parts["phone"][0],
    )
    if min(len(culture.male), len(culture.female)) < MIN_GIVEN or len(culture.families) < MIN_SURNAMES:
        raise ValueError(f"named culture {name} is too short")
    return culture


def _pairs(pairs: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, str], ...]:
    """Each ``(ending, feminine)`` line as a pair; a line without two words is a data error."""
    out = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"a [feminine] line needs an ending and its feminine form: {' '.join(pair)!r}")
        out.append((pair[0], pair[1]))
    return tuple(out)
