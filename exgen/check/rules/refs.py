"""Rules on ids and references: every reference resolves, ids are unique, chains do not loop."""

from __future__ import annotations

import typing as t

from exgen.check.rules.base import position
from exgen.check.rules.names import file_name_key

if t.TYPE_CHECKING:
    from exgen.check.rules.base import Ctx
    from exgen.model import Exercise

# A reference: (pointer of the reference, the id it names, "inject INJ-1 is sent to", target kinds).
Ref = tuple[str, str, str, tuple[str, ...]]

UNITS, NETS, SYSTEMS, ROLE_PLAYERS = ("units",), ("nets",), ("systems",), ("role_players",)
# inject.from may name any of these, so their ids share one namespace.
SENDERS = ("role_players", "cells", "controllers", "units")
_SINGULAR = {
    "objectives": "objective", "systems": "system", "units": "unit", "nets": "net", "pace": "PACE plan",
    "constraints": "constraint", "cells": "cell", "role_players": "role player",
    "controllers": "controller", "evaluators": "evaluator", "injects": "inject", "phases": "phase",
    "main_events": "main event", "main_incidents": "main incident", "bearers": "bearer",
}
# Exchange kinds read as nouns in messages ("expects an acknowledgement from").
_EXCHANGE_NOUN = {"acknowledge": "acknowledgement"}


def noun(kinds: t.Sequence[str]) -> str:
    """``a unit``, ``an objective``, ``a role player, cell, controller or unit``.

    >>> noun(("role_players", "cells", "controllers", "units"))
    'a role player, cell, controller or unit'
    """
    names = [_SINGULAR.get(k, k) for k in kinds]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    # "a unit" (its u sounds like "you"), but "an inject", "an objective".
    return ("an " if text[:1].lower() in "aeio" else "a ") + text


def _listed(pointer: str, values: t.Sequence[str], phrase: str, kinds: tuple[str, ...]) -> t.Iterator[Ref]:
    """One reference per item of a list field at ``pointer``."""
    for i, value in enumerate(values):
        yield f"{pointer}/{i}", value, phrase, kinds


def _unit_refs(m: Exercise) -> t.Iterator[Ref]:
    for u in m.units:
        if u.parent is not None:
            yield f"{u.pointer}/parent", u.parent, f"unit {u.id} has parent", UNITS
        yield from _listed(f"{u.pointer}/systems", u.systems, f"unit {u.id} uses system", SYSTEMS)


def _net_refs(m: Exercise) -> t.Iterator[Ref]:
    for s in m.systems:
        if s.bearer is not None:
            yield f"{s.pointer}/bearer", s.bearer, f"system {s.id} rides bearer", ("bearers",)
    for n in m.nets:
        if n.bearer is not None:
            yield f"{n.pointer}/bearer", n.bearer, f"net {n.id} rides bearer", ("bearers",)
        yield from _listed(f"{n.pointer}/members", n.members, f"net {n.id} has member", UNITS)
        if n.net_control is not None:
            yield f"{n.pointer}/net_control", n.net_control, f"net {n.id} is controlled by", UNITS
        yield from _listed(f"{n.pointer}/interpreters", n.interpreters, f"net {n.id} has interpreter", ROLE_PLAYERS)
    for p in m.pace:
        yield from _listed(f"{p.pointer}/between", p.between, f"PACE plan {p.id} is between", UNITS)
        for level, net in p.levels:
            yield f"{p.pointer}/{level}", net, f"PACE plan {p.id} has {level} net", NETS
    for c in m.constraints:
        yield from _listed(f"{c.pointer}/units", c.units, f"constraint {c.id} applies to unit", UNITS)
        yield from _listed(f"{c.pointer}/nets", c.nets, f"constraint {c.id} applies to net", NETS)
        yield from _listed(f"{c.pointer}/systems", c.systems, f"constraint {c.id} applies to system", SYSTEMS)
        yield from _listed(f"{c.pointer}/bearers", c.bearers, f"constraint {c.id} applies to bearer", ("bearers",))


def _excon_refs(m: Exercise) -> t.Iterator[Ref]:
    for o in m.objectives:
        yield from _listed(f"{o.pointer}/audience", o.audience, f"objective {o.id} has audience", UNITS)
    for r in m.role_players:
        yield f"{r.pointer}/cell", r.cell, f"role player {r.id} is in cell", ("cells",)
    for c in m.controllers:
        yield f"{c.pointer}/cell", c.cell, f"controller {c.id} is in cell", ("cells",)
        yield from _listed(f"{c.pointer}/units", c.units, f"controller {c.id} controls", UNITS)
    for e in m.evaluators:
        phrase = f"evaluator {e.id} evaluates"
        yield from _listed(f"{e.pointer}/objectives", e.objectives, phrase, ("objectives",))
        yield from _listed(f"{e.pointer}/units", e.units, phrase, UNITS)


def _inject_refs(m: Exercise) -> t.Iterator[Ref]:
    for i in m.injects:
        p = i.pointer
        yield f"{p}/from", i.sender, f"inject {i.id} is sent from", SENDERS
        yield from _listed(f"{p}/to", i.to, f"inject {i.id} is sent to", UNITS)
        if i.net is not None:
            yield f"{p}/net", i.net, f"inject {i.id} is delivered on", NETS
        yield from _listed(f"{p}/objectives", i.objectives, f"inject {i.id} exercises", ("objectives",))
        if i.controller is not None:
            yield f"{p}/controller", i.controller, f"inject {i.id} is run by", ("controllers",)
        if i.incident is not None:
            yield f"{p}/incident", i.incident, f"inject {i.id} serves", ("main_incidents",)
        if i.contingency is not None:
            yield f"{p}/contingency", i.contingency, f"inject {i.id} has contingency", ("injects",)
        for ex in i.requires:
            what = _EXCHANGE_NOUN.get(ex.kind, ex.kind)
            expects = f"inject {i.id} expects {'an' if what[:1] in 'aeio' else 'a'} {what}"
            base = f"{ex.pointer}/{ex.kind}"
            yield f"{base}/from", ex.sender, f"{expects} from", UNITS
            yield f"{base}/to", ex.receiver, f"{expects} to", UNITS
            if ex.net is not None:
                yield f"{base}/net", ex.net, f"{expects} on", NETS


def _mel_refs(m: Exercise) -> t.Iterator[Ref]:
    """The exercise specification and the MEL hierarchy: audience, main events, main incidents."""
    yield from _listed("/exercise/training_audience", m.info.training_audience,
                       "the exercise's training audience lists", UNITS)
    for e in m.main_events:
        yield from _listed(f"{e.pointer}/objectives", e.objectives, f"main event {e.id} serves", ("objectives",))
    for c in m.main_incidents:
        yield f"{c.pointer}/event", c.event, f"main incident {c.id} serves", ("main_events",)
        if c.phase is not None:
            yield f"{c.pointer}/phase", c.phase, f"main incident {c.id} lies in", ("phases",)


_SOURCES = (_unit_refs, _net_refs, _excon_refs, _mel_refs, _inject_refs)


def references(m: Exercise) -> t.Iterator[Ref]:
    """Every reference in the model, in a stable order."""
    for source in _SOURCES:
        yield from source(m)


def _injects_resolve(m: Exercise) -> bool:
    """Whether every reference :func:`_inject_refs` gives names an element of its kinds, found by
    lookups alone: no pointer nor message per reference (the ten thousands of a large definition)."""
    idx = m.index
    units, nets = idx.get("units", {}), idx.get("nets", {})
    senders = {i for k in SENDERS for i in idx.get(k, ())}
    objectives, controllers = idx.get("objectives", {}), idx.get("controllers", {})
    incidents, injects = idx.get("main_incidents", {}), idx.get("injects", {})
    for i in m.injects:  # plain loops: a generator per inject would cost more than the lookups
        if i.sender not in senders:
            return False
        for u in i.to:
            if u not in units:
                return False
        for o in i.objectives:
            if o not in objectives:
                return False
        if ((i.net is not None and i.net not in nets) or (i.controller is not None and i.controller not in controllers)
                or (i.incident is not None and i.incident not in incidents)
                or (i.contingency is not None and i.contingency not in injects)):
            return False
        for ex in i.requires:
            if ex.sender not in units or ex.receiver not in units or (ex.net is not None and ex.net not in nets):
                return False
    return True


def check_references(ctx: Ctx) -> None:
    """unknown-reference: each reference names an element of the right kind."""
    m = ctx.model
    sources = (_unit_refs, _net_refs, _excon_refs, _mel_refs) if _injects_resolve(m) else _SOURCES
    for pointer, value, phrase, kinds in (ref for source in sources for ref in source(m)):
        if not ctx.exists(value, *kinds):
            msg = f"{phrase} '{value}', which is not {noun(kinds)}{ctx.hint(value, *kinds)}"
            ctx.add("unknown-reference", pointer, msg)


def _in_definition_order(items: t.Iterable[t.Any]) -> list[t.Any]:
    """Items sorted by where they were written (injects are held in time order)."""
    return sorted(items, key=lambda item: position(item.pointer))


def check_duplicate_ids(ctx: Ctx) -> None:
    """duplicate-id: ids are unique within each kind, across all files; ids that become file
    names are unique whatever their case (Windows and macOS would write one file for both)."""
    m = ctx.model
    for kind in _SINGULAR:
        items = getattr(m, kind)
        keys = [file_name_key(kind, i.id) for i in items if not (kind == "pace" and "~" in i.id)]
        if len(set(keys)) == len(keys):
            continue  # no two alike: nothing to report, no need to put them in definition order
        first: dict[str, tuple[str, str]] = {}
        for item in _in_definition_order(items):
            if kind == "pace" and "~" in item.id:
                continue  # no explicit id: the model names it after its pair
            key = file_name_key(kind, item.id)
            if key not in first:
                first[key] = (item.id, item.pointer)
                continue
            other, earlier = first[key]
            where = ctx.where(earlier + "/id")
            if other == item.id:
                msg = f"duplicate {_SINGULAR[kind]} id '{item.id}': first defined at {where}"
            else:
                msg = (f"duplicate {_SINGULAR[kind]} id '{item.id}': it differs from '{other}' (defined at {where}) "
                       "only in case, and both would name the same file on Windows and macOS")
            ctx.add("duplicate-id", f"{item.pointer}/id", msg, related=(earlier,))


def check_ambiguous_ids(ctx: Ctx) -> None:
    """ambiguous-id: units, role players, cells and controllers share one id namespace."""
    seen: dict[str, tuple[str, str]] = {}
    for kind in ("units", "role_players", "cells", "controllers"):
        for item in ctx.model.index.get(kind, {}).values():
            if item.id not in seen:
                seen[item.id] = (kind, item.pointer)
                continue
            other_kind, other = seen[item.id]
            if other_kind == kind:
                continue
            msg = (f"'{item.id}' names both {noun((other_kind,))} (at {ctx.where(other + '/id')}) and "
                   f"{noun((kind,))}; inject 'from' cannot tell them apart, rename one")
            ctx.add("ambiguous-id", f"{item.pointer}/id", msg, related=(other,))


def check_duplicate_pace(ctx: Ctx) -> None:
    """duplicate-pace: one PACE plan per pair of units, in either order."""
    first: dict[frozenset[str], str] = {}
    for p in ctx.model.pace:
        pair = frozenset(p.between)
        if pair in first:
            a, b = p.between
            msg = (f"a second PACE plan between {a} and {b}; the first is at "
                   f"{ctx.where(first[pair] + '/between')}: merge them into one")
            ctx.add("duplicate-pace", f"{p.pointer}/between", msg, related=(first[pair],))
        else:
            first[pair] = p.pointer


def cycles(order: t.Sequence[str], step: t.Callable[[str], str | None]) -> list[list[str]]:
    """Each loop of the graph where every node has at most one successor, once.

    A loop is returned starting at its node that comes first in ``order``.

    >>> cycles(["a", "b", "c", "d"], {"a": "b", "b": "c", "c": "b", "d": "d"}.get)
    [['b', 'c'], ['d']]
    """
    rank = {node: n for n, node in enumerate(order)}
    done: set[str] = set()
    found = []
    for start in order:
        path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in path:
            path[node] = len(path)
            node = step(node)
        if node is not None and node in path:
            loop = list(path)[path[node]:]
            head = min(range(len(loop)), key=lambda n: rank.get(loop[n], 0))
            found.append(loop[head:] + loop[:head])
        done.update(path)
    return found


def check_hierarchy(ctx: Ctx) -> None:
    """hierarchy-cycle: following unit parents never comes back to the start."""
    units = ctx.model.index.get("units", {})
    order = [u.id for u in ctx.model.units if units.get(u.id) is u]

    def parent(ident: str) -> str | None:
        up = units[ident].parent
        return up if up in units else None

    for loop in cycles(order, parent):
        head = units[loop[0]]
        chain = " → ".join([*loop, loop[0]])
        msg = f"unit {head.id} is its own parent" if len(loop) == 1 else f"unit hierarchy loops: {chain}"
        ctx.add("hierarchy-cycle", f"{head.pointer}/parent", msg)


def check_contingency_loops(ctx: Ctx) -> None:
    """contingency-loop: an inject's contingency chain must end."""
    injects = ctx.model.index.get("injects", {})
    # Only injects whose contingency is an inject can be on a loop (the others end a chain at once).
    order = [i.id for i in _in_definition_order(i for i in injects.values() if i.contingency in injects)]

    def contingency(ident: str) -> str | None:
        nxt = injects[ident].contingency
        return nxt if nxt in injects else None

    for loop in cycles(order, contingency):
        head = injects[loop[0]]
        chain = " → ".join([*loop, loop[0]])
        msg = (f"inject {head.id} is its own contingency" if len(loop) == 1
               else f"contingency injects loop: {chain}")
        ctx.add("contingency-loop", f"{head.pointer}/contingency", msg)


CHECKS = (check_references, check_duplicate_ids, check_ambiguous_ids, check_duplicate_pace,
          check_hierarchy, check_contingency_loops)
