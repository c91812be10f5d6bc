"""Rules on coverage (is every objective exercised and evaluated?) and on consistency between
elements that each look right alone (PACE nets, net control, contingencies)."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from exgen.check.rules.base import Ctx


def check_objectives(ctx: Ctx) -> None:
    """objective-not-exercised / objective-not-evaluated: each objective has injects and an evaluator."""
    m = ctx.model
    exercised = {o for i in m.injects for o in i.objectives}
    evaluated = {o for e in m.evaluators for o in e.objectives}
    for o in m.objectives:
        if o.id not in exercised:
            msg = f"no inject exercises objective {o.id} ('{o.title}'); list it in an inject's objectives"
            ctx.add("objective-not-exercised", f"{o.pointer}/id", msg)
        if o.id not in evaluated:
            msg = f"no evaluator evaluates objective {o.id} ('{o.title}'); list it under an evaluator"
            ctx.add("objective-not-evaluated", f"{o.pointer}/id", msg)


def check_audience_injects(ctx: Ctx) -> None:
    """unit-without-inject: every training-audience unit receives at least one inject."""
    receiving = {u for i in ctx.model.injects for u in i.to}
    for u in ctx.model.units:
        if u.role == "training-audience" and u.id not in receiving:
            msg = f"training-audience unit {u.id} receives no inject, so it is not trained"
            ctx.add("unit-without-inject", f"{u.pointer}/id", msg)


def check_inject_to_self(ctx: Ctx) -> None:
    """inject-to-self: a unit does not send an inject to itself."""
    for i in ctx.model.injects:
        if ctx.model.unit(i.sender) is None:
            continue
        for j, receiver in enumerate(i.to):
            if receiver == i.sender:
                msg = f"inject {i.id} is sent from unit {i.sender} to itself"
                ctx.add("inject-to-self", f"{i.pointer}/to/{j}", msg)


def check_contingency_timing(ctx: Ctx) -> None:
    """contingency-before-trigger: a contingency comes after the inject whose action it awaits."""
    m = ctx.model
    for i in m.injects:
        follow = m.get("injects", i.contingency)
        if follow is None or follow.id == i.id:
            continue  # unknown-reference and contingency-loop say these
        if follow.time <= i.time:
            msg = (f"inject {i.id} at {m.dtime(i.time)} has contingency {follow.id} at "
                   f"{m.dtime(follow.time)}, which is not after it")
            ctx.add("contingency-before-trigger", f"{i.pointer}/contingency", msg)


def check_pace_nets(ctx: Ctx) -> None:
    """pace-net-not-shared: each PACE level's net has both units of the pair as members."""
    m = ctx.model
    for p in m.pace:
        if not all(m.unit(u) for u in p.between):
            continue  # unknown-reference says it
        for level, net_id in p.levels:
            net = m.net(net_id)
            if net is None:
                continue
            missing = [u for u in p.between if u not in net.members]
            if missing:
                msg = (f"PACE plan {p.id}: {level} net {net.id} does not include "
                       f"{' and '.join(missing)}, so it cannot link {p.between[0]} and {p.between[1]}")
                ctx.add("pace-net-not-shared", f"{p.pointer}/{level}", msg)


def check_net_control(ctx: Ctx) -> None:
    """net-control-not-member: a net's control station is on the net."""
    for n in ctx.model.nets:
        if n.net_control is not None and ctx.model.unit(n.net_control) and n.net_control not in n.members:
            msg = f"net {n.id} is controlled by {n.net_control}, which is not one of its members"
            ctx.add("net-control-not-member", f"{n.pointer}/net_control", msg)


def check_inject_nets(ctx: Ctx) -> None:
    """inject-net-not-member: the recipients of an inject delivered on a net are on that net."""
    m = ctx.model
    for i in m.injects:
        net = m.net(i.net) if i.net is not None else None
        if net is None:
            continue
        missing = [u for u in dict.fromkeys(i.to) if m.unit(u) and u not in net.members]
        if missing:
            who = " and ".join(missing)
            msg = f"inject {i.id} is delivered on net {net.id}, but {who} {_be(missing)} not on that net"
            ctx.add("inject-net-not-member", f"{i.pointer}/net", msg)


def _be(items: t.Sized) -> str:
    return "is" if len(items) == 1 else "are"


CHECKS = (check_objectives, check_audience_injects, check_inject_to_self, check_contingency_timing,
          check_pace_nets, check_net_control, check_inject_nets)
