"""Languages on voice nets: mutually intelligible groups and interpreters.

A unit follows a voice net when it speaks the net's language (or, when the net sets none, the
language most members speak) or one mutually intelligible with it. The groups come from the
shipped, sourced table ``exgen/data/language_groups.json``: Bosnian, Croatian, Montenegrin and
Serbian (bs, cnr, hr, sh, sr); Czech and Slovak; Norwegian (no, nb, nn). Close pairs that do not
meet the bar for a voice net (Bulgarian and Macedonian, the Scandinavian languages...) are listed
there as not grouped, with the reason.

Where a unit does not follow the net, an interpreter on the net closes the gap when it interprets
between the net's language and one the unit speaks (both up to intelligibility): a member unit
with ``interprets`` that can use the net itself, or a role player (an EXCON-played liaison
officer, say) that the net lists under ``interpreters``.

>>> intelligible("sr", "cnr"), intelligible("cs", "sk"), intelligible("bg", "mk")
(True, True, False)
>>> pair(("sq", "en"))
'sq ↔ en'
"""

from __future__ import annotations

import functools
import json
import typing as t
from collections import Counter
from dataclasses import dataclass
from importlib import resources

from exgen.comms.picture import COURIER

if t.TYPE_CHECKING:
    from exgen.model import Exercise, Net, Unit

PACKAGE = "exgen.data"
FILE = "language_groups.json"

#: How the analysis asks whether a unit's systems carry a net: ``(systems, why not)``, as
#: ``exgen.comms.analysis._fitting_systems`` answers it.
Fits = t.Callable[["Net", "Unit", "Exercise"], tuple[t.Any, "str | None"]]


@dataclass(frozen=True)
class Source:
    title: str
    url: str = ""


@dataclass(frozen=True)
class Group:
    """Languages whose speakers follow each other on a voice net."""

    id: str
    name: str
    languages: tuple[str, ...]
    basis: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class NotGrouped:
    """Close languages deliberately left apart, and why."""

    languages: tuple[str, ...]
    reason: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Interpreter:
    """Someone on a net who interprets between ``languages``: a member unit or a role player."""

    id: str
    kind: str  # "unit" or "role player"
    languages: tuple[str, ...]
    name: str = ""

    def covers(self, target: str, spoken: t.Iterable[str]) -> bool:
        """Whether it interprets between the language ``target`` (a :func:`kin` key) and one of ``spoken``."""
        keys = {kin(x) for x in self.languages}
        return target in keys and any(kin(x) in keys for x in spoken)


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, t.Any]:
    return t.cast("dict[str, t.Any]", json.loads(resources.files(PACKAGE).joinpath(FILE).read_text("utf-8")))


def _sources(row: dict[str, t.Any]) -> tuple[Source, ...]:
    return tuple(Source(s["title"], s.get("url", "")) for s in row.get("sources", ()))


@functools.lru_cache(maxsize=1)
def groups() -> tuple[Group, ...]:
    """The mutually intelligible groups, in the table's order."""
    return tuple(Group(g["id"], g["name"], tuple(g["languages"]), g.get("basis", ""), _sources(g))
                 for g in _table()["groups"])


def not_grouped() -> tuple[NotGrouped, ...]:
    """The close languages the table deliberately keeps apart."""
    return tuple(NotGrouped(tuple(n["languages"]), n.get("reason", ""), _sources(n))
                 for n in _table().get("not_grouped", ()))


@functools.lru_cache(maxsize=1)
def _group_of() -> dict[str, Group]:
    return {code: g for g in groups() for code in g.languages}


def group(code: str) -> Group | None:
    """The group ``code`` belongs to, or None."""
    return _group_of().get(code)


def kin(code: str) -> str:
    """A key equal for mutually intelligible languages: ``bs+cnr+hr+sh+sr`` for a grouped code, else the code."""
    g = _group_of().get(code)
    return "+".join(g.languages) if g else code


def intelligible(a: str, b: str) -> bool:
    """Whether speakers of ``a`` and ``b`` follow each other on a voice net."""
    return a == b or kin(a) == kin(b)


def pair(languages: t.Sequence[str]) -> str:
    """How the comms plan writes what an interpreter covers: ``sq ↔ en``."""
    return " ↔ ".join(languages)


def spoken(unit: Unit) -> tuple[str, ...]:
    """The languages a unit works in: its languages, then those it interprets."""
    return tuple(dict.fromkeys((*unit.languages, *unit.interprets)))


def interpreters(net: Net, model: Exercise) -> tuple[Interpreter, ...]:
    """Who interprets on the net: member units with ``interprets``, then the role players the net
    lists under ``interpreters`` (with or without languages; unknown ids are skipped)."""
    out: list[Interpreter] = []
    for uid in dict.fromkeys(net.members):
        unit = model.unit(uid)
        if unit is not None and unit.interprets:
            out.append(Interpreter(unit.id, "unit", unit.interprets, unit.name))
    for rid in dict.fromkeys(net.interpreters):
        rp = model.get("role_players", rid)
        if rp is not None:
            out.append(Interpreter(rp.id, "role player", tuple(rp.interprets), rp.portrays))
    return tuple(out)


def language_gaps(net: Net, units: list[Unit], model: Exercise, fits: Fits) -> dict[str, str]:
    """Unit id -> why it cannot follow a voice net (units declaring no languages are not judged)."""
    speakers = [(u, spoken(u)) for u in units if u.languages or u.interprets]
    if net.kind != "voice" or not speakers:
        return {}
    if net.language:
        target = net.language
        others = _others(target)
        why = f"it does not speak the net language {target}" + (
            f" or one intelligible with it ({', '.join(others)})" if others else "")
    else:
        keys = [{kin(x) for x in langs} for _, langs in speakers]
        if set.intersection(*keys):
            return {}
        # No shared language: the one most members speak becomes the yardstick (ties: working language, then A-Z).
        working = model.info.working_language
        counts = Counter(k for ks in keys for k in ks)
        named = {_most_spoken(k, [langs for _, langs in speakers], working): k for k in counts}
        target = max(sorted(named), key=lambda x: (counts[named[x]], named[x] == kin(working)))
        others = _others(target)
        also = f" (or {', '.join(others)})" if others else ""
        why = (f"the net sets no language, its members share none, and it does not speak {target}{also} "
               "like most of them")
    aim = kin(target)
    lacking = [(u, langs) for u, langs in speakers if aim not in {kin(x) for x in langs}]
    if not lacking:
        return {}
    present = interpreters(net, model)
    able = {i.id for i in present if i.kind != "unit" or _usable(net, i.id, model, fits)}
    helpers = [i for i in present if i.id in able]
    out: dict[str, str] = {}
    for unit, langs in lacking:
        if not any(i.covers(aim, langs) for i in helpers):
            out[unit.id] = (f"{why} (it speaks {', '.join(langs)}), and no one on the net interprets "
                            f"{'/'.join(langs)} ↔ {target}{_tried(present, able)}")
    return out


def _others(code: str) -> list[str]:
    """The other languages of ``code``'s group, A-Z."""
    g = group(code)
    return sorted(x for x in g.languages if x != code) if g else []


def _most_spoken(key: str, spoken_by: list[tuple[str, ...]], working: str) -> str:
    """The code of group ``key`` most members speak (ties: the working language, then A-Z)."""
    counts = Counter(x for langs in spoken_by for x in set(langs) if kin(x) == key)
    return max(sorted(counts), key=lambda x: (counts[x], x == working))


def _usable(net: Net, uid: str, model: Exercise, fits: Fits) -> bool:
    """Whether a member unit can use the net's systems at all (couriers need none)."""
    unit = model.unit(uid)
    return unit is not None and (net.band == COURIER or fits(net, unit, model)[1] is None)


def _tried(present: tuple[Interpreter, ...], able: set[str]) -> str:
    """The interpreters the net has, and why none of them helps: `` (RP-X interprets sq ↔ it)``."""
    notes = []
    for i in present:
        if not i.languages:
            notes.append(f"{i.id} is listed as an interpreter but declares no languages in 'interprets'")
        elif i.id not in able:
            notes.append(f"{i.id} interprets {pair(i.languages)} but cannot use the net")
        else:
            notes.append(f"{i.id} interprets {pair(i.languages)}")
    return f" ({'; '.join(notes)})" if notes else ""
