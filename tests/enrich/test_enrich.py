"""Seeded enrichment: personas, call signs, places — deterministic and stable per entity."""

from __future__ import annotations

import copy
import hashlib
import re
import time
import typing as t

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exgen.core.diagnostics import Location
from exgen.enrich import detail as en
from exgen.enrich.names import OWN_LOCALES, callsign_words, name_list, real_places
from exgen.enrich.names.places import place_name
from exgen.enrich.names.romanize import needs_romanizing, romanize, to_ascii
from exgen.model import Exercise, build_data

EMAIL = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*@[a-z0-9-]+\.exercise\.example$")
NATO_ALPHABET = {
    "ALFA", "ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF", "HOTEL", "INDIA",
    "JULIETT", "JULIET", "KILO", "LIMA", "MIKE", "NOVEMBER", "OSCAR", "PAPA", "QUEBEC", "ROMEO",
    "SIERRA", "TANGO", "UNIFORM", "VICTOR", "WHISKEY", "XRAY", "YANKEE", "ZULU",
}
PROWORDS = {"ROGER", "WILCO", "OVER", "OUT", "BREAK", "WAIT", "FIGURES", "RELAY", "SILENCE", "MAYDAY",
            "CORRECTION", "MESSAGE", "PRIORITY", "ROUTINE", "IMMEDIATE", "FLASH", "AFFIRMATIVE", "NEGATIVE"}


class FakeSources:
    """A SourceMap stand-in: every pointer is at t.yaml:1:1."""

    def locate(self, pointer: str) -> Location:
        return Location("t.yaml", 1, 1)

    def locate_key(self, pointer: str) -> Location:
        return Location("t.yaml", 1, 1)


def definition(units: int = 4, injects: int = 3) -> dict[str, t.Any]:
    """A small schema-shaped definition with role players of the region's nations."""
    nations = ["ME", "AL", "RS", "BA", "XK", "HR", "RO", "BG", "MK", "US", "GR"]
    return {
        "exgen": 1,
        "exercise": {"id": "EX-1", "name": "Test", "type": "CPX", "classification": "UNCLASSIFIED",
                     "startex": "2027-05-10T06:00:00Z", "endex": "2027-05-12T18:00:00Z"},
        "units": [{"id": f"U-{i:03d}", "name": f"Unit {i}", "nation": nations[i % len(nations)],
                   "role": "training-audience"} for i in range(units)],
        "nets": [{"id": "NET-1", "kind": "voice", "members": [f"U-{i:03d}" for i in range(units)]}],
        "excon": {
            "cells": [{"id": "WHITE", "title": "White Cell"}],
            "role_players": [{"id": f"RP-{n}", "cell": "WHITE", "portrays": "mayor", "nation": n}
                             for n in nations] + [{"id": "RP-NONE", "cell": "WHITE", "portrays": "x"}],
            "controllers": [{"id": "CTL-1", "cell": "WHITE"}, {"id": "CTL-2", "cell": "WHITE", "name": "Maj X"}],
            "evaluators": [{"id": "EV-1", "objectives": [], "nation": "HR"}],
        },
        "injects": [{"id": f"INJ-{i:04d}", "time": "D+0 08:00", "from": "RP-ME", "to": ["U-000"],
                     "method": "phone", "title": "t",
                     **({"location": {"lat": 42.4, "lon": 19.2}} if i % 2 == 0 else {})}
                    for i in range(injects)],
    }


def build(data: dict[str, t.Any]) -> Exercise:
    """The model of ``data``; fails the test on diagnostics."""
    model, found = build_data(data, FakeSources())  # type: ignore[arg-type]
    assert model is not None and not found, found
    return model


# --- seeds and tables -------------------------------------------------------------------------

def test_entity_seed_is_sha256_of_the_key() -> None:
    expected = int.from_bytes(hashlib.sha256(b"42:role_player:RP-1").digest()[:8], "big")
    assert en.entity_seed(42, "role_player", "RP-1") == expected
    assert en.entity_seed(42, "role_player", "RP-1") != en.entity_seed(43, "role_player", "RP-1")
    assert en.entity_seed(1, "a", "\ud800") >= 0  # a lone surrogate does not break the encoding


def test_locale_for() -> None:
    assert en.locale_for("HR") == "hr_HR"
    assert en.locale_for("hr") == "hr_HR"
    assert en.locale_for("UK") == "en_GB"
    assert en.locale_for("ZZ") == "en_GB" == en.locale_for("")
    for nation in ("AL", "ME", "RS", "BA", "XK"):
        assert en.locale_for(nation).endswith("@exgen")


def test_every_mapped_faker_locale_has_its_own_person_names() -> None:
    from faker import Faker

    for nation, locale in en.NATION_LOCALES.items():
        module = type(Faker(locale).provider("faker.providers.person")).__module__
        if nation in ("US", "CA"):
            assert module.endswith("en_US")  # Canada is mapped to en_US on purpose
        else:
            assert module.endswith(locale), f"{nation}: {locale} falls back to {module}"


def test_every_nation_has_a_calling_code() -> None:
    assert set(en.NATION_LOCALES) | set(OWN_LOCALES) == set(en.CALLING_CODES)


def test_default_nation_follows_the_working_language() -> None:
    assert en.default_nation("en") == "GB"
    assert en.default_nation("fr-FR") == "FR"
    assert en.default_nation("sr") == "RS"
    assert en.default_nation("xx") == "GB"


# --- determinism and stability ----------------------------------------------------------------

def test_same_seed_same_enrichment() -> None:
    model = build(definition())
    first = en.enrich(model, 7)
    en.enrich(model, 8)  # interleaving another seed must not leak state through the cached Fakers
    assert en.enrich(model, 7) == first
    assert first.faker_version == "40.63.0"


def test_different_seed_differs() -> None:
    model = build(definition())
    a, b = en.enrich(model, 1), en.enrich(model, 2)
    assert a.personas != b.personas
    assert a.callsigns != b.callsigns
    assert a.places != b.places


def test_adding_entities_leaves_everyone_else_unchanged() -> None:
    data = definition()
    before = en.enrich(build(data), 5)
    more = copy.deepcopy(data)
    more["excon"]["role_players"].insert(0, {"id": "RP-NEW", "cell": "WHITE", "portrays": "x", "nation": "ME"})
    more["excon"]["controllers"].insert(0, {"id": "CTL-0", "cell": "WHITE"})
    more["units"].insert(0, {"id": "U-NEW", "name": "New", "nation": "AL", "role": "enabler"})
    more["injects"].insert(0, {"id": "INJ-NEW", "time": "D+0 07:00", "from": "RP-ME", "to": ["U-000"],
                               "method": "radio", "title": "t", "location": {"lat": 42.0, "lon": 19.0}})
    after = en.enrich(build(more), 5)
    assert set(after.personas) - set(before.personas) == {"RP-NEW"}
    for key, persona in before.personas.items():
        assert after.personas[key] == persona
    for key, callsign in before.callsigns.items():
        assert after.callsigns[key] == callsign
    for key, place in before.places.items():
        assert after.places[key] == place


def test_enrich_leaves_fakers_shared_random_alone() -> None:
    from faker.generator import random as shared

    state = shared.getstate()
    en.enrich(build(definition()), 3)
    assert shared.getstate() == state


# --- names by nationality ---------------------------------------------------------------------

@pytest.mark.parametrize("nation", ["AL", "ME", "RS", "BA", "XK"])
def test_region_names_come_from_exgens_lists(nation: str) -> None:
    names = name_list(nation)
    for i in range(200):
        p = en.make_persona(11, "role_player", f"RP-{i}", nation, "Org")
        assert p.locale == OWN_LOCALES[nation] + "@exgen"
        community = [c for c in names.communities
                     if p.family_name in c.surnames and p.given_name in (c.female if p.gender == "female" else c.male)]
        assert community, f"{p.full_name} ({p.gender}) is not one community's name in exgen's {nation} list"


@pytest.mark.parametrize("nation,locale", [("HR", "hr_HR"), ("RO", "ro_RO"), ("BG", "bg_BG"),
                                           ("MK", "mk_MK"), ("GR", "el_GR")])
def test_other_regional_names_come_from_the_native_faker_locale(nation: str, locale: str) -> None:
    from faker import Faker

    native = Faker(locale).provider("faker.providers.person")
    american = Faker("en_US").provider("faker.providers.person")
    us_first = set(american.first_names)
    not_american = 0
    for i in range(60):
        p = en.make_persona(3, "role_player", f"RP-{i}", nation, "Org")
        pool = native.first_names_female if p.gender == "female" else native.first_names_male
        assert p.given_name in {en._tidy(romanize(n, locale)) for n in pool}  # Faker has some lower-case
        assert p.locale == locale
        not_american += p.given_name not in us_first
    assert not_american >= 50  # a handful (Daniel, Ana…) are shared; American fallback would give 0


def test_unknown_nation_is_british_explicitly() -> None:
    from faker import Faker

    british = Faker("en_GB").provider("faker.providers.person")
    p = en.make_persona(1, "role_player", "RP-X", "ZZ", "Org")
    assert p.locale == "en_GB"
    assert p.given_name in british.first_names
    assert p.phone.startswith("+44 7700 900")


def test_role_player_without_nation_or_culture_is_not_named_after_the_working_language() -> None:
    data = definition()
    for language in ("hr", "en"):
        data["exercise"]["working_language"] = language
        assert "RP-NONE" not in en.enrich(build(data), 1).personas  # a fictional actor: no borrowed name
    data["exercise"]["culture"] = "hr_HR"
    assert en.enrich(build(data), 1).personas["RP-NONE"].locale == "hr_HR"


def test_controllers_and_evaluators_get_no_persona() -> None:
    model = build(definition())
    people = excon_people(en.enrich(model, 1), model)
    assert people and all(p["persona"] is None for p in people)


def test_cyrillic_and_greek_names_are_romanized_with_the_original_kept() -> None:
    for nation in ("BG", "MK", "UA", "RU", "GR"):
        for i in range(30):
            p = en.make_persona(2, "role_player", f"RP-{i}", nation, "Org")
            assert not needs_romanizing(p.full_name), p.full_name
            assert needs_romanizing(p.native_name)


def test_romanization_follows_the_national_systems() -> None:
    assert romanize("Христо Стоичков", "bg_BG") == "Hristo Stoichkov"
    assert romanize("Мария", "bg_BG") == "Maria"
    assert romanize("Ѓорѓи Кировски", "mk_MK") == "Gjorgji Kirovski"
    assert romanize("Юлія Згурська", "uk_UA") == "Yuliia Zghurska"
    assert romanize("Ευάγγελος Μπακογιάννης", "el_GR") == "Evangelos Bakogiannis"
    assert romanize("Đukanović", "sr_ME") == "Đukanović"


def test_lithuanian_names_agree_with_gender() -> None:
    for i in range(60):
        p = en.make_persona(9, "role_player", f"RP-{i}", "LT", "Org")
        if p.gender == "male":
            assert p.given_name.endswith("s") and p.family_name.endswith(("s", "a"))
        else:
            assert not p.given_name.endswith("s") and p.family_name.endswith("ė")


def test_gender_is_seeded_and_both_occur() -> None:
    genders = {en.make_persona(4, "role_player", f"RP-{i}", "ME", "Org").gender for i in range(40)}
    assert genders == {"female", "male"}


# --- contact details --------------------------------------------------------------------------

def test_email_is_ascii_on_the_reserved_example_tld() -> None:
    enrichment = en.enrich(build(definition()), 13)
    assert len(enrichment.personas) == 11
    for p in enrichment.personas.values():
        assert p.email.isascii() and EMAIL.match(p.email), p.email
        assert p.email.endswith(".exercise.example")
        assert "white-cell" not in p.email and p.organisation == ""  # never the EXCON cell
    assert enrichment.personas["RP-ME"].email.endswith("@mayor.exercise.example")  # from "portrays"


def test_transliteration_for_email() -> None:
    assert to_ascii("Đorđe Šćepanović") == "Djordje Scepanovic"
    assert to_ascii("Skënder Çela") == "Skender Cela"
    assert to_ascii("Straße Ærø Łódź") == "Strasse Aero Lodz"
    assert en._email("Đorđe", "Šćepanović", "Radio-Televizija Crne Gore (RTCG)") == \
        "djordje.scepanovic@radio-televizija-crne-gore-rtcg.exercise.example"
    assert en._email("", "", "") == "contact@persona.exercise.example"


@pytest.mark.parametrize("nation", ["ME", "AL", "RS", "BA", "XK", "HR", "GR", "TR", "DE", "GB", "US", "ZZ"])
def test_phone_numbers_are_in_the_fictional_forms(nation: str) -> None:
    code = en.CALLING_CODES.get(nation, "44")
    for i in range(20):
        phone = en.make_persona(1, "role_player", f"RP-{i}", nation, "Org").phone
        if code == "44":
            assert re.fullmatch(r"\+44 7700 900\d{3}", phone), phone
        elif code == "1":
            assert re.fullmatch(r"\+1 \d{3} 555 01\d{2}", phone), phone
        else:
            assert re.fullmatch(rf"\+{code} 99 555 0\d{{3}}", phone), phone


# --- call signs -------------------------------------------------------------------------------

def test_callsign_words_are_radio_friendly() -> None:
    words = callsign_words()
    assert len(words) >= 80 and len(set(words)) == len(words)
    for word in words:
        assert word.isalpha() and word.isupper() and 4 <= len(word) <= 8, word
        assert word not in NATO_ALPHABET and word not in PROWORDS, word


def test_unit_callsigns_are_generated_or_given() -> None:
    data = definition()
    data["units"][1]["callsign"] = "ZEUS 6"
    enrichment = en.enrich(build(data), 1)
    assert enrichment.callsigns["U-001"] == "ZEUS 6"
    word, number = enrichment.callsigns["U-000"].split()
    assert word in callsign_words() and 10 <= int(number) <= 99


def test_net_callsigns_are_unique_within_each_net() -> None:
    data = definition(units=400, injects=0)
    for i in range(40):
        data["units"][i]["callsign"] = "ZEUS 6" if i % 2 else "zeus  6"  # clash as heard
    data["nets"].append({"id": "NET-2", "kind": "data", "members": [f"U-{i:03d}" for i in range(0, 400, 3)]})
    enrichment = en.enrich(build(data), 21)
    for net in ("NET-1", "NET-2"):
        heard = [" ".join(cs.split()).casefold() for (n, _), cs in enrichment.net_callsigns.items() if n == net]
        assert len(heard) == len(set(heard))
    assert enrichment.net_callsigns[("NET-1", "U-000")] == "zeus  6"  # first by unit id keeps it
    assert enrichment.net_callsigns[("NET-1", "U-001")].startswith("ZEUS ")  # given word kept
    generated = [k for k in enrichment.net_callsigns if k[0] == "NET-1" and int(k[1][2:]) >= 40]
    kept = sum(enrichment.net_callsigns[k] == enrichment.callsigns[k[1]] for k in generated)
    assert kept >= len(generated) - 40  # only clashing members change


def test_net_callsigns_survive_duplicate_members_and_unknown_units() -> None:
    data = definition(units=3, injects=0)
    data["nets"][0]["members"] = ["U-000", "U-000", "GHOST"]
    enrichment = en.enrich(build(data), 1)
    assert set(enrichment.net_callsigns) == {("NET-1", "U-000"), ("NET-1", "GHOST")}


# --- places -----------------------------------------------------------------------------------

def test_places_for_units_and_located_injects() -> None:
    model = build(definition(units=5, injects=6))
    places = en.enrich(model, 1).places
    assert {u.id for u in model.units} <= set(places)
    assert {i.id for i in model.injects if i.location} <= set(places)
    assert not {i.id for i in model.injects if not i.location} & set(places)


def test_an_inject_that_names_its_place_keeps_that_name() -> None:
    """The card prints the place the inject's texts name, not an invented one beside it."""
    data = definition(units=3, injects=4)
    located = [i for i in data["injects"] if i.get("location")]
    assert located
    located[0]["place"] = "the Zarnik border crossing"
    data["injects"][-1]["place"] = "Vrelgrad"
    data["injects"][-1].pop("location", None)
    places = en.enrich(build(data), 1).places
    assert places[located[0]["id"]] == "the Zarnik border crossing"
    assert places[data["injects"][-1]["id"]] == "Vrelgrad"
    assert all(places[i["id"]] != "the Zarnik border crossing" for i in located[1:])


def test_place_names_are_fictional() -> None:
    from faker.providers.address.hr_HR import Provider as HrAddress

    from exgen.enrich.names import fold

    real = real_places()
    assert fold("Podgorica") in real and fold(HrAddress.cities[0]) in real
    import random

    for i in range(2000):
        for style in ("slavic", "albanian"):
            name = place_name(random.Random(i), style)
            assert fold(name) not in real, name
            assert name[:1].isupper()


# --- robustness and speed ---------------------------------------------------------------------

ids = st.text(min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=-(2 ** 70), max_value=2 ** 70), unit_ids=st.lists(ids, max_size=6, unique=True),
       rp=st.lists(st.tuples(ids, st.text(max_size=3)), max_size=5), callsign=st.text(max_size=8))
def test_enrich_never_raises(seed: int, unit_ids: list[str], rp: list[tuple[str, str]], callsign: str) -> None:
    data = definition(units=0, injects=0)
    data["units"] = [{"id": u, "name": u, "nation": u[:2], "role": "enabler", "callsign": callsign}
                     for u in unit_ids]
    data["nets"] = [{"id": "N", "kind": "voice", "members": unit_ids + unit_ids[:2]}]
    data["excon"]["role_players"] = [{"id": i, "cell": "NOPE", "portrays": "x", "nation": n, "organisation": i}
                                     for i, n in rp]
    data["injects"] = [{"id": u, "time": "D+0 01:00", "from": "X", "to": [], "method": "m", "title": "t",
                        "location": {"lat": 0, "lon": 0}} for u in unit_ids]
    enrichment = en.enrich(build(data), seed)
    heard = [" ".join(cs.split()).casefold() for cs in enrichment.net_callsigns.values()]
    assert len(heard) == len(set(heard))
    for p in enrichment.personas.values():
        assert EMAIL.match(p.email), p.email


def test_large_exercise_is_fast() -> None:
    model = build(definition(units=500, injects=10_000))
    en.enrich(model, 0)  # warm the Faker and data caches
    start = time.perf_counter()
    en.enrich(model, 1)
    assert time.perf_counter() - start < 3.0  # measured ~0.1 s; the bound only catches blow-ups


def excon_people(enrichment: t.Any, model: t.Any) -> list[dict[str, t.Any]]:
    """The controllers and evaluators as the render context gives them to every template."""
    from exgen.comms import analyse
    from exgen.render.context import build_context

    ctx = build_context(model, analyse(model), enrichment)
    return [*ctx["controllers"], *ctx["evaluators"]]
