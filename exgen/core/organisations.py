"""International organisations as participants: the table of codes exgen accepts where a nation is.

A unit, role player or evaluator may belong to an international organisation or one of its
bodies, missions or operations instead of a state: ``nation: EUFOR``, ``nation: NATO``. The table
(``exgen/data/organisations.json``) gives each its code, official English name as the
organisation writes it, the short name documents print, its kind and parent, and the public
page the name was taken from. It is read lazily, once.

>>> lookup("EUFOR").short_name, lookup("EUFOR").parent
('EUFOR Althea', 'EU')
>>> lookup("HR") is None
True
"""

from __future__ import annotations

import functools
import json
import typing as t
from dataclasses import dataclass
from importlib import resources

PACKAGE = "exgen.data"
FILE = "organisations.json"
#: The kinds an entry may have.
KINDS = ("organisation", "body", "mission", "operation")


@dataclass(frozen=True)
class Organisation:
    """One international organisation, or a body, mission or operation of one."""

    code: str
    name: str
    short_name: str
    kind: str
    parent: str = ""
    source: str = ""
    licence: str = ""
    aliases: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1)
def table() -> dict[str, Organisation]:
    """Every organisation exgen knows, by code, in the table's order."""
    text = resources.files(PACKAGE).joinpath(FILE).read_text(encoding="utf-8")
    return {row["code"]: _entry(row) for row in json.loads(text)["organisations"]}


def _entry(row: dict[str, t.Any]) -> Organisation:
    return Organisation(
        code=row["code"], name=row["name"], short_name=row.get("short_name") or row["code"], kind=row["kind"],
        parent=row.get("parent") or "", source=row.get("source", ""), licence=row.get("licence", ""),
        aliases=tuple(row.get("aliases", ())),
    )


def lookup(code: str) -> Organisation | None:
    """The organisation with this code, or None (a country code, or nothing exgen knows)."""
    return table().get(code)


def is_organisation(code: str) -> bool:
    """Whether ``code`` names an organisation of the table.

    >>> is_organisation("NATO"), is_organisation("IT")
    (True, False)
    """
    return code in table()


def codes() -> t.KeysView[str]:
    """The codes of every organisation."""
    return table().keys()


@functools.lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Codes people write by habit (``OTAN``, ``JFC-NAPLES``) → the code exgen knows.

    >>> aliases()["OTAN"]
    'NATO'
    """
    return {alias: o.code for o in table().values() for alias in o.aliases}


def lineage(code: str) -> tuple[Organisation, ...]:
    """The organisation and its parents up to the top one (``EUMS`` → EUMS, EEAS, EU); empty if unknown.

    >>> [o.code for o in lineage("EUMS")]
    ['EUMS', 'EEAS', 'EU']
    """
    chain: list[Organisation] = []
    current = lookup(code)
    while current is not None and current not in chain:
        chain.append(current)
        current = lookup(current.parent) if current.parent else None
    return tuple(chain)
