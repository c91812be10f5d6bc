"""Comms feasibility: hand-built cases, diagnostics, a brute-force property test and a large case."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
import typing as t
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exgen.check.comms_findings import diagnose
from exgen.comms import Down, Interval, Segment, analyse
from exgen.core.diagnostics import Diagnostic, Location, Severity
from exgen.model import Exercise, build_data
from tests.conftest import FLAGSHIP

STARTEX = dt.datetime(2027, 5, 10, 6, 0, tzinfo=dt.timezone.utc)  # D+0 06:00
DAY = 1440
HQ_LOC = {"lat": 42.0, "lon": 19.0}
BN_LOC = {"lat": 42.5, "lon": 19.5}  # about 68 km from HQ


class FakeSources:
    """A source map that gives every pointer its own fake line, in order of first use."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}

    def locate(self, pointer: str) -> Location:
        return Location("test.yaml", self.lines.setdefault(pointer, len(self.lines) + 1), 1)

    def locate_key(self, pointer: str) -> Location:
        return self.locate(pointer)


def iso(minute: int) -> str:
    """An ISO time ``minute`` minutes after STARTEX."""
    return (STARTEX + dt.timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")


def unit(uid: str, systems: t.Sequence[str], languages: t.Sequence[str] = ("en",),
         location: dict[str, float] | None = None) -> dict[str, t.Any]:
    out: dict[str, t.Any] = {"id": uid, "name": uid, "nation": "ME", "role": "training-audience",
                             "systems": list(systems)}
    if languages:
        out["languages"] = list(languages)
    if location:
        out["location"] = location
    return out


def jam(cid: str, start: int, end: int, bands: t.Sequence[str], area: dict[str, float] | None = None,
        **extra: t.Any) -> dict[str, t.Any]:
    out = {"id": cid, "kind": "jamming", "bands": list(bands), "start": iso(start), "end": iso(end), **extra}
    if area:
        out["area"] = area
    return out


def standard(**changes: t.Any) -> dict[str, t.Any]:
    """Two units, four PACE levels: HF voice, VHF voice, SHF SATCOM, courier; two days long."""
    data: dict[str, t.Any] = {
        "exgen": 1,
        "exercise": {"id": "EX", "name": "Test", "type": "CPX", "classification": "NATO UNCLASSIFIED",
                     "startex": iso(0), "endex": iso(2 * DAY)},
        "systems": [
            {"id": "HF-R", "kind": "radio", "bands": ["HF"], "waveforms": ["STANAG-4538"], "crypto": ["NATO-A"]},
            {"id": "VHF-R", "kind": "radio", "bands": ["VHF"], "crypto": ["NATO-A"]},
            {"id": "SAT-T", "kind": "satcom", "bands": ["SHF"], "crypto": ["NATO-A"], "gnss_dependent": True},
            {"id": "SAT-N", "kind": "satcom", "bands": ["SHF"], "crypto": ["NATO-A"]},
        ],
        "units": [unit("HQ", ["HF-R", "VHF-R", "SAT-T"], location=HQ_LOC),
                  unit("BN", ["HF-R", "VHF-R", "SAT-T"], location=BN_LOC)],
        "nets": [
            {"id": "CMD-HF", "kind": "voice", "band": "HF", "waveform": "STANAG-4538", "crypto": "NATO-A",
             "language": "en", "members": ["HQ", "BN"]},
            {"id": "CMD-VHF", "kind": "voice", "band": "VHF", "crypto": "NATO-A", "members": ["HQ", "BN"]},
            {"id": "SAT-1", "kind": "data", "band": "SHF", "crypto": "NATO-A", "members": ["HQ", "BN"]},
            {"id": "RUNNER", "kind": "courier", "members": ["HQ", "BN"]},
        ],
        "pace": [{"between": ["HQ", "BN"], "primary": "CMD-HF", "alternate": "CMD-VHF",
                  "contingency": "SAT-1", "emergency": "RUNNER"}],
        "constraints": [],
        "injects": [],
    }
    data.update(changes)
    return data


def build(data: dict[str, t.Any]) -> Exercise:
    model, found = build_data(data, FakeSources())
    assert model is not None and not found, found
    return model


def whole(*spans: tuple[int, int]) -> tuple[Interval, ...]:
    return tuple(Interval(a, b) for a, b in spans)


def seg(start: int, end: int, level: str | None, net: str | None, *down: tuple[str, str, tuple[str, ...]]) -> Segment:
    return Segment(start, end, level, net, tuple(down))


P = ("primary", "CMD-HF")
A = ("alternate", "CMD-VHF")
C = ("contingency", "SAT-1")
E = ("emergency", "RUNNER")


# --- hand-built cases -------------------------------------------------------------------


def test_no_constraints_primary_all_the_time() -> None:
    pic = analyse(build(standard()))
    assert pic.duration == 2 * DAY
    assert pic.incompatible == ()
    assert pic.usable[("CMD-HF", "HQ")] == whole((0, 2 * DAY))
    assert pic.pairs[0].segments == (seg(0, 2 * DAY, *P),)
    assert pic.level_at("HQ~BN", 0) == P
    assert pic.level_at("HQ~BN", 2 * DAY) == (None, None)


def test_jamming_over_part_of_the_exercise() -> None:
    pic = analyse(build(standard(constraints=[jam("JAM-1", DAY, DAY + 360, ["HF"])])))
    assert pic.usable[("CMD-HF", "HQ")] == whole((0, DAY), (DAY + 360, 2 * DAY))
    assert pic.usable[("CMD-HF", "BN")] == whole((0, DAY), (DAY + 360, 2 * DAY))
    assert pic.usable[("CMD-VHF", "BN")] == whole((0, 2 * DAY))
    assert pic.down[("CMD-HF", "BN")] == (Down(DAY, DAY + 360, ("JAM-1",)),)
    assert pic.pairs[0].segments == (
        seg(0, DAY, *P),
        seg(DAY, DAY + 360, *A, (*P, ("JAM-1",))),
        seg(DAY + 360, 2 * DAY, *P),
    )
    assert pic.level_at("HQ~BN", DAY + 90) == A


def test_jamming_window_is_clipped_to_the_exercise() -> None:
    jams = [jam("JAM-0", -300, 60, ["HF"]), jam("JAM-9", 2 * DAY - 30, 3 * DAY, ["HF"])]
    pic = analyse(build(standard(constraints=jams)))
    assert pic.usable[("CMD-HF", "HQ")] == whole((60, 2 * DAY - 30))


def test_two_overlapping_jamming_windows() -> None:
    pic = analyse(build(standard(constraints=[
        jam("JAM-1", DAY, DAY + 360, ["HF"]),
        jam("JAM-2", DAY + 260, DAY + 460, ["HF", "VHF"]),
    ])))
    assert pic.usable[("CMD-HF", "HQ")] == whole((0, DAY), (DAY + 460, 2 * DAY))
    assert pic.usable[("CMD-VHF", "HQ")] == whole((0, DAY + 260), (DAY + 460, 2 * DAY))
    assert pic.down[("CMD-HF", "HQ")] == (
        Down(DAY, DAY + 260, ("JAM-1",)), Down(DAY + 260, DAY + 360, ("JAM-1", "JAM-2")),
        Down(DAY + 360, DAY + 460, ("JAM-2",)),
    )
    assert pic.pairs[0].segments == (
        seg(0, DAY, *P),
        seg(DAY, DAY + 260, *A, (*P, ("JAM-1",))),
        seg(DAY + 260, DAY + 360, *C, (*P, ("JAM-1", "JAM-2")), (*A, ("JAM-2",))),
        seg(DAY + 360, DAY + 460, *C, (*P, ("JAM-2",)), (*A, ("JAM-2",))),
        seg(DAY + 460, 2 * DAY, *P),
    )


def test_emcon_on_one_member_only() -> None:
    emcon = {"id": "EMCON-1", "kind": "emcon", "units": ["BN"], "bands": ["HF", "VHF"],
             "start": iso(600), "end": iso(900)}
    pic = analyse(build(standard(constraints=[emcon])))
    assert pic.usable[("CMD-HF", "BN")] == whole((0, 600), (900, 2 * DAY))
    assert pic.usable[("CMD-VHF", "BN")] == whole((0, 600), (900, 2 * DAY))
    assert pic.usable[("CMD-HF", "HQ")] == whole((0, 2 * DAY))
    assert pic.usable[("SAT-1", "BN")] == whole((0, 2 * DAY))
    # BN is silent but listens: HQ still reaches it on the primary and alternate, one way.
    assert pic.down[("CMD-HF", "BN")] == (Down(600, 900, ("EMCON-1",), silent=("EMCON-1",)),)
    assert pic.pairs[0].segments[1] == Segment(600, 900, *C, ((*P, ("EMCON-1",)), (*A, ("EMCON-1",))),
                                               one_way=(("primary", "HQ"), ("alternate", "HQ")))


def test_emcon_without_bands_silences_every_radio_but_not_the_courier() -> None:
    emcon = {"id": "EMCON-2", "kind": "emcon", "units": ["HQ"], "start": iso(10), "end": iso(20)}
    pic = analyse(build(standard(constraints=[emcon])))
    assert pic.usable[("SAT-1", "HQ")] == whole((0, 10), (20, 2 * DAY))
    assert pic.usable[("RUNNER", "HQ")] == whole((0, 2 * DAY))
    assert pic.level_at("HQ~BN", 15) == E


def test_outage_on_the_alternate_net() -> None:
    out = {"id": "OUT-1", "kind": "outage", "nets": ["CMD-VHF"], "start": iso(100), "end": iso(200)}
    pic = analyse(build(standard(constraints=[out, jam("JAM-1", 150, 300, ["HF"])])))
    assert pic.usable[("CMD-VHF", "HQ")] == whole((0, 100), (200, 2 * DAY))
    assert pic.pairs[0].segments == (
        seg(0, 150, *P),
        seg(150, 200, *C, (*P, ("JAM-1",)), (*A, ("OUT-1",))),
        seg(200, 300, *A, (*P, ("JAM-1",))),
        seg(300, 2 * DAY, *P),
    )


def test_outage_limited_to_units_and_the_courier() -> None:
    out = {"id": "OUT-2", "kind": "outage", "nets": ["RUNNER", "CMD-HF"], "units": ["BN"],
           "start": iso(0), "end": iso(30)}
    pic = analyse(build(standard(constraints=[out])))
    assert pic.usable[("RUNNER", "BN")] == whole((30, 2 * DAY))
    assert pic.usable[("CMD-HF", "BN")] == whole((30, 2 * DAY))
    assert pic.usable[("RUNNER", "HQ")] == whole((0, 2 * DAY))


def test_courier_is_immune_to_jamming_and_emcon() -> None:
    pic = analyse(build(standard(constraints=[
        jam("JAM-ALL", 0, 60, ["HF", "VHF", "SHF", "courier"]),
        {"id": "EMCON-1", "kind": "emcon", "units": ["HQ", "BN"], "start": iso(0), "end": iso(60)},
    ])))
    assert pic.usable[("RUNNER", "HQ")] == whole((0, 2 * DAY))
    assert pic.level_at("HQ~BN", 30) == E


def test_gnss_jamming_hits_dependent_systems_only() -> None:
    data = standard(units=[unit("HQ", ["HF-R", "VHF-R", "SAT-N"], location=HQ_LOC),
                           unit("BN", ["HF-R", "VHF-R", "SAT-T"], location=BN_LOC),
                           unit("BDE", ["SAT-T", "SAT-N"])])
    data["nets"][2]["members"] = ["HQ", "BN", "BDE"]
    data["constraints"] = [{"id": "GNSS-1", "kind": "gnss-jamming", "start": iso(300), "end": iso(400)}]
    pic = analyse(build(data))
    assert pic.usable[("SAT-1", "BN")] == whole((0, 300), (400, 2 * DAY))
    assert pic.down[("SAT-1", "BN")] == (Down(300, 400, ("GNSS-1",)),)
    assert pic.usable[("SAT-1", "HQ")] == whole((0, 2 * DAY))
    # BDE keeps its non-dependent terminal, and the HF net does not care about GNSS.
    assert pic.usable[("SAT-1", "BDE")] == whole((0, 2 * DAY))
    assert pic.usable[("CMD-HF", "BN")] == whole((0, 2 * DAY))


def test_gnss_jamming_with_bands_restricts_the_bands() -> None:
    gnss = {"id": "GNSS-2", "kind": "gnss-jamming", "bands": ["UHF"], "start": iso(0), "end": iso(10)}
    data = standard(constraints=[gnss])
    assert analyse(build(data)).usable[("SAT-1", "BN")] == whole((0, 2 * DAY))


def test_gnss_jamming_and_an_outage_of_the_other_system_together_take_the_member_down() -> None:
    data = standard(units=[unit("HQ", ["SAT-N"]), unit("BN", ["SAT-T", "SAT-N"])])
    data["constraints"] = [
        {"id": "GNSS-1", "kind": "gnss-jamming", "start": iso(100), "end": iso(200)},
        {"id": "OUT-N", "kind": "outage", "systems": ["SAT-N"], "units": ["BN"], "start": iso(150), "end": iso(250)},
    ]
    pic = analyse(build(data))
    assert pic.down[("SAT-1", "BN")] == (Down(150, 200, ("GNSS-1", "OUT-N")),)
    assert pic.usable[("SAT-1", "HQ")] == whole((0, 2 * DAY))


def test_system_outage_of_the_only_usable_system() -> None:
    out = {"id": "OUT-S", "kind": "outage", "systems": ["SAT-T"], "start": iso(0), "end": iso(45)}
    pic = analyse(build(standard(constraints=[out])))
    assert pic.usable[("SAT-1", "HQ")] == whole((45, 2 * DAY))
    assert pic.usable[("CMD-HF", "HQ")] == whole((0, 2 * DAY))


def test_area_circle_covers_one_member_and_not_the_other() -> None:
    area = {**HQ_LOC, "radius_km": 20}
    pic = analyse(build(standard(constraints=[jam("JAM-3", 60, 120, ["HF"], area)])))
    assert pic.usable[("CMD-HF", "HQ")] == whole((0, 60), (120, 2 * DAY))
    assert pic.usable[("CMD-HF", "BN")] == whole((0, 2 * DAY))
    # One end jammed is enough to lose the net between them.
    assert pic.level_at("HQ~BN", 90) == A


def test_a_unit_without_location_counts_as_inside_an_area() -> None:
    data = standard(units=[unit("HQ", ["HF-R"], location=HQ_LOC), unit("BN", ["HF-R"])])
    data["constraints"] = [jam("JAM-3", 60, 120, ["HF"], {"lat": 10.0, "lon": 10.0, "radius_km": 1})]
    pic = analyse(build(data))
    assert pic.usable[("CMD-HF", "BN")] == whole((0, 60), (120, 2 * DAY))
    assert pic.usable[("CMD-HF", "HQ")] == whole((0, 2 * DAY))


def test_language_mismatch_on_a_voice_net() -> None:
    data = standard(units=[unit("HQ", ["HF-R", "VHF-R", "SAT-T"]),
                           unit("BN", ["HF-R", "VHF-R", "SAT-T"], languages=["sr"])])
    pic = analyse(build(data))
    reasons = {(n, u): r for n, u, r in pic.incompatible}
    # CMD-VHF sets no language and en/sr tie: the working language (en) wins, so BN is the odd one out.
    assert reasons == {
        ("CMD-HF", "BN"): "it does not speak the net language en (it speaks sr), "
                          "and no one on the net interprets sr ↔ en",
        ("CMD-VHF", "BN"): "the net sets no language, its members share none, and it does not speak en "
                           "like most of them (it speaks sr), and no one on the net interprets sr ↔ en",
    }
    assert pic.usable[("CMD-HF", "BN")] == ()
    # Data nets and couriers need no common language.
    assert pic.usable[("SAT-1", "BN")] == whole((0, 2 * DAY))
    assert pic.level_at("HQ~BN", 0) == C


def test_voice_net_members_with_a_common_language_are_fine() -> None:
    data = standard(units=[unit("HQ", ["VHF-R"], languages=["en", "sr"]), unit("BN", ["VHF-R"], languages=["sr"])])
    data["nets"] = [data["nets"][1]]
    data["pace"] = [{"between": ["HQ", "BN"], "primary": "CMD-VHF"}]
    pic = analyse(build(data))
    assert pic.incompatible == ()
    assert pic.usable[("CMD-VHF", "BN")] == whole((0, 2 * DAY))


def test_crypto_mismatch_is_reported_at_the_member_entry() -> None:
    data = standard()
    data["systems"].append({"id": "HF-OLD", "kind": "radio", "bands": ["HF"], "waveforms": ["STANAG-4538"],
                            "crypto": ["NAT-NONSECURE"]})
    data["units"].append(unit("ME-1BN", ["HF-OLD"]))
    data["nets"][0]["members"] = ["HQ", "ME-1BN", "BN"]
    model = build(data)
    pic = analyse(model)
    assert pic.incompatible == (("CMD-HF", "ME-1BN", "none of its systems (HF-OLD) carries crypto NATO-A"),)
    assert pic.usable[("CMD-HF", "ME-1BN")] == ()
    found = [d for d in diagnose(pic, model, FakeSources()) if d.code == "comms-incompatible"]
    assert [(d.pointer, d.severity, d.message) for d in found] == [
        ("/nets/0/members/1", Severity.WARNING,
         "ME-1BN cannot use net CMD-HF: none of its systems (HF-OLD) carries crypto NATO-A"),
    ]


@pytest.mark.parametrize("systems, expected", [
    ([], "it holds no systems"),
    (["VHF-R"], "none of its systems (VHF-R) works on band HF"),
    (["HF-PLAIN"], "none of its HF systems (HF-PLAIN) runs waveform STANAG-4538"),
    (["GHOST", "VHF-R"], "none of its systems (VHF-R) works on band HF"),
])
def test_what_is_missing_is_named(systems: list[str], expected: str) -> None:
    data = standard()
    data["systems"].append({"id": "HF-PLAIN", "kind": "radio", "bands": ["HF"], "crypto": ["NATO-A"]})
    data["units"][1] = unit("BN", systems, location=BN_LOC)
    reasons = {(n, u): r for n, u, r in analyse(build(data)).incompatible}
    assert reasons[("CMD-HF", "BN")] == expected


def test_dangling_references_are_skipped() -> None:
    data = standard()
    data["nets"][0]["members"] = ["HQ", "BN", "GHOST"]
    data["pace"] = [{"between": ["HQ", "GHOST"], "primary": "CMD-HF"},
                    {"between": ["HQ", "BN"], "primary": "NO-SUCH-NET", "alternate": "CMD-VHF"}]
    data["constraints"] = [{"id": "OUT-X", "kind": "outage", "nets": ["NOPE"], "systems": ["NOPE"], "units": ["GHOST"],
                            "start": iso(0), "end": iso(10)},
                           {"id": "EM-X", "kind": "emcon", "units": ["GHOST"], "start": iso(0), "end": iso(10)}]
    data["injects"] = [{"id": "I-1", "time": iso(5), "from": "RP", "to": ["HQ"], "method": "phone", "title": "t",
                        "requires": [{"report": {"from": "GHOST", "to": "HQ", "within": "30m"}},
                                     {"report": {"from": "BN", "to": "HQ", "within": "30m", "net": "NOPE"}}]}]
    model = build(data)
    pic = analyse(model)
    assert [p.pace_id for p in pic.pairs] == ["HQ~BN"]
    assert pic.pairs[0].segments == (seg(0, 2 * DAY, "alternate", "CMD-VHF"),)
    assert ("CMD-HF", "GHOST") not in pic.usable
    assert [d.code for d in diagnose(pic, model, FakeSources())] == []


def test_pairs_without_a_pace_plan_and_links_at() -> None:
    data = standard(pace=[], constraints=[jam("JAM-1", 100, 200, ["HF", "VHF"]),
                                          {"id": "OUT-1", "kind": "outage", "nets": ["SAT-1", "RUNNER"],
                                           "start": iso(150), "end": iso(180)}])
    pic = analyse(build(data))
    assert pic.pairs == ()
    assert pic.connected == {("BN", "HQ"): whole((0, 150), (180, 2 * DAY))}
    assert [(k.units, k.pace_id, k.level, k.net) for k in pic.links_at(120)] == [(("BN", "HQ"), None, None, "SAT-1")]
    assert [k.net for k in pic.links_at(160)] == [None]
    assert [k.net for k in pic.links_at(0)] == ["CMD-HF"]


def test_links_at_reports_pace_levels() -> None:
    pic = analyse(build(standard(constraints=[jam("JAM-1", 100, 200, ["HF"])])))
    assert [(k.units, k.pace_id, k.level, k.net) for k in pic.links_at(150)] == [(("HQ", "BN"), "HQ~BN", *A)]


# --- diagnostics ------------------------------------------------------------------------


def codes(found: list[Diagnostic]) -> list[tuple[str, str, Severity]]:
    return [(d.code, d.pointer, d.severity) for d in found]


def test_pace_degraded_names_the_carrying_level() -> None:
    model = build(standard(constraints=[jam("JAM-1", DAY, DAY + 360, ["HF"])]))
    found = diagnose(analyse(model), model, FakeSources())
    assert codes(found) == [("pace-degraded", "/pace/0/primary", Severity.WARNING)]
    assert found[0].message == "PACE HQ~BN: primary CMD-HF down D+1 06:00–D+1 12:00 (JAM-1); alternate CMD-VHF carries"


def test_intended_jamming_is_info() -> None:
    model = build(standard(constraints=[jam("JAM-1", DAY, DAY + 360, ["HF"], intended=True)]))
    assert model.constraints[0].intended is True
    found = diagnose(analyse(model), model, FakeSources())
    assert codes(found) == [("pace-degraded", "/pace/0/primary", Severity.INFO)]


def test_pace_degraded_one_diagnostic_per_cause() -> None:
    model = build(standard(constraints=[
        jam("JAM-1", DAY, DAY + 360, ["HF"], intended=True),
        jam("JAM-2", DAY + 260, DAY + 460, ["HF", "VHF"]),
        jam("JAM-3", 60, 120, ["HF"], intended=True),
    ]))
    found = diagnose(analyse(model), model, FakeSources())
    assert [(d.severity, d.message) for d in found] == [
        (Severity.INFO, "PACE HQ~BN: primary CMD-HF down D+0 07:00–D+0 08:00 (JAM-3); alternate CMD-VHF carries"),
        (Severity.INFO, "PACE HQ~BN: primary CMD-HF down D+1 06:00–D+1 10:20 (JAM-1); alternate CMD-VHF carries"),
        (Severity.WARNING, "PACE HQ~BN: primary CMD-HF down D+1 10:20–D+1 12:00 (JAM-1, JAM-2); "
                           "contingency SAT-1 carries"),
        (Severity.WARNING, "PACE HQ~BN: primary CMD-HF down D+1 12:00–D+1 13:40 (JAM-2); contingency SAT-1 carries"),
    ]
    assert {d.pointer for d in found} == {"/pace/0/primary"}


def test_pace_degraded_with_changing_carriers() -> None:
    model = build(standard(constraints=[
        jam("JAM-1", 0, 120, ["HF"]),
        {"id": "OUT-1", "kind": "outage", "nets": ["CMD-VHF"], "start": iso(60), "end": iso(90)},
    ]))
    found = diagnose(analyse(model), model, FakeSources())
    assert [d.message for d in found] == [
        "PACE HQ~BN: primary CMD-HF down D+0 06:00–D+0 08:00 (JAM-1); alternate CMD-VHF carries D+0 06:00–D+0 07:00; "
        "contingency SAT-1 carries D+0 07:00–D+0 07:30; alternate CMD-VHF carries D+0 07:30–D+0 08:00",
    ]


def test_incompatible_primary_degrades_the_plan_for_the_whole_exercise() -> None:
    data = standard(units=[unit("HQ", ["HF-R", "VHF-R", "SAT-T"]), unit("BN", ["VHF-R", "SAT-T"])])
    model = build(data)
    found = diagnose(analyse(model), model, FakeSources())
    assert codes(found) == [("comms-incompatible", "/nets/0/members/1", Severity.WARNING),
                            ("pace-degraded", "/pace/0/primary", Severity.WARNING)]
    assert found[1].message == ("PACE HQ~BN: primary CMD-HF down D+0 06:00–D+2 06:00 "
                                "(BN: none of its systems (VHF-R, SAT-T) works on band HF); alternate CMD-VHF carries")


def everything_down(start: int, end: int, **extra: t.Any) -> list[dict[str, t.Any]]:
    return [jam("JAM-ALL", start, end, ["HF", "VHF", "SHF"], **extra),
            {"id": "OUT-R", "kind": "outage", "nets": ["RUNNER"], "start": iso(start), "end": iso(end), **extra}]


def test_no_working_level_is_an_error_at_the_plan() -> None:
    model = build(standard(constraints=everything_down(DAY, DAY + 60, intended=True)))
    pic = analyse(model)
    assert pic.pairs[0].segments[1] == seg(DAY, DAY + 60, None, None, (*P, ("JAM-ALL",)), (*A, ("JAM-ALL",)),
                                           (*C, ("JAM-ALL",)), (*E, ("OUT-R",)))
    found = [d for d in diagnose(pic, model, FakeSources()) if d.code == "comms-no-path"]
    assert codes(found) == [("comms-no-path", "/pace/0", Severity.ERROR)]
    assert found[0].message == (
        "PACE HQ~BN: no working level D+1 06:00–D+1 07:00: primary CMD-HF down (JAM-ALL); "
        "alternate CMD-VHF down (JAM-ALL); contingency SAT-1 down (JAM-ALL); emergency RUNNER down (OUT-R)")


def inject(time_: int, *exchanges: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"id": "INJ-014", "time": iso(time_), "from": "RP", "to": ["BN"], "method": "phone", "title": "Video",
            "requires": list(exchanges)}


def test_exchange_without_any_working_link_is_an_error_at_the_exchange() -> None:
    data = standard(constraints=everything_down(DAY, DAY + 60))
    data["injects"] = [inject(DAY + 10, {"report": {"from": "BN", "to": "HQ", "within": "30m"}}),
                       inject(DAY + 40, {"report": {"from": "BN", "to": "HQ", "within": "30m"}})]
    data["injects"][1]["id"] = "INJ-015"
    model = build(data)
    found = [d for d in diagnose(analyse(model), model, FakeSources()) if d.pointer.startswith("/injects")]
    assert codes(found) == [("comms-no-path", "/injects/0/requires/0", Severity.ERROR)]
    assert found[0].message == (
        "inject INJ-014: the report from BN to HQ due D+1 06:10–D+1 06:40 cannot get through in time: "
        "CMD-HF down until D+1 07:00 (JAM-ALL); CMD-VHF down until D+1 07:00 (JAM-ALL); "
        "SAT-1 down until D+1 07:00 (JAM-ALL); RUNNER down until D+1 07:00 (OUT-R); "
        "the earliest it can leave is D+1 07:00 on CMD-HF, 20 min after the deadline")


def test_exchange_on_a_named_net_and_without_any_shared_net() -> None:
    data = standard(constraints=[jam("JAM-1", 0, 120, ["HF"])])
    data["units"].append(unit("LONER", ["HF-R"]))
    data["injects"] = [inject(10, {"order": {"from": "HQ", "to": "BN", "within": "1h", "net": "CMD-HF"}},
                              {"order": {"from": "HQ", "to": "BN", "within": "1h"}},
                              {"request": {"from": "LONER", "to": "HQ", "within": "1h"}},
                              {"request": {"from": "LONER", "to": "HQ", "within": "1h", "net": "CMD-HF"}})]
    model = build(data)
    found = diagnose(analyse(model), model, FakeSources())
    found = [d for d in found if d.pointer.startswith("/injects")]
    assert [(d.pointer, d.message) for d in found] == [
        ("/injects/0/requires/0",
         "inject INJ-014: the order from HQ to BN due D+0 06:10–D+0 07:10 cannot get through in time: "
         "CMD-HF down until D+0 08:00 (JAM-1); the earliest it can leave is D+0 08:00 on CMD-HF, "
         "50 min after the deadline"),
        ("/injects/0/requires/2", "inject INJ-014: no net or PACE plan connects LONER and HQ for its request"),
        ("/injects/0/requires/3",
         "inject INJ-014: the request from LONER to HQ due D+0 06:10–D+0 07:10 cannot get through: "
         "CMD-HF down (LONER is not a member)"),
    ]


def test_exchange_uses_shared_nets_when_there_is_no_plan() -> None:
    data = standard(pace=[], constraints=[jam("JAM-1", 0, 120, ["HF", "VHF", "SHF"])])
    data["injects"] = [inject(10, {"report": {"from": "BN", "to": "HQ", "within": "30m"}})]
    model = build(data)
    assert diagnose(analyse(model), model, FakeSources()) == []


# --- brute force reference and property test --------------------------------------------


class Brute:
    """Minute-by-minute reference: the rules written out plainly, no sweep, no sharing."""

    def __init__(self, model: Exercise) -> None:
        self.m = model
        self.duration = max(0, model.info.duration)
        self.inside: dict[tuple[str, str], bool] = {}  # (constraint, unit): a cache, only for speed

    def systems_for(self, net: t.Any, unit: t.Any) -> list[t.Any] | None:
        """Systems the unit could use for the net; [] for couriers; None when it cannot use it."""
        if net.kind == "courier" or net.band == "courier":
            return []
        ok = [s for s in (self.m.system(i) for i in unit.systems) if s is not None
              and net.band in s.bands
              and (not net.waveform or net.waveform in s.waveforms)
              and (not net.crypto or net.crypto in s.crypto)]
        return ok or None

    def speaks(self, net: t.Any, unit: t.Any) -> bool:
        if net.kind != "voice" or not unit.languages:
            return True
        if net.language:
            return net.language in unit.languages
        speakers = [self.m.unit(u) for u in dict.fromkeys(net.members)]
        speakers = [u for u in speakers if u is not None and u.languages]
        common = set(speakers[0].languages)
        for u in speakers[1:]:
            common &= set(u.languages)
        if common:
            return True
        counts = Counter(lang for u in speakers for lang in set(u.languages))
        best = sorted(counts, key=lambda lang: (-counts[lang], lang != self.m.info.working_language, lang))[0]
        return best in unit.languages

    def status(self, net_id: str, unit_id: str, minute: int, active: t.Sequence[t.Any] | None = None
               ) -> tuple[str, ...] | None:
        """None when usable; the causes otherwise (``("incompatible",)`` if never usable)."""
        net, unit = self.m.net(net_id), self.m.unit(unit_id)
        if net is None or unit is None or unit_id not in net.members:
            return ("incompatible",)
        systems = self.systems_for(net, unit)
        if systems is None or not self.speaks(net, unit):
            return ("incompatible",)
        courier = systems == []
        whole, per_sys = set(), {s.id: set() for s in systems}
        for c in active if active is not None else self.m.constraints:
            if not (c.start <= minute < c.end):
                continue
            if (c.pointer, unit_id) not in self.inside:
                self.inside[(c.pointer, unit_id)] = c.area is None or c.area.covers(unit.location)
            inside = self.inside[(c.pointer, unit_id)]
            on_band = not courier and (not c.bands or net.band in c.bands)
            unit_ok = not c.units or unit_id in c.units
            if c.kind == "jamming" and on_band and inside:
                whole.add(c.id)
            if c.kind == "emcon" and on_band and unit_id in c.units and inside:
                whole.add(c.id)
            if c.kind == "outage" and net_id in c.nets and unit_ok and inside:
                whole.add(c.id)
            for s in systems:
                if c.kind == "gnss-jamming" and on_band and inside and s.gnss_dependent:
                    per_sys[s.id].add(c.id)
                if c.kind == "outage" and s.id in c.systems and unit_ok and inside:
                    per_sys[s.id].add(c.id)
        if systems and all(per_sys.values()):
            whole |= set().union(*per_sys.values())
        return tuple(sorted(whole)) or None

    def both(self, net_id: str, a: str, b: str, minute: int, active: t.Any = None) -> tuple[str, ...] | None:
        x, y = self.status(net_id, a, minute, active), self.status(net_id, b, minute, active)
        if x is None and y is None:
            return None
        if "incompatible" in (x or ()) + (y or ()):
            return ("incompatible",)
        return tuple(sorted(set(x or ()) | set(y or ())))

    def segment_at(self, plan: t.Any, minute: int, active: t.Any = None) -> tuple[t.Any, ...]:
        """(level, net, down) of a PACE plan at a minute."""
        down = []
        for level, net_id in plan.levels:
            if self.m.net(net_id) is None:
                continue
            why = self.both(net_id, *plan.between, minute, active)
            if why is None:
                return level, net_id, tuple(down)
            down.append((level, net_id, why))
        return None, None, tuple(down)


def assert_matches_brute(model: Exercise, pic: t.Any, minutes: t.Iterable[int] | None = None,
                         members: t.Sequence[tuple[str, str]] | None = None,
                         pairs: t.Sequence[tuple[str, str]] | None = None) -> None:
    """Per minute: each member's usability and causes, each plan's level, each other pair's reach."""
    ref = Brute(model)
    plans = {p.pointer: p for p in model.pace}
    for minute in (range(pic.duration) if minutes is None else minutes):
        active = [c for c in model.constraints if c.start <= minute < c.end]
        for key in (members if members is not None else list(pic.usable)):
            expected = ref.status(*key, minute, active)
            assert (expected is None) == any(i.start <= minute < i.end for i in pic.usable[key]), (key, minute)
            got = next((d.constraints for d in pic.down[key] if d.start <= minute < d.end), None)
            assert got == expected, (key, minute)
        for tl in pic.pairs:
            seg_ = tl.at(minute)
            assert seg_ is not None
            assert (seg_.level, seg_.net, seg_.down) == ref.segment_at(plans[tl.pointer], minute, active), (tl, minute)
            if pic.timeline(tl.pace_id) is tl:  # duplicate ids: level_at answers for the first
                assert pic.level_at(tl.pace_id, minute) == (seg_.level, seg_.net)
        for a, b in (pairs if pairs is not None else list(pic.connected)):
            spans = pic.connected[(a, b)]
            shared = [n.id for n in model.nets if a in n.members and b in n.members]
            expected_up = any(ref.both(n, a, b, minute, active) is None for n in shared)
            assert expected_up == any(i.start <= minute < i.end for i in spans), ((a, b), minute)


def assert_well_formed(pic: t.Any) -> None:
    """Segments tile [0, duration) and neighbours differ; intervals are sorted and disjoint."""
    for tl in pic.pairs:
        ends = [0] + [s.end for s in tl.segments]
        assert [s.start for s in tl.segments] == ends[:-1]
        assert ends[-1] == pic.duration
        for x, y in itertools.pairwise(tl.segments):
            assert (x.level, x.net, x.down) != (y.level, y.net, y.down)
    for spans in [*pic.usable.values(), *pic.connected.values()]:
        for x, y in itertools.pairwise(spans):
            assert x.start < x.end < y.start


BANDS = ["HF", "VHF", "SHF"]
IDS = st.sampled_from


@st.composite
def small_exercises(draw: st.DrawFn) -> dict[str, t.Any]:
    """Few units, nets and systems; random windows, areas, languages and PACE plans."""
    duration = draw(st.integers(1, 80))
    # Pools repeat the likely values so that most members can use their nets and constraints bite.
    sys_ids = [f"S{i}" for i in range(draw(st.integers(1, 4)))]
    systems = [{"id": s, "kind": "radio",
                "bands": draw(st.lists(IDS(["HF", "VHF", "HF", "SHF"]), min_size=1, max_size=3, unique=True)),
                "waveforms": draw(st.lists(IDS(["W1", "W1", "W2"]), max_size=2, unique=True)),
                "crypto": draw(st.lists(IDS(["K1", "K1", "K2"]), max_size=2, unique=True)),
                "gnss_dependent": draw(st.booleans())} for s in sys_ids]
    unit_ids = [f"U{i}" for i in range(draw(st.integers(2, 4)))]
    point = st.builds(lambda la, lo: {"lat": la, "lon": lo}, st.floats(0, 0.5), st.floats(0, 0.5))
    units = [unit(u, draw(st.lists(IDS(sys_ids * 3 + ["GHOST-S"]), min_size=1, max_size=4, unique=True)),
                  draw(st.lists(IDS(["en", "fr"]), max_size=2, unique=True)), draw(st.none() | point))
             for u in unit_ids]
    net_ids = [f"N{i}" for i in range(draw(st.integers(1, 3)))]
    nets = []
    for n in net_ids:
        kind = draw(IDS(["voice", "voice", "data", "courier"]))
        net: dict[str, t.Any] = {"id": n, "kind": kind,
                                 "members": draw(st.lists(IDS(unit_ids * 3 + ["GHOST"]), min_size=2, unique=True))}
        band = draw(IDS(["HF", "VHF", "SHF", "courier"])) if kind != "courier" else draw(st.none() | st.just("courier"))
        for key, value in (("band", band), ("waveform", draw(IDS([None, None, "W1"]))),
                           ("crypto", draw(IDS([None, None, "K1"]))), ("language", draw(IDS([None, "en", "fr"])))):
            if value is not None:
                net[key] = value
        nets.append(net)
    pace = []
    for _ in range(draw(st.integers(0, 3))):
        a, b = draw(st.lists(IDS(unit_ids * 4 + ["GHOST"]), min_size=2, max_size=2, unique=True))
        levels = draw(st.lists(IDS(net_ids * 3 + ["NOPE"]), min_size=1, max_size=4))
        named = dict(zip(["primary", "alternate", "contingency", "emergency"], levels, strict=False))
        pace.append({"between": [a, b], **named})
    constraints = []
    for i in range(draw(st.integers(0, 8))):
        start = draw(st.integers(-10, duration + 5))
        c: dict[str, t.Any] = {"id": f"C{i}", "kind": draw(IDS(["jamming", "gnss-jamming", "emcon", "outage"])),
                               "start": iso(start), "end": iso(start + draw(st.integers(1, 40)))}
        area = draw(st.none() | st.builds(lambda p, r: {**p, "radius_km": r}, point, st.floats(1, 60)))
        if area:
            c["area"] = area
        for key, pool in (("bands", BANDS + ["courier"]), ("units", unit_ids), ("nets", net_ids), ("systems", sys_ids)):
            chosen = draw(st.lists(IDS(pool), max_size=2, unique=True))
            if chosen:
                c[key] = chosen
        constraints.append(c)
    return standard(systems=systems, units=units, nets=nets, pace=pace, constraints=constraints,
                    exercise={**standard()["exercise"], "endex": iso(duration)})


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_exercises())
def test_sweep_matches_minute_by_minute_brute_force(data: dict[str, t.Any]) -> None:
    model = build(data)
    pic = analyse(model)
    assert_well_formed(pic)
    assert_matches_brute(model, pic)
    diagnose(pic, model, FakeSources())  # must not raise on anything the generator makes


# --- scale ------------------------------------------------------------------------------


def large_exercise(seed: int = 7) -> dict[str, t.Any]:
    """300 units, 60 nets, 150 PACE plans and 3000 constraint windows over four days."""
    rnd = random.Random(seed)
    duration = 4 * DAY
    systems = [{"id": f"SYS-{i}", "kind": "radio", "bands": rnd.sample(BANDS, rnd.randint(1, 2)),
                "waveforms": ["W1"], "crypto": ["K1", "K2"][: rnd.randint(1, 2)], "gnss_dependent": rnd.random() < 0.3}
               for i in range(20)]
    units = [unit(f"U{i:03}", [s["id"] for s in rnd.sample(systems, 4)],
                  rnd.sample(["en", "fr", "sr"], rnd.randint(1, 2)),
                  {"lat": 42 + rnd.random() * 2, "lon": 19 + rnd.random() * 2} if rnd.random() < 0.95 else None)
             for i in range(300)]
    nets = []
    for i in range(60):
        kind = rnd.choice(["voice", "data", "data", "courier"] if i % 10 else ["courier"])
        net: dict[str, t.Any] = {"id": f"NET-{i:02}", "kind": kind,
                                 "members": [u["id"] for u in rnd.sample(units, rnd.randint(5, 30))]}
        if kind != "courier":
            net.update(band=rnd.choice(BANDS), crypto=rnd.choice(["K1", "K2"]))
            if rnd.random() < 0.5:
                net["waveform"] = "W1"
            if kind == "voice" and rnd.random() < 0.5:
                net["language"] = "en"
        nets.append(net)
    pace = []
    for _ in range(150):
        net = rnd.choice(nets)
        a, b = rnd.sample(net["members"], 2)
        others = [n["id"] for n in nets if a in n["members"] and b in n["members"] and n is not net]
        levels = [net["id"], *rnd.sample(others, min(len(others), 2)), rnd.choice(nets)["id"]]
        named = dict(zip(["primary", "alternate", "contingency", "emergency"], levels, strict=False))
        pace.append({"between": [a, b], **named})
    constraints = []
    for i in range(3000):
        start = rnd.randint(-60, duration)
        kind = rnd.choice(["jamming", "jamming", "gnss-jamming", "emcon", "outage"])
        c: dict[str, t.Any] = {"id": f"C-{i:04}", "kind": kind, "start": iso(start),
                               "end": iso(start + rnd.randint(10, 600)), "bands": rnd.sample(BANDS, rnd.randint(1, 2))}
        if rnd.random() < 0.8:
            c["area"] = {"lat": 42 + rnd.random() * 2, "lon": 19 + rnd.random() * 2, "radius_km": rnd.uniform(5, 60)}
        if kind == "emcon":
            c["units"] = [u["id"] for u in rnd.sample(units, rnd.randint(1, 10))]
        if kind == "outage":
            c["nets" if rnd.random() < 0.5 else "systems"] = [rnd.choice(nets)["id"] if rnd.random() < 0.5
                                                              else rnd.choice(systems)["id"]]
        constraints.append(c)
    return standard(systems=systems, units=units, nets=nets, pace=pace, constraints=constraints,
                    exercise={**standard()["exercise"], "endex": iso(duration)})


def test_large_exercise_is_fast_and_right_on_sampled_minutes() -> None:
    model = build(large_exercise())
    assert (len(model.units), len(model.nets), len(model.pace), len(model.constraints)) == (300, 60, 150, 3000)
    began = time.perf_counter()
    pic = analyse(model)
    analysed = time.perf_counter() - began
    found = diagnose(pic, model, FakeSources())
    diagnosed = time.perf_counter() - began - analysed
    print(f"\nlarge case: analyse {analysed:.2f} s, diagnose {diagnosed:.2f} s, "
          f"{len(pic.usable)} members, {sum(len(p.segments) for p in pic.pairs)} PACE segments, "
          f"{len(pic.connected)} other pairs, {len(found)} diagnostics")
    assert len(pic.pairs) == 150
    assert_well_formed(pic)
    rnd = random.Random(1)
    sample = rnd.sample(sorted(pic.usable), 150)
    assert_matches_brute(model, pic, minutes=rnd.sample(range(pic.duration), 5), members=sample,
                         pairs=rnd.sample(sorted(pic.connected), 300))


# --- the flagship scenario --------------------------------------------------------------

SCENARIO = FLAGSHIP


@pytest.mark.skipif(not SCENARIO.exists(), reason="the Adriatic Shield scenario is not written yet")
def test_adriatic_shield_scenario_analyses() -> None:
    from exgen import load
    from exgen.model import build_data

    document, found = load.load(SCENARIO)
    assert document is not None, found
    model, _ = build_data(document.data, document.sources)
    assert model is not None
    pic = analyse(model)
    assert len(pic.pairs) <= len(model.pace)
    for d in diagnose(pic, model, document.sources):
        assert d.code in {"comms-incompatible", "pace-degraded", "comms-no-path"}


def test_outage_and_emcon_respect_their_area() -> None:
    far = {"lat": HQ_LOC["lat"] + 3, "lon": HQ_LOC["lon"], "radius_km": 10}
    near = {**HQ_LOC, "radius_km": 10}
    cons = [{"id": "OUT-FAR", "kind": "outage", "nets": ["CMD-HF"], "area": far, "start": iso(0), "end": iso(60)},
            {"id": "EM-NEAR", "kind": "emcon", "units": ["HQ", "BN"], "area": near, "start": iso(100), "end": iso(160)}]
    model = build(standard(constraints=cons))
    pic = analyse(model)

    def up(unit: str, minute: int) -> bool:
        return any(i.start <= minute < i.end for i in pic.usable[("CMD-HF", unit)])

    assert up("HQ", 30) and up("BN", 30)        # the outage's circle covers neither unit
    assert not up("HQ", 120) and up("BN", 120)  # EMCON only inside its circle: HQ yes, BN (68 km) no
    assert_matches_brute(model, pic)
