"""Languages on voice nets: mutually intelligible groups (a shipped, sourced table) and interpreters
that close a language gap; the comms plan lists who interprets where."""

from __future__ import annotations

import itertools
import re
import typing as t
from pathlib import Path

import pycountry
import pytest
import yaml

from exgen import pipeline
from exgen.check.comms_findings import diagnose
from exgen.check.rules import values
from exgen.comms import analyse, languages
from exgen.core.diagnostics import Location
from exgen.model import Exercise, build_data

BCMS = {"sr", "hr", "bs", "cnr"}


class Sources:
    def locate(self, pointer: str) -> Location:
        return Location("test.yaml", 1, 1)

    locate_key = locate


Langs = dict[str, list[str]]


def definition(units: Langs, language: str | None = "en", *, interprets: Langs | None = None,
               role_players: Langs | None = None, interpreters: t.Sequence[str] = (),
               band: str = "HF") -> dict[str, t.Any]:
    """One HF voice net among ``units`` (id → languages); HQ speaks en. Every unit holds an HF radio
    except those whose id starts with NOHF-."""
    interprets = interprets or {}
    rows = [{"id": uid, "name": uid, "nation": "ME", "role": "training-audience", "languages": langs,
             "systems": ["VHF-R"] if uid.startswith("NOHF-") else ["HF-R"],
             **({"interprets": interprets[uid]} if uid in interprets else {})} for uid, langs in units.items()]
    net: dict[str, t.Any] = {"id": "CMD-HF", "kind": "voice", "band": band, "members": list(units)}
    if language:
        net["language"] = language
    if interpreters:
        net["interpreters"] = list(interpreters)
    data: dict[str, t.Any] = {
        "exgen": 1,
        "exercise": {"id": "EX", "name": "Test", "type": "CPX", "classification": "NATO UNCLASSIFIED",
                     "startex": "2027-05-10T06:00:00Z", "endex": "2027-05-11T06:00:00Z"},
        "systems": [{"id": "HF-R", "kind": "radio", "bands": ["HF"]},
                    {"id": "VHF-R", "kind": "radio", "bands": ["VHF"]}],
        "units": rows, "nets": [net], "pace": [], "constraints": [], "injects": [],
    }
    if role_players:
        data["excon"] = {"cells": [{"id": "WHITE", "title": "White cell"}],
                         "role_players": [{"id": rid, "cell": "WHITE", "portrays": "liaison officer",
                                           **({"interprets": langs} if langs else {})}
                                          for rid, langs in role_players.items()]}
    return data


def build(data: dict[str, t.Any]) -> Exercise:
    model, found = build_data(data, Sources())
    assert model is not None and not found, found
    return model


def gaps(data: dict[str, t.Any]) -> dict[str, str]:
    """Unit id → why it cannot use CMD-HF."""
    return {u: why for _, u, why in analyse(build(data)).incompatible}


# --- mutually intelligible groups ---------------------------------------------------------


def test_a_serbian_speaker_follows_a_croatian_net() -> None:
    assert gaps(definition({"HQ": ["hr"], "RS-BN": ["sr"], "ME-BN": ["cnr"], "BA-BN": ["bs"]}, "hr")) == {}


def test_a_bcms_net_without_a_language_has_no_yardstick_gap() -> None:
    # No code is shared literally, but all four are one language on a voice net.
    assert gaps(definition({"HR-BN": ["hr", "en"], "RS-BN": ["sr"], "ME-BN": ["cnr"], "BA-BN": ["bs"]}, None)) == {}


def test_the_yardstick_counts_intelligible_languages_together() -> None:
    # hr + sr + cnr speakers outnumber the two en speakers: the en speakers are the odd ones out.
    found = gaps(definition({"HQ": ["en"], "GB-BN": ["en"], "HR-BN": ["hr"], "RS-BN": ["sr"], "ME-BN": ["cnr"]}, None))
    assert set(found) == {"HQ", "GB-BN"}
    assert found["HQ"] == ("the net sets no language, its members share none, and it does not speak cnr (or bs, hr, "
                           "sh, sr) like most of them (it speaks en), and no one on the net interprets en ↔ cnr")


def test_close_languages_outside_the_table_still_need_an_interpreter() -> None:
    found = gaps(definition({"HQ": ["bg"], "MK-BN": ["mk"], "SI-BN": ["sl"]}, "bg"))
    assert set(found) == {"MK-BN", "SI-BN"}
    found = gaps(definition({"HQ": ["hr"], "SI-BN": ["sl"]}, "hr"))
    assert found["SI-BN"] == ("it does not speak the net language hr or one intelligible with it (bs, cnr, sh, sr) "
                              "(it speaks sl), and no one on the net interprets sl ↔ hr")


# --- interpreters -------------------------------------------------------------------------


def test_an_albanian_speaker_on_an_english_net_is_flagged_at_its_member_entry() -> None:
    data = definition({"HQ": ["en"], "AL-BN": ["sq"]})
    assert gaps(data) == {"AL-BN": "it does not speak the net language en (it speaks sq), "
                                   "and no one on the net interprets sq ↔ en"}
    model = build(data)
    (finding,) = diagnose(analyse(model), model, Sources())
    assert (finding.code, finding.pointer) == ("comms-incompatible", "/nets/0/members/1")
    assert finding.message.startswith("AL-BN cannot use net CMD-HF: it does not speak the net language en")


def test_a_role_player_interpreter_on_the_net_closes_the_gap() -> None:
    data = definition({"HQ": ["en"], "AL-BN": ["sq"]}, role_players={"RP-LNO-AL": ["sq", "en"]},
                      interpreters=["RP-LNO-AL"])
    assert gaps(data) == {}


def test_a_role_player_not_listed_on_the_net_does_not_interpret_there() -> None:
    data = definition({"HQ": ["en"], "AL-BN": ["sq"]}, role_players={"RP-LNO-AL": ["sq", "en"]})
    assert set(gaps(data)) == {"AL-BN"}


def test_a_member_unit_that_interprets_closes_the_gap() -> None:
    data = definition({"HQ": ["en"], "AL-BN": ["sq"], "LNO-TEAM": ["en"]}, interprets={"LNO-TEAM": ["sq", "en"]})
    assert gaps(data) == {}


def test_an_interpreter_for_the_wrong_pair_does_not_close_it() -> None:
    data = definition({"HQ": ["en"], "AL-BN": ["sq"]}, role_players={"RP-LNO-IT": ["it", "en"], "RP-NOTHING": []},
                      interpreters=["RP-LNO-IT", "RP-NOTHING"])
    assert gaps(data) == {"AL-BN": "it does not speak the net language en (it speaks sq), and no one on the net "
                                   "interprets sq ↔ en (RP-LNO-IT interprets it ↔ en; RP-NOTHING is listed as an "
                                   "interpreter but declares no languages in 'interprets')"}


def test_an_interpreter_unit_that_cannot_use_the_net_does_not_close_it() -> None:
    data = definition({"HQ": ["en"], "AL-BN": ["sq"], "NOHF-LNO": ["en"]}, interprets={"NOHF-LNO": ["sq", "en"]})
    found = gaps(data)
    assert found["AL-BN"].endswith("(NOHF-LNO interprets sq ↔ en but cannot use the net)")
    assert found["NOHF-LNO"] == "none of its systems (VHF-R) works on band HF"


def test_interpreting_counts_intelligible_languages() -> None:
    # A sr ↔ en interpreter serves a Croatian speaker on an English net, and an English speaker on a
    # Montenegrin one; an interpreter between two BCMS codes serves nobody who speaks neither.
    rp = {"RP-LNO": ["sr", "en"]}
    assert gaps(definition({"HQ": ["en"], "HR-BN": ["hr"]}, role_players=rp, interpreters=["RP-LNO"])) == {}
    assert gaps(definition({"HQ": ["cnr"], "GB-BN": ["en"]}, "cnr", role_players=rp, interpreters=["RP-LNO"])) == {}
    only_bcms = {"RP-LNO": ["sr", "hr"]}
    assert set(gaps(definition({"HQ": ["hr"], "GB-BN": ["en"]}, "hr", role_players=only_bcms,
                               interpreters=["RP-LNO"]))) == {"GB-BN"}


def test_the_comms_plan_lists_who_interprets_where(tmp_path: Path) -> None:
    data = definition({"HQ": ["en"], "AL-BN": ["sq"], "LNO-TEAM": ["en"]}, band="courier",
                      interprets={"LNO-TEAM": ["sr", "en"]}, role_players={"RP-LNO-AL": ["sq", "en"]},
                      interpreters=["RP-LNO-AL"])
    data["nets"].append({**data["nets"][0], "id": "LIAISON", "members": ["HQ", "AL-BN"]})
    data["objectives"] = [{"id": "TO-1", "title": "Report"}]
    data["excon"]["evaluators"] = [{"id": "EV-1", "objectives": ["TO-1"]}]
    data["injects"] = [{"id": "INJ-1", "time": "D+0 08:00", "from": "HQ", "to": ["AL-BN"], "method": "radio",
                        "title": "Report", "objectives": ["TO-1"]}]
    src = tmp_path / "exercise.yaml"
    src.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = pipeline.build(str(src), str(tmp_path / "pkg"), only=["comms"])
    assert result.written is not None, [d.as_text() for d in result.checked.diagnostics if d.is_error]
    html = (tmp_path / "pkg" / "comms" / "comms-plan.html").read_text("utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "RP-LNO-AL (sq ↔ en) on CMD-HF, LIAISON — role player: liaison officer" in text
    assert "LNO-TEAM (sr ↔ en) on CMD-HF — unit: LNO-TEAM" in text


def test_the_comms_plan_has_no_interpreter_list_when_nobody_interprets(tmp_path: Path) -> None:
    from tests.check.minimal import write

    out = tmp_path / "pkg"
    assert pipeline.build(str(write(tmp_path)), str(out), only=["comms"]).written is not None
    assert 'id="interpreters"' not in (out / "comms" / "comms-plan.html").read_text("utf-8")


# --- the table ----------------------------------------------------------------------------


def test_groups_are_disjoint_and_bcms_is_one_of_them() -> None:
    groups = languages.groups()
    for a, b in itertools.combinations(groups, 2):
        assert not set(a.languages) & set(b.languages), (a.id, b.id)
    assert any(set(g.languages) >= BCMS for g in groups)
    assert len({g.id for g in groups}) == len(groups)


def test_every_code_in_the_table_is_a_code_exgen_accepts() -> None:
    codes = {c for g in languages.groups() for c in g.languages} | {c for n in languages.not_grouped()
                                                                    for c in n.languages}
    for code in codes:
        assert code in values.languages(), code
        assert pycountry.languages.get(**{f"alpha_{len(code)}": code}) is not None, code


def test_every_group_and_every_exclusion_says_why_and_cites_a_source() -> None:
    for g in languages.groups():
        assert g.name and len(g.basis) > 80 and len(g.languages) >= 2, g.id
        assert g.sources and all(s.title for s in g.sources), g.id
        assert any(s.url.startswith("https://") for s in g.sources), g.id
    for n in languages.not_grouped():
        assert n.reason and n.sources, n.languages
        # An exclusion names languages that really are in different groups (else it contradicts the table).
        assert len({languages.kin(c) for c in n.languages}) == len(n.languages), n.languages


def test_the_table_carries_a_licence_note() -> None:
    table = languages._table()
    assert "licence" in table and "Apache-2.0" in table["licence"]


@pytest.mark.parametrize(("a", "b", "same"), [("sr", "hr", True), ("cnr", "bs", True), ("sh", "sr", True),
                                              ("cs", "sk", True), ("nb", "nn", True), ("bg", "mk", False),
                                              ("sr", "mk", False), ("da", "sv", False), ("en", "en", True)])
def test_intelligible(a: str, b: str, same: bool) -> None:
    assert languages.intelligible(a, b) is same and languages.intelligible(b, a) is same
