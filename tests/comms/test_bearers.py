"""Bearers: an outage of the network a net or system rides takes down everything over it, and a
phone (e-mail, chat...) inject that no recipient can receive over a working bearer is reported."""

from __future__ import annotations

import typing as t

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_comms import BN_LOC, DAY, HQ_LOC, FakeSources, build, iso, standard, unit, whole

from exgen.check import schema, semantic
from exgen.comms import Down, analyse
from exgen.core.diagnostics import Severity

GSM = {"id": "GSM-PUBLIC", "kind": "cellular", "name": "Public mobile network"}
TETRA = {"id": "TETRA-REGIONAL", "kind": "trunked-radio"}
FIXED = {"id": "PSTN", "kind": "landline"}


def phones(**changes: t.Any) -> dict[str, t.Any]:
    """The standard exercise plus two mobile-phone nets over a GSM handset and a TETRA net."""
    data = standard(**changes)
    data["bearers"] = changes.get("bearers", [GSM, TETRA, FIXED])
    data["systems"] = [*data["systems"],
                       {"id": "MOBILE", "kind": "phone", "bands": ["cellular"], "bearer": "GSM-PUBLIC"},
                       {"id": "TETRA-HH", "kind": "radio", "bands": ["UHF"]}]
    if "units" not in changes:
        data["units"] = [unit("HQ", ["HF-R", "VHF-R", "SAT-T", "MOBILE", "TETRA-HH"], location=HQ_LOC),
                         unit("BN", ["HF-R", "VHF-R", "SAT-T", "MOBILE", "TETRA-HH"], location=BN_LOC)]
    data["nets"] = [*data["nets"],
                    {"id": "PHONE-1", "kind": "voice", "band": "cellular", "members": ["HQ", "BN"]},
                    {"id": "PHONE-2", "kind": "voice", "band": "cellular", "members": ["HQ", "BN"]},
                    {"id": "TETRA-NET", "kind": "voice", "band": "UHF", "bearer": "TETRA-REGIONAL",
                     "members": ["HQ", "BN"]}]
    return data


def outage(cid: str, start: int, end: int, bearers: t.Sequence[str], kind: str = "outage",
           **extra: t.Any) -> dict[str, t.Any]:
    return {"id": cid, "kind": kind, "bearers": list(bearers), "start": iso(start), "end": iso(end), **extra}


def findings(data: dict[str, t.Any], code: str) -> list[tuple[str, Severity, str]]:
    found = semantic.run(data, FakeSources()).diagnostics
    return [(d.pointer, d.severity, d.message) for d in found if d.code == code]


# --- what goes down -----------------------------------------------------------------------


def test_a_second_mobile_phone_net_goes_down_with_the_gsm_network() -> None:
    pic = analyse(build(phones(constraints=[outage("OUT-GSM", 60, 180, ["GSM-PUBLIC"])])))
    for net in ("PHONE-1", "PHONE-2"):
        for u in ("HQ", "BN"):
            assert pic.down[(net, u)] == (Down(60, 180, ("OUT-GSM",)),)
            assert pic.usable[(net, u)] == whole((0, 60), (180, 2 * DAY))
    assert pic.usable[("CMD-HF", "HQ")] == whole((0, 2 * DAY))
    assert pic.usable[("TETRA-NET", "HQ")] == whole((0, 2 * DAY))
    assert pic.bearers["PHONE-1"] == ("GSM-PUBLIC",)


def test_a_net_that_names_its_bearer_goes_down_for_every_member() -> None:
    pic = analyse(build(phones(constraints=[outage("CYB-1", 10, 20, ["TETRA-REGIONAL"], kind="cyber")])))
    assert pic.down[("TETRA-NET", "HQ")] == (Down(10, 20, ("CYB-1",)),)
    assert pic.down[("TETRA-NET", "BN")] == (Down(10, 20, ("CYB-1",)),)
    assert pic.usable[("PHONE-1", "HQ")] == whole((0, 2 * DAY))
    assert pic.bearers["TETRA-NET"] == ("TETRA-REGIONAL",)


def test_a_member_with_a_phone_on_another_bearer_keeps_the_net() -> None:
    data = phones(units=[unit("HQ", ["MOBILE", "MOBILE-2"], location=HQ_LOC), unit("BN", ["MOBILE"], location=BN_LOC)])
    data["bearers"] = [GSM, TETRA, {"id": "GSM-OTHER", "kind": "cellular"}]
    data["systems"].append({"id": "MOBILE-2", "kind": "phone", "bands": ["cellular"], "bearer": "GSM-OTHER"})
    data["constraints"] = [outage("OUT-GSM", 0, 30, ["GSM-PUBLIC"])]
    pic = analyse(build(data))
    assert pic.usable[("PHONE-1", "HQ")] == whole((0, 2 * DAY))
    assert pic.usable[("PHONE-1", "BN")] == whole((30, 2 * DAY))
    assert pic.bearers["PHONE-1"] == ("GSM-OTHER", "GSM-PUBLIC")


def test_area_and_units_limit_a_bearer_outage() -> None:
    near = {**HQ_LOC, "radius_km": 10}
    data = phones(constraints=[outage("OUT-A", 0, 30, ["GSM-PUBLIC"], area=near),
                               outage("OUT-U", 100, 130, ["TETRA-REGIONAL"], units=["BN"])])
    pic = analyse(build(data))
    assert pic.usable[("PHONE-2", "HQ")] == whole((30, 2 * DAY))
    assert pic.usable[("PHONE-2", "BN")] == whole((0, 2 * DAY))
    assert pic.usable[("TETRA-NET", "HQ")] == whole((0, 2 * DAY))
    assert pic.usable[("TETRA-NET", "BN")] == whole((0, 100), (130, 2 * DAY))


def test_pace_falls_back_when_the_bearer_of_the_primary_fails() -> None:
    data = phones(constraints=[outage("OUT-GSM", 60, 120, ["GSM-PUBLIC"], intended=True)])
    data["pace"] = [{"between": ["HQ", "BN"], "primary": "PHONE-1", "alternate": "TETRA-NET"}]
    found = findings(data, "pace-degraded")
    assert [(p, s) for p, s, _ in found] == [("/pace/0/primary", Severity.INFO)]
    assert "OUT-GSM" in found[0][2] and "alternate TETRA-NET carries" in found[0][2]


# --- references and schema ------------------------------------------------------------------


def test_unknown_bearers_are_reported_with_a_suggestion() -> None:
    data = phones(constraints=[outage("OUT-1", 0, 30, ["GSM-PUBLC"])])
    data["systems"][-2]["bearer"] = "GSM-PUBLIK"
    data["nets"][-1]["bearer"] = "TETRA"
    found = findings(data, "unknown-reference")
    pointers = {p: m for p, _, m in found}
    assert set(pointers) == {"/systems/4/bearer", "/nets/6/bearer", "/constraints/0/bearers/0"}
    assert "did you mean 'GSM-PUBLIC'" in pointers["/constraints/0/bearers/0"]
    assert "which is not a bearer" in pointers["/nets/6/bearer"]


def test_duplicate_bearer_ids_are_reported() -> None:
    data = phones()
    data["bearers"] = [GSM, {"id": "GSM-PUBLIC", "kind": "landline"}]
    assert [p for p, _, _ in findings(data, "duplicate-id")] == ["/bearers/1/id"]


def test_schema_accepts_bearers_and_an_outage_of_bearers_only() -> None:
    data = phones(constraints=[outage("OUT-GSM", 60, 120, ["GSM-PUBLIC"]),
                               outage("CYB-1", 60, 120, ["GSM-PUBLIC"], kind="cyber")])
    assert schema.validate_data(data, FakeSources()) == []
    data["constraints"].append({"id": "CYB-2", "kind": "cyber", "start": iso(0), "end": iso(5)})
    data["bearers"].append({"id": "X", "kind": "pigeon"})
    found = schema.validate_data(data, FakeSources())
    assert {d.pointer for d in found} >= {"/constraints/2", "/bearers/3/kind"}


# --- injects over a bearer ------------------------------------------------------------------


def phone_inject(minute: int, to: t.Sequence[str] = ("BN",), method: str = "phone", **extra: t.Any) -> dict[str, t.Any]:
    return {"id": "INJ-1", "time": iso(minute), "from": "HQ", "to": list(to), "method": method,
            "title": "Call", **extra}


def test_a_phone_inject_during_the_gsm_outage_is_reported_at_its_method() -> None:
    data = phones(constraints=[outage("OUT-GSM", 60, 180, ["GSM-PUBLIC"])], injects=[phone_inject(90)])
    found = findings(data, "inject-bearer-down")
    assert [(p, s) for p, s, _ in found] == [("/injects/0/method", Severity.WARNING)]
    assert "by phone at D+0 07:30" in found[0][2] and "BN (GSM-PUBLIC down: OUT-GSM)" in found[0][2]


def test_a_phone_inject_outside_the_outage_or_to_a_reachable_recipient_passes() -> None:
    before = phones(constraints=[outage("OUT-GSM", 60, 180, ["GSM-PUBLIC"])], injects=[phone_inject(30)])
    assert findings(before, "inject-bearer-down") == []
    # Only HQ's area is cut off: BN still gets the call, so the inject reaches someone.
    near = {**HQ_LOC, "radius_km": 10}
    partly = phones(constraints=[outage("OUT-GSM", 60, 180, ["GSM-PUBLIC"], area=near)],
                    injects=[phone_inject(90, to=("HQ", "BN"))])
    assert findings(partly, "inject-bearer-down") == []
    inside = phones(constraints=[outage("OUT-GSM", 60, 180, ["GSM-PUBLIC"], area=near)],
                    injects=[phone_inject(90, to=("HQ",))])
    assert len(findings(inside, "inject-bearer-down")) == 1


def test_a_recipient_without_a_phone_rides_the_declared_public_bearers() -> None:
    mayor = unit("MAYOR", [], location=BN_LOC)
    base = phones(units=[unit("HQ", ["HF-R"]), unit("BN", ["HF-R"]), mayor], injects=[phone_inject(90, ("MAYOR",))])
    # Cellular and landline both declared: the call still gets through on the fixed network.
    cellular_only = {**base, "constraints": [outage("OUT-GSM", 60, 180, ["GSM-PUBLIC"])]}
    assert findings(cellular_only, "inject-bearer-down") == []
    both = {**base, "constraints": [outage("OUT-GSM", 60, 180, ["GSM-PUBLIC", "PSTN"])]}
    found = findings(both, "inject-bearer-down")
    assert len(found) == 1 and "MAYOR (GSM-PUBLIC down: OUT-GSM; PSTN down: OUT-GSM)" in found[0][2]
    # An e-mail rides internet or cellular: no internet bearer declared, so cellular alone decides.
    mail = {**both, "injects": [phone_inject(90, ("MAYOR",), method="email")]}
    assert len(findings(mail, "inject-bearer-down")) == 1
    # A letter rides nothing.
    letter = {**both, "injects": [phone_inject(90, ("MAYOR",), method="document")]}
    assert findings(letter, "inject-bearer-down") == []


def test_a_phone_without_a_bearer_is_not_judged() -> None:
    data = phones(constraints=[outage("OUT-GSM", 60, 180, ["GSM-PUBLIC", "PSTN"])],
                  injects=[phone_inject(90)])
    data["systems"].append({"id": "SAT-PHONE", "kind": "phone", "bands": ["L"]})
    data["units"][1]["systems"].append("SAT-PHONE")
    assert findings(data, "inject-bearer-down") == []


def test_an_inject_on_a_net_is_judged_on_the_net() -> None:
    data = phones(constraints=[outage("OUT-GSM", 60, 180, ["GSM-PUBLIC"])],
                  injects=[phone_inject(90, net="PHONE-2")])
    assert findings(data, "inject-bearer-down") == []
    found = findings(data, "inject-net-down")
    assert [(p, s) for p, s, _ in found] == [("/injects/0/net", Severity.WARNING)]
    assert "BN off it (OUT-GSM)" in found[0][2]


# --- property: the sweep against a brute force, bearer outages only --------------------------


@st.composite
def bearer_exercises(draw: st.DrawFn) -> dict[str, t.Any]:
    """Two to four units with phones on one of two bearers, nets that may name a bearer, and
    outages or cyber attacks on bearers, systems and nets, some limited by units or area."""
    duration = draw(st.integers(1, 60))
    bearers = [{"id": "B1", "kind": "cellular"}, {"id": "B2", "kind": "internet"}]
    systems = [{"id": f"S{i}", "kind": "phone", "bands": ["cellular"],
                **({"bearer": b} if (b := draw(st.sampled_from([None, "B1", "B2"]))) else {})} for i in range(3)]
    point = st.builds(lambda la, lo: {"lat": la, "lon": lo}, st.floats(0, 0.5), st.floats(0, 0.5))
    units = [unit(f"U{i}", draw(st.lists(st.sampled_from(["S0", "S1", "S2"]), min_size=1, max_size=3, unique=True)),
                  location=draw(st.none() | point)) for i in range(draw(st.integers(2, 4)))]
    uids = [u["id"] for u in units]
    nets = []
    for i in range(draw(st.integers(1, 3))):
        net: dict[str, t.Any] = {"id": f"N{i}", "kind": "voice", "band": "cellular",
                                 "members": draw(st.lists(st.sampled_from(uids), min_size=2, max_size=4, unique=True))}
        if draw(st.booleans()):
            net["bearer"] = draw(st.sampled_from(["B1", "B2"]))
        nets.append(net)
    constraints = []
    for i in range(draw(st.integers(0, 5))):
        start = draw(st.integers(-5, duration))
        c: dict[str, t.Any] = {"id": f"C{i}", "kind": draw(st.sampled_from(["outage", "cyber"])),
                               "start": iso(start), "end": iso(start + draw(st.integers(1, 30))),
                               "bearers": draw(st.lists(st.sampled_from(["B1", "B2"]), min_size=1, unique=True))}
        for key, pool in (("systems", ["S0", "S1", "S2"]), ("nets", [n["id"] for n in nets]), ("units", uids)):
            chosen = draw(st.lists(st.sampled_from(pool), max_size=2, unique=True))
            if chosen:
                c[key] = chosen
        area = draw(st.none() | st.builds(lambda p, r: {**p, "radius_km": r}, point, st.floats(1, 60)))
        if area:
            c["area"] = area
        constraints.append(c)
    return standard(systems=systems, units=units, nets=nets, pace=[], constraints=constraints, injects=[],
                    bearers=bearers, exercise={**standard()["exercise"], "endex": iso(duration)})


def brute(model: t.Any, net_id: str, unit_id: str, minute: int) -> tuple[str, ...]:
    """Why a member is off its net at a minute, straight from the rule as documented."""
    net, u = model.net(net_id), model.unit(unit_id)
    systems = [model.system(s) for s in dict.fromkeys(u.systems)]
    whole: set[str] = set()
    per_system: dict[str, set[str]] = {s.id: set() for s in systems}
    for c in model.constraints:
        if not (c.start <= minute < c.end) or (c.units and unit_id not in c.units):
            continue
        if c.area is not None and not c.area.covers(u.location):
            continue
        if net_id in c.nets or net.bearer in c.bearers:
            whole.add(c.id)
        for s in systems:
            if s.id in c.systems or s.bearer in c.bearers:
                per_system[s.id].add(c.id)
    if all(per_system.values()):
        whole |= set().union(*per_system.values())
    return tuple(sorted(whole))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bearer_exercises())
def test_bearer_outages_match_a_minute_by_minute_brute_force(data: dict[str, t.Any]) -> None:
    model = build(data)
    pic = analyse(model)
    for (nid, uid), spans in pic.usable.items():
        for minute in range(pic.duration):
            expected = brute(model, nid, uid, minute)
            got = next((d.constraints for d in pic.down[(nid, uid)] if d.start <= minute < d.end), ())
            assert got == expected, (nid, uid, minute)
            assert (not expected) == any(i.start <= minute < i.end for i in spans)
