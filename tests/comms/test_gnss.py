"""GNSS dependence: only dependent systems degrade, timing (nets down) apart from position
(reports unreliable), jamming apart from spoofing, and the old boolean still works."""

from __future__ import annotations

import typing as t

import pytest
from test_comms import BN_LOC, DAY, HQ_LOC, FakeSources, build, iso, standard, unit, whole

from exgen.check import schema, semantic
from exgen.comms import Down, analyse
from exgen.core.diagnostics import Severity

SYSTEMS = [
    {"id": "FH-RADIO", "kind": "radio", "bands": ["VHF"], "gnss": ["timing"]},
    {"id": "PLAIN-VHF", "kind": "radio", "bands": ["VHF"]},
    {"id": "BFT", "kind": "datalink", "bands": ["UHF"], "gnss": ["position"]},
    {"id": "TDMA-LINK", "kind": "datalink", "bands": ["UHF"], "gnss": ["timing", "position"]},
]


def exercise(constraints: t.Sequence[dict[str, t.Any]], units: t.Sequence[dict[str, t.Any]] | None = None
             ) -> dict[str, t.Any]:
    """HQ and BN on a frequency-hopping VHF net and a blue-force-tracking UHF net."""
    return standard(
        systems=SYSTEMS,
        units=list(units or [unit("HQ", ["FH-RADIO", "BFT"], location=HQ_LOC),
                             unit("BN", ["FH-RADIO", "BFT"], location=BN_LOC)]),
        nets=[{"id": "VHF-FH", "kind": "voice", "band": "VHF", "members": ["HQ", "BN"]},
              {"id": "BFT-NET", "kind": "data", "band": "UHF", "members": ["HQ", "BN"]}],
        pace=[], constraints=list(constraints))


def gnss(cid: str, kind: str = "gnss-jamming", start: int = 60, end: int = 120, **extra: t.Any) -> dict[str, t.Any]:
    return {"id": cid, "kind": kind, "start": iso(start), "end": iso(end), **extra}


def findings(data: dict[str, t.Any], code: str) -> list[tuple[str, Severity, str]]:
    return [(d.pointer, d.severity, d.message) for d in semantic.run(data, FakeSources()).diagnostics
            if d.code == code]


@pytest.mark.parametrize("kind", ["gnss-jamming", "gnss-spoofing"])
def test_timing_dependent_systems_lose_their_nets_position_dependent_ones_keep_them(kind: str) -> None:
    pic = analyse(build(exercise([gnss("G-1", kind)])))
    assert pic.down[("VHF-FH", "HQ")] == (Down(60, 120, ("G-1",)),)
    assert pic.usable[("VHF-FH", "BN")] == whole((0, 60), (120, 2 * DAY))
    assert pic.usable[("BFT-NET", "HQ")] == whole((0, 2 * DAY))
    assert pic.usable[("BFT-NET", "BN")] == whole((0, 2 * DAY))


def test_a_radio_that_needs_no_gnss_carries_the_net() -> None:
    units = [unit("HQ", ["FH-RADIO", "PLAIN-VHF", "BFT"], location=HQ_LOC), unit("BN", ["PLAIN-VHF"], location=BN_LOC)]
    pic = analyse(build(exercise([gnss("G-1")], units)))
    assert pic.usable[("VHF-FH", "HQ")] == whole((0, 2 * DAY))
    assert pic.usable[("VHF-FH", "BN")] == whole((0, 2 * DAY))


def test_jamming_reports_positions_missing_at_the_constraint() -> None:
    found = findings(exercise([gnss("G-1")]), "gnss-position-unreliable")
    assert [(p, s) for p, s, _ in found] == [("/constraints/0", Severity.WARNING)]
    msg = found[0][2]
    assert msg.startswith("GNSS jamming G-1 (D+0 07:00–D+0 08:00): no reliable position from BFT on HQ, BN")
    assert "FH-RADIO" not in msg  # timing only: its nets are the PACE picture's business


def test_spoofing_reports_false_positions_and_an_intended_one_is_an_info() -> None:
    found = findings(exercise([gnss("S-1", "gnss-spoofing", intended=True)]), "gnss-position-unreliable")
    assert [(p, s) for p, s, _ in found] == [("/constraints/0", Severity.INFO)]
    assert "GNSS spoofing S-1" in found[0][2] and "false" in found[0][2] and "BFT on HQ, BN" in found[0][2]


def test_only_units_inside_the_area_are_named_and_bands_do_not_spare_positions() -> None:
    near = {**HQ_LOC, "radius_km": 10}
    data = exercise([gnss("G-1", area=near, bands=["HF"])])
    found = findings(data, "gnss-position-unreliable")
    assert len(found) == 1 and "BFT on HQ;" in found[0][2] and "BN" not in found[0][2]
    # The bands limit which nets lose their timing: none on HF here.
    assert analyse(build(data)).usable[("VHF-FH", "HQ")] == whole((0, 2 * DAY))


def test_no_position_finding_without_position_dependent_systems() -> None:
    units = [unit("HQ", ["FH-RADIO"], location=HQ_LOC), unit("BN", ["FH-RADIO"], location=BN_LOC)]
    assert findings(exercise([gnss("G-1")], units), "gnss-position-unreliable") == []


# --- the deprecated boolean -----------------------------------------------------------------


def test_gnss_dependent_true_means_timing_and_position() -> None:
    systems = [{"id": "OLD", "kind": "radio", "bands": ["VHF"], "gnss_dependent": True},
               {"id": "OFF", "kind": "radio", "bands": ["VHF"], "gnss_dependent": False},
               {"id": "BOTH", "kind": "radio", "bands": ["VHF"], "gnss_dependent": True, "gnss": ["position"]}]
    model = build(standard(systems=systems, units=[unit("HQ", ["OLD"]), unit("BN", ["OLD"])], nets=[], pace=[]))
    by_id = {s.id: s for s in model.systems}
    assert by_id["OLD"].gnss == ("timing", "position") and by_id["OLD"].gnss_dependent
    assert by_id["OFF"].gnss == () and not by_id["OFF"].gnss_dependent
    assert by_id["BOTH"].gnss == ("position",)  # gnss wins over the deprecated field


def test_schema_knows_spoofing_and_the_gnss_list() -> None:
    data = exercise([gnss("S-1", "gnss-spoofing")])
    assert schema.validate_data(data, FakeSources()) == []
    data["systems"][0]["gnss"] = ["altitude"]
    data["constraints"][0]["kind"] = "gnss-spoffing"
    pointers = {d.pointer for d in schema.validate_data(data, FakeSources())}
    assert {"/systems/0/gnss/0", "/constraints/0/kind"} <= pointers
