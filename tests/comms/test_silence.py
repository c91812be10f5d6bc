"""Silence is a finding: a constraint that affects nothing, and an inject that no recipient can
receive at its time, are reported where they are written."""

from __future__ import annotations

import typing as t

import pytest
from test_comms import BN_LOC, DAY, HQ_LOC, FakeSources, iso, jam, standard, unit

from exgen.check import semantic
from exgen.core.diagnostics import Severity

FAR = {"lat": HQ_LOC["lat"] + 3, "lon": HQ_LOC["lon"], "radius_km": 20}
NEAR_HQ = {**HQ_LOC, "radius_km": 10}


def findings(data: dict[str, t.Any], code: str) -> list[tuple[str, Severity, str]]:
    return [(d.pointer, d.severity, d.message) for d in semantic.run(data, FakeSources()).diagnostics
            if d.code == code]


def idle(*constraints: dict[str, t.Any], **changes: t.Any) -> list[tuple[str, Severity, str]]:
    return findings(standard(constraints=list(constraints), **changes), "constraint-no-effect")


# --- constraint-no-effect ---------------------------------------------------------------------


def test_jamming_a_band_no_net_uses() -> None:
    found = idle(jam("JAM-U", 60, 120, ["UHF"]))
    assert [(p, s) for p, s, _ in found] == [("/constraints/0", Severity.WARNING)]
    assert found[0][2] == ("constraint JAM-U (jamming, D+0 07:00–D+0 08:00) affects no net, unit or system: "
                           "no net works on UHF")


def test_jamming_only_couriers() -> None:
    found = idle(jam("JAM-C", 60, 120, ["courier"]))
    assert len(found) == 1 and found[0][2].endswith("a courier cannot be jammed")


def test_jamming_an_area_where_no_member_is() -> None:
    found = idle(jam("JAM-FAR", 60, 120, ["HF"], FAR, intended=True))
    assert [(p, s) for p, s, _ in found] == [("/constraints/0", Severity.WARNING)]
    assert "no unit that can use a net on HF is inside its area (20 km around 45, 19)" in found[0][2]
    assert idle(jam("JAM-NEAR", 60, 120, ["HF"], NEAR_HQ)) == []


def test_gnss_jamming_where_nothing_depends_on_gnss() -> None:
    units = [unit("HQ", ["HF-R", "VHF-R", "SAT-N"], location=HQ_LOC), unit("BN", ["HF-R", "VHF-R"], location=BN_LOC)]
    g = {"id": "G-1", "kind": "gnss-jamming", "start": iso(0), "end": iso(30)}
    found = idle(g, units=units)
    assert [p for p, _, _ in found] == ["/constraints/0"] and "takes its timing or position from GNSS" in found[0][2]
    # A position-dependent system is affected (its reports), so the constraint is not idle.
    data = standard(constraints=[g], units=units)
    data["systems"].append({"id": "BFT", "kind": "datalink", "bands": ["UHF"], "gnss": ["position"]})
    data["units"][1]["systems"].append("BFT")
    assert findings(data, "constraint-no-effect") == []
    assert len(findings(data, "gnss-position-unreliable")) == 1


def test_hitting_a_system_counts_even_when_another_system_keeps_the_net() -> None:
    units = [unit("HQ", ["SAT-T", "SAT-N"], location=HQ_LOC), unit("BN", ["SAT-N"], location=BN_LOC)]
    data = standard(units=units, constraints=[{"id": "G-1", "kind": "gnss-jamming", "start": iso(0), "end": iso(30)}])
    data["systems"][2]["gnss"] = ["timing"]
    assert findings(data, "constraint-no-effect") == []


def test_outage_of_a_bearer_and_a_system_nobody_uses() -> None:
    data = standard(constraints=[
        {"id": "OUT-B", "kind": "outage", "bearers": ["GSM-PUBLIC"], "start": iso(0), "end": iso(30)},
        {"id": "CYB-S", "kind": "cyber", "systems": ["SAT-N"], "units": ["BN"], "start": iso(0), "end": iso(30)},
    ])
    data["bearers"] = [{"id": "GSM-PUBLIC", "kind": "cellular"}]
    found = findings(data, "constraint-no-effect")
    assert [p for p, _, _ in found] == ["/constraints/0", "/constraints/1"]
    assert "none of its bearers GSM-PUBLIC is in use" in found[0][2]
    assert "(cyber attack," in found[1][2] and "none of its systems SAT-N is in use by its units (BN)" in found[1][2]


def test_emcon_on_a_unit_that_is_only_on_a_courier_net() -> None:
    data = standard(units=[unit("HQ", ["HF-R"]), unit("BN", ["HF-R"]), unit("RUN", [])],
                    constraints=[{"id": "EM-1", "kind": "emcon", "units": ["RUN"], "start": iso(0), "end": iso(30)}])
    data["nets"][3]["members"].append("RUN")
    found = findings(data, "constraint-no-effect")
    assert [p for p, _, _ in found] == ["/constraints/0"] and "none of its units (RUN) can use a net" in found[0][2]


def test_no_finding_outside_the_exercise_or_with_an_unknown_reference() -> None:
    outside = jam("JAM-LATE", 3 * DAY, 3 * DAY + 60, ["UHF"])
    assert idle(outside) == []
    unknown = {"id": "OUT-X", "kind": "outage", "nets": ["NOPE"], "start": iso(0), "end": iso(30)}
    data = standard(constraints=[unknown])
    assert findings(data, "constraint-no-effect") == []
    assert [p for p, _, _ in findings(data, "unknown-reference")] == ["/constraints/0/nets/0"]


def test_every_bundled_kind_that_bites_is_quiet() -> None:
    cons = [jam("JAM-1", 0, 30, ["HF"]),
            {"id": "EM-1", "kind": "emcon", "units": ["BN"], "start": iso(0), "end": iso(30)},
            {"id": "OUT-1", "kind": "outage", "nets": ["RUNNER"], "start": iso(0), "end": iso(30)},
            {"id": "G-1", "kind": "gnss-spoofing", "start": iso(0), "end": iso(30)}]
    assert idle(*cons) == []


# --- inject-net-down ------------------------------------------------------------------------


def radio(minute: int, to: t.Sequence[str] = ("BN",), net: str = "CMD-HF") -> dict[str, t.Any]:
    return {"id": "INJ-1", "time": iso(minute), "from": "HQ", "to": list(to), "method": "radio", "net": net,
            "title": "Order"}


def test_a_radio_inject_on_a_jammed_net_is_reported_at_its_net() -> None:
    data = standard(constraints=[jam("JAM-1", 60, 120, ["HF"])], injects=[radio(90)])
    found = findings(data, "inject-net-down")
    assert [(p, s) for p, s, _ in found] == [("/injects/0/net", Severity.WARNING)]
    assert found[0][2] == ("inject INJ-1 is delivered on CMD-HF at D+0 07:30, but none of its recipients can "
                           "receive it there: BN off it (JAM-1)")


def test_one_recipient_that_hears_it_is_enough() -> None:
    data = standard(constraints=[jam("JAM-1", 60, 120, ["HF"], NEAR_HQ)], injects=[radio(90, ("HQ", "BN"))])
    assert findings(data, "inject-net-down") == []
    data["injects"] = [radio(90, ("HQ",))]
    assert len(findings(data, "inject-net-down")) == 1


def test_recipients_off_the_net_are_left_to_inject_net_not_member() -> None:
    data = standard(units=[*standard()["units"], unit("CO", ["HF-R"])], constraints=[jam("JAM-1", 60, 120, ["HF"])],
                    injects=[radio(90, ("CO",))])
    assert findings(data, "inject-net-down") == []
    assert len(findings(data, "inject-net-not-member")) == 1


@pytest.mark.parametrize(("receive", "reported"), [(None, False), (True, False), (False, True)])
def test_a_unit_under_emcon_still_hears_unless_it_is_totally_silent(receive: bool | None, reported: bool) -> None:
    emcon: dict[str, t.Any] = {"id": "EM-1", "kind": "emcon", "units": ["BN"], "start": iso(60), "end": iso(120)}
    if receive is not None:
        emcon["receive"] = receive
    data = standard(constraints=[emcon], injects=[radio(90)])
    assert bool(findings(data, "inject-net-down")) is reported


def test_a_recipient_that_can_never_use_the_net_says_why() -> None:
    data = standard(units=[unit("HQ", ["HF-R"]), unit("BN", ["VHF-R"])], injects=[radio(90)])
    found = findings(data, "inject-net-down")
    assert len(found) == 1 and "BN cannot use it: none of its systems (VHF-R) works on band HF" in found[0][2]


def test_an_inject_outside_the_exercise_is_left_to_the_timing_rules() -> None:
    data = standard(constraints=[jam("JAM-1", 0, 2 * DAY, ["HF"])], injects=[radio(2 * DAY + 10)])
    assert findings(data, "inject-net-down") == []


def test_an_inject_that_portrays_the_jamming_itself_is_not_judged() -> None:
    inject = {**radio(90), "threat": {"kind": "electronic-warfare"}, "title": "Barrage noise on the net"}
    data = standard(constraints=[jam("JAM-1", 60, 120, ["HF"])], injects=[inject])
    assert findings(data, "inject-net-down") == []
    inject["threat"] = {"kind": "disinformation"}
    assert len(findings(data, "inject-net-down")) == 1


def test_an_inject_on_a_net_under_planned_jamming_is_an_info() -> None:
    data = standard(constraints=[jam("JAM-1", 60, 120, ["HF"], intended=True)], injects=[radio(90)])
    found = findings(data, "inject-net-down")
    assert [(p, s) for p, s, _ in found] == [("/injects/0/net", Severity.INFO)]
    assert "expected on another PACE level" in found[0][2]
