"""Fictional place names that sound as if they belong in the Western Balkans.

Names are assembled from syllables (``data/places.txt``), never taken from Faker's city
providers (those are real towns), and re-drawn when they happen to equal a known real place.
"""

from __future__ import annotations

import random

from exgen.enrich.names import fold, place_parts, real_places

STYLES = ("slavic", "albanian")
_PALATAL = ("č", "š", "ž", "lj", "nj", "j")
_GENDER_INDEX = {"m": 0, "f": 1, "n": 2}


def place_name(rng: random.Random, style: str) -> str:
    """A fictional place name in ``style`` (``slavic`` or ``albanian``) drawn from ``rng``.

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
    if style == "slavic" and coda.endswith(_PALATAL) and suffix.startswith("ov"):
        suffix = "ev" + suffix[2:]  # soft consonants take -ev-, as in Đurđevac
    name = stem + coda + suffix
    if rng.random() < 0.15:
        name = _prefixed(rng, style, name, gender)
    return name


def _prefixed(rng: random.Random, style: str, name: str, gender: str) -> str:
    """``name`` with an Upper/Lower/New/Old-style prefix agreeing with its gender."""
    prefix = rng.choice(place_parts()[f"{style}-prefix"])
    if style == "albanian":
        return prefix.rstrip(":") + name
    stem, _, endings = prefix.partition(":")
    ending = endings.split(",")[_GENDER_INDEX.get(gender, 0)]
    return f"{stem}{ending} {name}"
