"""Cultures: named name lists for fictional lands, the persona resolution order, the
organisation/e-mail fix, places in the setting's culture, and the bundled scenarios."""

from __future__ import annotations

import copy
import random
import re
import typing as t
from importlib import resources
from pathlib import Path

import pytest

from exgen.core import cultures
from exgen.core.seeding import entity_seed
from exgen.enrich import detail as en
from exgen.enrich import personas
from exgen.enrich.names import cultures as listed
from exgen.enrich.names import fold, name_list, real_places
from exgen.enrich.names.named import named_culture
from exgen.enrich.names.places import STYLES, place_name
from exgen.enrich.names.romanize import romanize
from exgen.model import Exercise
from tests.conftest import ROOT
from tests.enrich.test_enrich import EMAIL, build, excon_people

NAMED = sorted(cultures.NAMED_CULTURES)
SCENARIOS = sorted(ROOT.glob("scenarios/*/exercise.yaml"))


def definition(**exercise: t.Any) -> dict[str, t.Any]:
    """A small definition whose role players cover every step of the resolution order."""
    return {
        "exgen": 1,
        "exercise": {"id": "EX-1", "name": "Test", "type": "CPX", "classification": "UNCLASSIFIED",
                     "startex": "2027-05-10T06:00:00Z", "endex": "2027-05-12T18:00:00Z", **exercise},
        "units": [{"id": "U-1", "name": "Unit 1", "nation": "HR", "role": "training-audience"},
                  {"id": "U-2", "name": "Unit 2", "nation": "ME", "role": "training-audience"},
                  {"id": "OPFOR-1", "name": "Legion", "nation": "HR", "role": "opfor", "culture": "zelvarian"}],
        "excon": {
            "cells": [{"id": "WHITE", "title": "White Cell"}, {"id": "RED", "title": "Red Cell hybrid threats"}],
            "role_players": [
                {"id": "RP-KTV", "cell": "RED", "portrays": "Presenter of KTV-1", "culture": "korvanian",
                 "organisation": "KTV-1 (Korvanian state television)"},
                {"id": "RP-FHL", "cell": "RED", "portrays": 'Leader of the Legion, known as "Gorski"'},
                {"id": "RP-MAYOR", "cell": "WHITE", "portrays": "Mayor of Vrelgrad", "nation": "ME"},
                {"id": "RP-HR", "cell": "WHITE", "portrays": "Harbour master", "nation": "ME", "culture": "hr_HR",
                 "organisation": "Port Authority"},
                {"id": "RP-NAMED", "cell": "WHITE", "portrays": "Spokesperson", "name": "Dragan Velinov",
                 "culture": "korvanian", "organisation": "Ministry of Interior"},
            ],
            "controllers": [{"id": "CTL-1", "cell": "WHITE"}],
            "evaluators": [{"id": "EV-1", "objectives": [], "nation": "HR"}],
        },
        "injects": [{"id": "INJ-1", "time": "D+0 08:00", "from": "RP-KTV", "to": ["U-1"], "method": "media",
                     "title": "t", "location": {"lat": 42.4, "lon": 19.2}}],
    }


def drawn_from(given: str, family: str, gender: str, name: str) -> bool:
    """True when ``given`` and ``family`` are a ``gender`` person's names in named culture ``name``."""
    c = named_culture(name)
    return (given in (c.female if gender == "female" else c.male)
            and family in (c.female_families if gender == "female" else c.families))


# --- the named lists --------------------------------------------------------------------------

def test_the_named_cultures_are_listed_with_a_description() -> None:
    names = [n for n, _ in listed()]
    assert {"korvanian", "dalvoran", "zelvarian"} <= set(names) and names == sorted(names)
    assert all(len(description) > 40 for _, description in listed())


def test_every_list_file_is_a_listed_culture_and_back() -> None:
    folder = resources.files("exgen.enrich.names").joinpath("data").joinpath("cultures")
    files = sorted(Path(p.name).stem for p in folder.iterdir() if p.name.endswith(".txt"))
    assert files == NAMED


@pytest.mark.parametrize("name", NAMED)
def test_each_list_is_one_culture_large_enough_to_draw_from(name: str) -> None:
    c = named_culture(name)
    assert len(set(c.male)) == len(c.male) >= 30 and len(set(c.female)) == len(c.female) >= 30
    assert len(set(c.families)) == len(c.families) >= 40
    assert not set(c.male) & set(c.female)
    if c.feminine:  # a culture with feminine forms gives one to every family name
        assert all(f.endswith(tuple(e for e, _ in c.feminine)) for f in c.families), name
        assert all(c.family_name(f, True) != f for f in c.families)
    assert re.fullmatch(r"\d{3}", c.calling_code) and c.calling_code not in set(en.CALLING_CODES.values())
    for word in (*c.male, *c.female, *c.families):
        assert word[:1].isupper() and word.replace("-", "").isalpha(), word
    assert name in STYLES  # and it names places too


def test_feminine_family_names() -> None:
    assert named_culture("korvanian").family_name("Zorin", True) == "Zorina"
    assert named_culture("korvanian").family_name("Kalovski", True) == "Kalovska"
    assert named_culture("tarvosian").family_name("Dubek", True) == "Dubková"
    assert named_culture("dalvoran").family_name("Selvanić", True) == "Selvanić"
    assert named_culture("zelvarian").family_name("Castelar", False) == "Castelar"


def test_the_named_lists_share_no_family_name() -> None:
    seen: dict[str, str] = {}
    for name in NAMED:
        for family in named_culture(name).families:
            assert family not in seen, f"{family} is in both {seen.get(family)} and {name}"
            seen[family] = name


@pytest.mark.parametrize("name", NAMED)
def test_places_in_a_named_culture_are_fictional(name: str) -> None:
    real = real_places()
    for i in range(300):
        place = place_name(random.Random(i), name)
        assert fold(place) not in real and place[:1].isupper(), place


def test_unknown_named_culture_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        named_culture("atlantean")


# --- the resolution order ---------------------------------------------------------------------

def test_a_korvanian_role_player_is_named_from_the_korvanian_list() -> None:
    p = en.enrich(build(definition()), 3).personas["RP-KTV"]
    assert p.locale == "korvanian"
    assert drawn_from(p.given_name, p.family_name, p.gender, "korvanian"), p.full_name
    assert p.phone.startswith("+" + named_culture("korvanian").calling_code + " 99 555 0")


def test_many_korvanian_personas_all_come_from_the_list() -> None:
    genders = set()
    for i in range(150):
        p = en.make_persona(5, "role_player", f"RP-{i}", "GB", "KTV-1", culture="korvanian")
        assert drawn_from(p.given_name, p.family_name, p.gender, "korvanian"), p.full_name
        genders.add(p.gender)
    assert genders == {"female", "male"}


def test_a_fictional_actor_takes_the_exercise_culture() -> None:
    p = en.enrich(build(definition(culture="zelvarian")), 3).personas["RP-FHL"]
    assert p.locale == "zelvarian" and drawn_from(p.given_name, p.family_name, p.gender, "zelvarian")


def test_a_fictional_actor_without_any_culture_gets_no_invented_name() -> None:
    enrichment = en.enrich(build(definition(working_language="en")), 3)
    assert "RP-FHL" not in enrichment.personas  # never an English name for the Legion's leader


def test_a_role_player_with_a_nation_keeps_its_nation_over_the_exercise_culture() -> None:
    p = en.enrich(build(definition(culture="zelvarian")), 3).personas["RP-MAYOR"]
    assert p.locale == "sr_ME@exgen"
    assert any(p.given_name in (c.female + c.male) for c in name_list("ME").communities)


def test_a_locale_culture_beats_the_nation() -> None:
    from faker import Faker

    p = en.enrich(build(definition()), 3).personas["RP-HR"]
    croatian = Faker("hr_HR").provider("faker.providers.person")
    assert p.locale == "hr_HR"
    pool = croatian.first_names_female if p.gender == "female" else croatian.first_names_male
    assert p.given_name in {personas._tidy(romanize(n, "hr_HR")) for n in pool}
    assert p.phone.startswith("+385 ")


def test_a_given_name_is_used_verbatim_and_only_contact_details_are_invented() -> None:
    data = definition()
    data["excon"]["role_players"][4]["name"] = "  Đorđe   Šćepanović "
    p = en.enrich(build(data), 3).personas["RP-NAMED"]
    assert p.full_name == "Đorđe Šćepanović" and (p.given_name, p.family_name) == ("Đorđe", "Šćepanović")
    assert p.gender == "" and p.organisation == "Ministry of Interior"
    assert p.email == "djordje.scepanovic@ministry-of-interior.exercise.example"
    assert p.phone.startswith("+426 99 555 0")  # the korvanian culture's code


def test_a_single_word_name() -> None:
    data = definition()
    data["excon"]["role_players"][1]["name"] = "Gorski"
    p = en.enrich(build(data), 3).personas["RP-FHL"]
    assert p.full_name == "Gorski" and p.email.startswith("gorski@") and EMAIL.match(p.email)


def test_unknown_culture_falls_back_to_the_nation_without_raising() -> None:
    p = en.make_persona(1, "role_player", "RP-1", "HR", "Org", culture="atlantean")
    assert p.locale == "hr_HR"


# --- determinism --------------------------------------------------------------------------------

def test_same_seed_same_names_and_new_role_players_rename_nobody() -> None:
    data = definition(culture="korvanian")
    before = en.enrich(build(data), 11)
    assert en.enrich(build(data), 11) == before
    assert en.enrich(build(data), 12).personas != before.personas
    more = copy.deepcopy(data)
    more["excon"]["role_players"].insert(0, {"id": "RP-NEW", "cell": "RED", "portrays": "x", "culture": "dalvoran"})
    more["excon"]["role_players"].append({"id": "RP-NEW2", "cell": "RED", "portrays": "y"})
    after = en.enrich(build(more), 11)
    assert set(after.personas) - set(before.personas) == {"RP-NEW", "RP-NEW2"}
    for key, persona in before.personas.items():
        assert after.personas[key] == persona


# --- controllers and evaluators -----------------------------------------------------------------

def test_controllers_and_evaluators_get_no_invented_person() -> None:
    model = build(definition())
    people = excon_people(en.enrich(model, 1), model)
    assert people and all(p["persona"] is None for p in people)


# --- organisation and e-mail ----------------------------------------------------------------------

def test_the_organisation_is_the_role_players_own_never_the_cell() -> None:
    enrichment = en.enrich(build(definition(culture="korvanian")), 2)
    fhl = enrichment.personas["RP-FHL"]  # no organisation, cell "Red Cell hybrid threats"
    assert fhl.organisation == ""
    assert fhl.email.endswith("@leader-legion-gorski.exercise.example"), fhl.email
    assert "red-cell" not in fhl.email
    ktv = enrichment.personas["RP-KTV"]
    assert ktv.organisation == "KTV-1 (Korvanian state television)"
    assert ktv.email.endswith("@ktv-1-korvanian-state-television.exercise.example")
    for p in enrichment.personas.values():
        assert EMAIL.match(p.email), p.email


def test_email_domain_slug() -> None:
    assert personas.email_domain("Dalvora Pulse", "x") == "dalvora-pulse"
    assert personas.email_domain("", "Mayor of Vrelgrad") == "mayor-vrelgrad"
    assert personas.email_domain("", "") == "persona"
    assert personas.email_domain("(((", "of the") == "persona"


# --- places -------------------------------------------------------------------------------------

def _expected_place(seed: int, key: str, style: str) -> str:
    rng = random.Random(entity_seed(seed, "place", key))
    rng.random()  # the style draw every place makes
    return place_name(rng, style)


def test_places_use_the_exercise_culture_and_a_units_own() -> None:
    places = en.enrich(build(definition(culture="dalvoran")), 4).places
    assert places["U-1"] == _expected_place(4, "U-1", "dalvoran")
    assert places["INJ-1"] == _expected_place(4, "INJ-1", "dalvoran")
    assert places["OPFOR-1"] == _expected_place(4, "OPFOR-1", "zelvarian")  # the unit's own culture first


def test_places_without_a_culture_keep_the_nations_style() -> None:
    places = en.enrich(build(definition()), 4).places
    assert places["U-1"] == _expected_place(4, "U-1", "slavic")


def test_a_locale_culture_gives_its_countrys_place_style() -> None:
    places = en.enrich(build(definition(culture="sq_AL")), 4).places
    assert places["U-1"] == _expected_place(4, "U-1", "albanian")


# --- the bundled scenarios ----------------------------------------------------------------------

def _model(path: Path) -> Exercise:
    from exgen import pipeline

    checked = pipeline.check(str(path))
    assert checked.model is not None, [d.as_text() for d in checked.diagnostics if d.is_error]
    return checked.model


def _from_locale(given: str, family: str, locale: str) -> bool:
    """True when the names are drawn from ``locale``'s lists (exgen's own or Faker's)."""
    tag = locale.partition("@")[0]
    own = {v: k for k, v in cultures.OWN_LOCALES.items()}
    if tag in own:
        return any(given in c.male + c.female and family in c.surnames for c in name_list(own[tag]).communities)
    from faker import Faker

    person = Faker(tag).provider("faker.providers.person")
    firsts = {personas._tidy(romanize(n, tag)) for n in (*person.first_names_male, *person.first_names_female)}
    lasts = {romanize(n, tag) for attr in ("last_names", "last_names_male", "last_names_female")
             for n in getattr(person, attr, ())}
    return given in firsts and family in lasts


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.parent.name for p in SCENARIOS])
def test_every_bundled_persona_is_named_from_its_own_culture(path: Path) -> None:
    model = _model(path)
    enrichment = en.enrich(model, 0)
    for r in model.role_players:
        source = cultures.persona_source(r.culture, r.nation, model.info.culture)
        if not r.nation:  # a fictional actor: named from a fictional land's list, never a real nation's
            assert source is not None and source.culture in cultures.NAMED_CULTURES, \
                f"{path.parent.name}: fictional role player {r.id} resolves to no named culture"
        if r.name or source is None:
            continue
        p = enrichment.personas[r.id]
        if source.culture in cultures.NAMED_CULTURES:
            assert p.locale == source.culture and drawn_from(p.given_name, p.family_name, p.gender, source.culture), \
                f"{r.id}: {p.full_name} is not {source.culture}"
        else:
            assert p.locale.partition("@")[0] == source.locale and _from_locale(p.given_name, p.family_name, p.locale)


def test_the_dalvora_officials_share_one_culture() -> None:
    model = _model(ROOT / "scenarios" / "adriatic-shield" / "exercise.yaml")
    dalvora = [r for r in model.role_players if "Dalvora" in f"{r.portrays} {r.organisation}"]
    assert len(dalvora) >= 3
    for r in dalvora:
        source = cultures.persona_source(r.culture, r.nation, model.info.culture)
        assert source is not None and source.culture == "dalvoran", r.id

