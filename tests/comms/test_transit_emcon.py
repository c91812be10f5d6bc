"""Planted cases: transit times on couriers and systems, EMCON that still listens, total silence."""

from __future__ import annotations

import typing as t

import pytest
from test_comms import DAY, FakeSources, build, iso, jam, standard

from exgen.check import semantic
from exgen.check.comms_findings import diagnose
from exgen.comms import Down, analyse
from exgen.comms.view import render_text, to_json
from exgen.core.diagnostics import Severity

D1_0900 = DAY + 180  # D+1 09:00 (STARTEX is D+0 06:00)


def emcon(cid: str, start: int, end: int, units: t.Sequence[str] = ("BN",), **extra: t.Any) -> dict[str, t.Any]:
    return {"id": cid, "kind": "emcon", "units": list(units), "start": iso(start), "end": iso(end), **extra}


def requiring(time_: int, *exchanges: tuple[str, str, str, str], net: str | None = None) -> dict[str, t.Any]:
    """An inject requiring (kind, from, to, within) exchanges."""
    requires = [{kind: {"from": a, "to": b, "within": within, **({"net": net} if net else {})}}
                for kind, a, b, within in exchanges]
    return {"id": "INJ-1", "time": iso(time_), "from": "RP", "to": ["BN"], "method": "phone", "title": "Situation",
            "requires": requires}


def findings(data: dict[str, t.Any]) -> list[tuple[str, str, Severity, str]]:
    model = build(data)
    return [(d.code, d.pointer, d.severity, d.message) for d in diagnose(analyse(model), model, FakeSources())]


def exchange_findings(data: dict[str, t.Any]) -> list[tuple[str, str, Severity, str]]:
    return [f for f in findings(data) if f[1].startswith("/injects/")]


def courier_only(**changes: t.Any) -> dict[str, t.Any]:
    """The standard pair with every radio level jammed 08:40-10:20 on D+1, so only the courier works."""
    data = standard(constraints=[jam("JAM-1", DAY + 160, DAY + 260, ["HF", "VHF", "SHF"], intended=True)], **changes)
    data["nets"][3]["transit"] = "45m"
    return data


# --- transit ----------------------------------------------------------------------------


def test_a_30_minute_report_over_a_45_minute_courier_is_late_by_15_minutes() -> None:
    data = courier_only(injects=[requiring(D1_0900, ("report", "BN", "HQ", "30m"))])
    assert exchange_findings(data) == [(
        "comms-no-path", "/injects/0/requires/0", Severity.ERROR,
        "inject INJ-1: the report from BN to HQ due D+1 09:00–D+1 09:30 cannot get through in time: "
        "CMD-HF down until D+1 10:20 (JAM-1); CMD-VHF down until D+1 10:20 (JAM-1); "
        "SAT-1 down until D+1 10:20 (JAM-1); "
        "the courier net RUNNER carries it, but with 45 min in transit it arrives at D+1 09:45, "
        "15 min after the deadline")]


def test_the_courier_is_on_time_when_the_deadline_allows_its_transit() -> None:
    # Leaving at 09:00 it arrives at 09:45: exactly on time for 45m, and in time for 1h.
    for within in ("45m", "1h"):
        data = courier_only(injects=[requiring(D1_0900, ("report", "BN", "HQ", within))])
        assert exchange_findings(data) == []


def test_a_courier_once_dispatched_arrives_whatever_happens_to_the_net() -> None:
    data = courier_only(injects=[requiring(D1_0900, ("report", "BN", "HQ", "1h"))])
    data["constraints"].append({"id": "OUT-R", "kind": "outage", "nets": ["RUNNER"],
                                "start": iso(D1_0900 + 10), "end": iso(D1_0900 + 50)})
    assert exchange_findings(data) == []


def test_the_earliest_route_is_named_when_the_courier_must_wait() -> None:
    data = courier_only(injects=[requiring(D1_0900, ("report", "BN", "HQ", "30m"))])
    data["constraints"].append({"id": "OUT-R", "kind": "outage", "nets": ["RUNNER"],
                                "start": iso(D1_0900 - 60), "end": iso(D1_0900 + 20)})
    [(_, _, _, message)] = exchange_findings(data)
    assert message.endswith("RUNNER down until D+1 09:20 (OUT-R); the earliest it can leave is D+1 09:20 on RUNNER, "
                            "arriving D+1 10:05, 35 min after the deadline")


def test_a_system_transit_is_the_default_and_the_net_transit_wins() -> None:
    data = courier_only(injects=[requiring(D1_0900, ("report", "BN", "HQ", "30m"))])
    del data["nets"][3]["transit"]
    data["systems"].append({"id": "DISPATCH", "kind": "courier", "bands": ["courier"], "transit": "40m"})
    data["units"][1]["systems"].append("DISPATCH")
    model = build(data)
    assert analyse(model).transit["RUNNER"] == 40
    [(_, _, _, message)] = exchange_findings(data)
    assert "with 40 min in transit it arrives at D+1 09:40, 10 min after the deadline" in message
    data["nets"][3]["transit"] = "20m"
    assert analyse(build(data)).transit["RUNNER"] == 20
    assert exchange_findings(data) == []


def test_a_radio_system_transit_applies_to_the_nets_it_carries() -> None:
    data = standard(pace=[{"between": ["HQ", "BN"], "primary": "SAT-1"}],
                    injects=[requiring(60, ("report", "BN", "HQ", "15m"))])
    data["systems"][2]["transit"] = "20m"  # SAT-T: store-and-forward messaging
    pic = analyse(build(data))
    assert (pic.transit["SAT-1"], pic.transit["CMD-HF"], pic.transit["RUNNER"]) == (20, 0, 0)
    [(_, pointer, _, message)] = exchange_findings(data)
    assert pointer == "/injects/0/requires/0"
    assert message.endswith("SAT-1 carries it, but with 20 min in transit it arrives at D+0 07:20, "
                            "5 min after the deadline")


# --- EMCON: silence, but listening --------------------------------------------------------


def emcon_night(**extra: t.Any) -> dict[str, t.Any]:
    """BN under EMCON on every radio net from D+0 20:00 to D+1 04:00; no courier."""
    data = standard(constraints=[emcon("EMCON-1", 840, 1320, **extra)])
    data["pace"][0].pop("emergency")
    return data


def test_an_order_to_a_unit_under_emcon_gets_through() -> None:
    data = emcon_night()
    data["injects"] = [requiring(1050, ("order", "HQ", "BN", "30m"))]  # D+0 23:30
    assert exchange_findings(data) == []


def test_a_report_from_a_unit_under_emcon_waits_for_the_end_and_says_how_late() -> None:
    data = emcon_night()
    data["injects"] = [requiring(1080, ("report", "BN", "HQ", "30m"))]  # D+1 00:00, due by 00:30
    assert exchange_findings(data) == [(
        "comms-no-path", "/injects/0/requires/0", Severity.ERROR,
        "inject INJ-1: the report from BN to HQ due D+1 00:00–D+1 00:30 cannot get through in time: "
        "BN is under EMCON on CMD-HF until D+1 04:00 (EMCON-1); BN is under EMCON on CMD-VHF until D+1 04:00 "
        "(EMCON-1); BN is under EMCON on SAT-1 until D+1 04:00 (EMCON-1); "
        "the earliest it can leave is D+1 04:00 on CMD-HF, 3 h 30 min after the deadline")]


def test_receive_false_is_total_silence_and_the_order_fails_too() -> None:
    data = emcon_night(receive=False)
    data["injects"] = [requiring(1050, ("order", "HQ", "BN", "30m"))]
    assert exchange_findings(data) == [(
        "comms-no-path", "/injects/0/requires/0", Severity.ERROR,
        "inject INJ-1: the order from HQ to BN due D+0 23:30–D+1 00:00 cannot get through in time: "
        "CMD-HF down until D+1 04:00 (EMCON-1); CMD-VHF down until D+1 04:00 (EMCON-1); "
        "SAT-1 down until D+1 04:00 (EMCON-1); the earliest it can leave is D+1 04:00 on CMD-HF, "
        "4 h after the deadline")]


def test_the_pace_plan_under_emcon_works_one_way_and_warns() -> None:
    model = build(emcon_night())
    pic = analyse(model)
    assert pic.down[("CMD-HF", "BN")] == (Down(840, 1320, ("EMCON-1",), ("EMCON-1",)),)
    assert pic.down[("CMD-HF", "BN")][0].receives
    seg = pic.pairs[0].at(900)
    assert seg is not None and (seg.level, seg.one_way) == (None, (("primary", "HQ"), ("alternate", "HQ"),
                                                                    ("contingency", "HQ")))
    plan = [d for d in diagnose(pic, model, FakeSources()) if d.code == "comms-no-path"]
    assert [(d.pointer, d.severity, d.message) for d in plan] == [(
        "/pace/0", Severity.WARNING,
        "PACE HQ~BN: one way only D+0 20:00–D+1 04:00: HQ reaches BN on primary CMD-HF but BN cannot answer; "
        "HQ reaches BN on alternate CMD-VHF but BN cannot answer; HQ reaches BN on contingency SAT-1 but BN "
        "cannot answer; primary CMD-HF down (EMCON-1); alternate CMD-VHF down (EMCON-1); "
        "contingency SAT-1 down (EMCON-1)")]
    line = "  D+0 20:00–D+1 04:00  NO PATH              (primary CMD-HF one way from HQ: EMCON-1;"
    assert any(x.startswith(line) for x in render_text(pic, model, width=200).splitlines())
    assert to_json(pic, model)["pace"][0]["segments"][1]["one_way"][0] == {"level": "primary", "from": "HQ"}


def test_total_silence_leaves_no_path_and_is_an_error() -> None:
    model = build(emcon_night(receive=False))
    pic = analyse(model)
    assert not pic.down[("CMD-HF", "BN")][0].receives
    plan = [d for d in diagnose(pic, model, FakeSources()) if d.code == "comms-no-path"]
    assert [(d.severity, d.message.split(":")[0]) for d in plan] == [(Severity.ERROR, "PACE HQ~BN")]
    assert "no working level D+0 20:00–D+1 04:00" in plan[0].message


def test_emcon_and_jamming_together_block_listening_while_the_jamming_lasts() -> None:
    data = standard(constraints=[emcon("EMCON-1", 100, 300, bands=["HF"]), jam("JAM-1", 150, 200, ["HF"])])
    pic = analyse(build(data))
    assert pic.down[("CMD-HF", "BN")] == (
        Down(100, 150, ("EMCON-1",), ("EMCON-1",)), Down(150, 200, ("EMCON-1", "JAM-1"), ("EMCON-1",)),
        Down(200, 300, ("EMCON-1",), ("EMCON-1",)))
    assert [(i.start, i.end) for i in pic.receiving(("CMD-HF", "BN"))] == [(0, 150), (200, 2 * DAY)]
    assert [(i.start, i.end) for i in pic.path("CMD-HF", "HQ", "BN")] == [(0, 150), (200, 2 * DAY)]
    assert [(i.start, i.end) for i in pic.path("CMD-HF", "BN", "HQ")] == [(0, 100), (300, 2 * DAY)]


# --- receive on another kind ------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_receive_on_a_constraint_that_is_not_emcon_is_a_warning(value: bool) -> None:
    data = standard(constraints=[jam("JAM-1", 0, 60, ["HF"], receive=value, intended=True)])
    assert [f for f in findings(data) if f[0] == "receive-not-emcon"] == [(
        "receive-not-emcon", "/constraints/0/receive", Severity.WARNING,
        "constraint JAM-1 is jamming: 'receive' only applies to emcon and is ignored here")]


def test_the_semantic_stage_reads_transit_and_receive_from_the_definition() -> None:
    data = emcon_night(receive=True)
    data["nets"][3]["transit"] = "1h30m"
    data["systems"][0]["transit"] = "0m"
    data["injects"] = [requiring(1050, ("order", "HQ", "BN", "30m"))]
    result = semantic.run(data, FakeSources())
    assert result.model is not None and result.comms is not None
    assert result.model.constraints[0].receive is True
    assert result.model.net("RUNNER").transit == 90  # type: ignore[union-attr]
    assert result.model.system("HF-R").transit == 0  # type: ignore[union-attr]
    # The inject's sender (a role player) is not defined here: only the comms findings matter.
    assert [d.code for d in result.diagnostics if d.pointer.startswith("/injects/0/requires")] == []


# --- end to end: a definition file, located findings --------------------------------------

DEFINITION = """\
exgen: 1
exercise: {id: EX, name: Test, type: CPX, classification: NATO UNCLASSIFIED,
           startex: "2027-05-10T06:00:00Z", endex: "2027-05-12T06:00:00Z"}
systems:
  - {id: HF-R, kind: radio, bands: [HF]}
  - {id: DISPATCH, kind: courier, bands: [courier], transit: 20m}
units:
  - {id: HQ, name: HQ, nation: ME, role: training-audience, systems: [HF-R, DISPATCH]}
  - {id: BN, name: BN, nation: ME, role: training-audience, systems: [HF-R]}
nets:
  - {id: CMD-HF, kind: voice, band: HF, members: [HQ, BN]}
  - {id: RUNNER, kind: courier, transit: 45m, members: [HQ, BN]}
pace:
  - {between: [HQ, BN], primary: CMD-HF, emergency: RUNNER}
constraints:
  - {id: EMCON-1, kind: emcon, units: [BN], start: "D+0 20:00", end: "D+1 04:00", intended: true}
  - {id: JAM-1, kind: jamming, bands: [HF], start: "D+1 08:00", end: "D+1 12:00", intended: true, receive: false}
excon:
  cells: [{id: WHITE, title: White cell}]
  role_players: [{id: RP, cell: WHITE, portrays: Duty officer, name: Ana Test}]
injects:
  - id: INJ-1
    time: "D+0 23:00"
    from: RP
    to: [BN]
    method: phone
    title: Order and report under EMCON
    requires:
      - order: {from: HQ, to: BN, within: 30m}
      - report: {from: BN, to: HQ, within: 30m, net: CMD-HF}
  - id: INJ-2
    time: "D+1 09:00"
    from: RP
    to: [BN]
    method: phone
    title: Report over the courier
    requires:
      - report: {from: BN, to: HQ, within: 30m}
"""


def test_a_definition_file_gives_located_findings(tmp_path: t.Any) -> None:
    from exgen.check.run import check

    path = tmp_path / "exercise.yaml"
    path.write_text(DEFINITION, "utf-8")
    result = check(str(path))
    assert result.model is not None and result.model.net("RUNNER").transit == 45  # type: ignore[union-attr]
    got = {(d.code, d.location.line if d.location else None): d.message for d in result.diagnostics
           if d.code in {"comms-no-path", "receive-not-emcon"}}
    # The order to BN under EMCON (line 29) gets through; the report from it (30) and the one
    # that only the 45-minute courier could carry in time (38) do not; line 17 sets receive on jamming.
    assert sorted(got) == [("comms-no-path", 30), ("comms-no-path", 38), ("receive-not-emcon", 17)]
    assert got[("comms-no-path", 30)].endswith("BN is under EMCON on CMD-HF until D+1 04:00 (EMCON-1); "
                                                "the earliest it can leave is D+1 04:00 on CMD-HF, "
                                                "4 h 30 min after the deadline")
    assert got[("comms-no-path", 38)].endswith("the courier net RUNNER carries it, but with 45 min in transit "
                                                "it arrives at D+1 09:45, 15 min after the deadline")


def test_the_new_code_and_the_one_way_severity_are_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "diagnostics.md").read_text("utf-8")
    section = text.split("### receive-not-emcon\n", 1)[1].split("\n### ", 1)[0]
    assert "Severity: **warning**" in section and "Bad:" in section and "Fixed:" in section
    no_path = text.split("### comms-no-path\n", 1)[1].split("\n### ", 1)[0]
    assert "**warning** for a PACE plan that still works one way" in no_path and "transit" in no_path
