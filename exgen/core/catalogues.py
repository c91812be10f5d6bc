"""Threat catalogues: the DISARM Red Framework and MITRE ATT&CK id tables shipped with exgen.

Definitions write catalogue ids with a prefix (``DISARM:T0023``, ``ATTACK:T1486``) because
DISARM and ATT&CK for ICS both use ``T0xxx``. The tables are read lazily, once, from the
package data in ``exgen.data.catalogues`` (see its README.md for sources and licences).

>>> lookup("ATTACK:T1566.001").name
'Spearphishing Attachment'
>>> lookup("DISARM:T9999") is None
True
"""

from __future__ import annotations

import csv
import functools
import io
import typing as t
from dataclasses import dataclass
from importlib import resources

PACKAGE = "exgen.data.catalogues"
# Prefix → file in the package data.
FILES = {"DISARM": "disarm-red.csv", "ATTACK": "attack.csv"}
ATTRIBUTION = {
    "DISARM": "DISARM Red Framework by DISARM Foundation, CC BY-SA 4.0",
    # The MITRE licence requires this exact sentence on every copy.
    "ATTACK": "© 2025 The MITRE Corporation. This work is reproduced and distributed with the "
    "permission of The MITRE Corporation. ATT&CK® is a registered trademark of The MITRE Corporation.",
}


@dataclass(frozen=True)
class Entry:
    """One tactic, technique or sub-technique of a catalogue."""

    id: str
    catalogue: str
    name: str
    kind: str
    tactics: tuple[str, ...] = ()
    domain: str = ""

    @property
    def prefixed(self) -> str:
        """The id as definitions write it, e.g. ``DISARM:T0023``."""
        return f"{self.catalogue}:{self.id}"


def split(prefixed_id: str) -> tuple[str, str]:
    """``("DISARM", "T0023")`` for ``DISARM:T0023``; an unprefixed id gives ``("", id)``.

    >>> split("ATTACK:T1486")
    ('ATTACK', 'T1486')
    """
    catalogue, sep, ident = prefixed_id.partition(":")
    return (catalogue, ident) if sep else ("", prefixed_id)


@functools.cache
def entries(catalogue: str) -> dict[str, Entry]:
    """Every entry of ``catalogue`` (``DISARM`` or ``ATTACK``) by unprefixed id; empty if unknown."""
    name = FILES.get(catalogue)
    if name is None:
        return {}
    text = resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return {row["id"]: _entry(catalogue, row) for row in csv.DictReader(io.StringIO(text))}


def _entry(catalogue: str, row: dict[str, str]) -> Entry:
    """An Entry from a CSV row; DISARM has one ``tactic``, ATT&CK ``;``-separated ``tactics``."""
    raw = row.get("tactics") or row.get("tactic") or ""
    tactics = tuple(x for x in raw.split(";") if x)
    return Entry(row["id"], catalogue, row["name"], row["kind"], tactics, row.get("domain", ""))


def lookup(prefixed_id: str) -> Entry | None:
    """The entry for ``DISARM:…`` or ``ATTACK:…``, or None when the catalogue has no such id."""
    catalogue, ident = split(prefixed_id)
    return entries(catalogue).get(ident)


def catalogues() -> t.Iterable[str]:
    """The catalogue prefixes exgen knows."""
    return FILES.keys()
