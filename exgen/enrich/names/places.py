"""Fictional place names that sound as if they belong in the Western Balkans, or in the
fictional land of one of exgen's named cultures (``korvanian``, ``dalvoran``...).

Names are assembled from syllables (``data/places.txt``, one style per section prefix), never
taken from Faker's city providers (those are real towns), and re-drawn when they happen to
equal a known real place.
"""

from __future__ import annotations

import random

from exgen.enrich.names import fold, place_parts, real_places

_PALATAL = ("č", "š", "ž", "lj", "nj", "j", "zh", "sh", "ch")
_SOFTENING = frozenset({"slavic", "korvanian"})  # styles whose -ov- becomes -ev- after a soft consonant
_GENDER_INDEX = {"m": 0, "f": 1, "n": 2}


def styles() -> tuple[str, ...]:
    """Every place-name style ``data/places.txt`` defines, in file order.

    >>> styles()[:2], "korvanian" in styles()
    (('slavic', 'albanian'), True)
    """
    return tuple(dict.fromkeys(key.rsplit("-", 1)[0] for key in place_parts()))


STYLES = styles()


def place_name(rng: random.Random, style: str) -> str:
    """A fictional place name in ``style`` (``slavic``, ``albanian`` or a named culture) from ``rng``.

    >>> place_name(random.Random(7), "slavic") == place_name(random.Random(7), "slavic")
    True
    """
    if style not in STYLES:
        raise ValueError(f"unknown place-name style {style!r}")
    real = real_places()
    while True:
        name = _compose(rng, style)
        if fold(name) not in real:
            return name


def _compose(rng: random.Random, style: str) -> str:
    """One candidate name: onset, vowel, optional second syllable, coda, suffix, maybe a prefix."""
    parts = place_parts()
    stem = rng.choice(parts[f"{style}-onset"]) + rng.choice(parts[f"{style}-vowel"])
    if rng.random() < 0.4:
        stem += rng.choice(parts[f"{style}-inner"]) + rng.choice(parts[f"{style}-vowel"])
    coda = rng.choice(parts[f"{style}-coda"])
    suffix, _, gender = rng.choice(parts[f"{style}-suffix"]).partition(":")
    if style in _SOFTENING and coda.endswith(_PALATAL) and suffix.startswith("ov"):
        suffix = "ev" + suffix[2:]  # soft consonants take -ev-, as in Đurđevac
    name = stem + coda + suffix
    if rng.random() < 0.15:
        name = _prefixed(rng, style, name, gender)
    return name


def _prefixed(rng: random.Random, style: str, name: str, gender: str) -> str:
    """``name`` with a prefix: an Upper/Lower/New/Old-style adjective agreeing with its gender
    (``Gornj:i,a,e``), or a word joined as it is (``Fushë-:``, ``Port_:``; ``_`` is a space)."""
    prefix = rng.choice(place_parts()[f"{style}-prefix"])
    stem, _, endings = prefix.partition(":")
    stem = stem.replace("_", " ")
    if not endings:
        return stem + name
    ending = endings.split(",")[_GENDER_INDEX.get(gender, 0)]
    return f"{stem}{ending} {name}"
