"""Property test: required exchanges (transit, receive-only EMCON) against a minute-by-minute oracle.

The oracle below is written for plainness, not speed: for every minute it asks, from the
definition alone, whether the sender may transmit and the receiver hear on each net, and
sends the message at the first minute both hold. exgen's event sweep must agree with it on
every verdict (on time or not), on how late the earliest arrival is, on which diagnostics it
reports, and on the direction-aware PACE timelines.
"""

from __future__ import annotations

import typing as t

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_comms import FakeSources, build, iso, standard, unit

from exgen.check.comms_delivery import length
from exgen.check.comms_findings import diagnose
from exgen.comms import analyse
from exgen.comms.delivery import exchange_delivery

if t.TYPE_CHECKING:
    from exgen.model import Exchange, Exercise, Inject, Net

IDS = st.sampled_from


class Oracle:
    """The rules for transit and direction, minute by minute, straight from the definition."""

    def __init__(self, model: Exercise) -> None:
        self.m = model
        self.duration = max(0, model.info.duration)

    @staticmethod
    def courier(net: Net) -> bool:
        return net.kind == "courier" or net.band == "courier"

    def carriers(self, net: Net, unit_id: str) -> list[t.Any]:
        """The unit's systems that carry the net (for a courier net: its systems on band courier)."""
        unit = self.m.unit(unit_id)
        if unit is None:
            return []
        held = [s for s in (self.m.system(i) for i in unit.systems) if s is not None]
        return [s for s in held if ("courier" if self.courier(net) else net.band) in s.bands]

    def can(self, net_id: str, unit_id: str, minute: int) -> tuple[bool, bool]:
        """(may transmit, may receive) for one member at one minute."""
        net, unit = self.m.net(net_id), self.m.unit(unit_id)
        if net is None or unit is None or unit_id not in net.members:
            return False, False
        courier = self.courier(net)
        if not courier and not self.carriers(net, unit_id):
            return False, False
        send = receive = True
        for c in self.m.constraints:
            if not (c.start <= minute < c.end) or not (c.area is None or c.area.covers(unit.location)):
                continue
            if c.kind == "jamming" and not courier and net.band in c.bands:
                send = receive = False
            if c.kind == "emcon" and not courier and unit_id in c.units and (not c.bands or net.band in c.bands):
                send = False
                if c.receive is False:
                    receive = False
            if c.kind in ("outage", "cyber") and (not c.units or unit_id in c.units) and (
                    net_id in c.nets or (net.bearer is not None and net.bearer in c.bearers)):
                send = receive = False
        # A bearer outage takes down each system riding it: off the net when every carrier is down.
        if not courier and all(self.system_down(s, unit, minute) for s in self.carriers(net, unit_id)):
            send = receive = False
        return send, receive

    def system_down(self, system: t.Any, unit: t.Any, minute: int) -> bool:
        """Whether an outage or cyber attack on the system or its bearer holds it down for the unit."""
        return any(c.kind in ("outage", "cyber") and c.start <= minute < c.end
                   and (not c.units or unit.id in c.units) and (c.area is None or c.area.covers(unit.location))
                   and (system.id in c.systems or (system.bearer is not None and system.bearer in c.bearers))
                   for c in self.m.constraints)

    def transit(self, net_id: str) -> int:
        net = self.m.net(net_id)
        assert net is not None
        if net.transit is not None:
            return net.transit
        times = [s.transit for u in net.members for s in self.carriers(net, u) if s.transit is not None]
        return max(times, default=0)

    def nets_for(self, ex: Exchange) -> list[str]:
        if ex.net:
            return [ex.net]
        planned = [nid for p in self.m.pace if set(p.between) == {ex.sender, ex.receiver}
                   for _, nid in p.levels if self.m.net(nid) is not None]
        if planned:
            return list(dict.fromkeys(planned))
        return [n.id for n in self.m.nets if ex.sender in n.members and ex.receiver in n.members]

    def verdict(self, inj: Inject, ex: Exchange) -> tuple[bool, int | None] | str | None:
        """(on time, minutes late or None without any route); "no route"; None when not judged."""
        a, b = ex.sender, ex.receiver
        if a == b or self.m.unit(a) is None or self.m.unit(b) is None:
            return None
        if ex.net is not None and self.m.net(ex.net) is None:
            return None
        nets = self.nets_for(ex)
        if not nets:
            return "no route"
        start, deadline = max(inj.time, 0), inj.time + ex.within
        if start >= self.duration or deadline < start:
            return None
        arrivals = []
        for nid in nets:
            for minute in range(start, self.duration):
                if self.can(nid, a, minute)[0] and self.can(nid, b, minute)[1]:
                    arrivals.append(minute + self.transit(nid))
                    break
        if not arrivals:
            return False, None
        first = min(arrivals)
        return first <= deadline, max(0, first - deadline)

    def level(self, plan: t.Any, minute: int) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        """The highest level working both ways, and the levels above it working one way."""
        a, b = plan.between
        one_way = []
        for level, nid in plan.levels:
            if self.m.net(nid) is None:
                continue
            (a_tx, a_rx), (b_tx, b_rx) = self.can(nid, a, minute), self.can(nid, b, minute)
            if a_tx and b_tx:
                return level, tuple(one_way)
            if a_tx and b_rx:
                one_way.append((level, a))
            elif b_tx and a_rx:
                one_way.append((level, b))
        return None, tuple(one_way)


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, t.Any]:
    """2-5 units, 2-4 nets (the first a courier), PACE plans, 1-4 constraints, injects with requires."""
    duration = draw(st.integers(1, 240))
    minutes = st.integers(1, 90).map(lambda m: f"{m}m")
    systems: list[dict[str, t.Any]] = [
        {"id": f"S{i}", "kind": "radio", "bands": draw(st.lists(IDS(["HF", "VHF"]), min_size=1, unique=True))}
        for i in range(draw(st.integers(1, 3)))]
    systems.append({"id": "DR", "kind": "courier", "bands": ["courier"]})
    for s in systems:
        if draw(st.integers(0, 2)) == 0:
            s["transit"] = draw(st.sampled_from(["0m", "5m", "20m", "45m", "1h10m"]))
        if draw(st.integers(0, 2)) == 0:
            s["bearer"] = draw(IDS(["B1", "B2"]))
    unit_ids = [f"U{i}" for i in range(draw(st.integers(2, 5)))]
    point = st.builds(lambda la, lo: {"lat": la, "lon": lo}, st.floats(0, 0.5), st.floats(0, 0.5))
    units = [unit(u, draw(st.lists(IDS([s["id"] for s in systems]), min_size=1, max_size=3, unique=True)), (),
                  draw(st.none() | point)) for u in unit_ids]
    # Most units on most nets, so that plans and exchanges mostly have a net to judge.
    members = st.lists(st.booleans() | st.just(True), min_size=len(unit_ids), max_size=len(unit_ids)).map(
        lambda keep: [u for u, k in zip(unit_ids, keep, strict=True) if k]).filter(lambda m: len(m) >= 2)
    nets: list[dict[str, t.Any]] = [{"id": "RUN", "kind": "courier", "members": draw(members)}]
    if draw(st.booleans()):
        nets[0]["transit"] = draw(minutes)
    for i in range(draw(st.integers(1, 3))):
        net = {"id": f"N{i}", "kind": draw(IDS(["voice", "data"])), "band": draw(IDS(["HF", "VHF"])),
               "members": draw(members)}
        if draw(st.integers(0, 3)) == 0:
            net["transit"] = draw(minutes)
        if draw(st.integers(0, 3)) == 0:
            net["bearer"] = draw(IDS(["B1", "B2"]))
        nets.append(net)
    net_ids = [n["id"] for n in nets]
    pace = []
    for _ in range(draw(st.integers(0, 3))):
        levels = draw(st.lists(IDS(net_ids), min_size=1, max_size=4))
        # Mostly two units of the primary net, so that the plan has something to lose.
        on_primary = next(n["members"] for n in nets if n["id"] == levels[0])
        a, b = draw(st.lists(IDS(on_primary), min_size=2, max_size=2, unique=True)
                    | st.lists(IDS(unit_ids), min_size=2, max_size=2, unique=True))
        pace.append({"between": [a, b], **dict(zip(["primary", "alternate", "contingency", "emergency"], levels,
                                                       strict=False))})
    constraints = []
    for i in range(draw(st.integers(1, 4))):
        start = draw(st.integers(-10, duration))
        kind = draw(IDS(["jamming", "emcon", "emcon", "outage", "cyber"]))
        c: dict[str, t.Any] = {"id": f"C{i}", "kind": kind, "start": iso(start),
                               "end": iso(start + draw(st.integers(1, 120)))}
        if kind == "jamming":
            c["bands"] = draw(st.lists(IDS(["HF", "VHF", "courier"]), min_size=1, unique=True))
        elif kind == "emcon":
            c["units"] = draw(st.lists(IDS(unit_ids), min_size=1, max_size=3, unique=True))
            if draw(st.booleans()):
                c["bands"] = draw(st.lists(IDS(["HF", "VHF"]), min_size=1, unique=True))
            receive = draw(st.sampled_from([None, True, False, False]))
            if receive is not None:
                c["receive"] = receive
        else:
            c["nets"] = draw(st.lists(IDS(net_ids), max_size=2, unique=True))
            c["bearers"] = draw(st.lists(IDS(["B1", "B2"]), min_size=0 if c["nets"] else 1, unique=True))
            if draw(st.booleans()):
                c["units"] = draw(st.lists(IDS(unit_ids), min_size=1, max_size=2, unique=True))
        if draw(st.integers(0, 3)) == 0:
            c["area"] = {**draw(point), "radius_km": draw(st.floats(1, 40))}
        constraints.append(c)
    injects = []
    for i in range(draw(st.integers(1, 4))):
        requires = []
        for _ in range(draw(st.integers(1, 3))):
            pair = st.lists(IDS(unit_ids), min_size=2, max_size=2)
            a, b = draw(st.lists(IDS(unit_ids), min_size=2, max_size=2, unique=True) | pair)  # now and then to itself
            body: dict[str, t.Any] = {"from": a, "to": b, "within": draw(minutes)}
            if draw(st.integers(0, 3)) == 0:
                body["net"] = draw(IDS(net_ids))
            requires.append({draw(IDS(["report", "order", "request"])): body})
        when = draw(st.integers(0, duration - 1) | st.integers(-5, duration + 5))
        injects.append({"id": f"I{i}", "time": iso(when), "from": "RP",
                        "to": [unit_ids[0]], "method": "phone", "title": "t", "requires": requires})
    return standard(systems=systems, units=units, nets=nets, pace=pace, constraints=constraints, injects=injects,
                    bearers=[{"id": "B1", "kind": "cellular"}, {"id": "B2", "kind": "internet"}],
                    exercise={**standard()["exercise"], "endex": iso(duration)})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definitions())
def test_exchanges_match_the_minute_by_minute_oracle(data: dict[str, t.Any]) -> None:
    model = build(data)
    pic = analyse(model)
    ref = Oracle(model)
    found = {d.pointer: d for d in diagnose(pic, model, FakeSources()) if d.pointer.startswith("/injects/")}
    for inj in model.injects:
        for ex in inj.requires:
            expected = ref.verdict(inj, ex)
            got = exchange_delivery(pic, model, inj, ex)
            if expected is None:
                assert got is None, ex
                assert ex.pointer not in found
            elif expected == "no route":
                assert got is not None and got.routes == (), ex
                assert "no net or PACE plan connects" in found[ex.pointer].message
            else:
                assert got is not None and (got.on_time, got.late) == expected, (ex, got)
                assert (ex.pointer in found) == (not got.on_time), ex
                if not got.on_time and got.late is not None:
                    assert f"{length(got.late)} after the deadline" in found[ex.pointer].message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definitions())
def test_direction_matches_the_oracle_minute_by_minute(data: dict[str, t.Any]) -> None:
    model = build(data)
    pic = analyse(model)
    ref = Oracle(model)
    plans = {p.pointer: p for p in model.pace}
    for minute in range(pic.duration):
        for (nid, uid), spans in pic.usable.items():
            tx, rx = ref.can(nid, uid, minute)
            assert tx == any(s.start <= minute < s.end for s in spans), (nid, uid, minute)
            assert rx == any(s.start <= minute < s.end for s in pic.receiving((nid, uid))), (nid, uid, minute)
        for tl in pic.pairs:
            seg = tl.at(minute)
            assert seg is not None
            assert (seg.level, seg.one_way) == ref.level(plans[tl.pointer], minute), (tl.pace_id, minute)
