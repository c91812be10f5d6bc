"""The symbol sets' entity tables (SIDC digits 11-16), as the ``military-symbol`` library ships them.

Digits 11-16 of a SIDC name what a symbol is: an entity (11-12), its type (13-14) and subtype
(15-16), each pair ``00`` when not given. The library that draws exgen's symbols carries these
tables for APP-6(D) / MIL-STD-2525D (with the 2525E additions marked) in one JSON file. It is
read here directly, once, on first use: importing the library itself costs about a second
(it pulls in numpy and scipy for drawing), and a check needs only the names.

>>> land = symbol_set("10")
>>> land.name, land.describe("140700"), land.describe("140701")
('land unit', 'protection › engineer', 'protection › engineer › mechanized engineer')
>>> land.entity("149900") is None, land.nearest("149900").code
(True, '140000')
"""

from __future__ import annotations

import functools
import importlib.util
import json
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

#: The distribution whose data file holds the tables.
LIBRARY = "military-symbol"
#: Digits 11-16 that mean "no entity": the bare frame.
NO_ENTITY = "000000"
#: Between the levels of an entity's path.
SEPARATOR = " › "


@dataclass(frozen=True)
class Entity:
    """One entity, entity type or entity subtype of a symbol set."""

    code: str  # six digits: entity, type, subtype
    names: tuple[str, ...]  # the first is the standard's; the others are the library's alternatives
    intro: str = ""  # "2525E" for entries new in MIL-STD-2525E

    @property
    def name(self) -> str:
        return self.names[0]

    @property
    def level(self) -> int:
        """0 entity, 1 entity type, 2 entity subtype."""
        return 2 if self.code[4:] != "00" else 1 if self.code[2:4] != "00" else 0


@dataclass(frozen=True, eq=False)
class SymbolSet:
    """One symbol set (SIDC digits 5-6) and its entities, in the standard's order."""

    code: str
    name: str
    entities: t.Mapping[str, Entity] = field(default_factory=dict)
    #: Subtype digits (15-16) valid under any entity type of the set (land units: 95 headquarters element …).
    special: t.Mapping[str, str] = field(default_factory=dict)
    #: False when the library does not table this set's entities (nothing can be checked against it).
    tabled: bool = True

    def entity(self, code: str) -> Entity | None:
        """The entity with digits 11-16 ``code``, or None when the set has none such."""
        found = self.entities.get(code)
        if found is None and code[4:] in self.special and code[:4] + "00" in self.entities:
            found = Entity(code, (f"{self.entities[code[:4] + '00'].name} {self.special[code[4:]]}",))
        return found

    def path(self, code: str) -> tuple[Entity, ...]:
        """The known levels of ``code`` from the entity down (fewer than three when some are 00 or unknown)."""
        steps = [code[:2] + "0000", code[:4] + "00", code]
        found: list[Entity] = []
        for step in dict.fromkeys(steps):
            if step == NO_ENTITY:
                continue
            entity = self.entity(step)
            if entity is None:
                break
            found.append(entity)
        return tuple(found)

    def nearest(self, code: str) -> Entity | None:
        """The deepest known level of ``code`` (None when even its entity is unknown)."""
        path = self.path(code)
        return path[-1] if path else None

    def describe(self, code: str) -> str:
        """``"protection › engineer"``: the names of ``code``'s levels."""
        return SEPARATOR.join(e.name for e in self.path(code)) or "no entity (frame only)"

    def children(self, code: str) -> list[Entity]:
        """The entity types of an entity, or the subtypes of a type, in table order."""
        if code[:2] == "00" or code[4:] != "00":
            return []
        prefix = code[:2] if code[2:4] == "00" else code[:4]
        depth = 1 if code[2:4] == "00" else 2
        return [e for c, e in self.entities.items() if c != code and c.startswith(prefix) and e.level == depth]


@functools.lru_cache(maxsize=1)
def tables() -> t.Mapping[str, SymbolSet]:
    """Every symbol set the library tables, by its two digits ({} when the library is not installed)."""
    path = data_file()
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_text("utf-8"))
        return _sets(raw["symbol sets"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def symbol_set(code: str) -> SymbolSet | None:
    """The symbol set with digits 5-6 ``code``, or None."""
    return tables().get(code)


def data_file() -> Path | None:
    """The library's table file, found without importing the library (None when absent)."""
    try:
        spec = importlib.util.find_spec("military_symbol")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "symbols.json"
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def library_version() -> str:
    """The library's version, from its metadata."""
    from importlib import metadata

    try:
        return metadata.version(LIBRARY)
    except metadata.PackageNotFoundError:
        return "not installed"


def _sets(raw: t.Mapping[str, t.Any]) -> dict[str, SymbolSet]:
    out = {}
    for code, body in raw.items():
        if not (isinstance(body, dict) and len(code) == 2 and code.isdigit()):
            continue
        names = _names(body)
        entities: dict[str, Entity] = {}
        for key, value in (body.get("entities") or {}).items():
            _walk(entities, f"{key}0000", value, ())
        special = {k: (_names(v) or ["special subtype"])[0]
                   for k, v in (body.get("special entity subtypes") or {}).items()}
        tabled = body.get("implemented", True) is not False and bool(entities)
        out[code] = SymbolSet(code, names[0] if names else code, entities, special, tabled)
    return out


def _walk(into: dict[str, Entity], code: str, body: t.Any, parent: tuple[str, ...]) -> None:
    """Table the entity ``code`` and its children; ``*`` in a child's name stands for its parent's name."""
    names: list[str] = []
    for name in _names(body):
        if "*" in name:
            names.extend(name.replace("*", p).strip() for p in parent[:1] or ("",))
        else:
            names.append(name)
    names = [n for n in dict.fromkeys(" ".join(n.split()) for n in names) if n]
    if not names:
        return
    intro = str(body.get("intro", "")) if isinstance(body, dict) else ""
    into[code] = Entity(code, tuple(names), intro)
    if not isinstance(body, dict):
        return
    key, depth = ("entity types", 2) if code[2:] == "0000" else ("entity subtypes", 4)
    for child, value in (body.get(key) or {}).items():
        if isinstance(child, str) and len(child) == 2 and child.isdigit() and depth == 2:
            _walk(into, f"{code[:2]}{child}00", value, tuple(names))
        elif isinstance(child, str) and len(child) == 2 and child.isdigit():
            _walk(into, f"{code[:4]}{child}", value, tuple(names))


def _names(body: t.Any) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, list):
        return [n for n in body if isinstance(n, str)]
    if isinstance(body, dict):
        names = [body["name"]] if isinstance(body.get("name"), str) else []
        for key in ("names", "alt names"):
            names.extend(n for n in body.get(key) or [] if isinstance(n, str))
        return names
    return []
